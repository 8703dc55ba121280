import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { maxInAnyWindow } from '../../src/notifications/budget.js';
import { createNotifier, type Notifier } from '../../src/notifications/notifier.js';
import { type SlackFake, startSlackFake } from '../../src/playground/slack/server.js';
import { type SyncroSimulator, startSyncroSimulator } from '../../src/sandbox/simulator.js';
import type { AppStore } from '../../src/store/app-store.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createSyncroClient } from '../../src/syncro/client.js';
import { rapidTestRetryPolicy } from '../../src/syncro/retry-policies.js';
import { createTestDatabase, postgresUnavailable, reportPostgresUnavailable } from '../support/postgres.js';

/**
 * The notifier against real parts: the Syncro simulator over loopback, the Slack fake, SQLite or PostgreSQL.
 * Budget: a Syncro with 500 open tickets, read within notifications.budget_per_minute on a fake clock.
 * Replicas: two notifiers on one PostgreSQL database post every event exactly once, and a killed holder is taken
 * over without losing what it had queued.
 */

const KEY = 'sk_live_NOTIFY_0a1b2c3d';
const TOKEN = 'xoxb-notify-test';
const logger = createLogger({ level: 'silent', format: 'json' });

function yaml(extra = ''): string {
  return `
users:
  U0HOWARD1: { name: Howard Enos, syncro_user_id: 1750, api_key: { env: NOTIFY_KEY } }
shared_key: { env: NOTIFY_KEY }
notifications:
  poll_seconds: 60
${extra}`;
}

interface Parts {
  sim: SyncroSimulator;
  slack: SlackFake;
}

function makeNotifier(
  p: Parts,
  store: AppStore,
  o: { holder: string; now: () => number; sleep?: (ms: number) => Promise<void>; extra?: string },
): { notifier: Notifier; close: () => Promise<void> } {
  const env = { NOTIFY_KEY: KEY };
  const config = loadConfig(
    {
      ...env,
      SYNCRO_BASE_URL: p.sim.url,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: 'notify-test-signing-secret-0123',
    },
    { path: 't.yml', text: yaml(o.extra) },
  );
  const client = createSyncroClient({
    baseUrl: p.sim.url,
    timeoutMs: 2000,
    connectTimeoutMs: 1000,
    rateLimitPerMinute: 10_000,
    logger,
    readRetryPolicy: rapidTestRetryPolicy,
  });
  const notifier = createNotifier({
    config: config.file.notifications!,
    file: config.file,
    store,
    client,
    web: new WebClient(TOKEN, { slackApiUrl: p.slack.apiUrl }),
    env,
    holder: o.holder,
    logger,
    now: o.now,
    ...(o.sleep ? { sleep: o.sleep } : {}),
  });
  return { notifier, close: () => client.close() };
}

function seedOpenTickets(sim: SyncroSimulator, n: number): void {
  const customer = sim.state.customers[0]!;
  for (let i = 0; i < n; i++) sim.state.addTicket({ customer_id: customer.id, subject: `Open ticket ${i}` });
}

describe('notifier budget', () => {
  it('reads a Syncro with 500 open tickets within budget_per_minute in every rolling minute', async () => {
    const sim = await startSyncroSimulator({
      seed: 'empty',
      keys: { [KEY]: { user_id: 1735, user_name: 'Mike' } },
    });
    sim.state.addCustomer({ business_name: 'Dataforth', firstname: 'D', lastname: 'F' } as never);
    const slack = await startSlackFake();
    const store = openSqliteStore(':memory:');
    await store.migrate();
    seedOpenTickets(sim, 500);
    let t = Date.parse('2026-12-06T12:00:00Z');
    const now = () => t;
    const sleep = async (ms: number) => {
      t += Math.max(1, ms);
    };
    const { notifier, close } = makeNotifier({ sim, slack }, store, { holder: 'r1', now, sleep });
    try {
      await store.notifications.addSubscription({
        channel: 'C1',
        scope: 'all',
        customer: null,
        ownerSlackId: 'U0HOWARD1',
        ownerSyncroId: 1750,
        kinds: ['new', 'reply', 'status'],
        createdAt: 0,
      });
      const first = await notifier.feed.poll();
      expect(first.firstRun).toBe(true);
      expect(first.tickets).toBe(500);
      const ticketReads = sim.requests.filter((r) => r.path.includes('/tickets'));
      expect(ticketReads).toHaveLength(20); // 25 a page
      expect(maxInAnyWindow(notifier.budget.history)).toBeLessThanOrEqual(10);
      // 20 reads at 10 a minute cannot take less than a minute on the fake clock.
      expect(t - Date.parse('2026-12-06T12:00:00Z')).toBeGreaterThanOrEqual(60_000);
      // Nothing was announced (first run).
      await notifier.publisher.publishDue();
      expect(slack.callsTo('chat.postMessage')).toEqual([]);
      // A later poll with changes stays within the budget too, over the whole run.
      t += 60_000;
      const tickets = sim.state.tickets.slice(0, 30);
      for (const x of tickets) sim.state.updateTicket(x, { status: 'In Progress' });
      await notifier.feed.poll();
      expect(maxInAnyWindow(notifier.budget.history)).toBeLessThanOrEqual(10);
      await notifier.publisher.publishDue();
      // 30 status changes in one poll: one digest, not 30 posts.
      expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    } finally {
      await close();
      await store.close();
      await slack.close();
      await sim.close();
    }
  }, 30_000);
});

