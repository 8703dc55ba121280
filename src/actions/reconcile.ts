import type {
  AddLineItemBody,
  CommentBody,
  CreateInvoiceBody,
  CreateTicketBody,
  SyncroApi,
} from '../syncro/api.js';
import { ticketIdOf } from './steps.js';
import type { WriteStep } from './types.js';

/**
 * Reconcilers: after a write whose outcome is unknown, read Syncro back to learn whether it landed.
 * They only ever GET. One per kind of write; each looks for the record this step would have created since the
 * step was journaled as sending (allowing for clock skew between us and Syncro).
 */

export type ReconcileResult =
  | { found: true; resultId: number; note: string }
  | { found: false; note: string };

/** Our clock and Syncro's may differ; look this far before the send time. */
export const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_PAGES = 10;

function since(step: WriteStep): number {
  return (step.sentAt ?? 0) - CLOCK_SKEW_MS;
}
function createdSince(createdAt: string | null | undefined, step: WriteStep): boolean {
  if (!createdAt) return true; // no timestamp to go on: match on content alone
  const t = Date.parse(createdAt);
  return Number.isNaN(t) || t >= since(step);
}
/** Syncro may return bodies with HTML line breaks or trimmed whitespace; compare the words. */
export function normaliseText(s: string | null | undefined): string {
  return (s ?? '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?p>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export async function reconcileStep(api: SyncroApi, step: WriteStep): Promise<ReconcileResult> {
  switch (step.op) {
    case 'add_comment':
      return findComment(api, step);
    case 'create_ticket':
      return findTicket(api, step);
    case 'update_ticket':
      return checkTicketFields(api, step);
    case 'add_line_item':
      return findLineItem(api, step);
    case 'create_invoice':
      return findInvoice(api, step);
    case 'verify_invoice':
      // A read: there is nothing to reconcile; treat as not done so that it is simply read again.
      return { found: false, note: 'verification is a read; it will be done again' };
  }
}

async function findComment(api: SyncroApi, step: WriteStep): Promise<ReconcileResult> {
  const want = step.body as unknown as CommentBody;
  const ticketId = ticketIdOf(step);
  const createdAfter = new Date(since(step)).toISOString();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await api.listComments(ticketId, { createdAfter, page });
    const hit = res.items.find(
      (c) =>
        normaliseText(c.subject) === normaliseText(want.subject) &&
        normaliseText(c.body) === normaliseText(want.body) &&
        createdSince(c.created_at, step),
    );
    if (hit) return { found: true, resultId: hit.id, note: `found comment ${hit.id} in Syncro` };
    if (!res.meta || res.meta.page >= res.meta.total_pages) break;
  }
  return { found: false, note: 'Syncro was checked: the comment is not there' };
}

async function findTicket(api: SyncroApi, step: WriteStep): Promise<ReconcileResult> {
  const want = step.body as unknown as CreateTicketBody;
  for (let page = 1; page <= 3; page++) {
    const res = await api.listTickets({ customerId: want.customer_id, page });
    const hit = res.items.find(
      (t) => normaliseText(t.subject) === normaliseText(want.subject) && createdSince(t.created_at, step),
    );
    if (hit) return { found: true, resultId: hit.id, note: `found ticket #${hit.number} in Syncro` };
    if (!res.meta || res.meta.page >= res.meta.total_pages) break;
  }
  return { found: false, note: 'Syncro was checked: the ticket is not there' };
}

async function checkTicketFields(api: SyncroApi, step: WriteStep): Promise<ReconcileResult> {
  const ticket = await api.getTicket(ticketIdOf(step));
  const want = step.body ?? {};
  const differs = Object.entries(want).filter(([k, v]) => (ticket as Record<string, unknown>)[k] !== v);
  if (differs.length === 0)
    return { found: true, resultId: ticket.id, note: `ticket #${ticket.number} shows the change` };
  return {
    found: false,
    note: `Syncro was checked: the ticket still has ${differs.map(([k]) => `${k} "${String((ticket as Record<string, unknown>)[k])}"`).join(', ')}`,
  };
}

async function findLineItem(api: SyncroApi, step: WriteStep): Promise<ReconcileResult> {
  const want = step.body as unknown as AddLineItemBody;
  const ticket = await api.getTicket(ticketIdOf(step));
  const hit = (ticket.line_items ?? []).find(
    (li) =>
      li.product_id === want.product_id &&
      Math.abs(Number(li.quantity) - want.quantity) < 1e-6 &&
      normaliseText(li.description) === normaliseText(want.description) &&
      createdSince(li.created_at, step),
  );
  if (hit) return { found: true, resultId: hit.id, note: `found line item ${hit.id} on the ticket` };
  return { found: false, note: 'Syncro was checked: the line item is not on the ticket' };
}

async function findInvoice(api: SyncroApi, step: WriteStep): Promise<ReconcileResult> {
  const want = step.body as unknown as CreateInvoiceBody;
  const res = await api.listInvoices({ ticketId: want.ticket_id });
  const hit = res.items.find(
    (inv) =>
      (inv.ticket_id == null || inv.ticket_id === want.ticket_id) && createdSince(inv.created_at, step),
  );
  if (hit)
    return { found: true, resultId: hit.id, note: `found invoice ${hit.number ?? hit.id} for the ticket` };
  return { found: false, note: 'Syncro was checked: no invoice was created for the ticket' };
}
