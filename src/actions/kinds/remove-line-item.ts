import type { LineItem, Ticket } from '../../syncro/schemas.js';
import type { TicketRef } from '../types.js';
import type { ActionKindDef } from './action.js';
import { type ErrorFacts, type StepBase, type StepKind, ticketIdOf } from './step.js';

/**
 * Removing a ticket line item before it is invoiced: `POST /tickets/{id}/remove_line_item`. Syncro itself removes
 * an invoiced line too; the reference's rule is not to ("leave them on the ticket — the Add/View Charges button
 * and billing verification by techs depends on seeing line items there"), so the bot refuses, when the card is
 * proposed and again right before it is sent.
 */
export interface RemoveLineItemStep extends StepBase {
  op: 'remove_line_item';
  method: 'POST';
  body: { ticket_line_item_id: number };
}

export function removeLineItemStep(ticketId: number, lineItemId: number): RemoveLineItemStep {
  return {
    op: 'remove_line_item',
    method: 'POST',
    path: `/tickets/${ticketId}/remove_line_item`,
    status: 'pending',
    body: { ticket_line_item_id: lineItemId },
  };
}

/** Whether Syncro shows the line as taken into an invoice: `converted`, or an `invoice_id`. */
export type LineBilling = 'invoiced' | 'not_invoiced' | 'unknown';

export function lineBilling(li: Pick<LineItem, 'converted' | 'invoice_id'>): LineBilling {
  if (li.converted === true || typeof li.invoice_id === 'number') return 'invoiced';
  if (li.converted === false || li.invoice_id === null) return 'not_invoiced';
  return 'unknown';
}

/** Codes of a refusal to remove (views word them; the core keeps the facts). */
export const REMOVAL_REFUSED = {
  /** The line has been invoiced: it stays on the ticket (the reference's rule). */
  invoiced: 'LINE_INVOICED',
  /** The line is not on the ticket (any more): there is nothing to remove. */
  gone: 'LINE_GONE',
  /** Syncro did not say whether the line has been invoiced, so it is not removed. */
  unknown: 'LINE_BILLING_UNKNOWN',
} as const;

/** Why line `lineItemId` of `ticket` must not be removed, or undefined when it may. */
export function removalRefusal(ticket: Ticket, lineItemId: number): ErrorFacts | undefined {
  const endpoint = `POST /tickets/${ticket.id}/remove_line_item`;
  const li = (ticket.line_items ?? []).find((x) => x.id === lineItemId);
  if (!li) return { code: REMOVAL_REFUSED.gone, endpoint };
  switch (lineBilling(li)) {
    case 'invoiced':
      return { code: REMOVAL_REFUSED.invoiced, endpoint };
    case 'unknown':
      return { code: REMOVAL_REFUSED.unknown, endpoint };
    case 'not_invoiced':
      return undefined;
  }
}

/** A ticket read whose answer does not list line items cannot say whether a line is still there. */
function linesOf(ticket: Ticket): LineItem[] {
  if (!ticket.line_items) throw new Error(`GET /tickets/${ticket.id} answered without its line items`);
  return ticket.line_items;
}

export const removeLineItem: StepKind<RemoveLineItemStep> = {
  op: 'remove_line_item',
  putsMoneyOnTicket: false,
  async send({ api }, step) {
    await api.removeLineItem(ticketIdOf(step), step.body.ticket_line_item_id);
    return { resultId: step.body.ticket_line_item_id, outcome: { code: 'done' } };
  },
  // Read now, whatever the card saw: the line may have been invoiced since.
  async refuseBeforeSend({ reads }, step) {
    const ticket = await reads.ticket(ticketIdOf(step));
    linesOf(ticket);
    return removalRefusal(ticket, step.body.ticket_line_item_id);
  },
  // After an unclear answer: the line gone from the ticket is the removal done; still there, it was not.
  readBack: 'state',
  async check({ reads }, step) {
    const ticketId = ticketIdOf(step);
    const lineId = step.body.ticket_line_item_id;
    const lines = linesOf(await reads.ticket(ticketId));
    if (!lines.some((li) => li.id === lineId))
      return { found: true, resultId: lineId, outcome: { code: 'found', what: 'line_item_removal' } };
    return {
      found: false,
      outcome: { code: 'absent', what: 'line_item_removal', searched: { ticketId, since: step.sentAt ?? 0 } },
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The action: one line item removed from a ticket

export interface RemoveLineItemDraft {
  kind: 'remove_line_item';
  ticket: TicketRef;
  /** The line as the card names it (read when the card was proposed). */
  line: {
    id: number;
    name: string;
    description: string;
    quantity: number;
    /** Syncro's `price_retail`; null when the line has none. */
    price: number | null;
  };
}

/** The draft for removing `li` from `ticket`. */
export function removeLineItemDraft(ticket: TicketRef, li: LineItem): RemoveLineItemDraft {
  return {
    kind: 'remove_line_item',
    ticket,
    line: {
      id: li.id,
      name: li.name ?? '',
      description: li.description ?? '',
      quantity: li.quantity,
      price: li.price_retail ?? null,
    },
  };
}

export const removeLineItemAction: ActionKindDef<RemoveLineItemDraft> = {
  kind: 'remove_line_item',
  build: (d) => ({
    ticket: d.ticket,
    summary: {},
    steps: [removeLineItemStep(d.ticket.id, d.line.id)],
  }),
};