const unreachable = await postgresUnavailable();
if (unreachable !== undefined) {
  reportPostgresUnavailable('notifier replicas (PostgreSQL)', unreachable);
} else {
  describe('notifier replicas (PostgreSQL)', () => {
    let db: { url: string; drop: () => Promise<void> };
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db.drop();
    });

    it('posts every event exactly once with two replicas, and a killed holder is taken over without loss', async () => {
      const sim = await startSyncroSimulator({
        seed: 'demo',
        keys: { [KEY]: { user_id: 1735, user_name: 'Mike' } },
      });
      const slack = await startSlackFake();
      const stores = [
        openPostgresStore(db.url, { maxConnections: 3 }),
        openPostgresStore(db.url, { maxConnections: 3 }),
      ];
      await Promise.all(stores.map((s) => s.migrate()));
      let offset = 0;
      const now = () => Date.now() + offset;
      const a = makeNotifier({ sim, slack }, stores[0]!, {
        holder: 'replica-a',
        now,
        extra: '  budget_per_minute: 60',
      });
      const b = makeNotifier({ sim, slack }, stores[1]!, {
        holder: 'replica-b',
        now,
        extra: '  budget_per_minute: 60',
      });
      try {
        await stores[0]!.notifications.addSubscription({
          channel: 'C1',
          scope: 'all',
          customer: null,
          ownerSlackId: 'U0HOWARD1',
          ownerSyncroId: 1750,
          kinds: ['new', 'reply', 'status'],
          createdAt: 0,
        });
        const both = async () => {
          await Promise.all([a.notifier.tick(), b.notifier.tick()]);
          await Promise.all([a.notifier.publisher.publishDue(), b.notifier.publisher.publishDue()]);
        };
        const customer = sim.state.customers[0]!;
        await both(); // first run: silent
        const created = [];
        for (let round = 0; round < 3; round++) {
          created.push(sim.state.addTicket({ customer_id: customer.id, subject: `Round ${round}` }));
          offset += 61_000; // the next poll is due
          await both();
          await both();
        }
        const threadReplies = () =>
          slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts !== undefined);
        expect(threadReplies()).toHaveLength(3);

        // The holder is killed after committing a poll (its outbox row is queued, not posted).
        const holderIsA =
          (await stores[0]!.notifications.takeLease('feed', 'replica-a', now(), 60_000)) === true;
        const holder = holderIsA ? a : b;
        const other = holderIsA ? b : a;
        created.push(sim.state.addTicket({ customer_id: customer.id, subject: 'Queued by the dead' }));
        offset += 61_000;
        await holder.notifier.feed.poll();
        // (killed: never publishes, never releases its lease)
        await other.notifier.tick();
        expect(threadReplies()).toHaveLength(3); // the lease is still the dead holder's
        offset += 5 * 60_000; // the lease runs out
        await other.notifier.tick();
        expect(threadReplies()).toHaveLength(4);
        expect(JSON.stringify(threadReplies().at(-1)?.body.blocks)).toContain('New ticket');
        // Every ticket has one parent, and each event was posted once.
        const parents = slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === undefined);
        expect(parents).toHaveLength(4);
        const rows = await stores[0]!.notifications.rows({ target: 'C1' });
        expect(rows.map((r) => r.state)).toEqual(['posted', 'posted', 'posted', 'posted']);
      } finally {
        await a.close();
        await b.close();
        await Promise.all(stores.map((s) => s.close()));
        await slack.close();
        await sim.close();
      }
    }, 60_000);
  });
}
