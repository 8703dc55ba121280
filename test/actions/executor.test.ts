import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BillingComputation } from '../../src/actions/billing-types.js';
import { ExecutionInterruptedError, Executor, HALF_DONE_RESUME_MS } from '../../src/actions/executor.js';
import { proposeBill, proposeClose, proposeComment } from '../../src/actions/propose.js';
import { CLOCK_SKEW_MS } from '../../src/actions/reconcile.js';
import type { ActionStore } from '../../src/actions/store.js';
import type { PendingAction } from '../../src/actions/types.js';
import { SignerChangedError } from '../../src/errors.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { SyncroApi } from '../../src/syncro/api.js';
import {
  SyncroNetworkError,
  SyncroNotFoundError,
  SyncroRateLimitedError,
  SyncroServerError,
} from '../../src/syncro/errors.js';
import type { Ticket } from '../../src/syncro/schemas.js';
import { type FakeSyncro, fakeSyncro, type RecordedCall } from '../support/fake-syncro-api.js';
import { base } from './proposal-base.js';

/**
 * The executor alone: the real SQLite store (in memory), a fake clock and an in-memory Syncro behind the
 * `SyncroApi` interface. What it sends is read from the fake's call log; what it journaled, from the row, its
 * audit entries and every row the store returned to its updates, in order.
 */

const T0 = Date.parse('2026-12-01T09:00:00Z');
const LEASE_MS = 60_000;
const TTL_MS = 10 * 60_000;
const HOWARD = 'U0HOWARD1';

const TICKET: Ticket = {
  id: 90,
  number: 32164,
  subject: 'Own cloud thing again',
  status: 'In Progress',
  customer_id: 300,
  created_at: '2026-11-01T09:00:00Z',
  comments: [],
  line_items: [],
};
const ticketRef = { id: 90, number: '32164', subject: 'Own cloud thing again', status: 'In Progress' };

const COMMENT = { subject: 'Update', body: 'Reset the sync client', visibility: 'private_note' as const };
const COMMENT_BODY = { subject: 'Update', body: 'Reset the sync client', hidden: true, do_not_email: true };

interface World {
  store: ActionStore;
  syncro: FakeSyncro;
  clock: { now: () => number; advance: (ms: number) => void };
  /** `state:step statuses` of every row an update returned, consecutive repeats dropped. */
  journal: string[];
  /** Every row an update returned, in order. */
  journalRows: PendingAction[];
  /** Every card drawing asked for: replica, state, milestone. */
  published: Array<{ replica: string; state: string; milestone: boolean }>;
  /** While set, every conditional update of the store throws it (the database went away). */
  storeFault: { update?: Error };
  executor(
    replicaId?: string,
    over?: {
      writerApi?: (a: PendingAction) => Promise<SyncroApi>;
      onChange?: (a: PendingAction, milestone: boolean) => Promise<void>;
    },
  ): Executor;
  propose(a: PendingAction): Promise<PendingAction>;
  row(id: string): Promise<PendingAction>;
}

const opened: ActionStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

async function world(): Promise<World> {
  let t = T0;
  const clock = {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
  const real = openSqliteStore(':memory:', { now: clock.now });
  await real.migrate();
  opened.push(real);
  const journal: string[] = [];
  const journalRows: PendingAction[] = [];
  const storeFault: World['storeFault'] = {};
  const store = new Proxy(real, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== 'update') return value;
      return async (...args: Parameters<ActionStore['update']>) => {
        if (storeFault.update) throw storeFault.update;
        const row = await target.update(...args);
        if (row) {
          journalRows.push(row);
          const entry = `${row.state}:${row.steps.map((s) => s.status).join(',')}`;
          if (journal.at(-1) !== entry) journal.push(entry);
        }
        return row;
      };
    },
  });
  const syncro = fakeSyncro(clock.now, [TICKET]);
  const published: World['published'] = [];
  const logger = pino({ level: 'silent' });
  return {
    store,
    syncro,
    clock,
    journal,
    journalRows,
    published,
    storeFault,
    executor: (replicaId = 'replica-a', over = {}) =>
      new Executor({
        store,
        writerApi: over.writerApi ?? (async () => syncro.api),
        readerApi: async () => syncro.api,
        logger,
        now: clock.now,
        replicaId,
        leaseMs: LEASE_MS,
        onChange:
          over.onChange ??
          (async (a, milestone) => {
            published.push({ replica: replicaId, state: a.state, milestone });
          }),
      }),
    propose: async (a) => {
      await store.insert(a);
      return a;
    },
    row: async (id) => {
      const a = await real.get(id);
      if (!a) throw new Error(`no row ${id}`);
      return a;
    },
  };
}

const proposal = { ...base, now: T0, ttlMs: TTL_MS };

function commentAction(id = 'c1'): PendingAction {
  return proposeComment({ ...proposal, id, ticket: ticketRef, ...COMMENT });
}

function closeAction(id = 'k1'): PendingAction {
  return proposeClose({ ...proposal, id, ticket: ticketRef, closeStatus: 'Resolved', resolution: COMMENT });
}

