import { z } from 'zod';
import type { SqlDialect, SqlRunner, SqlValue } from '../database/sql-dialect.js';
import type { EventKind, TicketSnapshot } from './events.js';

/**
 * The notifier's tables (migration 5, schema.ts), over the same dialect adapter as the action store, so every
 * statement is written once for SQLite and PostgreSQL.
 *
 * Exactly once: an outbox row's key (target, ticket, event id) is unique, inserted `ON CONFLICT DO NOTHING` in
 * the SAME transaction as the snapshots and the cursor (`commit`), and that transaction first renews the feed's
 * lease (a replica that lost it commits nothing). The publisher claims a row (`pending → sending`) before posting:
 * a row is posted by one claimer only; a claimer that dies mid-post leaves the row `unknown` (reported, never
 * posted twice).
 */

export type OutboxState = 'pending' | 'sending' | 'posted' | 'digested' | 'unknown' | 'failed';
/** channel: a thread reply under the ticket's parent; dm: a direct message; digest: one message for many. */
export type OutboxKind = 'channel' | 'dm' | 'digest';

export interface OutboxDraft {
  target: string;
  ticketId: number;
  eventId: string;
  kind: OutboxKind;
  payload: unknown;
  /** Not before (quiet hours defer a DM). */
  nextAt: number;
}

export interface OutboxRow extends OutboxDraft {
  id: number;
  state: OutboxState;
  attempts: number;
  slackTs: string | null;
  error: string | null;
  createdAt: number;
  postedAt: number | null;
}

/** A digest: the rows it stands for are recorded as `digested` (so never posted again), and one row posts them. */
export interface DigestDraft {
  channel: string;
  /** Unique per digest (e.g. the poll's time). */
  key: string;
  rows: OutboxDraft[];
  nextAt: number;
}

export interface Subscription {
  id: number;
  channel: string;
  scope: 'all' | 'mine' | 'customer';
  customer: string | null;
  ownerSlackId: string;
  ownerSyncroId: number | null;
  kinds: EventKind[];
  createdAt: number;
}

export interface PersonPrefs {
  /** Kinds turned off (default: every DM kind on). */
  off: string[];
  /** Quiet hours, `HH:MM` in `timeZone`; DMs due inside are sent when they end. */
  quiet?: { from: string; to: string; timeZone: string };
}

export interface CommitRequest {
  holder: string;
  now: number;
  leaseMs: number;
  snapshots: readonly TicketSnapshot[];
  meta: Readonly<Record<string, string>>;
  outbox: readonly OutboxDraft[];
  digests: readonly DigestDraft[];
}

export class NotLeaseHolderError extends Error {
  constructor() {
    super('this replica no longer holds the notifier lease');
    this.name = 'NotLeaseHolderError';
  }
}

