import type { FileConfig } from '../config.js';
import { UnexpectedError, UserInputError } from '../errors.js';
import type { AddLineItemBody } from '../syncro/api.js';
import type { Product } from '../syncro/schemas.js';
import type { BillingComputation, BillingNote, BillingProblem, LabourRuleApplied } from './billing-types.js';

/**
 * Billing rules as MSPs practise them (shared/reference/README.md, "Billing"): minutes and labour type are stated
 * by the technician, the line's name is the product's real name, the rate is read live, taxable is explicit, and
 * emergency time-and-a-half is applied exactly once — in the quantity against prepaid hours, otherwise in the
 * emergency product's rate. Pure: the caller reads the product (`GET /products/{id}`) and the customer's
 * `prepay_hours` first.
 */

export interface BillingInput {
  /** Minutes worked, as stated by the technician: a whole number, never defaulted, never rounded. */
  minutes: number;
  /** A key of `labor_types` (case-insensitive). */
  laborType: string;
  laborTypes: FileConfig['labor_types'];
  /** The labour type's product, read from Syncro at billing time. */
  product: Product;
  /** `prepay_hours` from `GET /customers/{id}`; null when Syncro has none. */
  customerPrepaidHours: number | null;
  /** The work narrative: the line's `description`. */
  description: string;
  pricePolicy: 'live' | 'product_default';
}

/** The longest single line: a day. Longer work is billed per day, so that a typo (4500 for 45) is caught. */
export const MAX_MINUTES = 24 * 60;

/** Rounds half away from zero at `places` decimals, without binary noise (1.005 → 1.01, 0.8333… → 0.8333). */
function round(x: number, places: number): number {
  const scaled = Number((Math.abs(x) * 10 ** places).toPrecision(15));
  const r = (Math.sign(x) * Math.round(scaled)) / 10 ** places;
  return r === 0 ? 0 : r; // no -0 on a card
}

/**
 * What was stated cannot be billed (nothing was sent): the problem as facts. A UserInputError, so it is refused
 * like any bad input; whoever shows it to a person words `problem` (`billingProblemWords`, views/billing-words.ts).
 */
export class BillingRefusedError extends UserInputError {
  constructor(readonly problem: BillingProblem) {
    super(`billing refused: ${problem.code}`);
  }
}

function refuse(problem: BillingProblem): never {
  throw new BillingRefusedError(problem);
}

function checkMinutes(minutes: number): void {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes)) refuse({ code: 'minutes_missing' });
  if (!Number.isInteger(minutes)) refuse({ code: 'minutes_not_whole', minutes });
  if (minutes <= 0) refuse({ code: 'minutes_not_positive', minutes });
  if (minutes > MAX_MINUTES) refuse({ code: 'minutes_over_a_day', minutes, max: MAX_MINUTES });
}

/**
 * Billable minutes under the labour type's own settings (as Syncro's labour settings have them): at least
 * `minimum_minutes`, then rounded UP to a multiple of `round_to_minutes`. Without either, the minutes worked, as
 * they are. `rule` says which settings changed them; undefined when none did.
 */
export function billableMinutes(
  minutes: number,
  labor: { minimum_minutes?: number; round_to_minutes?: number },
): { minutes: number; rule?: LabourRuleApplied } {
  const rule: LabourRuleApplied = {};
  let billable = minutes;
  if (labor.minimum_minutes !== undefined && billable < labor.minimum_minutes) {
    billable = labor.minimum_minutes;
    rule.minimum = labor.minimum_minutes;
  }
  const step = labor.round_to_minutes;
  if (step !== undefined && billable % step !== 0) {
    billable = Math.ceil(billable / step) * step;
    rule.roundTo = step;
  }
  return Object.keys(rule).length === 0 ? { minutes } : { minutes: billable, rule };
}

/**
 * Turns what the technician stated into the exact `add_line_item` body and the card's explanation.
 * Throws BillingRefusedError, a UserInputError (nothing was sent), for bad minutes, an unknown labour type, a blank description, or a
 * product that cannot be billed as configured; UnexpectedError when the product is not the labour type's.
 */
