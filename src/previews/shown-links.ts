import { z } from 'zod';
import type { SqlDialect } from '../database/sql-dialect.js';

/**
 * "At most once per link per channel per hour", for every replica: which ticket previews were shown lately, in the
 * store. A key (`<channel> <ticket>`) is taken by one conditional statement, so of two replicas receiving the same
 * link at once exactly one previews it.
 */
export interface ShownLinks {
  /** Whether `key` was taken within `windowMs` before `now`. */
  has(key: string, now: number, windowMs: number): Promise<boolean>;
  /** Takes `key` at `now` unless it was taken within the window; true for the one caller that took it. */
  take(key: string, now: number, windowMs: number): Promise<boolean>;
  /** Gives back the take made at `takenAt` (its preview could not be made, so a later share may try again). */
  forget(key: string, takenAt: number): Promise<void>;
}

/** Migration text for the table (written once, both dialects; see store/migrations.ts). */
export function shownLinksTableSql(t: { bigint: string; tableSuffix: string }): string {
  return `
    CREATE TABLE shown_links (
      link_key TEXT PRIMARY KEY,
      shown_at ${t.bigint} NOT NULL
    )${t.tableSuffix};
    CREATE INDEX shown_links_shown_at ON shown_links (shown_at);
  `;
}

/** Rows older than this many windows are deleted now and then, so the table stays small. */
const PRUNE_EVERY = 100;

export function openShownLinks(db: SqlDialect): ShownLinks {
  const shownAt = z.object({ shown_at: db.read.int });
  let takes = 0;
  return {
    async has(key, now, windowMs) {
      const rows = await db.query(`SELECT shown_at FROM shown_links WHERE link_key = ${db.placeholder(1)}`, [
        key,
      ]);
      const row = rows[0];
      return row !== undefined && now - shownAt.parse(row).shown_at < windowMs;
    },
    async take(key, now, windowMs) {
      if (++takes % PRUNE_EVERY === 0) {
        await db.query(`DELETE FROM shown_links WHERE shown_at <= ${db.placeholder(1)}`, [now - windowMs]);
      }
      const rows = await db.query(
        `INSERT INTO shown_links (link_key, shown_at) VALUES (${db.placeholder(1)}, ${db.placeholder(2)})
         ON CONFLICT (link_key) DO UPDATE SET shown_at = excluded.shown_at
           WHERE shown_links.shown_at <= ${db.placeholder(3)}
         RETURNING link_key`,
        [key, now, now - windowMs],
      );
      return rows.length > 0;
    },
    async forget(key, takenAt) {
      await db.query(
        `DELETE FROM shown_links WHERE link_key = ${db.placeholder(1)} AND shown_at = ${db.placeholder(2)}`,
        [key, takenAt],
      );
    },
  };
}
