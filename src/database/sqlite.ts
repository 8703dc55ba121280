import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { SqlDialect, SqlRow, SqlRunner, SqlValue } from './sql-dialect.js';

export interface SqliteDialectOptions {
  /** How long a statement waits for another connection's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a SQLite action store. Call `migrate()` before use.
 *
 * SQLite runs each statement under the database write lock, so across connections, threads and processes exactly
 * one caller's conditional UPDATE matches; other writers wait up to `busyTimeoutMs` for the lock. NOTE:
 * better-sqlite3 is synchronous, so within one process calls never interleave at all (the promises only keep the
 * interface shared with PostgreSQL).
 *
 * `file` may be `:memory:` (tests): each such store is a separate, private database.
 */
export function openSqliteDialect(file: string, opts: SqliteDialectOptions = {}): SqlDialect {
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory) mkdirSync(dirname(resolve(file)), { recursive: true });
  const db = new Database(file);
  // busy_timeout first: switching to WAL needs the lock another process may hold.
  db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
  if (!inMemory) db.pragma('journal_mode = WAL');
  // NOTE: FULL, not NORMAL: under WAL, NORMAL may lose the last commits on power loss, and a lost claim or
  // "sending" journal entry could let a write be sent twice.
  db.pragma('synchronous = FULL');
  return sqliteDialect(db);
}

/** SQLite has no boolean type: `true`/`false` are stored as 1/0. */
function bind(value: SqlValue): string | number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/**
 * The `exclusive` transactions of this process, one after another. NOTE: better-sqlite3 waits for a lock
 * synchronously, blocking the thread: a second connection's BEGIN while this one awaits between statements would
 * stall both. (Other processes wait on the lock as usual.)
 */
let exclusiveQueue: Promise<unknown> = Promise.resolve();

const jsonText = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
});

function sqliteDialect(db: Database.Database): SqlDialect {
  const statements = new Map<string, Database.Statement>();

  /** Prepared lazily (tables exist only after `migrate()`), cached by SQL text. */
  function prepared(sql: string): Database.Statement {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  }

  const runner: SqlRunner = {
    async query(sql, params = []) {
      const s = prepared(sql);
      const values = params.map(bind);
      if (s.reader) return s.all(...values) as SqlRow[];
      s.run(...values);
      return [];
    },
    async script(sql) {
      db.exec(sql);
    },
  };

  return {
    name: 'sqlite',
    ...runner,
    placeholder: () => '?',
    jsonPatch(column, set, remove, p) {
      let expr = column;
      if (set.length > 0) {
        expr = `json_set(${expr}, ${set.map(([key, value]) => `${p(`$.${key}`)}, json(${p(value)})`).join(', ')})`;
      }
      if (remove.length > 0) expr = `json_remove(${expr}, ${remove.map((key) => p(`$.${key}`)).join(', ')})`;
      return expr;
    },
    jsonArrayHas(column, arrayKey, field, values, p) {
      // Bound in the order of the text (`?` is positional).
      const array = p(`$.${arrayKey}`);
      const path = p(`$.${field}`);
      return `EXISTS (SELECT 1 FROM json_each(${column}, ${array}) WHERE json_extract(value, ${path}) IN (${values.map((v) => p(v)).join(', ')}))`;
    },
    skipLocked: '',
    read: {
      int: z.number().int(),
      bool: z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1),
      json: jsonText,
    },
    ddl: {
      bigint: 'INTEGER',
      boolean: 'INTEGER',
      json: (column, nullable) =>
        nullable
          ? `TEXT CHECK (${column} IS NULL OR json_valid(${column}))`
          : `TEXT NOT NULL CHECK (json_valid(${column}))`,
      serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
      tableSuffix: ' STRICT',
      appendOnly: (table) => `
        CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
          BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
        CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
          BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`,
    },
    exclusive<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      // IMMEDIATE takes the write lock up front, so two processes migrating at once run one after the other.
      // NOTE: a statement another caller runs meanwhile, on this connection, joins the transaction; on another
      // connection of this process, it waits for the lock with the thread blocked. Callers `migrate()` first.
      const run = async (): Promise<T> => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(runner);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      };
      const result = exclusiveQueue.then(run, run);
      exclusiveQueue = result.catch(() => undefined);
      return result;
    },
    async close() {
      db.close();
    },
  };
}
