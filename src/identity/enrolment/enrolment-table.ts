import { z } from 'zod';
import type { SqlDialect, SqlValue } from '../../database/sql-dialect.js';

/**
 * Who connected a Syncro key with `/syncro connect`, and where it is kept. One row per Slack user; a Syncro user
 * is enrolled by one Slack user at most (a unique index refuses a second one atomically, in any replica). The
 * token itself is never in a row: `ciphertext` is AES-256-GCM (encrypted-store.ts) and `vault_file` names a sops
 * file (sops-vault.ts).
 */

/** `pending`: waits for an admin's approval; `active`: used for reads and writes; `stale`: Syncro answered 401. */
export type EnrolmentState = 'pending' | 'active' | 'stale';
export type EnrolmentStorage = 'store' | 'sops';

export interface Enrolment {
  slackUserId: string;
  syncroUserId: number;
  /** The key owner's name as GET /me gave it when the key was connected. */
  syncroName: string;
  storage: EnrolmentStorage;
  /** `store`: `v1.<iv>.<tag>.<ciphertext>` (base64). */
  ciphertext?: string;
  /** `sops`: the file inside the vault, e.g. `msp-tools/syncro-howard.sops.yaml`. */
  vaultFile?: string;
  state: EnrolmentState;
  /** When the key was connected; an approval card names it, so an old card cannot approve a newer key. */
  requestedAt: number;
  approvedBy?: string;
  staleAt?: number;
  updatedAt: number;
}

export type InsertResult =
  | { inserted: true; enrolment: Enrolment }
  /** The Syncro user is already enrolled by another Slack user. */
  | { inserted: false; takenBy: Enrolment };

export interface EnrolmentTable {
  get(slackUserId: string): Promise<Enrolment | undefined>;
  bySyncroUser(syncroUserId: number): Promise<Enrolment | undefined>;
  /**
   * Replaces the Slack user's row (a reconnect), unless another Slack user holds the Syncro user: one statement
   * each, the unique index decides between concurrent connects.
   */
  put(e: Enrolment, attempt?: number): Promise<InsertResult>;
  /** pending → active for the connect the card was drawn for; undefined when it is no longer pending. */
  approve(slackUserId: string, requestedAt: number, by: string, now: number): Promise<Enrolment | undefined>;
  /** Marks an active key stale; returns the row only to the one caller that made it stale. */
  markStale(slackUserId: string, requestedAt: number, now: number): Promise<Enrolment | undefined>;
  /** Deletes the row (of that connect, when `requestedAt` is given) and returns it. */
  remove(slackUserId: string, requestedAt?: number): Promise<Enrolment | undefined>;
  /**
   * Deletes the row of that connect only while it is still pending (an admin's refusal), in one statement, so a
   * concurrent approval wins or loses as a whole; undefined when it is no longer that pending key.
   */
  removePending(slackUserId: string, requestedAt: number): Promise<Enrolment | undefined>;
}

/** Migration text for the enrolled keys table (written once, both dialects; see store/migrations.ts). */
export function enrolmentsTableSql(t: { bigint: string; tableSuffix: string }): string {
  return `
    CREATE TABLE enrolled_keys (
      slack_user_id TEXT PRIMARY KEY,
      syncro_user_id ${t.bigint} NOT NULL,
      syncro_name TEXT NOT NULL,
      storage TEXT NOT NULL,
      ciphertext TEXT,
      vault_file TEXT,
      state TEXT NOT NULL,
      requested_at ${t.bigint} NOT NULL,
      approved_by TEXT,
      stale_at ${t.bigint},
      updated_at ${t.bigint} NOT NULL
    )${t.tableSuffix};
    CREATE UNIQUE INDEX enrolled_keys_syncro_user ON enrolled_keys (syncro_user_id);
  `;
}