const LINE = {
  product_id: 1190473,
  name: 'Labor - Remote',
  description: 'Reset the sync client',
  quantity: 0.75,
  taxable: false,
};
const BILLING: BillingComputation = {
  laborType: 'remote',
  laborLabel: 'Remote',
  minutes: 45,
  billableMinutes: 45,
  hours: 0.75,
  quantity: 0.75,
  multiplier: null,
  productId: LINE.product_id,
  productName: LINE.name,
  rate: 120,
  total: 90,
  taxable: false,
  priceSent: false,
  prepaidBefore: null,
  prepaidAfter: null,
  lineItem: LINE,
  notes: ['minutes', 'actual', 'rate_not_sent'],
};
const INVOICE_BODY = { ticket_id: 90, customer_id: 300, category: 'Labor' };

/** Billing: comment, labour line, invoice, invoice check, invoiced status. */
function billAction(id = 'b1'): PendingAction {
  return proposeBill({
    ...proposal,
    id,
    ticket: { ...ticketRef, customerId: 300 },
    billing: BILLING,
    comment: COMMENT,
    invoiceCategory: 'Labor',
    invoicedStatus: 'Invoiced',
  });
}

const postComment: RecordedCall = { method: 'POST', path: '/tickets/90/comment', body: COMMENT_BODY };
const putResolved: RecordedCall = { method: 'PUT', path: '/tickets/90', body: { status: 'Resolved' } };

/** The calls' `METHOD /path`, in order. */
const lines = (calls: readonly RecordedCall[]) => calls.map((c) => `${c.method} ${c.path}`);

/** Replica A posts; its request reaches Syncro and A hears nothing back (until `release()`, if ever). */
async function inFlight(w: World, lands: boolean, action: PendingAction = commentAction()) {
  const a = await w.propose(action);
  w.syncro.script({ answer: 'hang', lands });
  let arrived!: () => void;
  const atSyncro = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  w.syncro.onWrite = () => arrived();
  const executorA = w.executor('replica-a');
  const replicaA = executorA.post(a.id, HOWARD, 0);
  await atSyncro;
  w.syncro.onWrite = undefined;
  return { a, replicaA, executorA };
}

