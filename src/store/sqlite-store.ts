import { openSqliteDialect, type SqliteDialectOptions } from '../database/sqlite.js';
import { type AppStore, type AppStoreOptions, openAppStore } from './app-store.js';

export type SqliteStoreOptions = SqliteDialectOptions & AppStoreOptions;

/**
 * Opens (creating if needed) the bot's database in SQLite (src/database/sqlite.ts). Call `migrate()` before use.
 * `file` may be `:memory:` (tests): each such store is a separate, private database.
 */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): AppStore {
  return openAppStore(openSqliteDialect(file, opts), opts);
}
