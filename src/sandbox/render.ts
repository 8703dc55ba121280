import {
  businessThenName,
  type CommentRendering,
  decimalString,
  fullName,
  type SimComment,
  type SimContact,
  type SimCustomer,
  type SimInvoice,
  type SimLineItem,
  type SimProduct,
  type SimStaffUser,
  type SimState,
  type SimTicket,
  type SimTimer,
} from './state.js';

/**
 * Records → the JSON Syncro answers, with the field sets of the swagger examples (a representative subset:
 * every field our client reads, plus enough of the rest that a client relying on exact shapes would notice).
 */

export function userJson(u: SimStaffUser) {
  return {
    id: u.id,
    email: u.email,
    full_name: u.full_name,
    group: u.admin ? 'Admins' : 'Technicians',
    admin: u.admin,
  };
}

export function contactJson(c: SimContact) {
  return { ...c };
}

export function customerJson(s: SimState, c: SimCustomer) {
  const fullname = fullName(c);
  return {
    id: c.id,
    firstname: c.firstname,
    lastname: c.lastname,
    fullname,
    business_name: c.business_name,
    email: c.email,
    phone: c.phone,
    mobile: null,
    created_at: c.created_at,
    updated_at: c.updated_at,
    address: null,
    city: null,
    state: null,
    zip: null,
    notes: c.notes,
    disabled: c.disabled,
    no_email: false,
    properties: {},
    prepay_hours: c.prepay_hours,
    business_and_full_name: c.business_name ? `${c.business_name} - ${fullname}` : fullname,
    business_then_name: businessThenName(c),
    contacts: s.contactsOf(c.id).map(contactJson),
  };
}

export function commentJson(c: SimComment, rendering: CommentRendering = 'original') {
  return {
    id: c.id,
    created_at: c.created_at,
    updated_at: c.updated_at,
    ticket_id: c.ticket_id,
    subject: c.subject,
    body: renderBody(c.body, rendering),
    tech: c.tech,
    hidden: c.hidden,
    user_id: c.user_id,
  };
}

/** A body as Syncro renders it (`comment_format`): the simulator's own converters, not the bot's. */
export function renderBody(body: string, rendering: CommentRendering): string {
  switch (rendering) {
    case 'original':
      return body;
    case 'plain':
      // As an HTML parser strips tags: a `<` opens one only before a letter, `/`, `!` or `?` ("a < b" is text).
      return decodeEntities(stripTags(body)).trim();
    case 'rich':
      return body
        .split(/\r?\n(?:[ \t]*\r?\n)+/)
        .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\r?\n/g, '<br>')}</p>`)
        .join('\n');
  }
}

/**
 * Tags removed. Only the text up to the last `>` can hold one: a `<` after it opens nothing, and the regular
 * expression would scan to the end from each such `<` (quadratic on `<a<a<a…`).
 */
function stripTags(s: string): string {
  const end = s.lastIndexOf('>') + 1;
  return s.slice(0, end).replace(/<[a-z/!?][^>]*>/gi, '') + s.slice(end);
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/ {2,}/g, (run) => ` ${'&nbsp;'.repeat(run.length - 1)}`)
    .replace(/[\u{10000}-\u{10ffff}]/gu, (ch) => `&#${ch.codePointAt(0)};`);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED[name.toLowerCase()] ?? whole;
    const code =
      name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** A ticket's own `comments`, newest first: all of them, or only the oldest `ticketShows` (see CommentReads). */
function ticketComments(s: SimState, t: SimTicket) {
  const all = s.commentsOf(t.id);
  const n = s.commentReads.ticketShows;
  const shown = n === undefined ? all : all.slice(Math.max(0, all.length - n));
  return shown.map((c) => commentJson(c, s.commentReads.rendering ?? 'original'));
}

export function lineItemJson(li: SimLineItem) {
  return {
    id: li.id,
    ticket_id: li.ticket_id,
    user_id: li.user_id,
    product_id: li.product_id,
    name: li.name,
    description: li.description,
    quantity: li.quantity,
    taxable: li.taxable,
    cost_cents: Math.round(li.price_cost * 100),
    retail_cents: Math.round(li.price_retail * 100),
    created_at: li.created_at,
    updated_at: li.updated_at,
    converted: li.converted,
    position: li.position,
    price_cost: li.price_cost,
    price_retail: li.price_retail,
  };
}

export function timerJson(t: SimTimer) {
  const seconds = Math.max(0, Math.round((Date.parse(t.end_time) - Date.parse(t.start_time)) / 1000)) || 0;
  return { ...t, comment_id: null, active_duration: seconds, billable_time: seconds };
}

export function productJson(p: SimProduct) {
  return { ...p, price_wholesale: 0, maintain_stock: false, quantity: 0, upc_code: null, serialized: false };
}

export function ticketJson(s: SimState, t: SimTicket) {
  const customer = s.customer(t.customer_id);
  const contact = t.contact_id == null ? undefined : s.contact(t.contact_id);
  const user = t.user_id == null ? undefined : s.user(t.user_id);
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    created_at: t.created_at,
    customer_id: t.customer_id,
    customer_business_then_name: customer ? businessThenName(customer) : null,
    due_date: t.due_date,
    resolved_at: t.resolved_at,
    start_at: null,
    end_at: null,
    location_id: null,
    problem_type: t.problem_type,
    status: t.status,
    ticket_type_id: t.ticket_type_id,
    properties: {},
    user_id: t.user_id,
    updated_at: t.updated_at,
    pdf_url: null,
    priority: t.priority,
    tag_list: [],
    contact_id: t.contact_id,
    contact_fullname: contact?.name ?? null,
    comments: ticketComments(s, t),
    attachments: [],
    ticket_timers: s.timersOf(t.id).map(timerJson),
    line_items: s.lineItemsOf(t.id).map(lineItemJson),
    customer: customer ? customerJson(s, customer) : null,
    contact: contact ? contactJson(contact) : null,
    user: user ? userJson(user) : null,
  };
}

const cents = (n: number) => Math.round(n * 100) / 100;

export function invoiceJson(s: SimState, inv: SimInvoice, opts: { withLines: boolean }) {
  const customer = s.customer(inv.customer_id);
  const subtotal = cents(inv.line_items.reduce((sum, l) => sum + Number(l.quantity) * Number(l.price), 0));
  const tax = cents(
    inv.line_items.reduce(
      (sum, l) => sum + (l.taxable ? Number(l.quantity) * Number(l.price) * s.taxRate : 0),
      0,
    ),
  );
  const { line_items, ...fields } = inv;
  return {
    ...fields,
    customer_business_then_name: customer ? businessThenName(customer) : null,
    subtotal: decimalString(subtotal),
    tax: decimalString(tax),
    total: decimalString(cents(subtotal + tax)),
    verified_paid: false,
    tech_marked_paid: false,
    is_paid: false,
    pdf_url: null,
    note: null,
    ...(opts.withLines
      ? {
          customer: customer ? customerJson(s, customer) : null,
          line_items: line_items.map((l) => ({ ...l })),
        }
      : {}),
  };
}
