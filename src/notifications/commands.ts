import type { BotContext, ReplyTarget } from '../slack/context.js';
import { simpleReply } from '../slack/views/replies.js';
import { EVENT_KINDS, type EventKind } from './events.js';
import { DEFAULT_KINDS } from './fanout.js';
import { subscriptionLine, subscriptionsText } from './views.js';

/**
 * `/syncro subscribe all|mine|customer <name> [kinds]`, `/syncro subscriptions`, `/syncro unsubscribe <n>|all`:
 * the grammar (pure) and the handler. Read before the main grammar (commands/parse.ts), so that the other
 * subcommands are untouched.
 */

export type NotifyCommand =
  | { name: 'subscribe'; scope: 'all' | 'mine' | 'customer'; customer?: string; kinds: EventKind[] }
  | { name: 'subscriptions' }
  | { name: 'unsubscribe'; which: number | 'all' };

export type NotifyParse = { ok: true; command: NotifyCommand } | { ok: false; error: string };

export const NOTIFY_USAGE = [
  '/syncro subscribe all|mine|customer <name> [new,reply,note,status,assigned,sla] — Syncro updates in this channel (default kinds: new,reply,status)',
  '/syncro subscriptions — this channel’s subscriptions, numbered',
  '/syncro unsubscribe <n>|all — remove one (by its number) or all',
].join('\n');

const KINDS_RE = new RegExp(`^(?:${EVENT_KINDS.join('|')})(?:,(?:${EVENT_KINDS.join('|')}))*$`, 'i');

function parseKinds(word: string): EventKind[] {
  return [...new Set(word.toLowerCase().split(',') as EventKind[])];
}

/** The notifier's subcommands, or undefined when the text is another subcommand (the main grammar reads it). */
export function parseNotifyCommand(raw: string): NotifyParse | undefined {
  const text = raw.replace(/\s+/g, ' ').trim();
  const [first = '', ...rest] = text.split(' ');
  const word = first.toLowerCase();
  if (word === 'subscriptions') {
    return rest.length === 0
      ? { ok: true, command: { name: 'subscriptions' } }
      : { ok: false, error: '`subscriptions` takes nothing after it.' };
  }
  if (word === 'unsubscribe') {
    const arg = (rest[0] ?? '').toLowerCase();
    if (rest.length === 1 && arg === 'all')
      return { ok: true, command: { name: 'unsubscribe', which: 'all' } };
    if (rest.length === 1 && /^\d{1,4}$/.test(arg) && Number(arg) > 0)
      return { ok: true, command: { name: 'unsubscribe', which: Number(arg) } };
    return {
      ok: false,
      error:
        'Say which subscription: `/syncro unsubscribe 2` (see `/syncro subscriptions`) or `/syncro unsubscribe all`.',
    };
  }
  if (word !== 'subscribe') return undefined;
  const words = [...rest];
  let kinds: EventKind[] = [...DEFAULT_KINDS];
  const last = words.at(-1);
  if (words.length > 1 && last !== undefined && KINDS_RE.test(last)) {
    kinds = parseKinds(last);
    words.pop();
  }
  const scope = (words.shift() ?? '').toLowerCase();
  if (scope === 'all' || scope === 'mine') {
    if (words.length > 0)
      return {
        ok: false,
        error: `\`subscribe ${scope}\` takes only the kinds after it, e.g. \`/syncro subscribe ${scope} new,reply\`. Kinds: ${EVENT_KINDS.join(', ')}.`,
      };
    return { ok: true, command: { name: 'subscribe', scope, kinds } };
  }
  if (scope === 'customer') {
    const name = words
      .join(' ')
      .replace(/^["'“‘](.*)["'”’]$/, '$1')
      .trim();
    if (name === '')
      return { ok: false, error: 'Name the customer: `/syncro subscribe customer Dataforth`.' };
    if (name.length > 100)
      return { ok: false, error: 'That customer name is too long (100 characters at most).' };
    return { ok: true, command: { name: 'subscribe', scope: 'customer', customer: name, kinds } };
  }
  return {
    ok: false,
    error: `Subscribe to \`all\`, \`mine\` or \`customer <name>\`, optionally followed by kinds (${EVENT_KINDS.join(', ')}).`,
  };
}

async function say(ctx: BotContext, to: ReplyTarget, text: string, inChannel = false): Promise<void> {
  await ctx.reply(to, { ...simpleReply(text), response_type: inChannel ? 'in_channel' : 'ephemeral' });
}

export async function runNotifyCommand(ctx: BotContext, to: ReplyTarget, parsed: NotifyParse): Promise<void> {
  if (!parsed.ok) {
    await say(ctx, to, `${parsed.error}\nUsage:\n${NOTIFY_USAGE}`);
    return;
  }
  if (!ctx.file.notifications) {
    await say(
      ctx,
      to,
      'Syncro notifications are off for this bot. An admin turns them on with a `notifications:` section in the configuration (see the README, "Notifications").',
    );
    return;
  }
  if (!/^[CG]/.test(to.channelId)) {
    await say(
      ctx,
      to,
      'Subscriptions are per channel: use this in the channel that should get the updates. What is assigned to you comes by direct message on its own (App Home sets which kinds).',
    );
    return;
  }
  const store = ctx.store.notifications;
  const cmd = parsed.command;
  if (cmd.name === 'subscriptions') {
    await say(ctx, to, subscriptionsText(await store.subscriptions(to.channelId)));
    return;
  }
  if (cmd.name === 'unsubscribe') {
    if (cmd.which === 'all') {
      const n = await store.removeAllSubscriptions(to.channelId);
      await say(
        ctx,
        to,
        n === 0
          ? 'This channel had no subscriptions.'
          : `<@${to.userId}> removed this channel’s ${n} Syncro subscription${n === 1 ? '' : 's'}.`,
        n > 0,
      );
      return;
    }
    const subs = await store.subscriptions(to.channelId);
    const sub = subs[cmd.which - 1];
    if (!sub || !(await store.removeSubscription(to.channelId, sub.id))) {
      await say(ctx, to, `There is no subscription ${cmd.which} here.\n${subscriptionsText(subs)}`);
      return;
    }
    await say(
      ctx,
      to,
      `<@${to.userId}> removed: ${subscriptionLine(sub, cmd.which).replace(/^\d+\. /, '')}`,
      true,
    );
    return;
  }
  let ownerSyncroId: number | null = ctx.file.users[to.userId]?.syncro_user_id ?? null;
  if (cmd.scope === 'mine' && ownerSyncroId === null) {
    ownerSyncroId = (await ctx.identities.forRead(to.userId)).syncroUserId;
  }
  const sub = await store.addSubscription({
    channel: to.channelId,
    scope: cmd.scope,
    customer: cmd.customer ?? null,
    ownerSlackId: to.userId,
    ownerSyncroId,
    kinds: cmd.kinds,
    createdAt: ctx.now(),
  });
  const n = (await store.subscriptions(to.channelId)).findIndex((s) => s.id === sub.id) + 1;
  await say(
    ctx,
    to,
    `<@${to.userId}> subscribed this channel: ${subscriptionLine(sub, n).replace(/^\d+\. /, '')}. Each ticket gets one message here, kept up to date, with its updates in the thread. Tickets that already exist are not announced.`,
    true,
  );
}
