import type { z } from 'zod';
import type { FileConfig } from '../config.js';
import { AppError, KeySourceError } from '../errors.js';
import { describeKeySource, resolveKey, type SopsRunner } from '../identity/key-sources.js';
import { redactText } from '../logger.js';
import type { SyncroHttpClient } from '../syncro/client.js';
import { SyncroNotFoundError, SyncroSchemaMismatchError, SyncroUnauthorizedError } from '../syncro/errors.js';
import type { RequestHooks } from '../syncro/request.js';
import {
  appointmentListResponse,
  commentListResponse,
  customerListResponse,
  customerResponse,
  invoiceEitherResponse,
  invoiceListResponse,
  productResponse,
  ticketListResponse,
  ticketResponse,
  ticketSettingsSchema,
  timerListResponse,
} from '../syncro/schemas.js';
import type { Check, CheckFacts, KeyRole, Observation, ShapeName } from './facts.js';
import {
  idAt,
  listAt,
  observeInvoiceWrapper,
  observeListContacts,
  observeTicketTypes,
  observeTimerBillable,
  shapeIssues,
  stringAt,
} from './shapes.js';
import { configuredKeys, configuredStatuses } from './targets.js';

/**
 * The Syncro half of the doctor: every read goes through the bot's own client (the request chokepoint, its
 * timeouts and error classes) and the account's rate limiter, at background priority (a technician waiting goes
 * first), and stops at a request budget. Only GETs: nothing is written.
 */

/** The doctor stays under 30 requests. */
export const DEFAULT_REQUEST_CAP = 29;

export interface SyncroCheckDeps {
  file: FileConfig;
  env: Record<string, string | undefined>;
  client: SyncroHttpClient;
  /** Most Syncro requests the doctor sends (default DEFAULT_REQUEST_CAP). */
  cap?: number;
  limitPerMinute: number;
  /** For `{sops: …}` key sources (tests). */
  runSops?: SopsRunner;
  now?: () => number;
  /** The client's limiter is the doctor's own (the command line with SQLite): it counts only the doctor's requests. */
  ownLimiter?: boolean;
}

/** One budgeted call's outcome: its value, its failure (with the HTTP status when Syncro answered), or not sent. */
type Spent<T> =
  | { kind: 'value'; value: T; status?: number }
  | { kind: 'error'; err: unknown; status?: number }
  | { kind: 'over_budget' };

/** Rate-limit headers worth showing (Syncro documents none; these are the usual names). */
const RATE_HEADER = /rate-?limit|^retry-after$/i;

interface Spend {
  spent: number;
  skipped: number;
  headers: Record<string, string>;
}

