import { json, notFound, type Reply, unprocessable } from '../http.js';
import { invoiceJson, lineItemJson, timerJson } from '../render.js';
import type { SimLineItem, SimState, SimTimer } from '../state.js';
import { bool, decimal, int, isBlank, paginate, paramId, type RouteContext, route, text } from './context.js';

/** The line item or timer named in the body, if it belongs to the ticket in the path. */
function ofTicket<T extends SimLineItem | SimTimer>(
  ctx: RouteContext,
  find: (id: number) => T | undefined,
  key: string,
) {
  const id = int(ctx.body[key]);
  const record = id === undefined ? undefined : find(id);
  return record && record.ticket_id === paramId(ctx) ? record : undefined;
}

/**
 * Answers flat. Only `price_retail` sets a price (`price`, `retail_price`, `rate`, `price_cents` are ignored,
 * leaving the product's rate, or 0 without a product); `taxable` is not inherited from the product.
 */
function addLineItem(ctx: RouteContext): Reply {
  const { state, body: b } = ctx;
  const ticket = state.ticket(paramId(ctx));
  if (!ticket) return notFound();
  const errors = [
    ...(isBlank(b.name) ? ["Name can't be blank"] : []),
    ...(isBlank(b.description) ? ["Description can't be blank"] : []),
  ];
  if (errors.length > 0) return unprocessable({ errors: errors.join(', '), params: {} });
  const productId = int(b.product_id);
  if (productId !== undefined && !state.product(productId))
    return unprocessable({ errors: 'Product must exist', params: {} });
  const item = state.addLineItem({
    ticket_id: ticket.id,
    product_id: productId ?? null,
    name: text(b.name) ?? '',
    description: text(b.description) ?? '',
    quantity: decimal(b.quantity) ?? 1,
    price_retail: decimal(b.price_retail),
    price_cost: decimal(b.price_cost),
    taxable: bool(b.taxable),
    user_id: ctx.user.user_id,
  });
  return json(lineItemJson(item));
}

function updateLineItem(ctx: RouteContext): Reply {
  const { state, body: b } = ctx;
  const item = ofTicket(ctx, (id) => state.lineItem(id), 'ticket_line_item_id');
  if (!item) return notFound();
  if ('name' in b && isBlank(b.name)) return unprocessable({ errors: "Name can't be blank", params: {} });
  const patch: Parameters<SimState['updateLineItem']>[1] = {};
  if ('name' in b) patch.name = text(b.name);
  if ('description' in b) patch.description = text(b.description) ?? '';
  if (decimal(b.quantity) !== undefined) patch.quantity = decimal(b.quantity);
  if (decimal(b.price_retail) !== undefined) patch.price_retail = decimal(b.price_retail);
  if (bool(b.taxable) !== undefined) patch.taxable = bool(b.taxable);
  if ('product_id' in b) patch.product_id = int(b.product_id) ?? null;
  state.updateLineItem(item, patch);
  return json({ ticket_line_item: lineItemJson(item) });
}

/**
 * Like Syncro: removes the line even when it has been invoiced (`converted`). Nothing in the API refuses that; the
 * reference's rule (invoiced lines stay on the ticket) is the bot's to keep (src/actions/kinds/remove-line-item.ts).
 */
function removeLineItem(ctx: RouteContext): Reply {
  const item = ofTicket(ctx, (id) => ctx.state.lineItem(id), 'ticket_line_item_id');
  if (!item) return notFound();
  ctx.state.removeLineItem(item.id);
  return json({ success: true, message: '' });
}

function addTimer(ctx: RouteContext): Reply {
  const { state, body: b } = ctx;
  const ticket = state.ticket(paramId(ctx));
  if (!ticket) return notFound();
  const start = Date.parse(text(b.start_at) ?? '');
  // Syncro's own words for a missing start_at (a Ruby TypeError leaking through).
  if (Number.isNaN(start)) return unprocessable({ error: 'no implicit conversion of nil into String' });
  const minutes = decimal(b.duration_minutes);
  const end = b.end_at !== undefined ? Date.parse(text(b.end_at) ?? '') : start + (minutes ?? 0) * 60_000;
  if (Number.isNaN(end)) return unprocessable({ error: 'no implicit conversion of nil into String' });
  const timer = state.addTimer({
    ticket_id: ticket.id,
    start_time: new Date(start).toISOString(),
    end_time: new Date(end).toISOString(),
    notes: text(b.notes) ?? null,
    billable: bool(b.billable) ?? false,
    product_id: int(b.product_id) ?? null,
    user_id: int(b.user_id) ?? ctx.user.user_id,
  });
  return json(timerJson(timer));
}

