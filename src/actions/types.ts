import type { EditableField } from '../slack/action-ids.js';
import type { BillingComputation } from './billing-types.js';

/**
 * Pending actions: every write to Syncro is first a row that records who asked, whose key will sign, the exact
 * request(s) and a state. Slack only ever shows these rows; only the executor sends, after winning `claim()`.
 */

export type ActionKind = 'create_ticket' | 'update_ticket' | 'close_ticket' | 'comment' | 'bill';

export type ActionState =
  | 'proposed' // card shown, nothing sent
  | 'executing' // claimed by a Post click; steps being sent
  | 'outcome_unknown' // a step's outcome is unknown; reconciling by GET
  | 'succeeded'
  | 'failed' // known state: `resumable` says whether "Post again / Resume" is offered
  | 'cancelled'
  | 'expired';

/** The states from which a Post / Post again / Resume click may claim the row. */
export const CLAIMABLE_STATES: readonly ActionState[] = ['proposed', 'failed'];
export const FINAL_STATES: readonly ActionState[] = ['succeeded', 'cancelled', 'expired'];

export type StepOp =
  | 'create_ticket'
  | 'update_ticket'
  | 'add_comment'
  | 'add_line_item'
  | 'create_invoice'
  | 'verify_invoice';

export type StepStatus =
  | 'pending' // never sent
  | 'sending' // journaled before sending: if we crash now, the outcome is unknown
  | 'succeeded'
  | 'failed' // Syncro answered with an error: known not to exist
  | 'unknown' // sent, no usable answer, not yet reconciled
  | 'absent'; // reconciled: not in Syncro (safe to send again after a new click)

/**
 * One request of an action. `path` and `body` are exactly what is sent. A path may contain `{invoice_id}`,
 * filled from an earlier step's result (the billing saga's verification step).
 */
export interface WriteStep {
  op: StepOp;
  method: 'POST' | 'PUT' | 'GET';
  path: string;
  body?: Record<string, unknown>;
  /** Human label shown on the card, e.g. "Post comment". */
  label: string;
  status: StepStatus;
  /** Syncro id of what this step created or touched (comment id, line item id, invoice id, ticket id). */
  resultId?: number;
  /** When the step was (last) journaled as sending; reconcilers look for records created since then. */
  sentAt?: number;
  /**
   * Ids of records that already matched this step's content just before it was sent (read by the executor), so
   * that reconciliation never mistakes an earlier identical comment or ticket for this one.
   */
  preexistingIds?: number[];
  finishedAt?: number;
  /** Plain-language error or reconciliation result, safe to show (never a key). */
  note?: string;
}

export interface Signer {
  /** The Slack user whose key signs (the requester). */
  slackUserId: string;
  /** The Syncro user the write will be attributed to (from GET /me). */
  syncroUserId: number;
  syncroName: string;
  /** 'own' key, or the 'shared' fallback key (then the card warns in words). */
  keyKind: 'own' | 'shared';
  /** A description of where the key comes from (`env:SYNCRO_KEY_HOWARD`), never the key. */
  keySource: string;
}

export interface SlackCoordinates {
  channelId: string;
  /** Ephemeral cards are updated through response_url; channel cards (billing) through chat.update. */
  ephemeral: boolean;
  responseUrl?: string;
  responseUrlIssuedAt?: number;
  responseUrlUses?: number;
  messageTs?: string;
}

export interface TicketRef {
  id: number;
  number: string;
  subject: string;
  customerId?: number;
  customerName?: string;
}

/** A field the requester may change on a proposed card (the payload is rebuilt and shown again). */
export interface EditableFieldState {
  field: EditableField;
  label: string;
  options: Array<{ value: string; text: string }>;
  selected: string;
}

export interface ActionSummary {
  /** One line, e.g. "Comment on #32164 · Own cloud thing again". */
  title: string;
  /** Readable summary rows: label → value (plain text; the view escapes it). */
  fields: Array<{ label: string; value: string }>;
  editable?: EditableFieldState[];
  /** Warnings in words, e.g. the shared-key attribution warning. */
  warnings?: string[];
  billing?: BillingComputation;
  /** Billing: who may press Post (Slack user ids) and whether a second person is required. */
  approval?: { approvers: string[]; requesterMayPost: boolean; requireSecondPerson: boolean };
}

export interface PendingAction {
  id: string;
  kind: ActionKind;
  state: ActionState;
  /** Incremented by every successful claim; buttons carry the attempt they were drawn for. */
  attempt: number;
  requesterSlackId: string;
  signer: Signer;
  ticket?: TicketRef;
  /** What the card shows besides the payloads; view data only, never sent. */
  summary: ActionSummary;
  steps: WriteStep[];
  slack: SlackCoordinates;
  /** Who pressed the Post that won the claim, and when. */
  clickedBy?: string;
  clickedAt?: number;
  /** Billing: who approved (if not the requester). */
  approvedBy?: string;
  /** Replica that holds the executing lease, and until when. */
  leaseOwner?: string;
  leaseUntil?: number;
  /** Whether a failed action offers "Post again" / "Resume from step k". */
  resumable?: boolean;
  /** Last error in plain words (never a key). */
  error?: string;
  cancelledBy?: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

export interface AuditEntry {
  actionId: string;
  ticketId?: number;
  ticketNumber?: string;
  requesterSlackId: string;
  clickerSlackId?: string;
  approverSlackId?: string;
  syncroUserId: number;
  syncroName: string;
  keyKind: 'own' | 'shared';
  method: string;
  endpoint: string;
  payload?: Record<string, unknown>;
  outcome: 'succeeded' | 'failed' | 'outcome_unknown' | 'found_after_unknown' | 'absent_after_unknown';
  resultId?: number;
  error?: string;
  startedAt: number;
  finishedAt: number;
}
