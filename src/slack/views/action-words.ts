import type {
  ErrorFacts,
  InvoiceProblem,
  RecordKind,
  SearchFacts,
  StepOutcome,
} from '../../actions/kinds/step.js';
import type { PendingAction, WriteStep } from '../../actions/types.js';
import { errorWords } from './error-words.js';
import { wordsOf } from './step-words.js';
import { chargedLineWords, taxWords } from './timer-words.js';

/**
 * The words of a card for the facts a row holds: step labels, step outcomes, why an action stopped, and errors.
 * Plain text (not mrkdwn): the card escapes it.
 */

const NOT_THERE: Record<RecordKind, string> = {
  comment: 'the comment is not there',
  ticket: 'the ticket is not there',
  line_item: 'the line item is not on the ticket',
  invoice: 'no invoice was created for the ticket',
  ticket_change: 'the ticket does not show the change',
  line_item_removal: 'the line item is still on the ticket',
  timer_entry: 'the timer entry is not on the ticket',
  session_log: 'the session log is not there',
};

/** Records a read-back looks for among those created since the send (a change or a removal is no new record). */
const RECORDS: Partial<Record<RecordKind, [one: string, many: string]>> = {
  comment: ['comment', 'comments'],
  ticket: ['ticket', 'tickets'],
  line_item: ['line item', 'line items'],
  invoice: ['invoice', 'invoices'],
  timer_entry: ['timer entry', 'timer entries'],
};

function count(n: number, [one, many]: [string, string]): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * What a read-back that found nothing searched, e.g. "Searched the comments on #32164 created since Today 14:02
 * (1 page read: 3 comments); this one is not among them." The places and the time come formatted (mrkdwn: links,
 * a Slack date); the words around them hold nothing mrkdwn reads. Undefined for a read-back that looks for no new
 * record (a change, a removal).
 */
export function searchedWords(
  what: RecordKind,
  s: SearchFacts,
  place: { ticket?: string; customer?: string; since: string },
): string | undefined {
  const records = RECORDS[what];
  if (!records) return undefined;
  const where = place.ticket ? ` on ${place.ticket}` : place.customer ? ` of ${place.customer}` : '';
  const read =
    s.pages === undefined
      ? ''
      : ` (${count(s.pages, ['page', 'pages'])} read: ${count(s.records ?? 0, records)})`;
  return `Searched the ${records[1]}${where} created since ${place.since}${read}; this one is not among them.`;
}

/** A step's outcome in words, e.g. "ticket #32170", "Syncro was checked: the comment is not there". */
export function outcomeWords(s: WriteStep, o: StepOutcome, a?: PendingAction): string | undefined {
  switch (o.code) {
    case 'done':
      return wordsOf(s).done?.(s, o, a);
    case 'found':
      switch (o.what) {
        case 'comment':
          return 'found the comment in Syncro';
        case 'ticket':
          return o.ticketNumber ? `found ticket #${o.ticketNumber} in Syncro` : 'found the ticket in Syncro';
        case 'line_item':
          return s.op === 'update_line_item'
            ? `Syncro shows the line item's tax set (${taxWords(o.line)})`
            : 'found the line item on the ticket';
        case 'invoice':
          return o.invoiceNumber
            ? `found invoice #${o.invoiceNumber} for the ticket`
            : 'found the invoice for the ticket';
        case 'ticket_change':
          return o.ticketNumber
            ? `ticket #${o.ticketNumber} shows the change`
            : 'the ticket shows the change';
        case 'line_item_removal':
          return 'Syncro was checked: the line item is no longer on the ticket';
        case 'timer_entry':
          return s.op === 'charge_timer_entry'
            ? `Syncro shows the timer entry charged: ${chargedLineWords(o.line)}`
            : 'found the timer entry on the ticket';
        case 'session_log':
          return o.sessionLog?.where === 'git'
            ? `found the session log's commit ${o.sessionLog.commit.slice(0, 8)}`
            : 'found the session log in the channel';
      }
      return undefined;
    case 'refused':
    case 'no_answer':
      return errorWords(o.error);
    case 'invoice_mismatch':
      return invoiceCheckWords(o.problems);
    case 'check_failed':
      return checkFailedWords(o.error);
    case 'absent':
      if (o.what === 'session_log')
        return s.method === 'GIT'
          ? 'the repository was checked: the session log is not committed'
          : 'the channel was checked: the session log is not there';
      return `Syncro was checked: ${NOT_THERE[o.what]}`;
    case 'unchanged':
      if (s.op === 'charge_timer_entry') return 'Syncro was checked: the timer entry is not charged';
      return `Syncro was checked: the ticket still has ${o.fields.map((f) => `${f.field} "${f.value}"`).join(', ')}`;
    case 'read_again':
      return 'verification is a read; it will be done again';
  }
}

function checkFailedWords(e: ErrorFacts): string {
  return `Could not check Syncro yet (${errorWords(e)}); it will be checked again.`;
}

export function invoiceCheckWords(problems: InvoiceProblem[]): string {
  const words = problems.map((p): string => {
    switch (p.code) {
      case 'other_ticket':
        // Ids mean nothing to a person; the invoice's own link is on the card.
        return 'the invoice belongs to another ticket, not this one';
      case 'line_missing': {
        const seen = p.seen.map(
          (li) => `${li.name} (product ${li.productId ?? '-'}, qty ${li.quantity ?? '-'})`,
        );
        return `the invoice does not hold the line "${p.want.name}" (product ${p.want.productId}, quantity ${p.want.quantity}); it holds: ${seen.join(', ') || 'no line items'}`;
      }
      case 'line_not_converted':
        return `the ticket's line item "${p.name}" (quantity ${p.quantity}) was not taken into the invoice: Syncro still shows it as not invoiced`;
      default:
        return 'the invoice is not as expected';
    }
  });
  return `The invoice check failed: ${words.join('; ')}. The ticket's status was not changed.`;
}

/** Why the action is not (yet) done, in words; undefined when nothing stopped it. */
export function problemWords(a: PendingAction): string | undefined {
  const p = a.problem;
  if (!p) return undefined;
  const stepOutcome = (k: number) => {
    const s = a.steps[k];
    return s?.outcome ? outcomeWords(s, s.outcome, a) : undefined;
  };
  switch (p.code) {
    case 'signer_refused':
      return errorWords(p.error);
    case 'step_failed':
    case 'absent_after_check':
      return stepOutcome(p.step);
    case 'found_after_unknown':
      return `Step ${p.step + 1} was found in Syncro after an unclear answer; nothing more was sent. Resume from step ${p.resumeFrom + 1} when you are ready.`;
    case 'check_failed':
      return checkFailedWords(p.error);
    case 'restarted_between_steps':
      return `The bot restarted between steps; nothing more was sent. Resume from step ${p.resumeFrom + 1} when you are ready.`;
    case 'card_not_posted':
      return 'the card could not be posted';
  }
}
