import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { DdlTypes, SqlDialect, SqlValue } from './sql-dialect.js';

/**
 * The schema of the action store, as an ordered list of migrations written once for both dialects: the column
 * types and the dialect-only statements come from the adapter's `DdlTypes` (the mapping between rows and
 * `PendingAction` / `AuditEntry` is in rows.ts).
 *
 * Rules for new migrations: append, never change what an applied one creates or renumber it; keep them additive
 * where possible so that a replica still running the previous release keeps working during a rolling deploy.
 * NOTE: version 1 was written per dialect before; the text below creates exactly the same tables, indexes and
 * triggers (test/actions/store-upgrade.test.ts compares them with a database the previous release made).
 */

export interface Migration {
  /** Strictly increasing; recorded in `schema_migrations.version`. */
  version: number;
  name: string;
  /** One or more statements, run inside the migration transaction. */
  sql: (t: DdlTypes) => string;
}

export function schemaMigrationsTable(t: DdlTypes): string {
  return `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at ${t.bigint} NOT NULL
  )${t.tableSuffix}`;
}

/** The migrations of `all` not yet in `applied`, in order. Throws if the list itself is out of order. */
export function pendingMigrations(all: readonly Migration[], applied: Iterable<number>): Migration[] {
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.version <= all[i - 1]!.version) {
      throw new Error(`Migrations out of order: version ${all[i]!.version} follows ${all[i - 1]!.version}`);
    }
  }
  const done = new Set(applied);
  return all.filter((m) => !done.has(m.version));
}

/** Highest applied version that this release does not know (a newer release migrated), or undefined. */
export function unknownAppliedVersion(
  all: readonly Migration[],
  applied: Iterable<number>,
): number | undefined {
  const known = new Set(all.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  return unknown.length > 0 ? Math.max(...unknown) : undefined;
}

/**
 * Applies the migrations of `all` that the database does not have yet, in order, in one exclusive transaction
 * (replicas starting together migrate one after the other). A version this release does not know is logged.
 */
export async function runMigrations(
  db: SqlDialect,
  all: readonly Migration[],
  opts: { logger?: Logger | undefined; now: () => number },
): Promise<void> {
  const log = opts.logger;
  const appliedVersion = z.object({ version: db.read.int });
  await db.exclusive(async (tx) => {
    await tx.script(schemaMigrationsTable(db.ddl));
    const versions = await tx.query('SELECT version FROM schema_migrations');
    const applied = versions.map((row) => appliedVersion.parse(row).version);
    const newer = unknownAppliedVersion(all, applied);
    if (newer !== undefined) {
      log?.warn({ version: newer }, 'action store schema is newer than this release knows');
    }
    for (const m of pendingMigrations(all, applied)) {
      await tx.script(m.sql(db.ddl));
      const values: SqlValue[] = [];
      const bind = (value: SqlValue): string => {
        values.push(value);
        return db.placeholder(values.length);
      };
      await tx.query(
        `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${bind(m.version)}, ${bind(m.name)}, ${bind(opts.now())})`,
        values,
      );
      log?.info({ version: m.version, name: m.name }, 'applied action store migration');
    }
  });
}
