/** "2026-12-01 09:02 → 09:49 UTC: 47 min measured (45 min stated for billing)": a timer beside what is billed. */
export function timerWords(
  t: { startedAt: number; stoppedAt: number; minutes: number },
  billed: number,
): string {
  const at = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const day = new Date(t.startedAt).toISOString().slice(0, 10);
  const how = billed === t.minutes ? 'billed as measured' : `${billed} min stated for billing`;
  return `${day} ${at(t.startedAt)} → ${at(t.stoppedAt)} UTC: ${t.minutes} min measured (${how})`;
}
