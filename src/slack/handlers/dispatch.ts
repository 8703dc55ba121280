import { parseCommand } from '../../commands/parse.js';
import type { Command } from '../../commands/types.js';
import { configAdmins } from '../../config-hints.js';
import { NotMappedError } from '../../identity/errors.js';
import { parseNotifyCommand, runNotifyCommand } from '../../notifications/commands.js';
import type { Message } from '../blocks.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { errorReply, notMappedReply, simpleReply, usageReply } from '../views/replies.js';
import { describeWait } from '../views/wait.js';
import { openBillModal } from './bill.js';
import { disconnectFor, openConnectModal } from './connect.js';
import { showDoctor } from './doctor.js';
import {
  showAudit,
  showCustomers,
  showHelp,
  showSearch,
  showSummary,
  showTicket,
  showWhoami,
} from './read-commands.js';
import { cancelTimer, showTimers, startTimer, stopTimer } from './timers.js';
import { proposeCloseFor, proposeCommentFor, proposeCreateFor, proposeStatusFor } from './write-commands.js';

/** Tell the person when their request will queue this long behind Syncro's rate limit. */
export const RATE_LIMIT_NOTICE_MS = 3_000;

/**
 * `/syncro <text>`: parse, then run one handler. Runs after the command was acknowledged; every outcome,
 * including every error, becomes a private reply in plain words.
 */
export async function runCommand(
  ctx: BotContext,
  to: ReplyTarget,
  text: string,
  triggerId: string | undefined,
): Promise<void> {
  // Channel subscriptions (src/notifications/commands.ts) are read before the main grammar.
  const notify = parseNotifyCommand(text);
  if (notify) return guard(ctx, to, () => runNotifyCommand(ctx, to, notify));
  const parsed = parseCommand(text);
  if (!parsed.ok) {
    await ctx.reply(to, {
      ...usageReply(parsed.error, parsed.usage),
      response_type: 'ephemeral',
    });
    return;
  }
  const waitMs = ctx.rateLimitWaitMs();
  const opensForm = ['bill', 'connect'].includes(parsed.command.name);
  if (waitMs >= RATE_LIMIT_NOTICE_MS && parsed.command.name !== 'help' && !opensForm) {
    await ctx.reply(to, {
      ...simpleReply(
        `⏳ Waiting for Syncro's rate limit (${describeWait(waitMs)}; shared by the whole team). Your answer follows.`,
      ),
      response_type: 'ephemeral',
    });
  }
  await guard(ctx, to, () => dispatch(ctx, to, parsed.command, triggerId));
}

/**
 * Runs a handler; any error becomes a friendly private reply (and a log line without secrets). `replyFor`
 * builds that reply instead of the plain error reply (e.g. one that gives a failed form's text back).
 */
export async function guard(
  ctx: BotContext,
  to: ReplyTarget,
  fn: () => Promise<void>,
  replyFor?: (problem: string) => Message,
): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const log = ctx.logger.child({ component: 'handler', user: to.userId });
    if (err instanceof NotMappedError) {
      // users:read: the person's name pre-fills the snippet their admin will paste.
      const realName = await ctx.web.users
        .info({ user: to.userId })
        .then((r) => r.user?.real_name || r.user?.profile?.real_name || undefined)
        .catch(() => undefined);
      await ctx
        .reply(to, {
          ...notMappedReply(to.userId, realName, err.canConnect, configAdmins(ctx.file).includes(to.userId)),
          response_type: 'ephemeral',
        })
        .catch(() => undefined);
      return;
    }
    log.warn({ err }, 'command failed');
    const message = replyFor ? replyFor(ctx.describeError(err)) : errorReply(err);
    await ctx.reply(to, { ...message, response_type: 'ephemeral' }).catch((e) => {
      log.error({ err: e }, 'could not send the error reply');
    });
  }
}

async function dispatch(
  ctx: BotContext,
  to: ReplyTarget,
  cmd: Command,
  triggerId: string | undefined,
): Promise<void> {
  switch (cmd.name) {
    case 'summary':
      return showSummary(ctx, to, cmd.page ?? 1);
    case 'ticket':
      return showTicket(ctx, to, cmd.number);
    case 'search':
      return showSearch(ctx, to, cmd.query);
    case 'customers':
      return showCustomers(ctx, to, cmd.query);
    case 'audit':
      return showAudit(ctx, to, cmd.number);
    case 'help':
      return showHelp(ctx, to, cmd);
    case 'whoami':
      return showWhoami(ctx, to);
    case 'connect':
      return openConnectModal(ctx, triggerId, to);
    case 'disconnect':
      return disconnectFor(ctx, to);
    case 'doctor':
      return showDoctor(ctx, to);
    case 'comment':
      return proposeCommentFor(ctx, to, { number: cmd.number, body: cmd.text });
    case 'update':
      return proposeStatusFor(ctx, to, cmd.number, cmd.status);
    case 'close':
      return proposeCloseFor(ctx, to, {
        number: cmd.number,
        resolution: cmd.resolution ? { body: cmd.resolution } : undefined,
      });
    case 'timer':
      // The parser gives start and cancel a number.
      if (cmd.op === 'start' && cmd.number) return startTimer(ctx, to, cmd.number, cmd.note);
      if (cmd.op === 'stop') return stopTimer(ctx, to, cmd.number);
      if (cmd.op === 'cancel' && cmd.number) return cancelTimer(ctx, to, cmd.number);
      return showTimers(ctx, to);
    case 'create':
      return proposeCreateFor(ctx, to, { customer: cmd.customer, subject: cmd.subject });
    case 'bill':
      if (!triggerId) {
        await ctx.reply(to, {
          ...simpleReply('Billing needs a form; run `/syncro bill &lt;number&gt;` again.'),
        });
        return;
      }
      // Open the form first (the trigger id lasts 3 s); identity and Syncro problems are shown inside it.
      return openBillModal(ctx, triggerId, to, cmd.number);
  }
}
