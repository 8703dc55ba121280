import type { CreateInvoiceBody } from '../../syncro/api.js';
import { createdSince, type StepBase, type StepKind } from './step.js';

/** POST /invoices: the invoice for the ticket (Syncro takes the ticket's line items not yet invoiced). */
export interface InvoiceStep extends StepBase {
  op: 'create_invoice';
  method: 'POST';
  body: CreateInvoiceBody;
}

export const createInvoice: StepKind<InvoiceStep> = {
  op: 'create_invoice',
  // It invoices the lines already on the ticket; the steps that put them there are the billing ones.
  putsMoneyOnTicket: false,
  provides: 'invoice_id',
  async send({ api }, step) {
    const inv = await api.createInvoice(step.body);
    return {
      resultId: inv.id,
      outcome: { code: 'done', ...(inv.number != null ? { invoiceNumber: String(inv.number) } : {}) },
    };
  },
  readBack: 'content',
  source: 'syncro',
  what: 'invoice',
  async find({ api }, step, since) {
    const want = step.body;
    const res = await api.listInvoices({ ticketId: want.ticket_id });
    // An invoice that does not name its ticket may still be ours, but only if it is the same customer's.
    return res.items
      .filter(
        (inv) =>
          (inv.ticket_id == null || inv.ticket_id === want.ticket_id) &&
          (inv.customer_id == null || inv.customer_id === want.customer_id) &&
          createdSince(inv.created_at, since),
      )
      .map((inv) => ({
        id: inv.id,
        outcome: {
          code: 'found',
          what: 'invoice',
          ...(inv.number != null ? { invoiceNumber: String(inv.number) } : {}),
        },
      }));
  },
  searched: (step, since) => ({ ticketId: step.body.ticket_id, customerId: step.body.customer_id, since }),
};
