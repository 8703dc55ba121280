import { type Migration, runMigrations } from '../database/migrations.js';
import type { Bind, SqlDialect, SqlValue } from '../database/sql-dialect.js';
import type { Logger } from '../logger.js';
import { billingOps } from './billing-gate.js';
import { ACTIONS_AND_AUDIT } from './migrations.js';
import { rowReader } from './row-schemas.js';
import {
  ACTION_COLUMNS,
  type ActionRowChange,
  AUDIT_COLUMNS,
  actionToRow,
  auditToRow,
  patchToRowChange,
} from './rows.js';
import type { ActionStore, ClaimRequest, ClaimResult, UpdateGuard } from './store.js';
import type { ActionState, AuditEntry, PendingAction } from './types.js';

export interface SqlStoreOptions {
  logger?: Logger;
  /** Clock for `updatedAt` when a patch does not set it, and for `schema_migrations.applied_at`. */
  now?: () => number;
  /**
   * The schema `migrate()` brings the database to: the whole ordered list, with every feature's tables, from the
   * composition (src/store/migrations.ts); only the action store's own tables when absent.
   */
  migrations?: readonly Migration[];
}

/** A WHERE condition; it binds its values through `bind`, in the order of its text. */
type Condition = (bind: Bind) => string;

/** States whose rows carry an executing lease that may run out (a crashed replica). */
const LEASED_STATES: readonly ActionState[] = ['executing', 'outcome_unknown'];

/** A Post / Post again / Resume click may claim a proposed row, or a failed one that offers to resume. */
const claimable: Condition = (bind) =>
  `(state = ${bind('proposed')} OR (state = ${bind('failed')} AND resumable = ${bind(true)}))`;

const leased: Condition = (bind) => `state IN (${LEASED_STATES.map(bind).join(', ')})`;

/**
 * The action store, written once over a dialect adapter (sqlite-store.ts, postgres-store.ts).
 *
 * Every conditional method is ONE `UPDATE … WHERE … RETURNING *` statement, so that exactly one caller, in any
 * replica, wins: SQLite runs it under the database write lock; PostgreSQL, under READ COMMITTED, re-checks the
 * WHERE of a statement that waited for a row lock against the committed row. The bulk sweeps pick their rows with
 * the adapter's `skipLocked`, so concurrent sweepers never return the same row.
 */
