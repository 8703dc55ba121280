import type { AddLineItemBody } from '../../syncro/api.js';
import { sameText } from '../../text/html.js';
import { createdSince, type StepBase, type StepKind, ticketIdOf } from './step.js';

/** POST /tickets/{id}/add_line_item: billing's labour line. */
export interface LineItemStep extends StepBase {
  op: 'add_line_item';
  method: 'POST';
  body: AddLineItemBody;
  /**
   * Read before sending: the ticket's other lines with the same product and quantity (any description). When
   * there were none, the invoice's matching line can only be ours and the invoice check needs no ticket read.
   */
  twinIds?: number[];
}

export function lineItemStep(ticketId: number, body: AddLineItemBody): LineItemStep {
  return {
    op: 'add_line_item',
    method: 'POST',
    path: `/tickets/${ticketId}/add_line_item`,
    status: 'pending',
    body,
  };
}

export const addLineItem: StepKind<LineItemStep> = {
  op: 'add_line_item',
  putsMoneyOnTicket: true,
  async send({ api }, step) {
    const li = await api.addLineItem(ticketIdOf(step), step.body);
    return { resultId: li.id, outcome: { code: 'done' } };
  },
  readBack: 'content',
  what: 'line_item',
  source: 'ticket',
  async snapshotFacts({ reads }, step) {
    const ticket = await reads.ticket(ticketIdOf(step));
    const twins = (ticket.line_items ?? []).filter((li) => sameProductAndQuantity(li, step.body));
    return { twinIds: twins.map((li) => li.id) };
  },
  async find({ reads }, step, since) {
    const ticket = await reads.ticket(ticketIdOf(step));
    return (ticket.line_items ?? [])
      .filter(
        (li) =>
          sameProductAndQuantity(li, step.body) &&
          sameText(li.description, step.body.description) &&
          createdSince(li.created_at, since),
      )
      .map((li) => ({ id: li.id, outcome: { code: 'found', what: 'line_item' } }));
  },
  searched: (step, since) => ({ ticketId: ticketIdOf(step), since }),
};

export function sameProductAndQuantity(
  li: { product_id?: number | null; quantity?: string | number | null },
  want: { product_id: number; quantity: number },
): boolean {
  return (
    li.product_id === want.product_id &&
    li.quantity != null &&
    Math.abs(Number(li.quantity) - want.quantity) < 1e-6
  );
}
