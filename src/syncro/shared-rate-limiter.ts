import type { Logger } from '../logger.js';
import {
  type AcquireOptions,
  aheadOf,
  defaultPersonShare,
  enqueueByPriority,
  estimateStartMs,
  type LimiterTimers,
  type RateLimiter,
  RateLimiterClosedError,
  type RateLimiterEvent,
  type RateLimiterStats,
  RateLimiterUnavailableError,
  type Release,
  type RequestPriority,
  realTimers,
} from './rate-limiter.js';

/**
 * One rate limit for every replica. Replicas share one egress IP, and Syncro counts every request from it
 * (180/min), so the slots live in a store all replicas see (PostgreSQL: postgres-rate-limit-store.ts). The
 * invariant is the in-process limiter's, across replicas: at any moment at most `limit` slots are alive, a slot
 * being alive from its acquire until its release + windowMs (Syncro counts on arrival, somewhere in between).
 * Hence no rolling window of windowMs ever sees more than `limit` requests arrive, whichever replica sent them.
 *
 * Each replica keeps its own queue (interactive before background, FIFO within each) and lets one request at a
 * time ask the store for a slot. The store also holds the shared pause (a 429 seen by one replica pauses all)
 * and each replica's interactive demand, so that a background request anywhere yields to a person waiting
 * anywhere. The store also knows whom each slot was for and which people wait on every replica, so that a
 * person's share and cap (rate-limiter.ts, `personRoom`) hold across replicas: beyond it, their request waits
 * while someone within theirs waits on any replica. A replica that dies holding slots cannot block the others: a
 * slot taken and never released expires on its own after `holdMs` (longer than any request can last) + windowMs.
 */

/** The shared state a store reports with every answer, relative to the store's clock (no skew between hosts). */
export interface SharedWindowView {
  /** Per alive slot: how long ago it was released (0 while in flight). */
  releasedAgoMs: number[];
  pausedForMs: number;
}

export type TakeResult =
  | { granted: true /** One to `count` slots. */; slotIds: string[]; view: SharedWindowView }
  | {
      granted: false;
      /** When a slot may be free at the earliest (a release elsewhere can make it sooner). */
      retryInMs: number;
      /** `share`: this person is beyond their share while someone within theirs waits. */
      reason: 'window' | 'paused' | 'priority' | 'share';
      view: SharedWindowView;
    };

export interface TakeRequest {
  holder: string;
  priority: RequestPriority;
  /** Whom the slots are for (their share applies); undefined for nobody in particular. */
  person?: string | undefined;
  /** A person's share of the limit while others wait. */
  share: number;
  /** The people of this holder's interactive waiters (`''` for a request for nobody in particular). */
  waiting: string[];
  /** Slots wanted at once (this person's waiters of this priority, in queue order); fewer may be granted. */
  count: number;
  /** Does the holder have a person waiting beyond these `count` (keeps its interactive demand up)? */
  moreInteractive: boolean;
  limit: number;
  windowMs: number;
  holdMs: number;
  /** How long an interactive demand stays up without being renewed. */
  demandMs: number;
}

