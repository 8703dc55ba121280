import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AcquireOptions,
  createRateLimiter,
  type RateLimiter,
  RateLimiterClosedError,
  type RateLimiterEvent,
} from '../../src/syncro/rate-limiter.js';
import { FakeClock, flush } from './fake-clock.js';

/** A request that finishes the moment it starts: its slot is counted from its start. */
const instant = (limiter: RateLimiter, opts?: AcquireOptions) =>
  limiter.acquire(opts).then((release) => release());

/** The most admissions inside any half-open window [t, t + windowMs). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('createRateLimiter', () => {
  it('should start at most `limit` requests per window and the rest as soon as the window rolls', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 3, windowMs: 1000, timers: clock });
    const started: Array<{ i: number; at: number }> = [];
    for (let i = 0; i < 8; i++) void instant(limiter).then(() => started.push({ i, at: clock.now() }));
    await flush();
    expect(started.map((s) => s.i)).toEqual([0, 1, 2]);
    expect(limiter.stats()).toMatchObject({ queued: 5, startedInWindow: 3 });

    await clock.advance(999);
    await flush();
    expect(started).toHaveLength(3);

    await clock.advance(1);
    await flush();
    expect(started.map((s) => s.i)).toEqual([0, 1, 2, 3, 4, 5]);

    await clock.advance(1000);
    await flush();
    expect(started.map((s) => s.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(started.map((s) => s.at)).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000]);
    expect(limiter.stats().queued).toBe(0);
  });

  it('should keep a rolling window, not fixed buckets, when requests arrive spread out', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 2, windowMs: 1000, timers: clock });
    const at: number[] = [];
    const go = () => void instant(limiter).then(() => at.push(clock.now()));
    go(); // t=0
    await flush();
    await clock.advance(600);
    go(); // t=600
    go(); // must wait for the t=0 start to leave the window: t=1000
    go(); // then for the t=600 start: t=1600
    await flush();
    await clock.advance(2000);
    await flush();
    expect(at).toEqual([0, 600, 1000, 1600]);
  });

  it('should count a request until its answer arrives, then for a whole window after it', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, timers: clock });
    const release = await limiter.acquire();
    let second = -1;
    void instant(limiter).then(() => {
      second = clock.now();
    });
    await clock.advance(5000); // a slow answer: Syncro may have counted it as late as its end
    expect(second).toBe(-1);
    expect(limiter.stats()).toMatchObject({ inFlight: 1, queued: 1 });
    release();
    release(); // idempotent
    await clock.advance(999);
    expect(second).toBe(-1);
    await clock.advance(1);
    expect(second).toBe(6000);
  });

  it('should admit callers in FIFO order', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 100, timers: clock });
    const order: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) void instant(limiter).then(() => order.push(name));
    for (let i = 0; i < 5; i++) {
      await clock.advance(100);
      await flush();
    }
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('should hold the whole queue during pause() even when the window has room', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 10, windowMs: 1000, timers: clock });
    const events: RateLimiterEvent[] = [];
    limiter.subscribe((e) => events.push(e));
    await instant(limiter);
    limiter.pause(5000); // a 429 with Retry-After: 5
    const started: number[] = [];
    for (let i = 0; i < 3; i++) void instant(limiter).then(() => started.push(clock.now()));
    await flush();
    expect(started).toEqual([]);
    expect(limiter.stats().pausedForMs).toBe(5000);
    expect(limiter.waitingMs()).toBe(5000);

    limiter.pause(1000); // a shorter pause never shortens the current one
    await clock.advance(4999);
    await flush();
    expect(started).toEqual([]);

    await clock.advance(1);
    await flush();
    expect(started).toEqual([5000, 5000, 5000]);
    expect(events[0]).toEqual({ type: 'paused', pauseMs: 5000, queued: 0 });
    expect(events.filter((e) => e.type === 'waiting')).toHaveLength(3);
  });

  it('should tell a waiting caller its estimated wait through onWait and the waiting event', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 2, windowMs: 60_000, timers: clock });
    const waits: number[] = [];
    await instant(limiter, { onWait: (ms) => waits.push(ms) });
    await clock.advance(10_000);
    await instant(limiter, { onWait: (ms) => waits.push(ms) });
    expect(waits).toEqual([]); // both started at once
    expect(limiter.waitingMs()).toBe(50_000); // the t=0 start leaves the window at 60 s

    const third = instant(limiter, { onWait: (ms) => waits.push(ms) });
    const fourth = instant(limiter, { onWait: (ms) => waits.push(ms) });
    expect(waits).toEqual([50_000, 60_000]);
    expect(limiter.waitingMs()).toBe(110_000); // the next one needs the third's start to leave the window
    await clock.advance(60_000);
    await Promise.all([third, fourth]);
  });

  it('should drop an aborted caller from the queue without disturbing the others', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 100, timers: clock });
    await instant(limiter);
    const ac = new AbortController();
    const aborted = instant(limiter, { signal: ac.signal });
    const next = instant(limiter);
    ac.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(limiter.stats().queued).toBe(1);
    await clock.advance(100);
    await next;
    expect(limiter.stats().admitted).toBe(2);
  });

  it('should reject queued callers on close()', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 100, timers: clock });
    await instant(limiter);
    const queued = instant(limiter);
    limiter.close();
    await expect(queued).rejects.toBeInstanceOf(RateLimiterClosedError);
    await expect(instant(limiter)).rejects.toBeInstanceOf(RateLimiterClosedError);
    expect(clock.pending).toBe(0);
  });

  it('should never exceed the limit in any window, stay FIFO and leave no slot unused (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 10, max: 500 }),
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 300 }),
            pauseMs: fc.option(fc.integer({ min: 1, max: 800 })),
          }),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        async (limit, windowMs, arrivals) => {
          const clock = new FakeClock();
          const limiter = createRateLimiter({ limit, windowMs, timers: clock });
          const admitted: Array<{ i: number; at: number }> = [];
          const arrivedAt: number[] = [];
          const pauses: Array<{ from: number; to: number; admittedBefore: number }> = [];
          for (const [i, a] of arrivals.entries()) {
            await clock.advance(a.gap);
            await flush();
            if (a.pauseMs !== null) {
              limiter.pause(a.pauseMs);
              pauses.push({
                from: clock.now(),
                to: clock.now() + a.pauseMs,
                admittedBefore: limiter.stats().admitted,
              });
            }
            arrivedAt.push(clock.now());
            void instant(limiter).then(() => admitted.push({ i, at: clock.now() }));
          }
          for (let k = 0; k < arrivals.length + 2; k++) {
            await clock.advance(windowMs + 800);
            await flush();
          }
          expect(admitted).toHaveLength(arrivals.length);
          expect(admitted.map((a) => a.i)).toEqual(arrivals.map((_, i) => i));
          expect(
            maxInAnyWindow(
              admitted.map((a) => a.at),
              windowMs,
            ),
          ).toBeLessThanOrEqual(limit);
          // Nothing admitted after a pause() call starts before that pause ends.
          for (const [k, a] of admitted.entries()) {
            expect(pauses.some((p) => k >= p.admittedBefore && a.at < p.to)).toBe(false);
          }
          // Work-conserving: each request starts at the earliest moment the window, the FIFO order and the
          // pauses allow, never later.
          for (const [k, a] of admitted.entries()) {
            const earliest = Math.max(
              arrivedAt[k] as number,
              k > 0 ? (admitted[k - 1] as { at: number }).at : 0,
              k >= limit ? (admitted[k - limit] as { at: number }).at + windowMs : 0,
              ...pauses.filter((p) => p.admittedBefore <= k).map((p) => p.to),
            );
            expect(a.at).toBe(earliest);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('createRateLimiter priorities', () => {
  it('should start a queued interactive request before a background one queued earlier', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, timers: clock });
    await instant(limiter); // the window is full until t=1000
    const order: string[] = [];
    const go = (name: string, priority: 'interactive' | 'background') =>
      void instant(limiter, { priority }).then(() => order.push(name));
    go('sweep-1', 'background');
    go('sweep-2', 'background');
    go('person-1', 'interactive');
    go('person-2', 'interactive');
    await flush();
    for (let i = 0; i < 4; i++) await clock.advance(1000);
    expect(order).toEqual(['person-1', 'person-2', 'sweep-1', 'sweep-2']);
  });

  it('should estimate a person’s wait without counting the background requests queued before them', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, timers: clock });
    await instant(limiter);
    const waits: Record<string, number> = {};
    const bg = instant(limiter, { priority: 'background', onWait: (ms) => (waits.bg = ms) });
    const bg2 = instant(limiter, { priority: 'background', onWait: (ms) => (waits.bg2 = ms) });
    expect(limiter.waitingMs()).toBe(1000); // what a person would wait now: only the window
    const person = instant(limiter, { onWait: (ms) => (waits.person = ms) });
    expect(waits).toEqual({ bg: 1000, bg2: 2000, person: 1000 });
    for (let i = 0; i < 3; i++) await clock.advance(1000);
    await Promise.all([bg, bg2, person]);
  });

  it('should keep a background request waiting through a pause like any other', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 5, windowMs: 1000, timers: clock });
    limiter.pause(3000);
    let at = -1;
    void instant(limiter, { priority: 'background' }).then(() => {
      at = clock.now();
    });
    await clock.advance(2999);
    expect(at).toBe(-1);
    await clock.advance(1);
    expect(at).toBe(3000);
  });
});

describe('createRateLimiter: a person’s share', () => {
  /** Requests of `who` (named who-1, who-2…), each finishing as it starts, noted in `order` with the time. */
  function burst(limiter: RateLimiter, clock: FakeClock, order: string[], who: string, n: number) {
    return Array.from({ length: n }, (_, i) =>
      instant(limiter, { person: who }).then(() => order.push(`${who}-${i + 1}@${clock.now()}`)),
    );
  }

  it('should keep headroom even for one person alone (limit less a share), so a newcomer starts at once', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 6, windowMs: 1000, timers: clock });
    const order: string[] = [];
    const all = burst(limiter, clock, order, 'U0SCRIPT', 8);
    await flush();
    // Alone, the script holds at most 6 - 2 = 4 of the window.
    expect(order).toEqual(['U0SCRIPT-1@0', 'U0SCRIPT-2@0', 'U0SCRIPT-3@0', 'U0SCRIPT-4@0']);
    await clock.advance(10);
    // Someone arriving after the burst starts at once, not after the window.
    const dana = instant(limiter, { person: 'U0DANA' }).then(() => order.push(`U0DANA@${clock.now()}`));
    await flush();
    expect(order.at(-1)).toBe('U0DANA@10');
    await clock.advance(990);
    await Promise.all([...all, dana]);
    expect(order.slice(5)).toEqual([
      'U0SCRIPT-5@1000',
      'U0SCRIPT-6@1000',
      'U0SCRIPT-7@1000',
      'U0SCRIPT-8@1000',
    ]);
  });

  it('should not hold background work (nobody in particular) to a person’s cap', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 6, windowMs: 1000, timers: clock });
    let started = 0;
    const all = Array.from({ length: 6 }, () =>
      instant(limiter, { priority: 'background' }).then(() => {
        started++;
      }),
    );
    await flush();
    expect(started).toBe(6);
    await Promise.all(all);
  });

  it('should start someone else’s requests before a person’s queue once that person has a third of the window', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 6, windowMs: 1000, timers: clock });
    const order: string[] = [];
    // A runaway script: takes its cap (4 of 6), then queues 8 more.
    const script = burst(limiter, clock, order, 'U0SCRIPT', 12);
    await flush();
    await clock.advance(10);
    // Two people arrive after the script's queue: the headroom lets Dana start at once.
    const dana = burst(limiter, clock, order, 'U0DANA', 2);
    const pat = burst(limiter, clock, order, 'U0PAT', 2);
    await flush();
    expect(order.slice(4)).toEqual(['U0DANA-1@10', 'U0DANA-2@10']);
    const howard = instant(limiter, { person: 'U0HOWARD' }).then(() => order.push(`U0HOWARD@${clock.now()}`));
    await clock.advance(990);
    await flush();
    // At t=1000 the script's slots leave: it gets its share (2 of 6) while Pat and Howard wait, then Pat, FIFO.
    expect(order.slice(6)).toEqual(['U0SCRIPT-5@1000', 'U0SCRIPT-6@1000', 'U0PAT-1@1000', 'U0PAT-2@1000']);
    await clock.advance(3000);
    await Promise.all([...script, ...dana, ...pat, howard]);
    // Howard goes ahead of the rest of the script's queue; the script alone then keeps to its cap.
    expect(order.slice(10, 12)).toEqual(['U0HOWARD@1010', 'U0SCRIPT-7@1010']);
    expect(order).toHaveLength(17);
  });
});

