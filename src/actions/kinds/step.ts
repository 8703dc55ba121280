import type { SyncroApi } from '../../syncro/api.js';
import type { Comment, Ticket } from '../../syncro/schemas.js';
import type { ErrorFacts } from '../error-facts.js';
import type { PushResult } from '../session-log-writer.js';
import type { StepStatus, WriteStep } from '../types.js';
import type { SessionLogWriter } from './session-log.js';

/** Error facts live with the engine's errorFacts() (../error-facts.ts); kinds keep importing them from here. */
export type { ErrorFacts };

/**
 * What every step of a pending action has, whatever it sends. A kind of step (`StepKind`) adds its `op`, its
 * typed `body` and how it is sent, snapshotted and read back.
 */
export interface StepBase {
  /**
   * The HTTP method of a Syncro request (`GET` only for a step that reads: the invoice check). A kind whose step is
   * not a Syncro request (a session log written to git) names its own, with `path` naming its target.
   */
  method: string;
  /**
   * Exactly what is sent; may hold a placeholder such as `{invoice_id}`, filled from the result of the earlier
   * step whose kind `provides` it (steps.ts resolvePath).
   */
  path: string;
  status: StepStatus;
  /** Syncro id of what this step created or touched (comment id, line item id, invoice id, ticket id). */
  resultId?: number;
  /** When the step was (last) journaled as sending; reconcilers look for records created since then. */
  sentAt?: number;
  /** When the request left the rate-limit queue for Syncro (the card then says "sent, waiting for Syncro"). */
  onWireAt?: number;
  /**
   * Ids of records that already matched this step's content before it was sent, so that reconciliation never
   * mistakes an earlier identical comment or ticket for this one. `snapshotAt` says when they were read.
   */
  preexistingIds?: number[];
  snapshotAt?: number;
  finishedAt?: number;
  /** Facts of the outcome (what Syncro answered, what a read-back found, or why it failed); views word them. */
  outcome?: StepOutcome;
}

/** Facts a step's outcome carries: numbers and codes for the card, never sentences. */
export type StepOutcome =
  | {
      code: 'done';
      ticketNumber?: string;
      status?: string;
      invoiceNumber?: string;
      line?: ChargedLine;
      sessionLog?: SessionLogResult;
    }
  | {
      code: 'found';
      what: RecordKind;
      ticketNumber?: string;
      invoiceNumber?: string;
      line?: ChargedLine;
      sessionLog?: SessionLogResult;
    }
  | { code: 'refused'; error: ErrorFacts }
  | { code: 'invoice_mismatch'; problems: InvoiceProblem[] }
  | { code: 'no_answer'; error: ErrorFacts }
  | { code: 'check_failed'; error: ErrorFacts }
  | { code: 'absent'; what: RecordKind; searched: SearchFacts }
  | { code: 'unchanged'; fields: Array<{ field: string; value: string }> }
  | { code: 'read_again' };

export type RecordKind =
  | 'comment'
  | 'ticket'
  | 'line_item'
  | 'invoice'
  | 'ticket_change'
  /** A removal: "found" is the line gone from its ticket, "absent" the line still there. */
  | 'line_item_removal'
  | 'timer_entry'
  /** A session log: the commit carrying its marker, or the uploaded file. */
  | 'session_log';

/** What a written session log is: a commit (and what became of its push), or a file in Slack. */
export type SessionLogResult =
  | { where: 'git'; commit: string; push?: PushResult }
  | { where: 'slack'; fileId: string };

/** The line item a charged timer entry became, as read back from the ticket (its price as Syncro set it). */
export interface ChargedLine {
  id: number;
  /** The line's name as Syncro shows it (the labour product's), for words; absent when Syncro gave none. */
  name?: string;
  quantity: number | null;
  /** Price per unit (`price_retail`); null when Syncro did not say. */
  price: number | null;
  /** Whether Syncro shows the line taxable (read back after its tax was set); absent when not read. */
  taxable?: boolean | null;
}

/** What a read-back searched, so that the card can say it before it offers Post again. */
export interface SearchFacts {
  ticketId?: number;
  customerId?: number;
  /** Records created since this time (epoch ms) were compared. */
  since: number;
  /** For a list read page by page (a ticket's comments): how many pages were read and how many records they held. */
  pages?: number;
  records?: number;
}

export type InvoiceProblem =
  | { code: 'other_ticket'; invoiceTicketId: number; ticketId: number }
  | {
      code: 'line_missing';
      want: { name: string; productId: number; quantity: number };
      seen: Array<{ name: string; productId: number | null; quantity: string | number | null }>;
    }
  | { code: 'line_not_converted'; lineItemId: number; name: string; quantity: number };

