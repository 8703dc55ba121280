import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.js';
import {
  createSyncroClient,
  type SyncroClientOptions,
  type SyncroHttpClient,
} from '../../src/syncro/client.js';
import { rapidTestRetryPolicy } from '../../src/syncro/retry-policies.js';
import type { FaultySimulator } from '../support/faults.js';

export const KEY = 'sandbox-key-1750';

/** Collects the logger's JSON lines. */
export function captureLogger(level = 'trace'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
      done();
    },
  });
  return { logger: createLogger({ level, format: 'json', destination }), lines };
}

/** A client on the simulator with instant read retries and a limiter loose enough not to matter. */
export function simClient(sim: FaultySimulator, over: Partial<SyncroClientOptions> = {}): SyncroHttpClient {
  return createSyncroClient({
    baseUrl: sim.url,
    timeoutMs: 5_000,
    connectTimeoutMs: 2_000,
    rateLimitPerMinute: 100_000,
    logger: captureLogger('silent').logger,
    readRetryPolicy: rapidTestRetryPolicy,
    sleep: async () => {},
    ...over,
  });
}

/** Runs `fn` and returns what it threw (fails if it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}
