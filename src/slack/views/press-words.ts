import type { PressDecision, PressRefusal } from '../../actions/authorize.js';
import { type BillingPolicy, requesterPostsOwn } from '../../actions/billing-gate.js';
import { mention } from '../blocks.js';

type Refusal = Extract<PressDecision, { ok: false }>;

/** "<@A>, <@B> or <@C>". */
function orList(ids: readonly string[]): string {
  const m = ids.map(mention);
  return m.length <= 1 ? (m[0] ?? '') : `${m.slice(0, -1).join(', ')} or ${m[m.length - 1]}`;
}

/** "a billing approver (<@A> or <@B>)", or just "a billing approver" when none is listed. */
function approverWords(d: Refusal): string {
  return d.approvers.length > 0 ? `a billing approver (${orList(d.approvers)})` : 'a billing approver';
}

/**
 * One wording per rule, the same for whoever is refused: the words state the rule that applied (the billing
 * policy as configured now, billing.approval), not who the clicker is.
 */
const WORDS: Record<PressRefusal, (d: Refusal) => string> = {
  requester_only: (d) => `Only ${mention(d.requesterSlackId)}, who asked for this, can use this card.`,
  edit_requester_only: () => 'Only the technician who asked can change this card.',
  requester_or_approver: () => 'Only the technician who asked, or a billing approver, can use this card.',
  requester_or_approver_post: (d) =>
    `Only the technician who asked (${mention(d.requesterSlackId)}) or ${approverWords(d)} can post this billing card.`,
  approver_not_requester: (d) =>
    `Only ${approverWords(d)}, never the technician who asked (${mention(d.requesterSlackId)}), can post this card.`,
};

/**
 * Who may post a billing card under `policy`, as the card says it (the same rule a refusal states):
 * "🔐 Needs approval by <@A>: only a billing approver, never the technician who asked (<@H>), can post this card."
 */
export function postRuleWords(requesterSlackId: string, policy: BillingPolicy): string {
  const approvers = policy.approvers.filter((u) => u !== requesterSlackId);
  if (!requesterPostsOwn(policy)) {
    return (
      `🔐 *Needs approval* by ${orList(approvers) || 'a billing approver'}: only a billing approver, never the ` +
      `technician who asked (${mention(requesterSlackId)}), can post this card.`
    );
  }
  return approvers.length > 0
    ? `May be posted by ${mention(requesterSlackId)} or approved by ${orList(approvers)}.`
    : `May be posted by ${mention(requesterSlackId)}.`;
}

/** Why a press was refused, for the person who pressed (mrkdwn: the requester is a mention). */
export function refusalWords(d: Refusal): string {
  return WORDS[d.refusal](d);
}
