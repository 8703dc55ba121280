import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readHomeSyncro, UNBILLED_READ_CAP } from '../../../src/slack/home/home-data.js';
import type { SyncroApi } from '../../../src/syncro/api.js';
import type { SyncroHttpClient } from '../../../src/syncro/client.js';
import { withRequestPriority } from '../../../src/syncro/priority.js';
import { createRateLimiter } from '../../../src/syncro/rate-limiter.js';
import type { Ticket } from '../../../src/syncro/schemas.js';
import { type FaultySimulator, startFaultySimulator } from '../../support/faults.js';
import { FakeClock, queuedTo } from '../../syncro/fake-clock.js';
import { KEY, simClient } from '../../syncro/helpers.js';

/** What App Home reads from Syncro, within its budget and behind a person's command. */

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

describe('readHomeSyncro', () => {
  it('reads my open, Resolved and Closed tickets in three list calls and finds those without a line item', async () => {
    client = simClient(sim);
    const api = client.as(KEY);
    await api.me();
    const before = sim.requests.length;
    const home = await readHomeSyncro(api, () => 1);
    const reads = sim.requests.slice(before);
    expect(reads.map((r) => r.query.status).sort()).toEqual(['Closed', 'Not Closed', 'Resolved']);
    expect(home.open.map((t) => t.number).sort()).toEqual([32155, 32163]);
    expect(home.unbilled.map((t) => t.number)).toEqual([32158]);
    expect(home.unchecked).toBe(0);
  });

  it('reads at most a few tickets one by one when a list leaves line items out, and counts the rest', async () => {
    const listed = (n: number): Ticket =>
      ({ id: n, number: n, subject: `T${n}`, status: 'Resolved', customer_id: 1, created_at: '' }) as Ticket;
    const gets: number[] = [];
    const api = {
      listTickets: async (q: { status?: string }) => ({
        items: q.status === 'Resolved' ? [1, 2, 3, 4, 5].map(listed) : [],
        meta: null,
      }),
      getTicket: async (id: number) => {
        gets.push(id);
        return { ...listed(id), line_items: id === 2 ? [{ id: 9 }] : [] } as Ticket;
      },
    } as unknown as SyncroApi;
    const home = await readHomeSyncro(api, () => 1);
    expect(gets).toHaveLength(UNBILLED_READ_CAP);
    expect(home.unbilled.map((t) => t.number)).toEqual([1, 3]);
    expect(home.unchecked).toBe(5 - UNBILLED_READ_CAP);
  });

  it('queues behind a person’s command when read at background priority, as Home reads', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, timers: clock });
    client = simClient(sim, { limiter });
    const api = client.as(KEY);
    await api.me(); // the window is full until t=1000
    const home = withRequestPriority('background', () => readHomeSyncro(api, () => 1));
    await queuedTo(limiter, 3);
    const person = api.findTicketByNumber(32164);
    await queuedTo(limiter, 4);
    await clock.advance(1000);
    await person;
    // One window at a time, each once the limiter has set its timer for it. It does so when the request before has
    // been answered (answers arrive over loopback and are parsed a turn later), so until then let I/O run.
    let finished = false;
    void home.finally(() => {
      finished = true;
    });
    while (!finished) {
      if (clock.pending > 0) await clock.advance(1000);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await home;
    expect(sim.requests.map((r) => `${r.path} ${r.query.number ?? r.query.status ?? ''}`.trim())).toEqual([
      '/me',
      '/tickets 32164',
      '/tickets Not Closed',
      '/tickets Resolved',
      '/tickets Closed',
    ]);
  });
});
