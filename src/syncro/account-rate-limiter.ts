import type { Logger } from '../logger.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { createSharedRateLimiter } from './shared-rate-limiter.js';

/**
 * The one limiter for the Syncro account, chosen by where the bot keeps its state: with PostgreSQL every
 * replica draws from one shared limiter (the sum never exceeds the limit in any rolling window, and a 429 seen
 * by one pauses all); with SQLite there is one process, and the in-process limiter is the whole truth.
 */
export interface AccountRateLimiterOptions {
  store: { kind: 'postgres'; url: string } | { kind: 'sqlite' };
  /** SYNCRO_RATE_LIMIT_PER_MINUTE. */
  limit: number;
  /** Syncro's window is 60 s; tests use a shorter one. */
  windowMs?: number;
  /** The longest one Syncro request can take (timeout + connect timeout): a dead replica's slot expires after it. */
  requestTimeoutMs: number;
  /** This replica's name in the shared limiter. */
  holder: string;
  logger: Logger;
}

export const SYNCRO_WINDOW_MS = 60_000;

export async function openAccountRateLimiter(opts: AccountRateLimiterOptions): Promise<RateLimiter> {
  const windowMs = opts.windowMs ?? SYNCRO_WINDOW_MS;
  if (opts.store.kind !== 'postgres') return createRateLimiter({ limit: opts.limit, windowMs });
  // Loaded only with PostgreSQL: the driver is not in a SQLite bot's memory.
  const { openPostgresRateLimitStore } = await import('./postgres-rate-limit-store.js');
  const store = await openPostgresRateLimitStore({ url: opts.store.url, logger: opts.logger });
  return createSharedRateLimiter({
    store,
    limit: opts.limit,
    windowMs,
    // A margin over the timeout, for the answer's last bytes and the release's own round trip.
    holdMs: opts.requestTimeoutMs + 5_000,
    holder: opts.holder,
    logger: opts.logger,
  });
}
