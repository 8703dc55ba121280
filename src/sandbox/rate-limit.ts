const WINDOW_MS = 60_000;

/**
 * At most `limit` admitted requests in any rolling 60 s window. Refused requests are not counted, so
 * Retry-After is exact: the moment the oldest admitted request leaves the window.
 */
export class RollingWindowLimiter {
  readonly #admitted: number[] = [];

  constructor(readonly limit: number) {}

  /** Admits the request, or answers how many seconds to wait. */
  admit(nowMs: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    while (this.#admitted.length > 0 && (this.#admitted[0] ?? 0) <= nowMs - WINDOW_MS) this.#admitted.shift();
    if (this.#admitted.length >= this.limit) {
      const freeAt = (this.#admitted[0] ?? nowMs) + WINDOW_MS;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - nowMs) / 1000)) };
    }
    this.#admitted.push(nowMs);
    return { ok: true };
  }

  clear(): void {
    this.#admitted.length = 0;
  }
}
