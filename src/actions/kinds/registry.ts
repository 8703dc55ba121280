import type { ActionKindDef } from './action.js';
import { assignTicket } from './assign-ticket.js';
import { bill } from './billing.js';
import { close } from './close.js';
import { addComment, comment } from './comment.js';
import { createTicket, createTicketAction } from './create-ticket.js';
import { createInvoice } from './invoice.js';
import { addLineItem } from './line-item.js';
import { setLineTax } from './line-tax.js';
import { removeLineItem, removeLineItemAction } from './remove-line-item.js';
import { sessionLogAction, writeSessionLog } from './session-log.js';
import { statusChange, updateTicket } from './status-change.js';
import type { StepKind } from './step.js';
import { chargeTimerEntry, timerEntry, timerEntryAction } from './timer-entry.js';
import { verifyInvoice } from './verify-invoice.js';

/**
 * The registry of writes: every kind of step (how it is sent, snapshotted and read back) and every kind of action
 * (its draft, steps, summary and edits). The executor, the card and the store know a step or a draft only
 * through these tables. Adding a write: one file in this folder, one line here (see the README's design section).
 */
export const STEP_KINDS = {
  add_comment: addComment,
  update_ticket: updateTicket,
  create_ticket: createTicket,
  add_line_item: addLineItem,
  create_invoice: createInvoice,
  verify_invoice: verifyInvoice,
  remove_line_item: removeLineItem,
  timer_entry: timerEntry,
  charge_timer_entry: chargeTimerEntry,
  update_line_item: setLineTax,
  write_session_log: writeSessionLog,
} as const;

export const ACTION_KINDS = {
  comment,
  create_ticket: createTicketAction,
  update_ticket: statusChange,
  close_ticket: close,
  bill,
  remove_line_item: removeLineItemAction,
  timer_entry: timerEntryAction,
  session_log: sessionLogAction,
  assign_ticket: assignTicket,
} as const;

type StepOf<K> = K extends { send(ctx: never, step: infer S): unknown } ? S : never;
type DraftOf<K> = K extends ActionKindDef<infer D> ? D : never;

/** One request of an action, a union on `op`: each kind's step with its typed body. */
export type WriteStep = StepOf<(typeof STEP_KINDS)[keyof typeof STEP_KINDS]>;
export type StepOp = WriteStep['op'];
/** What a person asked for, a union on `kind`: stored on the row, rebuilt into steps after an edit. */
export type ActionDraft = DraftOf<(typeof ACTION_KINDS)[keyof typeof ACTION_KINDS]>;

/** The kind of a step, typed for that step. */
export function stepKindOf<S extends WriteStep>(step: S): StepKind<S> {
  // NOTE: TypeScript cannot correlate `STEP_KINDS[step.op]` with `step`; the table's keys are the kinds' ops.
  return STEP_KINDS[step.op] as StepKind<S>;
}

export function actionKindOf<D extends ActionDraft>(draft: D): ActionKindDef<D> {
  return ACTION_KINDS[draft.kind] as ActionKindDef<D>;
}