/** One action's reads, shared by its steps: one GET /tickets/{id} serves the comment and the line item. */
export interface Reads {
  ticket(id: number): Promise<Ticket>;
  /**
   * Every comment on the ticket created since `since` (epoch ms), from GET /tickets/{id}/comments read to its
   * last page (a ticket's own `comments` may be partial). Throws SyncroListNotReadToEndError past the pages it reads.
   */
  comments(ticketId: number, since: number): Promise<CommentsRead>;
}

export interface CommentsRead {
  comments: Comment[];
  /** How many pages were read. */
  pages: number;
}

/**
 * What a step is given to be sent, snapshotted or read back. Syncro steps use `api`; a kind whose step is not a
 * Syncro request (a session log written to git, a key enrolment) gets its own capability added here.
 */
export interface StepContext {
  /** The identity that signs (send) or reads (snapshot, reconcile). */
  api: SyncroApi;
  /** Every step of the action as journaled: a later step may use an earlier one's result or snapshot. */
  steps: readonly WriteStep[];
  reads: Reads;
  now: number;
  /** Where session logs are written (git, or a Slack upload); absent where no step needs it. */
  sessionLogs?: SessionLogWriter;
}

export interface StepResult {
  resultId: number;
  outcome: Extract<StepOutcome, { code: 'done' }>;
}

export type ReconcileResult =
  | { found: true; resultId: number; outcome: StepOutcome }
  | { found: false; outcome: StepOutcome };

export interface Match {
  id: number;
  outcome: Extract<StepOutcome, { code: 'found' }>;
}

/** Our clock and Syncro's may differ; look this far before the send time. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A kind of step: one file per kind, one line in the registry. How a step is read back after an unclear answer:
 * - `content`: find records that look like what it creates (`find`), minus those read just before sending;
 * - `state`: the step sets fields; read the record and compare (`check`);
 * - `repeat`: the step only reads; it is simply done again.
 */
export type StepKind<S extends { op: string }> = {
  readonly op: S['op'];
  /** The path placeholder this step's result fills for later steps, e.g. `invoice_id` → `{invoice_id}`. */
  readonly provides?: string;
  /**
   * What fills `provides` once the step is done, when it is not the step's `resultId` (a charge's result is the
   * timer entry; the line it made is a fact of its outcome). Undefined: not known.
   */
  provided?(step: S): number | undefined;
  /**
   * Whether this step puts money on a ticket: it creates or changes a billable line (add line item, charge a timer
   * entry, set a charged line's tax). An action holding such a step goes through the billing policy
   * (src/actions/billing-gate.ts: approvers, requester_may_post, require_second_person) and the billing card's
   * rules, whatever form made it. Required, so that a new kind of step has to say.
   */
  readonly putsMoneyOnTicket: boolean;
  send(ctx: StepContext, step: S): Promise<StepResult>;
  /**
   * Read right before each send (never journaled as sending): the facts of why this step must not be sent now
   * (a line item that has been invoiced), or undefined to send it. The step then fails with nothing sent; a read
   * that fails also stops it, so that the rule is never skipped.
   */
  refuseBeforeSend?(ctx: StepContext, step: S): Promise<ErrorFacts | undefined>;
} & (
  | {
      readBack: 'content';
      what: RecordKind;
      /**
       * `ticket`: the snapshot (`findBefore`, else `find`) reads only `ctx.reads.ticket(id)`, so a ticket read
       * moments before (the form's) can serve as the snapshot; `syncro`: it asks Syncro itself.
       */
      source: 'ticket' | 'syncro';
      /** Extra facts to keep from the pre-send read (besides `preexistingIds`). */
      snapshotFacts?(ctx: StepContext, step: S): Promise<Partial<S>>;
      /** Records that look like what this step creates, created since `since` (epoch ms). */
      find(ctx: StepContext, step: S, since: number): Promise<Match[]>;
      /** The records that already look like it, read before sending; default `find(ctx, step, 0)`. */
      findBefore?(ctx: StepContext, step: S): Promise<Match[]>;
      /** What a read-back that found nothing searched (after `find`: it may use the same `ctx.reads`). */
      searched(step: S, since: number, reads: Reads): SearchFacts | Promise<SearchFacts>;
    }
  | { readBack: 'state'; check(ctx: StepContext, step: S): Promise<ReconcileResult> }
  | { readBack: 'repeat' }
);

export function createdSince(createdAt: string | null | undefined, since: number): boolean {
  if (!createdAt) return true; // no timestamp to go on: match on content alone
  const t = Date.parse(createdAt);
  return Number.isNaN(t) || t >= since;
}

export function ticketIdOf(step: { path: string; op: string }): number {
  const m = /^\/tickets\/(\d+)(\/|$)/.exec(step.path);
  if (!m) throw new Error(`step ${step.op} has no ticket id in its path ${step.path}`);
  return Number(m[1]);
}
