import {
  type BillingCardPlace,
  billingCardPlace,
  billingPolicyOf,
  isBilling,
  needsApprover,
  requesterPostsOwn,
} from '../../actions/billing-gate.js';
import type { PendingAction } from '../../actions/types.js';
import { UserInputError } from '../../errors.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { noBillingChannelWords } from '../views/billing-words.js';

/**
 * The billing card's rules, the same for every form whose card puts money on a ticket (billing-gate.ts decides
 * that from the card's steps): a channel card (updated with chat.update), living `billing.card_ttl_minutes`, posted
 * where an approver can act when one is needed. Cards whose steps are not billing are left as their form made them.
 */
function withBillingCardRules(ctx: BotContext, to: ReplyTarget, action: PendingAction): PendingAction {
  if (!isBilling(action.steps)) return action;
  const policy = billingPolicyOf(ctx.file.billing.approval);
  const place = placeOrRefuse(ctx, to, needsApprover(action.steps, policy));
  return {
    ...action,
    slack: { ...action.slack, channelId: place.channelId, ephemeral: false },
    expiresAt: action.createdAt + ctx.file.billing.card_ttl_minutes * 60_000,
  };
}

/**
 * Stores a new card: the one place every new card goes through before it is shown (propose, the timer cards, Bill),
 * so the billing card's rules apply to any card whose steps put money on a ticket, whatever form made it.
 * Returns the card as stored.
 */
export async function insertNewCard(
  ctx: BotContext,
  to: ReplyTarget,
  action: PendingAction,
): Promise<PendingAction> {
  const placed = withBillingCardRules(ctx, to, action);
  await ctx.store.insert(placed);
  return placed;
}

/** Where a billing form's card will go (said on the form), for a card that needs an approver under the policy now. */
export function billingFormPlace(ctx: BotContext, to: ReplyTarget): BillingCardPlace & { approval: boolean } {
  const approval = !requesterPostsOwn(billingPolicyOf(ctx.file.billing.approval));
  return { ...billingCardPlace(approval, where(ctx, to)), approval };
}

function where(ctx: BotContext, to: ReplyTarget) {
  const channel = ctx.file.billing.channel;
  return { askedIn: to.channelId, ...(channel ? { billingChannel: channel } : {}) };
}

function placeOrRefuse(ctx: BotContext, to: ReplyTarget, approval: boolean): { channelId: string } {
  const place = billingCardPlace(approval, where(ctx, to));
  if (!place.ok) throw new UserInputError(noBillingChannelWords());
  return place;
}
