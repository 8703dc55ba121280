import type { KnownBlock } from '@slack/types';
import { elapsedText, measuredMinutes, type TimerSpan } from '../../timers/span.js';
import type { RunningTimer } from '../../timers/timer-store.js';
import { ACTION } from '../action-ids.js';
import {
  actions,
  button,
  context,
  escapeMrkdwn,
  finalizeMessage,
  type Message,
  mention,
  section,
  slackDate,
  truncate,
} from '../blocks.js';
import { ticketNo } from './format.js';

/**
 * Timer replies and the ticket view's timer section. A timer lives in the bot only: every message here says
 * that nothing was sent to Syncro; time reaches Syncro only through a card the person posts.
 */

const NOTHING_SENT = 'Nothing is sent to Syncro when a timer starts or stops; only a card you post writes.';

function timerLine(t: RunningTimer, now: number): string {
  const note = t.note ? ` — ${escapeMrkdwn(truncate(t.note, 200))}` : '';
  return (
    `⏱ *${ticketNo(t.ticketNumber)}* · ${escapeMrkdwn(truncate(t.ticketSubject, 150))}: running ` +
    `*${elapsedText(now - t.startedAt)}* (since ${slackDate(t.startedAt)})${note}`
  );
}

function timerButtons(t: Pick<RunningTimer, 'ticketNumber'>): KnownBlock {
  return actions([
    button({ text: 'Stop', actionId: ACTION.timerStop, value: t.ticketNumber, style: 'primary' }),
    button({ text: 'Cancel timer', actionId: ACTION.timerCancel, value: t.ticketNumber }),
  ]);
}

/** `/syncro timer`: the person's running timers, each with Stop and Cancel; or how to start one. */
export function timerListView(p: {
  timers: RunningTimer[];
  now: number;
  /** Shown above the list (e.g. "Which timer?" when stop was given no number). */
  intro?: string;
}): Message {
  const blocks: KnownBlock[] = [];
  if (p.intro) blocks.push(section(p.intro));
  if (p.timers.length === 0) {
    blocks.push(
      section('You have no running timer. Start one with `/syncro timer start &lt;number&gt; [note]`.'),
    );
  }
  for (const t of p.timers) blocks.push(section(timerLine(t, p.now)), timerButtons(t));
  blocks.push(context([NOTHING_SENT]));
  const text = p.timers.length === 0 ? 'No running timer' : `${p.timers.length} running timer(s)`;
  return finalizeMessage(blocks, text);
}

export function timerStartedView(p: { timer: RunningTimer; already: boolean; now: number }): Message {
  const t = p.timer;
  const head = p.already
    ? `You already have a timer on ${ticketNo(t.ticketNumber)} (one per ticket per person):`
    : `Timer started on ${ticketNo(t.ticketNumber)}.`;
  return finalizeMessage(
    [section(head), section(timerLine(t, p.now)), timerButtons(t), context([NOTHING_SENT])],
    `${head}`,
  );
}

/** The stopped timer: what was measured, and the two ways to send it to Syncro (each a card to post). */
export function timerStoppedView(p: { span: TimerSpan; subject: string }): Message {
  const s = p.span;
  const minutes = measuredMinutes(s);
  const value = JSON.stringify(s);
  const head =
    `⏹ Timer stopped on *${ticketNo(s.number)}* · ${escapeMrkdwn(truncate(p.subject, 150))}: ` +
    `${slackDate(s.startedAt)} → ${slackDate(s.stoppedAt)}, *${minutes} min* measured.`;
  return finalizeMessage(
    [
      section(head),
      actions([
        button({ text: 'Bill this time', actionId: ACTION.timerBill, value, style: 'primary' }),
        button({ text: 'Record a timer entry', actionId: ACTION.timerRecord, value }),
      ]),
      context([
        'Bill this time: the billing form opens with these minutes (editable), then a card to post. ' +
          'Record a timer entry: a Syncro timer entry with this start and end, charged now or not (Make Invoice ' +
          'does not take uncharged entries). Nothing was sent to Syncro yet; if you do neither, the time is not ' +
          'recorded anywhere.',
      ]),
    ],
    `Timer stopped on ${ticketNo(s.number)}: ${minutes} min`,
  );
}

/**
 * The stopped timer once a card for its time was posted (or is waiting for Post): no buttons, so that the same
 * time cannot be sent twice.
 */
export function timerSpentView(p: { span: TimerSpan; posted: boolean }): Message {
  const s = p.span;
  const minutes = measuredMinutes(s);
  const text = p.posted
    ? `⏹ Timer on ${ticketNo(s.number)} (${minutes} min): its time was posted to Syncro from a card; it cannot be sent again.`
    : `⏹ Timer on ${ticketNo(s.number)} (${minutes} min): a card for its time is waiting for Post or Cancel. ` +
      'Cancel that card to choose again.';
  return finalizeMessage([section(text)], text);
}

export function timerCancelledView(p: { timer: RunningTimer; now: number }): Message {
  const t = p.timer;
  const text = `Timer on ${ticketNo(t.ticketNumber)} cancelled after ${elapsedText(p.now - t.startedAt)}; nothing was recorded.`;
  return finalizeMessage([section(text)], text);
}

/** The one DM for a timer left running longer than `timers.reminder_after_minutes`. */
export function timerReminderView(p: { timer: RunningTimer; now: number }): Message {
  const t = p.timer;
  const head = `${mention(t.slackUserId)}, your timer on ${ticketNo(t.ticketNumber)} is still running. Stop it if the work is done (this is the only reminder).`;
  return finalizeMessage(
    [section(head), section(timerLine(t, p.now)), timerButtons(t), context([NOTHING_SENT])],
    `Your timer on ${ticketNo(t.ticketNumber)} is still running (${elapsedText(p.now - t.startedAt)})`,
  );
}

/** The ticket view's timer section: "⏱ running 0:32 for you", others' timers, and Start/Stop. */
export function ticketTimerBlocks(p: {
  ticketNumber: string;
  timers: RunningTimer[];
  viewer?: string;
  now: number;
}): KnownBlock[] {
  const mine = p.timers.find((t) => t.slackUserId === p.viewer);
  const others = p.timers.filter((t) => t !== mine);
  const lines: string[] = [];
  if (mine) lines.push(`⏱ running *${elapsedText(p.now - mine.startedAt)}* for you`);
  for (const t of others)
    lines.push(`⏱ running ${elapsedText(p.now - t.startedAt)} for ${mention(t.slackUserId)}`);
  const blocks: KnownBlock[] = [];
  if (lines.length > 0) blocks.push(section(`*Timers*\n${lines.join('\n')}`));
  blocks.push(
    actions(
      mine
        ? [
            button({
              text: '⏹ Stop timer',
              actionId: ACTION.timerStop,
              value: p.ticketNumber,
              style: 'primary',
            }),
            button({ text: 'Cancel timer', actionId: ACTION.timerCancel, value: p.ticketNumber }),
          ]
        : [button({ text: '⏱ Start timer', actionId: ACTION.timerStart, value: p.ticketNumber })],
    ),
  );
  return blocks;
}
