import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Enrolment } from '../../../src/identity/enrolment/enrolment-table.js';
import type { AppStore } from '../../../src/store/app-store.js';
import { openPostgresStore } from '../../../src/store/postgres-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import {
  createTestDatabase,
  postgresUnavailable,
  reportPostgresUnavailable,
} from '../../support/postgres.js';

/**
 * The enrolled keys table in both dialects: one row per Slack user, one Slack user per Syncro user (concurrent
 * connects of one Syncro user by two people from several replicas leave one), a reconnect replaces the row, and
 * approval and the 401 mark happen once and only for the connect they were meant for.
 */
function enrolmentContract(name: string, open: () => Promise<AppStore>): void {
  describe(`enrolled keys: ${name}`, () => {
    const row = (over: Partial<Enrolment> = {}): Enrolment => ({
      slackUserId: 'U1',
      syncroUserId: 1780,
      syncroName: 'Dana Okafor',
      storage: 'store',
      ciphertext: 'v1.a.b.c',
      state: 'active',
      requestedAt: 1_000,
      updatedAt: 1_000,
      ...over,
    });

    it('should let one Slack user hold a Syncro user, even when several connect it at once from replicas', async () => {
      const replicas = await Promise.all([open(), open(), open()]);
      try {
        const results = await Promise.all(
          replicas.flatMap((s, i) => [
            s.enrolments.put(row({ slackUserId: `UA${i}` })),
            s.enrolments.put(row({ slackUserId: `UB${i}` })),
          ]),
        );
        const won = results.filter((r) => r.inserted);
        expect(won).toHaveLength(1);
        const holder = won[0]!.inserted ? won[0]!.enrolment.slackUserId : '';
        for (const r of results) if (!r.inserted) expect(r.takenBy.slackUserId).toBe(holder);
        expect(await replicas[1]!.enrolments.bySyncroUser(1780)).toMatchObject({ slackUserId: holder });
      } finally {
        for (const s of replicas) await s.close();
      }
    });

    it('should replace a person’s row on reconnect, approve and mark stale once, and remove it', async () => {
      const s = await open();
      try {
        const u = 'U2';
        await s.enrolments.put(
          row({ slackUserId: u, syncroUserId: 1790, state: 'pending', requestedAt: 10 }),
        );
        // A reconnect (another key, even of another Syncro user) replaces the row.
        const again = await s.enrolments.put(
          row({ slackUserId: u, syncroUserId: 1791, state: 'pending', requestedAt: 20, vaultFile: 'x.yaml' }),
        );
        expect(again).toMatchObject({ inserted: true, enrolment: { syncroUserId: 1791, requestedAt: 20 } });
        expect(await s.enrolments.bySyncroUser(1790)).toBeUndefined();
        // An approval card drawn for the first connect approves nothing.
        expect(await s.enrolments.approve(u, 10, 'UADMIN', 30)).toBeUndefined();
        const approved = await Promise.all([
          s.enrolments.approve(u, 20, 'UADMIN', 30),
          s.enrolments.approve(u, 20, 'UADMIN2', 31),
        ]);
        expect(approved.filter(Boolean)).toHaveLength(1);
        // Whichever of the two concurrent approvals won is the one recorded.
        const approvedBy = approved[0] ? 'UADMIN' : 'UADMIN2';
        expect(await s.enrolments.get(u)).toMatchObject({ state: 'active', approvedBy });
        const stale = await Promise.all([
          s.enrolments.markStale(u, 20, 40),
          s.enrolments.markStale(u, 20, 41),
        ]);
        expect(stale.filter(Boolean)).toHaveLength(1);
        expect(await s.enrolments.get(u)).toMatchObject({ state: 'stale', staleAt: stale[0] ? 40 : 41 });
        // Reconnecting clears the stale mark.
        await s.enrolments.put(row({ slackUserId: u, syncroUserId: 1791, requestedAt: 50 }));
        expect((await s.enrolments.get(u))?.staleAt).toBeUndefined();
        expect(await s.enrolments.remove(u, 20)).toBeUndefined();
        expect(await s.enrolments.remove(u)).toMatchObject({ slackUserId: u, requestedAt: 50 });
        expect(await s.enrolments.get(u)).toBeUndefined();
      } finally {
        await s.close();
      }
    });

    it('should delete a refused key only while it is pending: a refusal racing an approval leaves the active key', async () => {
      const s = await open();
      try {
        const u = 'U3';
        await s.enrolments.put(
          row({ slackUserId: u, syncroUserId: 1800, state: 'pending', requestedAt: 10 }),
        );
        expect(await s.enrolments.approve(u, 10, 'UADMIN', 20)).toMatchObject({ state: 'active' });
        expect(await s.enrolments.removePending(u, 10)).toBeUndefined();
        expect(await s.enrolments.get(u)).toMatchObject({ state: 'active', approvedBy: 'UADMIN' });

        const w = 'U4';
        await s.enrolments.put(
          row({ slackUserId: w, syncroUserId: 1801, state: 'pending', requestedAt: 30 }),
        );
        // A card of an older connect refuses nothing.
        expect(await s.enrolments.removePending(w, 29)).toBeUndefined();
        const raced = await Promise.all([
          s.enrolments.approve(w, 30, 'UADMIN', 40),
          s.enrolments.removePending(w, 30),
        ]);
        expect(raced.filter(Boolean)).toHaveLength(1);
        const left = await s.enrolments.get(w);
        if (raced[0]) expect(left).toMatchObject({ state: 'active' });
        else expect(left).toBeUndefined();

        await s.enrolments.put(
          row({ slackUserId: w, syncroUserId: 1801, state: 'pending', requestedAt: 50 }),
        );
        expect(await s.enrolments.removePending(w, 50)).toMatchObject({ slackUserId: w, state: 'pending' });
        expect(await s.enrolments.get(w)).toBeUndefined();
      } finally {
        await s.close();
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'enrolments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
enrolmentContract('SQLite', async () => {
  // The replicas of one test share one file; a new file per test.
  const file = join(dir, `e${Math.floor(n++ / 100)}.db`);
  const s = openSqliteStore(file);
  await s.migrate();
  return s;
});

const unreachable = await postgresUnavailable();
if (unreachable !== undefined) reportPostgresUnavailable('PostgreSQL enrolled keys', unreachable);
else {
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());
  enrolmentContract('PostgreSQL', async () => {
    const s = openPostgresStore(database.url, { maxConnections: 4 });
    await s.migrate();
    return s;
  });
}
