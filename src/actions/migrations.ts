import { enrolmentsTableSql } from '../identity/enrolment/enrolment-table.js';
import { notificationsTableSql } from '../notifications/schema.js';
import { shownLinksTableSql } from '../previews/shown-links.js';
import { timersTableSql } from '../timers/timer-store.js';
import type { DdlTypes } from './sql-dialect.js';

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

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'actions and audit',
    sql: (t) => `
      CREATE TABLE actions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        requester TEXT NOT NULL,
        ticket_id ${t.bigint},
        resumable ${t.boolean},
        expires_at ${t.bigint} NOT NULL,
        lease_owner TEXT,
        lease_until ${t.bigint},
        created_at ${t.bigint} NOT NULL,
        updated_at ${t.bigint} NOT NULL,
        data ${t.json('data', false)}
      )${t.tableSuffix};
      CREATE INDEX actions_state_expires ON actions (state, expires_at);
      CREATE INDEX actions_state_lease ON actions (state, lease_until);

      CREATE TABLE audit (
        id ${t.serialKey},
        action_id TEXT NOT NULL,
        ticket_id ${t.bigint},
        ticket_number TEXT,
        requester TEXT NOT NULL,
        clicker TEXT,
        approver TEXT,
        syncro_user_id ${t.bigint} NOT NULL,
        syncro_name TEXT NOT NULL,
        key_kind TEXT NOT NULL,
        method TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        payload ${t.json('payload', true)},
        outcome TEXT NOT NULL,
        result_id ${t.bigint},
        error TEXT,
        started_at ${t.bigint} NOT NULL,
        finished_at ${t.bigint} NOT NULL
      )${t.tableSuffix};
      CREATE INDEX audit_ticket ON audit (ticket_id, id);
      CREATE INDEX audit_action ON audit (action_id);
      ${t.appendOnly('audit')}
    `,
  },
  { version: 2, name: 'running timers', sql: timersTableSql },
  { version: 3, name: 'enrolled keys', sql: enrolmentsTableSql },
  { version: 4, name: 'shown ticket previews', sql: shownLinksTableSql },
  { version: 5, name: 'notifications: feed, outbox, subscriptions', sql: notificationsTableSql },
];

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
