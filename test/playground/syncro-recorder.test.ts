import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  READ_ONLY_MESSAGE,
  type SyncroRecorder,
  startSyncroRecorder,
} from '../../src/playground/syncro-recorder.js';
import { DEMO_KEYS, type SyncroSimulator, startSyncroSimulator } from '../../src/sandbox/simulator.js';

const KEY = Object.keys(DEMO_KEYS)[0]!;
const OWNER = DEMO_KEYS[KEY]!.user_name;

describe('the Syncro recorder in front of Syncro', () => {
  let sim: SyncroSimulator;
  let rec: SyncroRecorder;
  const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    request(`${rec.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeEach(async () => {
    sim = await startSyncroSimulator({ seed: 'demo' });
  });
  afterEach(async () => {
    await rec.close();
    await sim.close();
  });

  it('should pass reads through and list them with the key owner learnt from GET /me, never the key', async () => {
    rec = await startSyncroRecorder({ target: sim.url, allowWrites: false });
    expect((await call('GET', '/me')).statusCode).toBe(200);
    const res = await call('GET', '/tickets?status=New');
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { tickets: unknown[] }).tickets.length).toBeGreaterThan(0);
    expect(rec.requests.map((r) => [r.method, r.path, r.owner])).toEqual([
      ['GET', '/me', OWNER],
      ['GET', '/tickets?status=New', OWNER],
    ]);
    expect(JSON.stringify(rec.requests)).not.toContain(KEY);
  });

  it('should refuse writes when read-only, with a message the card shows, and send nothing', async () => {
    rec = await startSyncroRecorder({ target: sim.url, allowWrites: false });
    const res = await call('POST', '/tickets/1/comment', { subject: 'x', body: 'y' });
    expect(res.statusCode).toBe(422);
    expect(await res.body.json()).toEqual({ error: READ_ONLY_MESSAGE });
    expect(sim.writes()).toEqual([]);
    expect(rec.requests).toEqual([
      expect.objectContaining({ method: 'POST', body: { subject: 'x', body: 'y' }, refused: true }),
    ]);
  });

  it('should forward writes when they are allowed', async () => {
    rec = await startSyncroRecorder({ target: sim.url, allowWrites: true });
    const ticket = sim.state.tickets[0]!;
    const res = await call('POST', `/tickets/${ticket.id}/comment`, {
      subject: 'x',
      body: 'y',
      hidden: true,
    });
    expect(res.statusCode).toBe(200);
    expect(sim.writes().map((w) => w.path)).toEqual([`/tickets/${ticket.id}/comment`]);
  });

  it('should send links to Syncro web pages on to the real site', async () => {
    rec = await startSyncroRecorder({ target: 'https://acme.syncromsp.com/api/v1', allowWrites: false });
    const res = await request(`${rec.url.replace(/\/api\/v1$/, '')}/tickets/123`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://acme.syncromsp.com/tickets/123');
    await res.body.dump();
  });
});