describe('claim', () => {
  it('should send the step once after a won claim, journaled as sending before it is sent and with its result after', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    let atSend: PendingAction | undefined;
    w.syncro.onWrite = async () => {
      atSend = await w.row(a.id);
    };

    const out = await w.executor().post(a.id, HOWARD, 0);

    expect(out.won).toBe(true);
    // Read before sending (the snapshot), then the one write, with exactly the journaled body.
    expect(lines(w.syncro.calls)).toEqual(['GET /tickets/90', 'POST /tickets/90/comment']);
    expect(w.syncro.writes()).toEqual([postComment]);
    expect(atSend).toMatchObject({
      state: 'executing',
      attempt: 1,
      clickedBy: HOWARD,
      leaseOwner: 'replica-a',
    });
    expect(atSend?.steps[0]).toMatchObject({
      status: 'sending',
      sentAt: T0,
      preexistingIds: [],
      body: COMMENT_BODY,
    });
    expect(w.journal).toEqual(['executing:sending', 'executing:succeeded', 'succeeded:succeeded']);
    // Once the request left for Syncro, and before its answer, the row said so ("sent, waiting for Syncro").
    const steps = w.journalRows.map((r) => r.steps[0]!);
    const onWire = steps.findIndex((s) => s.status === 'sending' && s.onWireAt === T0);
    expect(onWire).toBeGreaterThan(0);
    expect(steps.findIndex((s) => s.status === 'succeeded')).toBe(onWire + 1);

    const [stored] = w.syncro.comments.get(90)!;
    const row = await w.row(a.id);
    expect(row).toMatchObject({ state: 'succeeded', attempt: 1, resumable: false });
    expect(row.leaseOwner).toBeUndefined();
    expect(row.problem).toBeUndefined();
    expect(row.steps[0]).toMatchObject({
      status: 'succeeded',
      resultId: stored!.id,
      finishedAt: T0,
      outcome: { code: 'done' },
    });
    expect(await w.store.listAudit(90, 10)).toEqual([
      expect.objectContaining({
        actionId: a.id,
        method: 'POST',
        endpoint: '/tickets/90/comment',
        payload: COMMENT_BODY,
        outcome: 'succeeded',
        resultId: stored!.id,
        clickerSlackId: HOWARD,
        syncroUserId: 1750,
      }),
    ]);
    expect(w.published.at(-1)).toEqual({ replica: 'replica-a', state: 'succeeded', milestone: true });
  });

  it('should let only one of two simultaneous Posts win, and send once', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    const [x, y] = await Promise.all([
      w.executor('replica-a').post(a.id, HOWARD, 0),
      w.executor('replica-b').post(a.id, 'U0OTHER01', 0),
    ]);

    expect([x.won, y.won].filter(Boolean)).toHaveLength(1);
    expect(w.syncro.writes()).toEqual([postComment]);
    // A later click on the same card (the same attempt) loses too.
    const late = await w.executor('replica-b').post(a.id, 'U0OTHER01', 0);
    expect(late.won).toBe(false);
    expect(late.action?.state).toBe('succeeded');
    expect(w.syncro.writes()).toHaveLength(1);
  });

  it('should refuse a click from a stale card (an older attempt) and send nothing', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    w.syncro.script({ answer: 'refused', status: 422, messages: ["Body can't be blank"] });
    await w.executor().post(a.id, HOWARD, 0);
    expect(await w.row(a.id)).toMatchObject({ state: 'failed', resumable: true, attempt: 1 });

    const stale = await w.executor().post(a.id, HOWARD, 0);
    expect(stale.won).toBe(false);
    expect(w.syncro.writes()).toHaveLength(1);
    expect(await w.row(a.id)).toMatchObject({ state: 'failed', attempt: 1 });

    // The card as redrawn (attempt 1) offers Post again: that click wins and sends once more.
    const again = await w.executor().post(a.id, HOWARD, 1);
    expect(again.won).toBe(true);
    expect(w.syncro.writes()).toEqual([postComment, postComment]);
    expect(await w.row(a.id)).toMatchObject({ state: 'succeeded', attempt: 2 });
  });

  it('should refuse a click on an expired card and send nothing', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    w.clock.advance(TTL_MS);

    const out = await w.executor().post(a.id, HOWARD, 0);

    expect(out).toEqual({ won: false, action: expect.objectContaining({ state: 'proposed', attempt: 0 }) });
    expect(w.syncro.calls).toEqual([]);
    expect((await w.executor().expireDue()).map((x) => x.id)).toEqual([a.id]);
    expect((await w.row(a.id)).state).toBe('expired');
  });

  it('should refuse a click on a cancelled card and send nothing', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    await w.executor().cancel(a.id, HOWARD);

    const out = await w.executor().post(a.id, HOWARD, 0);

    expect(out.won).toBe(false);
    expect(out.action?.state).toBe('cancelled');
    expect(w.syncro.calls).toEqual([]);
  });

  it('should send nothing when the signer is refused after the claim, and leave the card resumable', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    const executor = w.executor('replica-a', {
      writerApi: async () => {
        throw new SignerChangedError('Howard Enos', 'Someone Else');
      },
    });

    await executor.post(a.id, HOWARD, 0);

    expect(w.syncro.calls).toEqual([]);
    expect(await w.row(a.id)).toMatchObject({
      state: 'failed',
      resumable: true,
      problem: {
        code: 'signer_refused',
        error: { code: 'SIGNER_CHANGED', signer: { promised: 'Howard Enos', actual: 'Someone Else' } },
      },
      steps: [{ status: 'pending' }],
    });
  });
  it("should record who approved and the click's response_url with the claim", async () => {
    const w = await world();
    const a = await w.propose(commentAction());

    await w.executor().post(a.id, 'U0CLICKER', 0, {
      approvedBy: 'U0APPROVER',
      slack: { responseUrl: 'https://hooks.slack.test/actions/1', responseUrlIssuedAt: T0 },
    });

    expect(await w.row(a.id)).toMatchObject({
      clickedBy: 'U0CLICKER',
      clickedAt: T0,
      approvedBy: 'U0APPROVER',
      slack: { channelId: 'C1', ephemeral: true, responseUrl: 'https://hooks.slack.test/actions/1' },
    });
    expect(await w.store.listAudit(90, 10)).toEqual([
      expect.objectContaining({
        clickerSlackId: 'U0CLICKER',
        approverSlackId: 'U0APPROVER',
        requesterSlackId: HOWARD,
      }),
    ]);
  });

  it('should neither take nor read back an action nobody is writing on "Check again"', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    await w.executor().post(a.id, HOWARD, 0);
    const calls = w.syncro.calls.length;

    expect(await w.executor('replica-b').recheck(a.id)).toMatchObject({ state: 'succeeded' });
    expect(w.syncro.calls).toHaveLength(calls);
  });

  it('should finish the write when the card cannot be drawn', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    const executor = w.executor('replica-a', {
      onChange: async () => {
        throw new Error('response_url expired');
      },
    });

    const out = await executor.post(a.id, HOWARD, 0);

    expect(out.action?.state).toBe('succeeded');
    expect(w.syncro.writes()).toEqual([postComment]);
  });
});

