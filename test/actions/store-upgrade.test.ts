import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActionStore } from '../../src/actions/store.js';
import type { AuditEntry, PendingAction } from '../../src/actions/types.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import {
  createTestDatabase,
  postgresUnavailable,
  reportPostgresUnavailable,
  withClient,
} from '../support/postgres.js';
import { makeAudit, T0 } from './store-contract.js';

/**
 * A database the previous release made (its own dumps, in fixtures/: `sqlite3 .dump` and `pg_dump --inserts`
 * after that release's store inserted, claimed and updated three actions and appended two audit entries) must
 * keep every row when this release opens and migrates it, and have the schema a new database gets.
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const expected = JSON.parse(fixture('release-1.expected.json')) as {
  actions: PendingAction[];
  audit: AuditEntry[];
};

async function expectRowsKeptAndUsable(store: ActionStore): Promise<void> {
  await store.migrate();
  for (const action of expected.actions) expect(await store.get(action.id)).toStrictEqual(action);
  expect(await store.listAudit(9001, 10)).toStrictEqual([...expected.audit].reverse());

  const plain = expected.actions.find((a) => a.state === 'proposed')!;
  const claim = { clicker: 'U_A', now: T0, expectedAttempt: 0, owner: 'replica-a', leaseMs: 1000 };
  expect((await store.claim(plain.id, claim)).won).toBe(true);
  const entry = makeAudit({ ticketId: 9001 });
  await store.appendAudit(entry);
  expect((await store.listAudit(9001, 1))[0]).toStrictEqual(entry);
}

describe('a SQLite database made by the previous release', () => {
  const dir = mkdtempSync(join(tmpdir(), 'syncro-slack-upgrade-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function schemaOf(file: string): string[] {
    const db = new Database(file, { readonly: true });
    try {
      const rows = db
        .prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name')
        .all() as Array<{
        type: string;
        name: string;
        sql: string | null;
      }>;
      return rows.map((r) => `${r.type} ${r.name}: ${(r.sql ?? '').replace(/\s+/g, ' ')}`);
    } finally {
      db.close();
    }
  }

  it('should keep every row, stay usable, and have the schema of a new database', async () => {
    const file = join(dir, 'release-1.db');
    const old = new Database(file);
    old.exec(fixture('release-1.sqlite.sql'));
    old.close();
    const store = openSqliteStore(file);
    try {
      await expectRowsKeptAndUsable(store);
    } finally {
      await store.close();
    }

    const fresh = join(dir, 'fresh.db');
    const created = openSqliteStore(fresh);
    await created.migrate();
    await created.close();
    expect(schemaOf(file)).toEqual(schemaOf(fresh));
  });
});

const unreachable = await postgresUnavailable();
if (unreachable !== undefined) {
  reportPostgresUnavailable('PostgreSQL upgrade from the previous release', unreachable);
} else {
  describe('a PostgreSQL database made by the previous release', () => {
    /** Columns, indexes, constraints and triggers of the public schema, in a stable order. */
    const schemaOf = (url: string) =>
      withClient(url, async (c) => {
        const q = async (sql: string) => (await c.query(sql)).rows.map((r) => Object.values(r).join(' | '));
        return [
          ...(await q(`SELECT table_name, column_name, data_type, is_nullable, column_default
                       FROM information_schema.columns WHERE table_schema = 'public'
                       ORDER BY table_name, column_name`)),
          ...(await q(
            `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
          )),
          ...(await q(`SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                       WHERE connamespace = 'public'::regnamespace ORDER BY conname`)),
          ...(await q(`SELECT trigger_name, event_manipulation, action_statement FROM information_schema.triggers
                       ORDER BY trigger_name, event_manipulation`)),
        ];
      });

    it('should keep every row, stay usable, and have the schema of a new database', async () => {
      const old = await createTestDatabase();
      const fresh = await createTestDatabase();
      try {
        await withClient(old.url, (c) => c.query(fixture('release-1.postgres.sql')));
        const store = openPostgresStore(old.url, { maxConnections: 2 });
        try {
          await expectRowsKeptAndUsable(store);
        } finally {
          await store.close();
        }

        const created = openPostgresStore(fresh.url, { maxConnections: 1 });
        await created.migrate();
        await created.close();
        expect(await schemaOf(old.url)).toEqual(await schemaOf(fresh.url));
      } finally {
        await old.drop();
        await fresh.drop();
      }
    });
  });
}
