import pg from 'pg';
import type { Logger } from '../logger.js';
import { personRoom } from './rate-limiter.js';
import type { SharedSlotStore, SharedWindowView, TakeRequest, TakeResult } from './shared-rate-limiter.js';

/**
 * The shared rate limit in PostgreSQL (the database the replicas already share). Three small tables, one row
 * lock per take (`FOR UPDATE` on the account row serialises the replicas' decisions), and NOTIFY so that a
 * release or a pause wakes the other replicas at once. Times are the database's clock (epoch ms), so replicas
 * whose clocks differ still agree; tests inject `now` instead.
 *
 * A slot row records whom it was for (`person`), and `syncro_rate_waiting` which people wait on which replica
 * (renewed with every take), for a person's share and cap (rate-limiter.ts, `personRoom`).
 *
 * A slot row is alive until `expires_at`: acquired_at + holdMs + windowMs while in flight (so a replica that
 * dies holding it cannot block the others for longer), released_at + windowMs once released.
 */

const CHANNEL = 'syncro_rate_limit';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS syncro_rate_account (
  account text PRIMARY KEY,
  paused_until double precision NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS syncro_rate_slot (
  id bigserial PRIMARY KEY,
  account text NOT NULL,
  holder text NOT NULL,
  acquired_at double precision NOT NULL,
  released_at double precision,
  expires_at double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS syncro_rate_slot_account_expires ON syncro_rate_slot (account, expires_at);
ALTER TABLE syncro_rate_slot ADD COLUMN IF NOT EXISTS person text;
CREATE TABLE IF NOT EXISTS syncro_rate_demand (
  account text NOT NULL,
  holder text NOT NULL,
  until double precision NOT NULL,
  PRIMARY KEY (account, holder)
);
CREATE TABLE IF NOT EXISTS syncro_rate_waiting (
  account text NOT NULL,
  holder text NOT NULL,
  person text NOT NULL,
  until double precision NOT NULL,
  PRIMARY KEY (account, holder, person)
);
`;

export interface PostgresRateLimitStoreOptions {
  url: string;
  /** What the replicas count together: one name per egress IP (default `syncro`). */
  account?: string;
  logger: Logger;
  /** Epoch ms; default the database's clock_timestamp(). */
  now?: () => number;
}

export async function openPostgresRateLimitStore(
  opts: PostgresRateLimitStoreOptions,
): Promise<SharedSlotStore> {
  const account = opts.account ?? 'syncro';
  const log = opts.logger.child({ component: 'rate-limit-store' });
  const pool = new pg.Pool({ connectionString: opts.url, max: 3, connectionTimeoutMillis: 5_000 });
  // NOTE: an idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', (err) => log.warn({ err }, 'rate-limit database connection lost'));

  await inTransaction(async (c) => {
    // Two replicas starting at once must not both create the tables (CREATE ... IF NOT EXISTS can race).
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('syncro_rate_limit_schema'))`);
    await c.query(SCHEMA);
    await c.query('INSERT INTO syncro_rate_account (account) VALUES ($1) ON CONFLICT DO NOTHING', [account]);
  });

  async function inTransaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async function nowOf(c: pg.PoolClient): Promise<number> {
    if (opts.now) return opts.now();
    const r = await c.query<{ now: number }>(
      'SELECT (extract(epoch from clock_timestamp()) * 1000)::double precision AS now',
    );
    return Number(r.rows[0]?.now);
  }

  /** Locks the account row (every decision about it is serialised) and returns its pause. */
  async function lockAccount(c: pg.PoolClient): Promise<number> {
    const r = await c.query<{ paused_until: number }>(
      'SELECT paused_until FROM syncro_rate_account WHERE account = $1 FOR UPDATE',
      [account],
    );
    if (r.rows[0]) return Number(r.rows[0].paused_until);
    await c.query('INSERT INTO syncro_rate_account (account) VALUES ($1) ON CONFLICT DO NOTHING', [account]);
    return lockAccount(c);
  }

  return {
    async take(req: TakeRequest): Promise<TakeResult> {
      return inTransaction(async (c) => {
        const pausedUntil = await lockAccount(c);
        const now = await nowOf(c); // after the lock: the wait for it must not age our clock
        // Expired rows go (a dead replica's slots and demand included); one statement, one round trip.
        const slots = await c.query<{
          released_at: number | null;
          expires_at: number;
          person: string | null;
        }>(
          `WITH gone_slots AS (DELETE FROM syncro_rate_slot WHERE account = $1 AND expires_at <= $2),
                gone_demand AS (DELETE FROM syncro_rate_demand WHERE account = $1 AND until <= $2),
                gone_waiting AS (DELETE FROM syncro_rate_waiting WHERE account = $1 AND until <= $2)
           SELECT released_at, expires_at, person FROM syncro_rate_slot
           WHERE account = $1 AND expires_at > $2 ORDER BY expires_at`,
          [account, now],
        );
        // Who waits here now replaces what this replica said before; who waits elsewhere is read.
        const stopped = await c.query(
          `DELETE FROM syncro_rate_waiting WHERE account = $1 AND holder = $2 AND NOT (person = ANY($3::text[]))`,
          [account, req.holder, req.waiting],
        );
        if (stopped.rowCount) await c.query('SELECT pg_notify($1, $2)', [CHANNEL, account]);
        if (req.waiting.length > 0)
          await c.query(
            `INSERT INTO syncro_rate_waiting (account, holder, person, until)
             SELECT $1, $2, p, $4 FROM unnest($3::text[]) AS p
             ON CONFLICT (account, holder, person) DO UPDATE SET until = excluded.until`,
            [account, req.holder, req.waiting, now + req.demandMs],
          );
        const elsewhere = await c.query<{ person: string }>(
          'SELECT DISTINCT person FROM syncro_rate_waiting WHERE account = $1 AND holder <> $2 AND until > $3',
          [account, req.holder, now],
        );
        const demand = await c.query<{ until: number }>(
          'SELECT max(until) AS until FROM syncro_rate_demand WHERE account = $1 AND holder <> $2 AND until > $3',
          [account, req.holder, now],
        );
        const view: SharedWindowView = {
          releasedAgoMs: slots.rows.map((s) => (s.released_at === null ? 0 : now - Number(s.released_at))),
          pausedForMs: Math.max(0, pausedUntil - now),
        };
        const used = slots.rows.length;
        const othersDemandUntil = demand.rows[0]?.until == null ? 0 : Number(demand.rows[0].until);

        const usedBy = new Map<string, number>();
        for (const s of slots.rows)
          if (s.person !== null) usedBy.set(s.person, (usedBy.get(s.person) ?? 0) + 1);
        const used1 = (p: string) => usedBy.get(p) ?? 0;
        const waiting = [...req.waiting, ...elsewhere.rows.map((r) => r.person)].map((p) =>
          p === '' ? undefined : p,
        );
        /** How many more this person may start (their share while others wait, their cap even alone). */
        const room = personRoom(req.person, used1, req.limit, req.share, waiting);

        let denial: { retryInMs: number; reason: 'window' | 'paused' | 'priority' | 'share' } | undefined;
        if (pausedUntil > now) denial = { retryInMs: pausedUntil - now, reason: 'paused' };
        else if (used >= req.limit) {
          // The (used - limit + 1)-th slot to expire makes room; in-flight slots carry their hold bound, and a
          // release NOTIFYs the waiters earlier.
          const freeAt = Number(slots.rows[used - req.limit]?.expires_at);
          denial = { retryInMs: Math.max(1, freeAt - now), reason: 'window' };
        } else if (req.priority === 'background' && othersDemandUntil > now) {
          denial = { retryInMs: othersDemandUntil - now, reason: 'priority' };
        } else if (room <= 0) {
          // The soonest of this person's slots to leave the window, or the next renewal of who waits.
          const own = slots.rows.filter((s) => s.person === req.person).map((s) => Number(s.expires_at));
          const soonest = Math.min(...own) - now;
          denial = { retryInMs: Math.max(1, Math.min(soonest, req.demandMs)), reason: 'share' };
        }

        const n = denial ? 0 : Math.min(req.count, req.limit - used, room);
        const interactive = req.priority === 'interactive';
        if (interactive && (denial || req.moreInteractive || n < req.count)) {
          // A person waits here: background requests on other replicas hold back until this is withdrawn.
          await c.query(
            `INSERT INTO syncro_rate_demand (account, holder, until) VALUES ($1, $2, $3)
             ON CONFLICT (account, holder) DO UPDATE SET until = excluded.until`,
            [account, req.holder, now + Math.min(denial?.retryInMs ?? 0, req.demandMs) + req.demandMs],
          );
        } else if (interactive) {
          const gone = await c.query('DELETE FROM syncro_rate_demand WHERE account = $1 AND holder = $2', [
            account,
            req.holder,
          ]);
          if (gone.rowCount) await c.query('SELECT pg_notify($1, $2)', [CHANNEL, account]);
        }
        if (denial) return { granted: false, ...denial, view };

        const inserted = await c.query<{ id: string }>(
          `INSERT INTO syncro_rate_slot (account, holder, acquired_at, expires_at, person)
           SELECT $1, $2, $3, $4, $6 FROM generate_series(1, $5) RETURNING id`,
          [account, req.holder, now, now + req.holdMs + req.windowMs, n, req.person ?? null],
        );
        for (let i = 0; i < n; i++) view.releasedAgoMs.push(0);
        return { granted: true, slotIds: inserted.rows.map((r) => String(r.id)), view };
      });
    },

    async release(slotId: string, windowMs: number): Promise<void> {
      await inTransaction(async (c) => {
        const now = await nowOf(c);
        await c.query('UPDATE syncro_rate_slot SET released_at = $2, expires_at = $3 WHERE id = $1', [
          slotId,
          now,
          now + windowMs,
        ]);
        await c.query('SELECT pg_notify($1, $2)', [CHANNEL, account]);
      });
    },

    async pause(ms: number): Promise<void> {
      await inTransaction(async (c) => {
        await lockAccount(c);
        const now = await nowOf(c);
        await c.query(
          'UPDATE syncro_rate_account SET paused_until = GREATEST(paused_until, $2) WHERE account = $1',
          [account, now + ms],
        );
        await c.query('SELECT pg_notify($1, $2)', [CHANNEL, account]);
      });
    },

    async withdraw(holder: string): Promise<void> {
      await inTransaction(async (c) => {
        await c.query('DELETE FROM syncro_rate_demand WHERE account = $1 AND holder = $2', [account, holder]);
        await c.query('DELETE FROM syncro_rate_waiting WHERE account = $1 AND holder = $2', [
          account,
          holder,
        ]);
        await c.query('SELECT pg_notify($1, $2)', [CHANNEL, account]);
      });
    },

    async watch(onChange: () => void): Promise<() => Promise<void>> {
      let client: pg.Client | undefined;
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;
      const connect = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: opts.url, connectionTimeoutMillis: 5_000 });
        c.on('notification', (n) => {
          if (n.channel === CHANNEL && n.payload === account) onChange();
        });
        c.on('error', (err) => {
          log.warn({ err }, 'lost the rate-limit notifications; reconnecting (polling meanwhile)');
          void c.end().catch(() => undefined);
          if (client === c) client = undefined;
          if (!stopped) {
            retry = setTimeout(() => void connect().catch(() => undefined), 1_000);
            retry.unref();
          }
        });
        await c.connect();
        await c.query(`LISTEN ${CHANNEL}`);
        if (stopped) await c.end();
        else {
          client = c;
          onChange(); // anything missed while (re)connecting
        }
      };
      await connect();
      return async () => {
        stopped = true;
        clearTimeout(retry);
        await client?.end().catch(() => undefined);
      };
    },

    async close(): Promise<void> {
      await pool.end();
    },
  };
}
