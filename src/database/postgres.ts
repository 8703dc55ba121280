import pg from 'pg';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { SqlDialect, SqlRow, SqlRunner } from './sql-dialect.js';

export interface PostgresDialectOptions {
  logger?: Logger;
  /** Pool size (default 10). */
  maxConnections?: number;
}

/**
 * Key of the transaction-scoped advisory lock that serialises `migrate()` across replicas ("syncro" in ASCII).
 * Advisory locks are per database, so two databases on one server do not wait for each other.
 */
const MIGRATION_LOCK_KEY = 0x73796e63726f;

/**
 * Opens a PostgreSQL action store on a connection pool. Call `migrate()` before use.
 *
 * Under READ COMMITTED, a conditional UPDATE that waited for another transaction's row lock re-checks its WHERE
 * against the committed row, so of many concurrent claimers (in any replica) exactly one matches. The bulk sweeps
 * lock their candidates with `FOR UPDATE SKIP LOCKED`, so concurrent sweepers neither wait for each other nor
 * return the same row.
 */
export function openPostgresDialect(url: string, opts: PostgresDialectOptions = {}): SqlDialect {
  const pool = new pg.Pool({ connectionString: url, max: opts.maxConnections ?? 10 });
  // NOTE: without a listener, an idle connection dropped by the server would crash the process.
  pool.on('error', (err) => opts.logger?.warn({ err }, 'idle PostgreSQL connection failed'));
  return postgresDialect(pool);
}

function runnerOn(client: pg.Pool | pg.PoolClient): SqlRunner {
  return {
    async query(sql, params = []) {
      return (await client.query(sql, [...params])).rows as SqlRow[];
    },
    async script(sql) {
      // Without parameters pg uses the simple protocol, which runs several statements.
      await client.query(sql);
    },
  };
}

function postgresDialect(pool: pg.Pool): SqlDialect {
  return {
    name: 'postgres',
    ...runnerOn(pool),
    placeholder: (n) => `$${n}`,
    jsonArrayHas(column, arrayKey, field, values, p) {
      const array = p(arrayKey);
      const path = p(field);
      return `EXISTS (SELECT 1 FROM jsonb_array_elements(${column} -> ${array}::text) AS e WHERE e ->> ${path}::text IN (${values.map((v) => `${p(v)}::text`).join(', ')}))`;
    },
    jsonPatch(column, set, remove, p) {
      let expr = column;
      if (set.length > 0) {
        // `||` on jsonb replaces top-level keys whole (no deep merge), which is what a patch means.
        const replaced = `{${set.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
        expr = `(${expr} || ${p(replaced)}::jsonb)`;
      }
      for (const key of remove) expr = `(${expr} - ${p(key)}::text)`;
      return expr;
    },
    skipLocked: ' FOR UPDATE SKIP LOCKED',
    read: {
      // pg returns INTEGER as a number and BIGINT as a decimal string; epoch milliseconds and Syncro ids are far
      // below 2^53.
      int: z.union([
        z.number().int(),
        z
          .string()
          .regex(/^-?\d+$/)
          .transform(Number),
      ]),
      bool: z.boolean(),
      json: z.unknown(),
    },
    ddl: {
      bigint: 'BIGINT',
      boolean: 'BOOLEAN',
      json: (_column, nullable) => (nullable ? 'JSONB' : 'JSONB NOT NULL'),
      serialKey: 'BIGSERIAL PRIMARY KEY',
      tableSuffix: '',
      appendOnly: (table) => `
        CREATE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION '${table} is append-only'; END
        $$;
        CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION ${table}_append_only();`,
    },
    async exclusive(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Replicas starting together queue here; the first applies the migrations, the others then find none.
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        const result = await fn(runnerOn(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
