import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commentStep } from '../../src/actions/kinds/comment.js';
import { reconcileStep } from '../../src/actions/reconcile.js';
import type { SyncroHttpClient } from '../../src/syncro/client.js';
import { SyncroRateLimitedError } from '../../src/syncro/errors.js';
import { actingFor, withRequestPriority } from '../../src/syncro/priority.js';
import { createRateLimiter } from '../../src/syncro/rate-limiter.js';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import { FakeClock, queuedTo } from './fake-clock.js';
import { KEY, simClient, thrown } from './helpers.js';

/**
 * The priority of a request (a person waiting goes first) and the cap on Retry-After, through the client:
 * what the executor's sweep and every person's command rely on.
 */

let sim: FaultySimulator;
let client: SyncroHttpClient | undefined;

beforeAll(async () => {
  sim = await startFaultySimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());
afterEach(async () => {
  await client?.close();
  client = undefined;
});

const ticketId = () => sim.state.ticketByNumber(32150)?.id as number;

describe('Syncro client priorities', () => {
  it('should send a person’s request before a background one that was queued first', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, timers: clock });
    client = simClient(sim, { limiter });
    await client.as(KEY).me(); // the window is full until t=1000
    const background = client.as(KEY, { priority: 'background' }).listTimers({ ticketId: ticketId() });
    await queuedTo(limiter, 1);
    const person = client.as(KEY).getTicket(ticketId());
    await queuedTo(limiter, 2);
    await clock.advance(1000);
    await person;
    await clock.advance(1000);
    await background;
    expect(sim.requests.map((r) => r.path)).toEqual(['/me', `/tickets/${ticketId()}`, '/ticket_timers']);
  });

  it('should queue every request made inside withRequestPriority("background") as background', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, timers: clock });
    client = simClient(sim, { limiter });
    const api = client.as(KEY); // made for a person, used by a sweep
    await api.me();
    const sweep = withRequestPriority('background', async () => {
      await Promise.resolve(); // the priority follows the sweep's own awaits
      return api.listTimers({ ticketId: ticketId() });
    });
    await queuedTo(limiter, 1);
    const person = api.getTicket(ticketId());
    await queuedTo(limiter, 2);
    await clock.advance(1000);
    await person;
    await clock.advance(1000);
    await sweep;
    expect(sim.requests.map((r) => r.path)).toEqual(['/me', `/tickets/${ticketId()}`, '/ticket_timers']);
  });
});

describe('a person’s share of the rate limit, through the client', () => {
  it('should count each request for the person it is made for, even on one shared key', async () => {
    const clock = new FakeClock();
    // Limit 3: one person's share is 1 while someone else waits, and their cap 2 even alone.
    const limiter = createRateLimiter({ limit: 3, windowMs: 1000, timers: clock });
    client = simClient(sim, { limiter });
    const script = actingFor(client.as(KEY), 'U0SCRIPT');
    const dana = actingFor(client.as(KEY), 'U0DANA');
    // The script takes its cap, then queues three more; Dana, asking after them, starts at once (the headroom),
    // which she could not if her request were counted for the script.
    await Promise.all(Array.from({ length: 2 }, () => script.getTicket(ticketId())));
    const more = Array.from({ length: 3 }, () => script.getTicket(ticketId()));
    await queuedTo(limiter, 3);
    await dana.listTimers({ ticketId: ticketId() });
    await clock.advance(1000);
    // The script alone again: up to its cap in each window.
    await Promise.all([more[0], more[1]]);
    await clock.advance(1000);
    await more[2];
    const t = `/tickets/${ticketId()}`;
    expect(sim.requests.map((r) => r.path)).toEqual([t, t, '/ticket_timers', t, t, t]);
  });
});

describe('read-backs nobody watches', () => {
  it("should read a comment's read-back pages in a sweep at background priority, behind a person", async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, timers: clock });
    client = simClient(sim, { limiter });
    const api = client.as(KEY);
    await api.me();
    const step = commentStep(ticketId(), { subject: 'Update', body: 'Rebooted', visibility: 'private_note' });
    const sweep = withRequestPriority('background', () =>
      reconcileStep(api, { ...step, status: 'unknown', sentAt: Date.now() }, [step], Date.now()),
    );
    await queuedTo(limiter, 1);
    const person = api.getTicket(ticketId());
    await queuedTo(limiter, 2);
    await clock.advance(1000);
    await person;
    await clock.advance(1000);
    expect(await sweep).toMatchObject({ found: false, outcome: { code: 'absent' } });
    expect(sim.requests.map((r) => r.path)).toEqual([
      '/me',
      `/tickets/${ticketId()}`,
      `/tickets/${ticketId()}/comments`,
    ]);
  });
});

describe('Retry-After cap', () => {
  it('should pause everything for the cap only and not resend a request told to wait longer', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 100, windowMs: 1000, timers: clock });
    client = simClient(sim, { limiter, retryAfterCapMs: 300_000 });
    sim.injectFault({
      method: 'GET',
      path: '/me',
      mode: 'status_429',
      when: 'before_commit',
      retryAfterSeconds: 3600,
    });
    const err = await thrown(() => client!.as(KEY).me());
    expect(err).toBeInstanceOf(SyncroRateLimitedError);
    expect((err as SyncroRateLimitedError).retryAfterMs).toBe(3_600_000); // the wait Syncro asked for
    expect(sim.requests).toHaveLength(1);
    expect(limiter.stats().pausedForMs).toBe(300_000);
    expect(limiter.waitingMs()).toBe(300_000);
  });

  it('should wait a Retry-After within the cap and then send the write once more', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 100, windowMs: 1000, timers: clock });
    client = simClient(sim, { limiter, retryAfterCapMs: 300_000 });
    sim.injectFault({
      method: 'POST',
      path: `/tickets/${ticketId()}/comment`,
      mode: 'status_429',
      when: 'before_commit',
      retryAfterSeconds: 150,
    });
    const waits: number[] = [];
    const posted = client.as(KEY, { onRateLimitWait: (ms) => waits.push(ms) }).addComment(ticketId(), {
      subject: 'Update',
      body: 'after the pause',
      hidden: true,
      do_not_email: true,
    });
    await queuedTo(limiter, 1);
    expect(waits).toEqual([150_000]);
    await clock.advance(149_999);
    expect(sim.requests).toHaveLength(1);
    await clock.advance(1);
    expect((await posted).body).toBe('after the pause');
    expect(sim.requests).toHaveLength(2);
  });
});
