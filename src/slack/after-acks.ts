/**
 * Slack waits at most 3 s for an ack, and a burst of commands is acked one event-loop turn at a time: the work
 * that follows an ack (Syncro reads, rendering, the reply) must not sit between an incoming request and its ack.
 * `afterAcks()` resolves in a later turn of the event loop, one waiter per turn, so every turn first handles the
 * requests that have arrived (their acks) and then starts one piece of follow-up work.
 */

const waiting: Array<() => void> = [];
let pumping = false;

function pump(): void {
  waiting.shift()?.();
  // Scheduled from inside the check phase, the next one runs in the next turn, after that turn's I/O.
  if (waiting.length > 0) setImmediate(pump);
  else pumping = false;
}

/** Resolves once the requests waiting for an ack have been handled (in a later event-loop turn). */
export function afterAcks(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}