export async function syncroChecks(deps: SyncroCheckDeps): Promise<Check[]> {
  const { file, client } = deps;
  const cap = deps.cap ?? DEFAULT_REQUEST_CAP;
  const spend: Spend = { spent: 0, skipped: 0, headers: {} };
  const out: Check[] = [];
  const push = (id: string, section: Check['section'], status: Check['status'], facts: CheckFacts) =>
    out.push({ id, section, status, facts });

  /** One budgeted call: counted before it is sent, and sent once (no retry: a retry would be a request not counted). */
  async function spendOn<T>(send: (hooks: RequestHooks) => Promise<T>): Promise<Spent<T>> {
    if (spend.spent >= cap) {
      spend.skipped += 1;
      return { kind: 'over_budget' };
    }
    spend.spent += 1;
    let status: number | undefined;
    const hooks: RequestHooks = {
      priority: 'background',
      noRetry: true,
      onResponse: (r) => {
        status = r.status;
        const rate: Record<string, string> = {};
        for (const [name, v] of Object.entries(r.headers)) {
          if (RATE_HEADER.test(name) && v !== undefined) rate[name.toLowerCase()] = String(v);
        }
        if (Object.keys(rate).length > 0) spend.headers = rate;
      },
    };
    const withStatus = () => (status !== undefined ? { status } : {});
    try {
      const value = await send(hooks);
      return { kind: 'value', value, ...withStatus() };
    } catch (err) {
      return { kind: 'error', err, ...withStatus() };
    }
  }

  // --- keys ----------------------------------------------------------------------------------------------
  const meByKey = new Map<string, Promise<Spent<{ user_id: number; user_name: string }>>>();
  let reader: { key: string; source: string; owner: string; role: KeyRole } | undefined;
  const keyCache = new Map<string, Promise<string>>();

  for (const target of configuredKeys(file)) {
    const id = `syncro.key.${target.setting}`;
    const base = {
      kind: 'syncro_key' as const,
      role: target.role,
      setting: target.setting,
      source: target.source ? describeKeySource(target.source) : null,
      ...(target.slackUserId ? { slackUserId: target.slackUserId } : {}),
      ...(target.configuredName ? { configuredName: target.configuredName } : {}),
      ...(target.expected ? { expected: target.expected } : {}),
    };
    if (!target.source) {
      push(id, 'syncro', 'skip', { ...base, result: 'none_configured' });
      continue;
    }
    let key: string;
    try {
      key = await resolveKey(target.source, {
        env: deps.env,
        cache: keyCache,
        ...(deps.runSops ? { runSops: deps.runSops } : {}),
      });
    } catch (err) {
      push(id, 'syncro', 'fail', { ...base, result: 'unavailable', error: errorFact(err) });
      continue;
    }
    let pending = meByKey.get(key);
    if (!pending) {
      pending = spendOn((hooks) => client.as(key, hooks).me());
      meByKey.set(key, pending);
    }
    const me = await pending;
    if (me.kind === 'over_budget') {
      push(id, 'syncro', 'skip', { ...base, result: 'budget' });
      continue;
    }
    if (me.kind === 'error') {
      push(id, 'syncro', 'fail', {
        ...base,
        result: me.err instanceof SyncroUnauthorizedError ? 'refused' : 'error',
        ...(me.status !== undefined ? { status: me.status } : {}),
        error: errorFact(me.err, key),
      });
      continue;
    }
    const owner = { syncroUserId: me.value.user_id, name: me.value.user_name };
    const expected = target.expected;
    if (expected && owner.syncroUserId !== expected.syncroUserId) {
      const as = Object.entries(file.users).find(([, u]) => u.syncro_user_id === owner.syncroUserId);
      push(id, 'syncro', 'fail', {
        ...base,
        result: 'other_owner',
        owner,
        ...(as ? { ownerConfiguredAs: { slackUserId: as[0], name: as[1].name } } : {}),
      });
      continue;
    }
    // Only the shared key must name its owner; the notifications key only reads, so whose it is is just shown.
    const result = expected || target.role === 'notifications' ? 'ok' : 'no_expected_owner';
    push(id, 'syncro', 'ok', { ...base, result, owner });
    // The account is read with the shared key when it works, else with the first person's key that does.
    if (
      target.role !== 'notifications' &&
      (!reader || (reader.role === 'person' && target.role === 'shared'))
    ) {
      reader = { key, source: base.source ?? '', owner: owner.name, role: target.role };
    }
  }

  // Keys connected with /syncro connect live in the bot's store (or vault), not in the configuration: the doctor
  // does not read them (the store's key needs KEY_ENCRYPTION_KEY, the vault sops). Said, rather than left out.
  if (file.enrolment) {
    push('syncro.connected_keys', 'syncro', 'skip', {
      kind: 'syncro_connected_keys',
      storage: file.enrolment.storage,
    });
  }

  if (!reader) {
    push('syncro.reader', 'syncro', 'fail', { kind: 'syncro_reader', source: null });
    out.push(budgetCheck(spend, cap, deps.limitPerMinute, client, deps.ownLimiter === true));
    return out;
  }
  push('syncro.reader', 'syncro', 'ok', {
    kind: 'syncro_reader',
    source: reader.source,
    owner: reader.owner,
  });
  const readerKey = reader.key;

  /** A raw read with the reader key: the body, or why there is none. */
  async function read(
    path: string,
    query?: Record<string, string | number | undefined>,
  ): Promise<
    | { ok: true; body: unknown; status?: number }
    | { ok: false; budget: boolean; notFound: boolean; status?: number; error: string }
  > {
    const r = await spendOn((hooks) => client.read(readerKey, path, query, hooks));
    if (r.kind === 'value')
      return { ok: true, body: r.value, ...(r.status !== undefined ? { status: r.status } : {}) };
    if (r.kind === 'over_budget') return { ok: false, budget: true, notFound: false, error: 'budget' };
    return {
      ok: false,
      budget: false,
      notFound: r.err instanceof SyncroNotFoundError,
      ...(r.status !== undefined ? { status: r.status } : {}),
      error: errorFact(r.err, readerKey),
    };
  }

  /** A shape check of one read, pushed to the report; returns the body when it was read. */
  async function shape(
    what: ShapeName,
    endpoint: string,
    path: string,
    schema: z.ZodType,
    opts: {
      query?: Record<string, string | number | undefined>;
      /** The answer holds nothing to check (an empty list). */
      empty?: (body: unknown) => boolean;
      observe?: (body: unknown) => Observation[];
    } = {},
  ): Promise<unknown> {
    const r = await read(path, opts.query);
    const id = `shapes.${what}`;
    if (!r.ok) {
      push(id, 'shapes', r.budget ? 'skip' : 'fail', {
        kind: 'syncro_shape',
        what,
        endpoint,
        result: r.budget ? 'budget' : 'error',
        issues: [],
        observations: [],
        ...(r.status !== undefined ? { status: r.status } : {}),
        ...(r.budget ? {} : { error: r.error }),
      });
      return undefined;
    }
    const issues = shapeIssues(schema, r.body);
    const observations = opts.observe?.(r.body) ?? [];
    const empty = issues.length === 0 && (opts.empty?.(r.body) ?? false);
    push(id, 'shapes', issues.length > 0 ? 'fail' : empty ? 'warn' : 'ok', {
      kind: 'syncro_shape',
      what,
      endpoint,
      result: issues.length > 0 ? 'mismatch' : empty ? 'none_found' : 'ok',
      issues,
      observations,
    });
    return r.body;
  }

  function notRead(what: ShapeName, endpoint: string, result: 'none_found' | 'budget'): void {
    push(`shapes.${what}`, 'shapes', result === 'budget' ? 'skip' : 'warn', {
      kind: 'syncro_shape',
      what,
      endpoint,
      result,
      issues: [],
      observations: [],
    });
  }

  // --- statuses (GET /tickets/settings, also a shape) ----------------------------------------------------
  const settings = await shape(
    'ticket_settings',
    'GET /tickets/settings',
    '/tickets/settings',
    ticketSettingsSchema,
    {
      observe: (b) => [observeTicketTypes(b)],
    },
  );
  const statusList = listAt(settings, 'ticket_status_list').filter((s): s is string => typeof s === 'string');
  if (settings === undefined) {
    const budget = spend.skipped > 0;
    push('syncro.statuses', 'syncro', budget ? 'skip' : 'fail', {
      kind: 'syncro_statuses',
      result: budget ? 'budget' : 'error',
      available: [],
      configured: configuredStatuses(file).map((c) => ({ ...c, found: false })),
    });
  } else {
    const configured = configuredStatuses(file).map((c) => {
      const found = statusList.includes(c.value);
      const near = found
        ? undefined
        : statusList.find((s) => s.toLowerCase().replace(/\s+/g, ' ') === c.value.toLowerCase().trim());
      return { ...c, found, ...(near ? { near } : {}) };
    });
    const missing = configured.some((c) => !c.found);
    push('syncro.statuses', 'syncro', missing ? 'fail' : 'ok', {
      kind: 'syncro_statuses',
      result: missing ? 'missing' : 'ok',
      available: statusList,
      configured,
    });
  }

  // --- labour products -----------------------------------------------------------------------------------
  const productBodies = new Map<number, Awaited<ReturnType<typeof read>>>();
  const productIssues: Array<ReturnType<typeof shapeIssues>> = [];
  for (const [laborType, lt] of Object.entries(file.labor_types)) {
    const base = {
      kind: 'syncro_product' as const,
      laborType,
      label: lt.label ?? laborType,
      productId: lt.product_id,
      taxableConfigured: lt.taxable,
    };
    let r = productBodies.get(lt.product_id);
    if (!r) {
      r = await read(`/products/${lt.product_id}`);
      productBodies.set(lt.product_id, r);
      if (r.ok) productIssues.push(shapeIssues(productResponse, r.body));
    }
    const id = `syncro.product.${laborType}`;
    if (!r.ok) {
      if (r.budget) push(id, 'syncro', 'skip', { ...base, result: 'budget' });
      else if (r.notFound) push(id, 'syncro', 'fail', { ...base, result: 'not_found' });
      else push(id, 'syncro', 'fail', { ...base, result: 'error', error: r.error });
      continue;
    }
    const parsed = productResponse.safeParse(r.body);
    if (!parsed.success) {
      push(id, 'syncro', 'fail', { ...base, result: 'error', error: 'shape' });
      continue;
    }
    const p = parsed.data.product;
    const product = {
      name: p.name,
      price: p.price_retail ?? null,
      taxable: p.taxable ?? null,
      disabled: p.disabled ?? null,
    };
    const taxableMismatch = p.taxable === true && !lt.taxable;
    const noLivePrice = file.billing.price === 'live' && product.price === null;
    const status = p.disabled === true ? 'fail' : taxableMismatch || noLivePrice ? 'warn' : 'ok';
    push(id, 'syncro', status, {
      ...base,
      result: 'ok',
      product,
      ...(taxableMismatch ? { taxableMismatch } : {}),
      ...(noLivePrice ? { noLivePrice } : {}),
    });
  }
  if (productIssues.length > 0) {
    const issues = mergeIssues(productIssues.flat());
    push('shapes.product', 'shapes', issues.length > 0 ? 'fail' : 'ok', {
      kind: 'syncro_shape',
      what: 'product',
      endpoint: 'GET /products/{id}',
      result: issues.length > 0 ? 'mismatch' : 'ok',
      issues,
      observations: [],
    });
  }

  // --- shapes: one real ticket, its comments, a customer, an invoice, timers, appointments ----------------
  const tickets = await shape('ticket_list', 'GET /tickets', '/tickets', ticketListResponse, {
    query: { page: 1 },
    empty: (b) => listAt(b, 'tickets').length === 0,
  });
  const ticketId = idAt(listAt(tickets, 'tickets')[0], 'id');
  let customerId: number | undefined;
  if (ticketId !== undefined) {
    const ticket = await shape('ticket', 'GET /tickets/{id}', `/tickets/${ticketId}`, ticketResponse);
    const t = (ticket as { ticket?: unknown } | undefined)?.ticket;
    customerId = idAt(t, 'customer_id');
    await shape(
      'comments',
      'GET /tickets/{id}/comments',
      `/tickets/${ticketId}/comments`,
      commentListResponse,
      {
        empty: (b) => listAt(b, 'comments').length === 0,
      },
    );
  } else if (tickets !== undefined) {
    notRead('ticket', 'GET /tickets/{id}', 'none_found');
    notRead('comments', 'GET /tickets/{id}/comments', 'none_found');
  }

  const customers = await shape('customer_list', 'GET /customers', '/customers', customerListResponse, {
    query: { page: 1 },
    empty: (b) => listAt(b, 'customers').length === 0,
    observe: (b) => [observeListContacts(b)],
  });
  customerId ??= idAt(listAt(customers, 'customers')[0], 'id');
  if (customerId !== undefined)
    await shape('customer', 'GET /customers/{id}', `/customers/${customerId}`, customerResponse);
  else if (customers !== undefined) notRead('customer', 'GET /customers/{id}', 'none_found');

  const invoices = await shape('invoice_list', 'GET /invoices', '/invoices', invoiceListResponse, {
    query: { page: 1 },
    empty: (b) => listAt(b, 'invoices').length === 0,
  });
  const invoiceList = listAt(invoices, 'invoices');
  const invoiceId = idAt(invoiceList[0], 'id');
  if (invoiceId !== undefined) {
    await shape('invoice', 'GET /invoices/{id}', `/invoices/${invoiceId}`, invoiceEitherResponse, {
      observe: (b) => [observeInvoiceWrapper(b)],
    });
  } else if (invoices !== undefined) notRead('invoice', 'GET /invoices/{id}', 'none_found');

  // The invoice category: Syncro has no list of them; the categories of the latest invoices are what is known.
  const categories = invoiceList.map((i) => stringAt(i, 'category'));
  const seen = [...new Set(categories.filter((c): c is string => c !== undefined && c !== ''))];
  const configuredCategory = file.billing.invoice_category;
  const categoryResult =
    invoices === undefined
      ? 'unread'
      : invoiceList.length === 0
        ? 'no_invoices'
        : categories.every((c) => c === undefined)
          ? 'no_category_field'
          : seen.includes(configuredCategory)
            ? 'seen'
            : 'not_seen';
  push(
    'syncro.invoice_category',
    'syncro',
    categoryResult === 'seen' ? 'ok' : categoryResult === 'unread' ? 'skip' : 'warn',
    {
      kind: 'syncro_invoice_category',
      configured: configuredCategory,
      result: categoryResult,
      seen,
      invoicesRead: invoiceList.length,
    },
  );

  await shape('timers', 'GET /ticket_timers', '/ticket_timers', timerListResponse, {
    query: { page: 1 },
    empty: (b) => listAt(b, 'ticket_timers').length === 0,
    observe: (b) => [observeTimerBillable(b)],
  });
  const now = deps.now?.() ?? Date.now();
  await shape('appointments', 'GET /appointments', '/appointments', appointmentListResponse, {
    query: { mine: 'true', date_from: new Date(now - 30 * 86_400_000).toISOString().slice(0, 10), page: 1 },
    empty: (b) => listAt(b, 'appointments').length === 0,
  });

  out.push(budgetCheck(spend, cap, deps.limitPerMinute, client, deps.ownLimiter === true));
  return out;
}

