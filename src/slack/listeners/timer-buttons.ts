import { parseSpan } from '../../timers/span.js';
import { ACTION } from '../action-ids.js';
import type { BotContext } from '../context.js';
import { openBillModal } from '../handlers/bill.js';
import { guard } from '../handlers/dispatch.js';
import { timerStillOpen } from '../handlers/timer-cards.js';
import { openTimerEntryModal } from '../handlers/timer-entry.js';
import { cancelTimer, startTimer, stopTimer } from '../handlers/timers.js';
import type { ListenerApp } from '../listener-router.js';
import { type ActionArgs, actionValue, targetOf } from './shared.js';

/** The timer buttons (ticket view, `/syncro timer`, the stopped timer, the reminder). Nothing here writes to Syncro. */
export function registerTimerButtons(app: ListenerApp, ctx: BotContext): void {
  const onNumber =
    (run: (to: ReturnType<typeof targetOf>, number: string) => Promise<void>) =>
    async ({ ack, body, action }: ActionArgs) => {
      await ack();
      const to = targetOf(ctx, body);
      await guard(ctx, to, async () => {
        const number = actionValue(action);
        if (number && /^[1-9][0-9]{0,11}$/.test(number)) await run(to, number);
      });
    };
  app.action(
    ACTION.timerStart,
    onNumber((to, n) => startTimer(ctx, to, n)),
  );
  app.action(
    ACTION.timerStop,
    onNumber((to, n) => stopTimer(ctx, to, n)),
  );
  app.action(
    ACTION.timerCancel,
    onNumber((to, n) => cancelTimer(ctx, to, n)),
  );

  // Either way to send a stopped timer's time opens its form only while no card for that time is open or posted.
  app.action(ACTION.timerBill, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const span = spanOf(actionValue(action));
      if (span && (await timerStillOpen(ctx, to, span)))
        await openBillModal(ctx, body.trigger_id, to, span.number, undefined, span);
    });
  });
  app.action(ACTION.timerRecord, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const span = spanOf(actionValue(action));
      if (span && (await timerStillOpen(ctx, to, span)))
        await openTimerEntryModal(ctx, body.trigger_id, to, span);
    });
  });
}

export function spanOf(raw: string | undefined): ReturnType<typeof parseSpan> {
  try {
    return parseSpan(JSON.parse(raw ?? ''));
  } catch {
    return undefined;
  }
}
