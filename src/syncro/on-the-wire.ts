import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * "Sent, waiting for Syncro": the executor wants to know when a write leaves the rate-limit queue and goes on the
 * wire, without threading a callback through every endpoint function. It runs the send inside
 * `whenOnTheWire(cb, …)`; the Syncro requester calls `markOnTheWire()` just before it dispatches a write.
 */
const listener = new AsyncLocalStorage<() => void>();

/** Runs `fn`; `onSent` is called (synchronously, possibly several times) as each write inside it is dispatched. */
export function whenOnTheWire<T>(onSent: () => void, fn: () => Promise<T>): Promise<T> {
  return listener.run(onSent, fn);
}

/** Called by the requester right before a write is dispatched. */
export function markOnTheWire(): void {
  listener.getStore()?.();
}
