import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../src/errors.js';
import type { SyncroHttpClient } from '../../src/syncro/client.js';
import {
  SyncroNotFoundError,
  SyncroRateLimitedError,
  SyncroSchemaMismatchError,
  SyncroServerError,
  SyncroUnauthorizedError,
} from '../../src/syncro/errors.js';
import { createRateLimiter } from '../../src/syncro/rate-limiter.js';
import {
  defaultReadRetryPolicy,
  noRetryPolicy,
  type RetryPolicy,
  rapidTestRetryPolicy,
} from '../../src/syncro/retry-policies.js';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import { FakeClock } from './fake-clock.js';
import { captureLogger, KEY, simClient, thrown } from './helpers.js';

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

const ticketId = () => sim.state.ticketByNumber(32150)?.id as number;

describe('Syncro client reads', () => {
  describe('each request', () => {
    it('should carry the key as a Bearer header only, with Accept and Content-Type JSON', async () => {
      client = simClient(sim);
      const api = client.as(KEY);
      await api.getTicket(ticketId());
      await api.addComment(ticketId(), { subject: 'Update', body: 'x', hidden: true, do_not_email: true });
      expect(sim.requests).toHaveLength(2);
      for (const r of sim.requests) {
        expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
        expect(r.headers.accept).toBe('application/json');
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.url).not.toContain(KEY);
        expect(r.url).not.toContain('api_key');
      }
    });

    it('should use each person’s own key per call, with no global key', async () => {
      client = simClient(sim);
      expect((await client.as('sandbox-key-1735').me()).user_id).toBe(1735);
      expect((await client.as('sandbox-key-1750').me()).user_id).toBe(1750);
      expect(sim.requests.map((r) => r.apiKey)).toEqual(['sandbox-key-1735', 'sandbox-key-1750']);
    });

    it('should give the web app base without /api/v1', () => {
      client = simClient(sim);
      expect(client.webBaseUrl).toBe(sim.webUrl);
    });

    it("should drop /me's user_token from the answer", async () => {
      client = simClient(sim);
      const me = await client.as(KEY).me();
      expect(me).toMatchObject({ user_id: 1750, user_name: 'Howard Enos' });
      expect(me).not.toHaveProperty('user_token');
    });
  });

  describe('wrappers', () => {
    it('should unwrap tickets, customers, products and lists with their meta', async () => {
      client = simClient(sim);
      const api = client.as(KEY);
      const ticket = await api.getTicket(ticketId());
      expect(String(ticket.number)).toBe('32150');
      expect((await api.getCustomer(ticket.customer_id as number)).id).toBe(ticket.customer_id);
      expect((await api.getProduct(1190473)).name).toBe('Labor - Remote Business');
      const page = await api.listTickets({ status: 'Not Closed' });
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.meta?.page).toBe(1);
      expect((await api.ticketSettings()).ticket_status_list).toContain('Invoiced');
      expect(await api.listUsers()).toContainEqual({ id: 1750, name: 'Howard Enos' });
    });

    it('should refuse an unwrapped ticket as a schema mismatch naming `ticket`, without retrying', async () => {
      client = simClient(sim);
      sim.injectFault({ method: 'GET', path: `/tickets/${ticketId()}`, mode: 'unwrapped' });
      const err = (await thrown(() => client!.as(KEY).getTicket(ticketId()))) as SyncroSchemaMismatchError;
      expect(err).toBeInstanceOf(SyncroSchemaMismatchError);
      expect(err.path).toBe('ticket');
      expect(err.endpoint).toBe(`GET /tickets/${ticketId()}`);
      expect(sim.requests).toHaveLength(1);
    });

    it('should refuse a null answer to a read as a schema mismatch', async () => {
      client = simClient(sim);
      sim.injectFault({ method: 'GET', path: '/me', mode: 'null_body' });
      const err = (await thrown(() => client!.as(KEY).me())) as SyncroSchemaMismatchError;
      expect(err).toBeInstanceOf(SyncroSchemaMismatchError);
      expect(err.message).toContain('(body): the answer was null');
    });

    for (const shape of ['flat', 'wrapped'] as const) {
      it(`should accept GET /invoices/{id} answered ${shape}`, async () => {
        const other = await startFaultySimulator({ invoiceGetShape: shape });
        const c = simClient(other);
        try {
          const t = other.state.ticketByNumber(32150);
          const api = c.as(KEY);
          await api.addLineItem(t!.id, {
            product_id: 1190473,
            name: 'Labor - Remote Business',
            description: 'Work',
            quantity: 1,
            taxable: false,
          });
          const created = await api.createInvoice({
            ticket_id: t!.id,
            customer_id: t!.customer_id,
            category: 'Standard',
          });
          const invoice = await api.getInvoice(created.id);
          expect(invoice.id).toBe(created.id);
          expect(invoice.line_items?.length).toBeGreaterThan(0);
        } finally {
          await c.close();
          await other.close();
        }
      });
    }
  });

  describe('findTicketByNumber', () => {
    it('should resolve a number, with or without #, through GET /tickets?number=', async () => {
      client = simClient(sim);
      const api = client.as(KEY);
      expect(String((await api.findTicketByNumber('#32150')).number)).toBe('32150');
      expect(String((await api.findTicketByNumber(' 32165 ')).number)).toBe('32165');
      expect(String((await api.findTicketByNumber(32151)).number)).toBe('32151');
      expect(sim.requests.map((r) => r.query)).toEqual([
        { number: '32150' },
        { number: '32165' },
        { number: '32151' },
      ]);
    });

    it('should answer not found for a number Syncro does not have', async () => {
      client = simClient(sim);
      const err = await thrown(() => client!.as(KEY).findTicketByNumber('#99999'));
      expect(err).toBeInstanceOf(SyncroNotFoundError);
      expect((err as Error).message).toContain('#99999');
    });

    it('should refuse text that is not a number without asking Syncro', async () => {
      client = simClient(sim);
      expect(await thrown(() => client!.as(KEY).findTicketByNumber('#32l50'))).toBeInstanceOf(UserInputError);
      expect(sim.requests).toHaveLength(0);
    });

    it('should never take a near match when Syncro answers with other tickets', async () => {
      // NOTE: the simulator filters exactly, so a transport-level mock stands in for a Syncro that ignores
      // `number` (or matches loosely) and answers #321500 and #32150-ish tickets for 32150.
      const agent = new MockAgent();
      agent.disableNetConnect();
      const pool = agent.get('http://syncro.test');
      const near = (n: number | string, id: number) => ({
        id,
        number: n,
        subject: 'x',
        status: 'New',
        created_at: '2026-01-01T00:00:00Z',
      });
      pool
        .intercept({ path: '/api/v1/tickets?number=32150', method: 'GET' })
        .reply(200, { tickets: [near(321500, 1), near('032150', 2)], meta: { total_pages: 1, page: 1 } });
      const c = simClient(sim, { baseUrl: 'http://syncro.test/api/v1', dispatcher: agent });
      try {
        const err = await thrown(() => c.as(KEY).findTicketByNumber('32150'));
        expect(err).toBeInstanceOf(SyncroNotFoundError);
      } finally {
        await c.close();
        await agent.close();
      }
    });
  });

  describe('retries', () => {
    it('should retry a GET on 5xx per the policy and succeed', async () => {
      client = simClient(sim, { readRetryPolicy: rapidTestRetryPolicy });
      sim.injectFault({ method: 'GET', path: `/tickets/${ticketId()}`, mode: 'status_502', times: 2 });
      const t = await client.as(KEY).getTicket(ticketId());
      expect(t.id).toBe(ticketId());
      expect(sim.requests).toHaveLength(3);
    });

    it('should give up after the policy’s retries with a server error', async () => {
      client = simClient(sim, { readRetryPolicy: rapidTestRetryPolicy });
      sim.injectFault({ method: 'GET', path: '/me', mode: 'status_503', times: Infinity });
      const err = await thrown(() => client!.as(KEY).me());
      expect(err).toBeInstanceOf(SyncroServerError);
      expect((err as SyncroServerError).status).toBe(503);
      expect(sim.requests).toHaveLength(1 + rapidTestRetryPolicy.retries);
    });

    it('should not retry with noRetryPolicy', async () => {
      client = simClient(sim, { readRetryPolicy: noRetryPolicy });
      sim.injectFault({ method: 'GET', path: '/me', mode: 'status_500' });
      expect(await thrown(() => client!.as(KEY).me())).toBeInstanceOf(SyncroServerError);
      expect(sim.requests).toHaveLength(1);
    });

    it('should retry a GET after a connection reset and after a timeout', async () => {
      client = simClient(sim, { timeoutMs: 250 });
      sim.injectFault({ method: 'GET', path: '/me', mode: 'reset' });
      sim.injectFault({ method: 'GET', path: '/me', mode: 'hang' });
      expect((await client.as(KEY).me()).user_id).toBe(1750);
      expect(sim.requests).toHaveLength(3);
    });

    it('should wait the policy’s backoff through the injected sleep', async () => {
      const slept: number[] = [];
      const policy: RetryPolicy = { ...rapidTestRetryPolicy, name: 'stepped', delayMs: (n) => n * 100 };
      client = simClient(sim, {
        readRetryPolicy: policy,
        sleep: async (ms) => {
          slept.push(ms);
        },
      });
      sim.injectFault({ method: 'GET', path: '/me', mode: 'status_500', times: 2 });
      await client.as(KEY).me();
      expect(slept).toEqual([100, 200]);
    });

    it('should not retry 401, 404 or 422 answers', async () => {
      client = simClient(sim, { readRetryPolicy: rapidTestRetryPolicy });
      expect(await thrown(() => client!.as('not-a-key-000').me())).toBeInstanceOf(SyncroUnauthorizedError);
      expect(await thrown(() => client!.as(KEY).getTicket(999_999_999))).toBeInstanceOf(SyncroNotFoundError);
      expect(sim.requests).toHaveLength(2);
    });

    it('should retry a GET after a 429 only once the Retry-After pause is over', async () => {
      const clock = new FakeClock();
      const limiter = createRateLimiter({ limit: 1000, windowMs: 60_000, timers: clock });
      client = simClient(sim, { limiter });
      sim.injectFault({
        method: 'GET',
        path: '/me',
        mode: 'status_429',
        when: 'before_commit',
        retryAfterSeconds: 7,
      });
      const queued = new Promise<void>((resolve) =>
        limiter.subscribe((e) => e.type === 'waiting' && resolve()),
      );
      const me = client.as(KEY).me();
      await queued;
      expect(sim.requests).toHaveLength(1);
      await clock.advance(6_999);
      expect(limiter.stats().queued).toBe(1);
      await clock.advance(1);
      expect((await me).user_id).toBe(1750);
      expect(sim.requests).toHaveLength(2);
    });

    it('should answer rate-limited when a read runs out of retries on 429', async () => {
      const clock = new FakeClock();
      const limiter = createRateLimiter({ limit: 1000, windowMs: 60_000, timers: clock });
      limiter.subscribe((e) => {
        if (e.type === 'waiting') void clock.advance(e.waitMs);
      });
      client = simClient(sim, { limiter, readRetryPolicy: rapidTestRetryPolicy });
      sim.injectFault({
        method: 'GET',
        path: '/me',
        mode: 'status_429',
        when: 'before_commit',
        times: Infinity,
      });
      const err = await thrown(() => client!.as(KEY).me());
      expect(err).toBeInstanceOf(SyncroRateLimitedError);
      expect((err as SyncroRateLimitedError).retryAfterMs).toBe(1000);
      expect(sim.requests).toHaveLength(3);
    });

    it('should name the default policy and keep it bounded', () => {
      expect(defaultReadRetryPolicy.retries).toBe(2);
      for (const n of [1, 2]) expect(defaultReadRetryPolicy.delayMs(n)).toBeLessThanOrEqual(5000);
      expect(noRetryPolicy.retries).toBe(0);
    });
  });

  it('should log one debug line per request with method, path, status, ms and attempt', async () => {
    const { logger, lines } = captureLogger('debug');
    client = simClient(sim, { logger });
    sim.injectFault({ method: 'GET', path: '/me', mode: 'status_500' });
    await client.as(KEY).me();
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const debug = entries.filter((e) => e.msg === 'syncro request');
    expect(debug).toHaveLength(2);
    expect(debug[0]).toMatchObject({
      component: 'syncro',
      method: 'GET',
      path: '/me',
      status: 500,
      attempt: 1,
    });
    expect(debug[1]).toMatchObject({ status: 200, attempt: 2 });
    expect(typeof debug[1]?.ms).toBe('number');
    expect(entries.filter((e) => e.level === 40)).toHaveLength(1);
  });
});
