/**
 * The account-wide gate in front of Syncro. Syncro limits requests per IP address (180 per minute, every key
 * together), so ONE limiter is shared by every person's key: a rolling window, a queue, and a pause that
 * holds the whole queue when any request gets a 429. The queue is FIFO within a priority, and `interactive`
 * requests (a person is waiting) go ahead of `background` ones (sweeps, read-backs nobody watches).
 * This is the in-process limiter (one process, SQLite); replicas on PostgreSQL share one through
 * shared-rate-limiter.ts, with the same interface and the same invariant.
 *
 * A person's share: a request says whom it is for (`person`, the Slack user). Once a person has `personShare`
 * requests in the window (default a third of the limit), their next request waits while someone else with less
 * than their own share waits, whatever the order of arrival: one person's runaway loop or script cannot hold
 * the queue against everyone else. Even alone, one person never holds more than `limit - personShare` requests
 * in the window: that headroom lets someone arriving after a burst start at once. Both limiters apply the same
 * rule (`personRoom`); requests for nobody in particular (background work) have no share and no cap.
 *
 * Invariant: in any interval of `windowMs`, at most `limit` requests start (a request starts when `acquire()`
 * resolves). Stronger, so that it also holds as Syncro counts (on arrival, which is somewhere between our
 * start and the answer): a request occupies its slot until `release()` is called, and the window is measured
 * from the release. A request still in flight always counts. The clock and timers are injectable.
 */

import { AppError } from '../errors.js';

/** The clock and timer functions the limiter uses; tests pass a fake. */
export interface LimiterTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RateLimiterOptions {
  /** Most request starts in any window. */
  limit: number;
  /** Rolling window length; Syncro's is 60 000 ms. */
  windowMs: number;
  timers?: LimiterTimers;
  /** Requests one person may have in the window while others wait (default `defaultPersonShare(limit)`). */
  personShare?: number;
}

/** A third of the limit (at least 1): what one person may use while someone else waits. */
export function defaultPersonShare(limit: number): number {
  return Math.max(1, Math.floor(limit / 3));
}

export interface RateLimiterStats {
  limit: number;
  windowMs: number;
  /** Requests waiting for a slot. */
  queued: number;
  /** Requests counted in the current rolling window (in flight, or released less than windowMs ago). */
  startedInWindow: number;
  /** Requests admitted and not yet released. */
  inFlight: number;
  /** Remaining pause after a 429, 0 when not paused. */
  pausedForMs: number;
  /** Requests admitted since creation. */
  admitted: number;
}

/** Emitted when a request has to wait (queue full or paused) and when a 429 pauses the queue. */
export type RateLimiterEvent =
  | { type: 'waiting'; waitMs: number; queued: number }
  | { type: 'paused'; pauseMs: number; queued: number };

/** Who is waiting for a request: a person (`interactive`, first) or nobody in particular (`background`). */
export type RequestPriority = 'interactive' | 'background';

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Default `interactive`. A queued interactive request starts before any queued background one. */
  priority?: RequestPriority;
  /** Called once, with the estimated wait, when this request cannot start at once. */
  onWait?: (waitMs: number) => void;
  /** Whom the request is for (a Slack user id): their share of the limit applies. */
  person?: string | undefined;
}

/** Ends a request's occupation of its slot (idempotent); its slot leaves the window windowMs later. */
export type Release = () => void;

export interface RateLimiter {
  /**
   * Resolves when the caller may start one request (FIFO within its priority); call the returned release when
   * it has finished.
   */
  acquire(opts?: AcquireOptions): Promise<Release>;
  /** Holds the whole queue for `ms` (extends, never shortens, a current pause). */
  pause(ms: number): void;
  /** Estimated wait for an interactive request that would be queued now (0 when it could start at once). */
  waitingMs(): number;
  stats(): RateLimiterStats;
  /** Subscribes to waiting/paused events; returns the unsubscribe function. */
  subscribe(listener: (event: RateLimiterEvent) => void): () => void;
  /** Rejects every queued request and stops the timer (a shared limiter also ends its connections). */
  close(): void | Promise<void>;
}

