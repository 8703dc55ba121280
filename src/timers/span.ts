import { z } from 'zod';

/**
 * A stopped timer: what was measured, carried by the "Bill this time" and "Record a timer entry" buttons and the
 * forms they open, so that the measurement survives the timer's row (deleted when it stops).
 */
export const timerSpanSchema = z.strictObject({
  ticketId: z.number().int().positive(),
  number: z.string().regex(/^[1-9][0-9]{0,11}$/),
  startedAt: z.number().int().nonnegative(),
  stoppedAt: z.number().int().nonnegative(),
  note: z.string().max(500).optional(),
});
export type TimerSpan = z.infer<typeof timerSpanSchema>;

/** Whole minutes measured, at least 1 (a timer stopped within its first minute still measured some work). */
export function measuredMinutes(span: { startedAt: number; stoppedAt: number }): number {
  return Math.max(1, Math.round((span.stoppedAt - span.startedAt) / 60_000));
}

/** 32 min → "0:32", 125 min → "2:05": how long a timer has been running. */
export function elapsedText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A span from a button value or a modal's metadata; undefined when it is not one of ours. */
export function parseSpan(raw: unknown): TimerSpan | undefined {
  const r = timerSpanSchema.safeParse(raw);
  return r.success && r.data.stoppedAt >= r.data.startedAt ? r.data : undefined;
}
