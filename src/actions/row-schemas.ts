import { z } from 'zod';
import type { ColumnCodecs, SqlRow } from '../database/sql-dialect.js';
import { ACTION_KINDS, STEP_KINDS } from './kinds/registry.js';
import { StoreRowInvalidError } from './store.js';
import type {
  ActionDraft,
  ActionKind,
  ActionProblem,
  ActionState,
  ActionSummary,
  AuditEntry,
  PendingAction,
  Signer,
  SlackCoordinates,
  TicketRef,
  WriteStep,
} from './types.js';

/**
 * Rows read back from either dialect are parsed here, never cast: the envelope columns strictly, the JSON payload
 * (`steps`, `summary`) by the tolerant schemas below. A row that does not parse is an error with a code, not a
 * half-filled `PendingAction`.
 */

/**
 * A list of every member of the string union `T`: one added to types.ts but not here fails the typecheck, so the
 * schemas below cannot fall behind the types.
 */
function everyOf<T extends string>() {
  return <const L extends readonly [T, ...T[]]>(list: [T] extends [L[number]] ? L : never): L => list;
}

// The kinds a row may hold are the registry's: a row of a kind this release does not know is refused on load.
const kind = z.custom<ActionKind>(
  (v) => typeof v === 'string' && Object.hasOwn(ACTION_KINDS, v),
  'kind must be a registered action kind',
);
const state = z.enum(
  everyOf<ActionState>()([
    'proposed',
    'executing',
    'outcome_unknown',
    'succeeded',
    'failed',
    'cancelled',
    'expired',
  ]),
);
const outcome = z.enum(
  everyOf<AuditEntry['outcome']>()([
    'succeeded',
    'failed',
    'outcome_unknown',
    'found_after_unknown',
    'absent_after_unknown',
  ]),
);
const keyKind = z.enum(['own', 'shared']);

// NOTE: nested objects are loose (unknown keys are kept, not stripped): a row written by a newer release during a
// rolling deploy must come back whole when this release patches another field of it.
const signer: z.ZodType<Signer> = z.looseObject({
  slackUserId: z.string(),
  syncroUserId: z.number(),
  syncroName: z.string(),
  keyKind,
  keySource: z.string(),
});
const slack: z.ZodType<SlackCoordinates> = z.looseObject({
  channelId: z.string(),
  ephemeral: z.boolean(),
  responseUrl: z.string().optional(),
  responseUrlIssuedAt: z.number().optional(),
  responseUrlUses: z.number().optional(),
  messageTs: z.string().optional(),
});
const ticket: z.ZodType<TicketRef> = z.looseObject({
  id: z.number(),
  number: z.string(),
  subject: z.string(),
  customerId: z.number().optional(),
  customerName: z.string().optional(),
});

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;
const isStepOp = (op: unknown): boolean => typeof op === 'string' && Object.hasOwn(STEP_KINDS, op);

/**
 * The JSON payload of a row: what a write kind defines (src/actions/kinds). Deliberately tolerant (the right outer
 * shape) so that rows written before a kind changed its steps, summary or draft still load; a kind may tighten
 * these.
 */
export const payloadSchemas = {
  steps: z.custom<WriteStep[]>(
    (v) =>
      Array.isArray(v) &&
      v.every((s) => isObject(s) && 'op' in s && isStepOp(s.op) && 'status' in s && 'path' in s),
    'steps must be a list of steps of registered kinds',
  ),
  summary: z.custom<ActionSummary>(isObject, 'summary must be an object'),
  draft: z.custom<ActionDraft>(
    (v) => isObject(v) && 'kind' in v && typeof v.kind === 'string' && Object.hasOwn(ACTION_KINDS, v.kind),
    'draft must be an object of a registered kind',
  ),
  problem: z.custom<ActionProblem>(
    (v) => isObject(v) && 'code' in v,
    'problem must be an object with a code',
  ),
};

/** The `data` column: every field of `PendingAction` that has no column of its own. */
const actionData = z.looseObject({
  signer,
  summary: payloadSchemas.summary,
  steps: payloadSchemas.steps,
  slack,
  ticket: ticket.optional(),
  clickedBy: z.string().optional(),
  clickedAt: z.number().optional(),
  approvedBy: z.string().optional(),
  problem: payloadSchemas.problem.optional(),
  draft: payloadSchemas.draft.optional(),
  cancelledBy: z.string().optional(),
});

/** Columns whose field is not their name in camelCase. */
const FIELD_OF_COLUMN: Readonly<Record<string, string>> = {
  requester: 'requesterSlackId',
  clicker: 'clickerSlackId',
  approver: 'approverSlackId',
};

/**
 * A row under its fields' names, without its NULL columns: a NULL column is an absent optional field (the
 * contract keeps "absent" apart from "undefined").
 */
function asFields(row: unknown): unknown {
  if (typeof row !== 'object' || row === null) return row;
  const fields: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (value === null) continue;
    fields[FIELD_OF_COLUMN[column] ?? column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return fields;
}

/** A row of `actions`: the envelope columns (`ticket_id` only indexes `data.ticket`) and the `data` JSON. */
function actionRow(read: ColumnCodecs): z.ZodType<PendingAction> {
  const envelope = z.object({
    id: z.string(),
    kind,
    state,
    attempt: read.int,
    requesterSlackId: z.string(),
    resumable: read.bool.optional(),
    expiresAt: read.int,
    leaseOwner: z.string().optional(),
    leaseUntil: read.int.optional(),
    createdAt: read.int,
    updatedAt: read.int,
    data: read.json.pipe(actionData),
  });
  return z.preprocess(
    asFields,
    envelope.transform(({ data, ...columns }) => ({ ...data, ...columns })),
  );
}

/** A row of `audit` (its `id` only orders the log). */
function auditRow(read: ColumnCodecs): z.ZodType<AuditEntry> {
  return z.preprocess(
    asFields,
    z.object({
      actionId: z.string(),
      ticketId: read.int.optional(),
      ticketNumber: z.string().optional(),
      requesterSlackId: z.string(),
      clickerSlackId: z.string().optional(),
      approverSlackId: z.string().optional(),
      syncroUserId: read.int,
      syncroName: z.string(),
      keyKind,
      method: z.string(),
      endpoint: z.string(),
      payload: read.json.pipe(z.record(z.string(), z.unknown())).optional(),
      outcome,
      resultId: read.int.optional(),
      error: z.string().optional(),
      startedAt: read.int,
      finishedAt: read.int,
    }),
  );
}

function parse<T>(schema: z.ZodType<T>, row: SqlRow, table: string): T {
  const result = schema.safeParse(row);
  if (result.success) return result.data;
  const where = typeof row.id === 'string' || typeof row.id === 'number' ? ` ${row.id}` : '';
  throw new StoreRowInvalidError(`Row${where} of ${table} is not valid: ${z.prettifyError(result.error)}`, {
    cause: result.error,
  });
}

export interface RowReader {
  action(row: SqlRow): PendingAction;
  audit(row: SqlRow): AuditEntry;
}

/** Parsers for rows as this dialect's driver returns them. */
export function rowReader(read: ColumnCodecs): RowReader {
  const actions = actionRow(read);
  const audits = auditRow(read);
  return {
    action: (row) => parse(actions, row, 'actions'),
    audit: (row) => parse(audits, row, 'audit'),
  };
}
