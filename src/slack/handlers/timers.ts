import type { RunningTimer } from '../../timers/timer-store.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { simpleReply } from '../views/replies.js';
import {
  timerCancelledView,
  timerListView,
  timerReminderView,
  timerStartedView,
  timerStoppedView,
} from '../views/timers.js';

/**
 * `/syncro timer …` and the timer buttons. A timer is kept in the store (Syncro's API has no running timer):
 * starting reads the ticket (to know its id and subject) and writes nothing to Syncro; stopping offers the two
 * ways to send the time, each a card the person posts.
 */

export async function startTimer(
  ctx: BotContext,
  to: ReplyTarget,
  number: string,
  note?: string,
): Promise<void> {
  const { api } = await ctx.identities.forRead(to.userId);
  const ticket = await api.findTicketByNumber(number);
  const now = ctx.now();
  const r = await ctx.store.timers.start({
    slackUserId: to.userId,
    ticketId: ticket.id,
    ticketNumber: String(ticket.number),
    ticketSubject: ticket.subject,
    ...(note ? { note: note.slice(0, 500) } : {}),
    startedAt: now,
  });
  await ctx.reply(to, {
    ...timerStartedView({
      timer: r.started ? r.timer : r.running,
      already: !r.started,
      now,
    }),
    response_type: 'ephemeral',
    replace_original: false,
  });
}

export async function showTimers(ctx: BotContext, to: ReplyTarget, intro?: string): Promise<void> {
  const timers = await ctx.store.timers.listFor(to.userId);
  await ctx.reply(to, {
    ...timerListView({ timers, now: ctx.now(), ...(intro ? { intro } : {}) }),
    response_type: 'ephemeral',
    replace_original: false,
  });
}

/** The person's timer on `number`, or (without a number) their only one; undefined after telling them why not. */
async function pickTimer(
  ctx: BotContext,
  to: ReplyTarget,
  number: string | undefined,
  verb: string,
): Promise<RunningTimer | undefined> {
  const timers = await ctx.store.timers.listFor(to.userId);
  if (number !== undefined) {
    const t = timers.find((x) => x.ticketNumber === number);
    if (!t) await tell(ctx, to, `You have no running timer on #${number}. \`/syncro timer\` lists yours.`);
    return t;
  }
  if (timers.length === 1) return timers[0];
  if (timers.length === 0) {
    await tell(
      ctx,
      to,
      'You have no running timer. Start one with `/syncro timer start &lt;number&gt; [note]`.',
    );
    return undefined;
  }
  await showTimers(ctx, to, `You have ${timers.length} running timers: which one should ${verb}?`);
  return undefined;
}

export async function stopTimer(ctx: BotContext, to: ReplyTarget, number?: string): Promise<void> {
  const t = await pickTimer(ctx, to, number, 'stop');
  if (!t) return;
  const stopped = await ctx.store.timers.stop(to.userId, t.ticketId);
  // A double click or another replica stopped it first: that stop showed the offers.
  if (!stopped) return tell(ctx, to, `Your timer on #${t.ticketNumber} was already stopped.`);
  await ctx.reply(to, {
    ...timerStoppedView({
      span: {
        ticketId: stopped.ticketId,
        number: stopped.ticketNumber,
        startedAt: stopped.startedAt,
        stoppedAt: ctx.now(),
        ...(stopped.note ? { note: stopped.note } : {}),
      },
      subject: stopped.ticketSubject,
    }),
    response_type: 'ephemeral',
    replace_original: false,
  });
}

export async function cancelTimer(ctx: BotContext, to: ReplyTarget, number: string): Promise<void> {
  const t = await pickTimer(ctx, to, number, 'cancel');
  if (!t) return;
  const stopped = await ctx.store.timers.stop(to.userId, t.ticketId);
  if (!stopped) return tell(ctx, to, `Your timer on #${t.ticketNumber} was already stopped.`);
  await ctx.reply(to, {
    ...timerCancelledView({ timer: stopped, now: ctx.now() }),
    response_type: 'ephemeral',
    replace_original: false,
  });
}

/**
 * From the periodic sweep: one DM per timer running longer than `timers.reminder_after_minutes`. The store marks
 * each timer reminded in the same statement that picks it, so across replicas and sweeps it is sent once (a DM
 * that fails is logged, not retried: a reminder is not worth a second message).
 */
export async function remindLongTimers(ctx: BotContext): Promise<void> {
  const now = ctx.now();
  const due = await ctx.store.timers.claimReminders(
    now - ctx.file.timers.reminder_after_minutes * 60_000,
    now,
  );
  for (const timer of due) {
    try {
      await ctx.web.chat.postMessage({
        channel: timer.slackUserId,
        ...timerReminderView({ timer, now }),
      });
    } catch (err) {
      ctx.logger.warn(
        { err, user: timer.slackUserId, ticket: timer.ticketNumber },
        'timer reminder not sent',
      );
    }
  }
}

function tell(ctx: BotContext, to: ReplyTarget, text: string): Promise<void> {
  return ctx.reply(to, {
    ...simpleReply(text),
    response_type: 'ephemeral',
    replace_original: false,
  });
}
