import type { TicketRef } from '../types.js';
import type { ActionKindDef } from './action.js';
import type { TicketUpdateStep } from './status-change.js';

/**
 * "Assign to me" (a notification's parent message): `PUT /tickets/{id}` with `{user_id}`, the same step as a
 * status change (`update_ticket`), so it is read back by state: the ticket's `user_id` shows the assignee or not.
 */
export interface AssignTicketDraft {
  kind: 'assign_ticket';
  ticket: TicketRef & { userId: number | null; userName: string | null };
  /** The new assignee: the requester's Syncro user (the key's owner, as the card says). */
  userId: number;
  userName: string;
}

export function assignStep(ticketId: number, userId: number): TicketUpdateStep {
  return {
    op: 'update_ticket',
    method: 'PUT',
    path: `/tickets/${ticketId}`,
    status: 'pending',
    body: { user_id: userId },
  };
}

export const assignTicket: ActionKindDef<AssignTicketDraft> = {
  kind: 'assign_ticket',
  build: (d) => ({ ticket: d.ticket, summary: {}, steps: [assignStep(d.ticket.id, d.userId)] }),
  edit: () => undefined,
};
