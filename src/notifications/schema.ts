import type { DdlTypes } from '../database/sql-dialect.js';

/**
 * Migration 5: the notifier's tables (see store/migrations.ts), written once for both dialects.
 *
 * - `notify_meta`: the feed's cursor and clocks (name → text value);
 * - `notify_lease`: one notifier across replicas (a holder and an expiry per name);
 * - `notify_snapshots`: the last state of each ticket the feed has seen, to diff against;
 * - `notify_subscriptions`: channel subscriptions (`/syncro subscribe`);
 * - `notify_outbox`: one row per (target, ticket, event), unique: the key taken before anything is posted;
 * - `notify_threads`: the one parent message per ticket per channel;
 * - `notify_prefs`: each person's kinds on/off and quiet hours (App Home).
 */
export function notificationsTableSql(t: DdlTypes): string {
  return `
    CREATE TABLE notify_meta (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL
    )${t.tableSuffix};

    CREATE TABLE notify_lease (
      name TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      lease_until ${t.bigint} NOT NULL
    )${t.tableSuffix};

    CREATE TABLE notify_snapshots (
      ticket_id ${t.bigint} PRIMARY KEY,
      data ${t.json('data', false)},
      seen_at ${t.bigint} NOT NULL
    )${t.tableSuffix};

    CREATE TABLE notify_subscriptions (
      id ${t.serialKey},
      channel TEXT NOT NULL,
      scope TEXT NOT NULL,
      customer TEXT,
      owner_slack_id TEXT NOT NULL,
      owner_syncro_id ${t.bigint},
      kinds TEXT NOT NULL,
      created_at ${t.bigint} NOT NULL
    )${t.tableSuffix};
    CREATE INDEX notify_subscriptions_channel ON notify_subscriptions (channel, id);

    CREATE TABLE notify_outbox (
      id ${t.serialKey},
      target TEXT NOT NULL,
      ticket_id ${t.bigint} NOT NULL,
      event_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      state TEXT NOT NULL,
      payload ${t.json('payload', false)},
      attempts INTEGER NOT NULL,
      next_at ${t.bigint} NOT NULL,
      claimed_by TEXT,
      claim_until ${t.bigint},
      slack_ts TEXT,
      error TEXT,
      created_at ${t.bigint} NOT NULL,
      posted_at ${t.bigint},
      UNIQUE (target, ticket_id, event_id)
    )${t.tableSuffix};
    CREATE INDEX notify_outbox_due ON notify_outbox (state, next_at);

    CREATE TABLE notify_threads (
      channel TEXT NOT NULL,
      ticket_id ${t.bigint} NOT NULL,
      parent_ts TEXT NOT NULL,
      PRIMARY KEY (channel, ticket_id)
    )${t.tableSuffix};

    CREATE TABLE notify_prefs (
      slack_id TEXT PRIMARY KEY,
      data ${t.json('data', false)}
    )${t.tableSuffix};
  `;
}
