import type { BillingComputation } from './billing-types.js';
import { type ProposalBase, proposeWith } from './kinds/action.js';
import { type AssignTicketDraft, assignTicket } from './kinds/assign-ticket.js';
import { type BillDraft, bill } from './kinds/billing.js';
import { close } from './kinds/close.js';
import { comment } from './kinds/comment.js';
import { type CreateTicketDraft, createTicketAction } from './kinds/create-ticket.js';
import { actionKindOf } from './kinds/registry.js';
import { statusChange } from './kinds/status-change.js';
import type { EditableField, PendingAction, TicketRef } from './types.js';
import type { Visibility } from './visibility.js';

/**
 * Pure builders: a request from a person becomes a proposed PendingAction whose steps hold the exact requests.
 * Each is its kind's draft (src/actions/kinds) with the proposal's identity. Nothing here sends anything.
 */

export type { ProposalBase } from './kinds/action.js';
export { commentBody } from './kinds/comment.js';
export { NO_PROBLEM_TYPE } from './kinds/create-ticket.js';

export interface CommentProposal extends ProposalBase {
  ticket: TicketRef;
  subject: string;
  body: string;
  visibility: Visibility;
}

export function proposeComment({ ticket, subject, body, visibility, ...p }: CommentProposal): PendingAction {
  return proposeWith(comment, p, { kind: 'comment', ticket, subject, body, visibility });
}

/** The draft's fields (as the card will offer them) and where the card goes. */
export interface CreateTicketProposal extends ProposalBase, Omit<CreateTicketDraft, 'kind'> {}

export function proposeCreateTicket(p: CreateTicketProposal): PendingAction {
  const { id, now, ttlMs, requesterSlackId, signer, slack, ...draft } = p;
  return proposeWith(
    createTicketAction,
    { id, now, ttlMs, requesterSlackId, signer, slack },
    { kind: 'create_ticket', ...draft },
  );
}

export interface UpdateStatusProposal extends ProposalBase {
  ticket: TicketRef & { status: string };
  status: string;
  statuses: string[];
}

export function proposeUpdateStatus({ ticket, status, statuses, ...p }: UpdateStatusProposal): PendingAction {
  return proposeWith(statusChange, p, { kind: 'update_ticket', ticket, status, statuses });
}

export interface AssignProposal extends ProposalBase {
  ticket: AssignTicketDraft['ticket'];
  userId: number;
  userName: string;
}

export function proposeAssign({ ticket, userId, userName, ...p }: AssignProposal): PendingAction {
  return proposeWith(assignTicket, p, { kind: 'assign_ticket', ticket, userId, userName });
}

export interface CloseProposal extends ProposalBase {
  ticket: TicketRef & { status: string };
  closeStatus: string;
  resolution?: { subject: string; body: string; visibility: Visibility };
}

export function proposeClose({ ticket, closeStatus, resolution, ...p }: CloseProposal): PendingAction {
  return proposeWith(close, p, {
    kind: 'close_ticket',
    ticket,
    closeStatus,
    ...(resolution ? { resolution } : {}),
  });
}

export interface BillProposal extends ProposalBase {
  ticket: TicketRef & { customerId: number };
  billing: BillingComputation;
  comment: { subject: string; body: string; visibility: Visibility };
  timer?: BillDraft['timer'];
  invoiceCategory: string;
  invoicedStatus: string;
}

export function proposeBill(p: BillProposal): PendingAction {
  const { id, now, ttlMs, requesterSlackId, signer, slack, ...draft } = p;
  return proposeWith(
    bill,
    { id, now, ttlMs, requesterSlackId, signer, slack },
    { kind: 'bill', technician: signer.syncroName, ...draft },
  );
}

/**
 * Applies a change the requester made on a proposed card: the kind changes the draft (refusing a value the card
 * does not offer) and the steps and summary are built again from it, so that the payload shown is always the
 * payload that will be sent.
 */
export function applyEdit(a: PendingAction, field: EditableField, value: string): PendingAction | undefined {
  if (!a.draft) return undefined;
  const def = actionKindOf(a.draft);
  const draft = def.edit?.(a.draft, field, value);
  if (!draft) return undefined;
  const built = def.build(draft);
  return { ...a, draft, steps: built.steps, summary: built.summary };
}
