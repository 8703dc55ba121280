/**
 * "At most once per link per channel per hour", in memory: a key is taken once per window. Each replica keeps its
 * own map, so with N replicas a link may be previewed up to N times an hour in one channel (each Slack event goes
 * to one replica); the store is not worth a table for a preview. Bounded: the oldest keys go first.
 */
export class RecentlyShown {
  private readonly at = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 60 * 60_000,
    private readonly max = 10_000,
  ) {}

  /** Whether `key` was taken within the window. */
  has(key: string): boolean {
    const t = this.at.get(key);
    return t !== undefined && this.now() - t < this.windowMs;
  }

  /** Takes `key` now; false when it was already taken within the window. */
  take(key: string): boolean {
    if (this.has(key)) return false;
    this.at.delete(key);
    this.at.set(key, this.now());
    while (this.at.size > this.max) {
      const oldest = this.at.keys().next().value;
      if (oldest === undefined) break;
      this.at.delete(oldest);
    }
    return true;
  }

  /** Gives `key` back (its preview could not be made, so a later share may try again). */
  forget(key: string): void {
    this.at.delete(key);
  }
}
