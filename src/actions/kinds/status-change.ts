import type { UpdateTicketBody } from '../../syncro/api.js';
import type { TicketRef } from '../types.js';
import type { ActionKindDef } from './action.js';
import { type StepBase, type StepKind, ticketIdOf } from './step.js';

/** PUT /tickets/{id}: sets fields of a ticket (today its status). */
export interface TicketUpdateStep extends StepBase {
  op: 'update_ticket';
  method: 'PUT';
  body: UpdateTicketBody;
}

export function statusStep(ticketId: number, status: string): TicketUpdateStep {
  return {
    op: 'update_ticket',
    method: 'PUT',
    path: `/tickets/${ticketId}`,
    status: 'pending',
    body: { status },
  };
}

export const updateTicket: StepKind<TicketUpdateStep> = {
  op: 'update_ticket',
  putsMoneyOnTicket: false,
  async send({ api }, step) {
    const t = await api.updateTicket(ticketIdOf(step), step.body);
    return { resultId: t.id, outcome: { code: 'done', ticketNumber: String(t.number), status: t.status } };
  },
  // Setting a field twice is harmless, but the read-back still decides: the ticket shows the change or not.
  readBack: 'state',
  async check({ api }, step) {
    const ticket = await api.getTicket(ticketIdOf(step));
    const shown: Record<string, unknown> = { ...ticket };
    const differs = Object.entries(step.body).filter(([k, v]) => shown[k] !== v);
    if (differs.length === 0)
      return {
        found: true,
        resultId: ticket.id,
        outcome: { code: 'found', what: 'ticket_change', ticketNumber: String(ticket.number) },
      };
    return {
      found: false,
      outcome: { code: 'unchanged', fields: differs.map(([k]) => ({ field: k, value: String(shown[k]) })) },
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The action: a ticket's status changes

export interface StatusChangeDraft {
  kind: 'update_ticket';
  ticket: TicketRef & { status: string };
  status: string;
  /** The account's statuses: what the card offers. */
  statuses: string[];
}

export const statusChange: ActionKindDef<StatusChangeDraft> = {
  kind: 'update_ticket',
  build: (d) => ({
    ticket: d.ticket,
    summary: {
      editable: [{ field: 'status', options: d.statuses.map((value) => ({ value })), selected: d.status }],
    },
    steps: [statusStep(d.ticket.id, d.status)],
  }),
  edit: (d, field, value) =>
    field === 'status' && d.statuses.includes(value) ? { ...d, status: value } : undefined,
};
