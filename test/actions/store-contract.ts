import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ClaimRequest } from '../../src/actions/store.js';
import type { ActionState, AuditEntry, PendingAction } from '../../src/actions/types.js';
import type { AppStore } from '../../src/store/app-store.js';

/**
 * The contract every ActionStore implementation must meet, above all "only once": of any number of concurrent
 * claimers, in any number of store instances on one database, exactly one wins.
 *
 * `open()` must return a NEW store instance on the SAME database each time it is called (a new pool or
 * connection: like another replica). The suite shares one database across its tests, so every test uses fresh
 * ids and looks only at its own rows in the results of the table-wide sweeps.
 */

/** A fixed clock origin; tests never read the wall clock for times they assert on. */
export const T0 = 1_750_000_000_000;
const HOUR = 3_600_000;
const LEASE_MS = 60_000;

function newId(): string {
  return `act_${randomUUID()}`;
}

/** A proposed action with no optional field set. */
export function makeAction(over: Partial<PendingAction> = {}): PendingAction {
  return {
    id: newId(),
    kind: 'comment',
    state: 'proposed',
    attempt: 0,
    requesterSlackId: 'U_REQUESTER',
    signer: {
      slackUserId: 'U_REQUESTER',
      syncroUserId: 42,
      syncroName: 'Howard Tech',
      keyKind: 'own',
      keySource: 'env:SYNCRO_KEY_HOWARD',
    },
    summary: {},
    steps: [
      {
        op: 'add_comment',
        method: 'POST',
        path: '/tickets/9001/comment',
        body: { subject: 'Update', body: 'Done', hidden: false, do_not_email: true },
        status: 'pending',
      },
    ],
    slack: { channelId: 'C_CHANNEL', ephemeral: true },
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + HOUR,
    ...over,
  };
}

/** An action with every optional field set, nested ones included. */
/** A line item body with a nested value besides its fields: the row keeps any JSON exactly. */
const lineWithNested = {
  product_id: 555,
  name: 'Labour - Remote',
  description: 'Fixed it',
  quantity: 1.875,
  taxable: false,
  nested: { list: [1, 'two', null, true] },
};

export function makeFullAction(over: Partial<PendingAction> = {}): PendingAction {
  return makeAction({
    kind: 'bill',
    state: 'failed',
    attempt: 3,
    ticket: {
      id: 9001,
      number: '32164',
      subject: 'Own cloud "thing" again ✓',
      customerId: 77,
      customerName: 'Acme',
    },
    draft: {
      kind: 'update_ticket',
      ticket: { id: 9001, number: '32164', subject: 'Own cloud "thing" again ✓', status: 'New' },
      status: 'In Progress',
      statuses: ['New', 'In Progress'],
    },
    summary: {
      editable: [
        {
          field: 'labor',
          options: [{ value: 'remote', name: 'Zoë — 日本語 — \\ "quoted" \n newline' }, { value: 'onsite' }],
          selected: 'remote',
        },
      ],
      billing: {
        laborType: 'remote',
        laborLabel: 'Remote',
        minutes: 75,
        hours: 1.25,
        quantity: 1.875,
        multiplier: 1.5,
        productId: 555,
        productName: 'Labour - Remote',
        rate: 120.1,
        total: 225.19,
        taxable: false,
        priceSent: true,
        prepaidBefore: null,
        prepaidAfter: null,
        lineItem: {
          product_id: 555,
          name: 'Labour - Remote',
          description: 'Fixed it',
          quantity: 1.875,
          taxable: false,
          price_retail: 120.1,
        },
        notes: ['premium_on_prepaid'],
      },
    },
    steps: [
      {
        op: 'add_line_item',
        method: 'POST',
        path: '/tickets/9001/add_line_item',
        body: lineWithNested,
        status: 'succeeded',
        resultId: 123456,
        sentAt: T0 + 10,
        finishedAt: T0 + 20,
        outcome: { code: 'done', invoiceNumber: '1001' },
      },
      {
        op: 'verify_invoice',
        method: 'GET',
        path: '/invoices/{invoice_id}',
        status: 'absent',
        outcome: { code: 'absent', what: 'invoice', searched: { ticketId: 9001, since: T0 } },
      },
    ],
    slack: {
      channelId: 'C_CHANNEL',
      ephemeral: false,
      responseUrl: 'https://hooks.slack.test/actions/T/1/abc',
      responseUrlIssuedAt: T0 - 5,
      responseUrlUses: 2,
      messageTs: '1750000000.000100',
    },
    clickedBy: 'U_BOSS',
    clickedAt: T0 + 1,
    approvedBy: 'U_BOSS',
    leaseOwner: 'replica-a',
    leaseUntil: T0 + LEASE_MS,
    resumable: true,
    problem: {
      code: 'signer_refused',
      error: { code: 'SYNCRO_VALIDATION', messages: ['product not found'] },
    },
    cancelledBy: 'U_NOBODY',
    signer: {
      slackUserId: 'U_REQUESTER',
      syncroUserId: 1,
      syncroName: 'Shared Bot',
      keyKind: 'shared',
      keySource: 'env:SYNCRO_KEY_SHARED',
    },
    ...over,
  });
}

