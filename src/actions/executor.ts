import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SyncroApi } from '../syncro/api.js';
import {
  SyncroNetworkError,
  SyncroNotFoundError,
  SyncroRateLimitedError,
  SyncroUnauthorizedError,
  SyncroValidationError,
} from '../syncro/errors.js';
import { whenOnTheWire } from '../syncro/on-the-wire.js';
import { withRequestPriority } from '../syncro/priority.js';
import type { ErrorFacts } from './error-facts.js';
import { errorFacts } from './error-facts.js';
import { LineTaxNotSetError } from './kinds/line-tax.js';
import { stepKindOf } from './kinds/registry.js';
import type { StepContext, StepOutcome } from './kinds/step.js';
import { memoReads, needsSnapshot, reconcileStep, snapshotStep } from './reconcile.js';
import { SessionLogNotWrittenError } from './session-log-writer.js';
import { resolveBody, resolvePath, sendStep, VerificationMismatchError } from './steps.js';
import type { ActionStore } from './store.js';
import type { ActionProblem, AuditEntry, PendingAction, WriteStep } from './types.js';

/**
 * The executor is the only code that sends a write to Syncro, and only after winning `store.claim()`.
 * Each step is journaled as `sending` before it is sent and with its result after. An unknown outcome is
 * reconciled by reading Syncro back; nothing is ever re-sent without a new authorised click.
 */

export interface ExecutorDeps {
  store: ActionStore;
  /** The requester's write identity (own key, or the shared key where policy allows); throws if refused. */
  writerApi: (action: PendingAction) => Promise<SyncroApi>;
  /** Any key that can read the ticket, for reconciliation (GET only). */
  readerApi: (action: PendingAction) => Promise<SyncroApi>;
  logger: Logger;
  now: () => number;
  replicaId: string;
  leaseMs: number;
  /** Where session log steps write (a git working copy, or Slack uploads). */
  sessionLogs?: StepContext['sessionLogs'];
  /** Publishes the card for the row; `milestone` is false for per-step progress (ephemeral cards skip those). */
  onChange: (action: PendingAction, milestone: boolean) => Promise<void>;
}

export type PostOutcome =
  | { won: true; action: PendingAction }
  | { won: false; action: PendingAction | undefined };

/** Errors that prove the write did not happen (Syncro refused it, or it was never sent). */
function isKnownNotWritten(err: unknown): boolean {
  return (
    err instanceof SyncroValidationError ||
    err instanceof SyncroUnauthorizedError ||
    err instanceof SyncroNotFoundError ||
    err instanceof SyncroRateLimitedError ||
    err instanceof SyncroNetworkError ||
    err instanceof VerificationMismatchError ||
    err instanceof SessionLogNotWrittenError ||
    // The line reads back with another tax: the tax is not set (setting it again is harmless).
    err instanceof LineTaxNotSetError
  );
}

/** How long a half-done multi-step action can still be resumed. */
export const HALF_DONE_RESUME_MS = 7 * 24 * 60 * 60_000;

export function firstIncompleteStep(action: PendingAction): number {
  const k = action.steps.findIndex((s) => s.status !== 'succeeded');
  return k === -1 ? action.steps.length : k;
}

export class Executor {
  constructor(private readonly deps: ExecutorDeps) {}

  /** A Post / Post again / Resume click: claim, then run. Losing the claim sends nothing. */
  async post(
    id: string,
    clicker: string,
    expectedAttempt: number,
    opts: { approvedBy?: string; slack?: Partial<PendingAction['slack']> } = {},
  ): Promise<PostOutcome> {
    const { store, now, replicaId, leaseMs } = this.deps;
    const claim = await store.claim(id, {
      clicker,
      now: now(),
      expectedAttempt,
      owner: replicaId,
      leaseMs,
      approvedBy: opts.approvedBy,
    });
    if (!claim.won) return claim;
    this.log(claim.action).info({ clicker, attempt: claim.action.attempt }, 'claimed action');
    let a = claim.action;
    if (opts.slack) {
      // The click's response_url is the fresh way to update an ephemeral card.
      a = await this.journal(a, { slack: { ...a.slack, ...opts.slack } }).catch(() => a);
    }
    const running = this.run(a);
    this.inflight.add(running);
    try {
      return { won: true, action: await running };
    } catch (err) {
      // NOTE: past the claim a request may already be in Syncro; never let this read as "nothing was changed".
      throw new ExecutionInterruptedError(id, { cause: err });
    } finally {
      this.inflight.delete(running);
    }
  }

