import { AppError } from '../errors.js';
import type { ActionState, AuditEntry, PendingAction } from './types.js';

/** A patch the store refuses (changes the id, clears a required field, names an invalid field, is empty). */
export class StorePatchInvalidError extends AppError {
  readonly code = 'STORE_PATCH_INVALID';
}

/** A row of `actions` or `audit` does not have the shape this release knows (it is not half-read). */
export class StoreRowInvalidError extends AppError {
  readonly code = 'STORE_ROW_INVALID';
}

export interface ClaimRequest {
  clicker: string;
  now: number;
  /** The attempt number the clicked button was drawn for; a stale copy (older attempt) loses. */
  expectedAttempt: number;
  /** This replica's id; it holds the lease while executing. */
  owner: string;
  leaseMs: number;
  /** Billing: who approved, recorded with the claim. */
  approvedBy?: string;
}

export type ClaimResult =
  | { won: true; action: PendingAction }
  | { won: false; action: PendingAction | undefined };

export interface UpdateGuard {
  /** Only update while the row is in one of these states. */
  states?: readonly ActionState[];
  /** Only update while this replica holds the lease. */
  leaseOwner?: string;
  /** Only update while `attempt` equals this (a card edit against the version the person saw). */
  attempt?: number;
}

/**
 * Durable store of pending actions and the audit log. Every conditional method is ONE atomic statement
 * (`UPDATE … WHERE … RETURNING *`), so that exactly one caller, in any replica, wins. The features' tables, in
 * the same database, are handed out beside it by src/store/ (AppStore), not by this store.
 */
export interface ActionStore {
  migrate(): Promise<void>;
  insert(action: PendingAction): Promise<void>;
  get(id: string): Promise<PendingAction | undefined>;
  /**
   * Atomically moves the row to `executing` and increments `attempt`, only if it is in a claimable state
   * (`proposed`, or `failed` with `resumable`), `attempt` equals `expectedAttempt`, and it has not expired.
   */
  claim(id: string, req: ClaimRequest): Promise<ClaimResult>;
  /** Conditional replace of the row's mutable fields; returns the new row, or undefined if the guard failed. */
  update(id: string, guard: UpdateGuard, patch: Partial<PendingAction>): Promise<PendingAction | undefined>;
  /**
   * Takes over rows left `executing`/`outcome_unknown` whose lease ran out (a crashed replica): sets a new lease
   * for `owner` and returns them. Each row is taken by one caller only. The caller reconciles, never re-sends.
   */
  takeOverStale(owner: string, now: number, leaseMs: number, alsoOwnedBy?: string): Promise<PendingAction[]>;
  /**
   * Takes one row in executing/outcome_unknown whose lease is free (expired or released), for a "Check again"
   * click. Undefined when another replica holds it or it is in another state.
   */
  takeOver(id: string, owner: string, now: number, leaseMs: number): Promise<PendingAction | undefined>;
  /** Marks proposed rows past their expiry as `expired`; returns them (to update their cards). */
  expireDue(now: number): Promise<PendingAction[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(ticketId: number, limit: number): Promise<AuditEntry[]>;
  /** Audit entries of the writes `slackUserId` asked for or pressed Post on, newest first (App Home). */
  listAuditBy(slackUserId: string, limit: number): Promise<AuditEntry[]>;
  /**
   * Proposed, unexpired billing cards (billing-gate.ts: their steps put money on a ticket) that someone other than
   * `slackUserId` asked for, newest first: App Home's "waiting for my approval", once the caller has kept those the
   * configuration lets this person post.
   */
  listAwaitingApproval(slackUserId: string, now: number, limit: number): Promise<PendingAction[]>;
  close(): Promise<void>;
}
