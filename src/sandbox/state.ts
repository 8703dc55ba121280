import { type SeedKind, seedState } from './demo-data.js';

/**
 * The simulator's in-memory Syncro account. Records hold what Syncro stores; `render.ts` turns them into the
 * JSON Syncro answers. The add* helpers apply Syncro's own defaults, so tests that seed through them see the
 * same records an HTTP call would have made. Arrays are mutated in place (never replaced), so a test may keep
 * a reference to `state.comments` across `reset()`.
 */

/** How a comment body comes back: tags stripped and entities decoded, as HTML, or as it was posted. */
export type CommentRendering = 'plain' | 'rich' | 'original';

/** How the account answers comment reads (tests choose; `reset()` puts Syncro's documented behaviour back). */
export interface CommentReads {
  /**
   * Unset: as documented, `GET /tickets/{id}/comments` honours `comment_format` (default plaintext) and a ticket's
   * own `comments` are as posted. Set: every read renders bodies this way, whatever it asks for (an account or a
   * proxy that renders comments its own way).
   */
  rendering?: CommentRendering;
  /**
   * A ticket's own `comments` (GET /tickets/{id}, the ticket list) carry only its first N, the oldest, as the list
   * does since `all_comments` was deprecated; only `GET /tickets/{id}/comments` has them all. Unset: all.
   */
  ticketShows?: number;
}

export interface SimStaffUser {
  id: number;
  full_name: string;
  email: string | null;
  admin: boolean;
}

export interface SimContact {
  id: number;
  customer_id: number;
  name: string;
  email: string | null;
  phone: string | null;
  created_at: string;
  updated_at: string;
}

