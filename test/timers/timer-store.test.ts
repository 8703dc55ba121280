import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppStore } from '../../src/store/app-store.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createTestDatabase, postgresUnavailable, reportPostgresUnavailable } from '../support/postgres.js';

/**
 * The timer table in both dialects: one timer per ticket per person (a unique key, so concurrent starts from
 * several replicas leave one), stop returns the timer once, and each timer is reminded once across replicas.
 */
function timerContract(name: string, open: () => Promise<AppStore>): void {
  describe(`timer store: ${name}`, () => {
    const timer = (over: { slackUserId?: string; ticketId?: number; startedAt?: number } = {}) => ({
      slackUserId: over.slackUserId ?? 'U1',
      ticketId: over.ticketId ?? 101,
      ticketNumber: String(over.ticketId ?? 101),
      ticketSubject: 'Printer offline',
      note: 'toner',
      startedAt: over.startedAt ?? 1_000,
    });

    it('should start one timer per ticket per person, even when replicas start it at the same time', async () => {
      const replicas = await Promise.all([open(), open(), open()]);
      try {
        const results = await Promise.all(
          replicas.flatMap((s) => [s.timers.start(timer()), s.timers.start(timer({ startedAt: 2_000 }))]),
        );
        expect(results.filter((r) => r.started)).toHaveLength(1);
        const winner = results.find((r) => r.started);
        for (const r of results) {
          if (!r.started) expect(r.running.startedAt).toBe(winner?.started ? winner.timer.startedAt : -1);
        }
        // Another person, or another ticket, is another timer.
        expect((await replicas[0]!.timers.start(timer({ slackUserId: 'U2' }))).started).toBe(true);
        expect((await replicas[0]!.timers.start(timer({ ticketId: 102 }))).started).toBe(true);
        expect((await replicas[1]!.timers.listFor('U1')).map((t) => t.ticketId)).toEqual([101, 102]);
        expect((await replicas[1]!.timers.listForTicket(101)).map((t) => t.slackUserId).sort()).toEqual([
          'U1',
          'U2',
        ]);
      } finally {
        for (const s of replicas) await s.close();
      }
    });

    it('should stop a timer once and keep its note and start', async () => {
      const replicas = await Promise.all([open(), open()]);
      try {
        await replicas[0]!.timers.start(timer({ slackUserId: 'U3' }));
        const stops = await Promise.all(replicas.map((s) => s.timers.stop('U3', 101)));
        const stopped = stops.filter((t) => t !== undefined);
        expect(stopped).toEqual([
          {
            slackUserId: 'U3',
            ticketId: 101,
            ticketNumber: '101',
            ticketSubject: 'Printer offline',
            note: 'toner',
            startedAt: 1_000,
          },
        ]);
        expect(await replicas[0]!.timers.listFor('U3')).toEqual([]);
      } finally {
        for (const s of replicas) await s.close();
      }
    });

    it('should hand each long-running timer to one reminder, once', async () => {
      const replicas = await Promise.all([open(), open(), open()]);
      try {
        await replicas[0]!.timers.start(timer({ slackUserId: 'U4', startedAt: 10 }));
        await replicas[0]!.timers.start(timer({ slackUserId: 'U4', ticketId: 202, startedAt: 50_000 }));
        const claimed = (
          await Promise.all(replicas.map((s) => s.timers.claimReminders(20_000, 30_000)))
        ).flat();
        expect(claimed.filter((t) => t.slackUserId === 'U4').map((t) => [t.ticketId, t.remindedAt])).toEqual([
          [101, 30_000],
        ]);
        expect(
          (await replicas[1]!.timers.claimReminders(20_000, 40_000)).filter((t) => t.slackUserId === 'U4'),
        ).toEqual([]);
      } finally {
        for (const s of replicas) await s.close();
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'timers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
timerContract('SQLite', async () => {
  // Each test's replicas share one file; a new file per test.
  const file = join(dir, `t${Math.floor(n++ / 100)}.db`);
  const s = openSqliteStore(file);
  await s.migrate();
  return s;
});

const unreachable = await postgresUnavailable();
if (unreachable !== undefined) reportPostgresUnavailable('PostgreSQL timer store', unreachable);
else {
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());
  timerContract('PostgreSQL', async () => {
    const s = openPostgresStore(database.url, { maxConnections: 4 });
    await s.migrate();
    return s;
  });
}
