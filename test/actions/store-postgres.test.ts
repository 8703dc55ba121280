import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import {
  createTestDatabase,
  postgresUnavailable,
  reportPostgresUnavailable,
  withClient,
} from '../support/postgres.js';
import { makeAction, makeAudit, runStoreContract } from './store-contract.js';

/**
 * Runs the store contract against a real PostgreSQL. Each run creates its own databases and drops them at the
 * end. Without a reachable server the file is skipped locally, and fails in CI (where PostgreSQL is required).
 */
const unreachable = await postgresUnavailable();

if (unreachable !== undefined) {
  reportPostgresUnavailable('PostgreSQL action store', unreachable);
} else {
  // One database for the file, dropped after every suite in it (and every store they opened) has finished.
  let database: { url: string; drop: () => Promise<void> };
  const dropLater: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    dropLater.push(database.drop);
  });
  afterAll(async () => {
    for (const drop of dropLater) await drop();
  });

  // Small pools: the contract opens several instances at once, like replicas, each with its own pool.
  runStoreContract('PostgreSQL', async () => openPostgresStore(database.url, { maxConnections: 8 }));

  describe('openPostgresStore', () => {
    it('should apply each migration once when several replicas migrate a new database at the same time', async () => {
      const fresh = await createTestDatabase();
      dropLater.push(fresh.drop);
      const replicas = Array.from({ length: 5 }, () => openPostgresStore(fresh.url, { maxConnections: 2 }));
      try {
        await Promise.all(replicas.map((r) => r.migrate()));
        const action = makeAction();
        await replicas[0]!.insert(action);
        expect(await replicas[4]!.get(action.id)).toStrictEqual(action);
      } finally {
        await Promise.all(replicas.map((r) => r.close()));
      }
      const versions = await withClient(fresh.url, async (c) =>
        (await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version),
      );
      expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('should refuse to change or delete audit entries', async () => {
      const store = openPostgresStore(database.url, { maxConnections: 1 });
      await store.appendAudit(makeAudit({ ticketId: 1 }));
      await store.close();
      await withClient(database.url, async (c) => {
        await expect(c.query("UPDATE audit SET error = 'edited'")).rejects.toThrow(/append-only/);
        await expect(c.query('DELETE FROM audit')).rejects.toThrow(/append-only/);
      });
    });
  });
}
