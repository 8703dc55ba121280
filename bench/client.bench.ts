/**
 * Benchmark of the Syncro client against the loopback simulator (npm run bench:client).
 * (a) Median cost of one GET through the client (limiter, headers, timeout, zod parse, logging) next to a bare
 *     undici request for the same URL in the same run.
 * (b) 600 GETs queued at once through a scaled rate limiter (60 per 1 000 ms window): the most requests started
 *     in any window (must be <= the limit, counted both where the limiter admits them and where the simulator
 *     receives them) and how much of the limit was used.
 * (c) The same 600 GETs split over two "replicas" (two clients, each with its own connections to PostgreSQL)
 *     drawing from the shared limiter, as with DATABASE_URL=postgres://…: the most received in any window for
 *     both together, the utilisation, and what one admission costs (TEST_DATABASE_URL or 127.0.0.1:5432; skipped
 *     without PostgreSQL).
 */
import { Writable } from 'node:stream';
import { Agent, request } from 'undici';
import { createLogger } from '../src/logger.js';
import { startSyncroSimulator } from '../src/sandbox/simulator.js';
import { createSyncroClient } from '../src/syncro/client.js';
import { openPostgresRateLimitStore } from '../src/syncro/postgres-rate-limit-store.js';
import { createRateLimiter, type RateLimiter } from '../src/syncro/rate-limiter.js';
import { noRetryPolicy } from '../src/syncro/retry-policies.js';
import { createSharedRateLimiter } from '../src/syncro/shared-rate-limiter.js';
import { createTestDatabase, postgresUnavailable } from '../test/support/postgres.js';

const KEY = 'sandbox-key-1750';
const WARMUP = 300;
const SAMPLES = 3000;
const QUEUED = 600;
const LIMIT = 60;
const WINDOW_MS = 1000;

const out = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
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
const devNull = new Writable({ write: (_c, _e, done) => done() });

const sim = await startSyncroSimulator();
const ticket = sim.state.ticketByNumber(32150);
if (!ticket) throw new Error('demo ticket #32150 missing');
const logger = createLogger({ level: 'info', format: 'json', destination: devNull });

