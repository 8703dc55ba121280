import { ACTIONS_AND_AUDIT } from '../actions/migrations.js';
import type { Migration } from '../database/migrations.js';
import { enrolmentsTableSql } from '../identity/enrolment/enrolment-table.js';
import { notificationsTableSql } from '../notifications/schema.js';
import { shownLinksTableSql } from '../previews/shown-links.js';
import { timersTableSql } from '../timers/timer-store.js';

/**
 * The whole schema of the bot's database, in order: the action store's tables, then each feature's, every table
 * written by the one data-access module that owns it. Append, never renumber (see src/database/migrations.ts).
 */
export const MIGRATIONS: readonly Migration[] = [
  ACTIONS_AND_AUDIT,
  { version: 2, name: 'running timers', sql: timersTableSql },
  { version: 3, name: 'enrolled keys', sql: enrolmentsTableSql },
  { version: 4, name: 'shown ticket previews', sql: shownLinksTableSql },
  { version: 5, name: 'notifications: feed, outbox, subscriptions', sql: notificationsTableSql },
];
