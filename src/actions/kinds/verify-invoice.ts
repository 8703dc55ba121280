import { AppError } from '../../errors.js';
import type { SyncroApi } from '../../syncro/api.js';
import type { Invoice } from '../../syncro/schemas.js';
import type { WriteStep } from '../types.js';
import type { InvoiceStep } from './invoice.js';
import { type LineItemStep, sameProductAndQuantity } from './line-item.js';
import { type InvoiceProblem, type StepBase, type StepKind, ticketIdOf } from './step.js';

/** GET /invoices/{invoice_id}: checks that the invoice the saga created holds its line and belongs to its ticket. */
export interface VerifyInvoiceStep extends StepBase {
  op: 'verify_invoice';
  method: 'GET';
  /** A read sends no body. */
  body?: undefined;
}

export function verifyInvoiceStep(): VerifyInvoiceStep {
  return { op: 'verify_invoice', method: 'GET', path: '/invoices/{invoice_id}', status: 'pending' };
}

/** The check found the invoice wrong: nothing after it is sent (the ticket's status is not changed). */
export class VerificationMismatchError extends AppError {
  readonly code = 'VERIFICATION_MISMATCH';
  constructor(readonly problems: InvoiceProblem[]) {
    super(`the invoice check failed: ${problems.map((p) => p.code).join(', ')}`);
  }
}

function stepOf<O extends WriteStep['op']>(steps: readonly WriteStep[], op: O) {
  return steps.find((s): s is Extract<WriteStep, { op: O }> => s.op === op);
}

export const verifyInvoice: StepKind<VerifyInvoiceStep> = {
  op: 'verify_invoice',
  putsMoneyOnTicket: false,
  async send({ api, steps }) {
    const invStep: InvoiceStep | undefined = stepOf(steps, 'create_invoice');
    if (!invStep?.resultId)
      throw new Error('the invoice id is not known yet: the invoice step has not succeeded');
    const inv = await api.getInvoice(invStep.resultId);
    const problems: InvoiceProblem[] = [];
    const wantTicket = invStep.body.ticket_id;
    if (inv.ticket_id != null && inv.ticket_id !== wantTicket) {
      problems.push({ code: 'other_ticket', invoiceTicketId: inv.ticket_id, ticketId: wantTicket });
    }
    const line: LineItemStep | undefined = stepOf(steps, 'add_line_item');
    if (line) problems.push(...(await lineProblems(api, inv, line)));
    if (problems.length > 0) throw new VerificationMismatchError(problems);
    return {
      resultId: inv.id,
      outcome: { code: 'done', ...(inv.number != null ? { invoiceNumber: String(inv.number) } : {}) },
    };
  },
  // A read: there is nothing to reconcile; it is simply read again.
  readBack: 'repeat',
};

async function lineProblems(api: SyncroApi, inv: Invoice, line: LineItemStep): Promise<InvoiceProblem[]> {
  const want = line.body;
  const items = inv.line_items ?? [];
  const match = items.find((li) => sameProductAndQuantity(li, want));
  if (!match) {
    return [
      {
        code: 'line_missing',
        want: { name: want.name, productId: want.product_id, quantity: want.quantity },
        seen: items.map((li) => ({
          name: li.name ?? li.item ?? 'item',
          productId: li.product_id ?? null,
          quantity: li.quantity ?? null,
        })),
      },
    ];
  }
  if (line.resultId === undefined) return [];
  // Another line with the same product and quantity could stand in for ours on the invoice. When the read before
  // sending found none on the ticket, the matching line is ours; otherwise Syncro must show ours as `converted`
  // (taken into an invoice).
  if (line.twinIds !== undefined && line.twinIds.length === 0) return [];
  const ticket = await api.getTicket(ticketIdOf(line));
  const ours = (ticket.line_items ?? []).find((li) => li.id === line.resultId);
  if (ours && ours.converted === false) {
    return [
      { code: 'line_not_converted', lineItemId: line.resultId, name: want.name, quantity: want.quantity },
    ];
  }
  return [];
}
