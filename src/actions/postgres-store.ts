import pg from 'pg';
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

export interface PostgresStoreOptions {
  logger?: Logger;
  /** Clock for `updatedAt` when a patch does not set it. */
  now?: () => number;
  /** Pool size (default 10). */
  maxConnections?: number;
}

type Row = Record<string, unknown>;

/**
 * Key of the transaction-scoped advisory lock that serialises `migrate()` across replicas ("syncro" in ASCII).
 * Advisory locks are per database, so two databases on one server do not wait for each other.
 */
const MIGRATION_LOCK_KEY = 0x73796e63726f;

/** States whose rows carry an executing lease that may run out (a crashed replica). */
const STALE_STATES = "('executing', 'outcome_unknown')";

/**
 * Opens a PostgreSQL action store on a connection pool. Call `migrate()` before use.
 *
 * Every conditional method is one `UPDATE … WHERE … RETURNING *` statement. Under READ COMMITTED, a statement that
 * waited for another transaction's row lock re-checks its WHERE against the committed row, so of many concurrent
 * claimers (in any replica) exactly one matches. The bulk sweeps lock their candidates with `FOR UPDATE SKIP
 * LOCKED`, so concurrent sweepers neither wait for each other nor return the same row.
 */
export function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): ActionStore {
  const pool = new pg.Pool({ connectionString: url, max: opts.maxConnections ?? 10 });
  const now = opts.now ?? Date.now;
  const log = opts.logger;
  let closed = false;

  // NOTE: without a listener, an idle connection dropped by the server would crash the process.
  pool.on('error', (err) => log?.warn({ err }, 'idle PostgreSQL connection failed'));

  async function query(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await pool.query(sql, params);
    return result.rows as Row[];
  }

  /**
   * One `UPDATE … SET <patch> WHERE id = $n AND <condition> RETURNING *`. `condition` receives the placeholder
   * helper, so the parameter numbers follow the order in which fragments are built.
   */
  async function conditionalUpdate(
    id: string,
    patch: Partial<PendingAction>,
    condition: (p: (v: unknown) => string) => string,
  ): Promise<PendingAction | undefined> {
    const change = patchToRowChange(id, patch);
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    const sets = change.columns.map(([column, value]: [string, ColumnValue]) => `${column} = ${p(value)}`);
    let data = 'data';
    if (change.dataSet.length > 0) {
      // `||` on jsonb replaces top-level keys whole (no deep merge), which is what a patch means.
      const replaced = `{${change.dataSet.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
      data = `(${data} || ${p(replaced)}::jsonb)`;
    }
    if (change.dataRemove.length > 0) data = `(${data} - ${p(change.dataRemove)}::text[])`;
    if (data !== 'data') sets.push(`data = ${data}`);
    if (sets.length === 0) throw new Error(`Empty patch for action ${id}`);
    const sql = `UPDATE actions SET ${sets.join(', ')} WHERE id = ${p(id)} AND (${condition(p)}) RETURNING *`;
    const rows = await query(sql, params);
    return rows[0] ? rowToAction(rows[0]) : undefined;
  }

  async function get(id: string): Promise<PendingAction | undefined> {
    const rows = await query('SELECT * FROM actions WHERE id = $1', [id]);
    return rows[0] ? rowToAction(rows[0]) : undefined;
  }

  function placeholders(count: number): string {
    return Array.from({ length: count }, (_, i) => `$${i + 1}`).join(', ');
  }

  return {
    async migrate(): Promise<void> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Replicas starting together queue here; the first applies the migrations, the others then find none.
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        await client.query(SCHEMA_MIGRATIONS_TABLE.postgres);
        const applied = (
          await client.query<{ version: number }>('SELECT version FROM schema_migrations')
        ).rows.map((r) => r.version);
        const newer = unknownAppliedVersion(MIGRATIONS.postgres, applied);
        if (newer !== undefined) {
          log?.warn({ version: newer }, 'action store schema is newer than this release knows');
        }
        for (const m of pendingMigrations(MIGRATIONS.postgres, applied)) {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, now()],
          );
          log?.info({ version: m.version, name: m.name }, 'applied action store migration');
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    async insert(action: PendingAction): Promise<void> {
      await query(
        `INSERT INTO actions (${ACTION_COLUMNS.join(', ')}) VALUES (${placeholders(ACTION_COLUMNS.length)})`,
        actionToRow(action),
      );
    },

    get,

    async claim(id: string, req: ClaimRequest): Promise<ClaimResult> {
      const won = await conditionalUpdate(
        id,
        claimPatch(req),
        (p) =>
          `attempt = ${p(req.expectedAttempt)} AND expires_at > ${p(req.now)}` +
          ` AND (state = 'proposed' OR (state = 'failed' AND resumable IS TRUE))`,
      );
      return won ? { won: true, action: won } : { won: false, action: await get(id) };
    },

    async update(
      id: string,
      guard: UpdateGuard,
      patch: Partial<PendingAction>,
    ): Promise<PendingAction | undefined> {
      if (guard.states?.length === 0) return undefined;
      return conditionalUpdate(id, { ...patch, updatedAt: patch.updatedAt ?? now() }, (p) => {
        const conditions = ['TRUE'];
        if (guard.states) conditions.push(`state = ANY(${p(guard.states)}::text[])`);
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
      const stale = `state IN ${STALE_STATES} AND (coalesce(lease_until, 0) < $3 OR lease_owner = $4)`;
      const rows = await query(
        `UPDATE actions SET lease_owner = $1, lease_until = $2, updated_at = $3
         WHERE id IN (SELECT id FROM actions WHERE ${stale} FOR UPDATE SKIP LOCKED) AND ${stale}
         RETURNING *`,
        [owner, at + leaseMs, at, alsoOwnedBy ?? null],
      );
      return rows.map(rowToAction).sort(byCreation);
    },

    async takeOver(
      id: string,
      owner: string,
      at: number,
      leaseMs: number,
    ): Promise<PendingAction | undefined> {
      const rows = await query(
        `UPDATE actions SET lease_owner = $1, lease_until = $2, updated_at = $3
         WHERE id = $4 AND state IN ${STALE_STATES} AND (lease_owner IS NULL OR coalesce(lease_until, 0) < $3)
         RETURNING *`,
        [owner, at + leaseMs, at, id],
      );
      return rows[0] ? rowToAction(rows[0]) : undefined;
    },

    async expireDue(at: number): Promise<PendingAction[]> {
      const due = `expires_at <= $1 AND (state = 'proposed' OR (state = 'failed' AND resumable IS TRUE))`;
      const rows = await query(
        `UPDATE actions SET state = 'expired', updated_at = $1
         WHERE id IN (SELECT id FROM actions WHERE ${due} FOR UPDATE SKIP LOCKED) AND ${due}
         RETURNING *`,
        [at],
      );
      return rows.map(rowToAction).sort(byCreation);
    },

    async appendAudit(entry: AuditEntry): Promise<void> {
      await query(
        `INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${placeholders(AUDIT_COLUMNS.length)})`,
        auditToRow(entry),
      );
    },

    async listAudit(ticketId: number, limit: number): Promise<AuditEntry[]> {
      const rows = await query('SELECT * FROM audit WHERE ticket_id = $1 ORDER BY id DESC LIMIT $2', [
        ticketId,
        limit,
      ]);
      return rows.map(rowToAudit);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
