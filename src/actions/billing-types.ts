import type { AddLineItemBody } from '../syncro/api.js';

/** What the billing rules turn (minutes, labour type, prepaid hours, product) into; shown on the card. */
export interface BillingComputation {
  laborType: string;
  laborLabel: string;
  /** Minutes worked, as stated (actual). */
  minutes: number;
  /**
   * Minutes billed: `minutes` after the labour type's `minimum_minutes` and `round_to_minutes` (equal without
   * them). Optional only so that hand-built fixtures need not set it.
   */
  billableMinutes?: number;
  /** Which of the labour type's rules changed the minutes (and their figures); absent when none did. */
  labourRule?: LabourRuleApplied;
  /** Whether the labour draws on the customer's prepaid hours (labour type's `draws_prepaid`, default true). */
  drawsPrepaid?: boolean;
  /** billable minutes / 60, exact to 4 decimals: the time billed (before an emergency multiplier). */
  hours: number;
  /** What is billed: `hours`, or `hours × multiplier` for emergency work against prepaid hours. */
  quantity: number;
  multiplier: number | null;
  productId: number;
  /** The Syncro product's real name, verbatim: sent as the line's `name`. */
  productName: string;
  /** price_retail read live from GET /products/{id}; null when unknown. */
  rate: number | null;
  /** quantity × rate, rounded to cents; null when the rate is unknown. */
  total: number | null;
  taxable: boolean;
  /** Whether `price_retail` is in the payload (billing.price = live). */
  priceSent: boolean;
  /** Customer's prepaid hours before and after this line (null when the customer has none). */
  prepaidBefore: number | null;
  prepaidAfter: number | null;
  /** The exact add_line_item body. */
  lineItem: AddLineItemBody;
  /** Each rule applied, in the order the card explains them (the view words them from the figures above). */
  notes: BillingNote[];
  /**
   * Which quantity rule applied: `actual` (quantity = hours), `premium_on_prepaid` (emergency labour against
   * prepaid hours: hours × multiplier), `premium_in_rate` (emergency labour, no prepaid hours: actual hours, the
   * product's rate carries the premium). Optional only so that hand-built fixtures need not set it.
   */
  rule?: 'actual' | 'premium_on_prepaid' | 'premium_in_rate';
  /** Hours of this line beyond the prepaid block (> 0 only when the block runs out); null without a block. */
  beyondPrepaid?: number | null;
}

/** A rule the billing line applied; `actual`, `premium_on_prepaid`, `premium_in_rate` are the quantity rules. */
export type BillingNote =
  | 'minutes'
  /** The labour type's minimum_minutes / round_to_minutes changed the minutes (actual → billable). */
  | 'labour_rule'
  | 'actual'
  | 'premium_on_prepaid'
  | 'premium_in_rate'
  | 'rate_sent'
  | 'rate_not_sent'
  | 'no_rate'
  | 'total'
  | 'no_charge'
  | 'product_disabled'
  | 'taxable'
  | 'no_prepaid'
  | 'prepaid'
  /** The labour type does not draw on prepaid hours (draws_prepaid: false): the block is unchanged. */
  | 'no_prepaid_draw'
  | 'prepaid_overdrawn'
  | 'prepaid_exhausted';

/**
 * The labour type's rules that changed the minutes, with their figures: `minimum` when the minutes were raised to
 * `minimum_minutes`, `roundTo` when they were then rounded up to a multiple of `round_to_minutes`.
 */
export interface LabourRuleApplied {
  minimum?: number;
  roundTo?: number;
}

/**
 * Why a billing line cannot be made from what was stated (nothing was sent): a code and the figures that word it
 * (`views/billing-words.ts` says it). `labourTypes` are the configured keys, in the file's order.
 */
export type BillingProblem =
  | { code: 'minutes_missing' }
  | { code: 'minutes_not_whole'; minutes: number }
  | { code: 'minutes_not_positive'; minutes: number }
  | { code: 'minutes_over_a_day'; minutes: number; max: number }
  | { code: 'labour_type_missing'; labourTypes: string[] }
  | { code: 'labour_type_unknown'; typed: string; labourTypes: string[] }
  | { code: 'description_missing' }
  | { code: 'product_unnamed'; productId: number; labourLabel: string }
  | { code: 'product_price_invalid'; productName: string; price: number }
  | { code: 'product_price_missing'; productName: string };