export function openEnrolmentTable(db: SqlDialect): EnrolmentTable {
  const row = z.object({
    slack_user_id: z.string(),
    syncro_user_id: db.read.int,
    syncro_name: z.string(),
    storage: z.enum(['store', 'sops']),
    ciphertext: z.string().nullable(),
    vault_file: z.string().nullable(),
    state: z.enum(['pending', 'active', 'stale']),
    requested_at: db.read.int,
    approved_by: z.string().nullable(),
    stale_at: db.read.int.nullable(),
    updated_at: db.read.int,
  });
  const toEnrolment = (raw: unknown): Enrolment => {
    const r = row.parse(raw);
    return {
      slackUserId: r.slack_user_id,
      syncroUserId: r.syncro_user_id,
      syncroName: r.syncro_name,
      storage: r.storage,
      ...(r.ciphertext === null ? {} : { ciphertext: r.ciphertext }),
      ...(r.vault_file === null ? {} : { vaultFile: r.vault_file }),
      state: r.state,
      requestedAt: r.requested_at,
      ...(r.approved_by === null ? {} : { approvedBy: r.approved_by }),
      ...(r.stale_at === null ? {} : { staleAt: r.stale_at }),
      updatedAt: r.updated_at,
    };
  };
  function parameters(): { values: SqlValue[]; bind: (v: SqlValue) => string } {
    const values: SqlValue[] = [];
    return { values, bind: (v) => db.placeholder(values.push(v)) };
  }
  async function one(sql: (bind: (v: SqlValue) => string) => string): Promise<Enrolment | undefined> {
    const { values, bind } = parameters();
    const rows = await db.query(sql(bind), values);
    return rows[0] ? toEnrolment(rows[0]) : undefined;
  }

  const table: EnrolmentTable = {
    get: (slackUserId) => one((b) => `SELECT * FROM enrolled_keys WHERE slack_user_id = ${b(slackUserId)}`),
    bySyncroUser: (id) => one((b) => `SELECT * FROM enrolled_keys WHERE syncro_user_id = ${b(id)}`),
    async put(e, attempt = 0) {
      const v = (b: (v: SqlValue) => string) => ({
        syncro: b(e.syncroUserId),
        rest: [
          `syncro_name = ${b(e.syncroName)}`,
          `storage = ${b(e.storage)}`,
          `ciphertext = ${b(e.ciphertext ?? null)}`,
          `vault_file = ${b(e.vaultFile ?? null)}`,
          `state = ${b(e.state)}`,
          `requested_at = ${b(e.requestedAt)}`,
          `approved_by = ${b(e.approvedBy ?? null)}`,
          'stale_at = NULL',
          `updated_at = ${b(e.updatedAt)}`,
        ].join(', '),
      });
      // A reconnect replaces the Slack user's own row, unless another Slack user holds that Syncro user.
      const replaced = await one((b) => {
        const { syncro, rest } = v(b);
        return `UPDATE enrolled_keys SET syncro_user_id = ${syncro}, ${rest}
                WHERE slack_user_id = ${b(e.slackUserId)}
                  AND NOT EXISTS (SELECT 1 FROM enrolled_keys o WHERE o.syncro_user_id = ${b(e.syncroUserId)}
                                  AND o.slack_user_id <> ${b(e.slackUserId)})
                RETURNING *`;
      }).catch(() => undefined); // a concurrent connect took the Syncro user: the unique index refused
      if (replaced) return { inserted: true, enrolment: replaced };
      // A first connect: either unique key taken (the Slack user's or the Syncro user's) inserts nothing.
      const inserted = await one(
        (b) => `INSERT INTO enrolled_keys (slack_user_id, syncro_user_id, syncro_name, storage, ciphertext,
                  vault_file, state, requested_at, approved_by, stale_at, updated_at)
                VALUES (${b(e.slackUserId)}, ${b(e.syncroUserId)}, ${b(e.syncroName)}, ${b(e.storage)},
                  ${b(e.ciphertext ?? null)}, ${b(e.vaultFile ?? null)}, ${b(e.state)}, ${b(e.requestedAt)},
                  ${b(e.approvedBy ?? null)}, NULL, ${b(e.updatedAt)})
                ON CONFLICT DO NOTHING RETURNING *`,
      );
      if (inserted) return { inserted: true, enrolment: inserted };
      const holder = await table.bySyncroUser(e.syncroUserId);
      if (holder && holder.slackUserId !== e.slackUserId) return { inserted: false, takenBy: holder };
      // The Slack user's own row appeared (or went) meanwhile: once more from the start.
      if (attempt >= 3) throw new Error('could not store the enrolment (concurrent connects)');
      return table.put(e, attempt + 1);
    },
    approve: (slackUserId, requestedAt, by, now) =>
      one(
        (b) => `UPDATE enrolled_keys SET state = 'active', approved_by = ${b(by)}, updated_at = ${b(now)}
                WHERE slack_user_id = ${b(slackUserId)} AND requested_at = ${b(requestedAt)}
                  AND state = 'pending' RETURNING *`,
      ),
    markStale: (slackUserId, requestedAt, now) =>
      one(
        (b) => `UPDATE enrolled_keys SET state = 'stale', stale_at = ${b(now)}, updated_at = ${b(now)}
                WHERE slack_user_id = ${b(slackUserId)} AND requested_at = ${b(requestedAt)}
                  AND state = 'active' RETURNING *`,
      ),
    remove: (slackUserId, requestedAt) =>
      one((b) => {
        const first = `slack_user_id = ${b(slackUserId)}`;
        const also = requestedAt === undefined ? '' : ` AND requested_at = ${b(requestedAt)}`;
        return `DELETE FROM enrolled_keys WHERE ${first}${also} RETURNING *`;
      }),
    removePending: (slackUserId, requestedAt) =>
      one(
        (b) => `DELETE FROM enrolled_keys
                WHERE slack_user_id = ${b(slackUserId)} AND requested_at = ${b(requestedAt)}
                  AND state = 'pending' RETURNING *`,
      ),
  };
  return table;
}
