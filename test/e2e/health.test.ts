import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

/** The HTTP receiver's health routes: /healthz is liveness, /readyz says whether the bot can work. */

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(url);
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('health in HTTP mode', () => {
  let h: Harness;
  let base: string;
  beforeEach(async () => {
    h = await startHarness();
    base = h.eventsUrl.replace('/slack/events', '');
  });
  afterEach(async () => {
    await h.close();
  });

  it('should answer /readyz 200 when the store answers and the receiver listens', async () => {
    const r = await getJson(`${base}/readyz`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ready: true, checks: { store: { ok: true }, slack: { ok: true } } });
  });

  it('should answer /readyz 503 naming the store when it is closed, while /healthz stays 200', async () => {
    await h.store.close();
    const r = await getJson(`${base}/readyz`);
    expect(r.status).toBe(503);
    expect(r.body.ready).toBe(false);
    expect(String(r.body.reason)).toMatch(/^store: .*not open/);
    expect(r.body.checks).toMatchObject({ store: { ok: false }, slack: { ok: true } });
    expect((await getJson(`${base}/healthz`)).status).toBe(200);
  });
});