describe('each step outcome', () => {
  it.each([
    { status: 422 as const, messages: ["Body can't be blank"], code: 'SYNCRO_VALIDATION' },
    { status: 401 as const, messages: undefined, code: 'SYNCRO_UNAUTHORIZED' },
    { status: 403 as const, messages: undefined, code: 'SYNCRO_UNAUTHORIZED' },
  ])(
    'should mark the step failed, read nothing back and offer Post again when Syncro answers $status',
    async ({ status, messages, code }) => {
      const w = await world();
      const a = await w.propose(commentAction());
      w.syncro.script({ answer: 'refused', status, ...(messages ? { messages } : {}) });

      await w.executor().post(a.id, HOWARD, 0);

      // Known not written: no read-back after the write.
      expect(lines(w.syncro.calls)).toEqual(['GET /tickets/90', 'POST /tickets/90/comment']);
      const row = await w.row(a.id);
      expect(row).toMatchObject({
        state: 'failed',
        resumable: true,
        problem: { code: 'step_failed', step: 0 },
      });
      expect(row.steps[0]).toMatchObject({
        status: 'failed',
        outcome: {
          code: 'refused',
          error: { code, endpoint: 'POST /tickets/90/comment', ...(messages ? { status, messages } : {}) },
        },
      });
      expect(row.steps[0]?.resultId).toBeUndefined();
      expect(w.journal).toEqual(['executing:sending', 'executing:failed', 'failed:failed']);
      expect(await w.store.listAudit(90, 10)).toEqual([
        expect.objectContaining({ outcome: 'failed', error: expect.stringMatching(`^refused: ${code}`) }),
      ]);
    },
  );

  it.each([
    {
      what: '429 (rate limited)',
      error: new SyncroRateLimitedError('POST /tickets/90/comment', 30_000, T0),
      code: 'SYNCRO_RATE_LIMITED',
    },
    {
      what: '404 (no such ticket)',
      error: new SyncroNotFoundError('Syncro has no such record', 'POST /tickets/90/comment'),
      code: 'SYNCRO_NOT_FOUND',
    },
    {
      what: 'a connection never made',
      error: new SyncroNetworkError('Could not connect; nothing was sent', 'POST /tickets/90/comment'),
      code: 'SYNCRO_NETWORK',
    },
  ])('should mark the step failed without reading back after $what', async ({ error, code }) => {
    const w = await world();
    const a = await w.propose(commentAction());
    w.syncro.script({ answer: 'error', error });

    await w.executor().post(a.id, HOWARD, 0);

    expect(lines(w.syncro.calls)).toEqual(['GET /tickets/90', 'POST /tickets/90/comment']);
    expect(await w.row(a.id)).toMatchObject({
      state: 'failed',
      resumable: true,
      problem: { code: 'step_failed', step: 0 },
      steps: [{ status: 'failed', outcome: { code: 'refused', error: { code } } }],
    });
  });

  it.each([
    { reason: 'timeout' as const, status: undefined },
    { reason: 'server_error' as const, status: 502 },
    { reason: 'unparseable_body' as const, status: 200 },
  ])(
    'should read Syncro back, not re-send, when the answer is unusable ($reason) and the write landed',
    async ({ reason, status }) => {
      const w = await world();
      const a = await w.propose(commentAction());
      w.syncro.script({ answer: 'unknown', reason, lands: true, ...(status ? { status } : {}) });

      await w.executor().post(a.id, HOWARD, 0);

      expect(w.syncro.writes()).toEqual([postComment]);
      // The read-back: every comment since the send, less the clock allowance.
      const readBack = w.syncro.calls.at(-1);
      expect(readBack).toMatchObject({ method: 'GET', path: '/tickets/90/comments' });
      expect(readBack?.query?.createdAfter).toBe(new Date(T0 - CLOCK_SKEW_MS).toISOString());
      const [landed] = w.syncro.comments.get(90)!;
      const row = await w.row(a.id);
      expect(row).toMatchObject({ state: 'succeeded', resumable: false });
      expect(row.steps[0]).toMatchObject({
        status: 'succeeded',
        resultId: landed!.id,
        outcome: { code: 'found', what: 'comment' },
      });
      expect(w.journal).toEqual([
        'executing:sending',
        'outcome_unknown:unknown',
        'executing:succeeded',
        'succeeded:succeeded',
      ]);
      // The card said "checking Syncro…" before the read-back.
      expect(w.published).toContainEqual({ replica: 'replica-a', state: 'outcome_unknown', milestone: true });
      const audit = await w.store.listAudit(90, 10);
      expect(audit.map((e) => e.outcome).reverse()).toEqual(['outcome_unknown', 'found_after_unknown']);
      expect(audit[0]?.resultId).toBe(landed!.id);
      expect(audit[1]?.error).toMatch(/^no_answer: SYNCRO_WRITE_OUTCOME_UNKNOWN/);
    },
  );
});