  private readonly inflight = new Set<Promise<PendingAction>>();

  /**
   * Shutdown: waits (at most `timeoutMs`) for actions being executed by this process to finish, so that a
   * deploy does not cut a write in half. Whatever is still running is recovered by reading back after restart.
   */
  async drain(timeoutMs: number): Promise<number> {
    if (this.inflight.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.inflight]), timeout]);
    clearTimeout(timer);
    return this.inflight.size;
  }

  /**
   * Keeps the lease alive while a request is in flight (a 429 may make one wait minutes), so that no other
   * replica takes the action over and reconciles it while this one may still send.
   */
  private async withHeartbeat<T>(a: PendingAction, fn: () => Promise<T>): Promise<T> {
    const every = Math.max(1_000, Math.floor(this.deps.leaseMs / 3));
    const timer = setInterval(() => {
      this.deps.store
        .update(
          a.id,
          { states: ['executing'], leaseOwner: this.deps.replicaId },
          { leaseUntil: this.deps.now() + this.deps.leaseMs },
        )
        .then((ok) => {
          if (!ok) this.log(a).error('lost the lease while a request was in flight');
        })
        .catch((err: unknown) => this.log(a).warn({ err }, 'could not extend the lease'));
    }, every);
    timer.unref();
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }

  private log(a: PendingAction): Logger {
    return this.deps.logger.child({ actionId: a.id, kind: a.kind });
  }

  private async publish(a: PendingAction, milestone: boolean): Promise<void> {
    try {
      await this.deps.onChange(a, milestone);
    } catch (err) {
      this.log(a).warn({ err }, 'could not update the card');
    }
  }

  /** Conditional write of the row while we hold the lease; the lease is extended each time. */
  private async journal(a: PendingAction, patch: Partial<PendingAction>): Promise<PendingAction> {
    const now = this.deps.now();
    const next = await this.deps.store.update(
      a.id,
      { states: ['executing', 'outcome_unknown'], leaseOwner: this.deps.replicaId },
      { leaseUntil: now + this.deps.leaseMs, ...patch, updatedAt: now },
    );
    if (!next) throw new LostLeaseError(a.id);
    return next;
  }

  /** Journals that step k's request is on the wire and redraws the card ("sent, waiting for Syncro"). */
  private async markOnTheWire(a: PendingAction, k: number): Promise<void> {
    try {
      const next = await this.journal(a, { steps: this.withStep(a, k, { onWireAt: this.deps.now() }) });
      await this.publish(next, true);
    } catch (err) {
      this.log(a).warn({ err, step: k }, 'could not record that the request was sent');
    }
  }

  private withStep(a: PendingAction, k: number, patch: StepPatch): WriteStep[] {
    return a.steps.map((s, i) => (i === k ? { ...s, ...patch } : s));
  }

  private async run(claimed: PendingAction): Promise<PendingAction> {
    let a = claimed;
    try {
      await this.publish(a, true);
      let api: SyncroApi;
      try {
        api = await this.deps.writerApi(a);
      } catch (err) {
        return await this.finish(a, 'failed', {
          problem: { code: 'signer_refused', error: errorFacts(err) },
          resumable: true,
        });
      }
      // One set of reads for the whole run: one GET /tickets/{id} serves the comment's and the line item's snapshot.
      const reads = memoReads(api);
      const ctxFor = (x: PendingAction): StepContext => ({
        api,
        steps: x.steps,
        reads,
        now: this.deps.now(),
        sessionLogs: this.deps.sessionLogs,
      });
      for (let k = firstIncompleteStep(a); k < a.steps.length; k++) {
        const step = a.steps[k]!;
        if (step.status === 'sending' || step.status === 'unknown') {
          // Never send a step whose outcome is unknown: reconcile it first.
          return await this.reconcileAt(a, api, k);
        }
        if (step.status === 'absent' && step.sentAt !== undefined) {
          // "Not there" was read moments after an unclear answer; Syncro may have stored that request since.
          // Read back again, against the same send time and pre-send ids, before sending it a second time.
          const late = await this.recheckBeforeResend(a, api, k);
          if (late.state === 'stop') return late.action;
          a = late.action;
          if (late.state === 'found') continue;
        }
        // A kind's rule read right before sending (an invoiced line is not removed): refused, nothing is sent.
        const refused = await this.refusedBeforeSend(a, k, ctxFor(a));
        if (refused) return refused;
        // Read what already matches before sending, so reconciliation can tell this record from earlier ones
        // (a read made moments before, e.g. the form's, serves: see SNAPSHOT_FRESH_MS). It only sharpens
        // reconciliation: if the read fails, the write goes ahead and reconciliation matches by time.
        let snapshot: StepPatch = {};
        if (needsSnapshot(step, this.deps.now())) {
          try {
            snapshot = await snapshotStep(ctxFor(a), step);
          } catch (err) {
            snapshot = { preexistingIds: undefined, snapshotAt: undefined };
            this.log(a).warn(
              { err, step: k },
              'could not read Syncro before sending; reconciliation will match by time',
            );
          }
        }
        const startedAt = this.deps.now();
        a = await this.journal(a, {
          steps: this.withStep(a, k, {
            ...snapshot,
            status: 'sending',
            sentAt: startedAt,
            outcome: undefined,
          }),
        });
        await this.publish(a, false);
        try {
          const sending = a;
          // Once the write leaves the queue the card says "sent, waiting for Syncro"; that journal entry is
          // awaited before the result's, so it can never overwrite it.
          let onWire: Promise<void> | undefined;
          const result = await this.withHeartbeat(sending, async () => {
            try {
              return await whenOnTheWire(
                () => {
                  onWire ??= this.markOnTheWire(sending, k);
                },
                () => sendStep(ctxFor(sending), sending.steps[k]!),
              );
            } finally {
              await onWire;
            }
          });
          const finishedAt = this.deps.now();
          a = await this.journal(a, {
            steps: this.withStep(a, k, {
              status: 'succeeded',
              resultId: result.resultId,
              finishedAt,
              outcome: result.outcome,
            }),
          });
          await this.audit(a, a.steps[k]!, 'succeeded', startedAt, result.resultId);
          await this.publish(a, false);
        } catch (err) {
          if (err instanceof LostLeaseError) throw err;
          if (isKnownNotWritten(err)) {
            const outcome: StepOutcome =
              err instanceof VerificationMismatchError
                ? { code: 'invoice_mismatch', problems: err.problems }
                : { code: 'refused', error: errorFacts(err) };
            a = await this.journal(a, {
              steps: this.withStep(a, k, { status: 'failed', finishedAt: this.deps.now(), outcome }),
            });
            await this.audit(a, a.steps[k]!, 'failed', startedAt, undefined, outcome);
            return await this.finish(a, 'failed', {
              problem: { code: 'step_failed', step: k },
              resumable: true,
            });
          }
          // The write may have landed: record that, show "checking Syncro…", and read back.
          this.log(a).warn({ err, step: k }, 'write outcome unknown; reconciling by reading Syncro back');
          const outcome: StepOutcome = { code: 'no_answer', error: errorFacts(err) };
          a = await this.journal(a, {
            state: 'outcome_unknown',
            steps: this.withStep(a, k, { status: 'unknown', outcome }),
          });
          await this.audit(a, a.steps[k]!, 'outcome_unknown', startedAt, undefined, outcome);
          await this.publish(a, true);
          return await this.reconcileAt(a, api, k);
        }
      }
      return await this.finish(a, 'succeeded', { problem: undefined, resumable: false });
    } catch (err) {
      if (err instanceof LostLeaseError) {
        this.log(a).error('lost the lease on an executing action; another replica has taken it over');
        return (await this.deps.store.get(a.id)) ?? a;
      }
      throw err;
    }
  }

  /**
   * Step k's kind may refuse to send it, from a read made now (`refuseBeforeSend`): the step fails with the
   * refusal's facts and nothing is sent. A refusal is final (the card offers no Post again); a read that failed
   * leaves it resumable.
   */
  private async refusedBeforeSend(
    a: PendingAction,
    k: number,
    ctx: StepContext,
  ): Promise<PendingAction | undefined> {
    const step = a.steps[k]!;
    const kind = stepKindOf(step);
    if (!kind.refuseBeforeSend) return undefined;
    let error: ErrorFacts | undefined;
    let resumable = false;
    try {
      error = await kind.refuseBeforeSend(ctx, step);
    } catch (err) {
      this.log(a).warn({ err, step: k }, 'could not read Syncro before sending; nothing was sent');
      error = errorFacts(err);
      resumable = true;
    }
    if (!error) return undefined;
    const outcome: StepOutcome = { code: 'refused', error };
    const next = await this.journal(a, {
      steps: this.withStep(a, k, { status: 'failed', finishedAt: this.deps.now(), outcome }),
    });
    return this.finish(next, 'failed', { problem: { code: 'step_failed', step: k }, resumable });
  }

  /**
   * Reads Syncro back for step k. Found → the step is done (and never sent again); absent → the person may
   * send it again with a new click; could not check → stays outcome_unknown, retried by the sweeper or a click.
   */
  private async reconcileAt(a: PendingAction, api: SyncroApi, k: number): Promise<PendingAction> {
    const step = a.steps[k]!;
    const started = this.deps.now();
    let res: Awaited<ReturnType<typeof reconcileStep>>;
    try {
      res = await reconcileStep(api, step, a.steps, this.deps.now(), { sessionLogs: this.deps.sessionLogs });
    } catch (err) {
      return this.checkFailed(a, k, err);
    }
    if (res.found) {
      a = await this.foundAfterUnknown(a, k, res, started);
      if (firstIncompleteStep(a) >= a.steps.length)
        return this.finish(a, 'succeeded', { problem: undefined, resumable: false });
      return this.finish(a, 'failed', {
        resumable: true,
        problem: { code: 'found_after_unknown', step: k, resumeFrom: firstIncompleteStep(a) },
      });
    }
    a = await this.journal(a, {
      steps: this.withStep(a, k, { status: 'absent', finishedAt: this.deps.now(), outcome: res.outcome }),
    });
    await this.audit(a, a.steps[k]!, 'absent_after_unknown', started, undefined, res.outcome);
    return this.finish(a, 'failed', { resumable: true, problem: { code: 'absent_after_check', step: k } });
  }

  /**
   * Before a step found absent is sent again (Post again / Resume): its first request may have been stored by
   * Syncro after the read-back that said "not there". A match since that send, not among the records read before
   * it, is that request's record: the step is done and nothing is sent. `send`: still not there, send it.
   */
  private async recheckBeforeResend(
    a: PendingAction,
    api: SyncroApi,
    k: number,
  ): Promise<{ state: 'send' | 'found' | 'stop'; action: PendingAction }> {
    const started = this.deps.now();
    let res: Awaited<ReturnType<typeof reconcileStep>>;
    try {
      res = await reconcileStep(api, a.steps[k]!, a.steps, started, { sessionLogs: this.deps.sessionLogs });
    } catch (err) {
      // Could not tell: never send blindly; the step's outcome is unknown again until Syncro can be read.
      return { state: 'stop', action: await this.checkFailed(a, k, err) };
    }
    if (!res.found) return { state: 'send', action: a };
    this.log(a).warn({ step: k }, 'a request read back as absent reached Syncro later; not sending it again');
    a = await this.foundAfterUnknown(a, k, res, started);
    await this.publish(a, false);
    return { state: 'found', action: a };
  }

  private async foundAfterUnknown(
    a: PendingAction,
    k: number,
    res: { resultId: number; outcome: StepOutcome },
    started: number,
  ): Promise<PendingAction> {
    const next = await this.journal(a, {
      state: 'executing',
      steps: this.withStep(a, k, {
        status: 'succeeded',
        resultId: res.resultId,
        finishedAt: this.deps.now(),
        outcome: res.outcome,
      }),
    });
    await this.audit(next, next.steps[k]!, 'found_after_unknown', started, res.resultId, res.outcome);
    return next;
  }

  /** The read-back itself failed: the outcome stays unknown, for the sweeper or a "Check again" click. */
  private async checkFailed(a: PendingAction, k: number, err: unknown): Promise<PendingAction> {
    const error = errorFacts(err);
    const next = await this.journal(a, {
      state: 'outcome_unknown',
      steps: this.withStep(a, k, { status: 'unknown', outcome: { code: 'check_failed', error } }),
      problem: { code: 'check_failed', step: k, error },
      // Let the sweeper (or a "Check again" click) take it after a short pause.
      leaseOwner: undefined,
      leaseUntil: this.deps.now() + Math.min(this.deps.leaseMs, 60_000),
    }).catch(() => a);
    await this.publish(next, true);
    return next;
  }

  private async finish(
    a: PendingAction,
    state: 'succeeded' | 'failed',
    patch: { problem: ActionProblem | undefined; resumable: boolean },
  ): Promise<PendingAction> {
    // A half-done multi-step action (some steps in Syncro) must stay resumable: a new card would send the done
    // steps again. Give it a week instead of the card's short lifetime.
    const halfDone = state === 'failed' && patch.resumable && a.steps.some((s) => s.status === 'succeeded');
    const expiresAt = halfDone ? Math.max(a.expiresAt, this.deps.now() + HALF_DONE_RESUME_MS) : a.expiresAt;
    const done = await this.journal(a, {
      state,
      ...patch,
      expiresAt,
      leaseOwner: undefined,
      leaseUntil: undefined,
    });
    this.log(done).info({ state, problem: patch.problem?.code }, 'action finished');
    await this.publish(done, true);
    return done;
  }

  private async audit(
    a: PendingAction,
    step: WriteStep,
    outcome: AuditEntry['outcome'],
    startedAt: number,
    resultId?: number,
    facts?: StepOutcome,
  ): Promise<void> {
    if (step.method === 'GET') return;
    let endpoint = step.path;
    try {
      endpoint = resolvePath(step, a.steps);
    } catch {
      // keep the template path
    }
    try {
      await this.deps.store.appendAudit({
        actionId: a.id,
        ticketId: a.ticket?.id ?? (step.op === 'create_ticket' ? resultId : undefined),
        ticketNumber: a.ticket?.number,
        requesterSlackId: a.requesterSlackId,
        clickerSlackId: a.clickedBy,
        approverSlackId: a.approvedBy,
        syncroUserId: a.signer.syncroUserId,
        syncroName: a.signer.syncroName,
        keyKind: a.signer.keyKind,
        method: step.method,
        endpoint,
        // What was sent: a body placeholder (`{timer_entry_id}`) filled from the step that provided it.
        payload: resolveBody(step, a.steps),
        outcome,
        resultId,
        error: facts ? auditNote(facts) : undefined,
        startedAt,
        finishedAt: this.deps.now(),
      });
    } catch (err) {
      this.log(a).error({ err }, 'could not append to the audit log');
    }
  }

  /**
   * Start-up and periodic sweep: rows left executing/outcome_unknown by a crashed replica (lease expired) are
   * reconciled by reading back — never by re-sending — and their cards updated.
   */
  async recoverStale(opts: { alsoOwnedBy?: string } = {}): Promise<PendingAction[]> {
    const { store, replicaId, now, leaseMs } = this.deps;
    const stale = await store.takeOverStale(replicaId, now(), leaseMs, opts.alsoOwnedBy);
    const out: PendingAction[] = [];
    for (const a of stale) {
      this.log(a).warn({ state: a.state }, 'recovering an action left mid-write');
      // Nobody watches a sweep: its read-backs queue behind people within the rate limit.
      out.push(await withRequestPriority('background', () => this.recoverOne(a)));
    }
    return out;
  }

  private async recoverOne(a: PendingAction): Promise<PendingAction> {
    try {
      const k = a.steps.findIndex((s) => s.status === 'sending' || s.status === 'unknown');
      if (k === -1) {
        if (firstIncompleteStep(a) >= a.steps.length)
          return await this.finish(a, 'succeeded', { problem: undefined, resumable: false });
        return await this.finish(a, 'failed', {
          resumable: true,
          problem: { code: 'restarted_between_steps', resumeFrom: firstIncompleteStep(a) },
        });
      }
      const api = await this.deps.readerApi(a);
      a = await this.journal(a, {
        state: 'outcome_unknown',
        steps: this.withStep(a, k, { status: 'unknown' }),
      });
      await this.publish(a, true);
      const after = await this.reconcileAt(a, api, k);
      if (after.state === 'failed' && after.steps[k]?.status === 'absent') {
        return after;
      }
      return after;
    } catch (err) {
      if (err instanceof LostLeaseError) return (await this.deps.store.get(a.id)) ?? a;
      this.log(a).error({ err }, 'recovery failed; it will be tried again');
      return a;
    }
  }

  /**
   * "Check Syncro again" on an action whose outcome is still unknown: takes it (if no replica is working on it)
   * and reconciles by reading back. Never sends.
   */
  async recheck(id: string): Promise<PendingAction | undefined> {
    const { store, replicaId, now, leaseMs } = this.deps;
    const taken = await store.takeOver(id, replicaId, now(), leaseMs);
    if (!taken) return store.get(id);
    return this.recoverOne(taken);
  }

  /** Cancel is final; only from proposed or failed (resumable). */
  async cancel(id: string, by: string): Promise<PendingAction | undefined> {
    const done = await this.deps.store.update(
      id,
      { states: ['proposed', 'failed'] },
      { state: 'cancelled', cancelledBy: by, resumable: false, updatedAt: this.deps.now() },
    );
    if (done) await this.publish(done, true);
    return done;
  }

  /** Proposed cards past their expiry become expired (final), and their cards say so. */
  async expireDue(): Promise<PendingAction[]> {
    const expired = await this.deps.store.expireDue(this.deps.now());
    for (const a of expired) await this.publish(a, true);
    return expired;
  }
}

