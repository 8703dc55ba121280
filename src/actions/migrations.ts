/**
 * The schema of the action store, as an ordered list of migrations per dialect (the mapping between rows and
 * `PendingAction` / `AuditEntry` is in rows.ts).
 *
 * Rules for new migrations: append, never edit or renumber an applied one; keep them additive where possible so
 * that a replica still running the previous release keeps working during a rolling deploy.
 */

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  /** Strictly increasing; recorded in `schema_migrations.version`. */
  version: number;
  name: string;
  /** One or more statements, run inside the migration transaction. */
  sql: string;
}

export const SCHEMA_MIGRATIONS_TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
  )`,
} as const satisfies Record<Dialect, string>;

export const MIGRATIONS: Record<Dialect, readonly Migration[]> = {
  sqlite: [
    {
      version: 1,
      name: 'actions and audit',
      sql: `
        CREATE TABLE actions (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          state TEXT NOT NULL,
          attempt INTEGER NOT NULL,
          requester TEXT NOT NULL,
          ticket_id INTEGER,
          resumable INTEGER,
          expires_at INTEGER NOT NULL,
          lease_owner TEXT,
          lease_until INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          data TEXT NOT NULL CHECK (json_valid(data))
        ) STRICT;
        CREATE INDEX actions_state_expires ON actions (state, expires_at);
        CREATE INDEX actions_state_lease ON actions (state, lease_until);

        CREATE TABLE audit (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          action_id TEXT NOT NULL,
          ticket_id INTEGER,
          ticket_number TEXT,
          requester TEXT NOT NULL,
          clicker TEXT,
          approver TEXT,
          syncro_user_id INTEGER NOT NULL,
          syncro_name TEXT NOT NULL,
          key_kind TEXT NOT NULL,
          method TEXT NOT NULL,
          endpoint TEXT NOT NULL,
          payload TEXT CHECK (payload IS NULL OR json_valid(payload)),
          outcome TEXT NOT NULL,
          result_id INTEGER,
          error TEXT,
          started_at INTEGER NOT NULL,
          finished_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX audit_ticket ON audit (ticket_id, id);
        CREATE INDEX audit_action ON audit (action_id);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
          BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
          BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
      `,
    },
  ],
  postgres: [
    {
      version: 1,
      name: 'actions and audit',
      sql: `
        CREATE TABLE actions (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          state TEXT NOT NULL,
          attempt INTEGER NOT NULL,
          requester TEXT NOT NULL,
          ticket_id BIGINT,
          resumable BOOLEAN,
          expires_at BIGINT NOT NULL,
          lease_owner TEXT,
          lease_until BIGINT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL,
          data JSONB NOT NULL
        );
        CREATE INDEX actions_state_expires ON actions (state, expires_at);
        CREATE INDEX actions_state_lease ON actions (state, lease_until);

        CREATE TABLE audit (
          id BIGSERIAL PRIMARY KEY,
          action_id TEXT NOT NULL,
          ticket_id BIGINT,
          ticket_number TEXT,
          requester TEXT NOT NULL,
          clicker TEXT,
          approver TEXT,
          syncro_user_id BIGINT NOT NULL,
          syncro_name TEXT NOT NULL,
          key_kind TEXT NOT NULL,
          method TEXT NOT NULL,
          endpoint TEXT NOT NULL,
          payload JSONB,
          outcome TEXT NOT NULL,
          result_id BIGINT,
          error TEXT,
          started_at BIGINT NOT NULL,
          finished_at BIGINT NOT NULL
        );
        CREATE INDEX audit_ticket ON audit (ticket_id, id);
        CREATE INDEX audit_action ON audit (action_id);
        CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'audit is append-only'; END
        $$;
        CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
          FOR EACH ROW EXECUTE FUNCTION audit_append_only();
      `,
    },
  ],
};

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
