import type { LimiterTimers, RateLimiter } from '../../src/syncro/rate-limiter.js';

/**
 * A manual clock for the rate limiter: time moves only when a test calls `advance`, and due timers fire in
 * time order. No real time passes, so tests are instant and deterministic.
 */
export class FakeClock implements LimiterTimers {
  #now = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Number of timers still pending. */
  get pending(): number {
    return this.#timers.size;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, in order. After each timer the
   * promise continuations it released run (at that timer's time), so callers observe the right `now()`.
   */
  async advance(ms: number): Promise<void> {
    await flush(); // continuations released before the call run at the current time
    const end = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers)
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
      await flush();
    }
    this.#now = end;
    await flush();
  }
}

/** Lets resolved promises run their continuations (one macrotask turn; no time passes on the fake clock). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resolves once `n` requests wait in the limiter's queue. */
export const queuedTo = (limiter: Pick<RateLimiter, 'stats' | 'subscribe'>, n: number) =>
  new Promise<void>((resolve) => {
    if (limiter.stats().queued >= n) return resolve();
    const off = limiter.subscribe(() => {
      if (limiter.stats().queued >= n) {
        off();
        resolve();
      }
    });
  });
