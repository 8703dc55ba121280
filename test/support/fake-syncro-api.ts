import type {
  AddLineItemBody,
  CommentBody,
  CommentQuery,
  CreateInvoiceBody,
  Page,
  SyncroApi,
  UpdateTicketBody,
} from '../../src/syncro/api.js';
import {
  SyncroNotFoundError,
  SyncroUnauthorizedError,
  SyncroValidationError,
  SyncroWriteOutcomeUnknownError,
  type UnknownOutcomeReason,
} from '../../src/syncro/errors.js';
import { markOnTheWire } from '../../src/syncro/on-the-wire.js';
import type { Comment, Invoice, LineItem, Ticket } from '../../src/syncro/schemas.js';

/**
 * An in-memory Syncro behind the `SyncroApi` interface, for unit tests of the executor (no HTTP): tickets and
 * their comments, line items and invoices, every call recorded in order, and each write answered as the test
 * scripts it. Only what the comment, ticket-update and billing steps use is faked; any other method throws, so a
 * test that reaches it says so.
 */

/** How one write is answered. `lands`: whether Syncro stores it (an unclear answer may follow a stored write). */
export type WriteScript =
  | { answer: 'ok' }
  /** Syncro refuses it (422 with its words, 401 bad key, 403 missing permission): nothing stored. */
  | { answer: 'refused'; status: 401 | 403 | 422; messages?: string[] }
  /** Any other error of the client (429, 404, connection refused before sending): nothing stored. */
  | { answer: 'error'; error: Error }
  /** No usable answer (timeout after sending, 5xx, unparseable 200): the write may or may not be stored. */
  | { answer: 'unknown'; reason: UnknownOutcomeReason; lands: boolean; status?: number }
  /** Stored, and the answer never comes until `release()` (a replica dies mid-request). */
  | { answer: 'hang'; lands: boolean };

export interface RecordedCall {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  query?: CommentQuery;
}

export interface FakeSyncro {
  /** The interface the executor holds; one per identity in real life, one here (they share the same Syncro). */
  api: SyncroApi;
  calls: RecordedCall[];
  /** The writes only (POST/PUT), in the order they reached Syncro. */
  writes(): RecordedCall[];
  tickets: Map<number, Ticket>;
  comments: Map<number, Comment[]>;
  invoices: Invoice[];
  /** Answers for the next writes, first in first out; an unscripted write is answered `ok`. */
  script(...s: WriteScript[]): void;
  /** While set, every read throws it (Syncro unreadable). */
  failReads: Error | undefined;
  /** Called as each write arrives, before it is stored or answered (e.g. to look at the row as journaled). */
  onWrite: ((call: RecordedCall) => Promise<void> | void) | undefined;
  /** Answers every hanging write: with its record if it landed, else with a connection reset. */
  release(): void;
  /** Stores a comment as if someone (or a late request) had made it, at the clock's time. */
  addCommentNow(ticketId: number, body: CommentBody): Comment;
}

