/**
 * Slack waits at most 3 s for an ack, and in a burst the requests that arrive are acked in the event loop's I/O
 * phase: the work that follows an ack (a command's Syncro reads, parsing their answers, rendering, the reply) must
 * not sit between an incoming request and its ack. `afterAcks()` resolves in a later turn of the event loop, one
 * waiter per turn, so every turn first handles the I/O that has arrived (new requests: their acks) and then runs
 * one piece of follow-up work. The command listener awaits it before the command runs, and the Syncro requester
 * before it parses an answer. Idle, it costs one turn (microseconds).
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
