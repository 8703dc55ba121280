import type { CreateTicketBody } from '../../syncro/api.js';
import { sameText } from '../../text/html.js';
import { plainLine, typedToHtml } from '../../text/slack-markup.js';
import type { ActionKindDef } from './action.js';
import { createdSince, type Match, type StepBase, type StepKind } from './step.js';

/** POST /tickets: a new ticket. */
export interface TicketCreateStep extends StepBase {
  op: 'create_ticket';
  method: 'POST';
  body: CreateTicketBody;
}

export const createTicket: StepKind<TicketCreateStep> = {
  op: 'create_ticket',
  putsMoneyOnTicket: false,
  async send({ api }, step) {
    const t = await api.createTicket(step.body);
    return { resultId: t.id, outcome: { code: 'done', ticketNumber: String(t.number) } };
  },
  readBack: 'content',
  source: 'syncro',
  what: 'ticket',
  async find({ api }, step, since) {
    const out: Match[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await api.listTickets({ customerId: step.body.customer_id, page });
      for (const t of res.items) {
        if (sameText(t.subject, step.body.subject) && createdSince(t.created_at, since)) {
          out.push({ id: t.id, outcome: { code: 'found', what: 'ticket', ticketNumber: String(t.number) } });
        }
      }
      if (!res.meta || res.meta.page >= res.meta.total_pages) break;
    }
    return out;
  },
  searched: (step, since) => ({ customerId: step.body.customer_id, since }),
};

// ---------------------------------------------------------------------------------------------------------------
// The action: a new ticket

export interface CreateTicketDraft {
  kind: 'create_ticket';
  customer: { id: number; name: string };
  subject: string;
  priority: string;
  /** What the card offers for each editable field. */
  priorities: string[];
  status: string;
  assignee: { id: number; name: string };
  assignees: Array<{ id: number; name: string }>;
  problemType?: string;
  /** Configured problem types (tickets.problem_types); when any, the card offers them. */
  problemTypes?: string[];
  /** `due_date` (YYYY-MM-DD), left out of the payload when unset. */
  dueDate?: string;
  /** The customer's contact the ticket is for (`contact_id`); none unless one is picked (the reference's rule). */
  contact?: { id: number; name: string };
  /** The customer's contacts (from the customer record); when any, the card offers them. */
  contacts?: Array<{ id: number; name: string }>;
  /** The ticket type (`ticket_type_id`), from the account's ticket types. */
  ticketType?: { id: number; name: string };
  /** The account's ticket types (GET /tickets/settings → ticket_types); when any, the card offers them. */
  ticketTypes?: Array<{ id: number; name: string }>;
  /** A first comment sent with the ticket (a ticket made from a Slack message: its text and permalink), as typed. */
  comment?: { subject: string; body: string; hidden: boolean; do_not_email: boolean };
}

/** A select's value for "none" (the field is then left out of the payload). */
export const NO_PROBLEM_TYPE = '__none__';
export const NO_VALUE = NO_PROBLEM_TYPE;

/** A calendar date as `due_date` takes it: YYYY-MM-DD, a real day. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** A select of named ids with a "none" first (at most 100 options in all). */
function idSelect<F extends 'contact' | 'ticket_type'>(
  field: F,
  list: Array<{ id: number; name: string }>,
  selected: { id: number } | undefined,
) {
  return {
    field,
    options: [
      { value: NO_VALUE, name: '(none)' },
      ...list.slice(0, 99).map((x) => ({ value: String(x.id), name: x.name })),
    ],
    selected: selected ? String(selected.id) : NO_VALUE,
  };
}

function assigneesOf(d: CreateTicketDraft): Array<{ id: number; name: string }> {
  return d.assignees.some((u) => u.id === d.assignee.id) ? d.assignees : [d.assignee, ...d.assignees];
}

export const createTicketAction: ActionKindDef<CreateTicketDraft> = {
  kind: 'create_ticket',
  build: (d) => {
    const body: CreateTicketBody = {
      customer_id: d.customer.id,
      // As typed in Slack; Syncro gets plain words for the subject and HTML for the first comment.
      subject: plainLine(d.subject),
      status: d.status,
      priority: d.priority,
      user_id: d.assignee.id,
      ...(d.problemType ? { problem_type: d.problemType } : {}),
      ...(d.contact ? { contact_id: d.contact.id } : {}),
      ...(d.dueDate ? { due_date: d.dueDate } : {}),
      ...(d.ticketType ? { ticket_type_id: d.ticketType.id } : {}),
      ...(d.comment
        ? {
            comments_attributes: [
              {
                ...d.comment,
                subject: plainLine(d.comment.subject),
                body: typedToHtml(d.comment.body.trim()),
              },
            ],
          }
        : {}),
    };
    return {
      summary: {
        editable: [
          { field: 'priority', options: d.priorities.map((value) => ({ value })), selected: d.priority },
          {
            field: 'assignee',
            options: assigneesOf(d)
              .slice(0, 100)
              .map((u) => ({ value: String(u.id), name: u.name })),
            selected: String(d.assignee.id),
          },
          ...(d.problemTypes?.length
            ? [
                {
                  field: 'problem_type' as const,
                  options: [
                    { value: NO_PROBLEM_TYPE },
                    ...d.problemTypes.slice(0, 99).map((value) => ({ value })),
                  ],
                  selected: d.problemType ?? NO_PROBLEM_TYPE,
                },
              ]
            : []),
          ...(d.contacts?.length ? [idSelect('contact', d.contacts, d.contact)] : []),
          ...(d.ticketTypes?.length ? [idSelect('ticket_type', d.ticketTypes, d.ticketType)] : []),
          { field: 'due_date' as const, input: 'date' as const, options: [], selected: d.dueDate ?? '' },
        ],
      },
      steps: [{ op: 'create_ticket', method: 'POST', path: '/tickets', status: 'pending', body }],
    };
  },
  edit: (d, field, value) => {
    switch (field) {
      case 'priority':
        return d.priorities.includes(value) ? { ...d, priority: value } : undefined;
      case 'assignee': {
        const u = assigneesOf(d).find((x) => String(x.id) === value);
        return u ? { ...d, assignee: u } : undefined;
      }
      case 'problem_type': {
        if (value === NO_PROBLEM_TYPE) {
          const { problemType: _dropped, ...rest } = d;
          return rest;
        }
        return d.problemTypes?.includes(value) ? { ...d, problemType: value } : undefined;
      }
      case 'contact': {
        if (value === NO_VALUE) {
          const { contact: _dropped, ...rest } = d;
          return rest;
        }
        const c = d.contacts?.find((x) => String(x.id) === value);
        return c ? { ...d, contact: c } : undefined;
      }
      case 'ticket_type': {
        if (value === NO_VALUE) {
          const { ticketType: _dropped, ...rest } = d;
          return rest;
        }
        const t = d.ticketTypes?.find((x) => String(x.id) === value);
        return t ? { ...d, ticketType: t } : undefined;
      }
      case 'due_date': {
        if (value === '' || value === NO_VALUE) {
          const { dueDate: _dropped, ...rest } = d;
          return rest;
        }
        return isCalendarDate(value) ? { ...d, dueDate: value } : undefined;
      }
      default:
        return undefined;
    }
  },
};
