import type {
  Appointment,
  Comment,
  Customer,
  Invoice,
  LineItem,
  Me,
  Meta,
  Product,
  Ticket,
  TicketSettings,
  TimerEntry,
} from './schemas.js';

/** Bodies we send. They are what the card shows, byte for byte (JSON.stringify of the same object). */
export interface CreateTicketBody {
  customer_id: number;
  subject: string;
  status?: string;
  priority?: string;
  user_id?: number;
  problem_type?: string;
  contact_id?: number;
  due_date?: string;
  ticket_type_id?: number;
  /** The ticket's first comment, created with it in the same request (swagger: Ticket.comments_attributes). */
  comments_attributes?: Array<{ subject: string; body: string; hidden: boolean; do_not_email: boolean }>;
}
export type UpdateTicketBody = Partial<Omit<CreateTicketBody, 'customer_id' | 'comments_attributes'>> & {
  status?: string;
};
export interface CommentBody {
  subject: string;
  body: string;
  hidden: boolean;
  do_not_email: boolean;
  tech?: string;
}
export interface AddLineItemBody {
  product_id: number;
  name: string;
  description: string;
  quantity: number;
  taxable: boolean;
  price_retail?: number;
}
export interface CreateInvoiceBody {
  ticket_id: number;
  customer_id: number;
  category: string;
}
export interface TimerEntryBody {
  start_at: string;
  end_at: string;
  notes?: string;
  product_id?: number;
  user_id?: number;
  billable?: boolean;
}

export interface CommentQuery {
  /** ISO time; Syncro answers comments created after it. */
  createdAfter?: string;
  page?: number;
  /** Syncro's default is 10. */
  perPage?: number;
  /** How bodies come back (Syncro's default: plaintext, tags stripped). */
  format?: 'plaintext' | 'richtext' | 'original';
}

export interface Page<T> {
  items: T[];
  meta: Meta | null | undefined;
}

/**
 * Syncro, as seen by one person's key. Every method parses its answer with the endpoint's schema.
 * Writes throw SyncroWriteOutcomeUnknownError when they may have landed without a usable answer.
 */
export interface SyncroApi {
  me(): Promise<Me>;
  listTickets(q: {
    status?: string;
    query?: string;
    customerId?: number;
    number?: string;
    /** Only the tickets assigned to the key's owner (`mine=true`). */
    mine?: boolean;
    /** ISO time: only tickets updated since (the notifier's change feed). */
    sinceUpdatedAt?: string;
    page?: number;
  }): Promise<Page<Ticket>>;
  getTicket(id: number): Promise<Ticket>;
  /** Resolves a ticket number (what people type) to the ticket, checking that `number` really matches. */
  findTicketByNumber(number: string | number): Promise<Ticket>;
  createTicket(body: CreateTicketBody): Promise<Ticket>;
  updateTicket(id: number, body: UpdateTicketBody): Promise<Ticket>;
  addComment(ticketId: number, body: CommentBody): Promise<Comment>;
  /** A ticket's comments, all of them (a ticket's own `comments` may be partial). */
  listComments(ticketId: number, q?: CommentQuery): Promise<Page<Comment>>;
  addLineItem(ticketId: number, body: AddLineItemBody): Promise<LineItem>;
  updateLineItem(
    ticketId: number,
    body: Record<string, unknown> & { ticket_line_item_id: number },
  ): Promise<LineItem>;
  removeLineItem(ticketId: number, lineItemId: number): Promise<{ success: boolean }>;
  createTimerEntry(ticketId: number, body: TimerEntryBody): Promise<TimerEntry>;
  /** Charges the entry: Syncro marks it `recorded` and adds a line item to the ticket for it. */
  chargeTimerEntry(ticketId: number, timerEntryId: number): Promise<TimerEntry>;
  deleteTimerEntry(ticketId: number, timerEntryId: number): Promise<{ success: boolean }>;
  /**
   * `GET /ticket_timers`: the swagger filters by creation time only (`created_at_gt`); `ticket_id` is sent as the
   * reference uses it, but callers must filter by ticket themselves.
   */
  listTimers(q: { ticketId?: number; createdAfter?: string; page?: number }): Promise<Page<TimerEntry>>;
  searchCustomers(query: string, page?: number): Promise<Page<Customer>>;
  getCustomer(id: number): Promise<Customer>;
  getProduct(id: number): Promise<Product>;
  ticketSettings(): Promise<TicketSettings>;
  listInvoices(q: { ticketId?: number; page?: number }): Promise<Page<Invoice>>;
  getInvoice(id: number): Promise<Invoice>;
  createInvoice(body: CreateInvoiceBody): Promise<Invoice>;
  listUsers(): Promise<Array<{ id: number; name: string }>>;
  /** `GET /appointments` (by start time; `mine`: the key owner's). Items are wrapped: `{appointment: {…}}`. */
  listAppointments(q: {
    dateFrom?: string;
    dateTo?: string;
    mine?: boolean;
    page?: number;
  }): Promise<Page<Appointment>>;
}

/** The account-wide client: one limiter and one connection pool; `as(key)` gives one person's view. */
export interface SyncroClient {
  as(apiKey: string): SyncroApi;
  /** `https://acme.syncromsp.com` — for links to tickets and invoices in the web app. */
  readonly webBaseUrl: string;
  close(): Promise<void>;
}
