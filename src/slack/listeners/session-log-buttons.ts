import { ACTION } from '../action-ids.js';
import type { BotContext } from '../context.js';
import { guard } from '../handlers/dispatch.js';
import { proposeSessionLogFor } from '../handlers/session-log.js';
import type { ListenerApp } from '../listener-router.js';
import { parseCardButtonValue } from '../views/action-card.js';
import { type ActionArgs, actionValue, targetOf } from './shared.js';

/** "Write session log" on a finished close or billing card: proposes the log's own card (nothing is written yet). */
export function registerSessionLogButtons(app: ListenerApp, ctx: BotContext): void {
  app.action(ACTION.sessionLog, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const ref = parseCardButtonValue(actionValue(action) ?? '');
      if (ref) await proposeSessionLogFor(ctx, to, ref.id);
    });
  });
}
