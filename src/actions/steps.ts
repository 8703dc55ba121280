import { stepKindOf } from './kinds/registry.js';
import type { StepContext, StepResult } from './kinds/step.js';
import type { WriteStep } from './types.js';

/**
 * Sends one step exactly as journaled (same path, same body object) through its kind, and returns the Syncro id
 * it produced with the facts of the answer. The only place where a pending action's request is sent.
 */

export { ticketIdOf } from './kinds/step.js';
export { VerificationMismatchError } from './kinds/verify-invoice.js';

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** The earlier step whose kind provides `name` (e.g. the create_invoice step for `{invoice_id}`). */
export function providerOf(
  name: string,
  step: WriteStep,
  steps: readonly WriteStep[],
): { step: WriteStep; index: number } | undefined {
  const until = steps.indexOf(step);
  for (let i = (until < 0 ? steps.length : until) - 1; i >= 0; i--) {
    const s = steps[i] as WriteStep;
    if (stepKindOf(s).provides === name) return { step: s, index: i };
  }
  return undefined;
}

/** The value an earlier step fills `{name}` with: what its kind says it provides, else its result's id. */
export function providedValue(
  name: string,
  step: WriteStep,
  steps: readonly WriteStep[],
): number | undefined {
  const from = providerOf(name, step, steps)?.step;
  if (from === undefined) return undefined;
  const kind = stepKindOf(from) as { provided?: (s: WriteStep) => number | undefined };
  return kind.provided ? kind.provided(from) : from.resultId;
}

/** The placeholders in a step's path (`{invoice_id}` → `invoice_id`). */
export function placeholdersOf(step: Pick<WriteStep, 'path'>): string[] {
  return [...step.path.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** A step's path with each `{name}` filled from the result of the earlier step whose kind provides it. */
export function resolvePath(step: WriteStep, steps: readonly WriteStep[]): string {
  return step.path.replace(PLACEHOLDER, (_all, name: string) => {
    const value = providedValue(name, step, steps);
    if (value === undefined) {
      throw new Error(`{${name}} is not known yet: the step that provides it has not succeeded`);
    }
    return String(value);
  });
}

/**
 * A step's body as sent: a field whose value is exactly a placeholder (`"{timer_entry_id}"`) is filled from the
 * result of the earlier step whose kind provides it; a placeholder not known yet is kept as it is.
 */
export function resolveBody(
  step: WriteStep,
  steps: readonly WriteStep[],
): Record<string, unknown> | undefined {
  if (step.body === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(step.body)) {
    const name = typeof v === 'string' ? /^\{([a-z_]+)\}$/.exec(v)?.[1] : undefined;
    const id = name === undefined ? undefined : providedValue(name, step, steps);
    out[k] = id ?? v;
  }
  return out;
}

export function sendStep(ctx: StepContext, step: WriteStep): Promise<StepResult> {
  return stepKindOf(step).send(ctx, step);
}
