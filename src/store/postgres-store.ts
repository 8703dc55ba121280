import { openPostgresDialect, type PostgresDialectOptions } from '../database/postgres.js';
import { type AppStore, type AppStoreOptions, openAppStore } from './app-store.js';

export type PostgresStoreOptions = PostgresDialectOptions & AppStoreOptions;

/** Opens the bot's database in PostgreSQL, on a connection pool (src/database/postgres.ts). Call `migrate()` first. */
export function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): AppStore {
  return openAppStore(openPostgresDialect(url, opts), opts);
}
