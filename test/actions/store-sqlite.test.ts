import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppStore } from '../../src/store/app-store.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { makeAction, makeAudit, makeFullAction, runStoreContract, T0 } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'syncro-slack-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function freshFile(): string {
  fileCount += 1;
  return join(dir, `case-${fileCount}`, 'actions.db');
}

const suiteFile = freshFile();
runStoreContract('SQLite file', async () => openSqliteStore(suiteFile));

/**
 * Every `:memory:` database is private to its connection, so "another instance" is the same store here; its
 * `close` is deferred to the cleanup. The file suite above covers separate instances.
 */
let memory: AppStore | undefined;
runStoreContract(
  'SQLite :memory:',
  async () => {
    memory ??= openSqliteStore(':memory:');
    const shared = memory;
    return new Proxy(shared, {
      get: (target, key: keyof AppStore) => (key === 'close' ? async () => {} : target[key]),
    });
  },
  async () => {
    await memory?.close();
  },
);

describe('openSqliteStore', () => {
  it('should create the parent directories of the database file', async () => {
    const file = join(dir, 'deep', 'er', 'still', 'actions.db');
    const store = openSqliteStore(file);
    await store.migrate();
    await store.close();
    expect(existsSync(file)).toBe(true);
  });

  it('should keep actions and audit entries after the file is closed and opened again', async () => {
    const file = freshFile();
    const action = makeFullAction();
    const entry = makeAudit({ ticketId: 4242 });
    const first = openSqliteStore(file);
    await first.migrate();
    await first.insert(action);
    await first.appendAudit(entry);
    await first.close();

    const second = openSqliteStore(file);
    await second.migrate();
    expect(await second.get(action.id)).toStrictEqual(action);
    expect(await second.listAudit(4242, 10)).toStrictEqual([entry]);
    await second.close();
  });

  it('should use WAL and record each migration once when two instances migrate', async () => {
    const file = freshFile();
    const a = openSqliteStore(file);
    const b = openSqliteStore(file);
    await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
    await Promise.all([a.close(), b.close()]);

    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      db.close();
    }
  });

  it('should refuse a row it cannot read, with a code, rather than return half an action', async () => {
    const file = freshFile();
    const store = openSqliteStore(file);
    await store.migrate();
    const action = makeAction();
    await store.insert(action);
    const db = new Database(file);
    try {
      db.prepare("UPDATE actions SET state = 'teleported' WHERE id = ?").run(action.id);
    } finally {
      db.close();
    }
    await expect(store.get(action.id)).rejects.toMatchObject({ code: 'STORE_ROW_INVALID' });
    await store.close();
  });

  it('should refuse to change or delete audit entries', async () => {
    const file = freshFile();
    const store = openSqliteStore(file);
    await store.migrate();
    await store.appendAudit(makeAudit({ ticketId: 1 }));
    await store.close();

    const db = new Database(file);
    try {
      expect(() => db.prepare("UPDATE audit SET error = 'edited'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('should let one claimer win per action when processes claim on one file in parallel', async () => {
    // NOTE: within one process better-sqlite3 is synchronous, so Promise.all never interleaves two statements.
    // Separate processes have their own connections and really run at the same time, contending for the lock.
    const file = freshFile();
    const store = openSqliteStore(file);
    await store.migrate();
    const actions = Array.from({ length: 200 }, () => makeAction());
    for (const action of actions) await store.insert(action);
    const ids = actions.map((a) => a.id);

    const storeUrl = new URL('../../src/store/sqlite-store.ts', import.meta.url).href;
    const claimers = Array.from({ length: 4 }, (_, n) =>
      // Each process walks the ids in a different order, so they meet in the middle of the list.
      startClaimer({
        file,
        storeUrl,
        owner: `process-${n}`,
        ids: n % 2 === 0 ? ids : [...ids].reverse(),
        now: T0,
      }),
    );
    await Promise.all(claimers.map((c) => c.ready));
    for (const c of claimers) c.go();
    const results = await Promise.all(claimers.map((c) => c.done));

    const winners = new Map<string, number>();
    for (const { wins } of results) for (const id of wins) winners.set(id, (winners.get(id) ?? 0) + 1);
    expect(winners.size).toBe(ids.length);
    expect([...winners.values()].every((n) => n === 1)).toBe(true);
    for (const id of ids) expect((await store.get(id))?.attempt).toBe(1);
    await store.close();
  });
});

interface ClaimerConfig {
  file: string;
  storeUrl: string;
  owner: string;
  ids: string[];
  now: number;
}

/**
 * A child process that opens its own store on the file, prints "ready", waits for "go" on stdin (a barrier, so
 * that all claimers start together), claims every id once and prints the ids it won as JSON.
 */
function startClaimer(config: ClaimerConfig): {
  ready: Promise<void>;
  go: () => void;
  done: Promise<{ wins: string[] }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CLAIMER], {
    env: { ...process.env, CLAIMER_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<never>((_, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      reject(new Error(`claimer exited with code ${code} before answering:\n${stderr}`)),
    );
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const line = await Promise.race([lines.next(), exited]);
    if (line.done) return exited;
    return line.value;
  };
  const ready = nextLine().then((line) => {
    if (line !== 'ready') throw new Error(`claimer said ${line}`);
  });
  const done = ready.then(async () => JSON.parse(await nextLine()) as { wins: string[] });
  // The exit after the answer is expected; keep it from surfacing as an unhandled rejection.
  exited.catch(() => undefined);
  return { ready, go: () => child.stdin.end('go\n'), done };
}

const CLAIMER = `
import { createInterface } from 'node:readline';
const config = JSON.parse(process.env.CLAIMER_CONFIG);
const { openSqliteStore } = await import(config.storeUrl);
const store = openSqliteStore(config.file);
const input = createInterface({ input: process.stdin });
const lines = input[Symbol.asyncIterator]();
process.stdout.write('ready\\n');
await lines.next();
input.close();
const wins = [];
for (const id of config.ids) {
  const result = await store.claim(id, {
    clicker: config.owner, now: config.now, expectedAttempt: 0, owner: config.owner, leaseMs: 60000,
  });
  if (result.won) wins.push(id);
}
await store.close();
process.stdout.write(JSON.stringify({ wins }) + '\\n');
`;
