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
 * step was journaled as sending (allowing for clock skew between us and Syncro), excluding the matching records
 * that already existed before the send (`step.preexistingIds`, read by `snapshotStep` just before sending) —
 * so a comment repeated a minute later is not mistaken for the earlier one.
 */

export type ReconcileResult =
  | { found: true; resultId: number; note: string }
  | { found: false; note: string };

/** Our clock and Syncro's may differ; look this far before the send time. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The writes whose reconciliation matches on content, and so need the pre-send snapshot. */
export function needsSnapshot(step: WriteStep): boolean {
  return (
    step.op === 'add_comment' ||
    step.op === 'create_ticket' ||
    step.op === 'add_line_item' ||
    step.op === 'create_invoice'
  );
}

function createdSince(createdAt: string | null | undefined, since: number): boolean {
  if (!createdAt) return true; // no timestamp to go on: match on content alone
  const t = Date.parse(createdAt);
  return Number.isNaN(t) || t >= since;
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

interface Match {
  id: number;
  note: string;
}

/** Records in Syncro that look like what this step creates, created since `since` (epoch ms). */
async function findMatches(api: SyncroApi, step: WriteStep, since: number): Promise<Match[]> {
  switch (step.op) {
    case 'add_comment': {
      // As the reference verifies: the ticket's own comments (GET /tickets/{id}).
      const want = step.body as unknown as CommentBody;
      const ticket = await api.getTicket(ticketIdOf(step));
      return (ticket.comments ?? [])
        .filter(
          (c) =>
            normaliseText(c.subject) === normaliseText(want.subject) &&
            normaliseText(c.body) === normaliseText(want.body) &&
            createdSince(c.created_at, since),
        )
        .map((c) => ({ id: c.id, note: `found comment ${c.id} in Syncro` }));
    }
    case 'create_ticket': {
      const want = step.body as unknown as CreateTicketBody;
      const out: Match[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await api.listTickets({ customerId: want.customer_id, page });
        for (const t of res.items) {
          if (normaliseText(t.subject) === normaliseText(want.subject) && createdSince(t.created_at, since)) {
            out.push({ id: t.id, note: `found ticket #${t.number} in Syncro` });
          }
        }
        if (!res.meta || res.meta.page >= res.meta.total_pages) break;
      }
      return out;
    }
    case 'add_line_item': {
      const want = step.body as unknown as AddLineItemBody;
      const ticket = await api.getTicket(ticketIdOf(step));
      return (ticket.line_items ?? [])
        .filter(
          (li) =>
            li.product_id === want.product_id &&
            Math.abs(Number(li.quantity) - want.quantity) < 1e-6 &&
            normaliseText(li.description) === normaliseText(want.description) &&
            createdSince(li.created_at, since),
        )
        .map((li) => ({ id: li.id, note: `found line item ${li.id} on the ticket` }));
    }
    case 'create_invoice': {
      const want = step.body as unknown as CreateInvoiceBody;
      const res = await api.listInvoices({ ticketId: want.ticket_id });
      return res.items
        .filter(
          (inv) =>
            (inv.ticket_id == null || inv.ticket_id === want.ticket_id) &&
            createdSince(inv.created_at, since),
        )
        .map((inv) => ({ id: inv.id, note: `found invoice ${inv.number ?? inv.id} for the ticket` }));
    }
    case 'update_ticket':
    case 'verify_invoice':
      return [];
  }
}

/**
 * Read just before sending: the ids of records that already match, so that reconciliation after an unclear
 * answer cannot mistake one of them for the record this step created.
 */
export async function snapshotStep(api: SyncroApi, step: WriteStep, now: number): Promise<number[]> {
  if (!needsSnapshot(step)) return [];
  return (await findMatches(api, step, now - CLOCK_SKEW_MS)).map((m) => m.id);
}

export async function reconcileStep(api: SyncroApi, step: WriteStep): Promise<ReconcileResult> {
  if (step.op === 'update_ticket') return checkTicketFields(api, step);
  if (step.op === 'verify_invoice') {
    // A read: there is nothing to reconcile; treat as not done so that it is simply read again.
    return { found: false, note: 'verification is a read; it will be done again' };
  }
  const before = new Set(step.preexistingIds ?? []);
  const matches = (await findMatches(api, step, (step.sentAt ?? 0) - CLOCK_SKEW_MS)).filter(
    (m) => !before.has(m.id),
  );
  const hit = matches[0];
  if (hit) return { found: true, resultId: hit.id, note: hit.note };
  const what: Record<string, string> = {
    add_comment: 'the comment is not there',
    create_ticket: 'the ticket is not there',
    add_line_item: 'the line item is not on the ticket',
    create_invoice: 'no invoice was created for the ticket',
  };
  return { found: false, note: `Syncro was checked: ${what[step.op] ?? 'it is not there'}` };
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