export function computeBillingLine(input: BillingInput): BillingComputation {
  const { minutes, laborTypes, product, pricePolicy } = input;
  checkMinutes(minutes);

  const key = typeof input.laborType === 'string' ? input.laborType.trim().toLowerCase() : '';
  const labourTypes = Object.keys(laborTypes);
  if (key === '') refuse({ code: 'labour_type_missing', labourTypes });
  // Object.hasOwn: a typed "constructor" must not find Object.prototype's.
  const labor = Object.hasOwn(laborTypes, key) ? laborTypes[key] : undefined;
  if (labor === undefined)
    refuse({ code: 'labour_type_unknown', typed: input.laborType.trim(), labourTypes });
  const label = labor.label ?? key;

  const description = typeof input.description === 'string' ? input.description.trim() : '';
  if (description === '') refuse({ code: 'description_missing' });

  if (product.id !== labor.product_id) {
    throw new UnexpectedError(
      `Billing read product #${product.id}, but labour type ${key} bills product #${labor.product_id}.`,
    );
  }
  if (product.name.trim() === '')
    refuse({ code: 'product_unnamed', productId: product.id, labourLabel: label });
  const rate = product.price_retail ?? null;
  if (rate !== null && (!Number.isFinite(rate) || rate < 0))
    refuse({ code: 'product_price_invalid', productName: product.name, price: rate });
  if (pricePolicy === 'live' && rate === null)
    refuse({ code: 'product_price_missing', productName: product.name });

  const prepaidRaw = input.customerPrepaidHours;
  if (prepaidRaw !== null && !Number.isFinite(prepaidRaw)) {
    throw new UnexpectedError(`The customer's prepaid hours are not a number (${String(prepaidRaw)}).`);
  }
  // 0 prepaid hours is "no prepaid block"; a negative figure is a block already overdrawn, kept so the card shows it.
  const prepaidBefore = prepaidRaw === null || prepaidRaw === 0 ? null : round(prepaidRaw, 4);

  // Syncro's labour settings, only when the MSP configured them: a minimum entry, then rounding UP to an increment.
  const billable = billableMinutes(minutes, labor);
  const hours = round(billable.minutes / 60, 4);
  // The card explains each rule applied, in this order (views/billing-words.ts words them from the figures).
  const notes: BillingNote[] = [billable.rule === undefined ? 'minutes' : 'labour_rule'];
  // Whether this labour is paid from the customer's prepaid block ($0 warranty or internal work is not).
  const drawsPrepaid = labor.draws_prepaid !== false;

  // The premium is applied once: in the quantity when prepaid hours pay for the work, otherwise in the rate.
  let rule: NonNullable<BillingComputation['rule']> = 'actual';
  let multiplier: number | null = null;
  let quantity = hours;
  if (labor.prepaid_multiplier !== undefined && drawsPrepaid && prepaidBefore !== null && prepaidBefore > 0) {
    rule = 'premium_on_prepaid';
    multiplier = labor.prepaid_multiplier;
    quantity = round((billable.minutes * multiplier) / 60, 4);
  } else if (labor.prepaid_multiplier !== undefined) rule = 'premium_in_rate';
  notes.push(rule);

  const total = rate === null ? null : round(quantity * rate, 2);
  const priceSent = pricePolicy === 'live';
  notes.push(priceSent ? 'rate_sent' : rate !== null ? 'rate_not_sent' : 'no_rate');
  if (total !== null) notes.push('total');
  if (rate === 0) notes.push('no_charge');
  if (product.disabled) notes.push('product_disabled');
  notes.push('taxable');

  let prepaidAfter: number | null = null;
  let beyondPrepaid: number | null = null;
  if (prepaidBefore === null) notes.push('no_prepaid');
  else if (!drawsPrepaid) {
    prepaidAfter = prepaidBefore;
    notes.push('no_prepaid_draw');
  } else {
    prepaidAfter = round(prepaidBefore - quantity, 4);
    beyondPrepaid = round(Math.max(0, quantity - Math.max(0, prepaidBefore)), 4);
    notes.push('prepaid');
    if (prepaidBefore < 0) notes.push('prepaid_overdrawn');
    else if (beyondPrepaid > 0) notes.push('prepaid_exhausted');
  }

  // Key order is the order the card shows; price_retail is absent (not undefined) when not sent.
  const lineItem: AddLineItemBody = {
    product_id: labor.product_id,
    name: product.name,
    description,
    quantity,
    taxable: labor.taxable,
    ...(priceSent ? { price_retail: rate! } : {}),
  };

  return {
    laborType: key,
    laborLabel: label,
    minutes,
    billableMinutes: billable.minutes,
    ...(billable.rule === undefined ? {} : { labourRule: billable.rule }),
    drawsPrepaid,
    hours,
    quantity,
    multiplier,
    productId: labor.product_id,
    productName: product.name,
    rate,
    total,
    taxable: labor.taxable,
    priceSent,
    prepaidBefore,
    prepaidAfter,
    lineItem,
    notes,
    rule,
    beyondPrepaid,
  };
}