describe('createRateLimiter: shares (property)', () => {
  it('should keep the limit, start everyone, and never start a person beyond their share ahead of someone within theirs, nor beyond their cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 300 }), who: fc.constantFrom('a', 'b', 'c') }), {
          minLength: 1,
          maxLength: 50,
        }),
        async (limit, arrivals) => {
          const windowMs = 1000;
          const share = Math.max(1, Math.floor(limit / 3));
          const clock = new FakeClock();
          const limiter = createRateLimiter({ limit, windowMs, timers: clock });
          const started: Array<{ who: string; at: number }> = [];
          const waiting = new Map<string, number>();
          const violations: string[] = [];
          for (const a of arrivals) {
            await clock.advance(a.gap);
            waiting.set(a.who, (waiting.get(a.who) ?? 0) + 1);
            void instant(limiter, { person: a.who }).then(() => {
              const at = clock.now();
              const used = (p: string) => started.filter((s) => s.who === p && s.at > at - windowMs).length;
              waiting.set(a.who, (waiting.get(a.who) ?? 1) - 1);
              const others = [...waiting].filter(([p, n]) => p !== a.who && n > 0).map(([p]) => p);
              // Started beyond the share while someone within theirs was still waiting.
              if (used(a.who) >= share && others.some((p) => used(p) < share))
                violations.push(`${a.who}@${at}`);
              // Beyond the cap (limit less a share), even alone.
              if (used(a.who) >= Math.max(1, limit - share)) violations.push(`${a.who}@${at} cap`);
              started.push({ who: a.who, at });
            });
          }
          for (let k = 0; k < arrivals.length + 2; k++) await clock.advance(windowMs);
          expect(started).toHaveLength(arrivals.length);
          expect(
            maxInAnyWindow(
              started.map((s) => s.at),
              windowMs,
            ),
          ).toBeLessThanOrEqual(limit);
          expect(violations).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
