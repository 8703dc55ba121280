/**
 * The notifier's own share of Syncro's rate limit: at most `perMinute` requests in any rolling 60 s window
 * (`notifications.budget_per_minute`). It sits in front of the shared limiter, where the same requests also queue
 * at background priority, so that a person waiting always goes first and the notifier never spends more than its
 * share. The clock and the wait are injected (tests and the benchmark run on a fake clock).
 */
export interface Budget {
  /** Waits until one more request fits in the window, then counts it. */
  take(): Promise<void>;
  /** Requests counted in the window ending now. */
  used(): number;
  /** Requests that still fit in the window ending now. */
  spare(): number;
  /** Every request time counted (tests check the cap over any window). */
  readonly history: readonly number[];
}

export interface BudgetOptions {
  perMinute: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  windowMs?: number;
}

export function createBudget(opts: BudgetOptions): Budget {
  const windowMs = opts.windowMs ?? 60_000;
  const times: number[] = [];
  const history: number[] = [];
  let queue: Promise<void> = Promise.resolve();
  const prune = (now: number) => {
    while (times.length > 0 && times[0]! <= now - windowMs) times.shift();
  };
  async function takeOne(): Promise<void> {
    for (;;) {
      const now = opts.now();
      prune(now);
      if (times.length < opts.perMinute) {
        times.push(now);
        history.push(now);
        if (history.length > 10_000) history.splice(0, history.length - 10_000);
        return;
      }
      await opts.sleep(times[0]! + windowMs - now);
    }
  }
  return {
    take() {
      // One at a time, in order: concurrent reads of the feed never overspend the window.
      const next = queue.then(takeOne);
      queue = next.catch(() => undefined);
      return next;
    },
    used() {
      prune(opts.now());
      return times.length;
    },
    spare() {
      prune(opts.now());
      return opts.perMinute - times.length;
    },
    history,
  };
}

/** The most requests counted in any window of `windowMs` (for tests and the benchmark). */
export function maxInAnyWindow(times: readonly number[], windowMs = 60_000): number {
  let best = 0;
  let start = 0;
  const sorted = [...times].sort((a, b) => a - b);
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