describe('unknown outcome read back', () => {
  it('should mark the step absent and offer Post again, sending nothing by itself, when the write is not there', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    w.syncro.script({ answer: 'unknown', reason: 'timeout', lands: false });

    await w.executor().post(a.id, HOWARD, 0);

    const row = await w.row(a.id);
    expect(row).toMatchObject({
      state: 'failed',
      resumable: true,
      attempt: 1,
      problem: { code: 'absent_after_check', step: 0 },
    });
    expect(row.steps[0]).toMatchObject({
      status: 'absent',
      sentAt: T0,
      outcome: {
        code: 'absent',
        what: 'comment',
        searched: { ticketId: 90, since: T0 - CLOCK_SKEW_MS, pages: 1, records: 0 },
      },
    });
    expect(row.leaseOwner).toBeUndefined();
    expect((await w.store.listAudit(90, 10)).map((e) => e.outcome).reverse()).toEqual([
      'outcome_unknown',
      'absent_after_unknown',
    ]);

    // Nothing re-sends it without a click: not the sweep, nor the expiry sweep, while the card lives.
    w.clock.advance(TTL_MS - 1);
    const ex = w.executor('replica-b');
    expect(await ex.recoverStale()).toEqual([]);
    expect(await ex.expireDue()).toEqual([]);
    expect(w.syncro.writes()).toEqual([postComment]);

    // "Post again" (the card redrawn at attempt 1): read back once more, still not there, sent once more.
    const again = await ex.post(a.id, HOWARD, 1);
    expect(again.action?.state).toBe('succeeded');
    expect(lines(w.syncro.calls).slice(-3)).toEqual([
      'GET /tickets/90/comments',
      'GET /tickets/90',
      'POST /tickets/90/comment',
    ]);
    expect(w.syncro.writes()).toEqual([postComment, postComment]);
    expect(w.syncro.comments.get(90)).toHaveLength(1);
  });

  it('should not send again on Post again when the first request reached Syncro after the read-back', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    w.syncro.script({ answer: 'unknown', reason: 'timeout', lands: false });
    await w.executor().post(a.id, HOWARD, 0);
    expect((await w.row(a.id)).steps[0]?.status).toBe('absent');

    // Syncro stores the first request late.
    w.clock.advance(30_000);
    const late = w.syncro.addCommentNow(90, COMMENT_BODY);
    w.clock.advance(30_000);
    const again = await w.executor().post(a.id, HOWARD, 1);

    expect(again.won).toBe(true);
    expect(w.syncro.writes()).toEqual([postComment]);
    expect(again.action?.state).toBe('succeeded');
    expect(again.action?.steps[0]).toMatchObject({
      status: 'succeeded',
      resultId: late.id,
      outcome: { code: 'found' },
    });
  });

  it('should send nothing on Post again when Syncro cannot be read to check that the first request is still absent', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    w.syncro.script({ answer: 'unknown', reason: 'timeout', lands: false });
    await w.executor().post(a.id, HOWARD, 0);
    expect((await w.row(a.id)).steps[0]?.status).toBe('absent');

    w.syncro.failReads = new SyncroServerError('GET /tickets/90/comments', 503);
    const again = await w.executor().post(a.id, HOWARD, 1);

    expect(again.won).toBe(true);
    expect(w.syncro.writes()).toEqual([postComment]);
    expect(again.action).toMatchObject({
      state: 'outcome_unknown',
      problem: { code: 'check_failed', step: 0 },
      steps: [{ status: 'unknown', outcome: { code: 'check_failed' } }],
    });
  });

  it('should keep the outcome unknown while Syncro cannot be read, and settle it once it can, never re-sending', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    w.syncro.script({ answer: 'unknown', reason: 'server_error', status: 503, lands: true });
    const unreadable = new SyncroServerError('GET /tickets/90/comments', 503);
    w.syncro.onWrite = () => {
      w.syncro.failReads = unreadable;
    };

    await w.executor().post(a.id, HOWARD, 0);

    const row = await w.row(a.id);
    const error = { code: 'SYNCRO_SERVER', status: 503, endpoint: 'GET /tickets/90/comments' };
    expect(row).toMatchObject({
      state: 'outcome_unknown',
      problem: { code: 'check_failed', step: 0, error },
    });
    expect(row.steps[0]).toMatchObject({ status: 'unknown', outcome: { code: 'check_failed', error } });
    // The lease is released for the sweeper or a "Check again" click.
    expect(row.leaseOwner).toBeUndefined();
    expect(row.leaseUntil).toBe(T0 + LEASE_MS);
    expect(w.published.at(-1)).toEqual({ replica: 'replica-a', state: 'outcome_unknown', milestone: true });

    // A Post click on it loses; "Check again" while Syncro is still unreadable leaves it unknown.
    expect((await w.executor().post(a.id, HOWARD, 1)).won).toBe(false);
    const still = await w.executor().recheck(a.id);
    expect(still).toMatchObject({ state: 'outcome_unknown', steps: [{ status: 'unknown' }] });

    // Syncro readable again: the sweep, once the lease has run out, finds the comment.
    w.syncro.failReads = undefined;
    w.clock.advance(LEASE_MS + 1);
    const [settled] = await w.executor('replica-b').recoverStale();
    const [landed] = w.syncro.comments.get(90)!;
    expect(settled).toMatchObject({
      id: a.id,
      state: 'succeeded',
      steps: [{ status: 'succeeded', resultId: landed!.id }],
    });
    expect(w.syncro.writes()).toEqual([postComment]);
  });

  it('should settle an unknown outcome on "Check again" once Syncro can be read', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    w.syncro.script({ answer: 'unknown', reason: 'timeout', lands: true });
    w.syncro.onWrite = () => {
      w.syncro.failReads = new SyncroServerError('GET /tickets/90/comments', 500);
    };
    await w.executor().post(a.id, HOWARD, 0);
    expect((await w.row(a.id)).state).toBe('outcome_unknown');

    w.syncro.failReads = undefined;
    const checked = await w.executor().recheck(a.id);

    expect(checked).toMatchObject({
      state: 'succeeded',
      steps: [{ status: 'succeeded', outcome: { code: 'found' } }],
    });
    expect(w.syncro.writes()).toEqual([postComment]);
  });
});

