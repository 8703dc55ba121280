import type { ClaimRequest } from './store.js';
import type { AuditEntry, PendingAction } from './types.js';

/**
 * The mapping between `PendingAction` / `AuditEntry` and the rows of the tables the migrations create, shared by
 * both stores so that the two dialects cannot drift apart.
 */

// ---------------------------------------------------------------------------------------------------------------
// Row mapping: `actions`
// ---------------------------------------------------------------------------------------------------------------

/** A value bound to a real column; `null` clears it. Each store converts booleans for its dialect. */
export type ColumnValue = string | number | boolean | null;

/**
 * PendingAction fields that have their own column, because a condition or an index needs them. Everything else
 * (and `ticket` in full) lives in the `data` JSON.
 */
const COLUMN_OF = {
  kind: 'kind',
  state: 'state',
  attempt: 'attempt',
  requesterSlackId: 'requester',
  resumable: 'resumable',
  expiresAt: 'expires_at',
  leaseOwner: 'lease_owner',
  leaseUntil: 'lease_until',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Partial<Record<keyof PendingAction, string>>;

type ColumnField = keyof typeof COLUMN_OF;

/** Fields every row has; a patch may replace them but not clear them. */
const REQUIRED_FIELDS: ReadonlySet<string> = new Set<keyof PendingAction>([
  'kind',
  'state',
  'attempt',
  'requesterSlackId',
  'signer',
  'summary',
  'steps',
  'slack',
  'createdAt',
  'updatedAt',
  'expiresAt',
]);

/** A `data` key becomes a JSON path (`$.key`) in SQLite, so only plain identifiers are accepted. */
const DATA_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isColumnField(key: string): key is ColumnField {
  return Object.hasOwn(COLUMN_OF, key);
}

/** The columns of `actions`, in insert order. */
export const ACTION_COLUMNS = [
  'id',
  'kind',
  'state',
  'attempt',
  'requester',
  'ticket_id',
  'resumable',
  'expires_at',
  'lease_owner',
  'lease_until',
  'created_at',
  'updated_at',
  'data',
] as const;

/** The row for a new action: column values (same order as `ACTION_COLUMNS`, `data` as JSON text last). */
export function actionToRow(action: PendingAction): ColumnValue[] {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(action)) {
    if (key !== 'id' && !isColumnField(key)) data[key] = value;
  }
  return [
    action.id,
    action.kind,
    action.state,
    action.attempt,
    action.requesterSlackId,
    action.ticket?.id ?? null,
    action.resumable ?? null,
    action.expiresAt,
    action.leaseOwner ?? null,
    action.leaseUntil ?? null,
    action.createdAt,
    action.updatedAt,
    JSON.stringify(data),
  ];
}

/** What a patch changes: real columns, top-level `data` keys to replace, and `data` keys to remove. */
export interface ActionRowChange {
  columns: Array<[column: string, value: ColumnValue]>;
  dataSet: Array<[key: string, json: string]>;
  dataRemove: string[];
}

/**
 * Splits a patch into column and `data` changes. A key present with the value `undefined` clears an optional
 * field (e.g. `{ error: undefined }`); top-level fields are replaced whole (`slack`, `steps`), never merged.
 * `id` cannot change.
 */
export function patchToRowChange(id: string, patch: Partial<PendingAction>): ActionRowChange {
  const change: ActionRowChange = { columns: [], dataSet: [], dataRemove: [] };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'id') {
      if (value !== id) throw new Error(`An action's id cannot change (${id} → ${String(value)})`);
      continue;
    }
    if (value === undefined && REQUIRED_FIELDS.has(key)) {
      throw new Error(`Patch of action ${id} clears required field "${key}"`);
    }
    if (isColumnField(key)) {
      change.columns.push([COLUMN_OF[key], (value ?? null) as ColumnValue]);
      continue;
    }
    if (!DATA_KEY.test(key)) throw new Error(`Patch of action ${id} has an invalid field name "${key}"`);
    if (value === undefined) change.dataRemove.push(key);
    else change.dataSet.push([key, JSON.stringify(value)]);
    if (key === 'ticket') change.columns.push(['ticket_id', (value as PendingAction['ticket'])?.id ?? null]);
  }
  return change;
}

