import { describe, expect, it } from 'vitest';
import {
  type BillingInput,
  BillingRefusedError,
  computeBillingLine,
  MAX_MINUTES,
} from '../../src/actions/billing-rules.js';
import type { BillingComputation } from '../../src/actions/billing-types.js';
import type { FileConfig } from '../../src/config.js';
import { UnexpectedError, UserInputError } from '../../src/errors.js';
import { billingNotesWords, billingProblemWords } from '../../src/slack/views/billing-words.js';
import type { Product } from '../../src/syncro/schemas.js';

/** The reference MSP's labour types (shared/reference/syncro-command.md), plus a warranty and a taxable one. */
const LABOR_TYPES: FileConfig['labor_types'] = {
  remote: { product_id: 1190473, taxable: false },
  onsite: { product_id: 26118, taxable: false, label: 'Onsite' },
  emergency: { product_id: 26184, taxable: false, label: 'Emergency / after hours', prepaid_multiplier: 1.5 },
  warranty: { product_id: 5550001, taxable: false, label: 'Warranty (no charge)', draws_prepaid: false },
  website: { product_id: 68055, taxable: true, label: 'Website' },
  // Syncro-style labour settings: a minimum entry and a rounding increment (rounding up).
  rounded: { product_id: 1190473, taxable: false, label: 'Remote (15 min)', round_to_minutes: 15 },
  minimum: {
    product_id: 26118,
    taxable: false,
    label: 'Onsite (1 h minimum)',
    minimum_minutes: 60,
    round_to_minutes: 30,
  },
  internal: { product_id: 9269124, taxable: false, label: 'Internal', draws_prepaid: false },
  emergency15: {
    product_id: 26184,
    taxable: false,
    label: 'Emergency (15 min)',
    prepaid_multiplier: 1.5,
    round_to_minutes: 15,
  },
};

const PRODUCTS: Record<string, Product> = {
  remote: { id: 1190473, name: 'Labor - Remote Business', price_retail: 150, taxable: true },
  onsite: { id: 26118, name: 'Labor - Onsite Business', price_retail: 175 },
  emergency: { id: 26184, name: 'Labor - Emergency or After Hours Business', price_retail: 225 },
  warranty: { id: 5550001, name: 'Labor - Warranty', price_retail: 0 },
  website: { id: 68055, name: 'Labor - Website Labor', price_retail: 125 },
  rounded: { id: 1190473, name: 'Labor - Remote Business', price_retail: 150 },
  minimum: { id: 26118, name: 'Labor - Onsite Business', price_retail: 175 },
  internal: { id: 9269124, name: 'Labor - Internal Labor', price_retail: 0 },
  emergency15: { id: 26184, name: 'Labor - Emergency or After Hours Business', price_retail: 225 },
};

function input(over: Partial<BillingInput> & { laborType?: string } = {}): BillingInput {
  const laborType = over.laborType ?? 'remote';
  return {
    minutes: 45,
    laborType,
    laborTypes: LABOR_TYPES,
    product: PRODUCTS[laborType.trim().toLowerCase()] ?? PRODUCTS.remote!,
    customerPrepaidHours: null,
    description: 'Reset MFA for Jim; re-registered Authenticator.',
    pricePolicy: 'live',
    ...over,
  };
}

type Want =
  | { result: Partial<BillingComputation>; notes?: RegExp[]; absentNotes?: RegExp[] }
  | { error: typeof UserInputError | typeof UnexpectedError; message: RegExp };

