import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import { UserInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Page, SyncroApi, SyncroClient } from './api.js';
import { SyncroNotFoundError, SyncroValidationError } from './errors.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { createSyncroRequester, type RequestHooks } from './request.js';
import { defaultReadRetryPolicy, type RetryPolicy } from './retry-policies.js';
import {
  addLineItemResponse,
  appointmentListResponse,
  commentListResponse,
  commentResponse,
  customerListResponse,
  customerResponse,
  invoiceEitherResponse,
  invoiceListResponse,
  invoiceResponse,
  type Meta,
  meSchema,
  productResponse,
  successResponse,
  ticketListResponse,
  ticketResponse,
  ticketSettingsSchema,
  timerEntryResponse,
  timerListResponse,
  updateLineItemResponse,
  usersResponse,
} from './schemas.js';

export interface SyncroClientOptions {
  /** The API base, e.g. `https://acme.syncromsp.com/api/v1`. */
  baseUrl: string;
  /** Overall limit for one attempt (send → last byte of the answer). */
  timeoutMs: number;
  /** Limit for establishing the connection; keep it below timeoutMs. */
  connectTimeoutMs: number;
  /** Syncro allows 180 per minute per IP address, every key together. */
  rateLimitPerMinute: number;
  logger: Logger;
  /** Reads only; writes are never retried (except a 429, which wrote nothing). */
  readRetryPolicy?: RetryPolicy;
  /** Tests point this at a loopback fake; by default a keep-alive Agent is created (and closed by close()). */
  dispatcher?: Dispatcher;
  /** Share one limiter per Syncro account; by default one is created from rateLimitPerMinute. */
  limiter?: RateLimiter;
  /** Backoff between read retries; tests pass an instant one. */
  sleep?: (ms: number) => Promise<void>;
  /** Retry-After is honoured up to this long (default 5 minutes, SYNCRO_RETRY_AFTER_CAP_SECONDS). */
  retryAfterCapMs?: number;
}

/** Per-caller options for `as()`: the wait callback and the priority (`interactive` by default). */
export type SyncroCallHooks = RequestHooks;

/** The SyncroClient, plus the limiter so the Slack layer can show "waiting for Syncro's rate limit". */
export interface SyncroHttpClient extends SyncroClient {
  as(apiKey: string, hooks?: SyncroCallHooks): SyncroApi;
  /**
   * A GET through the same chokepoint whose JSON answer the caller parses itself: the doctor reads the account's
   * real shapes with it and lists every difference from the bot's schemas (not only the first). Not for features.
   */
  read(
    apiKey: string,
    path: string,
    query?: Record<string, string | number | undefined>,
    hooks?: SyncroCallHooks,
  ): Promise<unknown>;
  readonly limiter: RateLimiter;
}