// (a) overhead per GET ------------------------------------------------------------------------------------
{
  const agent = new Agent({ keepAliveTimeout: 4_000, connections: 16 });
  const client = createSyncroClient({
    baseUrl: sim.url,
    timeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    rateLimitPerMinute: 1_000_000_000,
    logger,
    readRetryPolicy: noRetryPolicy,
  });
  const api = client.as(KEY);
  const url = `${sim.url}/tickets/${ticket.id}`;
  const bare = async () => {
    const res = await request(url, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${KEY}`, accept: 'application/json' },
    });
    return res.body.json();
  };
  const viaClient = () => api.getTicket(ticket.id);

  for (let i = 0; i < WARMUP; i++) {
    await bare();
    await viaClient();
  }
  sim.reset();
  const bareMs: number[] = [];
  const clientMs: number[] = [];
  // Interleaved, so that both see the same machine state.
  for (let i = 0; i < SAMPLES; i++) {
    let t = performance.now();
    await bare();
    bareMs.push(performance.now() - t);
    t = performance.now();
    await viaClient();
    clientMs.push(performance.now() - t);
  }
  const b = median(bareMs);
  const c = median(clientMs);
  out(`(a) GET /tickets/{id}, ${SAMPLES} sequential samples each, interleaved`);
  out(`    bare undici request median:   ${(b * 1000).toFixed(0)} us`);
  out(`    syncro client median:         ${(c * 1000).toFixed(0)} us`);
  out(`    client overhead per GET:      ${((c - b) * 1000).toFixed(0)} us (ratio ${(c / b).toFixed(2)})`);
  await client.close();
  await agent.close();
}

// (b) limiter under a queue of 600 ------------------------------------------------------------------------
{
  sim.reset();
  const inner = createRateLimiter({ limit: LIMIT, windowMs: WINDOW_MS });
  const starts: number[] = [];
  const limiter: RateLimiter = {
    ...inner,
    acquire: async (o) => {
      const release = await inner.acquire(o);
      starts.push(performance.now());
      return release;
    },
  };
  let maxQueued = 0;
  inner.subscribe((e) => {
    maxQueued = Math.max(maxQueued, e.queued);
  });
  const client = createSyncroClient({
    baseUrl: sim.url,
    timeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    rateLimitPerMinute: LIMIT,
    logger,
    readRetryPolicy: noRetryPolicy,
    limiter,
  });
  const api = client.as(KEY);
  const t0 = performance.now();
  const results = await Promise.allSettled(Array.from({ length: QUEUED }, () => api.getTicket(ticket.id)));
  const elapsed = performance.now() - t0;
  const failed = results.filter((r) => r.status === 'rejected').length;
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const windows = (last - first) / WINDOW_MS + 1;
  const maxAdmitted = maxInAnyWindow(starts, WINDOW_MS);
  const maxReceived = maxInAnyWindow(
    sim.requests.map((r) => r.at),
    WINDOW_MS,
  );
  out(`(b) ${QUEUED} GETs queued at once, limit ${LIMIT} per ${WINDOW_MS} ms rolling window`);
  out(`    completed: ${QUEUED - failed}, failed: ${failed}, elapsed: ${(elapsed / 1000).toFixed(2)} s`);
  out(`    most started in any window (limiter): ${maxAdmitted} (limit ${LIMIT})`);
  out(`    most received in any window (simulator): ${maxReceived} (limit ${LIMIT})`);
  out(`    longest queue seen: ${maxQueued}`);
  out(
    `    utilisation: ${((QUEUED / (windows * LIMIT)) * 100).toFixed(1)} % ` +
      `(${QUEUED} requests / (${windows.toFixed(2)} windows x ${LIMIT}))`,
  );
  await client.close();
  if (maxAdmitted > LIMIT || maxReceived > LIMIT) {
    await sim.close();
    throw new Error('the rate limiter exceeded its window');
  }
}

// (c) shared limiter, two replicas ------------------------------------------------------------------------
const unreachable = await postgresUnavailable();
if (unreachable) out(`(c) skipped: ${unreachable}`);
else {
  sim.reset();
  const db = await createTestDatabase('syncro_slack_bench');
  try {
    const replicas = await Promise.all(
      ['bench-a', 'bench-b'].map(async (holder) => {
        const limiter = createSharedRateLimiter({
          store: await openPostgresRateLimitStore({ url: db.url, logger }),
          limit: LIMIT,
          windowMs: WINDOW_MS,
          holdMs: 15_000,
          holder,
          logger,
        });
        const client = createSyncroClient({
          baseUrl: sim.url,
          timeoutMs: 10_000,
          connectTimeoutMs: 5_000,
          rateLimitPerMinute: LIMIT,
          logger,
          readRetryPolicy: noRetryPolicy,
          limiter,
        });
        return { limiter, client };
      }),
    );
    // What one admission costs when nothing waits: acquire + release, a few round trips to PostgreSQL.
    const costs: number[] = [];
    for (let i = 0; i < 40; i++) {
      const limiter = (replicas[0] as (typeof replicas)[number]).limiter;
      const t = performance.now();
      (await limiter.acquire())();
      costs.push(performance.now() - t);
      await limiter.idle();
    }
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS)); // the window empties before the queue
    sim.reset();
    const t0 = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: QUEUED }, (_, i) =>
        (replicas[i % 2] as (typeof replicas)[number]).client.as(KEY).getTicket(ticket.id),
      ),
    );
    const elapsed = performance.now() - t0;
    const failed = results.filter((r) => r.status === 'rejected').length;
    const arrivals = sim.requests.map((r) => r.at);
    const windows = (Math.max(...arrivals) - Math.min(...arrivals)) / WINDOW_MS + 1;
    const maxReceived = maxInAnyWindow(arrivals, WINDOW_MS);
    out(
      `(c) ${QUEUED} GETs over two replicas sharing one limit of ${LIMIT} per ${WINDOW_MS} ms (PostgreSQL)`,
    );
    out(`    completed: ${QUEUED - failed}, failed: ${failed}, elapsed: ${(elapsed / 1000).toFixed(2)} s`);
    out(`    most received in any window, both replicas (simulator): ${maxReceived} (limit ${LIMIT})`);
    out(
      `    utilisation: ${((QUEUED / (windows * LIMIT)) * 100).toFixed(1)} % ` +
        `(${QUEUED} requests / (${windows.toFixed(2)} windows x ${LIMIT}))`,
    );
    out(`    one admission with nothing waiting (acquire + release): median ${median(costs).toFixed(2)} ms`);
    for (const r of replicas) {
      await r.client.close();
      await r.limiter.close();
    }
    if (maxReceived > LIMIT) throw new Error('the shared rate limiter exceeded its window');
  } finally {
    await db.drop();
  }
}

await sim.close();
