import type { z } from 'zod';

/**
 * What the one SQL action store (sql-store.ts) needs from a database: running a statement, an exclusive
 * transaction for migrations, and the few places where SQLite and PostgreSQL spell things differently. Every
 * statement is written once in sql-store.ts; an adapter only answers these questions for its dialect.
 */

/** A value bound to a statement parameter. SQLite has no boolean: its adapter binds `true`/`false` as 1/0. */
export type SqlValue = string | number | boolean | null;

/** A row as the driver returns it; rows.ts parses it with a zod schema built from the adapter's `read` codecs. */
export type SqlRow = Record<string, unknown>;

/** Binds one value and returns its placeholder, so that parameters follow the order the SQL text uses them. */
export type Bind = (value: SqlValue) => string;

export interface SqlRunner {
  /** Runs one statement; returns the rows of a SELECT or of `RETURNING`, `[]` otherwise. */
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** Runs a script of several statements without parameters (a migration). */
  script(sql: string): Promise<void>;
}

/** How the driver returns typed columns, as zod codecs to the values `PendingAction` holds. */
export interface ColumnCodecs {
  /** INTEGER / BIGINT. (pg returns BIGINT as a decimal string.) */
  int: z.ZodType<number>;
  /** BOOLEAN. (SQLite stores 0/1.) */
  bool: z.ZodType<boolean>;
  /** A JSON column, parsed. (SQLite returns its text; pg parses JSONB itself.) */
  json: z.ZodType<unknown>;
}

/** Column types and dialect-only statements for the migrations (migrations.ts writes each table once). */
export interface DdlTypes {
  /** Epoch milliseconds and Syncro ids. */
  bigint: string;
  boolean: string;
  /** A JSON column's type and constraints (nullable or NOT NULL). */
  json(column: string, nullable: boolean): string;
  /** An auto-assigned integer primary key. */
  serialKey: string;
  /** Appended to CREATE TABLE (SQLite: STRICT, so a value of the wrong type is refused). */
  tableSuffix: string;
  /** Triggers that refuse UPDATE and DELETE on `table`. */
  appendOnly(table: string): string;
}

export interface SqlDialect extends SqlRunner {
  readonly name: 'sqlite' | 'postgres';
  /** The placeholder of the n-th bound parameter (1-based): `?` or `$n`. */
  placeholder(n: number): string;
  /**
   * An expression for the JSON object in `column` with the top-level keys of `set` replaced whole (values are
   * JSON text) and the keys of `remove` deleted. Never a deep merge: a patch replaces a field.
   */
  jsonPatch(
    column: string,
    set: ReadonlyArray<readonly [key: string, json: string]>,
    remove: readonly string[],
    bind: Bind,
  ): string;
  /**
   * A condition: the JSON array at top-level key `arrayKey` of the object in `column` has an element whose string
   * field `field` is one of `values` (a card's steps holding a billing op).
   */
  jsonArrayHas(
    column: string,
    arrayKey: string,
    field: string,
    values: readonly string[],
    bind: Bind,
  ): string;
  /**
   * Appended to the SELECT that picks the rows of a bulk sweep: PostgreSQL's `FOR UPDATE SKIP LOCKED`, so that
   * concurrent sweepers neither wait for each other nor return the same row. SQLite has one writer at a time.
   */
  readonly skipLocked: string;
  readonly read: ColumnCodecs;
  readonly ddl: DdlTypes;
  /**
   * Runs `fn` in a transaction that excludes every other `exclusive` transaction on the same database, in any
   * process (migrations: replicas starting together apply them one after the other).
   */
  exclusive<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
