import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, reconcileStep } from '../../src/actions/reconcile.js';
import type { WriteStep } from '../../src/actions/types.js';
import type { Page, SyncroApi } from '../../src/syncro/api.js';
import type { Invoice } from '../../src/syncro/schemas.js';

const SENT = Date.parse('2026-12-01T09:00:00Z');
const step: WriteStep = {
  op: 'create_invoice',
  method: 'POST',
  path: '/invoices',
  status: 'unknown',
  sentAt: SENT,
  preexistingIds: [],
  body: { ticket_id: 90, customer_id: 7, category: 'Standard' },
};

/** Syncro's answer to GET /invoices?ticket_id=90, whatever it holds. */
function apiListing(items: Invoice[]): SyncroApi {
  const page = { items, page: 1, totalPages: 1 } as unknown as Page<Invoice>;
  return { listInvoices: async () => page } as unknown as SyncroApi;
}

const created = new Date(SENT + 1_000).toISOString();

describe('reading an invoice back after an unclear answer', () => {
  it('should not take an invoice without a ticket for ours when it is another customer’s', async () => {
    const res = await reconcileStep(
      apiListing([{ id: 501, ticket_id: null, customer_id: 8, created_at: created }]),
      step,
      [step],
      SENT + 2_000,
    );
    expect(res).toMatchObject({
      found: false,
      outcome: { code: 'absent', what: 'invoice', searched: { ticketId: 90, customerId: 7 } },
    });
  });

  it('should take an invoice without a ticket for ours when it is the same customer’s (or names none)', async () => {
    for (const customer_id of [7, null]) {
      const res = await reconcileStep(
        apiListing([{ id: 502, ticket_id: null, customer_id, created_at: created }]),
        step,
        [step],
        SENT + 2_000,
      );
      expect(res).toMatchObject({ found: true, resultId: 502 });
    }
  });

  it('should not take our ticket’s invoice from before the send', async () => {
    const old = new Date(SENT - CLOCK_SKEW_MS - 1).toISOString();
    const res = await reconcileStep(
      apiListing([{ id: 503, ticket_id: 90, customer_id: 7, created_at: old }]),
      step,
      [step],
      SENT + 2_000,
    );
    expect(res.found).toBe(false);
  });
});
