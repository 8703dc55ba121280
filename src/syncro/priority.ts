import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestPriority } from './rate-limiter.js';

/**
 * The priority of the Syncro requests made inside a piece of work, for callers that hold a SyncroApi made for
 * a person (identities cache one per key) but run on nobody's behalf, such as the executor's recovery sweep.
 * An explicit `priority` in the request hooks wins over this; without either, a request is interactive.
 */
const ambient = new AsyncLocalStorage<RequestPriority>();

/** Runs `fn` so that every Syncro request it makes (awaited or not) queues with `priority`. */
export function withRequestPriority<T>(priority: RequestPriority, fn: () => T): T {
  return ambient.run(priority, fn);
}

/** The priority set by the innermost withRequestPriority around the caller, if any. */
export function ambientRequestPriority(): RequestPriority | undefined {
  return ambient.getStore();
}
