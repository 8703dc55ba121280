import { inspect } from 'node:util';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import { captureLogger, simClient, thrown } from './helpers.js';

const SECRET_KEY = 'sk_live_SECRET123456789abcdef';
const WRONG_KEY = 'sk_live_WRONG987654321fedcba';

let sim: FaultySimulator;

beforeAll(async () => {
  sim = await startFaultySimulator();
  sim.addKey(SECRET_KEY, { user_id: 1750, user_name: 'Howard Enos' });
});
afterAll(async () => {
  await sim.close();
});

describe('Syncro client redaction', () => {
  it('should keep the key and /me user_token out of every log line and every error', async () => {
    // What the simulator hands out as this key's user_token (read without the client).
    const raw = await request(`${sim.url}/me`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
    const userToken = ((await raw.body.json()) as { user_token: string }).user_token;
    expect(userToken).toMatch(/\S{8,}/);
    sim.requests.length = 0;

    const { logger, lines } = captureLogger('trace');
    const client = simClient(sim, { logger, timeoutMs: 250 });
    const api = client.as(SECRET_KEY);
    const ticket = sim.state.ticketByNumber(32150)!;
    const errors: unknown[] = [];
    const fail = async (fn: () => Promise<unknown>) => errors.push(await thrown(fn));
    try {
      const me = await api.me();
      expect(JSON.stringify(me)).not.toContain(userToken);

      await fail(() => client.as(WRONG_KEY).me()); // 401
      sim.injectFault({ method: 'POST', path: `/tickets/${ticket.id}/comment`, mode: 'status_500' });
      await fail(() =>
        api.addComment(ticket.id, { subject: 'Update', body: 'x', hidden: false, do_not_email: true }),
      );
      await fail(() =>
        api.addComment(ticket.id, { subject: '', body: 'x', hidden: false, do_not_email: true }),
      ); // 422
      sim.injectFault({ method: 'POST', path: `/tickets/${ticket.id}/add_line_item`, mode: 'reset' });
      await fail(() =>
        api.addLineItem(ticket.id, {
          product_id: 1190473,
          name: 'n',
          description: 'd',
          quantity: 1,
          taxable: false,
        }),
      );
      sim.injectFault({ method: 'PUT', path: `/tickets/${ticket.id}`, mode: 'hang' });
      await fail(() => api.updateTicket(ticket.id, { status: 'Scheduled' }));
      sim.injectFault({ method: 'POST', path: '/invoices', mode: 'unwrapped' });
      await fail(() =>
        api.createInvoice({ ticket_id: ticket.id, customer_id: ticket.customer_id, category: 'x' }),
      );
      sim.injectFault({ method: 'GET', path: '/me', mode: 'garbage_body', times: 3 });
      await fail(() => api.me());
    } finally {
      sim.releaseHangs();
      await client.close();
    }

    expect(errors).toHaveLength(7);
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes('"level":40'))).toBe(true);
    for (const secret of [SECRET_KEY, WRONG_KEY, userToken]) {
      for (const line of lines) expect(line).not.toContain(secret);
      for (const err of errors) {
        expect(String(err)).not.toContain(secret);
        expect(inspect(err, { depth: 6 })).not.toContain(secret);
      }
    }
    for (const line of lines) {
      expect(line).not.toMatch(/authorization/i);
      expect(line).not.toContain('api_key=');
    }
  });
});
