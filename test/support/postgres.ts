import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

/**
 * Real PostgreSQL for the tests that need it (the store contract, replicas). Each run creates uniquely named
 * databases and drops them. Without a reachable server a suite is skipped locally and fails in CI.
 */
export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A client on `url` for the duration of `fn` (a test looking at a database directly). */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop: () => Promise<void>;
}

/** Creates an empty database with a unique name; returns its URL and a function that drops it. */
export async function createTestDatabase(prefix = 'syncro_slack_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await admin((c) => c.query('SELECT 1'));
    return undefined;
  } catch (err) {
    return `PostgreSQL at ${redactUrl(adminUrl)} is unreachable (${err instanceof Error ? err.message : String(err)}); set TEST_DATABASE_URL`;
  }
}

/** Registers a stand-in for a suite that cannot run: a failing test in CI, a visible skip elsewhere. */
export function reportPostgresUnavailable(suite: string, reason: string): void {
  if (process.env.CI) {
    describe(suite, () => {
      it('requires a reachable PostgreSQL in CI', () => {
        throw new Error(reason);
      });
    });
  } else {
    process.stderr.write(`\nSKIPPED ${suite}: ${reason}\n\n`);
    describe.skipIf(true)(`${suite} (skipped: ${reason})`, () => {
      it('needs PostgreSQL', () => {});
    });
  }
}
