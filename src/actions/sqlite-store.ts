import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../logger.js';
import {
  MIGRATIONS,
  pendingMigrations,
  SCHEMA_MIGRATIONS_TABLE,
  unknownAppliedVersion,
} from './migrations.js';
import {
  ACTION_COLUMNS,
  AUDIT_COLUMNS,
  actionToRow,
  auditToRow,
  byCreation,
  type ColumnValue,
  claimPatch,
  patchToRowChange,
  rowToAction,
  rowToAudit,
} from './rows.js';
import type { ActionStore, ClaimRequest, ClaimResult, UpdateGuard } from './store.js';
import type { AuditEntry, PendingAction } from './types.js';

export interface SqliteStoreOptions {
  logger?: Logger;
  /** Clock for `updatedAt` when a patch does not set it. */
  now?: () => number;
  /** How long a statement waits for another connection's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

type Row = Record<string, unknown>;

/** States whose rows carry an executing lease that may run out (a crashed replica). */
const STALE_STATES = "('executing', 'outcome_unknown')";

/**
 * Opens (creating if needed) a SQLite action store. Call `migrate()` before use.
 *
 * Every conditional method is one `UPDATE … WHERE … RETURNING *` statement. SQLite runs it under the database
 * write lock, so across connections, threads and processes exactly one caller's statement matches; other writers
 * wait up to `busyTimeoutMs` for the lock. NOTE: better-sqlite3 is synchronous, so within one process calls never
 * interleave at all (the promises only keep the interface shared with PostgreSQL).
 *
 * `file` may be `:memory:` (tests): each such store is a separate, private database.
 */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): ActionStore {
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory) mkdirSync(dirname(resolve(file)), { recursive: true });
  const db = new Database(file);
  // busy_timeout first: switching to WAL needs the lock another process may hold.
  db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
  if (!inMemory) db.pragma('journal_mode = WAL');
  // NOTE: FULL, not NORMAL: under WAL, NORMAL may lose the last commits on power loss, and a lost claim or
  // "sending" journal entry could let a write be sent twice.
  db.pragma('synchronous = FULL');

  const now = opts.now ?? Date.now;
  const log = opts.logger;
  const statements = new Map<string, Database.Statement>();
  let closed = false;

  /** Prepared lazily (tables exist only after `migrate()`), cached by SQL text. */
  function stmt(sql: string): Database.Statement {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  }

  /** SQLite has no boolean type: `true`/`false` are stored as 1/0. */
  function bind(value: ColumnValue): string | number | null {
    return typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }

  /**
   * One `UPDATE … SET <patch> WHERE id = ? AND <condition> RETURNING *`. `condition` receives a placeholder
   * helper so that the parameters stay in the order the SQL text uses them.
   */
  function conditionalUpdate(
    id: string,
    patch: Partial<PendingAction>,
    condition: (p: (v: ColumnValue) => string) => string,
  ): PendingAction | undefined {
    const change = patchToRowChange(id, patch);
    const params: Array<string | number | null> = [];
    const p = (v: ColumnValue): string => {
      params.push(bind(v));
      return '?';
    };
    const sets = change.columns.map(([column, value]) => `${column} = ${p(value)}`);
    let data = 'data';
    if (change.dataSet.length > 0) {
      data = `json_set(${data}, ${change.dataSet.map(([key, value]) => `${p(`$.${key}`)}, json(${p(value)})`).join(', ')})`;
    }
    if (change.dataRemove.length > 0) {
      data = `json_remove(${data}, ${change.dataRemove.map((key) => p(`$.${key}`)).join(', ')})`;
    }
    if (data !== 'data') sets.push(`data = ${data}`);
    if (sets.length === 0) throw new Error(`Empty patch for action ${id}`);
    const sql = `UPDATE actions SET ${sets.join(', ')} WHERE id = ${p(id)} AND (${condition(p)}) RETURNING *`;
    const row = stmt(sql).get(...params) as Row | undefined;
    return row ? rowToAction(row) : undefined;
  }

  function get(id: string): PendingAction | undefined {
    const row = stmt('SELECT * FROM actions WHERE id = ?').get(id) as Row | undefined;
    return row ? rowToAction(row) : undefined;
  }

  return {
    async migrate(): Promise<void> {
      // IMMEDIATE takes the write lock up front, so two processes migrating at once run one after the other.
      db.transaction(() => {
        db.exec(SCHEMA_MIGRATIONS_TABLE.sqlite);
        const applied = (
          db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>
        ).map((r) => r.version);
        const newer = unknownAppliedVersion(MIGRATIONS.sqlite, applied);
        if (newer !== undefined) {
          log?.warn({ version: newer }, 'action store schema is newer than this release knows');
        }
        for (const m of pendingMigrations(MIGRATIONS.sqlite, applied)) {
          db.exec(m.sql);
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
            m.version,
            m.name,
            now(),
          );
          log?.info({ version: m.version, name: m.name }, 'applied action store migration');
        }
      }).immediate();
    },

    async insert(action: PendingAction): Promise<void> {
      const placeholders = ACTION_COLUMNS.map(() => '?').join(', ');
      stmt(`INSERT INTO actions (${ACTION_COLUMNS.join(', ')}) VALUES (${placeholders})`).run(
        ...actionToRow(action).map(bind),
      );
    },

    async get(id: string): Promise<PendingAction | undefined> {
      return get(id);
    },

    async claim(id: string, req: ClaimRequest): Promise<ClaimResult> {
      const won = conditionalUpdate(
        id,
        claimPatch(req),
        (p) =>
          `attempt = ${p(req.expectedAttempt)} AND expires_at > ${p(req.now)}` +
          ` AND (state = 'proposed' OR (state = 'failed' AND resumable = 1))`,
      );
      return won ? { won: true, action: won } : { won: false, action: get(id) };
    },

    async update(
      id: string,
      guard: UpdateGuard,
      patch: Partial<PendingAction>,
    ): Promise<PendingAction | undefined> {
      if (guard.states?.length === 0) return undefined;
      return conditionalUpdate(id, { ...patch, updatedAt: patch.updatedAt ?? now() }, (p) => {
        const conditions = ['1 = 1'];
        if (guard.states) conditions.push(`state IN (${guard.states.map((s) => p(s)).join(', ')})`);
        if (guard.leaseOwner !== undefined) conditions.push(`lease_owner = ${p(guard.leaseOwner)}`);
        if (guard.attempt !== undefined) conditions.push(`attempt = ${p(guard.attempt)}`);
        return conditions.join(' AND ');
      });
    },

    async takeOverStale(
      owner: string,
      at: number,
      leaseMs: number,
      alsoOwnedBy?: string,
    ): Promise<PendingAction[]> {
      // `lease_owner = NULL` never matches, so without `alsoOwnedBy` only expired leases are taken.
      const rows = stmt(
        `UPDATE actions SET lease_owner = ?, lease_until = ?, updated_at = ?
         WHERE state IN ${STALE_STATES} AND (coalesce(lease_until, 0) < ? OR lease_owner = ?) RETURNING *`,
      ).all(owner, at + leaseMs, at, at, alsoOwnedBy ?? null) as Row[];
      return rows.map(rowToAction).sort(byCreation);
    },

    async takeOver(
      id: string,
      owner: string,
      at: number,
      leaseMs: number,
    ): Promise<PendingAction | undefined> {
      const row = stmt(
        `UPDATE actions SET lease_owner = ?, lease_until = ?, updated_at = ?
         WHERE id = ? AND state IN ${STALE_STATES} AND (lease_owner IS NULL OR coalesce(lease_until, 0) < ?)
         RETURNING *`,
      ).get(owner, at + leaseMs, at, id, at) as Row | undefined;
      return row ? rowToAction(row) : undefined;
    },

    async expireDue(at: number): Promise<PendingAction[]> {
      const rows = stmt(
        `UPDATE actions SET state = 'expired', updated_at = ?
         WHERE expires_at <= ? AND (state = 'proposed' OR (state = 'failed' AND resumable = 1)) RETURNING *`,
      ).all(at, at) as Row[];
      return rows.map(rowToAction).sort(byCreation);
    },

    async appendAudit(entry: AuditEntry): Promise<void> {
      const placeholders = AUDIT_COLUMNS.map(() => '?').join(', ');
      stmt(`INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${placeholders})`).run(
        ...auditToRow(entry).map(bind),
      );
    },

    async listAudit(ticketId: number, limit: number): Promise<AuditEntry[]> {
      const rows = stmt('SELECT * FROM audit WHERE ticket_id = ? ORDER BY id DESC LIMIT ?').all(
        ticketId,
        limit,
      ) as Row[];
      return rows.map(rowToAudit);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