function budgetCheck(
  spend: Spend,
  cap: number,
  limitPerMinute: number,
  client: SyncroHttpClient,
  ownLimiter: boolean,
): Check {
  const stats = client.limiter.stats();
  return {
    id: 'budget',
    section: 'budget',
    status: spend.skipped > 0 ? 'warn' : 'ok',
    facts: {
      kind: 'syncro_budget',
      spent: spend.spent,
      cap,
      skipped: spend.skipped,
      limitPerMinute,
      headers: spend.headers,
      window: {
        used: stats.startedInWindow,
        limit: stats.limit,
        ...(ownLimiter ? { doctorOnly: true } : {}),
      },
    },
  };
}

function mergeIssues(list: ReturnType<typeof shapeIssues>): ReturnType<typeof shapeIssues> {
  const byKey = new Map<string, (typeof list)[number]>();
  for (const i of list) {
    const key = `${i.path}\u0000${i.problem}`;
    const seen = byKey.get(key);
    if (seen) seen.count += i.count;
    else byKey.set(key, { ...i });
  }
  return [...byKey.values()];
}

/** An error as a short fact: a key source's problem in its words, a Syncro error's code; never a key. */
function errorFact(err: unknown, key?: string): string {
  const scrub = (t: string) => {
    const out = redactText(t);
    return key && key.length >= 6 ? out.split(key).join('[REDACTED]') : out;
  };
  if (err instanceof KeySourceError) return scrub(err.message);
  if (err instanceof SyncroSchemaMismatchError) return scrub(`${err.code} ${err.path}: ${err.detail}`);
  if (err instanceof AppError) return err.code;
  return 'UNEXPECTED';
}
