import { type BillingPolicy, isBilling, requesterPostsOwn } from './billing-gate.js';
import type { PendingAction } from './types.js';

/**
 * Who may press what on a card. Pure. Writes are always signed with the requester's key whoever presses:
 * an approver authorises the requester's write, and the card and the audit log record who approved.
 * Whether the billing policy applies is decided from the card's steps (billing-gate.ts), and the policy is the
 * one configured now (passed at each click), never the one of the day the card was made.
 * A refusal is a code with the facts of the rule that applied; src/slack/views/press-words.ts words it, one
 * wording per rule, the same for whoever is refused.
 */

export type Press = 'post' | 'cancel' | 'edit' | 'recheck';

export type PressRefusal =
  /** The card is not billing: only its requester uses it. */
  | 'requester_only'
  /** Only the requester changes a card's fields. */
  | 'edit_requester_only'
  /** Cancel / check again: the requester or an approver. */
  | 'requester_or_approver'
  /** Post of billing, rule "the requester or an approver". */
  | 'requester_or_approver_post'
  /** Post of billing, rule "an approver, never the requester" (requester_may_post: false, or require_second_person). */
  | 'approver_not_requester';

export type PressDecision =
  | { ok: true; approvedBy?: string }
  | { ok: false; refusal: PressRefusal; requesterSlackId: string; approvers: readonly string[] };

export function mayPress(
  action: PendingAction,
  clicker: string,
  press: Press,
  policy: BillingPolicy,
): PressDecision {
  const refuse = (refusal: PressRefusal): PressDecision => ({
    ok: false,
    refusal,
    requesterSlackId: action.requesterSlackId,
    approvers: policy.approvers.filter((u) => u !== action.requesterSlackId),
  });
  const isRequester = clicker === action.requesterSlackId;
  if (!isBilling(action.steps)) return isRequester ? { ok: true } : refuse('requester_only');
  const isApprover = policy.approvers.includes(clicker);
  if (press === 'edit') return isRequester ? { ok: true } : refuse('edit_requester_only');
  if (press === 'cancel' || press === 'recheck') {
    return isRequester || isApprover ? { ok: true } : refuse('requester_or_approver');
  }
  if (requesterPostsOwn(policy)) {
    if (isRequester) return { ok: true };
    return isApprover ? { ok: true, approvedBy: clicker } : refuse('requester_or_approver_post');
  }
  // Never the requester, even one listed as an approver.
  if (!isRequester && isApprover) return { ok: true, approvedBy: clicker };
  return refuse('approver_not_requester');
}
