import type { Migration } from '../database/migrations.js';

/**
 * The action store's own tables (migration 1): pending actions and the audit log. The whole schema, with each
 * feature's tables, is the ordered list in src/store/migrations.ts.
 */
export const ACTIONS_AND_AUDIT: Migration = {
  version: 1,
  name: 'actions and audit',
  sql: (t) => `
      CREATE TABLE actions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        requester TEXT NOT NULL,
        ticket_id ${t.bigint},
        resumable ${t.boolean},
        expires_at ${t.bigint} NOT NULL,
        lease_owner TEXT,
        lease_until ${t.bigint},
        created_at ${t.bigint} NOT NULL,
        updated_at ${t.bigint} NOT NULL,
        data ${t.json('data', false)}
      )${t.tableSuffix};
      CREATE INDEX actions_state_expires ON actions (state, expires_at);
      CREATE INDEX actions_state_lease ON actions (state, lease_until);

      CREATE TABLE audit (
        id ${t.serialKey},
        action_id TEXT NOT NULL,
        ticket_id ${t.bigint},
        ticket_number TEXT,
        requester TEXT NOT NULL,
        clicker TEXT,
        approver TEXT,
        syncro_user_id ${t.bigint} NOT NULL,
        syncro_name TEXT NOT NULL,
        key_kind TEXT NOT NULL,
        method TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        payload ${t.json('payload', true)},
        outcome TEXT NOT NULL,
        result_id ${t.bigint},
        error TEXT,
        started_at ${t.bigint} NOT NULL,
        finished_at ${t.bigint} NOT NULL
      )${t.tableSuffix};
      CREATE INDEX audit_ticket ON audit (ticket_id, id);
      CREATE INDEX audit_action ON audit (action_id);
      ${t.appendOnly('audit')}
    `,
};
