import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { ChannelPayload, DmPayload } from './fanout.js';
import type { NotifyStore, OutboxRow } from './store.js';
import {
  type AppointmentFacts,
  appointmentReminder,
  broadcastsToChannel,
  deliveryProblemText,
  digestMessage,
  dmMessage,
  parentMessage,
  threadReply,
} from './views.js';

/**
 * Posts the outbox: claims due rows (`pending → sending`, one claimer per row in any replica), posts them, records
 * the Slack ts. A channel event is a reply in the ticket's thread under its one parent message (posted the first
 * time, then edited to the ticket's latest state); Resolved is also sent to the channel. A Slack failure is tried
 * again with backoff and told to the subscriber (the channel's subscribers, or the person), never dropped silently.
 */

export interface PublisherDeps {
  store: NotifyStore;
  web: WebClient;
  holder: string;
  now: () => number;
  webBaseUrl: string;
  logger?: Logger;
  /** How long a claim lasts (a post slower than this leaves the row `unknown`). Default 2 min. */
  claimMs?: number;
  /** Tries before a row is given up (`failed`, reported). Default 12 (about a day with the backoff). */
  maxAttempts?: number;
}

export interface PublishResult {
  posted: number;
  retried: number;
  failed: number;
}

/** Backoff after the n-th failed try: 10 s, 20 s, 40 s … capped at 2 h. */
export function backoffMs(attempt: number, retryAfterMs?: number): number {
  const base = Math.min(2 * 60 * 60_000, 10_000 * 2 ** Math.max(0, attempt - 1));
  return Math.max(base, retryAfterMs ?? 0);
}

function slackError(err: unknown): { code: string; retryAfterMs?: number } {
  const e = err as { data?: { error?: string }; code?: string; retryAfter?: number; message?: string };
  if (e?.retryAfter !== undefined) return { code: 'ratelimited', retryAfterMs: e.retryAfter * 1000 };
  return { code: e?.data?.error ?? e?.code ?? (err instanceof Error ? err.message : 'unknown_error') };
}

export interface Publisher {
  publishDue(): Promise<PublishResult>;
}

export function createPublisher(deps: PublisherDeps): Publisher {
  const claimMs = deps.claimMs ?? 2 * 60_000;
  const maxAttempts = deps.maxAttempts ?? 12;
  const log = deps.logger?.child({ component: 'notify-publisher' });
  /** Channels already told about a failure (once per channel and error code, per process). */
  const told = new Set<string>();

  async function dmChannel(user: string): Promise<string> {
    const r = await deps.web.conversations.open({ users: user });
    const id = r.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel');
    return id;
  }

  async function postChannelEvent(row: OutboxRow): Promise<string | undefined> {
    const p = row.payload as ChannelPayload;
    const latest = (await deps.store.snapshot(row.ticketId)) ?? p.ticket;
    let parent = await deps.store.parent(row.target, row.ticketId);
    let parentFresh = false;
    if (!parent) {
      const m = parentMessage(latest, deps.webBaseUrl);
      const r = await deps.web.chat.postMessage({ channel: row.target, text: m.text, blocks: m.blocks });
      if (!r.ts) throw new Error('chat.postMessage returned no ts');
      parent = await deps.store.setParent(row.target, row.ticketId, r.ts);
      parentFresh = parent === r.ts;
    }
    const reply = threadReply(p);
    const r = await deps.web.chat.postMessage({
      channel: row.target,
      thread_ts: parent,
      text: reply.text,
      blocks: reply.blocks,
      reply_broadcast: broadcastsToChannel(p),
    });
    if (!parentFresh) {
      // The parent always shows the latest state; a failed edit is only logged (the next event edits it again).
      const m = parentMessage(latest, deps.webBaseUrl);
      await deps.web.chat
        .update({ channel: row.target, ts: parent, text: m.text, blocks: m.blocks })
        .catch((err) => log?.warn({ err: slackError(err).code, channel: row.target }, 'parent edit failed'));
    }
    return r.ts;
  }

  async function post(row: OutboxRow): Promise<string | undefined> {
    switch (row.kind) {
      case 'channel':
        return postChannelEvent(row);
      case 'digest': {
        const items = (row.payload as { items: ChannelPayload[] }).items;
        const m = digestMessage(items, deps.webBaseUrl);
        return (await deps.web.chat.postMessage({ channel: row.target, text: m.text, blocks: m.blocks })).ts;
      }
      case 'dm': {
        const payload = row.payload as DmPayload | { appointment: AppointmentFacts };
        const m =
          'appointment' in payload
            ? appointmentReminder(payload.appointment, deps.webBaseUrl)
            : dmMessage(payload, deps.webBaseUrl);
        const channel = await dmChannel(row.target);
        return (await deps.web.chat.postMessage({ channel, text: m.text, blocks: m.blocks })).ts;
      }
    }
  }

  /** Tells the people concerned that posts are failing: a channel's subscribers, once per error. */
  async function report(row: OutboxRow, code: string, willRetry: boolean): Promise<void> {
    const key = `${row.target}:${code}:${willRetry}`;
    if (told.has(key)) return;
    told.add(key);
    if (row.kind === 'dm') {
      log?.error({ user: row.target, error: code, willRetry }, 'a notification DM could not be posted');
      return;
    }
    const owners = new Set((await deps.store.subscriptions(row.target)).map((s) => s.ownerSlackId));
    const text = deliveryProblemText(row.target, code, willRetry);
    for (const owner of owners) {
      await dmChannel(owner)
        .then((channel) => deps.web.chat.postMessage({ channel, text }))
        .catch((err) => log?.warn({ err: slackError(err).code, owner }, 'could not tell a subscriber'));
    }
  }

  return {
    async publishDue() {
      const result: PublishResult = { posted: 0, retried: 0, failed: 0 };
      for (const stuck of await deps.store.recoverStuck(deps.now())) {
        log?.error(
          { id: stuck.id, target: stuck.target, ticket: stuck.ticketId },
          'a notification was being posted when its replica stopped: it may be missing in Slack (not posted twice)',
        );
      }
      for (;;) {
        const rows = await deps.store.claimDue(deps.holder, deps.now(), claimMs, 20);
        if (rows.length === 0) break;
        for (const row of rows) {
          try {
            const ts = await post(row);
            await deps.store.markPosted(row.id, deps.holder, ts ?? null, deps.now());
            result.posted++;
          } catch (err) {
            const { code, retryAfterMs } = slackError(err);
            if (row.attempts >= maxAttempts) {
              await deps.store.markFailed(row.id, deps.holder, code);
              result.failed++;
              log?.error({ id: row.id, target: row.target, error: code }, 'notification given up');
              await report(row, code, false);
            } else {
              await deps.store.markRetry(
                row.id,
                deps.holder,
                deps.now() + backoffMs(row.attempts, retryAfterMs),
                code,
              );
              result.retried++;
              log?.warn(
                { id: row.id, target: row.target, error: code },
                'notification not posted; will retry',
              );
              if (code !== 'ratelimited') await report(row, code, true);
            }
          }
        }
        if (rows.length < 20) break;
      }
      return result;
    },
  };
}