function num(value: unknown): number {
  // PostgreSQL returns BIGINT as a string; epoch milliseconds and Syncro ids are far below 2^53.
  return typeof value === 'string' ? Number(value) : (value as number);
}

function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** The action a row of `actions` holds (either dialect). Absent optional fields stay absent. */
export function rowToAction(row: Record<string, unknown>): PendingAction {
  const action = {
    ...(json(row.data) as Record<string, unknown>),
    id: row.id as string,
    kind: row.kind,
    state: row.state,
    attempt: num(row.attempt),
    requesterSlackId: row.requester,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    expiresAt: num(row.expires_at),
  } as PendingAction;
  if (row.resumable !== null && row.resumable !== undefined) {
    action.resumable = row.resumable === true || row.resumable === 1;
  }
  if (row.lease_owner !== null && row.lease_owner !== undefined)
    action.leaseOwner = row.lease_owner as string;
  if (row.lease_until !== null && row.lease_until !== undefined) action.leaseUntil = num(row.lease_until);
  return action;
}

/** Orders rows returned by a bulk update (RETURNING has no defined order). */
export function byCreation(a: PendingAction, b: PendingAction): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Row mapping: `audit`
// ---------------------------------------------------------------------------------------------------------------

/** The columns of `audit` written by `appendAudit`, in order (`id` is assigned by the database). */
export const AUDIT_COLUMNS = [
  'action_id',
  'ticket_id',
  'ticket_number',
  'requester',
  'clicker',
  'approver',
  'syncro_user_id',
  'syncro_name',
  'key_kind',
  'method',
  'endpoint',
  'payload',
  'outcome',
  'result_id',
  'error',
  'started_at',
  'finished_at',
] as const;

export function auditToRow(e: AuditEntry): ColumnValue[] {
  return [
    e.actionId,
    e.ticketId ?? null,
    e.ticketNumber ?? null,
    e.requesterSlackId,
    e.clickerSlackId ?? null,
    e.approverSlackId ?? null,
    e.syncroUserId,
    e.syncroName,
    e.keyKind,
    e.method,
    e.endpoint,
    e.payload === undefined ? null : JSON.stringify(e.payload),
    e.outcome,
    e.resultId ?? null,
    e.error ?? null,
    e.startedAt,
    e.finishedAt,
  ];
}

export function rowToAudit(row: Record<string, unknown>): AuditEntry {
  const entry: AuditEntry = {
    actionId: row.action_id as string,
    requesterSlackId: row.requester as string,
    syncroUserId: num(row.syncro_user_id),
    syncroName: row.syncro_name as string,
    keyKind: row.key_kind as AuditEntry['keyKind'],
    method: row.method as string,
    endpoint: row.endpoint as string,
    outcome: row.outcome as AuditEntry['outcome'],
    startedAt: num(row.started_at),
    finishedAt: num(row.finished_at),
  };
  if (row.ticket_id != null) entry.ticketId = num(row.ticket_id);
  if (row.ticket_number != null) entry.ticketNumber = row.ticket_number as string;
  if (row.clicker != null) entry.clickerSlackId = row.clicker as string;
  if (row.approver != null) entry.approverSlackId = row.approver as string;
  if (row.payload != null) entry.payload = json(row.payload) as Record<string, unknown>;
  if (row.result_id != null) entry.resultId = num(row.result_id);
  if (row.error != null) entry.error = row.error as string;
  return entry;
}

/** What a won claim writes (both dialects; the condition is in each store's claim statement). */
export function claimPatch(req: ClaimRequest): Partial<PendingAction> {
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