/** Thrown to queued callers when the limiter is closed or their signal aborts. */
export class RateLimiterClosedError extends AppError {
  readonly code = 'RATE_LIMITER_CLOSED';
}

/**
 * A shared limiter whose store (PostgreSQL, Redis) cannot be reached: the request was not admitted, so nothing
 * was sent to Syncro.
 */
export class RateLimiterUnavailableError extends AppError {
  readonly code = 'RATE_LIMITER_UNAVAILABLE';
}

export const realTimers: LimiterTimers = {
  // Monotonic, and the same clock setTimeout uses: Date.now() can step and make a timer fire "early".
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Waiter {
  priority: RequestPriority;
  person: string | undefined;
  resolve(release: Release): void;
  reject(err: unknown): void;
  cleanup(): void;
}

/**
 * Queues `waiter` behind every waiter of its own priority or a higher one (interactive before background,
 * FIFO within each). Returns its position.
 */
export function enqueueByPriority<W extends { priority: RequestPriority }>(queue: W[], waiter: W): number {
  if (waiter.priority === 'background') return queue.push(waiter) - 1;
  const firstBackground = queue.findIndex((w) => w.priority === 'background');
  const at = firstBackground === -1 ? queue.length : firstBackground;
  queue.splice(at, 0, waiter);
  return at;
}

/**
 * How many queued waiters start before a newcomer of `priority`. With `over` (is this person over their share?):
 * a newcomer within their share waits only for the interactive waiters within theirs; one over it, for all.
 */
export function aheadOf(
  queue: ReadonlyArray<{ priority: RequestPriority; person?: string | undefined }>,
  priority: RequestPriority,
  newcomer?: { person: string | undefined; over: (person: string | undefined) => boolean },
): number {
  if (priority === 'background') return queue.length;
  const interactive = queue.filter((w) => w.priority === 'interactive');
  if (!newcomer || newcomer.over(newcomer.person)) return interactive.length;
  return interactive.filter((w) => !newcomer.over(w.person)).length;
}

/**
 * The share rule, shared by both limiters: a person who already has `share` requests in the window waits while
 * someone else waits who is within their own share (or a request for nobody in particular). True when such
 * a someone is among `waiting` (the people of the interactive waiters, undefined for nobody in particular).
 */
export function othersWithinShare(
  person: string | undefined,
  used: (person: string) => number,
  share: number,
  waiting: Iterable<string | undefined>,
): boolean {
  for (const other of waiting) {
    if (other === person) continue;
    if (other === undefined || used(other) < share) return true;
  }
  return false;
}

/** The most one person may hold in the window, even alone: the limit less one share (headroom for a newcomer). */
export function personCap(limit: number, share: number): number {
  return Math.max(1, limit - share);
}

/**
 * The share rule, shared by both limiters: how many more requests `person` may start now, by their share alone
 * (the window's limit aside). At most `personCap` in the window; while someone else within their own share waits
 * (`othersWithinShare`), at most `share`. Infinity for a request for nobody in particular.
 */
export function personRoom(
  person: string | undefined,
  used: (person: string) => number,
  limit: number,
  share: number,
  waiting: Iterable<string | undefined>,
): number {
  if (person === undefined) return Number.POSITIVE_INFINITY;
  const cap = personCap(limit, share);
  const most = othersWithinShare(person, used, share, waiting) ? Math.min(share, cap) : cap;
  return Math.max(0, most - used(person));
}

/**
 * How long from now until a request with `ahead` requests queued before it starts: replays the queue ahead
 * (plus the newcomer) against the window, assuming requests in flight finish now (`releasedAgoMs` 0) and
 * newcomers finish as they start (an optimistic estimate). Pure; shared by both limiters.
 */
export function estimateStartMs(p: {
  /** Per slot in the window: how long ago it was released (0 for one still in flight). */
  releasedAgoMs: number[];
  limit: number;
  windowMs: number;
  pausedForMs: number;
  ahead: number;
}): number {
  // Times relative to now; known ends are <= 0 <= every replayed start, so the array stays sorted as it grows.
  const virtual = p.releasedAgoMs.map((ago) => -Math.max(0, ago)).sort((a, b) => a - b);
  let t = 0;
  for (let i = 0; i < p.ahead + 1; i++) {
    t = Math.max(t, p.pausedForMs);
    if (virtual.length >= p.limit)
      t = Math.max(t, (virtual[virtual.length - p.limit] as number) + p.windowMs);
    virtual.push(t);
  }
  return Math.max(0, t);
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const { limit, windowMs } = opts;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`rate limiter: limit must be a positive integer`);
  if (!(windowMs > 0)) throw new RangeError(`rate limiter: windowMs must be positive`);
  const timers = opts.timers ?? realTimers;
  const share = opts.personShare ?? defaultPersonShare(limit);

  /** Slots inside the current window, in admission order; `end` is Infinity while in flight. */
  let slots: Array<{ end: number; person: string | undefined }> = [];
  /** Requests per person among `slots`. */
  const usage = new Map<string, number>();
  const queue: Waiter[] = [];
  const listeners = new Set<(e: RateLimiterEvent) => void>();
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let timer: { handle: unknown; at: number } | null = null;
  let admitted = 0;
  let closed = false;

  function emit(event: RateLimiterEvent): void {
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // NOTE: a listener's failure must not stall the queue; listeners report their own errors.
      }
    }
  }

  function prune(now: number): void {
    if (!slots.some((s) => s.end <= now - windowMs)) return;
    const kept: typeof slots = [];
    for (const s of slots) {
      if (s.end > now - windowMs) kept.push(s);
      else if (s.person !== undefined) {
        const n = (usage.get(s.person) ?? 1) - 1;
        if (n > 0) usage.set(s.person, n);
        else usage.delete(s.person);
      }
    }
    slots = kept;
  }

  /** The moment the (n+1)-th oldest-ending slot leaves the window; Infinity if it is still in flight. */
  function freeAt(ends: number[], excess: number): number {
    const sorted = ends.slice().sort((a, b) => a - b);
    return (sorted[excess] as number) + windowMs;
  }

  /** The earliest time the next request may start; Infinity when only a release can free a slot. */
  function nextSlotAt(now: number): number {
    prune(now);
    let at = Math.max(now, pausedUntil);
    if (slots.length >= limit)
      at = Math.max(
        at,
        freeAt(
          slots.map((s) => s.end),
          slots.length - limit,
        ),
      );
    return at;
  }

  /** Requests of `person` in the window (call after prune). */
  function usedBy(person: string): number {
    return usage.get(person) ?? 0;
  }

  function over(person: string | undefined): boolean {
    return person !== undefined && usedBy(person) >= share;
  }

  /** How many more requests `person` may start now (personRoom, with the people waiting here). */
  function roomOf(person: string | undefined): number {
    const waiting = queue.filter((w) => w.priority === 'interactive').map((w) => w.person);
    return personRoom(person, usedBy, limit, share, waiting);
  }

  /**
   * The waiter to start next: the first interactive one within their share; when there is none, nobody within
   * theirs waits (othersWithinShare is false for everyone), so the first in order (FIFO, people before
   * background) whose person is below their cap. -1 when every waiter's person is at their cap.
   */
  function next(): number {
    for (const [i, w] of queue.entries()) {
      if (w.priority !== 'interactive') break;
      if (!over(w.person)) return i;
    }
    return queue.findIndex((w) => roomOf(w.person) > 0);
  }

  /** When the first slot of a waiting person at their cap leaves the window; Infinity if only a release can. */
  function capFreesAt(): number {
    const people = new Set(queue.map((w) => w.person));
    let at = Number.POSITIVE_INFINITY;
    for (const s of slots) if (people.has(s.person)) at = Math.min(at, s.end + windowMs);
    return at;
  }

  function admit(person: string | undefined): Release {
    const slot = { end: Number.POSITIVE_INFINITY, person };
    slots.push(slot);
    if (person !== undefined) usage.set(person, usedBy(person) + 1);
    admitted++;
    return () => {
      if (slot.end !== Number.POSITIVE_INFINITY) return;
      slot.end = timers.now();
      drain();
    };
  }

  function schedule(at: number, now: number): void {
    if (timer && timer.at <= at) return;
    if (timer) timers.clearTimeout(timer.handle);
    // At least 1 ms, so a timer that fires a hair early cannot spin.
    const handle = timers.setTimeout(
      () => {
        timer = null;
        drain();
      },
      Math.max(1, Math.ceil(at - now)),
    );
    timer = { handle, at };
  }

  function drain(): void {
    if (closed) return;
    const now = timers.now();
    while (queue.length > 0) {
      const at = nextSlotAt(now);
      if (at > now) {
        if (at !== Number.POSITIVE_INFINITY) schedule(at, now); // else a release() will drain
        return;
      }
      const i = next();
      if (i === -1) {
        const free = capFreesAt();
        if (free !== Number.POSITIVE_INFINITY) schedule(free, now); // else a release() will drain
        return;
      }
      const [w] = queue.splice(i, 1) as [Waiter];
      w.cleanup();
      w.resolve(admit(w.person));
    }
  }

  /** When a request with `ahead` requests queued before it would start, from now. */
  function estimateWait(ahead: number): number {
    const now = timers.now();
    prune(now);
    return estimateStartMs({
      releasedAgoMs: slots.map((s) => now - Math.min(s.end, now)),
      limit,
      windowMs,
      pausedForMs: pausedUntil - now,
      ahead,
    });
  }

  return {
    acquire(aopts?: AcquireOptions): Promise<Release> {
      if (closed) return Promise.reject(new RateLimiterClosedError('rate limiter is closed'));
      const signal = aopts?.signal;
      if (signal?.aborted) return Promise.reject(signal.reason);
      const now = timers.now();
      const priority = aopts?.priority ?? 'interactive';
      const person = aopts?.person;
      if (queue.length === 0 && nextSlotAt(now) <= now && roomOf(person) > 0)
        return Promise.resolve(admit(person));
      prune(now);
      const waitMs = estimateWait(aheadOf(queue, priority, { person, over }));
      return new Promise<Release>((resolve, reject) => {
        const onAbort = () => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(signal?.reason);
          drain();
        };
        const waiter: Waiter = {
          priority,
          person,
          resolve,
          reject,
          cleanup: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        enqueueByPriority(queue, waiter);
        emit({ type: 'waiting', waitMs, queued: queue.length });
        aopts?.onWait?.(waitMs);
        drain();
      });
    },

    pause(ms: number): void {
      if (closed || !(ms > 0)) return;
      const now = timers.now();
      const until = now + ms;
      if (until <= pausedUntil) return;
      pausedUntil = until;
      // The current timer may be due before the pause ends: reschedule to the end of the pause.
      if (timer) {
        timers.clearTimeout(timer.handle);
        timer = null;
      }
      emit({ type: 'paused', pauseMs: ms, queued: queue.length });
      drain();
    },

    waitingMs(): number {
      // Asked before every command: when a request could start now, skip replaying the whole window.
      const now = timers.now();
      if (queue.length === 0 && nextSlotAt(now) <= now) return 0;
      return estimateWait(aheadOf(queue, 'interactive'));
    },

    stats(): RateLimiterStats {
      const now = timers.now();
      prune(now);
      return {
        limit,
        windowMs,
        queued: queue.length,
        startedInWindow: slots.length,
        inFlight: slots.filter((s) => s.end === Number.POSITIVE_INFINITY).length,
        pausedForMs: Math.max(0, pausedUntil - now),
        admitted,
      };
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close(): void {
      if (closed) return;
      closed = true;
      if (timer) timers.clearTimeout(timer.handle);
      timer = null;
      const err = new RateLimiterClosedError('rate limiter is closed');
      for (const w of queue.splice(0)) {
        w.cleanup();
        w.reject(err);
      }
    },
  };
}