export interface SimCustomer {
  id: number;
  firstname: string | null;
  lastname: string | null;
  business_name: string | null;
  email: string | null;
  phone: string | null;
  /** Syncro answers this as a decimal string ("10.0"), a number or null depending on the account: keep as given. */
  prepay_hours: string | number | null;
  notes: string | null;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

export interface SimTicket {
  id: number;
  /** What people type (#32164); never the same as `id`, so a client that confuses the two gets a 404. */
  number: number;
  subject: string;
  status: string;
  priority: string | null;
  problem_type: string | null;
  customer_id: number;
  contact_id: number | null;
  user_id: number | null;
  due_date: string | null;
  ticket_type_id: number | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SimComment {
  id: number;
  ticket_id: number;
  subject: string;
  body: string;
  tech: string | null;
  hidden: boolean;
  do_not_email: boolean;
  user_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface SimLineItem {
  id: number;
  ticket_id: number;
  user_id: number | null;
  product_id: number | null;
  name: string;
  description: string;
  /** Decimal string, as Syncro answers it ("0.75", "1.0"). */
  quantity: string;
  price_retail: number;
  price_cost: number;
  taxable: boolean;
  position: number;
  /** Pulled into an invoice already ("Make Invoice" takes only lines not yet converted). */
  converted: boolean;
  created_at: string;
  updated_at: string;
}

export interface SimProduct {
  id: number;
  name: string;
  description: string | null;
  price_retail: number;
  price_cost: number;
  taxable: boolean;
  disabled: boolean;
  product_category: string | null;
}

export interface SimTimer {
  id: number;
  ticket_id: number;
  user_id: number | null;
  start_time: string;
  end_time: string;
  notes: string | null;
  billable: boolean;
  product_id: number | null;
  recorded: boolean;
  ticket_line_item_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface SimInvoiceLine {
  id: number;
  invoice_id: number;
  product_id: number | null;
  /** The short item name (the ticket line item's `name`). */
  item: string;
  /** The long text (the ticket line item's `description`). */
  name: string;
  quantity: string;
  price: string;
  cost: string;
  taxable: boolean;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface SimInvoice {
  id: number;
  number: string;
  customer_id: number;
  ticket_id: number | null;
  category: string | null;
  user_id: number | null;
  date: string;
  due_date: string;
  created_at: string;
  updated_at: string;
  line_items: SimInvoiceLine[];
}

export interface NewCustomer {
  id?: number;
  firstname?: string | null;
  lastname?: string | null;
  business_name?: string | null;
  email?: string | null;
  phone?: string | null;
  prepay_hours?: string | number | null;
  notes?: string | null;
  created_at?: string;
}

export interface NewTicket {
  customer_id: number;
  subject: string;
  status?: string;
  priority?: string | null;
  problem_type?: string | null;
  contact_id?: number | null;
  user_id?: number | null;
  due_date?: string | null;
  ticket_type_id?: number | null;
  number?: number;
  created_at?: string;
}

export interface NewComment {
  ticket_id: number;
  subject: string;
  body: string;
  hidden?: boolean;
  do_not_email?: boolean;
  tech?: string | null;
  user_id?: number | null;
  created_at?: string;
}

export interface NewLineItem {
  ticket_id: number;
  name: string;
  description: string;
  product_id?: number | null;
  quantity?: number | string;
  price_retail?: number;
  price_cost?: number;
  taxable?: boolean;
  user_id?: number | null;
  created_at?: string;
}

export interface NewTimer {
  ticket_id: number;
  start_time: string;
  end_time: string;
  notes?: string | null;
  billable?: boolean;
  product_id?: number | null;
  user_id?: number | null;
}

/**
 * Distinct id ranges per table: an id of one kind never collides with another kind's, nor with a ticket
 * number, so a client that sends the wrong id gets a 404 instead of silently touching another record.
 */
const ID_BASE = {
  customer: 3_100_000,
  contact: 2_200_000,
  ticket: 90_000_000,
  comment: 310_000_000,
  lineItem: 41_000_000,
  timer: 5_600_000,
  invoice: 17_000_000,
  invoiceLine: 60_000_000,
  product: 9_400_000,
} as const;
type Table = keyof typeof ID_BASE;

const FIRST_TICKET_NUMBER = 1001;
const FIRST_INVOICE_NUMBER = 67447;

/**
 * Syncro's decimal-string rendering (Ruby BigDecimal#to_s): 1 → "1.0", 0.75 → "0.75". Float noise from
 * arithmetic (0.1 + 0.2) is trimmed, nothing else: quantities are never rounded.
 */
export function decimalString(value: number | string): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return '0.0';
  const clean = Number(n.toPrecision(12));
  return Number.isInteger(clean) ? clean.toFixed(1) : String(clean);
}

export function fullName(c: Pick<SimCustomer, 'firstname' | 'lastname'>): string {
  return [c.firstname, c.lastname].filter(Boolean).join(' ');
}

export function businessThenName(c: SimCustomer): string {
  return c.business_name || fullName(c);
}

const newestFirst = <T extends { created_at: string; id: number }>(a: T, b: T): number =>
  b.created_at.localeCompare(a.created_at) || b.id - a.id;

function clearAll(...arrays: unknown[][]): void {
  for (const a of arrays) a.length = 0;
}

export class SimState {
  readonly users: SimStaffUser[] = [];
  /** `GET /tickets/settings` → ticket_status_list; statuses are checked against it, case-sensitively. */
  readonly statuses: string[] = [];
  /** `GET /tickets/settings` → ticket_types. */
  readonly ticketTypes: Array<{ id: number; name: string }> = [];
  readonly customers: SimCustomer[] = [];
  readonly contacts: SimContact[] = [];
  readonly products: SimProduct[] = [];
  readonly tickets: SimTicket[] = [];
  readonly comments: SimComment[] = [];
  readonly lineItems: SimLineItem[] = [];
  readonly timers: SimTimer[] = [];
  readonly invoices: SimInvoice[] = [];
  /** Applied to taxable invoice lines, so that a labour line sent without `taxable: false` shows up as tax. */
  taxRate = 0.086;
  commentReads: CommentReads = {};
  readonly #lastId = new Map<Table, number>();

  constructor(readonly clock: () => Date = () => new Date()) {}

  nowIso(): string {
    return this.clock().toISOString();
  }

  #id(table: Table): number {
    const next = (this.#lastId.get(table) ?? ID_BASE[table]) + 1;
    this.#lastId.set(table, next);
    return next;
  }

  /** Empties every table and reseeds. */
  reset(seed: SeedKind = 'demo'): void {
    clearAll(
      this.users,
      this.statuses,
      this.ticketTypes,
      this.customers,
      this.contacts,
      this.products,
      this.tickets,
      this.comments,
      this.lineItems,
      this.timers,
      this.invoices,
    );
    this.#lastId.clear();
    this.commentReads = {};
    seedState(this, seed);
  }

  // --- lookups -------------------------------------------------------------------------------------------

  user(id: number): SimStaffUser | undefined {
    return this.users.find((u) => u.id === id);
  }
  customer(id: number): SimCustomer | undefined {
    return this.customers.find((c) => c.id === id);
  }
  contact(id: number): SimContact | undefined {
    return this.contacts.find((c) => c.id === id);
  }
  product(id: number): SimProduct | undefined {
    return this.products.find((p) => p.id === id);
  }
  ticket(id: number): SimTicket | undefined {
    return this.tickets.find((t) => t.id === id);
  }
  ticketByNumber(number: number | string): SimTicket | undefined {
    return this.tickets.find((t) => String(t.number) === String(number));
  }
  lineItem(id: number): SimLineItem | undefined {
    return this.lineItems.find((li) => li.id === id);
  }
  timer(id: number): SimTimer | undefined {
    return this.timers.find((t) => t.id === id);
  }
  invoice(id: number): SimInvoice | undefined {
    return this.invoices.find((i) => i.id === id);
  }
  contactsOf(customerId: number): SimContact[] {
    return this.contacts.filter((c) => c.customer_id === customerId);
  }
  /** Newest first, as in a ticket's `comments`. */
  commentsOf(ticketId: number): SimComment[] {
    return this.comments.filter((c) => c.ticket_id === ticketId).sort(newestFirst);
  }
  lineItemsOf(ticketId: number): SimLineItem[] {
    return this.lineItems.filter((li) => li.ticket_id === ticketId).sort((a, b) => a.position - b.position);
  }
  timersOf(ticketId: number): SimTimer[] {
    return this.timers.filter((t) => t.ticket_id === ticketId);
  }
  /** Newest first, as Syncro lists tickets. */
  ticketsNewestFirst(): SimTicket[] {
    return [...this.tickets].sort(newestFirst);
  }

  // --- writes --------------------------------------------------------------------------------------------

  addUser(input: { id: number; full_name: string; email?: string | null; admin?: boolean }): SimStaffUser {
    const existing = this.user(input.id);
    if (existing) return existing;
    const user = {
      id: input.id,
      full_name: input.full_name,
      email: input.email ?? null,
      admin: input.admin ?? false,
    };
    this.users.push(user);
    return user;
  }

  addProduct(input: Partial<SimProduct> & { name: string; price_retail: number }): SimProduct {
    const product: SimProduct = {
      id: input.id ?? this.#id('product'),
      name: input.name,
      description: input.description ?? null,
      price_retail: input.price_retail,
      price_cost: input.price_cost ?? 0,
      taxable: input.taxable ?? true,
      disabled: input.disabled ?? false,
      product_category: input.product_category ?? null,
    };
    this.products.push(product);
    return product;
  }

  addCustomer(input: NewCustomer): SimCustomer {
    const at = input.created_at ?? this.nowIso();
    const customer: SimCustomer = {
      id: input.id ?? this.#id('customer'),
      firstname: input.firstname ?? null,
      lastname: input.lastname ?? null,
      business_name: input.business_name ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      prepay_hours: input.prepay_hours ?? null,
      notes: input.notes ?? null,
      disabled: false,
      created_at: at,
      updated_at: at,
    };
    this.customers.push(customer);
    return customer;
  }

  addContact(input: {
    customer_id: number;
    name: string;
    email?: string | null;
    phone?: string | null;
  }): SimContact {
    this.#must(this.customer(input.customer_id), 'customer', input.customer_id);
    const at = this.nowIso();
    const contact: SimContact = {
      id: this.#id('contact'),
      customer_id: input.customer_id,
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      created_at: at,
      updated_at: at,
    };
    this.contacts.push(contact);
    return contact;
  }

  /** Numbers continue from the highest existing one, as Syncro's do. */
  nextTicketNumber(): number {
    return this.tickets.reduce((max, t) => Math.max(max, t.number), FIRST_TICKET_NUMBER - 1) + 1;
  }

  addTicket(input: NewTicket): SimTicket {
    this.#must(this.customer(input.customer_id), 'customer', input.customer_id);
    const at = input.created_at ?? this.nowIso();
    const ticket: SimTicket = {
      id: this.#id('ticket'),
      number: input.number ?? this.nextTicketNumber(),
      subject: input.subject,
      status: input.status ?? 'New',
      priority: input.priority ?? null,
      problem_type: input.problem_type ?? null,
      customer_id: input.customer_id,
      contact_id: input.contact_id ?? null,
      // No default assignee: a ticket created without user_id is unassigned.
      user_id: input.user_id ?? null,
      due_date: input.due_date ?? null,
      ticket_type_id: input.ticket_type_id ?? null,
      resolved_at: null,
      created_at: at,
      updated_at: at,
    };
    this.tickets.push(ticket);
    return ticket;
  }

  updateTicket(
    ticket: SimTicket,
    patch: Partial<Omit<SimTicket, 'id' | 'created_at' | 'updated_at'>>,
  ): SimTicket {
    Object.assign(ticket, patch);
    if (patch.status === 'Resolved' && !ticket.resolved_at) ticket.resolved_at = this.nowIso();
    this.#touch(ticket);
    return ticket;
  }

  /** No idempotency, as in Syncro: every call creates a new comment. */
  addComment(input: NewComment): SimComment {
    const ticket = this.#must(this.ticket(input.ticket_id), 'ticket', input.ticket_id);
    const at = input.created_at ?? this.nowIso();
    const comment: SimComment = {
      id: this.#id('comment'),
      ticket_id: ticket.id,
      subject: input.subject,
      body: input.body,
      tech: input.tech ?? null,
      hidden: input.hidden ?? false,
      do_not_email: input.do_not_email ?? false,
      user_id: input.user_id ?? null,
      created_at: at,
      updated_at: at,
    };
    this.comments.push(comment);
    this.#touch(ticket);
    return comment;
  }

  /** Applies Syncro's defaults for what the request left out (see the field comments). */
  addLineItem(input: NewLineItem): SimLineItem {
    const ticket = this.#must(this.ticket(input.ticket_id), 'ticket', input.ticket_id);
    const product = input.product_id == null ? undefined : this.product(input.product_id);
    const at = input.created_at ?? this.nowIso();
    const item: SimLineItem = {
      id: this.#id('lineItem'),
      ticket_id: ticket.id,
      user_id: input.user_id ?? null,
      product_id: input.product_id ?? null,
      name: input.name,
      description: input.description,
      quantity: decimalString(input.quantity ?? 1),
      // Only an explicit price_retail sets the price; otherwise the product's configured rate applies.
      price_retail: input.price_retail ?? product?.price_retail ?? 0,
      price_cost: input.price_cost ?? product?.price_cost ?? 0,
      // Not inherited from the product: a line sent without `taxable` is taxed.
      taxable: input.taxable ?? true,
      position: this.lineItemsOf(ticket.id).length + 1,
      converted: false,
      created_at: at,
      updated_at: at,
    };
    this.lineItems.push(item);
    this.#touch(ticket);
    return item;
  }

  updateLineItem(
    item: SimLineItem,
    patch: Partial<
      Pick<SimLineItem, 'name' | 'description' | 'product_id' | 'price_retail' | 'price_cost' | 'taxable'>
    > & {
      quantity?: number | string;
    },
  ): SimLineItem {
    const { quantity, ...rest } = patch;
    Object.assign(item, rest);
    if (quantity !== undefined) item.quantity = decimalString(quantity);
    item.updated_at = this.nowIso();
    return item;
  }

  removeLineItem(id: number): boolean {
    return removeWhere(this.lineItems, (li) => li.id === id);
  }

  addTimer(input: NewTimer): SimTimer {
    const ticket = this.#must(this.ticket(input.ticket_id), 'ticket', input.ticket_id);
    const at = this.nowIso();
    const timer: SimTimer = {
      id: this.#id('timer'),
      ticket_id: ticket.id,
      user_id: input.user_id ?? null,
      start_time: input.start_time,
      end_time: input.end_time,
      notes: input.notes ?? null,
      billable: input.billable ?? false,
      product_id: input.product_id ?? null,
      recorded: false,
      ticket_line_item_id: null,
      created_at: at,
      updated_at: at,
    };
    this.timers.push(timer);
    return timer;
  }

  /** Marks the timer recorded and creates its linked line item (hours of the timer, at the product's rate). */
  chargeTimer(timer: SimTimer, userId: number | null): SimLineItem {
    const product = timer.product_id == null ? undefined : this.product(timer.product_id);
    const hours = (Date.parse(timer.end_time) - Date.parse(timer.start_time)) / 3_600_000;
    const item = this.addLineItem({
      ticket_id: timer.ticket_id,
      product_id: timer.product_id,
      name: product?.name ?? 'Labor',
      description: timer.notes ?? '',
      quantity: Number.isFinite(hours) && hours > 0 ? hours : 0,
      user_id: userId,
    });
    timer.recorded = true;
    timer.ticket_line_item_id = item.id;
    timer.updated_at = this.nowIso();
    return item;
  }

  deleteTimer(id: number): boolean {
    return removeWhere(this.timers, (t) => t.id === id);
  }

  /** "Make invoice": copies every line item of the ticket (timers are not included). */
  createInvoice(input: {
    customer_id: number;
    ticket_id?: number | null;
    category?: string | null;
    user_id?: number | null;
  }): SimInvoice {
    this.#must(this.customer(input.customer_id), 'customer', input.customer_id);
    const at = this.nowIso();
    const id = this.#id('invoice');
    const lastNumber = this.invoices.reduce(
      (max, i) => Math.max(max, Number(i.number) || 0),
      FIRST_INVOICE_NUMBER - 1,
    );
    // Like Syncro's "Make Invoice": the ticket's line items not yet on an invoice, which then count as converted.
    const lines =
      input.ticket_id == null ? [] : this.lineItemsOf(input.ticket_id).filter((li) => !li.converted);
    for (const li of lines) li.converted = true;
    const invoice: SimInvoice = {
      id,
      number: String(lastNumber + 1),
      customer_id: input.customer_id,
      ticket_id: input.ticket_id ?? null,
      category: input.category ?? null,
      user_id: input.user_id ?? null,
      date: `${at.slice(0, 10)}T00:00:00.000Z`,
      due_date: at.slice(0, 10),
      created_at: at,
      updated_at: at,
      line_items: lines.map((li, i) => ({
        id: this.#id('invoiceLine'),
        invoice_id: id,
        product_id: li.product_id,
        item: li.name,
        name: li.description,
        quantity: li.quantity,
        price: decimalString(li.price_retail),
        cost: decimalString(li.price_cost),
        taxable: li.taxable,
        position: i + 1,
        created_at: at,
        updated_at: at,
      })),
    };
    this.invoices.push(invoice);
    return invoice;
  }

  #touch(ticket: SimTicket): void {
    ticket.updated_at = this.nowIso();
  }

  /** Seeding helpers throw on dangling references: a test that seeds wrongly should fail where it seeds. */
  #must<T>(record: T | undefined, kind: string, id: number): T {
    if (!record) throw new Error(`SimState: no ${kind} with id ${id}`);
    return record;
  }
}

function removeWhere<T>(array: T[], match: (x: T) => boolean): boolean {
  const index = array.findIndex(match);
  if (index < 0) return false;
  array.splice(index, 1);
  return true;
}
