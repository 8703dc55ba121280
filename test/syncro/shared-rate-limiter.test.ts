import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyncroClient } from '../../src/syncro/client.js';
import { SyncroNetworkError } from '../../src/syncro/errors.js';
import { openPostgresRateLimitStore } from '../../src/syncro/postgres-rate-limit-store.js';
import {
  type AcquireOptions,
  RateLimiterClosedError,
  type RateLimiterEvent,
  RateLimiterUnavailableError,
  type RequestPriority,
} from '../../src/syncro/rate-limiter.js';
import {
  createSharedRateLimiter,
  type SharedRateLimiter,
  type SharedSlotStore,
} from '../../src/syncro/shared-rate-limiter.js';
import {
  createTestDatabase,
  postgresUnavailable,
  reportPostgresUnavailable,
  type TestDatabase,
} from '../support/postgres.js';
import { FakeClock } from './fake-clock.js';
import { captureLogger } from './helpers.js';

/**
 * The shared limiter's semantics with the injectable clock: several "replicas" (limiters with their own
 * connections) in this process on one real PostgreSQL, time driven by a FakeClock that both the limiters'
 * timers and the store's clock follow. Notifications are off: each look at the store happens when the clock
 * (or a test's refresh(), which is what a notification does) says so, so every step is deterministic.
 */

const unreachable = await postgresUnavailable();
const logger = captureLogger('silent').logger;
/** Store times are epoch ms; the fake clock starts at 0. */
const EPOCH = 1_800_000_000_000;