export function makeAudit(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actionId: newId(),
    requesterSlackId: 'U_REQUESTER',
    syncroUserId: 42,
    syncroName: 'Howard Tech',
    keyKind: 'own',
    method: 'POST',
    endpoint: '/tickets/9001/comment',
    outcome: 'succeeded',
    startedAt: T0,
    finishedAt: T0 + 5,
    ...over,
  };
}

function claimReq(over: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    clicker: 'U_CLICKER',
    now: T0,
    expectedAttempt: 0,
    owner: 'replica-a',
    leaseMs: LEASE_MS,
    ...over,
  };
}

/** A ticket id no earlier test or run used, so that `listAudit` sees only this test's entries. */
function freshTicketId(): number {
  return 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
}

export function runStoreContract(
  name: string,
  open: () => Promise<AppStore>,
  cleanup?: () => Promise<void>,
): void {
  describe(`ActionStore contract: ${name}`, () => {
    let store: AppStore;

    beforeAll(async () => {
      store = await open();
      await store.migrate();
    });

    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    /** `n` more instances on the same database (like replicas), closed when the test ends. */
    async function replicas(n: number): Promise<AppStore[]> {
      const stores = await Promise.all(Array.from({ length: n }, () => open()));
      onTestFinished(async () => {
        await Promise.all(stores.map((s) => s.close()));
      });
      return stores;
    }

    async function inserted(over: Partial<PendingAction> = {}): Promise<PendingAction> {
      const action = makeAction(over);
      await store.insert(action);
      return action;
    }

    describe('insert and get', () => {
      it('should return an action deep-equal to the one inserted when every optional field is set', async () => {
        const action = makeFullAction();
        await store.insert(action);
        expect(await store.get(action.id)).toStrictEqual(action);
      });

      it('should return an action with exactly the same fields when no optional field is set', async () => {
        const action = await inserted();
        const got = await store.get(action.id);
        expect(got).toStrictEqual(action);
        expect(Object.keys(got ?? {}).sort()).toEqual(Object.keys(action).sort());
      });

      it('should keep resumable false apart from absent', async () => {
        const action = await inserted({ state: 'failed', resumable: false });
        expect(await store.get(action.id)).toStrictEqual(action);
      });

      it('should return undefined when the id is unknown', async () => {
        expect(await store.get(newId())).toBeUndefined();
      });

      it('should reject a second insert with the same id and keep the first', async () => {
        const action = await inserted();
        await expect(store.insert({ ...action, requesterSlackId: 'U_OTHER' })).rejects.toThrow();
        expect(await store.get(action.id)).toStrictEqual(action);
      });
    });

    describe('claim', () => {
      it('should win once, then lose to a second click drawn for the same attempt', async () => {
        const action = await inserted();
        const first = await store.claim(action.id, claimReq({ clicker: 'U_A', now: T0 + 100 }));
        expect(first.won).toBe(true);
        expect(first.action).toStrictEqual({
          ...action,
          state: 'executing',
          attempt: 1,
          clickedBy: 'U_A',
          clickedAt: T0 + 100,
          leaseOwner: 'replica-a',
          leaseUntil: T0 + 100 + LEASE_MS,
          updatedAt: T0 + 100,
        });

        const second = await store.claim(
          action.id,
          claimReq({ clicker: 'U_B', now: T0 + 200, owner: 'replica-b' }),
        );
        expect(second.won).toBe(false);
        expect(second.action).toStrictEqual(first.action);
        expect(await store.get(action.id)).toStrictEqual(first.action);
      });

      it('should record approvedBy when given and leave it absent otherwise', async () => {
        const approved = await inserted();
        const plain = await inserted();
        const a = await store.claim(approved.id, claimReq({ approvedBy: 'U_BOSS' }));
        const b = await store.claim(plain.id, claimReq());
        expect(a.action?.approvedBy).toBe('U_BOSS');
        expect(b.action).not.toHaveProperty('approvedBy');
      });

      it('should let exactly one of 50 concurrent claimers on several instances win', async () => {
        const instances = [store, ...(await replicas(4))];
        const actions = await Promise.all(Array.from({ length: 5 }, () => inserted()));
        const attempts = actions.flatMap((action) =>
          Array.from({ length: 50 }, (_, i) => {
            const instance = instances[i % instances.length]!;
            const req = claimReq({
              clicker: `U_${i}`,
              owner: `replica-${i % instances.length}`,
              now: T0 + i,
            });
            return instance.claim(action.id, req).then((result) => ({ id: action.id, i, result }));
          }),
        );
        const results = await Promise.all(attempts);

        for (const action of actions) {
          const mine = results.filter((r) => r.id === action.id);
          const winners = mine.filter((r) => r.result.won);
          expect(winners).toHaveLength(1);
          const winner = winners[0]!;
          const row = await store.get(action.id);
          expect(row).toMatchObject({
            state: 'executing',
            attempt: 1,
            clickedBy: `U_${winner.i}`,
            leaseOwner: `replica-${winner.i % instances.length}`,
          });
          for (const loser of mine.filter((r) => !r.result.won)) expect(loser.result.action).toBeDefined();
        }
      });

      it('should lose when the button was drawn for another attempt', async () => {
        const action = await inserted({ state: 'failed', resumable: true, attempt: 2 });
        expect((await store.claim(action.id, claimReq({ expectedAttempt: 1 }))).won).toBe(false);
        expect((await store.claim(action.id, claimReq({ expectedAttempt: 3 }))).won).toBe(false);
        expect(await store.get(action.id)).toStrictEqual(action);
      });

      it('should lose when the action expires at or before the click', async () => {
        const action = await inserted({ expiresAt: T0 + 1000 });
        const late = await store.claim(action.id, claimReq({ now: T0 + 1000 }));
        expect(late).toStrictEqual({ won: false, action });
        expect((await store.claim(action.id, claimReq({ now: T0 + 999 }))).won).toBe(true);
      });

      it.each<ActionState>(['cancelled', 'succeeded', 'executing', 'outcome_unknown', 'expired'])(
        'should not claim an action that is %s',
        async (state) => {
          const action = await inserted({ state, resumable: true });
          const result = await store.claim(action.id, claimReq());
          expect(result).toStrictEqual({ won: false, action });
        },
      );

      it('should not claim a failed action that is not resumable', async () => {
        const no = await inserted({ state: 'failed', resumable: false });
        const unset = await inserted({ state: 'failed' });
        expect((await store.claim(no.id, claimReq())).won).toBe(false);
        expect((await store.claim(unset.id, claimReq())).won).toBe(false);
      });

      it('should claim a failed resumable action with its current attempt, once', async () => {
        const action = await inserted({
          state: 'failed',
          resumable: true,
          attempt: 1,
          problem: { code: 'step_failed', step: 0 },
        });
        const result = await store.claim(action.id, claimReq({ expectedAttempt: 1, clicker: 'U_AGAIN' }));
        expect(result.won).toBe(true);
        expect(result.action).toMatchObject({
          state: 'executing',
          attempt: 2,
          clickedBy: 'U_AGAIN',
          resumable: true,
        });
        expect((await store.claim(action.id, claimReq({ expectedAttempt: 1 }))).won).toBe(false);
        expect((await store.claim(action.id, claimReq({ expectedAttempt: 2 }))).won).toBe(false);
      });

      it('should lose with no action when the id is unknown', async () => {
        expect(await store.claim(newId(), claimReq())).toStrictEqual({ won: false, action: undefined });
      });
    });

    describe('update', () => {
      it('should apply the patch and return the new row when the state guard matches', async () => {
        const action = await inserted({
          state: 'executing',
          leaseOwner: 'replica-a',
          leaseUntil: T0 + LEASE_MS,
        });
        const steps = action.steps.map((s) => ({ ...s, status: 'succeeded' as const, resultId: 77 }));
        const updated = await store.update(
          action.id,
          { states: ['executing', 'outcome_unknown'] },
          { state: 'succeeded', steps, updatedAt: T0 + 5 },
        );
        expect(updated).toStrictEqual({ ...action, state: 'succeeded', steps, updatedAt: T0 + 5 });
        expect(await store.get(action.id)).toStrictEqual(updated);
      });

      it('should change nothing and return undefined when the state guard fails', async () => {
        const action = await inserted({ state: 'cancelled' });
        expect(
          await store.update(action.id, { states: ['proposed'] }, { state: 'executing' }),
        ).toBeUndefined();
        expect(await store.update(action.id, { states: [] }, { state: 'executing' })).toBeUndefined();
        expect(await store.get(action.id)).toStrictEqual(action);
      });

      it('should apply only while the given replica holds the lease', async () => {
        const action = await inserted({
          state: 'executing',
          leaseOwner: 'replica-a',
          leaseUntil: T0 + LEASE_MS,
        });
        const patch = { state: 'failed' as const, updatedAt: T0 + 1 };
        expect(await store.update(action.id, { leaseOwner: 'replica-b' }, patch)).toBeUndefined();
        expect(
          await store.update(action.id, { leaseOwner: 'replica-a', states: ['proposed'] }, patch),
        ).toBeUndefined();
        expect(await store.get(action.id)).toStrictEqual(action);
        const updated = await store.update(
          action.id,
          { leaseOwner: 'replica-a', states: ['executing'] },
          patch,
        );
        expect(updated).toStrictEqual({ ...action, ...patch });
      });

      it('should apply only while the attempt is the one the guard names', async () => {
        const action = await inserted({ attempt: 2 });
        const patch = { attempt: 3, summary: { editable: [] }, updatedAt: T0 + 1 };
        expect(await store.update(action.id, { states: ['proposed'], attempt: 1 }, patch)).toBeUndefined();
        expect(await store.get(action.id)).toStrictEqual(action);
        const edited = await store.update(action.id, { states: ['proposed'], attempt: 2 }, patch);
        expect(edited).toStrictEqual({ ...action, ...patch });
        expect(await store.update(action.id, { attempt: 2 }, patch)).toBeUndefined();
      });

      it('should not match a lease owner guard when the row has no lease', async () => {
        const action = await inserted();
        expect(
          await store.update(
            action.id,
            { leaseOwner: 'replica-a' },
            { problem: { code: 'card_not_posted' } },
          ),
        ).toBeUndefined();
      });

      it('should replace top-level fields whole and clear fields patched with undefined', async () => {
        const action = makeFullAction({ state: 'executing' });
        await store.insert(action);
        const slack = { channelId: 'C_OTHER', ephemeral: true };
        const ticket = { id: 9002, number: '32165', subject: 'Other' };
        const updated = await store.update(
          action.id,
          {},
          {
            slack,
            ticket,
            summary: { editable: [{ field: 'priority', options: [{ value: 'High' }], selected: 'High' }] },
            problem: undefined,
            leaseOwner: undefined,
            leaseUntil: undefined,
            resumable: undefined,
            expiresAt: T0 + 2 * HOUR,
            updatedAt: T0 + 9,
          },
        );
        const { problem: _e, leaseOwner: _o, leaseUntil: _u, resumable: _r, ...kept } = action;
        const expected = {
          ...kept,
          slack,
          ticket,
          summary: { editable: [{ field: 'priority', options: [{ value: 'High' }], selected: 'High' }] },
          expiresAt: T0 + 2 * HOUR,
          updatedAt: T0 + 9,
        };
        expect(updated).toStrictEqual(expected);
        expect(await store.get(action.id)).toStrictEqual(expected);
      });

      it('should set updatedAt to the current time unless the patch sets it', async () => {
        const action = await inserted();
        const before = Date.now();
        const updated = await store.update(action.id, {}, { problem: { code: 'card_not_posted' } });
        expect(updated?.updatedAt).toBeGreaterThanOrEqual(before);
        expect(updated?.updatedAt).toBeLessThanOrEqual(Date.now());
      });

      it('should return undefined when the id is unknown', async () => {
        expect(await store.update(newId(), {}, { state: 'cancelled' })).toBeUndefined();
      });

      it('should refuse a patch that changes the id or clears a required field', async () => {
        const action = await inserted();
        await expect(store.update(action.id, {}, { id: newId() })).rejects.toThrow(/id/);
        await expect(store.update(action.id, {}, { steps: undefined })).rejects.toThrow(/steps/);
        expect(await store.get(action.id)).toStrictEqual(action);
      });
    });

    describe('takeOverStale', () => {
      it('should take only executing or outcome_unknown rows whose lease ran out', async () => {
        const now = T0 + 10 * HOUR;
        const lease = (state: ActionState, leaseUntil: number) =>
          inserted({ state, leaseOwner: 'replica-dead', leaseUntil });
        const staleExecuting = await lease('executing', now - 1);
        const staleUnknown = await lease('outcome_unknown', now - HOUR);
        const live = await lease('executing', now);
        const others = await Promise.all([
          lease('proposed', now - 1),
          lease('failed', now - 1),
          lease('succeeded', now - 1),
          lease('cancelled', now - 1),
        ]);
        const ids = new Set([staleExecuting, staleUnknown, live, ...others].map((a) => a.id));

        const taken = (await store.takeOverStale('replica-new', now, LEASE_MS)).filter((a) => ids.has(a.id));
        expect(taken.map((a) => a.id).sort()).toEqual([staleExecuting.id, staleUnknown.id].sort());
        for (const a of taken) {
          expect(a).toMatchObject({ leaseOwner: 'replica-new', leaseUntil: now + LEASE_MS });
          expect(await store.get(a.id)).toStrictEqual(a);
        }
        expect(await store.get(live.id)).toStrictEqual(live);
        for (const other of others) expect(await store.get(other.id)).toStrictEqual(other);

        const again = (await store.takeOverStale('replica-other', now, LEASE_MS)).filter((a) =>
          ids.has(a.id),
        );
        expect(again).toEqual([]);
      });

      it('should give each stale row to one caller only when replicas sweep at the same time', async () => {
        const now = T0 + 20 * HOUR;
        const instances = [store, ...(await replicas(4))];
        const stale = await Promise.all(
          Array.from({ length: 30 }, () =>
            inserted({ state: 'executing', leaseOwner: 'replica-dead', leaseUntil: now - 1 }),
          ),
        );
        const ids = new Set(stale.map((a) => a.id));

        const sweeps = await Promise.all(
          instances.flatMap((instance, i) =>
            [0, 1].map((k) =>
              instance
                .takeOverStale(`replica-${i}-${k}`, now, LEASE_MS)
                .then((rows) => ({ owner: `${i}-${k}`, rows })),
            ),
          ),
        );
        const takenBy = new Map<string, string[]>();
        for (const sweep of sweeps) {
          for (const row of sweep.rows.filter((r) => ids.has(r.id))) {
            takenBy.set(row.id, [...(takenBy.get(row.id) ?? []), sweep.owner]);
          }
        }
        expect(takenBy.size).toBe(stale.length);
        for (const [id, owners] of takenBy) {
          expect(owners).toHaveLength(1);
          expect((await store.get(id))?.leaseOwner).toBe(`replica-${owners[0]}`);
        }
      });

      it('should also take the rows of the replica named by alsoOwnedBy, however long their lease', async () => {
        const now = T0 + 25 * HOUR;
        const mine = await inserted({ state: 'executing', leaseOwner: 'replica-me', leaseUntil: now + HOUR });
        const theirs = await inserted({
          state: 'outcome_unknown',
          leaseOwner: 'replica-b',
          leaseUntil: now + HOUR,
        });
        const finished = await inserted({
          state: 'succeeded',
          leaseOwner: 'replica-me',
          leaseUntil: now + HOUR,
        });
        const ids = new Set([mine.id, theirs.id, finished.id]);

        const withoutName = (await store.takeOverStale('replica-me', now, LEASE_MS)).filter((a) =>
          ids.has(a.id),
        );
        expect(withoutName).toEqual([]);
        const taken = (await store.takeOverStale('replica-me', now, LEASE_MS, 'replica-me')).filter((a) =>
          ids.has(a.id),
        );
        expect(taken).toStrictEqual([{ ...mine, leaseUntil: now + LEASE_MS, updatedAt: now }]);
        expect(await store.get(theirs.id)).toStrictEqual(theirs);
        expect(await store.get(finished.id)).toStrictEqual(finished);
      });

      it('should wait for the lease of a released row to run out', async () => {
        const now = T0 + 26 * HOUR;
        const released = await inserted({ state: 'outcome_unknown', leaseUntil: now + 1 });
        const sweep = await store.takeOverStale('replica-new', now, LEASE_MS);
        expect(sweep.map((a) => a.id)).not.toContain(released.id);
        const later = await store.takeOverStale('replica-new', now + 2, LEASE_MS);
        expect(later.map((a) => a.id)).toContain(released.id);
      });
    });

    describe('takeOver', () => {
      it('should take a row whose lease was released, or ran out, and set a new lease', async () => {
        const now = T0 + 27 * HOUR;
        const released = await inserted({ state: 'outcome_unknown', leaseUntil: now + HOUR });
        const expired = await inserted({
          state: 'executing',
          leaseOwner: 'replica-dead',
          leaseUntil: now - 1,
        });
        for (const action of [released, expired]) {
          const taken = await store.takeOver(action.id, 'replica-new', now, LEASE_MS);
          expect(taken).toStrictEqual({
            ...action,
            leaseOwner: 'replica-new',
            leaseUntil: now + LEASE_MS,
            updatedAt: now,
          });
          expect(await store.get(action.id)).toStrictEqual(taken);
        }
      });

      it('should not take a row another replica holds, in another state, or unknown', async () => {
        const now = T0 + 28 * HOUR;
        const held = await inserted({ state: 'outcome_unknown', leaseOwner: 'replica-b', leaseUntil: now });
        const proposed = await inserted();
        const failed = await inserted({ state: 'failed', resumable: true });
        for (const action of [held, proposed, failed]) {
          expect(await store.takeOver(action.id, 'replica-new', now, LEASE_MS)).toBeUndefined();
          expect(await store.get(action.id)).toStrictEqual(action);
        }
        expect(await store.takeOver(newId(), 'replica-new', now, LEASE_MS)).toBeUndefined();
      });

      it('should give a row to one of many concurrent "Check again" clicks', async () => {
        const now = T0 + 29 * HOUR;
        const instances = [store, ...(await replicas(4))];
        const action = await inserted({ state: 'outcome_unknown', leaseUntil: now + HOUR });
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            instances[i % instances.length]!.takeOver(action.id, `replica-${i}`, now, LEASE_MS),
          ),
        );
        const taken = results.filter((r) => r !== undefined);
        expect(taken).toHaveLength(1);
        expect(await store.get(action.id)).toStrictEqual(taken[0]);
      });
    });

    describe('expireDue', () => {
      it('should expire proposed and resumable failed rows at or past their expiry, and nothing else', async () => {
        const now = T0 + 30 * HOUR;
        const due = await Promise.all([
          inserted({ expiresAt: now - 1 }),
          inserted({ expiresAt: now }),
          inserted({ state: 'failed', resumable: true, expiresAt: now - 1 }),
        ]);
        const kept = await Promise.all([
          inserted({ expiresAt: now + 1 }),
          inserted({ state: 'failed', resumable: false, expiresAt: now - 1 }),
          inserted({ state: 'failed', expiresAt: now - 1 }),
          inserted({ state: 'executing', expiresAt: now - 1 }),
          inserted({ state: 'succeeded', expiresAt: now - 1 }),
          inserted({ state: 'cancelled', expiresAt: now - 1 }),
        ]);
        const ids = new Set([...due, ...kept].map((a) => a.id));

        const expired = (await store.expireDue(now)).filter((a) => ids.has(a.id));
        expect(expired.map((a) => a.id).sort()).toEqual(due.map((a) => a.id).sort());
        for (const a of expired) {
          const original = due.find((d) => d.id === a.id)!;
          expect(a).toStrictEqual({ ...original, state: 'expired', updatedAt: now });
        }
        for (const k of kept) expect(await store.get(k.id)).toStrictEqual(k);
        expect((await store.expireDue(now)).filter((a) => ids.has(a.id))).toEqual([]);
      });

      it('should leave an expired action unclaimable', async () => {
        const action = await inserted({ expiresAt: T0 + 1000 });
        await store.expireDue(T0 + 1000);
        const result = await store.claim(action.id, claimReq({ now: T0 }));
        expect(result.won).toBe(false);
        expect(result.action?.state).toBe('expired');
      });

      it('should return each due row to one caller only when replicas sweep at the same time', async () => {
        const now = T0 + 40 * HOUR;
        const instances = [store, ...(await replicas(4))];
        const due = await Promise.all(Array.from({ length: 30 }, () => inserted({ expiresAt: now - 1 })));
        const ids = new Set(due.map((a) => a.id));
        const sweeps = await Promise.all(instances.map((instance) => instance.expireDue(now)));
        const returned = sweeps.flat().filter((a) => ids.has(a.id));
        expect(returned.map((a) => a.id).sort()).toEqual([...ids].sort());
      });
    });

    describe('audit', () => {
      it("should list a ticket's entries newest first, up to the limit", async () => {
        const ticketId = freshTicketId();
        const entries = Array.from({ length: 5 }, (_, i) =>
          makeAudit({ ticketId, startedAt: T0 + i, finishedAt: T0 + i + 1, endpoint: `/step/${i}` }),
        );
        for (const entry of entries) await store.appendAudit(entry);
        await store.appendAudit(makeAudit({ ticketId: freshTicketId() }));
        await store.appendAudit(makeAudit());

        expect(await store.listAudit(ticketId, 3)).toStrictEqual([entries[4], entries[3], entries[2]]);
        expect(await store.listAudit(ticketId, 100)).toStrictEqual([...entries].reverse());
        expect(await store.listAudit(freshTicketId(), 10)).toEqual([]);
      });

      it('should round-trip an entry with every optional field set', async () => {
        const ticketId = freshTicketId();
        const entry = makeAudit({
          ticketId,
          ticketNumber: '32164',
          clickerSlackId: 'U_CLICKER',
          approverSlackId: 'U_BOSS',
          keyKind: 'shared',
          payload: { product_id: 555, quantity: 1.875, nested: { a: [1, null, 'x'] }, text: 'Zoë "q" \n' },
          outcome: 'found_after_unknown',
          resultId: 987654321,
          error: 'Timed out; found afterwards',
        });
        await store.appendAudit(entry);
        expect(await store.listAudit(ticketId, 1)).toStrictEqual([entry]);
      });
    });

    describe('App Home queries', () => {
      /** A Slack user id no earlier test or run used. */
      const freshUser = () => `U_${randomUUID().slice(0, 8).toUpperCase()}`;

      it("should list a person's writes, asked for or pressed, newest first, up to the limit", async () => {
        const me = freshUser();
        const asked = makeAudit({ requesterSlackId: me, endpoint: '/asked' });
        const pressed = makeAudit({ clickerSlackId: me, endpoint: '/pressed' });
        const newest = makeAudit({ requesterSlackId: me, clickerSlackId: me, endpoint: '/newest' });
        await store.appendAudit(asked);
        await store.appendAudit(makeAudit({ requesterSlackId: freshUser(), approverSlackId: me }));
        await store.appendAudit(pressed);
        await store.appendAudit(newest);

        expect(await store.listAuditBy(me, 10)).toStrictEqual([newest, pressed, asked]);
        expect(await store.listAuditBy(me, 2)).toStrictEqual([newest, pressed]);
        expect(await store.listAuditBy(freshUser(), 10)).toEqual([]);
      });

      it('should list the proposed, unexpired billing cards of others (by their steps), newest first', async () => {
        const me = freshUser();
        const now = T0 + 50 * HOUR;
        const line = {
          op: 'add_line_item' as const,
          method: 'POST' as const,
          path: '/tickets/9001/add_line_item',
          status: 'pending' as const,
          body: { product_id: 1, name: 'Labour', description: 'Work', quantity: 1, taxable: false },
        };
        const charge = {
          op: 'charge_timer_entry' as const,
          method: 'POST' as const,
          path: '/tickets/9001/charge_timer_entry',
          status: 'pending' as const,
          body: { timer_entry_id: '{timer_entry_id}' as const },
        };
        // Who may approve is decided by the caller from the configuration now, not by the store from the row.
        const bill = (over: Partial<PendingAction>) =>
          inserted({ kind: 'bill', steps: [line], expiresAt: now + HOUR, ...over });
        const older = await bill({ createdAt: now - 2_000 });
        const newer = await bill({ createdAt: now - 1_500, kind: 'timer_entry', steps: [charge] });
        await bill({ createdAt: now - 400, expiresAt: now }); // expired
        await bill({ createdAt: now - 300, state: 'succeeded' }); // done
        const own = await bill({ createdAt: now - 200, requesterSlackId: me }); // my own card
        await inserted({ kind: 'comment', expiresAt: now + HOUR, createdAt: now }); // not billing

        const mine = await store.listAwaitingApproval(me, now, 10);
        expect(mine.map((a) => a.id)).toEqual([newer.id, older.id]);
        expect(mine[0]).toStrictEqual(newer);
        expect((await store.listAwaitingApproval(me, now, 1)).map((a) => a.id)).toEqual([newer.id]);
        // Someone else sees my own card too (and the others): whether they may post it is not the store's call.
        const theirs = (await store.listAwaitingApproval(freshUser(), now, 10)).map((a) => a.id);
        expect(theirs).toEqual(expect.arrayContaining([own.id, newer.id, older.id]));
      });

      it('should find a billing card behind many newer cards of other kinds (filtered in the query)', async () => {
        const me = freshUser();
        const now = T0 + 60 * HOUR;
        const line = {
          op: 'add_line_item' as const,
          method: 'POST' as const,
          path: '/tickets/9001/add_line_item',
          status: 'pending' as const,
          body: { product_id: 1, name: 'Labour', description: 'Work', quantity: 1, taxable: false },
        };
        const billing = await inserted({
          kind: 'bill',
          steps: [line],
          expiresAt: now + HOUR,
          createdAt: now - 10_000,
        });
        // More proposed non-billing cards than any bounded scan of all kinds would read, all newer.
        for (let i = 0; i < 600; i++)
          await inserted({ kind: 'comment', expiresAt: now + HOUR, createdAt: now - 5_000 + i });
        const listed = await store.listAwaitingApproval(me, now, 10);
        expect(listed.map((a) => a.id)).toContain(billing.id);
        expect(
          listed.every((a) =>
            a.steps.some(
              (s) => s.op === 'add_line_item' || s.op === 'charge_timer_entry' || s.op === 'update_line_item',
            ),
          ),
        ).toBe(true);
      });
    });

    describe('shown ticket previews', () => {
      const HOUR_MS = 60 * 60_000;
      it('should take a key once per window, and give it back on forget', async () => {
        const key = `C${randomUUID()} 9001`;
        expect(await store.shownLinks.has(key, T0, HOUR_MS)).toBe(false);
        expect(await store.shownLinks.take(key, T0, HOUR_MS)).toBe(true);
        expect(await store.shownLinks.take(key, T0 + 1, HOUR_MS)).toBe(false);
        expect(await store.shownLinks.has(key, T0 + HOUR_MS - 1, HOUR_MS)).toBe(true);
        expect(await store.shownLinks.take(key, T0 + HOUR_MS, HOUR_MS)).toBe(true);
        // Forget gives back only the take it names.
        await store.shownLinks.forget(key, T0);
        expect(await store.shownLinks.has(key, T0 + HOUR_MS, HOUR_MS)).toBe(true);
        await store.shownLinks.forget(key, T0 + HOUR_MS);
        expect(await store.shownLinks.take(key, T0 + HOUR_MS + 1, HOUR_MS)).toBe(true);
      });

      it('should let exactly one of 20 concurrent takes on several instances show a link', async () => {
        const instances = [store, ...(await replicas(3))];
        const key = `C${randomUUID()} 9002`;
        const won = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            instances[i % instances.length]!.shownLinks.take(key, T0, HOUR_MS),
          ),
        );
        expect(won.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('migrate', () => {
      it('should be harmless to run again, from this and from another instance', async () => {
        const action = await inserted();
        await store.migrate();
        const [other] = await replicas(1);
        await other!.migrate();
        expect(await other!.get(action.id)).toStrictEqual(action);
        expect(await store.get(action.id)).toStrictEqual(action);
      });
    });
  });
}
