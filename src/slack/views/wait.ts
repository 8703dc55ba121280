/**
 * A wait in words, for every message that tells a person they are waiting for Syncro's rate limit: the real
 * remaining time, never a fixed "a minute". `about 45 s`, `about 2 min 30 s`, `about 1 h 5 min`. Seconds are
 * rounded up (a wait is never announced shorter than it is).
 */
export function describeWait(ms: number): string {
  if (!(ms > 0)) return 'a moment';
  const total = Math.ceil(ms / 1000);
  if (total < 60) return `about ${total} s`;
  if (total < 3600) {
    const min = Math.floor(total / 60);
    const s = total % 60;
    return s === 0 ? `about ${min} min` : `about ${min} min ${s} s`;
  }
  const totalMin = Math.ceil(total / 60);
  const h = Math.floor(totalMin / 60);
  const min = totalMin % 60;
  return min === 0 ? `about ${h} h` : `about ${h} h ${min} min`;
}