if (unreachable !== undefined) {
  reportPostgresUnavailable('shared rate limiter on PostgreSQL', unreachable);
} else {
  describe('shared rate limiter on PostgreSQL', () => {
    let db: TestDatabase;
    let open: SharedRateLimiter[] = [];
    let n = 0;

    beforeAll(async () => {
      db = await createTestDatabase('syncro_slack_limiter');
    });
    afterAll(async () => {
      await db?.drop();
    });
    afterEach(async () => {
      await Promise.all(open.map((l) => l.close()));
      open = [];
    });

    /** A replica's limiter; each test uses its own account, so tests do not see each other's slots. */
    async function replica(
      clock: FakeClock,
      o: { limit: number; windowMs: number; holdMs?: number; account: string; name: string },
    ): Promise<SharedRateLimiter> {
      const store = await openPostgresRateLimitStore({
        url: db.url,
        account: o.account,
        logger,
        now: () => EPOCH + clock.now(),
      });
      const limiter = createSharedRateLimiter({
        store,
        limit: o.limit,
        windowMs: o.windowMs,
        holdMs: o.holdMs ?? 10_000,
        holder: o.name,
        logger,
        timers: clock,
        listen: false,
        maxSleepMs: 1e9,
      });
      open.push(limiter);
      return limiter;
    }

    async function pair(o: { limit: number; windowMs: number; holdMs?: number }) {
      const clock = new FakeClock();
      const account = `test-${++n}`;
      const a = await replica(clock, { ...o, account, name: 'replica-a' });
      const b = await replica(clock, { ...o, account, name: 'replica-b' });
      /** Lets every look at the store and every release finish (no time passes). */
      const settle = async () => {
        await Promise.all([a.idle(), b.idle()]);
        await Promise.all([a.idle(), b.idle()]);
      };
      const advance = async (ms: number) => {
        await settle();
        await clock.advance(ms);
        await settle();
      };
      return { clock, a, b, settle, advance };
    }

    /** Starts a request that finishes the moment it starts; records when it started. */
    function instant(
      l: SharedRateLimiter,
      clock: FakeClock,
      log: string[],
      name: string,
      o?: AcquireOptions,
    ) {
      return l.acquire(o).then(
        (release) => {
          log.push(`${name}@${clock.now()}`);
          release();
        },
        (err: unknown) => {
          // A test's end closes the limiters with requests still queued.
          if (!(err instanceof RateLimiterClosedError)) throw err;
        },
      );
    }

    it('should admit at most `limit` across two replicas, the rest as the window rolls', async () => {
      const { clock, a, b, settle, advance } = await pair({ limit: 3, windowMs: 1000 });
      const log: string[] = [];
      void instant(a, clock, log, 'a1');
      void instant(a, clock, log, 'a2');
      await settle();
      void instant(b, clock, log, 'b1');
      void instant(b, clock, log, 'b2');
      await settle();
      void instant(a, clock, log, 'a3');
      await settle();
      expect(log).toEqual(['a1@0', 'a2@0', 'b1@0']);
      expect(b.stats()).toMatchObject({ queued: 1, startedInWindow: 3 });
      expect(b.waitingMs()).toBe(1000);
      await advance(999);
      expect(log).toHaveLength(3);
      await advance(1);
      expect(log.slice(3).sort()).toEqual(['a3@1000', 'b2@1000']);
    });

    it('should count a slot held by one replica until its release + window on the other', async () => {
      const { clock, a, b, settle, advance } = await pair({ limit: 1, windowMs: 1000, holdMs: 60_000 });
      const log: string[] = [];
      const release = await a.acquire();
      void instant(b, clock, log, 'b');
      await advance(5000); // a slow answer: Syncro may have counted it as late as its end
      expect(log).toEqual([]);
      release();
      await settle();
      b.refresh(); // what the release's notification does
      await advance(999);
      expect(log).toEqual([]);
      await advance(1);
      expect(log).toEqual(['b@6000']);
    });

    it('should let the slots of a replica that died expire after holdMs + window', async () => {
      const { clock, a, b, advance } = await pair({ limit: 2, windowMs: 1000, holdMs: 3000 });
      const log: string[] = [];
      await a.acquire();
      await a.acquire();
      await a.close(); // dies holding both slots: never released
      const waits: number[] = [];
      void instant(b, clock, log, 'b', { onWait: (ms) => waits.push(ms) });
      await advance(3999);
      expect(log).toEqual([]);
      await advance(1);
      expect(log).toEqual(['b@4000']);
      expect(waits).toHaveLength(1);
    });

    it('should pause every replica when one of them sees a 429, for as long as it was told', async () => {
      const { clock, a, b, settle, advance } = await pair({ limit: 10, windowMs: 1000 });
      const events: RateLimiterEvent[] = [];
      const shared = new Promise<void>((resolve) =>
        a.subscribe((e) => {
          events.push(e);
          if (e.type === 'paused') resolve();
        }),
      );
      a.pause(5000); // a 429 with Retry-After: 5 on replica A
      await shared; // announced once the store has it
      const log: string[] = [];
      const waits: number[] = [];
      void instant(b, clock, log, 'b', { onWait: (ms) => waits.push(ms) });
      void instant(a, clock, log, 'a');
      await settle();
      expect(waits).toEqual([5000]); // replica B says the real wait
      expect(b.stats().pausedForMs).toBe(5000);
      await advance(4999);
      expect(log).toEqual([]);
      await advance(1);
      expect(log.sort()).toEqual(['a@5000', 'b@5000']);
      expect(events[0]).toMatchObject({ type: 'paused', pauseMs: 5000 });
    });

    it('should start a person’s request on one replica before a background one queued earlier on the other', async () => {
      const { clock, a, b, settle, advance } = await pair({ limit: 1, windowMs: 1000 });
      const log: string[] = [];
      await instant(a, clock, log, 'first'); // the window is full until t=1000
      await settle();
      const bg: RequestPriority = 'background';
      void instant(a, clock, log, 'sweep', { priority: bg });
      await settle();
      void instant(b, clock, log, 'person');
      await settle();
      await advance(1000);
      expect(log).toEqual(['first@0', 'person@1000']);
      a.refresh(); // the person's replica withdrew its demand (a notification)
      await advance(1000);
      expect(log).toEqual(['first@0', 'person@1000', 'sweep@2000']);
    });

    it('should hold one person to a third of the limit while someone waits on another replica, and to the cap even alone', async () => {
      const { clock, a, b, settle, advance } = await pair({ limit: 6, windowMs: 1000, holdMs: 60_000 });
      const log: string[] = [];
      const script = { person: 'U0SCRIPT' };
      // Alone, the script holds at most its cap (6 - 2 = 4): four requests in flight on replica A, the rest wait.
      const held = await Promise.all(Array.from({ length: 4 }, () => a.acquire(script)));
      for (let i = 1; i <= 8; i++) void instant(a, clock, log, `script-${i}`, script);
      await settle();
      expect(log).toEqual([]);
      expect(a.stats().inFlight).toBe(4);
      // The headroom: someone arriving on replica B starts at once.
      void instant(b, clock, log, 'dana-1', { person: 'U0DANA' });
      void instant(b, clock, log, 'dana-2', { person: 'U0DANA' });
      await settle();
      expect(log).toEqual(['dana-1@0', 'dana-2@0']);
      // Pat waits on B (the window is full) while the script's slots are counted until t=1000.
      for (let i = 1; i <= 3; i++) void instant(b, clock, log, `pat-${i}`, { person: 'U0PAT' });
      await settle();
      for (const release of held) release();
      await settle();
      await advance(1000);
      const both = async () => {
        a.refresh(); // what a notification does
        b.refresh();
        await settle();
        a.refresh();
        await settle();
      };
      await both();
      // Which replica looks first varies; either way the window is full, each gets at least a share (2), and the
      // script stays within its cap (4).
      const at1000 = log.slice(2);
      const count = (who: string, l: string[]) => l.filter((e) => e.startsWith(who)).length;
      expect(at1000).toHaveLength(6);
      expect(at1000.every((e) => e.endsWith('@1000'))).toBe(true);
      expect(count('script', at1000)).toBeGreaterThanOrEqual(2);
      expect(count('script', at1000)).toBeLessThanOrEqual(4);
      expect(count('pat', at1000)).toBeGreaterThanOrEqual(2);
      await advance(1000);
      await both();
      // The script alone again at most reaches its cap in a window: everyone has started by t=3000.
      expect(count('script', log.slice(8))).toBeLessThanOrEqual(4);
      expect(log.slice(8).every((e) => e.endsWith('@2000'))).toBe(true);
      await advance(1000);
      await both();
      expect(log).toHaveLength(2 + 3 + 8);
    });

    it('should keep background work going when nobody is waiting', async () => {
      const { clock, a, b, settle } = await pair({ limit: 5, windowMs: 1000 });
      const log: string[] = [];
      void instant(a, clock, log, 'sweep-a', { priority: 'background' });
      void instant(b, clock, log, 'sweep-b', { priority: 'background' });
      await settle();
      expect(log.sort()).toEqual(['sweep-a@0', 'sweep-b@0']);
    });
  });
}

