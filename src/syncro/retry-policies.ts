import {
  type SyncroError,
  SyncroNetworkError,
  SyncroRateLimitedError,
  SyncroServerError,
  SyncroTimeoutError,
} from './errors.js';

/**
 * Named, bounded retry policies for READS (GET) only. Writes are never retried by a policy: Syncro has no
 * idempotency, so one POST is one record. The only resend of a write is after a 429, which the request
 * chokepoint handles itself (Syncro refused it, nothing was written).
 */
export interface RetryPolicy {
  readonly name: string;
  /** Attempts after the first one. */
  readonly retries: number;
  /** Backoff before retry number `retry` (1-based). A 429 waits for Retry-After instead (through the limiter). */
  delayMs(retry: number): number;
  /** Whether this failure is worth another attempt. */
  shouldRetry(err: SyncroError): boolean;
}

/** Network failures, timeouts, 5xx and 429 are transient; 3xx, 401/404/422 and schema mismatches are not. */
export function isTransientReadError(err: SyncroError): boolean {
  return (
    err instanceof SyncroNetworkError ||
    err instanceof SyncroTimeoutError ||
    (err instanceof SyncroServerError && err.status >= 500) || // a 3xx is a wrong base URL: no point retrying
    err instanceof SyncroRateLimitedError
  );
}

/** Two retries, 500 ms then 1 s (±20 % jitter so replicas do not retry in step). */
export const defaultReadRetryPolicy: RetryPolicy = {
  name: 'default-read',
  retries: 2,
  delayMs: (retry) => Math.round(Math.min(500 * 2 ** (retry - 1), 4000) * (0.8 + Math.random() * 0.4)),
  shouldRetry: isTransientReadError,
};

/** One attempt only. */
export const noRetryPolicy: RetryPolicy = {
  name: 'none',
  retries: 0,
  delayMs: () => 0,
  shouldRetry: () => false,
};

/** Like the default, with no delay: just to keep the tests running fast. */
export const rapidTestRetryPolicy: RetryPolicy = {
  name: 'rapid-test',
  retries: 2,
  delayMs: () => 0,
  shouldRetry: isTransientReadError,
};