/** Any JSON answer (the chokepoint still refuses an empty, null, HTML or unparseable body). */
const anyJson = z.unknown();

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSyncroClient(opts: SyncroClientOptions): SyncroHttpClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const ownDispatcher = opts.dispatcher === undefined;
  const dispatcher =
    opts.dispatcher ??
    new Agent({
      connect: { timeout: opts.connectTimeoutMs },
      keepAliveTimeout: 4_000,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connections: 16,
    });
  const ownLimiter = opts.limiter === undefined;
  const limiter = opts.limiter ?? createRateLimiter({ limit: opts.rateLimitPerMinute, windowMs: 60_000 });
  const request = createSyncroRequester({
    baseUrl,
    dispatcher,
    timeoutMs: opts.timeoutMs,
    limiter,
    logger: opts.logger,
    readRetryPolicy: opts.readRetryPolicy ?? defaultReadRetryPolicy,
    sleep: opts.sleep ?? defaultSleep,
    maxRetryAfterMs: opts.retryAfterCapMs,
  });

  function as(apiKey: string, hooks?: SyncroCallHooks): SyncroApi {
    const get = <S extends Parameters<typeof request>[1]['schema']>(
      path: string,
      schema: S,
      query?: Record<string, string | number | undefined>,
    ) => request(apiKey, { method: 'GET', path, query, schema }, hooks);
    const send = <S extends Parameters<typeof request>[1]['schema']>(
      method: 'POST' | 'PUT' | 'DELETE',
      path: string,
      schema: S,
      body: unknown,
    ) => request(apiKey, { method, path, body, schema }, hooks);
    const page = <T>(items: T[], meta: Meta | null | undefined): Page<T> => ({ items, meta });
    /** `{"success": false, …}` on a 200 means Syncro did not do it: a refusal, nothing changed. */
    const requireSuccess = (endpoint: string) => (r: { success: boolean; message?: unknown }) => {
      if (r.success) return { success: true };
      const msg = Array.isArray(r.message) ? r.message.map(String) : r.message ? [String(r.message)] : [];
      throw new SyncroValidationError(endpoint, 200, msg);
    };

    const api: SyncroApi = {
      me: async () => {
        // NOTE: /me carries a `user_token` (a session credential); drop it so it cannot reach a log or a card.
        const { user_token: _dropped, ...me } = await get('/me', meSchema);
        return me;
      },
      listTickets: async (q) => {
        const r = await get('/tickets', ticketListResponse, {
          status: q.status,
          query: q.query,
          customer_id: q.customerId,
          number: q.number,
          mine: q.mine ? 'true' : undefined,
          since_updated_at: q.sinceUpdatedAt,
          page: q.page,
        });
        return page(r.tickets, r.meta);
      },
      getTicket: async (id) => (await get(`/tickets/${pathId(id)}`, ticketResponse)).ticket,
      findTicketByNumber: async (number) => {
        const wanted = String(number).trim().replace(/^#/, '').trim();
        if (!/^\d+$/.test(wanted))
          throw new UserInputError(`"${String(number).slice(0, 40)}" is not a ticket number`);
        const r = await get('/tickets', ticketListResponse, { number: wanted });
        // Only an exact match, compared as strings: never a near match.
        const ticket = r.tickets.find((t) => String(t.number) === wanted);
        if (!ticket) throw new SyncroNotFoundError(`Syncro has no ticket #${wanted}`, 'GET /tickets');
        return ticket;
      },
      createTicket: async (body) => (await send('POST', '/tickets', ticketResponse, body)).ticket,
      updateTicket: async (id, body) =>
        (await send('PUT', `/tickets/${pathId(id)}`, ticketResponse, body)).ticket,
      // Comments are POSTed flat: wrapped in {"comment": …} Syncro answers 422 "Body can't be blank".
      addComment: async (ticketId, body) =>
        (await send('POST', `/tickets/${pathId(ticketId)}/comment`, commentResponse, body)).comment,
      listComments: async (ticketId, q) => {
        const r = await get(`/tickets/${pathId(ticketId)}/comments`, commentListResponse, {
          created_after: q?.createdAfter,
          page: q?.page,
          per_page: q?.perPage,
          comment_format: q?.format,
        });
        return page(r.comments, r.meta);
      },
      addLineItem: (ticketId, body) =>
        send('POST', `/tickets/${pathId(ticketId)}/add_line_item`, addLineItemResponse, body),
      updateLineItem: async (ticketId, body) =>
        (await send('PUT', `/tickets/${pathId(ticketId)}/update_line_item`, updateLineItemResponse, body))
          .ticket_line_item,
      removeLineItem: async (ticketId, lineItemId) => {
        const path = `/tickets/${pathId(ticketId)}/remove_line_item`;
        const r = await send('POST', path, successResponse, { ticket_line_item_id: pathId(lineItemId) });
        return requireSuccess(`POST ${path}`)(r);
      },
      createTimerEntry: (ticketId, body) =>
        send('POST', `/tickets/${pathId(ticketId)}/timer_entry`, timerEntryResponse, body),
      chargeTimerEntry: (ticketId, timerEntryId) =>
        send('POST', `/tickets/${pathId(ticketId)}/charge_timer_entry`, timerEntryResponse, {
          timer_entry_id: pathId(timerEntryId),
        }),
      deleteTimerEntry: async (ticketId, timerEntryId) => {
        const path = `/tickets/${pathId(ticketId)}/delete_timer_entry`;
        const r = await send('POST', path, successResponse, { timer_entry_id: pathId(timerEntryId) });
        return requireSuccess(`POST ${path}`)(r);
      },
      listTimers: async (q) => {
        const r = await get('/ticket_timers', timerListResponse, {
          ticket_id: q.ticketId,
          created_at_gt: q.createdAfter,
          page: q.page,
        });
        return page(r.ticket_timers, r.meta);
      },
      searchCustomers: async (query, p) => {
        const r = await get('/customers', customerListResponse, { query, page: p });
        return page(r.customers, r.meta);
      },
      getCustomer: async (id) => (await get(`/customers/${pathId(id)}`, customerResponse)).customer,
      getProduct: async (id) => (await get(`/products/${pathId(id)}`, productResponse)).product,
      ticketSettings: () => get('/tickets/settings', ticketSettingsSchema),
      listInvoices: async (q) => {
        const r = await get('/invoices', invoiceListResponse, { ticket_id: q.ticketId, page: q.page });
        return page(r.invoices, r.meta);
      },
      getInvoice: (id) => get(`/invoices/${pathId(id)}`, invoiceEitherResponse),
      createInvoice: async (body) => (await send('POST', '/invoices', invoiceResponse, body)).invoice,
      listUsers: async () => (await get('/users', usersResponse)).users.map(([id, name]) => ({ id, name })),
      listAppointments: async (q) => {
        const r = await get('/appointments', appointmentListResponse, {
          date_from: q.dateFrom,
          date_to: q.dateTo,
          mine: q.mine ? 'true' : undefined,
          page: q.page,
        });
        return page(r.appointments, r.meta);
      },
    };
    return api;
  }

  return {
    as,
    read: (apiKey, path, query, hooks) =>
      request(apiKey, { method: 'GET', path, query, schema: anyJson }, hooks),
    limiter,
    webBaseUrl: baseUrl.replace(/\/api\/v1$/, ''),
    async close() {
      if (ownLimiter) await limiter.close();
      if (ownDispatcher) await dispatcher.close();
    },
  };
}

/** Ids go into paths: only positive integers, so nothing can be smuggled into the URL. */
function pathId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new UserInputError(`not a Syncro id: ${String(id).slice(0, 20)}`);
  return id;
}
