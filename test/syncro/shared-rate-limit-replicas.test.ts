import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import {
  createTestDatabase,
  postgresUnavailable,
  reportPostgresUnavailable,
  type TestDatabase,
} from '../support/postgres.js';

/**
 * Two real processes, each with its own Syncro client and the shared limiter on one real PostgreSQL, against
 * one Syncro simulator that records when each request ARRIVES (as Syncro counts). The window is scaled down
 * (LIMIT per WINDOW_MS) so that the test is quick; the code path is the one src/main.ts composes.
 */

const LIMIT = 10;
const WINDOW_MS = 1_500;
const PER_REPLICA = 12;

/** The most timestamps inside any half-open window [t, t + windowMs). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while ((s[hi] as number) - (s[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

interface Line {
  event: string;
  op?: string;
  ok?: number;
  failed?: number;
  errors?: string[];
  waitMs?: number;
  pauseMs?: number;
}

interface ReplicaProcess {
  send(cmd: Record<string, unknown>): void;
  /** Resolves with the first line (seen or still to come) that matches. */
  next(match: (l: Line) => boolean, what: string): Promise<Line>;
  lines: Line[];
  stop(): Promise<void>;
}

function startReplica(name: string, env: Record<string, string>): Promise<ReplicaProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/limiter-replica.ts'],
    {
      env: { ...process.env, ...env, NAME: name },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const lines: Line[] = [];
  const waiters = new Set<{ match: (l: Line) => boolean; resolve: (l: Line) => void }>();
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    for (const w of [...waiters])
      if (w.match(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const replica: ReplicaProcess = {
    lines,
    send: (cmd) => child.stdin?.write(`${JSON.stringify(cmd)}\n`),
    next: (match, what) => {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<Line>((resolve, reject) => {
        waiters.add({ match, resolve });
        void exited.then((code) => reject(new Error(`${name} exited (${code}) before ${what}: ${stderr}`)));
      });
    },
    stop: async () => {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return replica.next((l) => l.event === 'ready', 'ready').then(() => replica);
}

const unreachable = await postgresUnavailable();

if (unreachable !== undefined) {
  reportPostgresUnavailable('shared rate limit across two processes', unreachable);
} else {
  describe('shared rate limit across two processes', () => {
    let db: TestDatabase | undefined;
    let sim: FaultySimulator;
    let a: ReplicaProcess | undefined;
    let b: ReplicaProcess | undefined;
    let ticketId: number;

    beforeAll(async () => {
      db = await createTestDatabase('syncro_slack_shared_limit');
      sim = await startFaultySimulator();
      ticketId = sim.state.ticketByNumber(32150)?.id as number;
      const env = { DB_URL: db.url, SIM_URL: sim.url, LIMIT: String(LIMIT), WINDOW_MS: String(WINDOW_MS) };
      [a, b] = await Promise.all([startReplica('replica-a', env), startReplica('replica-b', env)]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await sim?.close();
      await db?.drop();
    });

    it('should keep the sum of both replicas within the limit in every rolling window', async () => {
      sim.reset();
      a!.send({ op: 'burst', n: PER_REPLICA, ticketId });
      b!.send({ op: 'burst', n: PER_REPLICA, ticketId });
      const [da, dbDone] = await Promise.all([
        a!.next((l) => l.event === 'done' && l.op === 'burst', 'the burst'),
        b!.next((l) => l.event === 'done' && l.op === 'burst', 'the burst'),
      ]);
      expect([da.failed, dbDone.failed]).toEqual([0, 0]);
      const arrivals = sim.requests.map((r) => r.at);
      expect(arrivals).toHaveLength(2 * PER_REPLICA); // more than twice the limit: both had to wait
      expect(maxInAnyWindow(arrivals, WINDOW_MS)).toBeLessThanOrEqual(LIMIT);
      // Both replicas waited (the other's requests counted against their own budget).
      expect(a!.lines.some((l) => l.event === 'waiting' && l.op === 'burst')).toBe(true);
      expect(b!.lines.some((l) => l.event === 'waiting' && l.op === 'burst')).toBe(true);
    }, 30_000);

    it('should pause the other replica when one sees a 429, for its Retry-After', async () => {
      sim.reset();
      sim.injectFault({
        method: 'GET',
        path: '/me',
        mode: 'status_429',
        when: 'before_commit',
        retryAfterSeconds: 1,
      });
      a!.send({ op: 'me' });
      const paused = await a!.next((l) => l.event === 'paused', 'the pause');
      expect(paused.pauseMs).toBe(1000);
      // Only now does B ask: its request must wait for the pause A was told about.
      b!.send({ op: 'ticket', ticketId });
      const [meDone, ticketDone] = await Promise.all([
        a!.next((l) => l.event === 'done' && l.op === 'me', 'GET /me'),
        b!.next((l) => l.event === 'done' && l.op === 'ticket', 'GET /tickets/{id}'),
      ]);
      expect([meDone.ok, ticketDone.ok]).toEqual([1, 1]);
      const refused = sim.requests.find((r) => r.path === '/me');
      const ticket = sim.requests.find((r) => r.path === `/tickets/${ticketId}`);
      const retried = sim.requests.filter((r) => r.path === '/me')[1];
      expect(ticket!.at - refused!.at).toBeGreaterThanOrEqual(1000);
      expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(1000);
      const waited = b!.lines.find((l) => l.event === 'waiting' && l.op === 'ticket');
      expect(waited?.waitMs).toBeGreaterThan(0);
      expect(waited?.waitMs).toBeLessThanOrEqual(1000);
    }, 30_000);
  });
}
