import type { ChargedLine } from '../../actions/kinds/step.js';
import type { TimerEntryDraft } from '../../actions/kinds/timer-entry.js';
import { slackDate } from '../blocks.js';
import { hours, money } from './format.js';

/**
 * "<start> → <stop>: 47 min measured (45 min stated for billing)": a timer beside what is billed, in mrkdwn (the
 * times are Slack date tokens: each reader's own zone, and the day of each end, also across midnight).
 */
export function timerWords(
  t: { startedAt: number; stoppedAt: number; minutes: number },
  billed: number,
): string {
  const how = billed === t.minutes ? 'billed as measured' : `${billed} min stated for billing`;
  return `${spanText(t.startedAt, t.stoppedAt)}: ${t.minutes} min measured (${how})`;
}

/** A timer entry's card: what is recorded, beside what the timer measured, and what charging means. */
export function timerEntryWords(d: TimerEntryDraft): {
  title: string;
  fields: Array<{ label: string; value: string; mrkdwn?: true }>;
} {
  const minutes = Math.max(1, Math.round((d.endAt - d.startAt) / 60_000));
  const product = d.labor.productName ?? 'its labour product';
  const rate = d.labor.rate != null ? ` at ${money(d.labor.rate)}/h` : '';
  return {
    title: `Timer entry on #${d.ticket.number}: ${minutes} min ${d.labor.label}`,
    fields: [
      { label: 'Ticket', value: `#${d.ticket.number} · ${d.ticket.subject}` },
      { label: 'Technician', value: d.technician.name },
      { label: 'Labour', value: `${d.labor.label} · ${product}${rate}` },
      { label: 'Time recorded', value: `${spanText(d.startAt, d.endAt)}: ${minutes} min`, mrkdwn: true },
      ...(d.timer.startedAt !== d.startAt || d.timer.stoppedAt !== d.endAt
        ? [
            {
              label: 'Timer',
              value: `${spanText(d.timer.startedAt, d.timer.stoppedAt)}: ${d.timer.minutes} min measured`,
              mrkdwn: true as const,
            },
          ]
        : []),
      ...(d.notes ? [{ label: 'Notes', value: d.notes }] : []),
      {
        label: 'Charge',
        value: d.charge
          ? 'Yes: step 2 charges the entry, so Syncro adds a line item for it (its price is read back and shown ' +
            `here); step 3 sets that line ${d.labor.taxable ? 'taxable' : 'not taxable'}, as the labour type ` +
            'says (Syncro does not take the tax from the product), and reads it back.'
          : 'No. ⚠️ Syncro’s Make Invoice does not take uncharged timer entries: this time will not be invoiced ' +
            'until the entry is charged in Syncro.',
      },
    ],
  };
}

/** From and to as Slack dates (mrkdwn): the one formatter of a span of time on a card. */
function spanText(from: number, to: number): string {
  return `${slackDate(from)} → ${slackDate(to)}`;
}

/**
 * "line item Remote labour 0.78 h × $150.00 = $117.00": the line a charged timer entry became, as Syncro priced it,
 * named by its name (never its id).
 */
export function chargedLineWords(line: ChargedLine | undefined): string {
  if (!line) return 'its line item could not be read back: see the ticket in Syncro for the price';
  const q = line.quantity;
  const named = line.name ? `line item ${line.name}` : 'line item';
  if (q === null || line.price === null)
    return `${named}${q === null ? '' : `, ${hours(q)} h`}; Syncro did not say its price`;
  return `${named} ${hours(q)} h × ${money(line.price)} = ${money(Math.round(q * line.price * 100) / 100)}`;
}

/** "read back: not taxable": a charged line's tax as Syncro shows it after it was set. */
export function taxWords(line: ChargedLine | undefined): string {
  if (line?.taxable == null) return 'its tax could not be read back: check the line in Syncro';
  return `read back: ${line.taxable ? 'taxable' : 'not taxable'}`;
}
