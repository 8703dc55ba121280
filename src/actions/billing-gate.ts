import type { FileConfig } from '../config.js';
import { STEP_KINDS, stepKindOf } from './kinds/registry.js';
import type { WriteStep } from './types.js';

/**
 * The one billing gate. Whether a card is billing is decided from the steps it holds: any step whose kind puts
 * money on a ticket (`putsMoneyOnTicket` in the registry: add a line item, charge a timer entry, set a charged
 * line's tax, and whatever kind comes later) makes the whole card subject to the billing policy and the billing
 * card's rules, whichever form made it. The policy is the configuration's `billing.approval`, read when it is
 * applied (at each click), never frozen on the card. Pure.
 */

export interface BillingPolicy {
  /** Who may post someone else's billing (Slack user ids). */
  approvers: readonly string[];
  /** `requester_may_post`: false means never the requester, approver or not. */
  requesterMayPost: boolean;
  /** `require_second_person`: the same rule as `requester_may_post: false`, said the other way round. */
  requireSecondPerson: boolean;
}

export function billingPolicyOf(approval: FileConfig['billing']['approval']): BillingPolicy {
  return {
    approvers: approval.approvers,
    requesterMayPost: approval.requester_may_post,
    requireSecondPerson: approval.require_second_person,
  };
}

/** Whether any of the steps puts money on a ticket: then the card is a billing card. */
export function isBilling(steps: readonly WriteStep[]): boolean {
  return steps.some((s) => stepKindOf(s).putsMoneyOnTicket);
}

/** The ops of the kinds of step that put money on a ticket: a card holding one is billing (for a store's query). */
export function billingOps(): string[] {
  return Object.values(STEP_KINDS)
    .filter((k) => k.putsMoneyOnTicket)
    .map((k) => k.op);
}

/** Whether the technician who asked may post their own billing (otherwise only an approver, never them). */
export function requesterPostsOwn(p: BillingPolicy): boolean {
  return p.requesterMayPost && !p.requireSecondPerson;
}

/** Whether the card can only be posted by someone other than the one who asked. */
export function needsApprover(steps: readonly WriteStep[], p: BillingPolicy): boolean {
  return isBilling(steps) && !requesterPostsOwn(p);
}

/** Where a billing card is posted: a channel card, updated with chat.update, never a private one. */
export type BillingCardPlace =
  | { ok: true; channelId: string }
  /** It needs an approver, and was asked for where no approver can see it (App Home, a DM): no billing.channel. */
  | { ok: false; code: 'no_billing_channel' };

/** A conversation others can be in: a public or private channel (not a DM, nor a user's App Home). */
export function isSharedChannel(id: string): boolean {
  return /^[CG][A-Z0-9]+$/.test(id);
}

/**
 * Where a billing card goes. One that needs someone else's click (`approval`: needsApprover) goes to
 * `billing.channel` when configured (where the approvers are), else stays in the channel it was asked in; asked in
 * a DM or on App Home, where no approver can see it, it is refused before it is made. One the requester may post
 * alone goes where it was asked, as before.
 */
export function billingCardPlace(
  approval: boolean,
  where: { askedIn: string; billingChannel?: string },
): BillingCardPlace {
  if (!approval) return { ok: true, channelId: where.askedIn };
  if (where.billingChannel) return { ok: true, channelId: where.billingChannel };
  if (isSharedChannel(where.askedIn)) return { ok: true, channelId: where.askedIn };
  return { ok: false, code: 'no_billing_channel' };
}
