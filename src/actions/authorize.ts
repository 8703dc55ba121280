import type { PendingAction } from './types.js';

/**
 * Who may press what on a card. Pure. Writes are always signed with the requester's key whoever presses:
 * an approver authorises the requester's write, and the card and the audit log record who approved.
 */

export type Press = 'post' | 'cancel' | 'edit' | 'recheck';
export type PressDecision = { ok: true; approvedBy?: string } | { ok: false; reason: string };

export function mayPress(action: PendingAction, clicker: string, press: Press): PressDecision {
  const isRequester = clicker === action.requesterSlackId;
  const approval = action.kind === 'bill' ? action.summary.approval : undefined;
  if (!approval) {
    return isRequester
      ? { ok: true }
      : { ok: false, reason: `Only <@${action.requesterSlackId}>, who asked for this, can use this card.` };
  }
  const isApprover = approval.approvers.includes(clicker);
  if (press === 'edit') {
    return isRequester
      ? { ok: true }
      : { ok: false, reason: 'Only the technician who asked can change this card.' };
  }
  if (press === 'cancel' || press === 'recheck') {
    return isRequester || isApprover
      ? { ok: true }
      : { ok: false, reason: 'Only the technician who asked, or a billing approver, can use this card.' };
  }
  if (approval.requireSecondPerson) {
    if (isRequester)
      return { ok: false, reason: 'A second person must approve this billing: you cannot approve your own.' };
    return isApprover
      ? { ok: true, approvedBy: clicker }
      : { ok: false, reason: 'Only a billing approver can post this billing card.' };
  }
  if (isRequester && approval.requesterMayPost) return { ok: true };
  if (isApprover) return { ok: true, approvedBy: isRequester ? undefined : clicker };
  return {
    ok: false,
    reason: isRequester
      ? 'Your billing must be posted by an approver.'
      : 'Only the technician who asked, or a billing approver, can post this billing card.',
  };
}
