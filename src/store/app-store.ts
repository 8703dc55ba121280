import { openSqlStore, type SqlStoreOptions } from '../actions/sql-store.js';
import type { ActionStore } from '../actions/store.js';
import type { SqlDialect } from '../database/sql-dialect.js';
import { type EnrolmentTable, openEnrolmentTable } from '../identity/enrolment/enrolment-table.js';
import { type NotifyStore, openNotifyStore } from '../notifications/store.js';
import { openShownLinks, type ShownLinks } from '../previews/shown-links.js';
import { openTimerStore, type TimerStore } from '../timers/timer-store.js';
import { MIGRATIONS } from './migrations.js';

/**
 * The bot's database as the composition root wires it: the action store, and beside it each feature's table,
 * each from its own data-access module, all in the same database. `migrate()` brings every table up to date.
 */
export interface AppStore extends ActionStore {
  /** Running timers (migration 2), in the same database. */
  readonly timers: TimerStore;
  /** Keys technicians connected with /syncro connect (migration 3), in the same database. */
  readonly enrolments: EnrolmentTable;
  /** Ticket previews shown lately, per channel (migration 4), shared by every replica. */
  readonly shownLinks: ShownLinks;
  /** The notifier's feed, outbox and subscriptions (migration 5), shared by every replica. */
  readonly notifications: NotifyStore;
}

export type AppStoreOptions = Omit<SqlStoreOptions, 'migrations'>;

export function openAppStore(db: SqlDialect, opts: AppStoreOptions = {}): AppStore {
  return {
    ...openSqlStore(db, { ...opts, migrations: MIGRATIONS }),
    timers: openTimerStore(db),
    enrolments: openEnrolmentTable(db),
    shownLinks: openShownLinks(db),
    notifications: openNotifyStore(db),
  };
}