describe('shutdown', () => {
  it('should wait for a write in flight to finish before the process stops', async () => {
    const w = await world();
    const { a, replicaA, executorA } = await inFlight(w, true);

    const drained = executorA.drain(60_000);
    w.syncro.release();

    expect(await drained).toBe(0);
    expect((await replicaA).action?.state).toBe('succeeded');
    expect((await w.row(a.id)).state).toBe('succeeded');
  });

  it('should stop waiting after the timeout and say how many writes are still in flight', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const w = await world();
      const { a, replicaA, executorA } = await inFlight(w, true);

      const drained = executorA.drain(5_000);
      await vi.advanceTimersByTimeAsync(5_000);

      expect(await drained).toBe(1);
      // Left executing under its lease: after a restart, it is read back, not sent again.
      expect(await w.row(a.id)).toMatchObject({ state: 'executing', steps: [{ status: 'sending' }] });
      w.syncro.release();
      await replicaA;
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a multi-step action (close with a resolution comment)', () => {
  it('should send each step once, in order, with the journaled bodies', async () => {
    const w = await world();
    const a = await w.propose(closeAction());

    const out = await w.executor().post(a.id, HOWARD, 0);

    expect(w.syncro.writes()).toEqual([postComment, putResolved]);
    expect(out.action).toMatchObject({
      state: 'succeeded',
      steps: [
        { status: 'succeeded', outcome: { code: 'done' } },
        {
          status: 'succeeded',
          resultId: 90,
          outcome: { code: 'done', status: 'Resolved', ticketNumber: '32164' },
        },
      ],
    });
    expect(w.journal).toEqual([
      'executing:sending,pending',
      'executing:succeeded,pending',
      'executing:succeeded,sending',
      'executing:succeeded,succeeded',
      'succeeded:succeeded,succeeded',
    ]);
  });

  it('should stop after a step found by reading back, and resume from the next step on a new click', async () => {
    const w = await world();
    const a = await w.propose(closeAction());
    w.syncro.script({ answer: 'unknown', reason: 'timeout', lands: true });

    await w.executor().post(a.id, HOWARD, 0);

    const [landed] = w.syncro.comments.get(90)!;
    const stopped = await w.row(a.id);
    expect(w.syncro.writes()).toEqual([postComment]);
    expect(stopped).toMatchObject({
      state: 'failed',
      resumable: true,
      attempt: 1,
      problem: { code: 'found_after_unknown', step: 0, resumeFrom: 1 },
      steps: [{ status: 'succeeded', resultId: landed!.id }, { status: 'pending' }],
    });
    // Half done: resumable for a week, not only for the card's short lifetime.
    expect(stopped.expiresAt).toBe(T0 + HALF_DONE_RESUME_MS);

    // Long after the card's own expiry, "Resume" sends the status change only.
    w.clock.advance(TTL_MS * 6);
    const resumed = await w.executor('replica-b').post(a.id, HOWARD, 1);

    expect(resumed.won).toBe(true);
    expect(w.syncro.writes()).toEqual([postComment, putResolved]);
    expect(w.syncro.comments.get(90)).toHaveLength(1);
    expect(resumed.action).toMatchObject({
      state: 'succeeded',
      attempt: 2,
      steps: [
        { status: 'succeeded', resultId: landed!.id },
        { status: 'succeeded', resultId: 90 },
      ],
    });
    expect(w.syncro.tickets.get(90)?.status).toBe('Resolved');
  });

  it('should resume a refused later step without sending the done step again', async () => {
    const w = await world();
    const a = await w.propose(closeAction());
    w.syncro.script({ answer: 'ok' }, { answer: 'refused', status: 422, messages: ['Status is not valid'] });

    await w.executor().post(a.id, HOWARD, 0);
    expect(await w.row(a.id)).toMatchObject({
      state: 'failed',
      resumable: true,
      problem: { code: 'step_failed', step: 1 },
      steps: [{ status: 'succeeded' }, { status: 'failed' }],
    });

    await w.executor().post(a.id, HOWARD, 1);

    expect(w.syncro.writes()).toEqual([postComment, putResolved, putResolved]);
    expect((await w.row(a.id)).state).toBe('succeeded');
  });

  it('should read the ticket back after an unclear answer to the status change, and send it again only on a click', async () => {
    const w = await world();
    const a = await w.propose(closeAction());
    w.syncro.script(
      { answer: 'ok' },
      { answer: 'unknown', reason: 'server_error', status: 500, lands: false },
    );

    await w.executor().post(a.id, HOWARD, 0);

    const stopped = await w.row(a.id);
    expect(stopped).toMatchObject({
      state: 'failed',
      resumable: true,
      problem: { code: 'absent_after_check', step: 1 },
      steps: [
        { status: 'succeeded' },
        {
          status: 'absent',
          outcome: { code: 'unchanged', fields: [{ field: 'status', value: 'In Progress' }] },
        },
      ],
    });
    expect(stopped.expiresAt).toBe(T0 + HALF_DONE_RESUME_MS);
    expect(lines(w.syncro.calls).slice(-2)).toEqual(['PUT /tickets/90', 'GET /tickets/90']);

    await w.executor().post(a.id, HOWARD, 1);

    // Read once more before sending again (still unchanged), then the status change only.
    expect(lines(w.syncro.calls).slice(-2)).toEqual(['GET /tickets/90', 'PUT /tickets/90']);
    expect(w.syncro.writes()).toEqual([postComment, putResolved, putResolved]);
    expect(await w.row(a.id)).toMatchObject({ state: 'succeeded', attempt: 2 });
  });

  it('should take the status change as done when the ticket reads back changed', async () => {
    const w = await world();
    const a = await w.propose(closeAction());
    w.syncro.script({ answer: 'ok' }, { answer: 'unknown', reason: 'timeout', lands: true });

    const out = await w.executor().post(a.id, HOWARD, 0);

    expect(w.syncro.writes()).toEqual([postComment, putResolved]);
    expect(out.action).toMatchObject({
      state: 'succeeded',
      steps: [
        { status: 'succeeded' },
        {
          status: 'succeeded',
          resultId: 90,
          outcome: { code: 'found', what: 'ticket_change', ticketNumber: '32164' },
        },
      ],
    });
  });
});

describe('a multi-step action (billing)', () => {
  it('should send the five steps in order, each once, the check reading the invoice just made', async () => {
    const w = await world();
    const a = await w.propose(billAction());

    const out = await w.executor().post(a.id, HOWARD, 0);

    const [inv] = w.syncro.invoices;
    expect(lines(w.syncro.calls)).toEqual([
      'GET /tickets/90',
      'POST /tickets/90/comment',
      'POST /tickets/90/add_line_item',
      'GET /invoices',
      'POST /invoices',
      `GET /invoices/${inv!.id}`,
      'PUT /tickets/90',
    ]);
    expect(w.syncro.writes().map((c) => c.body)).toEqual([
      COMMENT_BODY,
      LINE,
      INVOICE_BODY,
      { status: 'Invoiced' },
    ]);
    expect(out.action?.state).toBe('succeeded');
    expect(out.action?.steps.map((s) => s.status)).toEqual(Array(5).fill('succeeded'));
    expect(out.action?.steps[2]).toMatchObject({
      resultId: inv!.id,
      outcome: { invoiceNumber: String(inv!.id) },
    });
    // The audit log has the four writes, not the check (a read).
    expect((await w.store.listAudit(90, 10)).map((e) => `${e.method} ${e.endpoint}`).reverse()).toEqual([
      'POST /tickets/90/comment',
      'POST /tickets/90/add_line_item',
      'POST /invoices',
      'PUT /tickets/90',
    ]);
  });

  it('should stop after an invoice found by reading back, and resume at the check with the invoice found', async () => {
    const w = await world();
    const a = await w.propose(billAction());
    w.syncro.script(
      { answer: 'ok' },
      { answer: 'ok' },
      { answer: 'unknown', reason: 'timeout', lands: true },
    );

    await w.executor().post(a.id, HOWARD, 0);

    const [inv] = w.syncro.invoices;
    expect(w.syncro.writes().map((c) => c.path)).toEqual([
      '/tickets/90/comment',
      '/tickets/90/add_line_item',
      '/invoices',
    ]);
    expect(await w.row(a.id)).toMatchObject({
      state: 'failed',
      resumable: true,
      expiresAt: T0 + HALF_DONE_RESUME_MS,
      problem: { code: 'found_after_unknown', step: 2, resumeFrom: 3 },
      steps: [
        { status: 'succeeded' },
        { status: 'succeeded' },
        { status: 'succeeded', resultId: inv!.id, outcome: { code: 'found', what: 'invoice' } },
        { status: 'pending' },
        { status: 'pending' },
      ],
    });

    w.clock.advance(TTL_MS * 2);
    const before = w.syncro.calls.length;
    const resumed = await w.executor().post(a.id, HOWARD, 1);

    expect(lines(w.syncro.calls.slice(before))).toEqual([`GET /invoices/${inv!.id}`, 'PUT /tickets/90']);
    expect(resumed.action?.state).toBe('succeeded');
    expect(w.syncro.comments.get(90)).toHaveLength(1);
    expect(w.syncro.tickets.get(90)?.line_items).toHaveLength(1);
    expect(w.syncro.invoices).toHaveLength(1);
  });

  it('should stop before the status change when the invoice does not hold the line', async () => {
    const w = await world();
    const a = await w.propose(billAction());
    // Someone invoices the ticket's lines just before our invoice is made: ours comes out without the line.
    w.syncro.onWrite = (call) => {
      if (call.path !== '/invoices') return;
      for (const li of w.syncro.tickets.get(90)?.line_items ?? []) li.converted = true;
    };

    await w.executor().post(a.id, HOWARD, 0);

    expect(w.syncro.writes().map((c) => c.path)).toEqual([
      '/tickets/90/comment',
      '/tickets/90/add_line_item',
      '/invoices',
    ]);
    expect(await w.row(a.id)).toMatchObject({
      state: 'failed',
      resumable: true,
      problem: { code: 'step_failed', step: 3 },
      steps: [
        { status: 'succeeded' },
        { status: 'succeeded' },
        { status: 'succeeded' },
        { status: 'failed', outcome: { code: 'invoice_mismatch', problems: [{ code: 'line_missing' }] } },
        { status: 'pending' },
      ],
    });
  });
});

describe('lease take-over', () => {
  it('should leave an action alone while its lease runs, then reconcile it by reading back, not re-sending', async () => {
    const w = await world();
    const { a, replicaA } = await inFlight(w, true);
    const b = w.executor('replica-b');

    // A still holds the lease: neither the sweep nor "Check again" takes it.
    w.clock.advance(LEASE_MS - 1);
    expect(await b.recoverStale()).toEqual([]);
    expect(await b.recheck(a.id)).toMatchObject({ state: 'executing', leaseOwner: 'replica-a' });

    w.clock.advance(2);
    const [recovered] = await b.recoverStale();

    const [landed] = w.syncro.comments.get(90)!;
    expect(recovered).toMatchObject({
      id: a.id,
      state: 'succeeded',
      steps: [{ status: 'succeeded', resultId: landed!.id, outcome: { code: 'found' } }],
    });
    expect(w.syncro.writes()).toEqual([postComment]);
    expect(lines(w.syncro.calls).at(-1)).toBe('GET /tickets/90/comments');

    // A's answer finally comes: A has lost the lease and writes nothing over B's result.
    const published = w.published.length;
    w.syncro.release();
    const late = await replicaA;
    expect(late.action?.state).toBe('succeeded');
    expect(await w.row(a.id)).toEqual(recovered);
    expect(w.published.slice(published).filter((p) => p.replica === 'replica-a')).toEqual([]);
    // The audit log has the write once, as found by B's read-back (A died before it could write a line).
    expect(await w.store.listAudit(90, 10)).toEqual([
      expect.objectContaining({
        outcome: 'found_after_unknown',
        resultId: landed!.id,
        endpoint: '/tickets/90/comment',
      }),
    ]);
  });

  it("should mark the step absent when the dead replica's request never landed, and send nothing", async () => {
    const w = await world();
    const { a, replicaA } = await inFlight(w, false);

    w.clock.advance(LEASE_MS + 1);
    const [recovered] = await w.executor('replica-b').recoverStale();

    expect(recovered).toMatchObject({
      id: a.id,
      state: 'failed',
      resumable: true,
      problem: { code: 'absent_after_check', step: 0 },
      steps: [{ status: 'absent' }],
    });
    expect(w.syncro.writes()).toEqual([postComment]);

    w.syncro.release();
    await replicaA;
    expect(await w.row(a.id)).toEqual(recovered);
  });

  it('should keep the lease alive while a slow request is in flight, so no other replica takes it over', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const w = await world();
      const { a, replicaA } = await inFlight(w, true);

      // The heartbeat (every third of the lease) extends it from the clock's time.
      w.clock.advance(LEASE_MS / 2);
      await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
      expect((await w.row(a.id)).leaseUntil).toBe(T0 + LEASE_MS / 2 + LEASE_MS);

      // Past the claim's own lease, the sweep of another replica leaves it alone.
      w.clock.advance(LEASE_MS / 2 + 1);
      expect(await w.executor('replica-b').recoverStale()).toEqual([]);

      w.syncro.release();
      const out = await replicaA;
      expect(out.action?.state).toBe('succeeded');
      expect(w.syncro.writes()).toEqual([postComment]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('should keep the lease when the store fails mid-write, and be reconciled once it runs out', async () => {
    const w = await world();
    const a = await w.propose(commentAction());
    const lost = new Error('disk I/O error');
    w.syncro.onWrite = () => {
      w.storeFault.update = lost;
    };

    await expect(w.executor('replica-a').post(a.id, HOWARD, 0)).rejects.toBeInstanceOf(
      ExecutionInterruptedError,
    );

    w.storeFault.update = undefined;
    expect(await w.row(a.id)).toMatchObject({
      state: 'executing',
      leaseOwner: 'replica-a',
      steps: [{ status: 'sending' }],
    });
    w.clock.advance(LEASE_MS + 1);
    const [recovered] = await w.executor('replica-b').recoverStale();

    expect(recovered).toMatchObject({
      state: 'succeeded',
      steps: [{ status: 'succeeded', outcome: { code: 'found' } }],
    });
    expect(w.syncro.writes()).toEqual([postComment]);
  });

  it("should resume from the next step after a take-over found the dead replica's step in Syncro", async () => {
    const w = await world();
    const { a, replicaA } = await inFlight(w, true, closeAction());

    w.clock.advance(LEASE_MS + 1);
    const [recovered] = await w.executor('replica-b').recoverStale();
    expect(recovered).toMatchObject({
      state: 'failed',
      resumable: true,
      problem: { code: 'found_after_unknown', step: 0, resumeFrom: 1 },
      steps: [{ status: 'succeeded' }, { status: 'pending' }],
    });
    expect(w.syncro.writes()).toEqual([postComment]);
    w.syncro.release();
    await replicaA;

    await w.executor('replica-b').post(a.id, HOWARD, 1);

    expect(w.syncro.writes()).toEqual([postComment, putResolved]);
    expect((await w.row(a.id)).state).toBe('succeeded');
  });

  it('should let only one of two sweeping replicas take a stale action', async () => {
    const w = await world();
    const { a, replicaA } = await inFlight(w, true);
    w.clock.advance(LEASE_MS + 1);
    const reads = w.syncro.calls.length;

    const [b, c] = await Promise.all([
      w.executor('replica-b').recoverStale(),
      w.executor('replica-c').recoverStale(),
    ]);

    expect([...b, ...c].map((x) => x.id)).toEqual([a.id]);
    // One read-back, by the one that took it.
    expect(lines(w.syncro.calls.slice(reads))).toEqual(['GET /tickets/90/comments']);
    expect(w.syncro.writes()).toEqual([postComment]);
    w.syncro.release();
    await replicaA;
  });

  it('should stop an action a dead replica left between steps, and resume it from the step not done', async () => {
    const w = await world();
    const a = await w.propose(closeAction());
    // As replica A left it: the comment done, the status change never journaled as sending.
    const claim = await w.store.claim(a.id, {
      clicker: HOWARD,
      now: T0,
      expectedAttempt: 0,
      owner: 'replica-a',
      leaseMs: LEASE_MS,
    });
    expect(claim.won).toBe(true);
    const done = w.syncro.addCommentNow(90, COMMENT_BODY);
    await w.store.update(
      a.id,
      { leaseOwner: 'replica-a' },
      {
        steps: a.steps.map((s, i) =>
          i === 0 ? { ...s, status: 'succeeded', resultId: done.id, sentAt: T0 } : s,
        ),
      },
    );

    w.clock.advance(LEASE_MS + 1);
    const [recovered] = await w.executor('replica-b').recoverStale();

    expect(w.syncro.calls).toEqual([]);
    expect(recovered).toMatchObject({
      state: 'failed',
      resumable: true,
      problem: { code: 'restarted_between_steps', resumeFrom: 1 },
      steps: [{ status: 'succeeded', resultId: done.id }, { status: 'pending' }],
    });

    await w.executor('replica-b').post(a.id, HOWARD, 1);
    expect(w.syncro.writes()).toEqual([putResolved]);
    expect((await w.row(a.id)).state).toBe('succeeded');
  });
});
