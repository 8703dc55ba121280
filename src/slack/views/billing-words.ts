import type {
  BillingComputation,
  BillingNote,
  BillingProblem,
  LabourRuleApplied,
} from '../../actions/billing-types.js';

/** The billing rules a line applied, in words a technician checks at a glance (plain text; the card escapes it). */

/** 0.75 → "0.75 h", 3 → "3 h", -1.5 → "−1.5 h". */
function hoursText(h: number): string {
  return `${h < 0 ? '−' : ''}${Math.abs(Number(h.toFixed(4)))} h`;
}

/** 1234.5 → "$1,234.50". */
function money(x: number): string {
  const [whole, cents] = Math.abs(x).toFixed(2).split('.');
  return `${x < 0 ? '−' : ''}$${whole!.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`;
}

/** Which labour rules changed the minutes: "minimum 60 min, then rounded up to 30 min". */
function labourRuleWords(rule: LabourRuleApplied | string | undefined): string {
  // A string: a card drafted before the rules were kept as figures.
  if (typeof rule === 'string') return rule;
  const parts: string[] = [];
  if (rule?.minimum !== undefined) parts.push(`minimum ${rule.minimum} min`);
  if (rule?.roundTo !== undefined) parts.push(`rounded up to ${rule.roundTo} min`);
  return parts.join(', then ');
}

export function billingNoteWords(b: BillingComputation, note: BillingNote): string {
  const label = b.laborLabel;
  switch (note) {
    case 'minutes':
      return `${b.minutes} minutes = ${hoursText(b.hours)} (minutes ÷ 60, never rounded up to a block).`;
    case 'labour_rule':
      return (
        `${b.minutes} min actual → ${b.billableMinutes} min billable: ${labourRuleWords(b.labourRule)} (the ${label} labour type's ` +
        `rule). ${b.billableMinutes} minutes = ${hoursText(b.hours)}.`
      );
    case 'premium_on_prepaid':
      return (
        `${label} against prepaid hours: ${hoursText(b.hours)} × ${b.multiplier} = ${hoursText(b.quantity)}, debited from the ` +
        'prepaid block. The premium is applied once, in the quantity.'
      );
    case 'premium_in_rate':
      return (
        `${label} without prepaid hours: billed at the ${hoursText(b.hours)} worked; the premium is in the rate of ` +
        `“${b.productName}”${b.rate === null ? '' : ` (${money(b.rate)}/h)`}, applied once.`
      );
    case 'actual':
      return `Quantity ${hoursText(b.quantity)}: the time worked.`;
    case 'rate_sent':
      return `Rate ${money(b.rate ?? 0)}/h, read from Syncro now and sent as price_retail.`;
    case 'rate_not_sent':
      return `price_retail is not sent: Syncro applies the product's own rate (${money(b.rate ?? 0)}/h, shown for reference).`;
    case 'no_rate':
      return 'price_retail is not sent and Syncro shows no rate for this product: Syncro will price the line.';
    case 'total':
      return `Total ${money(b.total ?? 0)} (${hoursText(b.quantity)} × ${money(b.rate ?? 0)}).`;
    case 'no_charge':
      return `No charge: “${b.productName}” is a ${money(0)} product (its own price; nothing is set to zero).`;
    case 'product_disabled':
      return `Syncro marks “${b.productName}” as disabled: check it before posting.`;
    case 'taxable':
      return `Taxable: ${b.taxable ? 'yes' : 'no'} (set by the ${label} labour type, sent explicitly).`;
    case 'no_prepaid':
      return 'The customer has no prepaid hours.';
    case 'prepaid':
      return `Prepaid hours: ${hoursText(b.prepaidBefore ?? 0)} before, ${hoursText(b.prepaidAfter ?? 0)} after.`;
    case 'no_prepaid_draw':
      return `${label} does not draw on prepaid hours (draws_prepaid: false): ${hoursText(b.prepaidBefore ?? 0)} before and after.`;
    case 'prepaid_overdrawn':
      return `The prepaid block is already overdrawn; all ${hoursText(b.quantity)} of this line go beyond it.`;
    case 'prepaid_exhausted':
      return `Prepaid block exhausted: ${hoursText(b.beyondPrepaid ?? 0)} of this line will be billed beyond it.`;
  }
}

/** Every note of a billing line, in order. */
export function billingNotesWords(b: BillingComputation): string[] {
  return b.notes.map((n) => billingNoteWords(b, n));
}

function labourTypesWords(keys: readonly string[]): string {
  return keys.length > 0 ? keys.join(', ') : '(none: add labor_types to the configuration file)';
}

/** Why what was stated cannot be billed (plain text: a reply or a form's error); nothing was sent. */
export function billingProblemWords(p: BillingProblem): string {
  switch (p.code) {
    case 'minutes_missing':
      return 'State the minutes worked as a whole number, e.g. 45. There is no default.';
    case 'minutes_not_whole':
      return `Minutes must be a whole number: ${p.minutes} is not. State the minutes worked; they are never rounded.`;
    case 'minutes_not_positive':
      return `Minutes must be more than 0 (got ${p.minutes}). State the minutes worked.`;
    case 'minutes_over_a_day':
      return `${p.minutes} minutes is more than a day (${p.max}). Check the number, or bill each day's work separately.`;
    case 'labour_type_missing':
      return `Choose a labour type: ${labourTypesWords(p.labourTypes)}. There is no default.`;
    case 'labour_type_unknown':
      return `“${p.typed}” is not a labour type. Labour types: ${labourTypesWords(p.labourTypes)}.`;
    case 'description_missing':
      return 'Describe the work done: the description goes on the invoice line.';
    case 'product_unnamed':
      return `Syncro product #${p.productId} (labour type ${p.labourLabel}) has no name; name it in Syncro first.`;
    case 'product_price_invalid':
      return `Syncro product “${p.productName}” has a price of ${p.price}; labour cannot be billed at it.`;
    case 'product_price_missing':
      return (
        `Syncro product “${p.productName}” has no retail price, so its rate cannot be read. Set its price in Syncro, ` +
        'or choose another labour type.'
      );
  }
}

/** Why a billing card that needs an approver cannot be made here (plain text: shown in a form or a reply). */
export function noBillingChannelWords(): string {
  return (
    'This billing needs a billing approver to press Post, and no approver can see a card here (App Home or a ' +
    'direct message). Nothing was made. Bill from a channel, or ask your admin to set billing.channel (the ' +
    'channel where billing cards go) in the bot’s configuration.'
  );
}

/** The timer entry form's note on charging: a charged entry is billing (its card follows the billing rules). */
export function chargePlaceWords(
  p: { ok: true; channelId: string; approval: boolean; askedIn: string } | { ok: false },
): string | undefined {
  if (!p.ok)
    return '⚠️ Charge it now needs a billing approver’s Post, and no approver can see a card here: record the entry without charging, or ask your admin to set billing.channel.';
  return billingPlaceWords(p, '🔐 With Charge it now, the card');
}

/**
 * Where a billing form's card will be posted, said on the form (mrkdwn; the channel as a mention): only when it
 * needs an approver, or goes elsewhere than where the form was opened. `lead` names the card (another form's note
 * says under which choice).
 */
export function billingPlaceWords(
  p: { channelId: string; approval: boolean; askedIn: string },
  lead = '🔐 The card',
): string | undefined {
  if (p.approval) {
    return p.channelId === p.askedIn
      ? `${lead} needs a billing approver’s Post: it will be posted in this channel.`
      : `${lead} needs a billing approver’s Post: it will be posted in <#${p.channelId}>, where the approvers can act.`;
  }
  return undefined;
}
