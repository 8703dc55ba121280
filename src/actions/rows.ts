import type { SqlValue } from '../database/sql-dialect.js';
import { StorePatchInvalidError } from './store.js';
import type { AuditEntry, PendingAction } from './types.js';

/**
 * How `PendingAction` / `AuditEntry` become the rows of the tables the migrations create (reading them back is
 * row-schemas.ts). Dialect-neutral: the adapter binds the values.
 */

// ---------------------------------------------------------------------------------------------------------------
// Row mapping: `actions`
// ---------------------------------------------------------------------------------------------------------------

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
export function actionToRow(action: PendingAction): SqlValue[] {
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
  columns: Array<[column: string, value: SqlValue]>;
  dataSet: Array<[key: string, json: string]>;
  dataRemove: string[];
}

/**
 * Splits a patch into column and `data` changes. A key present with the value `undefined` clears an optional
 * field (e.g. `{ error: undefined }`); top-level fields are replaced whole (`slack`, `steps`), never merged.
 * `id` cannot change.
 */
export function patchToRowChange(patch: Partial<PendingAction>, id?: string): ActionRowChange {
  const change: ActionRowChange = { columns: [], dataSet: [], dataRemove: [] };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'id') {
      if (id === undefined || value !== id)
        throw new StorePatchInvalidError(`An action's id cannot change (${id} → ${String(value)})`);
      continue;
    }
    if (value === undefined && REQUIRED_FIELDS.has(key)) {
      throw new StorePatchInvalidError(`Patch of action ${id} clears required field "${key}"`);
    }
    if (isColumnField(key)) {
      change.columns.push([COLUMN_OF[key], (value ?? null) as SqlValue]);
      continue;
    }
    if (!DATA_KEY.test(key))
      throw new StorePatchInvalidError(`Patch of action ${id} has an invalid field name "${key}"`);
    if (value === undefined) change.dataRemove.push(key);
    else change.dataSet.push([key, JSON.stringify(value)]);
    if (key === 'ticket') change.columns.push(['ticket_id', (value as PendingAction['ticket'])?.id ?? null]);
  }
  if (change.columns.length + change.dataSet.length + change.dataRemove.length === 0) {
    throw new StorePatchInvalidError(`Empty patch for action ${id ?? '(sweep)'}`);
  }
  return change;
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

export function auditToRow(e: AuditEntry): SqlValue[] {
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
