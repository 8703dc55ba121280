/**
 * One "replica" for the shared-limit test: a real process with its own Syncro client and the account's shared
 * rate limiter on PostgreSQL, exactly as src/main.ts composes them, driven over stdin/stdout in JSON lines.
 *   in:  {"op":"burst","n":12,"ticketId":1} | {"op":"me"} | {"op":"ticket","ticketId":1}
 *   out: {"event":"ready"} | {"event":"paused","pauseMs":…} | {"event":"waiting","op":…,"waitMs":…}
 *        | {"event":"done","op":…,"ok":n,"failed":n,"errors":[…]}
 * Environment: DB_URL, SIM_URL, LIMIT, WINDOW_MS, NAME.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';
import { openAccountRateLimiter } from '../../src/syncro/account-rate-limiter.js';
import { createSyncroClient } from '../../src/syncro/client.js';
import { rapidTestRetryPolicy } from '../../src/syncro/retry-policies.js';

const env = process.env;
const KEY = 'sandbox-key-1750';
const out = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const logger = createLogger({
  level: 'silent',
  format: 'json',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

const limiter = await openAccountRateLimiter({
  store: { kind: 'postgres', url: env.DB_URL as string },
  limit: Number(env.LIMIT),
  windowMs: Number(env.WINDOW_MS),
  requestTimeoutMs: 10_000,
  holder: env.NAME as string,
  logger,
});
limiter.subscribe((e) => {
  if (e.type === 'paused') out({ event: 'paused', pauseMs: e.pauseMs });
});
const client = createSyncroClient({
  baseUrl: env.SIM_URL as string,
  timeoutMs: 5_000,
  connectTimeoutMs: 2_000,
  rateLimitPerMinute: Number(env.LIMIT),
  logger,
  limiter,
  readRetryPolicy: rapidTestRetryPolicy,
  sleep: async () => {},
});

async function run(op: string, calls: Array<(api: ReturnType<typeof client.as>) => Promise<unknown>>) {
  const api = client.as(KEY, { onRateLimitWait: (waitMs) => out({ event: 'waiting', op, waitMs }) });
  const results = await Promise.allSettled(calls.map((call) => call(api)));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  out({ event: 'done', op, ok: results.length - errors.length, failed: errors.length, errors });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const cmd = JSON.parse(line) as { op: string; n?: number; ticketId?: number };
  const id = cmd.ticketId as number;
  if (cmd.op === 'burst')
    void run(
      'burst',
      Array.from({ length: cmd.n ?? 1 }, () => (api) => api.getTicket(id)),
    );
  if (cmd.op === 'me') void run('me', [(api) => api.me()]);
  if (cmd.op === 'ticket') void run('ticket', [(api) => api.getTicket(id)]);
});
lines.on('close', () => {
  void client.close().then(() => limiter.close());
});
out({ event: 'ready' });