/** Where replicas keep the slots, the pause and the interactive demand. */
export interface SharedSlotStore {
  take(req: TakeRequest): Promise<TakeResult>;
  /** Ends a slot's flight: it stays counted for windowMs more. */
  release(slotId: string, windowMs: number): Promise<void>;
  /** Holds every replica for `ms` (extends, never shortens, a current pause). */
  pause(ms: number): Promise<void>;
  /** Withdraws the holder's interactive demand (its queue has no person waiting any more). */
  withdraw(holder: string): Promise<void>;
  /** Calls `onChange` when any replica releases, pauses or withdraws; returns the unsubscribe function. */
  watch?(onChange: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface SharedRateLimiterOptions {
  store: SharedSlotStore;
  /** Most requests alive (in flight, or released less than windowMs ago) across every replica. */
  limit: number;
  windowMs: number;
  /** Longer than any request can take (the Syncro timeout plus a margin): a dead replica's slot expires after it. */
  holdMs: number;
  /** This replica's name in the store (diagnosis, and its interactive demand). */
  holder: string;
  logger: Logger;
  timers?: LimiterTimers;
  /** Upper bound on a wait between two looks at the store (a missed notification costs at most this). */
  maxSleepMs?: number;
  /** Listen for other replicas' releases (default true; tests drive the clock instead). */
  listen?: boolean;
  /** Requests one person may have alive while others wait (default `defaultPersonShare(limit)`). */
  personShare?: number;
}

export interface SharedRateLimiter extends RateLimiter {
  /** Looks at the store again now (what a notification from another replica does). */
  refresh(): void;
  /** Resolves when no look at the store is in progress (tests). */
  idle(): Promise<void>;
}

interface Waiter {
  priority: RequestPriority;
  person: string | undefined;
  onWait?: (waitMs: number) => void;
  told: boolean;
  resolve(release: Release): void;
  reject(err: unknown): void;
  cleanup(): void;
}

export function createSharedRateLimiter(opts: SharedRateLimiterOptions): SharedRateLimiter {
  const { store, limit, windowMs, holdMs, holder } = opts;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError('rate limiter: limit must be a positive integer');
  if (!(windowMs > 0)) throw new RangeError('rate limiter: windowMs must be positive');
  const timers = opts.timers ?? realTimers;
  const maxSleepMs = opts.maxSleepMs ?? 2_000;
  const log = opts.logger.child({ component: 'rate-limit' });
  const demandMs = maxSleepMs + 2_000;
  const share = opts.personShare ?? defaultPersonShare(limit);

  const queue: Waiter[] = [];
  const listeners = new Set<(e: RateLimiterEvent) => void>();
  /** The last answer from the store, and when (our clock) it came. */
  let view: SharedWindowView = { releasedAgoMs: [], pausedForMs: 0 };
  let viewAt = timers.now();
  /** A pause we asked for that the store may not have confirmed yet; honoured locally either way. */
  let localPauseUntil = Number.NEGATIVE_INFINITY;
  let wake: unknown;
  let looking: Promise<void> | null = null;
  let again = false;
  let inFlight = 0;
  let admitted = 0;
  let closed = false;
  let hadDemand = false;
  /** The store was last told that people wait here. */
  let saidWaiting = false;
  let unwatch: (() => Promise<void>) | undefined;
  /** Releases and pauses on their way to the store. */
  const pending = new Set<Promise<void>>();

  if (opts.listen !== false && store.watch) {
    store
      .watch(() => refresh())
      .then((off) => {
        if (closed) void off();
        else unwatch = off;
      })
      .catch((err: unknown) => log.warn({ err }, 'cannot listen for other replicas; polling instead'));
  }

  function emit(event: RateLimiterEvent): void {
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // NOTE: a listener's failure must not stall the queue.
      }
    }
  }

  /** The view aged to now: slots released longer ago, the pause shorter. */
  function current(): SharedWindowView & { now: number } {
    const now = timers.now();
    const age = now - viewAt;
    return {
      now,
      releasedAgoMs: view.releasedAgoMs
        .map((ago) => (ago > 0 ? ago + age : 0))
        .filter((ago) => ago === 0 || ago < windowMs),
      pausedForMs: Math.max(view.pausedForMs - age, localPauseUntil - now, 0),
    };
  }

  function estimate(ahead: number): number {
    const c = current();
    return estimateStartMs({
      releasedAgoMs: c.releasedAgoMs,
      limit,
      windowMs,
      pausedForMs: c.pausedForMs,
      ahead,
    });
  }

  function schedule(ms: number): void {
    if (wake !== undefined) timers.clearTimeout(wake);
    wake = timers.setTimeout(
      () => {
        wake = undefined;
        refresh();
      },
      Math.max(1, Math.ceil(Math.min(ms, maxSleepMs))),
    );
  }

  function refresh(): void {
    if (closed) return;
    if (looking) {
      again = true;
      return;
    }
    looking = look().finally(() => {
      looking = null;
      if (again) {
        again = false;
        refresh();
      }
    });
  }

  /**
   * The next waiters to ask the store for: the first waiter (interactive before background) whose person was not
   * refused for their share in this look, and the waiters of the same priority and person after it.
   */
  function batch(refused: Set<string | undefined>): Waiter[] {
    const head = queue.find((w) => w.priority === queue[0]?.priority && !refused.has(w.person));
    if (!head) return [];
    return queue.filter((w) => w.priority === head.priority && w.person === head.person).slice(0, limit);
  }

