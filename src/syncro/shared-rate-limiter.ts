import type { Logger } from '../logger.js';
import {
  type AcquireOptions,
  aheadOf,
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
 * anywhere. A replica that dies holding slots cannot block the others: a slot taken and never released expires
 * on its own after `holdMs` (longer than any request can last) + windowMs.
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
      reason: 'window' | 'paused' | 'priority';
      view: SharedWindowView;
    };

export interface TakeRequest {
  holder: string;
  priority: RequestPriority;
  /** Slots wanted at once (the waiters of this priority at the head of the queue); fewer may be granted. */
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
}

export interface SharedRateLimiter extends RateLimiter {
  /** Looks at the store again now (what a notification from another replica does). */
  refresh(): void;
  /** Resolves when no look at the store is in progress (tests). */
  idle(): Promise<void>;
}

interface Waiter {
  priority: RequestPriority;
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

  /** Takes slots for the head of the queue until the store says wait (or the queue is empty). */
  async function look(): Promise<void> {
    while (!closed) {
      const head = queue[0];
      if (!head) {
        if (hadDemand) {
          hadDemand = false;
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
      // Everyone of the head's priority asks at once (a window that frees many slots fills in one round trip).
      const same = queue.filter((w) => w.priority === head.priority).length;
      const count = Math.min(same, limit);
      const moreInteractive = head.priority === 'interactive' && same > count;
      let res: TakeResult;
      try {
        res = await store.take({
          holder,
          priority: head.priority,
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
      if (head.priority === 'interactive')
        hadDemand = moreInteractive || !res.granted || res.slotIds.length < count;
      if (!res.granted) {
        tell();
        schedule(res.retryInMs);
        return;
      }
      // The front of the queue gets the slots (a person who arrived meanwhile is at the front: all the better).
      for (const slotId of res.slotIds) {
        const w = queue.shift();
        if (!w) {
          // Aborted while asking: the slot goes back (it still counts for a window, which is safe).
          void store.release(slotId, windowMs).catch(() => undefined);
          continue;
        }
        w.cleanup();
        w.resolve(admit(slotId));
      }
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
