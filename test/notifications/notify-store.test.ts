import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketSnapshot } from '../../src/notifications/events.js';
import { NotLeaseHolderError, type OutboxDraft } from '../../src/notifications/store.js';
import type { AppStore } from '../../src/store/app-store.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createTestDatabase, postgresUnavailable, reportPostgresUnavailable } from '../support/postgres.js';

/** The notifier's store, the same contract on SQLite and PostgreSQL (several instances = replicas). */

const T0 = 1_800_000_000_000;
const LEASE = 60_000;

function snap(id: number, over: Partial<TicketSnapshot> = {}): TicketSnapshot {
  return {
    id,
    number: String(30000 + id),
    subject: `Ticket ${id}`,
    status: 'New',
    userId: null,
    userName: null,
    customerId: 1,
    customerName: 'Dataforth',
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
    dueDate: null,
    sla: 'ok',
    lastCommentId: 0,
    lastCommentAt: null,
    lastReply: null,
    ...over,
  };
}

function row(target: string, ticketId: number, eventId: string): OutboxDraft {
  return { target, ticketId, eventId, kind: 'channel', payload: { eventId }, nextAt: T0 };
}

function contract(name: string, open: () => Promise<AppStore>) {
  describe(`notify store (${name})`, () => {
    const opened: AppStore[] = [];
    async function fresh(): Promise<AppStore> {
      const s = await open();
      await s.migrate();
      opened.push(s);
      return s;
    }
    afterAll(async () => {
      for (const s of opened) await s.close();
    });

    it('gives the feed lease to one holder, and to another only after it runs out', async () => {
      const a = (await fresh()).notifications;
      const b = (await fresh()).notifications;
      const results = await Promise.all([
        a.takeLease('feed', 'r1', T0, LEASE),
        b.takeLease('feed', 'r2', T0, LEASE),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? 'r1' : 'r2';
      const loser = winner === 'r1' ? 'r2' : 'r1';
      expect(await a.takeLease('feed', winner, T0 + 1000, LEASE)).toBe(true);
      expect(await b.takeLease('feed', loser, T0 + 2000, LEASE)).toBe(false);
      // The holder is killed: its lease runs out, the other takes over.
      expect(await b.takeLease('feed', loser, T0 + 1000 + LEASE, LEASE)).toBe(true);
      expect(await a.takeLease('feed', winner, T0 + 1000 + LEASE + 1, LEASE)).toBe(false);
      await b.releaseLease('feed', loser);
    });

    it('commits snapshots, cursor and outbox together; a key is inserted once', async () => {
      const s = (await fresh()).notifications;
      expect(await s.takeLease('feed', 'r1', T0, LEASE)).toBe(true);
      const n = await s.commit({
        holder: 'r1',
        now: T0,
        leaseMs: LEASE,
        snapshots: [snap(1), snap(2, { status: 'Resolved' })],
        meta: { cursor: '2026-12-01T10:00:00Z' },
        outbox: [row('C1', 1, 'new'), row('C1', 1, 'new'), row('U1', 1, 'new')],
        digests: [],
      });
      expect(n).toBe(2);
      const again = await s.commit({
        holder: 'r1',
        now: T0 + 1,
        leaseMs: LEASE,
        snapshots: [],
        meta: {},
        outbox: [row('C1', 1, 'new')],
        digests: [],
      });
      expect(again).toBe(0);
      expect(await s.meta('cursor')).toBe('2026-12-01T10:00:00Z');
      expect((await s.snapshots([1, 2, 3])).get(2)?.status).toBe('Resolved');
      expect(await s.rows({ target: 'C1' })).toHaveLength(1);
      await s.releaseLease('feed', 'r1');
    });

    it('commits nothing for a replica that lost the lease', async () => {
      const s = (await fresh()).notifications;
      expect(await s.takeLease('feed', 'old', T0, LEASE)).toBe(true);
      expect(await s.takeLease('feed', 'new', T0 + LEASE, LEASE)).toBe(true);
      await expect(
        s.commit({
          holder: 'old',
          now: T0 + LEASE + 1,
          leaseMs: LEASE,
          snapshots: [snap(77)],
          meta: { lost: 'x' },
          outbox: [row('C9', 77, 'new')],
          digests: [],
        }),
      ).rejects.toBeInstanceOf(NotLeaseHolderError);
      expect(await s.meta('lost')).toBeUndefined();
      expect(await s.snapshot(77)).toBeUndefined();
      expect(await s.rows({ target: 'C9' })).toHaveLength(0);
      await s.releaseLease('feed', 'new');
    });

    it('records a digest once, with the rows it stands for never posted separately', async () => {
      const s = (await fresh()).notifications;
      expect(await s.takeLease('feed', 'r1', T0, LEASE)).toBe(true);
      const rows = [1, 2, 3].map((i) => row('CD', 100 + i, 'new'));
      await s.commit({
        holder: 'r1',
        now: T0,
        leaseMs: LEASE,
        snapshots: [],
        meta: {},
        outbox: [],
        digests: [{ channel: 'CD', key: 'k1', rows, nextAt: T0 }],
      });
      const stored = await s.rows({ target: 'CD' });
      expect(stored.filter((r) => r.state === 'digested')).toHaveLength(3);
      const digest = stored.find((r) => r.kind === 'digest');
      expect((digest!.payload as { items: unknown[] }).items).toHaveLength(3);
      await s.releaseLease('feed', 'r1');
    });

    it('lets one claimer of several take each due row; a dead claimer leaves it unknown, not posted twice', async () => {
      const a = (await fresh()).notifications;
      const b = (await fresh()).notifications;
      expect(await a.takeLease('feed', 'r1', T0, LEASE)).toBe(true);
      await a.commit({
        holder: 'r1',
        now: T0,
        leaseMs: LEASE,
        snapshots: [],
        meta: {},
        outbox: Array.from({ length: 14 }, (_, i) => row('CC', 200 + i, 'new')),
        digests: [],
      });
      const [x, y] = await Promise.all([a.claimDue('r1', T0, 30_000, 6), b.claimDue('r2', T0, 30_000, 6)]);
      const ids = [...x, ...y].map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThanOrEqual(6);
      for (const r of x) await a.markPosted(r.id, 'r1', '1.000', T0);
      // r2 dies with its rows claimed: after the claim, they are unknown (reported), never claimed again.
      const stuck = await a.recoverStuck(T0 + 30_000);
      expect(stuck.map((r) => r.id).sort()).toEqual(y.map((r) => r.id).sort());
      const rest = await a.claimDue('r1', T0 + 30_000, 30_000, 20);
      expect(rest.map((r) => r.id).filter((id) => ids.includes(id))).toEqual([]);
      // A Slack failure goes back to pending with its error, due later.
      const first = rest[0]!;
      await a.markRetry(first.id, 'r1', T0 + 90_000, 'ratelimited');
      expect((await a.claimDue('r1', T0 + 60_000, 30_000, 20)).map((r) => r.id)).not.toContain(first.id);
      expect((await a.problems('CC', 10)).map((r) => r.id)).toContain(first.id);
      expect((await a.claimDue('r1', T0 + 90_000, 30_000, 20)).map((r) => r.id)).toContain(first.id);
      await a.releaseLease('feed', 'r1');
    });

    it('keeps one parent per ticket per channel, and subscriptions per channel', async () => {
      const s = (await fresh()).notifications;
      expect(await s.setParent('CP', 5, '1.1')).toBe('1.1');
      expect(await s.setParent('CP', 5, '2.2')).toBe('1.1');
      expect(await s.ticketOfParent('CP', '1.1')).toBe(5);
      const sub = await s.addSubscription({
        channel: 'CP',
        scope: 'customer',
        customer: 'Dataforth',
        ownerSlackId: 'U1',
        ownerSyncroId: 1750,
        kinds: ['new', 'reply'],
        createdAt: T0,
      });
      expect(sub.kinds).toEqual(['new', 'reply']);
      expect((await s.subscriptions('CP')).map((x) => x.id)).toEqual([sub.id]);
      expect(await s.removeSubscription('CX', sub.id)).toBe(false);
      expect(await s.removeSubscription('CP', sub.id)).toBe(true);
      await s.setPrefs('U1', { off: ['sla'] });
      expect(await s.prefs('U1')).toEqual({ off: ['sla'] });
      expect(await s.prefs('U2')).toEqual({ off: [] });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'notify-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sqliteFile = join(dir, 'n.db');

contract('SQLite', async () => openSqliteStore(sqliteFile));

const unreachable = await postgresUnavailable();
if (unreachable !== undefined) {
  reportPostgresUnavailable('notify store (PostgreSQL)', unreachable);
} else {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  contract('PostgreSQL', async () => openPostgresStore(db.url, { maxConnections: 4 }));
}
