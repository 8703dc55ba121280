/**
 * How often one person may try to connect a key (`/syncro connect`'s form, each submission that would ask
 * Syncro's GET /me): at most `max` in any rolling `windowMs` (default 5 in 10 minutes), so that nobody can try
 * token after token, nor spend the account's rate limit on it. Pure bookkeeping over the times of the attempts,
 * kept in memory (per replica); the clock is the caller's.
 */

export interface ConnectAttemptsOptions {
  max?: number;
  windowMs?: number;
}

export type AttemptVerdict =
  | { allowed: true }
  /** `retryInMs`: until the oldest attempt in the window leaves it. */
  | { allowed: false; retryInMs: number; max: number; windowMs: number };

export interface ConnectAttempts {
  /** Counts an attempt of `slackUserId` at `now` when it is allowed; a refused one is not counted. */
  attempt(slackUserId: string, now: number): AttemptVerdict;
}

export const CONNECT_ATTEMPTS_MAX = 5;
export const CONNECT_ATTEMPTS_WINDOW_MS = 10 * 60_000;

export function createConnectAttempts(o: ConnectAttemptsOptions = {}): ConnectAttempts {
  const max = o.max ?? CONNECT_ATTEMPTS_MAX;
  const windowMs = o.windowMs ?? CONNECT_ATTEMPTS_WINDOW_MS;
  const times = new Map<string, number[]>();
  return {
    attempt(slackUserId, now) {
      // Only this person's attempts inside the window are kept (a person's list never grows beyond max).
      const recent = (times.get(slackUserId) ?? []).filter((t) => t > now - windowMs);
      if (recent.length >= max) {
        times.set(slackUserId, recent);
        return { allowed: false, retryInMs: (recent[0] as number) + windowMs - now, max, windowMs };
      }
      recent.push(now);
      times.set(slackUserId, recent);
      // Someone whose attempts all left the window is forgotten on their next one; others are dropped here.
      if (times.size > 10_000) {
        for (const [id, ts] of times) if (ts.every((t) => t <= now - windowMs)) times.delete(id);
      }
      return { allowed: true };
    },
  };
}
