import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSyncroSimulator } from '../../src/sandbox/simulator.js';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';

/** Fault injection, rate limiting, request recording and shutdown: what the client and end-to-end tests lean on. */

const KEY = 'sandbox-key-1750'; // Howard Enos
let nowMs = Date.parse('2026-04-23T16:00:00.000Z');
let sim: FaultySimulator;

function post(path: string, body: unknown, target: FaultySimulator = sim) {
  return fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function commentPath(): { path: string; count: () => number } {
  const ticket = sim.state.ticketByNumber(32163);
  if (!ticket) throw new Error('demo ticket missing');
  return {
    path: `/tickets/${ticket.id}/comment`,
    count: () => sim.state.comments.filter((c) => c.ticket_id === ticket.id).length,
  };
}

const comment = { subject: 'Update', body: 'Called Jim', hidden: false, do_not_email: true };

beforeAll(async () => {
  sim = await startFaultySimulator({ now: () => new Date(nowMs) });
});
beforeEach(() => sim.reset());
afterAll(() => sim.close());

describe('fault timing', () => {
  it('after_commit (default) stores the write, then breaks the answer', async () => {
    const { path, count } = commentPath();
    const before = count();
    sim.injectFault({ method: 'POST', path, mode: 'null_body' });
    const res = await post(path, comment);
    expect([res.status, await res.text()]).toEqual([200, 'null']);
    expect(count()).toBe(before + 1);
    expect(sim.state.comments.at(-1)).toMatchObject({ body: 'Called Jim', user_id: 1750 });
  });

  it('before_commit breaks the answer without storing the write', async () => {
    const { path, count } = commentPath();
    const before = count();
    sim.injectFault({ path, mode: 'status_500', when: 'before_commit' });
    expect((await post(path, comment)).status).toBe(500);
    expect(count()).toBe(before);
  });

  it('reset after commit: the client sees a connection error, the comment exists anyway', async () => {
    const { path, count } = commentPath();
    const before = count();
    sim.injectFault({ path, mode: 'reset' });
    await expect(post(path, comment)).rejects.toThrow();
    expect(count()).toBe(before + 1);
  });

  it('faults are used up: times, regex paths and method filters', async () => {
    const { path, count } = commentPath();
    const before = count();
    sim.injectFault({ method: 'GET', path: /comment/, mode: 'status_503' }); // wrong method: never fires
    sim.injectFault({ method: 'POST', path: /^\/tickets\/\d+\/comment$/, mode: 'status_502', times: 2 });
    expect((await post(path, comment)).status).toBe(502);
    expect((await post(path, comment)).status).toBe(502);
    expect((await post(path, comment)).status).toBe(200);
    expect(count()).toBe(before + 3);
    expect(sim.requests.filter((r) => r.path === path)).toHaveLength(3);
  });
});

describe('fault modes', () => {
  it('unwrapped answers the comment fields at top level', async () => {
    const { path } = commentPath();
    sim.injectFault({ path, mode: 'unwrapped' });
    const body = await (await post(path, comment)).json();
    expect(body).not.toHaveProperty('comment');
    expect(body).toMatchObject({ subject: 'Update', body: 'Called Jim' });
  });

  it('empty_body, garbage_body and status_429 with Retry-After', async () => {
    sim.injectFault({ path: '/me', mode: 'empty_body' });
    sim.injectFault({ path: '/me', mode: 'garbage_body' });
    sim.injectFault({ path: '/me', mode: 'status_429', retryAfterSeconds: 7 });
    const get = () => fetch(`${sim.url}/me`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await (await get()).text()).toBe('');
    await expect((await get()).json()).rejects.toThrow();
    const limited = await get();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    expect((await get()).status).toBe(200);
  });

  it('hang keeps the request open until releaseHangs; waitForRequests sees it once the write is stored', async () => {
    const { path, count } = commentPath();
    const before = count();
    sim.injectFault({ path, mode: 'hang' });
    const pending = post(path, comment).then(
      () => 'answered',
      () => 'failed',
    );
    const [seen] = await sim.waitForRequests(1, (r) => r.method === 'POST' && r.path === path);
    expect(seen?.body).toEqual(comment);
    expect(count()).toBe(before + 1);
    sim.releaseHangs();
    expect(await pending).toBe('failed');
  });

  it('close() does not hang with a hung request open, and rejects pending waiters', async () => {
    const other = await startFaultySimulator({ seed: 'empty' });
    other.injectFault({ path: '/me', mode: 'hang' });
    const pending = fetch(`${other.url}/me`, { headers: { authorization: `Bearer ${KEY}` } }).then(
      () => 'answered',
      () => 'failed',
    );
    await other.waitForRequests(1);
    const never = other.waitForRequests(5);
    await other.close();
    expect(await pending).toBe('failed');
    await expect(never).rejects.toThrow(/closed/);
  });
});

describe('recording and rate limit', () => {
  it('records every request with its parsed body, and writes() keeps only writes', async () => {
    const { path } = commentPath();
    await fetch(`${sim.url}/tickets?number=32163&api_key=${KEY}`);
    await post(path, comment);
    expect(sim.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', '/tickets'],
      ['POST', path],
    ]);
    expect(sim.requests[0]).toMatchObject({
      query: { number: '32163', api_key: KEY },
      apiKey: KEY,
      at: nowMs,
    });
    expect(sim.writes()).toEqual([
      expect.objectContaining({ body: comment, rawBody: JSON.stringify(comment) }),
    ]);
  });

  it('keeps only the newest requestLogSize requests, so a long-running sandbox stays small', async () => {
    const small = await startSyncroSimulator({ seed: 'empty', requestLogSize: 3 });
    try {
      for (const n of [1, 2, 3, 4, 5]) await fetch(`${small.url}/tickets?number=${n}&api_key=${KEY}`);
      expect(small.requests.map((r) => r.query.number)).toEqual(['3', '4', '5']);
    } finally {
      await small.close();
    }
  });

  it('the product simulator has no fault injection: sandbox mode and the playground start it without a hook', async () => {
    const plain = await startSyncroSimulator({ seed: 'empty' });
    try {
      expect(plain).not.toHaveProperty('injectFault');
      expect(plain).not.toHaveProperty('commitLate');
    } finally {
      await plain.close();
    }
  });

  it('waitForRequests resolves for requests still to come', async () => {
    const waiting = sim.waitForRequests(2, (r) => r.path === '/me');
    const get = () => fetch(`${sim.url}/me`, { headers: { authorization: `Bearer ${KEY}` } });
    await get();
    await get();
    expect(await waiting).toHaveLength(2);
  });

  it('answers 429 with Retry-After past N requests in a rolling minute, all keys together', async () => {
    const limited = await startFaultySimulator({
      seed: 'empty',
      rateLimitPerMinute: 3,
      now: () => new Date(nowMs),
    });
    try {
      const get = (key: string) =>
        fetch(`${limited.url}/me`, { headers: { authorization: `Bearer ${key}` } });
      const start = nowMs;
      expect((await get('sandbox-key-1735')).status).toBe(200);
      nowMs += 20_000;
      expect((await get('sandbox-key-1750')).status).toBe(200);
      expect((await get('bad-key')).status).toBe(401); // counted too
      const refused = await get('sandbox-key-1760');
      expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '40']);
      expect(limited.requests).toHaveLength(4);
      nowMs = start + 60_000; // the first request leaves the window
      expect((await get('sandbox-key-1760')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
