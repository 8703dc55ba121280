import type {
  AddLineItemBody,
  CommentBody,
  CreateInvoiceBody,
  CreateTicketBody,
  SyncroApi,
  UpdateTicketBody,
} from '../syncro/api.js';
import type { WriteStep } from './types.js';

/**
 * Sends one step exactly as journaled (same path, same body object) and returns the Syncro id it produced.
 * The only place where a pending action's request meets the Syncro client.
 */

export class VerificationMismatchError extends Error {
  readonly code = 'VERIFICATION_MISMATCH';
}

export function ticketIdOf(step: WriteStep): number {
  const m = /^\/tickets\/(\d+)(\/|$)/.exec(step.path);
  if (!m) throw new Error(`step ${step.op} has no ticket id in its path ${step.path}`);
  return Number(m[1]);
}

/** `{invoice_id}` in a later step's path comes from the create_invoice step's result. */
export function resolvePath(step: WriteStep, steps: readonly WriteStep[]): string {
  if (!step.path.includes('{invoice_id}')) return step.path;
  const inv = steps.find((s) => s.op === 'create_invoice');
  if (!inv?.resultId) throw new Error('the invoice id is not known yet: the invoice step has not succeeded');
  return step.path.replace('{invoice_id}', String(inv.resultId));
}

export interface StepResult {
  resultId: number;
  note?: string;
}

export async function sendStep(
  api: SyncroApi,
  step: WriteStep,
  steps: readonly WriteStep[],
): Promise<StepResult> {
  const body = step.body ?? {};
  switch (step.op) {
    case 'create_ticket': {
      const t = await api.createTicket(body as unknown as CreateTicketBody);
      return { resultId: t.id, note: `ticket #${t.number}` };
    }
    case 'update_ticket': {
      const t = await api.updateTicket(ticketIdOf(step), body as UpdateTicketBody);
      return { resultId: t.id, note: `status ${t.status}` };
    }
    case 'add_comment': {
      const c = await api.addComment(ticketIdOf(step), body as unknown as CommentBody);
      return { resultId: c.id };
    }
    case 'add_line_item': {
      const li = await api.addLineItem(ticketIdOf(step), body as unknown as AddLineItemBody);
      return { resultId: li.id };
    }
    case 'create_invoice': {
      const inv = await api.createInvoice(body as unknown as CreateInvoiceBody);
      return { resultId: inv.id, note: inv.number != null ? `invoice #${inv.number}` : undefined };
    }
    case 'verify_invoice':
      return verifyInvoice(api, step, steps);
  }
}

/** Checks that the invoice holds this saga's line (product and quantity) and belongs to the ticket. */
async function verifyInvoice(
  api: SyncroApi,
  step: WriteStep,
  steps: readonly WriteStep[],
): Promise<StepResult> {
  const invoiceId = Number(/\/invoices\/(\d+)/.exec(resolvePath(step, steps))?.[1]);
  const line = steps.find((s) => s.op === 'add_line_item');
  const invStep = steps.find((s) => s.op === 'create_invoice');
  const inv = await api.getInvoice(invoiceId);
  const problems: string[] = [];
  const wantTicket = (invStep?.body as CreateInvoiceBody | undefined)?.ticket_id;
  if (wantTicket !== undefined && inv.ticket_id != null && inv.ticket_id !== wantTicket) {
    problems.push(`the invoice belongs to ticket id ${inv.ticket_id}, not ${wantTicket}`);
  }
  if (line) {
    const want = line.body as unknown as AddLineItemBody;
    const items = inv.line_items ?? [];
    const match = items.find(
      (li) =>
        li.product_id === want.product_id &&
        li.quantity != null &&
        Math.abs(Number(li.quantity) - want.quantity) < 1e-6,
    );
    if (!match) {
      const seen = items.map(
        (li) =>
          `${li.name ?? li.item ?? 'item'} (product ${li.product_id ?? '-'}, qty ${li.quantity ?? '-'})`,
      );
      problems.push(
        `the invoice does not hold the line "${want.name}" (product ${want.product_id}, quantity ${want.quantity}); it holds: ${seen.join(', ') || 'no line items'}`,
      );
    } else if (line.resultId !== undefined) {
      // Another line with the same product and quantity could stand in for ours on the invoice. Syncro marks a
      // ticket line item `converted` once an invoice has taken it: ours must be.
      const ticket = await api.getTicket(ticketIdOf(line));
      const ours = (ticket.line_items ?? []).find((li) => li.id === line.resultId) as
        | (Record<string, unknown> & { id: number })
        | undefined;
      if (ours && ours.converted === false) {
        problems.push(
          `the ticket's line item ${line.resultId} ("${want.name}", quantity ${want.quantity}) was not taken into the invoice: Syncro still shows it as not invoiced`,
        );
      }
    }
  }
  if (problems.length > 0) throw new VerificationMismatchError(problems.join('; '));
  return { resultId: inv.id, note: 'invoice holds the line' };
}