export interface NotifyStore {
  /** Takes or renews the lease `name` for `holder` (free, expired or already its own); true when it holds it. */
  takeLease(name: string, holder: string, now: number, ms: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  meta(name: string): Promise<string | undefined>;
  snapshots(ids: readonly number[]): Promise<Map<number, TicketSnapshot>>;
  snapshot(id: number): Promise<TicketSnapshot | undefined>;
  /** Snapshots, meta (cursor) and outbox rows in one transaction, after renewing the feed lease. Returns new rows. */
  commit(req: CommitRequest): Promise<number>;
  /** Claims up to `limit` due rows (`pending → sending`) for `holder` until `now + claimMs`. */
  claimDue(holder: string, now: number, claimMs: number, limit: number): Promise<OutboxRow[]>;
  markPosted(id: number, holder: string, ts: string | null, now: number): Promise<void>;
  /** Back to pending at `nextAt`, with the error recorded (a Slack failure, retried with backoff). */
  markRetry(id: number, holder: string, nextAt: number, error: string): Promise<void>;
  markFailed(id: number, holder: string, error: string): Promise<void>;
  /** Rows left `sending` by a claimer that died (claim ran out): `unknown`, returned to be reported. */
  recoverStuck(now: number): Promise<OutboxRow[]>;
  /** Rows with a problem (retrying, failed, unknown) for a target (or all), newest first. */
  problems(target: string | undefined, limit: number): Promise<OutboxRow[]>;
  rows(filter?: { target?: string; ticketId?: number }): Promise<OutboxRow[]>;
  parent(channel: string, ticketId: number): Promise<string | undefined>;
  /** Records the parent message; when another already did, returns theirs. */
  setParent(channel: string, ticketId: number, ts: string): Promise<string>;
  /** The ticket whose parent message is `ts` in `channel` (a reply in its thread). */
  ticketOfParent(channel: string, ts: string): Promise<number | undefined>;
  addSubscription(s: Omit<Subscription, 'id'>): Promise<Subscription>;
  subscriptions(channel?: string): Promise<Subscription[]>;
  removeSubscription(channel: string, id: number): Promise<boolean>;
  removeAllSubscriptions(channel: string): Promise<number>;
  /** The webhook's doorbell: `ticketId` should be read soon (any replica rings; the feed's holder answers). */
  ringBell(ticketId: number, now: number): Promise<void>;
  /** Tickets whose last ring is at least `quietMs` old (debounced), removed from the bell list. */
  takeBells(now: number, quietMs: number): Promise<number[]>;
  prefs(slackId: string): Promise<PersonPrefs>;
  setPrefs(slackId: string, prefs: PersonPrefs): Promise<void>;
}

const snapshotSchema = z.object({
  id: z.number(),
  number: z.string(),
  subject: z.string(),
  status: z.string(),
  userId: z.number().nullable(),
  userName: z.string().nullable(),
  customerId: z.number().nullable(),
  customerName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string().nullable(),
  dueDate: z.string().nullable(),
  sla: z.enum(['ok', 'soon', 'breached']),
  lastCommentId: z.number(),
  lastCommentAt: z.string().nullable(),
  lastReply: z
    .object({
      id: z.number(),
      by: z.string().nullable(),
      customer: z.boolean(),
      text: z.string(),
      at: z.string(),
    })
    .nullable(),
});

const prefsSchema = z.object({
  off: z.array(z.string()).default([]),
  quiet: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }).optional(),
});