  /** Takes slots for the head of the queue until the store says wait (or the queue is empty). */
  async function look(): Promise<void> {
    /** People the store refused in this look (beyond their share while others wait), and its soonest retry. */
    const refused = new Set<string | undefined>();
    let retryAfterRefusal = maxSleepMs;
    while (!closed) {
      const head = queue[0];
      if (!head) {
        // Nobody waits here any more: the store forgets this replica's demand and the people it said wait.
        if (hadDemand || saidWaiting) {
          hadDemand = false;
          saidWaiting = false;
          await store
            .withdraw(holder)
            .catch((err: unknown) => log.warn({ err }, 'could not withdraw demand'));
        }
        return;
      }
      // A pause this replica asked for holds here at once, before the store has it.
      const localPause = localPauseUntil - timers.now();
      if (localPause > 0) {
        tell();
        schedule(localPause);
        return;
      }
      // One person's waiters of the head's priority ask at once (a window that frees many slots fills in one
      // round trip); a person refused for their share lets the next one ask.
      const asking = batch(refused);
      const first = asking[0];
      if (!first) {
        tell();
        schedule(retryAfterRefusal);
        return;
      }
      const interactive = queue.filter((w) => w.priority === 'interactive');
      const waiting = [...new Set(interactive.map((w) => w.person ?? ''))];
      const count = asking.length;
      const moreInteractive = first.priority === 'interactive' && interactive.length > count;
      let res: TakeResult;
      try {
        res = await store.take({
          holder,
          priority: first.priority,
          person: first.person,
          share,
          waiting,
          count,
          moreInteractive,
          limit,
          windowMs,
          holdMs,
          demandMs,
        });
      } catch (err) {
        // Without the store no replica can know the count: refuse rather than risk the account's limit.
        log.error({ err }, 'the shared rate limit cannot be reached; queued Syncro requests fail');
        const e = new RateLimiterUnavailableError(
          `the shared rate limit store cannot be reached (${err instanceof Error ? err.message : String(err)})`,
          { cause: err },
        );
        for (const w of queue.splice(0)) {
          w.cleanup();
          w.reject(e);
        }
        return;
      }
      view = res.view;
      viewAt = timers.now();
      saidWaiting = waiting.length > 0;
      if (first.priority === 'interactive')
        hadDemand = moreInteractive || !res.granted || res.slotIds.length < count;
      if (!res.granted && res.reason === 'share') {
        refused.add(first.person);
        retryAfterRefusal = Math.min(retryAfterRefusal, res.retryInMs);
        continue;
      }
      if (!res.granted) {
        tell();
        schedule(res.retryInMs);
        return;
      }
      // The slots go to the waiters they were asked for, in queue order (one aborted meanwhile gives its back).
      for (const slotId of res.slotIds) {
        const w = asking.shift();
        const i = w ? queue.indexOf(w) : -1;
        if (!w || i < 0) {
          // Aborted while asking: the slot goes back (it still counts for a window, which is safe).
          void store.release(slotId, windowMs).catch(() => undefined);
          continue;
        }
        queue.splice(i, 1);
        w.cleanup();
        w.resolve(admit(slotId));
      }
      refused.clear();
      retryAfterRefusal = maxSleepMs;
    }
  }

  /** Tells every waiter not yet told how long it will wait (once each). */
  function tell(): void {
    for (const [i, w] of queue.entries()) {
      if (w.told) continue;
      w.told = true;
      const waitMs = estimate(i);
      emit({ type: 'waiting', waitMs, queued: queue.length });
      try {
        w.onWait?.(waitMs);
      } catch {
        // the caller's callback must not stall the queue
      }
    }
  }

  function admit(slotId: string): Release {
    inFlight++;
    admitted++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      inFlight--;
      // The slot's release is recorded in the store; if that fails it expires after holdMs on its own.
      const p = store
        .release(slotId, windowMs)
        .catch((err: unknown) => log.warn({ err }, 'could not release a rate-limit slot; it will expire'))
        .finally(() => {
          pending.delete(p);
          refresh();
        });
      pending.add(p);
    };
  }

  return {
    acquire(aopts?: AcquireOptions): Promise<Release> {
      if (closed) return Promise.reject(new RateLimiterClosedError('rate limiter is closed'));
      const signal = aopts?.signal;
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<Release>((resolve, reject) => {
        const onAbort = () => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          priority: aopts?.priority ?? 'interactive',
          person: aopts?.person,
          onWait: aopts?.onWait,
          told: false,
          resolve,
          reject,
          cleanup: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        enqueueByPriority(queue, waiter);
        refresh();
      });
    },

    pause(ms: number): void {
      if (closed || !(ms > 0)) return;
      const until = timers.now() + ms;
      if (until <= localPauseUntil) return;
      localPauseUntil = until;
      const queued = queue.length;
      // Announced once every replica will see it, so that "paused" means paused everywhere.
      const p = store
        .pause(ms)
        .catch((err: unknown) => log.warn({ err }, 'could not share the pause; it holds this replica only'))
        .finally(() => {
          pending.delete(p);
          emit({ type: 'paused', pauseMs: ms, queued });
        });
      pending.add(p);
    },

    waitingMs(): number {
      return estimate(aheadOf(queue, 'interactive'));
    },

    stats(): RateLimiterStats {
      const c = current();
      return {
        limit,
        windowMs,
        queued: queue.length,
        startedInWindow: c.releasedAgoMs.length,
        inFlight,
        pausedForMs: c.pausedForMs,
        admitted,
      };
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    refresh,

    async idle(): Promise<void> {
      while (looking || pending.size > 0) {
        await Promise.all([looking, ...pending]);
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (wake !== undefined) timers.clearTimeout(wake);
      wake = undefined;
      const err = new RateLimiterClosedError('rate limiter is closed');
      for (const w of queue.splice(0)) {
        w.cleanup();
        w.reject(err);
      }
      await looking?.catch(() => undefined);
      await unwatch?.().catch(() => undefined);
      await store.close();
    },
  };
}
