import type { App } from '@slack/bolt';
import { afterAcks } from '../../ack-first.js';
import { registerNotificationListeners } from '../../notifications/listeners.js';
import { COMMAND } from '../action-ids.js';
import type { BotContext } from '../context.js';
import { runCommand } from '../handlers/dispatch.js';
import { registerHome } from '../home/home.js';
import { type ListenerApp, routeListeners } from '../listener-router.js';
import { registerShortcuts } from '../shortcuts/listeners.js';
import { registerUnfurls } from '../unfurls/listeners.js';
import { registerCardButtons } from './card-buttons.js';
import { registerConnect } from './connect.js';
import { registerCreateFlow } from './create-flow.js';
import { registerFormReopen } from './form-reopen.js';
import { registerModalSubmissions } from './modal-submissions.js';
import { registerSessionLogButtons } from './session-log-buttons.js';
import { registerTicketButtons } from './ticket-buttons.js';
import { registerTimerButtons } from './timer-buttons.js';

export { lostClickMessage } from './shared.js';

/**
 * Every Slack listener. Each acknowledges at once (Slack allows 3 s) and then does its work; results go back
 * through response_url, chat.update or chat.postEphemeral. Ids come from action-ids.ts (checked against the
 * manifest by a test).
 */
export function registerListeners(bolt: App, ctx: BotContext): void {
  routeListeners(bolt, (app) => registerRoutes(app, ctx));
}

/** What each listener module registers, by id (the router turns these into Bolt's few listeners). */
export function registerRoutes(app: ListenerApp, ctx: BotContext): void {
  app.command(COMMAND, async ({ ack, command }) => {
    await ack();
    const to = {
      userId: command.user_id,
      channelId: command.channel_id,
      responseUrl: command.response_url,
      issuedAt: ctx.now(),
    };
    // Acks first: in a burst, the answer starts once the requests that arrived meanwhile are acknowledged.
    await afterAcks();
    await runCommand(ctx, to, command.text ?? '', command.trigger_id);
  });
  registerCardButtons(app, ctx);
  registerCreateFlow(app, ctx);
  registerTicketButtons(app, ctx);
  registerTimerButtons(app, ctx);
  registerNotificationListeners(app, ctx);
  registerModalSubmissions(app, ctx);
  registerFormReopen(app, ctx);
  registerShortcuts(app, ctx);
  registerSessionLogButtons(app, ctx);
  registerUnfurls(app, ctx);
  registerConnect(app, ctx);
  registerHome(app, ctx);
}