describe('shared rate limiter without its store', () => {
  it('should refuse queued requests with a clear error instead of guessing the count', async () => {
    const broken: SharedSlotStore = {
      take: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      release: () => Promise.resolve(),
      pause: () => Promise.resolve(),
      withdraw: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const limiter = createSharedRateLimiter({
      store: broken,
      limit: 5,
      windowMs: 1000,
      holdMs: 1000,
      holder: 'r',
      logger,
      timers: new FakeClock(),
      listen: false,
    });
    const err = await limiter.acquire().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimiterUnavailableError);
    expect((err as Error).message).toContain('cannot be reached');
    // Through the client it is a plain "nothing was sent" (a write is known not written: no read-back needed).
    const client = createSyncroClient({
      baseUrl: 'http://127.0.0.1:9/api/v1',
      timeoutMs: 1000,
      connectTimeoutMs: 500,
      rateLimitPerMinute: 5,
      logger,
      limiter,
    });
    const viaClient = await client
      .as('sandbox-key-1750')
      .addComment(1, { subject: 'Update', body: 'x', hidden: true, do_not_email: true })
      .catch((e: unknown) => e);
    expect(viaClient).toBeInstanceOf(SyncroNetworkError);
    expect((viaClient as Error).message).toContain('nothing was sent');
    await client.close();
    await limiter.close();
  });
});
