import type { BlockAction, BlockElementAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { mayPress, type Press, type PressDecision } from '../../actions/authorize.js';
import { billingPolicyOf } from '../../actions/billing-gate.js';
import type { PendingAction } from '../../actions/types.js';
import { slackDate } from '../blocks.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { guard } from '../handlers/dispatch.js';
import { parseCardButtonValue } from '../views/action-card.js';
import { refusalWords } from '../views/press-words.js';
import { simpleReply } from '../views/replies.js';

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction<BlockElementAction>> & {
  context?: { retryNum?: number };
};

/** Where replies to an interaction go: its response_url first. */
export function targetOf(ctx: BotContext, body: BlockAction): ReplyTarget {
  return {
    userId: body.user.id,
    channelId: body.channel?.id ?? body.container?.channel_id ?? body.user.id,
    responseUrl: body.response_url,
    issuedAt: ctx.now(),
  };
}

/** A button's value or a select's chosen option. */
export function actionValue(action: BlockElementAction): string | undefined {
  if ('value' in action && typeof action.value === 'string') return action.value;
  if ('selected_option' in action && action.selected_option) return action.selected_option.value;
  if ('selected_date' in action && typeof action.selected_date === 'string') return action.selected_date;
  return undefined;
}

/** A private message to the person who clicked, leaving the card alone. */
export function tellClicker(ctx: BotContext, to: ReplyTarget, text: string): Promise<void> {
  return ctx.reply(to, {
    ...simpleReply(text),
    response_type: 'ephemeral',
    replace_original: false,
  });
}

/** The click's response_url is the fresh way to redraw a private card. */
export function withClickUrl(ctx: BotContext, a: PendingAction, to: ReplyTarget): PendingAction['slack'] {
  return a.slack.ephemeral
    ? { ...a.slack, responseUrl: to.responseUrl, responseUrlIssuedAt: ctx.now() }
    : a.slack;
}

function when(ms: number | undefined): string {
  return ms ? ` at ${slackDate(ms)}` : '';
}

/**
 * A losing Post that is the same click as the one running (Slack's redelivery, or the row already holding this
 * click's response_url) by the person whose claim it is: the winner draws the card, so the loser stays silent
 * rather than spend the response_url's five uses on a redraw and a note.
 */
export function isOwnClickAgain(a: PendingAction | undefined, to: ReplyTarget, redelivery: boolean): boolean {
  if (!a || a.clickedBy !== to.userId) return false;
  return redelivery || (to.responseUrl !== undefined && a.slack.responseUrl === to.responseUrl);
}

/** Why a click lost the claim, in words, from the row's current state. */
export function lostClickMessage(a: PendingAction | undefined, now?: number): string {
  if (!a) return 'This card is no longer known to the bot; nothing was sent.';
  switch (a.state) {
    case 'executing':
      return `This is being posted right now (pressed by <@${a.clickedBy}>${when(a.clickedAt)}); it was not sent again.`;
    case 'outcome_unknown':
      return 'Syncro gave no clear answer, so the bot is checking Syncro; nothing is sent again meanwhile.';
    case 'succeeded':
      return `Already posted by <@${a.clickedBy}>${when(a.clickedAt)}; it was not sent again.`;
    case 'cancelled':
      return `This card was cancelled${a.cancelledBy ? ` by <@${a.cancelledBy}>` : ''}; nothing more was sent.`;
    case 'expired': {
      // A half-done saga: "run it again" would send the done steps a second time.
      const done = a.steps.filter((s) => s.status === 'succeeded').length;
      if (done > 0)
        return `This card expired after ${done === 1 ? 'step 1 was' : `steps 1–${done} were`} done in Syncro; nothing more was sent. Finish the rest in Syncro: running the command again would send ${done === 1 ? 'it' : 'them'} again.`;
      return 'This card expired; nothing was sent. Run the command again for a new card.';
    }
    case 'failed':
    case 'proposed':
      // Past its expiry (a proposed card not yet swept, or a failed one): the claim refused it for that.
      if (now !== undefined && now >= a.expiresAt)
        return `This card expired; nothing ${a.state === 'failed' ? 'more ' : ''}was sent. Run the command again for a new card.`;
      return 'This card changed since you saw it (or is out of date); here it is as it stands now. Nothing was sent.';
  }
}

export interface CardClick {
  action: PendingAction;
  /** The attempt the clicked button was drawn for. */
  attempt: number;
  to: ReplyTarget;
  decision: Extract<PressDecision, { ok: true }>;
  /** Slack's own redelivery of a click (x-slack-retry-num / Socket Mode retry_attempt). */
  redelivery: boolean;
}

/**
 * A listener for a card button: acknowledges, loads the card's row, checks who may press it (refusing
 * privately), then runs `fn`. Errors become plain private replies.
 */
export function onCardButton(ctx: BotContext, press: Press, fn: (click: CardClick) => Promise<void>) {
  return async ({ ack, body, action, context }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    const redelivery = (context?.retryNum ?? 0) > 0;
    await guard(ctx, to, async () => {
      const ref = parseCardButtonValue(actionValue(action) ?? '');
      const a = ref ? await ctx.store.get(ref.id) : undefined;
      if (!ref || !a) return tellClicker(ctx, to, lostClickMessage(undefined));
      const decision = mayPress(a, to.userId, press, billingPolicyOf(ctx.file.billing.approval));
      if (!decision.ok) return tellClicker(ctx, to, refusalWords(decision));
      await fn({ action: a, attempt: ref.attempt, to, decision, redelivery });
    });
  };
}
