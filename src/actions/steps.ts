import { stepKindOf } from './kinds/registry.js';
import type { StepContext, StepResult } from './kinds/step.js';
import type { WriteStep } from './types.js';

/**
 * Sends one step exactly as journaled (same path, same body object) through its kind, and returns the Syncro id
 * it produced with the facts of the answer. The only place where a pending action's request is sent.
 */

export { ticketIdOf } from './kinds/step.js';
export { VerificationMismatchError } from './kinds/verify-invoice.js';

/** `{invoice_id}` in a later step's path comes from the create_invoice step's result. */
export function resolvePath(step: WriteStep, steps: readonly WriteStep[]): string {
  if (!step.path.includes('{invoice_id}')) return step.path;
  const inv = steps.find((s) => s.op === 'create_invoice');
  if (!inv?.resultId) throw new Error('the invoice id is not known yet: the invoice step has not succeeded');
  return step.path.replace('{invoice_id}', String(inv.resultId));
}

export function sendStep(ctx: StepContext, step: WriteStep): Promise<StepResult> {
  return stepKindOf(step).send(ctx, step);
}
