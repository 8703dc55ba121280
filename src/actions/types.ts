import type { BillingComputation } from './billing-types.js';
import type { ErrorFacts } from './error-facts.js';
import type { ActionDraft, WriteStep } from './kinds/registry.js';

export type { ActionDraft, StepOp, WriteStep } from './kinds/registry.js';
export type { ErrorFacts, StepOutcome } from './kinds/step.js';

/**
 * Pending actions: every write to Syncro is first a row that records who asked, whose key will sign, the exact
 * request(s) and a state. Slack only ever shows these rows; only the executor sends, after winning `claim()`.
 */

export type ActionKind = ActionDraft['kind'];

export type ActionState =
  | 'proposed' // card shown, nothing sent
  | 'executing' // claimed by a Post click; steps being sent
  | 'outcome_unknown' // a step's outcome is unknown; reconciling by GET
  | 'succeeded'
  | 'failed' // known state: `resumable` says whether "Post again / Resume" is offered
  | 'cancelled'
  | 'expired';

export type StepStatus =
  | 'pending' // never sent
  | 'sending' // journaled before sending: if we crash now, the outcome is unknown
  | 'succeeded'
  | 'failed' // Syncro answered with an error: known not to exist
  | 'unknown' // sent, no usable answer, not yet reconciled
  | 'absent'; // reconciled: not in Syncro (safe to send again after a new click)

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
  /**
   * A private card whose response_url Slack refused (or used up) moves to a direct message from the bot, which
   * later drawings chat.update (src/slack/card-publisher.ts). `movedAt` tells later clicks on the old card apart.
   */
  directMessage?: { channelId: string; messageTs: string; movedAt: number };
  /**
   * The Slack message this action was made from (a message shortcut): once the action succeeds, the bot replies
   * in that message's thread, once (src/slack/shortcuts/thread-reply.ts).
   */
  thread?: { channelId: string; ts: string };
}

export interface TicketRef {
  id: number;
  number: string;
  subject: string;
  customerId?: number;
  customerName?: string;
}

/** Editable fields a proposed card may offer (the select's action id is `syncro_edit_<field>`). */
export const EDITABLE_FIELDS = [
  'priority',
  'status',
  'visibility',
  'assignee',
  'problem_type',
  'labor',
  'contact',
  'ticket_type',
  'due_date',
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** A field the requester may change on a proposed card (the payload is rebuilt and shown again). */
export interface EditableFieldState {
  field: EditableField;
  /** The values the card offers; `name` where the value is an id (an assignee's Syncro user id → their name). */
  options: Array<{ value: string; name?: string }>;
  selected: string;
  /** `date`: a date picker (no options; `selected` is YYYY-MM-DD, or empty for none). Default: a select. */
  input?: 'date';
}

/** What the card shows besides the payloads and the draft's words: facts the kind computed. */
export interface ActionSummary {
  editable?: EditableFieldState[];
  billing?: BillingComputation;
  // NOTE: rows written before issue 16 also hold `approval` (the policy frozen on the card); it is never read:
  // the billing policy is decided from the steps and the configuration at each click (billing-gate.ts).
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
  /** What the person asked for (typed by kind): an edit on the card rebuilds `steps` and `summary` from it. */
  draft?: ActionDraft;
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
  /** Why the action stopped (a code and its facts; the card words it). Never a key. */
  problem?: ActionProblem;
  cancelledBy?: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

/** Why an action is not (yet) done, as facts. `step` is 0-based; the step's own `outcome` says more. */
export type ActionProblem =
  /** The requester's write identity was refused (no key, policy, Syncro refused the key). */
  | { code: 'signer_refused'; error: ErrorFacts }
  /** Syncro refused step `step`, or the invoice check found the invoice wrong: nothing after it was sent. */
  | { code: 'step_failed'; step: number }
  /** Step `step` was found in Syncro after an unclear answer; nothing more was sent. */
  | { code: 'found_after_unknown'; step: number; resumeFrom: number }
  /** Syncro was read back: step `step` is not there. */
  | { code: 'absent_after_check'; step: number }
  /** Syncro could not be read back yet; it will be checked again. */
  | { code: 'check_failed'; step: number; error: ErrorFacts }
  /** The bot restarted between steps; nothing more was sent. */
  | { code: 'restarted_between_steps'; resumeFrom: number }
  /** A channel card could not be posted in Slack, so the action was cancelled before anything was sent. */
  | { code: 'card_not_posted' };

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
