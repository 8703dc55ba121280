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

/**
 * Whom the Syncro requests made inside a piece of work are for (a Slack user id), for their share of the rate
 * limit (rate-limiter.ts). An explicit `person` in the request hooks wins over this.
 */
const ambientPerson = new AsyncLocalStorage<string>();

/** Runs `fn` so that every Syncro request it makes counts against `person`'s share of the rate limit. */
export function withRequestPerson<T>(person: string, fn: () => T): T {
  return ambientPerson.run(person, fn);
}

/** The person set by the innermost withRequestPerson around the caller, if any. */
export function ambientRequestPerson(): string | undefined {
  return ambientPerson.getStore();
}

/**
 * `api` with each of its methods run inside withRequestPerson(person): an identity's Syncro, whose requests
 * count against that person's share (the api itself is shared by everyone using the same key).
 */
export function actingFor<T extends object>(api: T, person: string): T {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        withRequestPerson(person, () => (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}