const scenarios: Array<{ name: string; input: BillingInput; want: Want }> = [
  {
    name: '45 minutes remote is 0.75 h at the live rate',
    input: input(),
    want: {
      result: {
        laborType: 'remote',
        laborLabel: 'remote',
        minutes: 45,
        hours: 0.75,
        quantity: 0.75,
        multiplier: null,
        productId: 1190473,
        productName: 'Labor - Remote Business',
        rate: 150,
        total: 112.5,
        taxable: false,
        priceSent: true,
        prepaidBefore: null,
        prepaidAfter: null,
        rule: 'actual',
        beyondPrepaid: null,
        lineItem: {
          product_id: 1190473,
          name: 'Labor - Remote Business',
          description: 'Reset MFA for Jim; re-registered Authenticator.',
          quantity: 0.75,
          taxable: false,
          price_retail: 150,
        },
      },
      notes: [
        /45 minutes = 0\.75 h/,
        /Rate \$150\.00\/h, read from Syncro now and sent as price_retail/,
        /no prepaid/,
      ],
    },
  },
  {
    name: '50 minutes is 0.8333 h, never rounded up to a block',
    input: input({ minutes: 50 }),
    want: { result: { hours: 0.8333, quantity: 0.8333, total: 125 }, notes: [/50 minutes = 0\.8333 h/] },
  },
  {
    name: '1 minute is 0.0167 h',
    input: input({ minutes: 1 }),
    want: { result: { hours: 0.0167, quantity: 0.0167, total: 2.51 } },
  },
  {
    name: '7 minutes at $175: total rounded to cents',
    input: input({ minutes: 7, laborType: 'onsite' }),
    want: { result: { quantity: 0.1167, rate: 175, total: 20.42, laborLabel: 'Onsite' } },
  },
  {
    name: 'a whole day is allowed',
    input: input({ minutes: 1440 }),
    want: { result: { hours: 24, quantity: 24, total: 3600 } },
  },
  {
    name: 'labour type is matched case-insensitively and trimmed',
    input: input({ laborType: ' Remote ' }),
    want: { result: { laborType: 'remote', productId: 1190473 } },
  },
  {
    name: 'emergency with prepaid hours: hours × 1.5 debited from the block, on the emergency product',
    input: input({ minutes: 120, laborType: 'emergency', customerPrepaidHours: 10 }),
    want: {
      result: {
        hours: 2,
        quantity: 3,
        multiplier: 1.5,
        rule: 'premium_on_prepaid',
        productId: 26184,
        productName: 'Labor - Emergency or After Hours Business',
        rate: 225,
        total: 675,
        prepaidBefore: 10,
        prepaidAfter: 7,
        beyondPrepaid: 0,
      },
      notes: [
        /against prepaid hours: 2 h × 1\.5 = 3 h, debited from the prepaid block/,
        /applied once/,
        /10 h before, 7 h after/,
      ],
      absentNotes: [/exhausted/],
    },
  },
  {
    name: 'emergency without prepaid hours: the actual hours, the premium is in the rate',
    input: input({ minutes: 120, laborType: 'emergency', customerPrepaidHours: null }),
    want: {
      result: {
        hours: 2,
        quantity: 2,
        multiplier: null,
        rule: 'premium_in_rate',
        rate: 225,
        total: 450,
        prepaidBefore: null,
      },
      notes: [
        /without prepaid hours: billed at the 2 h worked; the premium is in the rate of “Labor - Emergency or After Hours Business” \(\$225\.00\/h\)/,
      ],
      absentNotes: [/× 1\.5/],
    },
  },
  {
    name: 'emergency with 0 prepaid hours is the no-prepaid branch',
    input: input({ minutes: 90, laborType: 'emergency', customerPrepaidHours: 0 }),
    want: { result: { quantity: 1.5, rule: 'premium_in_rate', prepaidBefore: null, prepaidAfter: null } },
  },
  {
    name: 'emergency with an overdrawn block is the no-prepaid branch, and says so',
    input: input({ minutes: 60, laborType: 'emergency', customerPrepaidHours: -2 }),
    want: {
      result: { quantity: 1, rule: 'premium_in_rate', prepaidBefore: -2, prepaidAfter: -3, beyondPrepaid: 1 },
      notes: [/already overdrawn/],
    },
  },
  {
    name: 'emergency with 50 minutes against prepaid: the multiplier applies to the exact minutes',
    input: input({ minutes: 50, laborType: 'emergency', customerPrepaidHours: 5 }),
    want: { result: { hours: 0.8333, quantity: 1.25, prepaidAfter: 3.75 } },
  },
  {
    name: 'prepaid hours are debited by quantity',
    input: input({ minutes: 45, customerPrepaidHours: 10 }),
    want: {
      result: { prepaidBefore: 10, prepaidAfter: 9.25, beyondPrepaid: 0 },
      notes: [/10 h before, 9\.25 h after/],
    },
  },
  {
    name: 'prepaid exhaustion: the part beyond the block is spelt out',
    input: input({ minutes: 180, laborType: 'emergency', customerPrepaidHours: 2 }),
    want: {
      result: { quantity: 4.5, prepaidBefore: 2, prepaidAfter: -2.5, beyondPrepaid: 2.5 },
      notes: [
        /Prepaid block exhausted: 2\.5 h of this line will be billed beyond it/,
        /2 h before, −2\.5 h after/,
      ],
    },
  },
  {
    name: 'prepaid hours sent as a fraction keep 4 decimals',
    input: input({ minutes: 20, customerPrepaidHours: 1.33333 }),
    want: { result: { prepaidBefore: 1.3333, prepaidAfter: 1, quantity: 0.3333 } },
  },
  {
    name: 'product_default omits price_retail but still shows the rate and total',
    input: input({ pricePolicy: 'product_default' }),
    want: {
      result: { priceSent: false, rate: 150, total: 112.5 },
      notes: [
        /price_retail is not sent: Syncro applies the product's own rate \(\$150\.00\/h, shown for reference\)/,
      ],
    },
  },
  {
    name: 'product_default with a product that has no price: rate and total unknown',
    input: input({ pricePolicy: 'product_default', product: { ...PRODUCTS.remote!, price_retail: null } }),
    want: { result: { priceSent: false, rate: null, total: null }, notes: [/Syncro will price the line/] },
  },
  {
    name: 'live reads whatever the product costs today',
    input: input({ product: { ...PRODUCTS.remote!, price_retail: 165 } }),
    want: { result: { rate: 165, total: 123.75, lineItem: expect.objectContaining({ price_retail: 165 }) } },
  },
  {
    name: 'warranty is its own $0 product, sent at its own $0 price',
    input: input({ laborType: 'warranty', minutes: 30 }),
    want: {
      result: {
        productName: 'Labor - Warranty',
        rate: 0,
        total: 0,
        quantity: 0.5,
        lineItem: {
          product_id: 5550001,
          name: 'Labor - Warranty',
          description: 'Reset MFA for Jim; re-registered Authenticator.',
          quantity: 0.5,
          taxable: false,
          price_retail: 0,
        },
      },
      notes: [/No charge: “Labor - Warranty” is a \$0\.00 product/],
    },
  },
  {
    name: 'taxable comes from the labour type (true), not the product',
    input: input({ laborType: 'website' }),
    want: {
      result: { taxable: true, lineItem: expect.objectContaining({ taxable: true }) },
      notes: [/Taxable: yes/],
    },
  },
  {
    name: 'taxable false is explicit even when the product is taxable',
    input: input(),
    want: {
      result: { taxable: false, lineItem: expect.objectContaining({ taxable: false }) },
      notes: [/Taxable: no/],
    },
  },
  {
    name: 'the product name is sent verbatim (spacing, case, punctuation)',
    input: input({ product: { ...PRODUCTS.remote!, name: '  Labor -  Remote  Business (2026 rate) ' } }),
    want: {
      result: {
        productName: '  Labor -  Remote  Business (2026 rate) ',
        lineItem: expect.objectContaining({ name: '  Labor -  Remote  Business (2026 rate) ' }),
      },
    },
  },
  {
    name: 'the description is trimmed, its line breaks kept',
    input: input({ description: '  Rebooted server.\nChecked backups.  ' }),
    want: {
      result: { lineItem: expect.objectContaining({ description: 'Rebooted server.\nChecked backups.' }) },
    },
  },
  {
    name: 'a disabled product is flagged on the card',
    input: input({ product: { ...PRODUCTS.remote!, disabled: true } }),
    want: { result: { productId: 1190473 }, notes: [/disabled/] },
  },

  // refused
  {
    name: '0 minutes',
    input: input({ minutes: 0 }),
    want: { error: UserInputError, message: /more than 0/ },
  },
  {
    name: 'negative minutes',
    input: input({ minutes: -30 }),
    want: { error: UserInputError, message: /more than 0/ },
  },
  {
    name: 'fractional minutes are refused, not rounded',
    input: input({ minutes: 45.5 }),
    want: { error: UserInputError, message: /whole number: 45\.5 is not.*never rounded/ },
  },
  {
    name: 'NaN minutes',
    input: input({ minutes: Number.NaN }),
    want: { error: UserInputError, message: /whole number/ },
  },
  {
    name: 'more than a day',
    input: input({ minutes: 4500 }),
    want: { error: UserInputError, message: /more than a day/ },
  },
  {
    name: 'missing labour type lists the configured ones',
    input: input({ laborType: '  ' }),
    want: {
      error: UserInputError,
      message: /Choose a labour type: remote, onsite, emergency, warranty, website/,
    },
  },
  {
    name: 'unknown labour type lists the configured ones',
    input: input({ laborType: 'travel' }),
    want: { error: UserInputError, message: /“travel” is not a labour type\. Labour types: remote, onsite/ },
  },
  {
    name: 'an Object.prototype name is not a labour type',
    input: input({ laborType: 'constructor' }),
    want: { error: UserInputError, message: /“constructor” is not a labour type/ },
  },
  {
    name: 'no labour types configured says where to add them',
    input: input({ laborTypes: {} }),
    want: { error: UserInputError, message: /add labor_types to the configuration file/ },
  },
  {
    name: 'blank description',
    input: input({ description: ' \n ' }),
    want: { error: UserInputError, message: /Describe the work/ },
  },
  {
    name: 'live price with a product without a price',
    input: input({ product: { ...PRODUCTS.remote!, price_retail: null } }),
    want: { error: UserInputError, message: /has no retail price/ },
  },
  {
    name: 'no labour rule configured: 47 minutes are billed as 47, never rounded',
    input: input({ minutes: 47 }),
    want: {
      result: { minutes: 47, billableMinutes: 47, hours: 0.7833, quantity: 0.7833 },
      notes: [/47 minutes = 0\.7833 h \(minutes ÷ 60, never rounded up/],
      absentNotes: [/billable/],
    },
  },
  {
    name: 'round_to_minutes 15: 47 min actual → 60 min billable, the arithmetic on the card',
    input: input({ minutes: 47, laborType: 'rounded' }),
    want: {
      result: {
        minutes: 47,
        billableMinutes: 60,
        labourRule: { roundTo: 15 },
        hours: 1,
        quantity: 1,
        total: 150,
      },
      notes: [/47 min actual → 60 min billable: rounded up to 15 min/],
    },
  },
  {
    name: 'round_to_minutes 15: a multiple of 15 stays as it is',
    input: input({ minutes: 45, laborType: 'rounded' }),
    want: { result: { minutes: 45, billableMinutes: 45, quantity: 0.75 }, absentNotes: [/billable/] },
  },
  {
    name: 'round_to_minutes 15: 1 minute is billed as 15',
    input: input({ minutes: 1, laborType: 'rounded' }),
    want: { result: { billableMinutes: 15, quantity: 0.25, total: 37.5 } },
  },
  {
    name: 'minimum_minutes 60: 20 min actual → 60 min billable',
    input: input({ minutes: 20, laborType: 'minimum' }),
    want: {
      result: { minutes: 20, billableMinutes: 60, labourRule: { minimum: 60 }, quantity: 1, total: 175 },
      notes: [/20 min actual → 60 min billable: minimum 60 min/],
    },
  },
  {
    name: 'minimum 60 then round to 30: 61 min actual → 90 min billable',
    input: input({ minutes: 61, laborType: 'minimum' }),
    want: { result: { billableMinutes: 90, labourRule: { roundTo: 30 }, quantity: 1.5 } },
  },
  {
    name: 'emergency with rounding against prepaid hours: rounded first, the premium applied once on it',
    input: input({ minutes: 50, laborType: 'emergency15', customerPrepaidHours: 10 }),
    want: {
      result: { billableMinutes: 60, hours: 1, quantity: 1.5, rule: 'premium_on_prepaid', prepaidAfter: 8.5 },
      notes: [/50 min actual → 60 min billable/, /1 h × 1\.5 = 1\.5 h/],
    },
  },
  {
    name: 'rounding debits the prepaid block by the billable time',
    input: input({ minutes: 47, laborType: 'rounded', customerPrepaidHours: 5 }),
    want: { result: { quantity: 1, prepaidBefore: 5, prepaidAfter: 4, drawsPrepaid: true } },
  },
  {
    name: 'draws_prepaid false ($0 warranty): prepaid hours after equal before',
    input: input({ minutes: 90, laborType: 'warranty', customerPrepaidHours: 4 }),
    want: {
      result: {
        quantity: 1.5,
        total: 0,
        drawsPrepaid: false,
        prepaidBefore: 4,
        prepaidAfter: 4,
        beyondPrepaid: null,
      },
      notes: [/does not draw on prepaid hours \(draws_prepaid: false\): 4 h before and after/],
      absentNotes: [/exhausted/],
    },
  },
  {
    name: 'draws_prepaid false (internal work) with a block smaller than the work: nothing beyond it',
    input: input({ minutes: 600, laborType: 'internal', customerPrepaidHours: 1 }),
    want: { result: { quantity: 10, prepaidAfter: 1, beyondPrepaid: null }, absentNotes: [/exhausted/] },
  },
  {
    name: 'draws_prepaid defaults to true: a $0 line without the flag still draws on prepaid hours',
    input: input({
      minutes: 60,
      laborType: 'remote',
      product: { ...PRODUCTS.remote!, price_retail: 0 },
      customerPrepaidHours: 3,
    }),
    want: { result: { drawsPrepaid: true, prepaidAfter: 2 } },
  },
  {
    name: 'a negative product price',
    input: input({ product: { ...PRODUCTS.remote!, price_retail: -10 } }),
    want: { error: UserInputError, message: /price of -10/ },
  },
  {
    name: 'a product that is not the labour type’s',
    input: input({ laborType: 'remote', product: PRODUCTS.onsite! }),
    want: {
      error: UnexpectedError,
      message: /read product #26118, but labour type remote bills product #1190473/,
    },
  },
];

describe('computeBillingLine', () => {
  for (const s of scenarios) {
    it(s.name, () => {
      if ('error' in s.want) {
        const { error, message } = s.want;
        expect(() => computeBillingLine(s.input)).toThrow(error);
        if (error === UserInputError) {
          // The rules refuse with facts; the view words them.
          const refusal = (() => {
            try {
              computeBillingLine(s.input);
            } catch (err) {
              return err;
            }
          })();
          expect(refusal).toBeInstanceOf(BillingRefusedError);
          expect(billingProblemWords((refusal as BillingRefusedError).problem)).toMatch(message);
          return;
        }
        expect(() => computeBillingLine(s.input)).toThrow(message);
        return;
      }
      const got = computeBillingLine(s.input);
      expect(got).toMatchObject(s.want.result);
      const notes = billingNotesWords(got).join('\n');
      for (const re of s.want.notes ?? []) expect(notes).toMatch(re);
      for (const re of s.want.absentNotes ?? []) expect(notes).not.toMatch(re);
    });
  }

  it('leaves price_retail out of the body entirely under product_default', () => {
    const got = computeBillingLine(input({ pricePolicy: 'product_default' }));
    expect(Object.keys(got.lineItem)).toEqual(['product_id', 'name', 'description', 'quantity', 'taxable']);
    expect(JSON.stringify(got.lineItem)).not.toContain('price_retail');
  });

  it('bills emergency work on one line only: the emergency product, never a regular line too', () => {
    for (const prepaid of [null, 0, 3]) {
      const got = computeBillingLine(
        input({ minutes: 60, laborType: 'emergency', customerPrepaidHours: prepaid }),
      );
      expect(got.lineItem.product_id).toBe(26184);
      // The premium appears once: either in the quantity (prepaid) or in the rate, never both.
      expect(got.quantity * (got.rate ?? 0)).toBe(prepaid ? 1.5 * 225 : 225);
    }
  });

  it('explains every branch in words', () => {
    const got = computeBillingLine(input({ minutes: 120, laborType: 'emergency', customerPrepaidHours: 1 }));
    expect(got.notes.length).toBeGreaterThanOrEqual(5);
    for (const note of billingNotesWords(got)) expect(note).toMatch(/^[A-Z0-9“]/);
  });

  it('never rounds the quantity up to a block: quantity × 60 is within a second of the minutes', () => {
    for (let minutes = 1; minutes <= MAX_MINUTES; minutes++) {
      const got = computeBillingLine(input({ minutes }));
      expect(Math.abs(got.quantity * 60 - minutes)).toBeLessThan(1 / 60);
      expect(Number.isInteger(Math.round(got.quantity * 10_000))).toBe(true);
      expect(got.quantity.toString()).toMatch(/^\d+(\.\d{1,4})?$/);
    }
  });
});
