import type { PendingAction } from './types.js';

/**
 * Who may press what on a card. Pure. Writes are always signed with the requester's key whoever presses:
 * an approver authorises the requester's write, and the card and the audit log record who approved.
 * A refusal is a code; src/slack/views/press-words.ts words it.
 */

export type Press = 'post' | 'cancel' | 'edit' | 'recheck';

export type PressRefusal =
  /** The card has no approval: only its requester uses it. */
  | 'requester_only'
  /** Only the requester changes a card's fields. */
  | 'edit_requester_only'
  /** Cancel / check again: the requester or an approver. */
  | 'requester_or_approver'
  /** A second person must approve: the requester cannot post their own. */
  | 'second_person_required'
  /** Post needs an approver (second person required, clicker is not one). */
  | 'approver_only'
  /** The requester's billing must be posted by an approver. */
  | 'approver_must_post'
  /** Post: neither the requester (allowed to post) nor an approver. */
  | 'requester_or_approver_post';

export type PressDecision =
  | { ok: true; approvedBy?: string }
  | { ok: false; refusal: PressRefusal; requesterSlackId: string };

export function mayPress(action: PendingAction, clicker: string, press: Press): PressDecision {
  const refuse = (refusal: PressRefusal): PressDecision => ({
    ok: false,
    refusal,
    requesterSlackId: action.requesterSlackId,
  });
  const isRequester = clicker === action.requesterSlackId;
  const approval = action.kind === 'bill' ? action.summary.approval : undefined;
  if (!approval) return isRequester ? { ok: true } : refuse('requester_only');
  const isApprover = approval.approvers.includes(clicker);
  if (press === 'edit') return isRequester ? { ok: true } : refuse('edit_requester_only');
  if (press === 'cancel' || press === 'recheck') {
    return isRequester || isApprover ? { ok: true } : refuse('requester_or_approver');
  }
  if (approval.requireSecondPerson) {
    if (isRequester) return refuse('second_person_required');
    return isApprover ? { ok: true, approvedBy: clicker } : refuse('approver_only');
  }
  if (isRequester && approval.requesterMayPost) return { ok: true };
  if (isApprover) return { ok: true, approvedBy: isRequester ? undefined : clicker };
  return refuse(isRequester ? 'approver_must_post' : 'requester_or_approver_post');
}