export function fakeSyncro(now: () => number, tickets: Ticket[]): FakeSyncro {
  const calls: RecordedCall[] = [];
  const queue: WriteScript[] = [];
  const hanging: Array<() => void> = [];
  const ticketMap = new Map(tickets.map((t) => [t.id, structuredClone(t)]));
  const comments = new Map<number, Comment[]>();
  const invoices: Invoice[] = [];
  let nextId = 5_000;

  const ticketOr404 = (id: number, endpoint: string): Ticket => {
    const t = ticketMap.get(id);
    if (!t) throw new SyncroNotFoundError(`Syncro has no such record (${endpoint})`, endpoint);
    return t;
  };

  const read = (call: RecordedCall): void => {
    calls.push(call);
    if (fake.failReads) throw fake.failReads;
  };

  const storeComment = (ticketId: number, body: CommentBody): Comment => {
    const c: Comment = {
      id: nextId++,
      ticket_id: ticketId,
      subject: body.subject,
      body: body.body,
      hidden: body.hidden,
      created_at: new Date(now()).toISOString(),
    };
    comments.set(ticketId, [...(comments.get(ticketId) ?? []), c]);
    return c;
  };

  /** One write: recorded, put on the wire, then stored and answered as scripted. */
  async function write<T>(call: RecordedCall, store: () => T): Promise<T> {
    calls.push(call);
    const endpoint = `${call.method} ${call.path}`;
    await fake.onWrite?.(call);
    // As the real requester does right before it dispatches a write ("sent, waiting for Syncro").
    markOnTheWire();
    const s = queue.shift() ?? { answer: 'ok' };
    switch (s.answer) {
      case 'ok':
        return store();
      case 'refused':
        if (s.status === 422) throw new SyncroValidationError(endpoint, 422, s.messages ?? []);
        throw new SyncroUnauthorizedError(`Syncro refused ${endpoint} (HTTP ${s.status})`, endpoint);
      case 'error':
        throw s.error;
      case 'unknown':
        if (s.lands) store();
        throw new SyncroWriteOutcomeUnknownError(endpoint, s.reason, {
          ...(s.status === undefined ? {} : { status: s.status }),
          detail: s.reason,
        });
      case 'hang': {
        const stored = s.lands ? store() : undefined;
        await new Promise<void>((resolve) => hanging.push(resolve));
        if (stored === undefined) throw new SyncroWriteOutcomeUnknownError(endpoint, 'connection_reset');
        return stored;
      }
    }
  }

  const storeLineItem = (ticketId: number, body: AddLineItemBody): LineItem => {
    const t = ticketOr404(ticketId, `POST /tickets/${ticketId}/add_line_item`);
    const li: LineItem = {
      id: nextId++,
      ticket_id: ticketId,
      ...body,
      converted: false,
      invoice_id: null,
      created_at: new Date(now()).toISOString(),
    };
    t.line_items = [...(t.line_items ?? []), li];
    return li;
  };

  /** Like Syncro's "Make Invoice": the invoice takes the ticket's lines not yet invoiced. */
  const storeInvoice = (body: CreateInvoiceBody): Invoice => {
    const t = ticketOr404(body.ticket_id, 'POST /invoices');
    const id = nextId++;
    const taken = (t.line_items ?? []).filter((li) => !li.converted);
    for (const li of taken) Object.assign(li, { converted: true, invoice_id: id });
    const inv: Invoice = {
      id,
      number: String(id),
      customer_id: body.customer_id,
      ticket_id: body.ticket_id,
      created_at: new Date(now()).toISOString(),
      line_items: taken.map((li) => ({
        id: nextId++,
        product_id: li.product_id,
        name: li.name,
        quantity: li.quantity,
      })),
    };
    invoices.push(inv);
    return inv;
  };

  const notFaked = (name: string) => () => Promise.reject(new Error(`fake Syncro: ${name} is not faked`));

  const api: SyncroApi = {
    me: notFaked('me'),
    listTickets: notFaked('listTickets'),
    listAppointments: notFaked('listAppointments'),
    findTicketByNumber: notFaked('findTicketByNumber'),
    createTicket: notFaked('createTicket'),
    updateLineItem: notFaked('updateLineItem'),
    removeLineItem: notFaked('removeLineItem'),
    createTimerEntry: notFaked('createTimerEntry'),
    chargeTimerEntry: notFaked('chargeTimerEntry'),
    deleteTimerEntry: notFaked('deleteTimerEntry'),
    listTimers: notFaked('listTimers'),
    searchCustomers: notFaked('searchCustomers'),
    getCustomer: notFaked('getCustomer'),
    getProduct: notFaked('getProduct'),
    ticketSettings: notFaked('ticketSettings'),
    listUsers: notFaked('listUsers'),

    async getTicket(id) {
      read({ method: 'GET', path: `/tickets/${id}` });
      const t = ticketOr404(id, `GET /tickets/${id}`);
      return structuredClone({ ...t, comments: comments.get(id) ?? [] });
    },

    async listComments(ticketId, q = {}): Promise<Page<Comment>> {
      read({ method: 'GET', path: `/tickets/${ticketId}/comments`, query: q });
      ticketOr404(ticketId, `GET /tickets/${ticketId}/comments`);
      const after = q.createdAfter ? Date.parse(q.createdAfter) : Number.NEGATIVE_INFINITY;
      const items = (comments.get(ticketId) ?? []).filter((c) => Date.parse(c.created_at) > after);
      return { items: structuredClone(items), meta: { total_pages: 1, page: 1 } };
    },

    addComment(ticketId, body) {
      return write({ method: 'POST', path: `/tickets/${ticketId}/comment`, body }, () => {
        ticketOr404(ticketId, `POST /tickets/${ticketId}/comment`);
        return structuredClone(storeComment(ticketId, body));
      });
    },

    addLineItem(ticketId, body) {
      return write({ method: 'POST', path: `/tickets/${ticketId}/add_line_item`, body }, () =>
        structuredClone(storeLineItem(ticketId, body)),
      );
    },

    createInvoice(body) {
      return write({ method: 'POST', path: '/invoices', body }, () => structuredClone(storeInvoice(body)));
    },

    async getInvoice(id) {
      read({ method: 'GET', path: `/invoices/${id}` });
      const inv = invoices.find((i) => i.id === id);
      if (!inv)
        throw new SyncroNotFoundError(
          `Syncro has no such record (GET /invoices/${id})`,
          `GET /invoices/${id}`,
        );
      return structuredClone(inv);
    },

    async listInvoices(q) {
      read({ method: 'GET', path: '/invoices' });
      const items = invoices.filter((i) => q.ticketId === undefined || i.ticket_id === q.ticketId);
      return { items: structuredClone(items), meta: { total_pages: 1, page: 1 } };
    },

    updateTicket(id, body: UpdateTicketBody) {
      return write({ method: 'PUT', path: `/tickets/${id}`, body }, () => {
        const t = ticketOr404(id, `PUT /tickets/${id}`);
        Object.assign(t, body);
        return structuredClone(t);
      });
    },
  };

  const fake: FakeSyncro = {
    api,
    calls,
    writes: () => calls.filter((c) => c.method !== 'GET'),
    tickets: ticketMap,
    comments,
    invoices,
    script: (...s) => {
      queue.push(...s);
    },
    failReads: undefined,
    onWrite: undefined,
    release: () => {
      for (const r of hanging.splice(0)) r();
    },
    addCommentNow: storeComment,
  };
  return fake;
}