/** Another replica took the row over: this one stops without writing to it. */
export class LostLeaseError extends AppError {
  readonly code = 'LEASE_LOST';
  constructor(readonly actionId: string) {
    super(`lost the executing lease on action ${actionId}`);
  }
}

/**
 * The executor failed after winning the claim (e.g. the store went away mid-write): whether the write reached
 * Syncro is not known. The row keeps its lease, so it is reconciled by reading back once the lease runs out.
 */
export class ExecutionInterruptedError extends AppError {
  readonly code = 'EXECUTION_INTERRUPTED';
  constructor(
    readonly actionId: string,
    options?: { cause?: unknown },
  ) {
    super(`executing action ${actionId} was interrupted`, options);
  }
}

/** A patch of one step (the fields every kind of step has). */
type StepPatch = Partial<Omit<WriteStep, 'op' | 'method' | 'path' | 'body'>>;

/** The audit log's line for an outcome: its code and Syncro's own words or the record found. */
function auditNote(o: StepOutcome): string {
  switch (o.code) {
    case 'refused':
    case 'no_answer':
    case 'check_failed':
      return [o.code, o.error.code, ...(o.error.messages ?? [])].join(': ');
    case 'invoice_mismatch':
      return `${o.code}: ${o.problems.map((p) => p.code).join(', ')}`;
    case 'absent':
    case 'found':
      return `${o.code}: ${o.what}`;
    default:
      return o.code;
  }
}