export function openNotifyStore(db: SqlDialect): NotifyStore {
  const p = (n: number) => db.placeholder(n);
  const int = db.read.int;
  const outboxRow = z
    .object({
      id: int,
      target: z.string(),
      ticket_id: int,
      event_id: z.string(),
      kind: z.enum(['channel', 'dm', 'digest']),
      state: z.enum(['pending', 'sending', 'posted', 'digested', 'unknown', 'failed']),
      payload: db.read.json,
      attempts: int,
      next_at: int,
      slack_ts: z.string().nullable(),
      error: z.string().nullable(),
      created_at: int,
      posted_at: int.nullable(),
    })
    .transform(
      (r): OutboxRow => ({
        id: r.id,
        target: r.target,
        ticketId: r.ticket_id,
        eventId: r.event_id,
        kind: r.kind,
        state: r.state,
        payload: r.payload,
        attempts: r.attempts,
        nextAt: r.next_at,
        slackTs: r.slack_ts,
        error: r.error,
        createdAt: r.created_at,
        postedAt: r.posted_at,
      }),
    );
  const subRow = z
    .object({
      id: int,
      channel: z.string(),
      scope: z.enum(['all', 'mine', 'customer']),
      customer: z.string().nullable(),
      owner_slack_id: z.string(),
      owner_syncro_id: int.nullable(),
      kinds: z.string(),
      created_at: int,
    })
    .transform(
      (r): Subscription => ({
        id: r.id,
        channel: r.channel,
        scope: r.scope,
        customer: r.customer,
        ownerSlackId: r.owner_slack_id,
        ownerSyncroId: r.owner_syncro_id,
        kinds: r.kinds.split(',').filter(Boolean) as EventKind[],
        createdAt: r.created_at,
      }),
    );
  const jsonSnapshot = db.read.json.pipe(snapshotSchema);

  /** `INSERT … ON CONFLICT DO NOTHING RETURNING id` into the outbox: the one statement that takes a key. */
  async function insertRow(
    tx: SqlRunner,
    d: OutboxDraft,
    state: OutboxState,
    now: number,
  ): Promise<number | undefined> {
    const rows = await tx.query(
      `INSERT INTO notify_outbox (target, ticket_id, event_id, kind, state, payload, attempts, next_at, created_at)
       VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, 0, ${p(7)}, ${p(8)})
       ON CONFLICT (target, ticket_id, event_id) DO NOTHING RETURNING id`,
      [d.target, d.ticketId, d.eventId, d.kind, state, JSON.stringify(d.payload), d.nextAt, now],
    );
    return rows[0] ? int.parse(rows[0].id) : undefined;
  }

  async function setMeta(tx: SqlRunner, name: string, value: string): Promise<void> {
    await tx.query(
      `INSERT INTO notify_meta (name, value) VALUES (${p(1)}, ${p(2)})
       ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      [name, value],
    );
  }

  async function renewLease(tx: SqlRunner, holder: string, now: number, ms: number): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE notify_lease SET lease_until = ${p(1)} WHERE name = ${p(2)} AND holder = ${p(3)} AND lease_until > ${p(4)} RETURNING holder`,
      [now + ms, 'feed', holder, now],
    );
    return rows.length > 0;
  }

  async function updateOutbox(sets: string, where: string, params: SqlValue[]): Promise<void> {
    await db.query(`UPDATE notify_outbox SET ${sets} WHERE ${where}`, params);
  }

  return {
    async takeLease(name, holder, now, ms) {
      const rows = await db.query(
        `INSERT INTO notify_lease (name, holder, lease_until) VALUES (${p(1)}, ${p(2)}, ${p(3)})
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
           WHERE notify_lease.holder = excluded.holder OR notify_lease.lease_until <= ${p(4)}
         RETURNING holder`,
        [name, holder, now + ms, now],
      );
      return rows.length > 0;
    },
    async releaseLease(name, holder) {
      await db.query(`UPDATE notify_lease SET lease_until = 0 WHERE name = ${p(1)} AND holder = ${p(2)}`, [
        name,
        holder,
      ]);
    },
    async meta(name) {
      const rows = await db.query(`SELECT value FROM notify_meta WHERE name = ${p(1)}`, [name]);
      return rows[0] ? z.string().parse(rows[0].value) : undefined;
    },
    async snapshots(ids) {
      const out = new Map<number, TicketSnapshot>();
      for (let i = 0; i < ids.length; i += 200) {
        const chunk = ids.slice(i, i + 200);
        if (chunk.length === 0) continue;
        const rows = await db.query(
          `SELECT data FROM notify_snapshots WHERE ticket_id IN (${chunk.map((_, j) => p(j + 1)).join(', ')})`,
          chunk,
        );
        for (const r of rows) {
          const s = jsonSnapshot.parse(r.data);
          out.set(s.id, s);
        }
      }
      return out;
    },
    async snapshot(id) {
      const rows = await db.query(`SELECT data FROM notify_snapshots WHERE ticket_id = ${p(1)}`, [id]);
      return rows[0] ? jsonSnapshot.parse(rows[0].data) : undefined;
    },
    async commit(req) {
      // Checked first outside the transaction: a replica that lost the lease stops here, before BEGIN. (With SQLite,
      // statements other callers run on the connection meanwhile join the transaction, and a ROLLBACK would undo
      // them too; the check inside keeps the fence, and rarely fails after this one passed.)
      if (!(await renewLease(db, req.holder, req.now, req.leaseMs))) throw new NotLeaseHolderError();
      return db.exclusive(async (tx) => {
        if (!(await renewLease(tx, req.holder, req.now, req.leaseMs))) throw new NotLeaseHolderError();
        let inserted = 0;
        for (const s of req.snapshots) {
          await tx.query(
            `INSERT INTO notify_snapshots (ticket_id, data, seen_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})
             ON CONFLICT (ticket_id) DO UPDATE SET data = excluded.data, seen_at = excluded.seen_at`,
            [s.id, JSON.stringify(s), req.now],
          );
        }
        for (const [name, value] of Object.entries(req.meta)) await setMeta(tx, name, value);
        for (const d of req.outbox)
          if ((await insertRow(tx, d, 'pending', req.now)) !== undefined) inserted++;
        for (const g of req.digests) {
          const taken: OutboxDraft[] = [];
          for (const d of g.rows)
            if ((await insertRow(tx, d, 'digested', req.now)) !== undefined) taken.push(d);
          if (taken.length === 0) continue;
          const digest: OutboxDraft = {
            target: g.channel,
            ticketId: 0,
            eventId: `digest:${g.key}`,
            kind: 'digest',
            payload: { items: taken.map((d) => d.payload) },
            nextAt: g.nextAt,
          };
          if ((await insertRow(tx, digest, 'pending', req.now)) !== undefined) inserted++;
        }
        return inserted;
      });
    },
    async claimDue(holder, now, claimMs, limit) {
      // One statement: concurrent claimers (any replica) never return the same row.
      const rows = await db.query(
        // NOTE: the candidates are a MATERIALIZED CTE: PostgreSQL may run `IN (SELECT … LIMIT n)` more than once
        // inside an UPDATE, which claimed more rows than the limit.
        `WITH due AS MATERIALIZED (
           SELECT id FROM notify_outbox WHERE state = ${p(1)} AND next_at <= ${p(2)} ORDER BY id LIMIT ${p(3)}${db.skipLocked})
         UPDATE notify_outbox SET state = ${p(4)}, claimed_by = ${p(5)}, claim_until = ${p(6)}, attempts = attempts + 1
         WHERE id IN (SELECT id FROM due) AND state = ${p(7)}
         RETURNING *`,
        ['pending', now, limit, 'sending', holder, now + claimMs, 'pending'],
      );
      return rows.map((r) => outboxRow.parse(r)).sort((a, b) => a.id - b.id);
    },
    async markPosted(id, holder, ts, now) {
      await updateOutbox(
        `state = ${p(1)}, slack_ts = ${p(2)}, posted_at = ${p(3)}, error = NULL`,
        `id = ${p(4)} AND claimed_by = ${p(5)} AND state = ${p(6)}`,
        ['posted', ts, now, id, holder, 'sending'],
      );
    },
    async markRetry(id, holder, nextAt, error) {
      await updateOutbox(
        `state = ${p(1)}, next_at = ${p(2)}, error = ${p(3)}, claim_until = NULL`,
        `id = ${p(4)} AND claimed_by = ${p(5)} AND state = ${p(6)}`,
        ['pending', nextAt, error, id, holder, 'sending'],
      );
    },
    async markFailed(id, holder, error) {
      await updateOutbox(
        `state = ${p(1)}, error = ${p(2)}, claim_until = NULL`,
        `id = ${p(3)} AND claimed_by = ${p(4)} AND state = ${p(5)}`,
        ['failed', error, id, holder, 'sending'],
      );
    },
    async recoverStuck(now) {
      const rows = await db.query(
        `UPDATE notify_outbox SET state = ${p(1)}, error = ${p(2)}
         WHERE state = ${p(3)} AND claim_until <= ${p(4)} RETURNING *`,
        ['unknown', 'the replica posting it stopped mid-post: it may or may not be in Slack', 'sending', now],
      );
      return rows.map((r) => outboxRow.parse(r));
    },
    async problems(target, limit) {
      const params: SqlValue[] = ['failed', 'unknown', 'pending'];
      let where = `(state IN (${p(1)}, ${p(2)}) OR (state = ${p(3)} AND error IS NOT NULL))`;
      if (target !== undefined) {
        params.push(target);
        where += ` AND target = ${p(params.length)}`;
      }
      params.push(limit);
      const rows = await db.query(
        `SELECT * FROM notify_outbox WHERE ${where} ORDER BY id DESC LIMIT ${p(params.length)}`,
        params,
      );
      return rows.map((r) => outboxRow.parse(r));
    },
    async rows(filter = {}) {
      const params: SqlValue[] = [];
      const where: string[] = [];
      if (filter.target !== undefined) {
        params.push(filter.target);
        where.push(`target = ${p(params.length)}`);
      }
      if (filter.ticketId !== undefined) {
        params.push(filter.ticketId);
        where.push(`ticket_id = ${p(params.length)}`);
      }
      const rows = await db.query(
        `SELECT * FROM notify_outbox${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
        params,
      );
      return rows.map((r) => outboxRow.parse(r));
    },
    async parent(channel, ticketId) {
      const rows = await db.query(
        `SELECT parent_ts FROM notify_threads WHERE channel = ${p(1)} AND ticket_id = ${p(2)}`,
        [channel, ticketId],
      );
      return rows[0] ? z.string().parse(rows[0].parent_ts) : undefined;
    },
    async setParent(channel, ticketId, ts) {
      await db.query(
        `INSERT INTO notify_threads (channel, ticket_id, parent_ts) VALUES (${p(1)}, ${p(2)}, ${p(3)})
         ON CONFLICT (channel, ticket_id) DO NOTHING`,
        [channel, ticketId, ts],
      );
      const rows = await db.query(
        `SELECT parent_ts FROM notify_threads WHERE channel = ${p(1)} AND ticket_id = ${p(2)}`,
        [channel, ticketId],
      );
      return rows[0] ? z.string().parse(rows[0].parent_ts) : ts;
    },
    async ticketOfParent(channel, ts) {
      const rows = await db.query(
        `SELECT ticket_id FROM notify_threads WHERE channel = ${p(1)} AND parent_ts = ${p(2)}`,
        [channel, ts],
      );
      return rows[0] ? int.parse(rows[0].ticket_id) : undefined;
    },
    async addSubscription(s) {
      const rows = await db.query(
        `INSERT INTO notify_subscriptions (channel, scope, customer, owner_slack_id, owner_syncro_id, kinds, created_at)
         VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}) RETURNING *`,
        [s.channel, s.scope, s.customer, s.ownerSlackId, s.ownerSyncroId, s.kinds.join(','), s.createdAt],
      );
      return subRow.parse(rows[0]);
    },
    async subscriptions(channel) {
      const rows =
        channel === undefined
          ? await db.query('SELECT * FROM notify_subscriptions ORDER BY channel, id')
          : await db.query(`SELECT * FROM notify_subscriptions WHERE channel = ${p(1)} ORDER BY id`, [
              channel,
            ]);
      return rows.map((r) => subRow.parse(r));
    },
    async removeSubscription(channel, id) {
      const rows = await db.query(
        `DELETE FROM notify_subscriptions WHERE channel = ${p(1)} AND id = ${p(2)} RETURNING id`,
        [channel, id],
      );
      return rows.length > 0;
    },
    async removeAllSubscriptions(channel) {
      const rows = await db.query(`DELETE FROM notify_subscriptions WHERE channel = ${p(1)} RETURNING id`, [
        channel,
      ]);
      return rows.length;
    },
    async ringBell(ticketId, now) {
      await setMeta(db, `bell:${ticketId}`, String(now));
    },
    async takeBells(now, quietMs) {
      const rows = await db.query(`SELECT name, value FROM notify_meta WHERE name LIKE ${p(1)}`, ['bell:%']);
      const due: number[] = [];
      for (const r of rows) {
        const name = z.string().parse(r.name);
        const at = Number(z.string().parse(r.value));
        if (at > now - quietMs) continue;
        // Only the ring we read is removed: a new ring meanwhile keeps the bell for the next look.
        const gone = await db.query(
          `DELETE FROM notify_meta WHERE name = ${p(1)} AND value = ${p(2)} RETURNING name`,
          [name, String(at)],
        );
        if (gone.length > 0) due.push(Number(name.slice('bell:'.length)));
      }
      return due;
    },
    async prefs(slackId) {
      const rows = await db.query(`SELECT data FROM notify_prefs WHERE slack_id = ${p(1)}`, [slackId]);
      return rows[0] ? db.read.json.pipe(prefsSchema).parse(rows[0].data) : { off: [] };
    },
    async setPrefs(slackId, prefs) {
      await db.query(
        `INSERT INTO notify_prefs (slack_id, data) VALUES (${p(1)}, ${p(2)})
         ON CONFLICT (slack_id) DO UPDATE SET data = excluded.data`,
        [slackId, JSON.stringify(prefs)],
      );
    },
  };
}