function chargeTimer(ctx: RouteContext): Reply {
  const timer = ofTicket(ctx, (id) => ctx.state.timer(id), 'timer_entry_id');
  if (!timer) return notFound();
  if (timer.recorded) return unprocessable({ error: 'Timer entry has already been charged' });
  ctx.state.chargeTimer(timer, ctx.user.user_id);
  return json(timerJson(timer));
}

function deleteTimer(ctx: RouteContext): Reply {
  const timer = ofTicket(ctx, (id) => ctx.state.timer(id), 'timer_entry_id');
  if (!timer) return notFound();
  ctx.state.deleteTimer(timer.id);
  return json({ success: true });
}

/**
 * `GET /ticket_timers`: the swagger's filters are `created_at_gt` / `created_at_lt` (and `page`, 25 a page);
 * `ticket_id` is honoured as the reference command uses it.
 */
function listTimers({ state, query: q }: RouteContext): Reply {
  const ticketId = int(q.ticket_id);
  const after = q.created_at_gt === undefined ? undefined : Date.parse(q.created_at_gt);
  const before = q.created_at_lt === undefined ? undefined : Date.parse(q.created_at_lt);
  const timers = state.timers.filter(
    (t) =>
      (ticketId === undefined || t.ticket_id === ticketId) &&
      (after === undefined || Number.isNaN(after) || Date.parse(t.created_at) > after) &&
      (before === undefined || Number.isNaN(before) || Date.parse(t.created_at) < before),
  );
  const { items, meta } = paginate(timers, q.page);
  return json({
    ticket_timers: items.map(timerJson),
    meta: { total_pages: meta.total_pages, page: meta.page },
  });
}

/** Copies the ticket's line items into the invoice; the answer itself carries no line_items. */
function createInvoice(ctx: RouteContext): Reply {
  const { state, body: b } = ctx;
  const ticketId = int(b.ticket_id);
  if (ticketId !== undefined && !state.ticket(ticketId)) return notFound();
  const customerId = int(b.customer_id);
  if (customerId === undefined || !state.customer(customerId)) {
    return unprocessable({ success: false, message: ["Customer can't be blank"] });
  }
  const invoice = state.createInvoice({
    customer_id: customerId,
    ticket_id: ticketId ?? null,
    category: text(b.category) ?? null,
    user_id: ctx.user.user_id,
  });
  return json({ invoice: invoiceJson(state, invoice, { withLines: false }) });
}

function listInvoices({ state, query: q }: RouteContext): Reply {
  const ticketId = int(q.ticket_id);
  const invoices = state.invoices
    .filter((i) => ticketId === undefined || i.ticket_id === ticketId)
    .sort((a, b) => b.id - a.id);
  const { items, meta } = paginate(invoices, q.page);
  return json({
    invoices: items.map((i) => invoiceJson(state, i, { withLines: false })),
    meta: { total_pages: meta.total_pages, page: meta.page },
  });
}

function getInvoice(ctx: RouteContext): Reply {
  const invoice = ctx.state.invoice(paramId(ctx));
  if (!invoice) return notFound();
  const body = invoiceJson(ctx.state, invoice, { withLines: true });
  return json(ctx.invoiceGetShape === 'flat' ? body : { invoice: body });
}

export const billingRoutes = [
  route('POST', '/tickets/:id/add_line_item', addLineItem),
  route('PUT', '/tickets/:id/update_line_item', updateLineItem),
  route('POST', '/tickets/:id/remove_line_item', removeLineItem),
  route('POST', '/tickets/:id/timer_entry', addTimer),
  route('POST', '/tickets/:id/charge_timer_entry', chargeTimer),
  route('POST', '/tickets/:id/delete_timer_entry', deleteTimer),
  route('GET', '/ticket_timers', listTimers),
  route('POST', '/invoices', createInvoice),
  route('GET', '/invoices', listInvoices),
  route('GET', '/invoices/:id', getInvoice),
];
