import { describe, expect, it } from 'vitest';
import { commentStep } from '../../src/actions/kinds/comment.js';
import type { InvoiceStep } from '../../src/actions/kinds/invoice.js';
import { verifyInvoiceStep } from '../../src/actions/kinds/verify-invoice.js';
import { placeholdersOf, providerOf, resolvePath } from '../../src/actions/steps.js';
import type { WriteStep } from '../../src/actions/types.js';

const invoice = (resultId?: number): InvoiceStep => ({
  op: 'create_invoice',
  method: 'POST',
  path: '/invoices',
  status: resultId === undefined ? 'pending' : 'succeeded',
  body: { customer_id: 1, ticket_id: 9, category: 'Labor' },
  ...(resultId === undefined ? {} : { resultId }),
});

describe('path placeholders filled from an earlier step', () => {
  it('should fill {invoice_id} from the create_invoice step that precedes it', () => {
    const verify = verifyInvoiceStep();
    const steps: WriteStep[] = [
      commentStep(9, { subject: 's', body: 'b', visibility: 'private_note' }),
      invoice(67447),
      verify,
    ];
    expect(placeholdersOf(verify)).toEqual(['invoice_id']);
    expect(providerOf('invoice_id', verify, steps)?.index).toBe(1);
    expect(resolvePath(verify, steps)).toBe('/invoices/67447');
  });

  it('should refuse to fill a placeholder whose step has not succeeded', () => {
    const verify = verifyInvoiceStep();
    expect(() => resolvePath(verify, [invoice(), verify])).toThrow(/\{invoice_id\} is not known yet/);
  });

  it('should not take a placeholder from a later step', () => {
    const verify = verifyInvoiceStep();
    expect(providerOf('invoice_id', verify, [verify, invoice(1)])).toBeUndefined();
  });

  it('should leave a path without placeholders as it is', () => {
    const c = commentStep(9, { subject: 's', body: 'b', visibility: 'private_note' });
    expect(resolvePath(c, [c])).toBe('/tickets/9/comment');
  });
});
