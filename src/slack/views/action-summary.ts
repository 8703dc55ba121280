import { NO_PROBLEM_TYPE } from '../../actions/kinds/create-ticket.js';
import type { EditableField, EditableFieldState, PendingAction, TicketRef } from '../../actions/types.js';
import { isVisibility } from '../../actions/visibility.js';
import { plainLine } from '../../text/slack-markup.js';
import { hours, money } from './format.js';
import { sessionLogWords } from './session-log-words.js';
import { timerEntryWords, timerWords } from './timer-words.js';
import { VISIBILITY_LABELS } from './visibility-words.js';

/**
 * The card's readable summary, worded from the row's draft: a title and label → value rows (plain text; the card
 * escapes it), and the words of the editable fields.
 */

export interface SummaryWords {
  title: string;
  /** `mrkdwn`: the value is mrkdwn already (Slack date tokens), not plain words to escape. */
  fields: Array<{ label: string; value: string; mrkdwn?: true }>;
}

function ticketLine(t: TicketRef): string {
  return `#${t.number} · ${t.subject}`;
}

export function summaryWords(a: PendingAction): SummaryWords {
  const d = a.draft;
  if (!d) return { title: 'Syncro', fields: [] };
  switch (d.kind) {
    case 'comment':
      return {
        title: `Comment on #${d.ticket.number}`,
        fields: [
          { label: 'Ticket', value: ticketLine(d.ticket) },
          ...(d.ticket.customerName ? [{ label: 'Customer', value: d.ticket.customerName }] : []),
          { label: 'Subject', value: plainLine(d.subject) },
          { label: 'Visibility', value: VISIBILITY_LABELS[d.visibility] },
        ],
      };
    case 'create_ticket':
      return {
        title: `New ticket for ${d.customer.name}`,
        fields: [
          { label: 'Customer', value: d.customer.name },
          { label: 'Subject', value: plainLine(d.subject) },
          { label: 'Priority', value: d.priority },
          { label: 'Assigned to', value: d.assignee.name },
          ...(d.problemType || d.problemTypes?.length
            ? [{ label: 'Problem type', value: d.problemType ?? '(none)' }]
            : []),
          { label: 'Contact', value: d.contact?.name ?? '(none)' },
          ...(d.ticketType || d.ticketTypes?.length
            ? [{ label: 'Ticket type', value: d.ticketType?.name ?? '(none)' }]
            : []),
          { label: 'Due date', value: d.dueDate ?? '(none)' },
        ],
      };
    case 'update_ticket':
      return {
        title: `Update #${d.ticket.number}`,
        fields: [
          { label: 'Ticket', value: ticketLine(d.ticket) },
          { label: 'Status', value: `${d.ticket.status} → ${d.status}` },
        ],
      };
    case 'assign_ticket':
      return {
        title: `Assign #${d.ticket.number}`,
        fields: [
          { label: 'Ticket', value: ticketLine(d.ticket) },
          { label: 'Assignee', value: `${d.ticket.userName ?? 'unassigned'} → ${d.userName}` },
        ],
      };
    case 'close_ticket':
      return {
        title: `Close #${d.ticket.number}`,
        fields: [
          { label: 'Ticket', value: ticketLine(d.ticket) },
          { label: 'Status', value: `${d.ticket.status} → ${d.closeStatus}` },
          {
            label: 'Resolution comment',
            value: d.resolution ? commentWords(d.resolution) : '(none)',
          },
        ],
      };
    case 'remove_line_item':
      return {
        title: `Remove a line item from #${d.ticket.number}`,
        fields: [
          { label: 'Ticket', value: ticketLine(d.ticket) },
          ...(d.ticket.customerName ? [{ label: 'Customer', value: d.ticket.customerName }] : []),
          { label: 'Line item', value: d.line.name || '(no name)' },
          { label: 'Quantity × price', value: lineAmount(d.line) },
          { label: 'Description', value: d.line.description || '(none)' },
        ],
      };
    case 'bill': {
      const b = d.billing;
      return {
        title: `Bill #${d.ticket.number}: ${b.minutes} min ${b.laborLabel}`,
        fields: [
          { label: 'Ticket', value: ticketLine(d.ticket) },
          { label: 'Customer', value: d.ticket.customerName ?? '(not read from Syncro)' },
          { label: 'Technician', value: d.technician },
          { label: 'Labour', value: `${labourMinutes(b)} · ${b.productName}` },
          ...(d.timer
            ? [{ label: 'Timer', value: timerWords(d.timer, b.minutes), mrkdwn: true as const }]
            : []),
          { label: 'Comment', value: commentWords(d.comment) },
        ],
      };
    }
    case 'timer_entry':
      return timerEntryWords(d);
    case 'session_log':
      return sessionLogWords(d);
  }
}

/** A comment on a card: who sees it and its subject, then what it says (its text, which a long one is cut in). */
function commentWords(c: {
  subject: string;
  body: string;
  visibility: keyof typeof VISIBILITY_LABELS;
}): string {
  const body = c.body.trim() === '' ? '(no text)' : c.body;
  // The subject as it is sent (one plain line, marks gone), as the payload beside it says.
  return `${VISIBILITY_LABELS[c.visibility]}, subject “${plainLine(c.subject)}”:\n${body}`;
}

const FIELD_LABELS: Record<EditableField, string> = {
  priority: 'Priority',
  status: 'Status',
  visibility: 'Visibility',
  assignee: 'Assignee',
  problem_type: 'Problem type',
  labor: 'Labour type',
  contact: 'Contact',
  ticket_type: 'Ticket type',
  due_date: 'Due date',
};

/** The label of an editable field on this card ("Comment visibility" when closing). */
export function editableLabel(a: PendingAction, field: EditableField): string {
  if (field === 'visibility' && a.kind === 'close_ticket') return 'Comment visibility';
  return FIELD_LABELS[field];
}

/** The words of one option of an editable field. */
export function optionText(e: EditableFieldState, o: EditableFieldState['options'][number]): string {
  if (o.name !== undefined) return o.name;
  if (e.field === 'visibility' && isVisibility(o.value)) return VISIBILITY_LABELS[o.value];
  if (e.field === 'problem_type' && o.value === NO_PROBLEM_TYPE) return '(none)';
  return o.value;
}

/** "0.75 × $150.00 = $112.50", as the ticket view shows a line. */
function lineAmount(l: { quantity: number; price: number | null }): string {
  return l.price === null
    ? `${hours(l.quantity)} × (rate not set)`
    : `${hours(l.quantity)} × ${money(l.price)} = ${money(l.quantity * l.price)}`;
}

/** "45 min", or "47 min actual → 60 min billable" when the labour type's rules changed the minutes. */
function labourMinutes(b: { minutes: number; billableMinutes?: number }): string {
  return b.billableMinutes === undefined || b.billableMinutes === b.minutes
    ? `${b.minutes} min`
    : `${b.minutes} min actual → ${b.billableMinutes} min billable`;
}