export function openSqlStore(db: SqlDialect, opts: SqlStoreOptions = {}): ActionStore {
  const now = opts.now ?? Date.now;
  const log = opts.logger;
  const read = rowReader(db.read);
  let closed = false;

  /** A statement's parameters: `bind` appends a value and returns its placeholder. */
  function parameters(): { values: SqlValue[]; bind: Bind } {
    const values: SqlValue[] = [];
    return { values, bind: (value) => db.placeholder(values.push(value)) };
  }

  /** `UPDATE actions SET <patch> WHERE <where> RETURNING *`, the one statement every state change is. */
  async function updateReturning(change: ActionRowChange, where: Condition): Promise<PendingAction[]> {
    const { values, bind } = parameters();
    const sets = change.columns.map(([column, value]) => `${column} = ${bind(value)}`);
    if (change.dataSet.length > 0 || change.dataRemove.length > 0) {
      sets.push(`data = ${db.jsonPatch('data', change.dataSet, change.dataRemove, bind)}`);
    }
    const sql = `UPDATE actions SET ${sets.join(', ')} WHERE ${where(bind)} RETURNING *`;
    return (await db.query(sql, values)).map(read.action);
  }

  /** A conditional update of one row: the row after the update, or undefined when the condition failed. */
  async function updateOne(
    id: string,
    patch: Partial<PendingAction>,
    condition: Condition,
  ): Promise<PendingAction | undefined> {
    const change = patchToRowChange(patch, id);
    const [row] = await updateReturning(change, (bind) => `id = ${bind(id)} AND (${condition(bind)})`);
    return row;
  }

  /** A sweep: updates every row that meets `condition`; concurrent sweepers never return the same row. */
  async function sweep(patch: Partial<PendingAction>, condition: Condition): Promise<PendingAction[]> {
    const rows = await updateReturning(
      patchToRowChange(patch),
      (bind) =>
        `id IN (SELECT id FROM actions WHERE ${condition(bind)}${db.skipLocked}) AND ${condition(bind)}`,
    );
    return rows.sort(byCreation);
  }

  async function get(id: string): Promise<PendingAction | undefined> {
    const [row] = await db.query(`SELECT * FROM actions WHERE id = ${db.placeholder(1)}`, [id]);
    return row ? read.action(row) : undefined;
  }

  function insertInto(table: string, columns: readonly string[], values: SqlValue[]): Promise<unknown> {
    const placeholders = columns.map((_, i) => db.placeholder(i + 1)).join(', ');
    return db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})`, values);
  }

  return {
    async migrate(): Promise<void> {
      await runMigrations(db, opts.migrations ?? [ACTIONS_AND_AUDIT], { logger: log, now });
    },

    async insert(action: PendingAction): Promise<void> {
      await insertInto('actions', ACTION_COLUMNS, actionToRow(action));
    },

    get,

    async claim(id: string, req: ClaimRequest): Promise<ClaimResult> {
      const won = await updateOne(
        id,
        claimPatch(req),
        (bind) =>
          `attempt = ${bind(req.expectedAttempt)} AND expires_at > ${bind(req.now)} AND ${claimable(bind)}`,
      );
      return won ? { won: true, action: won } : { won: false, action: await get(id) };
    },

    async update(
      id: string,
      guard: UpdateGuard,
      patch: Partial<PendingAction>,
    ): Promise<PendingAction | undefined> {
      if (guard.states?.length === 0) return undefined;
      return updateOne(id, { ...patch, updatedAt: patch.updatedAt ?? now() }, (bind) => {
        const conditions: string[] = [];
        if (guard.states) conditions.push(`state IN (${guard.states.map(bind).join(', ')})`);
        if (guard.leaseOwner !== undefined) conditions.push(`lease_owner = ${bind(guard.leaseOwner)}`);
        if (guard.attempt !== undefined) conditions.push(`attempt = ${bind(guard.attempt)}`);
        return conditions.join(' AND ') || 'TRUE';
      });
    },

    takeOverStale(
      owner: string,
      at: number,
      leaseMs: number,
      alsoOwnedBy?: string,
    ): Promise<PendingAction[]> {
      // `lease_owner = NULL` never matches, so without `alsoOwnedBy` only expired leases are taken.
      return sweep(
        { leaseOwner: owner, leaseUntil: at + leaseMs, updatedAt: at },
        (bind) =>
          `${leased(bind)} AND (coalesce(lease_until, 0) < ${bind(at)} OR lease_owner = ${bind(alsoOwnedBy ?? null)})`,
      );
    },

    takeOver(id: string, owner: string, at: number, leaseMs: number): Promise<PendingAction | undefined> {
      return updateOne(
        id,
        { leaseOwner: owner, leaseUntil: at + leaseMs, updatedAt: at },
        (bind) => `${leased(bind)} AND (lease_owner IS NULL OR coalesce(lease_until, 0) < ${bind(at)})`,
      );
    },

    expireDue(at: number): Promise<PendingAction[]> {
      return sweep(
        { state: 'expired', updatedAt: at },
        (bind) => `expires_at <= ${bind(at)} AND ${claimable(bind)}`,
      );
    },

    async appendAudit(entry: AuditEntry): Promise<void> {
      await insertInto('audit', AUDIT_COLUMNS, auditToRow(entry));
    },

    async listAudit(ticketId: number, limit: number): Promise<AuditEntry[]> {
      const { values, bind } = parameters();
      const rows = await db.query(
        `SELECT * FROM audit WHERE ticket_id = ${bind(ticketId)} ORDER BY id DESC LIMIT ${bind(limit)}`,
        values,
      );
      return rows.map(read.audit);
    },

    async listAuditBy(slackUserId: string, limit: number): Promise<AuditEntry[]> {
      const { values, bind } = parameters();
      const rows = await db.query(
        `SELECT * FROM audit WHERE requester = ${bind(slackUserId)} OR clicker = ${bind(slackUserId)} ORDER BY id DESC LIMIT ${bind(limit)}`,
        values,
      );
      return rows.map(read.audit);
    },

    async listAwaitingApproval(slackUserId: string, at: number, limit: number): Promise<PendingAction[]> {
      // Whether a card is billing is a property of its steps (billing-gate.ts), in the JSON `data`: filtered in
      // SQL (a step whose op puts money on a ticket), so that other cards never push billing ones past the limit.
      // Who may approve is the caller's to decide, from the configuration as it is. (Bound in the text's order.)
      const { values, bind } = parameters();
      const rows = await db.query(
        `SELECT * FROM actions WHERE state = ${bind('proposed')} AND expires_at > ${bind(at)} AND requester <> ${bind(slackUserId)} AND ${db.jsonArrayHas('data', 'steps', 'op', billingOps(), bind)} ORDER BY created_at DESC LIMIT ${bind(limit)}`,
        values,
      );
      return rows.map(read.action);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}

/** What a won claim writes; the condition is in the claim statement. */
function claimPatch(req: ClaimRequest): Partial<PendingAction> {
  const patch: Partial<PendingAction> = {
    state: 'executing',
    // Equal to `attempt + 1`: the statement only matches while attempt = expectedAttempt.
    attempt: req.expectedAttempt + 1,
    clickedBy: req.clicker,
    clickedAt: req.now,
    leaseOwner: req.owner,
    leaseUntil: req.now + req.leaseMs,
    updatedAt: req.now,
  };
  if (req.approvedBy !== undefined) patch.approvedBy = req.approvedBy;
  return patch;
}

/** Orders the rows a sweep returns (RETURNING has no defined order). */
function byCreation(a: PendingAction, b: PendingAction): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
