import type { WebClient } from '@slack/web-api';
import type { ActionStore } from '../actions/store.js';
import type { FileConfig, KeySource, NotificationsConfig } from '../config.js';
import { resolveKey } from '../identity/key-sources.js';
import type { Logger } from '../logger.js';
import type { SyncroApi } from '../syncro/api.js';
import type { SyncroHttpClient } from '../syncro/client.js';
import { withRequestPriority } from '../syncro/priority.js';
import { type Budget, createBudget } from './budget.js';
import type { Person } from './fanout.js';
import { createFeed, type Feed, type FeedApi, META } from './feed.js';
import { createPublisher, type Publisher } from './publisher.js';
import { createReminders, type Reminders } from './reminders.js';
import type { NotifyStore } from './store.js';

/**
 * The notifier, composed: the feed (one holder across replicas), the publisher, appointment reminders and the
 * webhook's doorbell, on one loop. Every Syncro read goes through the notifier's budget and queues at background
 * priority in the shared limiter, so a person waiting always goes first.
 */

export interface NotifierDeps {
  config: NotificationsConfig;
  file: FileConfig;
  /** The action store (audit), with the notifier's own tables beside it (src/store/app-store.ts wires them). */
  store: ActionStore & { readonly notifications: NotifyStore };
  client: SyncroHttpClient;
  web: WebClient;
  env: Record<string, string | undefined>;
  holder: string;
  logger: Logger;
  now?: () => number;
  /** The budget's wait (tests and the benchmark pass a fake clock's). */
  sleep?: (ms: number) => Promise<void>;
  /** The key to read with when neither notifications.key nor shared_key is set (the sandbox's). */
  fallbackKey?: string;
  /** A person's own Syncro view, for appointment reminders (never the shared key). */
  ownApi?: (slackId: string) => Promise<SyncroApi | undefined>;
  /** How often the loop looks (bells, due polls, the outbox). Default 1 s. */
  tickMs?: number;
  /** A doorbell waits this long for more rings of the same ticket (debounce). Default 1.5 s. */
  bellQuietMs?: number;
}

export interface Notifier {
  feed: Feed;
  publisher: Publisher;
  reminders: Reminders;
  budget: Budget;
  /** One pass: bells, a due poll, due reminders, the outbox. Never throws (logs). */
  tick(): Promise<void>;
  /** The webhook: a ticket to read soon (debounced; any replica rings, the holder reads). */
  ring(ticketId: number): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export function createNotifier(deps: NotifierDeps): Notifier {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ component: 'notifier' });
  const cfg = deps.config;
  const pollMs = cfg.poll_seconds * 1000;
  const leaseMs = Math.max(3 * pollMs, 60_000);
  const tickMs = deps.tickMs ?? 1000;
  const bellQuietMs = deps.bellQuietMs ?? 1500;
  const store = deps.store.notifications;
  const budget = createBudget({ perMinute: cfg.budget_per_minute, now, sleep: deps.sleep ?? realSleep });

  const keySource: KeySource | undefined = cfg.key ?? deps.file.shared_key;
  async function readerApi(): Promise<SyncroApi> {
    const key = keySource ? await resolveKey(keySource, { env: deps.env }) : deps.fallbackKey;
    if (!key) throw new Error('notifications: no key to read with (set notifications.key or shared_key)');
    return deps.client.as(key, { priority: 'background' });
  }
  function budgeted(api: SyncroApi): FeedApi & Pick<SyncroApi, 'listAppointments'> {
    const after =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        await budget.take();
        // Queued behind every person waiting, in every replica (the shared limiter's background priority).
        return withRequestPriority('background', () => fn(...a));
      };
    return {
      listTickets: after((q) => api.listTickets(q)),
      getTicket: after((id) => api.getTicket(id)),
      listComments: after((id, q) => api.listComments(id, q)),
      listAppointments: after((q) => api.listAppointments(q)),
    };
  }

  async function people(): Promise<Person[]> {
    const out: Person[] = [];
    for (const [slackId, u] of Object.entries(deps.file.users)) {
      out.push({ slackId, syncroUserId: u.syncro_user_id, prefs: await store.prefs(slackId) });
    }
    return out;
  }

  const feed = createFeed({
    store,
    api: async () => budgeted(await readerApi()),
    holder: deps.holder,
    now,
    pollMs,
    leaseMs,
    digestAfter: cfg.digest_after,
    people,
    audit: (ticketId) => deps.store.listAudit(ticketId, 50),
    logger: deps.logger,
    spare: () => budget.spare(),
  });
  const publisher = createPublisher({
    store,
    web: deps.web,
    holder: deps.holder,
    now,
    webBaseUrl: deps.client.webBaseUrl,
    logger: deps.logger,
  });
  const reminders = createReminders({
    store,
    holder: deps.holder,
    now,
    leaseMs,
    minutesBefore: cfg.appointment_minutes,
    people,
    apiFor: async (slackId) => {
      const api = await deps.ownApi?.(slackId);
      return api ? budgeted(api) : undefined;
    },
    logger: deps.logger,
    spare: () => budget.spare(),
  });

  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let bellTimer: NodeJS.Timeout | undefined;

  async function pass(): Promise<void> {
    if (!(await feed.lead())) return;
    // The doorbell first, and what it found is posted before anything slower is read.
    const bells = await store.takeBells(now(), bellQuietMs);
    if (bells.length > 0) {
      await feed.readTickets(bells);
      await publisher.publishDue();
    }
    // Due by the store's clock of the last poll, so a replica taking the lease over does not poll again at once.
    const last = Number((await store.meta(META.lastPollAt)) ?? 0);
    if (now() >= last + pollMs) {
      await feed.poll();
      await publisher.publishDue();
    }
    await reminders.due();
    await publisher.publishDue();
  }

  async function tick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (err) {
          log.error({ err }, 'notifications: a pass failed (tried again next tick)');
        }
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = undefined;
    }
  }

  return {
    feed,
    publisher,
    reminders,
    budget,
    tick,
    async ring(ticketId) {
      await store.ringBell(ticketId, now());
      // This replica may hold the lease: look again once the bell is quiet (the loop also finds it).
      if (timer && !bellTimer) {
        bellTimer = setTimeout(() => {
          bellTimer = undefined;
          void tick();
        }, bellQuietMs + 50);
        bellTimer.unref();
      }
    },
    start() {
      if (timer) return;
      timer = setInterval(() => void tick(), tickMs);
      timer.unref();
      void tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (bellTimer) clearTimeout(bellTimer);
      timer = undefined;
      await running?.catch(() => undefined);
      await store.releaseLease('feed', deps.holder).catch(() => undefined);
    },
  };
}
