import type { ActionStore } from '../../actions/store.js';
import type { PendingAction } from '../../actions/types.js';
import { UserInputError } from '../../errors.js';
import type { TimerSpan } from '../../timers/span.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { simpleReply } from '../views/replies.js';
import { timerSpentView } from '../views/timers.js';
import { insertNewCard } from './billing-card.js';

/**
 * A stopped timer's time goes to Syncro through one card at a time: "Bill this time" and "Record a timer entry"
 * share the card ids of the timer (`timer-<person>-<ticket>-<start>-<n>`), so the store's primary key lets only
 * one live card exist per stopped timer, in any replica, however many forms were opened. A card that ended with
 * nothing in Syncro (cancelled, expired, refused for good) frees the timer for the next one.
 */

const MAX_CARDS_PER_TIMER = 20;

export function timerCardId(userId: string, span: TimerSpan, n: number): string {
  return `timer-${userId}-${span.ticketId}-${span.startedAt}-${n}`;
}

function ended(a: PendingAction): boolean {
  return a.state === 'cancelled' || a.state === 'expired' || (a.state === 'failed' && !a.resumable);
}

/**
 * Ended without anything reaching Syncro (every step never sent, or refused by Syncro): the timer's time may be
 * sent from a new card. A step read back as `absent` WAS sent: Syncro did not show it, but a request Syncro stored
 * late can still appear, so such a card does not free the timer (a new card would send the time a second time).
 */
function endedWithNothingSent(a: PendingAction): boolean {
  return ended(a) && a.steps.every((s) => s.status === 'pending' || s.status === 'failed');
}

export type TimerCardState =
  | { state: 'free'; next: number }
  /** A card for this time is waiting for Post, or could still be resumed. */
  | { state: 'open'; action: PendingAction }
  /** Some of it reached Syncro. */
  | { state: 'posted'; action: PendingAction }
  /** A card ended after sending with no clear outcome: Syncro may still show it; not sent again from Slack. */
  | { state: 'uncertain'; action: PendingAction };

export async function timerCardState(
  store: ActionStore,
  userId: string,
  span: TimerSpan,
): Promise<TimerCardState> {
  for (let n = 1; n <= MAX_CARDS_PER_TIMER; n++) {
    const a = await store.get(timerCardId(userId, span, n));
    if (!a) return { state: 'free', next: n };
    if (endedWithNothingSent(a)) continue;
    if (a.steps.some((s) => s.status === 'succeeded')) return { state: 'posted', action: a };
    return ended(a) ? { state: 'uncertain', action: a } : { state: 'open', action: a };
  }
  throw new UserInputError(
    'This timer has had too many cards; record its time with `/syncro bill <number>` instead.',
  );
}

function takenWords(st: Exclude<TimerCardState, { state: 'free' }>, span: TimerSpan): string {
  switch (st.state) {
    case 'posted':
      return `The time of your timer on #${span.number} was already posted to Syncro from a card; it is not sent twice.`;
    case 'open':
      return `A card for the time of your timer on #${span.number} is already waiting for Post: post or cancel that one.`;
    case 'uncertain':
      return (
        `An earlier card sent the time of your timer on #${span.number} to Syncro, but Syncro did not show it; ` +
        'it may still appear, so it is not sent again from this timer. Check the ticket in Syncro; if the time ' +
        `is not there, bill it with \`/syncro bill ${span.number}\`.`
      );
  }
}

/**
 * Inserts the card `build` makes for this stopped timer under the timer's next free card id; refuses (with words
 * for the person) when a card for it is open or posted. Two forms submitted at once: the store's key lets one in.
 */
export async function insertTimerCard(
  ctx: BotContext,
  to: ReplyTarget,
  span: TimerSpan,
  build: (id: string) => PendingAction | Promise<PendingAction>,
): Promise<PendingAction> {
  const st = await timerCardState(ctx.store, to.userId, span);
  if (st.state !== 'free') throw new UserInputError(takenWords(st, span));
  const action = await build(timerCardId(to.userId, span, st.next));
  try {
    return await insertNewCard(ctx, to, action);
  } catch (err) {
    const other = await ctx.store.get(action.id).catch(() => undefined);
    if (other) throw new UserInputError(takenWords({ state: 'open', action: other }, span));
    throw err;
  }
}

/**
 * A click on "Bill this time" / "Record a timer entry": true when the form may open. Otherwise the person is told
 * why, and once the time is in Syncro the stopped timer's message is redrawn without its buttons.
 */
export async function timerStillOpen(ctx: BotContext, to: ReplyTarget, span: TimerSpan): Promise<boolean> {
  const st = await timerCardState(ctx.store, to.userId, span);
  if (st.state === 'free') return true;
  if (st.state === 'posted') {
    await ctx.reply(
      { ...to, replace: true },
      {
        ...timerSpentView({ span, posted: true }),
        response_type: 'ephemeral',
        replace_original: true,
      },
    );
  }
  await ctx.reply(to, {
    ...simpleReply(takenWords(st, span)),
    response_type: 'ephemeral',
    replace_original: false,
  });
  return false;
}
