import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SyncroApi } from '../../src/syncro/api.js';
import type { SyncroHttpClient } from '../../src/syncro/client.js';
import {
  SyncroNetworkError,
  SyncroNotFoundError,
  SyncroRateLimitedError,
  SyncroSchemaMismatchError,
  SyncroUnauthorizedError,
  SyncroValidationError,
  SyncroWriteOutcomeUnknownError,
  type UnknownOutcomeReason,
} from '../../src/syncro/errors.js';
import { createRateLimiter, type RateLimiterEvent } from '../../src/syncro/rate-limiter.js';
import { type FaultMode, type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import { FakeClock } from './fake-clock.js';
import { KEY, simClient, thrown } from './helpers.js';

let sim: FaultySimulator;
let client: SyncroHttpClient | undefined;

beforeAll(async () => {
  sim = await startFaultySimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});
afterEach(async () => {
  sim.releaseHangs();
  await client?.close();
  client = undefined;
});

/** The demo ticket every write works on. */
function demoTicket() {
  const t = sim.state.ticketByNumber(32150);
  if (!t) throw new Error('demo ticket #32150 missing from the simulator seed');
  return t;
}

interface WriteCase {
  name: string;
  method: 'POST' | 'PUT';
  path(): string;
  run(api: SyncroApi): Promise<unknown>;
  /** The answer's wrapper key; undefined for endpoints that answer flat. */
  wrapper?: string;
  /** Whether the write is in the simulator's state. */
  landed(): boolean;
}

const nextStatus = () => (demoTicket().status === 'Scheduled' ? 'Waiting on Vendor' : 'Scheduled');

const WRITES: WriteCase[] = [
  {
    name: 'POST comment',
    method: 'POST',
    path: () => `/tickets/${demoTicket().id}/comment`,
    run: (api) =>
      api.addComment(demoTicket().id, {
        subject: 'Update',
        body: 'Replaced the PSU',
        hidden: false,
        do_not_email: true,
      }),
    wrapper: 'comment',
    landed: () => sim.state.commentsOf(demoTicket().id).some((c) => c.body === 'Replaced the PSU'),
  },
  {
    name: 'POST add_line_item',
    method: 'POST',
    path: () => `/tickets/${demoTicket().id}/add_line_item`,
    run: (api) =>
      api.addLineItem(demoTicket().id, {
        product_id: 1190473,
        name: 'Labor - Remote Business',
        description: 'Replaced the PSU',
        quantity: 0.5,
        taxable: false,
      }),
    landed: () => sim.state.lineItemsOf(demoTicket().id).some((li) => li.description === 'Replaced the PSU'),
  },
  {
    name: 'POST tickets',
    method: 'POST',
    path: () => '/tickets',
    run: (api) =>
      api.createTicket({
        customer_id: demoTicket().customer_id,
        subject: 'Printer offline again',
        status: 'New',
        priority: 'Normal',
        user_id: 1750,
      }),
    wrapper: 'ticket',
    landed: () => sim.state.tickets.some((t) => t.subject === 'Printer offline again'),
  },
  {
    name: 'PUT tickets',
    method: 'PUT',
    path: () => `/tickets/${demoTicket().id}`,
    run: (api) => api.updateTicket(demoTicket().id, { status: target }),
    wrapper: 'ticket',
    landed: () => demoTicket().status === target,
  },
  {
    name: 'POST invoices',
    method: 'POST',
    path: () => '/invoices',
    run: (api) =>
      api.createInvoice({
        ticket_id: demoTicket().id,
        customer_id: demoTicket().customer_id,
        category: 'Standard',
      }),
    wrapper: 'invoice',
    landed: () => sim.state.invoices.some((i) => i.ticket_id === demoTicket().id),
  },
];
let target = 'Scheduled';
beforeEach(() => {
  target = nextStatus();
});

const FAULTS: Array<{ mode: FaultMode; reason: UnknownOutcomeReason }> = [
  { mode: 'hang', reason: 'timeout' },
  { mode: 'reset', reason: 'connection_reset' },
  { mode: 'null_body', reason: 'null_body' },
  { mode: 'empty_body', reason: 'empty_body' },
  { mode: 'garbage_body', reason: 'unparseable_body' },
  { mode: 'status_500', reason: 'server_error' },
  { mode: 'status_502', reason: 'server_error' },
  { mode: 'status_503', reason: 'server_error' },
  { mode: 'unwrapped', reason: 'schema_mismatch' },
];

describe('Syncro client writes', () => {
  describe('when the answer is lost or unusable', () => {
    for (const w of WRITES) {
      for (const f of FAULTS) {
        // add_line_item answers flat: there is no wrapper to take away.
        if (f.mode === 'unwrapped' && !w.wrapper) continue;
        for (const when of ['before_commit', 'after_commit'] as const) {
          it(`should end ${w.name} with ${f.mode} ${when} as outcome-unknown (${f.reason}) after exactly one request`, async () => {
            client = simClient(sim, { timeoutMs: f.mode === 'hang' ? 250 : 5_000 });
            const path = w.path();
            sim.injectFault({ method: w.method, path, mode: f.mode, when });

            const err = await thrown(() => w.run((client as SyncroHttpClient).as(KEY)));

            expect(err).toBeInstanceOf(SyncroWriteOutcomeUnknownError);
            const e = err as SyncroWriteOutcomeUnknownError;
            expect(e.reason).toBe(f.reason);
            expect(e.code).toBe('SYNCRO_WRITE_OUTCOME_UNKNOWN');
            expect(e.endpoint).toBe(`${w.method} ${path}`);
            expect(sim.requests).toHaveLength(1);
            expect(sim.requests[0]).toMatchObject({ method: w.method, path });
            // The simulator did (after_commit) or did not (before_commit) store it: the client cannot know.
            expect(w.landed()).toBe(when === 'after_commit' || f.mode === 'unwrapped');
          });
        }
      }
    }
  });

  it('should name the missing wrapper when a comment is answered unwrapped', async () => {
    client = simClient(sim);
    const t = demoTicket();
    sim.injectFault({ method: 'POST', path: `/tickets/${t.id}/comment`, mode: 'unwrapped' });
    const err = (await thrown(() =>
      client!.as(KEY).addComment(t.id, { subject: 'Update', body: 'x', hidden: true, do_not_email: true }),
    )) as SyncroWriteOutcomeUnknownError;
    expect(err).toBeInstanceOf(SyncroWriteOutcomeUnknownError);
    expect(err.reason).toBe('schema_mismatch');
    expect(err.detail).toMatch(/^comment: expected object/);
    expect(err.message).toContain('comment: expected object');
    expect(err.cause).toBeInstanceOf(SyncroSchemaMismatchError);
    expect((err.cause as SyncroSchemaMismatchError).path).toBe('comment');
    expect(sim.requests).toHaveLength(1);
  });

  it('should post comments flat, never wrapped in {"comment": …}', async () => {
    client = simClient(sim);
    const t = demoTicket();
    const comment = await client
      .as(KEY)
      .addComment(t.id, { subject: 'Update', body: 'Flat body', hidden: false, do_not_email: true });
    expect(comment.id).toBeGreaterThan(0);
    expect(sim.requests[0]?.body).toEqual({
      subject: 'Update',
      body: 'Flat body',
      hidden: false,
      do_not_email: true,
    });
  });

  describe('when Syncro refuses the write', () => {
    it("should report a 422 as a validation error with Syncro's own words, after one request", async () => {
      client = simClient(sim);
      const t = demoTicket();
      const err = (await thrown(() =>
        client!.as(KEY).addComment(t.id, { subject: '', body: 'x', hidden: false, do_not_email: true }),
      )) as SyncroValidationError;
      expect(err).toBeInstanceOf(SyncroValidationError);
      expect(err.status).toBe(422);
      expect(err.messages).toEqual(["Subject can't be blank"]);
      expect(sim.requests).toHaveLength(1);
      expect(sim.state.commentsOf(t.id).some((c) => c.body === 'x')).toBe(false);
    });

    it('should read every 422 body shape Syncro uses', async () => {
      client = simClient(sim);
      const api = client.as(KEY);
      const t = demoTicket();
      const lineItem = (await thrown(() =>
        api.addLineItem(t.id, {
          product_id: 1190473,
          name: '',
          description: '',
          quantity: 1,
          taxable: false,
        }),
      )) as SyncroValidationError;
      expect(lineItem.messages).toEqual(["Name can't be blank, Description can't be blank"]); // {"errors": "a, b"}
      const ticket = (await thrown(() =>
        api.createTicket({ customer_id: 1, subject: 'x' }),
      )) as SyncroValidationError;
      expect(ticket.messages).toEqual(['Customer required field']); // {"error": "…"}
      const invoice = (await thrown(() =>
        api.createInvoice({ ticket_id: t.id, customer_id: 1, category: 'Standard' }),
      )) as SyncroValidationError;
      expect(invoice.messages).toEqual(["Customer can't be blank"]); // {"success": false, "message": [...]}
      expect(sim.requests).toHaveLength(3);
    });

    it('should report a 401 on a write as unauthorized, after one request', async () => {
      client = simClient(sim);
      const err = await thrown(() =>
        client!.as('sk_unknown_key_0001').updateTicket(demoTicket().id, { status: target }),
      );
      expect(err).toBeInstanceOf(SyncroUnauthorizedError);
      expect(sim.requests).toHaveLength(1);
    });

    it('should report a 404 on a write as not found, after one request', async () => {
      client = simClient(sim);
      const err = await thrown(() =>
        client!
          .as(KEY)
          .addComment(999_999_999, { subject: 'Update', body: 'x', hidden: false, do_not_email: true }),
      );
      expect(err).toBeInstanceOf(SyncroNotFoundError);
      expect(sim.requests).toHaveLength(1);
    });
  });

  describe('when Syncro answers 429', () => {
    it('should send the write again only after Retry-After, exactly once more', async () => {
      const clock = new FakeClock();
      const limiter = createRateLimiter({ limit: 1000, windowMs: 60_000, timers: clock });
      client = simClient(sim, { limiter });
      const t = demoTicket();
      // A 429 is a refusal: Syncro did not process the request.
      sim.injectFault({
        method: 'POST',
        path: `/tickets/${t.id}/comment`,
        mode: 'status_429',
        when: 'before_commit',
        retryAfterSeconds: 30,
      });
      const requeued = new Promise<RateLimiterEvent>((resolve) => {
        let paused = false;
        limiter.subscribe((e) => {
          if (e.type === 'paused') paused = true;
          else if (paused) resolve(e);
        });
      });

      const result = client.as(KEY).addComment(t.id, {
        subject: 'Update',
        body: 'Rate limited once',
        hidden: false,
        do_not_email: true,
      });
      const event = await requeued;
      expect(event).toEqual({ type: 'waiting', waitMs: 30_000, queued: 1 });
      expect(sim.requests).toHaveLength(1);
      expect(limiter.stats()).toMatchObject({ queued: 1, pausedForMs: 30_000 });

      await clock.advance(29_999);
      expect(limiter.stats().queued).toBe(1); // still held: not sent
      expect(sim.requests).toHaveLength(1);

      await clock.advance(1);
      const comment = await result;
      expect(comment.body).toBe('Rate limited once');
      expect(sim.requests).toHaveLength(2);
      expect(sim.state.commentsOf(t.id).filter((c) => c.body === 'Rate limited once')).toHaveLength(1);
    });

    it('should give up after three resends with a rate-limit error (nothing was written)', async () => {
      const clock = new FakeClock();
      const limiter = createRateLimiter({ limit: 1000, windowMs: 60_000, timers: clock });
      client = simClient(sim, { limiter });
      const t = demoTicket();
      sim.injectFault({
        method: 'POST',
        path: `/tickets/${t.id}/comment`,
        mode: 'status_429',
        when: 'before_commit',
        times: Infinity,
      });
      // Each time the resend queues behind the pause, let the fake time pass.
      limiter.subscribe((e) => {
        if (e.type === 'waiting') void clock.advance(e.waitMs);
      });
      const err = await thrown(() =>
        client!
          .as(KEY)
          .addComment(t.id, { subject: 'Update', body: 'never', hidden: false, do_not_email: true }),
      );
      expect(err).toBeInstanceOf(SyncroRateLimitedError);
      expect(sim.requests).toHaveLength(4);
      expect(sim.state.commentsOf(t.id).some((c) => c.body === 'never')).toBe(false);
    });

    it('should tell the caller it is waiting for the rate limit through as(key, { onRateLimitWait })', async () => {
      const clock = new FakeClock();
      const limiter = createRateLimiter({ limit: 1000, windowMs: 60_000, timers: clock });
      client = simClient(sim, { limiter });
      const t = demoTicket();
      sim.injectFault({
        method: 'PUT',
        path: `/tickets/${t.id}`,
        mode: 'status_429',
        when: 'before_commit',
        retryAfterSeconds: 5,
      });
      const waits: number[] = [];
      const waited = new Promise<void>((resolve) =>
        limiter.subscribe((e) => e.type === 'waiting' && resolve()),
      );
      const result = client
        .as(KEY, { onRateLimitWait: (ms) => waits.push(ms) })
        .updateTicket(t.id, { status: target });
      await waited;
      expect(waits).toEqual([5000]);
      expect(client.limiter.waitingMs()).toBe(5000);
      await clock.advance(5000);
      expect((await result).status).toBe(target);
    });
  });

  it('should report a connection that could not be established as a plain network error (nothing sent)', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    client = simClient(sim, { baseUrl: `http://127.0.0.1:${port}/api/v1` });
    const err = await thrown(() =>
      client!.as(KEY).addComment(1, { subject: 'Update', body: 'x', hidden: false, do_not_email: true }),
    );
    expect(err).toBeInstanceOf(SyncroNetworkError);
    expect(err).not.toBeInstanceOf(SyncroWriteOutcomeUnknownError);
    expect((err as Error).message).toMatch(/ECONNREFUSED.*nothing was sent/);
  });
});
