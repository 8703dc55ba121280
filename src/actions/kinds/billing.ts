import type { CreateInvoiceBody } from '../../syncro/api.js';
import type { BillingComputation } from '../billing-types.js';
import type { TicketRef } from '../types.js';
import type { Visibility } from '../visibility.js';
import type { ActionKindDef } from './action.js';
import { commentStep } from './comment.js';
import { lineItemStep } from './line-item.js';
import { statusStep } from './status-change.js';
import { verifyInvoiceStep } from './verify-invoice.js';

/**
 * Billing: the five-step saga. A comment, the labour line, the invoice, the check that the invoice holds the
 * line, then the invoiced status. Nothing is edited on the card (the form is filled again instead).
 */
export interface BillDraft {
  kind: 'bill';
  ticket: TicketRef & { customerId: number };
  /** The technician the line is written for (the signer's Syncro name). */
  technician: string;
  billing: BillingComputation;
  comment: { subject: string; body: string; visibility: Visibility };
  /** Billing a stopped timer: what it measured, shown beside what is billed. */
  timer?: { startedAt: number; stoppedAt: number; minutes: number };
  invoiceCategory: string;
  invoicedStatus: string;
}

export const bill: ActionKindDef<BillDraft> = {
  kind: 'bill',
  build: (d) => {
    const b = d.billing;
    const invoice: CreateInvoiceBody = {
      ticket_id: d.ticket.id,
      customer_id: d.ticket.customerId,
      category: d.invoiceCategory,
    };
    return {
      ticket: d.ticket,
      summary: { billing: b },
      steps: [
        commentStep(d.ticket.id, d.comment),
        lineItemStep(d.ticket.id, b.lineItem),
        { op: 'create_invoice', method: 'POST', path: '/invoices', status: 'pending', body: invoice },
        verifyInvoiceStep(),
        statusStep(d.ticket.id, d.invoicedStatus),
      ],
    };
  },
};
