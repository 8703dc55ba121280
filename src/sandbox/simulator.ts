import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_KEYS, type SeedKind } from './demo-data.js';
import {
  badRequestPage,
  flattenHeaders,
  isJsonContentType,
  json,
  notFound,
  type Reply,
  readBody,
  send,
} from './http.js';
import { RollingWindowLimiter } from './rate-limit.js';
import { dispatch } from './routes/index.js';
import { SimState } from './state.js';
import type { RecordedRequest, SimUser, SimulatorOptions, SyncroSimulator } from './types.js';

/**
 * A stateful Syncro API simulator on loopback: the backend of sandbox mode (SYNCRO_SANDBOX=1) and the project's
 * test fake (request recording; tests add fault injection through `hook`, see test/support/faults.ts). Each
 * request is handled in one synchronous step once its body has arrived: record → rate limit → auth → content
 * type → hook → route → answer.
 */

export { DEMO_KEYS, DEMO_PRODUCTS, DEMO_STAFF, DEMO_STATUSES, type SeedKind } from './demo-data.js';
export type {
  CommentReads,
  CommentRendering,
  SimComment,
  SimContact,
  SimCustomer,
  SimInvoice,
  SimInvoiceLine,
  SimLineItem,
  SimProduct,
  SimStaffUser,
  SimTicket,
  SimTimer,
} from './state.js';
export { SimState } from './state.js';
export type { RecordedRequest, RequestHook, SimUser, SimulatorOptions, SyncroSimulator } from './types.js';

const API_PREFIX = '/api/v1';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

const DEFAULT_REQUEST_LOG_SIZE = 1000;

/** A reply to send, or a hook's own way of answering on the raw response. */
type Outcome = Reply | ((res: ServerResponse) => void);

interface Waiter {
  n: number;
  match: (r: RecordedRequest) => boolean;
  resolve: (matches: RecordedRequest[]) => void;
  reject: (error: Error) => void;
}

export async function startSyncroSimulator(opts: SimulatorOptions = {}): Promise<SyncroSimulator> {
  const clock = opts.now ?? (() => new Date());
  const defaultSeed = opts.seed ?? 'demo';
  const state = new SimState(clock);
  const keys = new Map<string, SimUser>();
  const userTokens = new Map<string, string>();
  const hook = opts.hook;
  const logSize = Math.max(1, opts.requestLogSize ?? DEFAULT_REQUEST_LOG_SIZE);
  const limiter =
    opts.rateLimitPerMinute === undefined ? undefined : new RollingWindowLimiter(opts.rateLimitPerMinute);
  const requests: RecordedRequest[] = [];
  const waiters = new Set<Waiter>();

  /** A key's user must also exist as a Syncro user, or tickets assigned to it would have no `user`. */
  const ensureStaff = (u: SimUser) =>
    state.addUser({ id: u.user_id, full_name: u.user_name, email: u.user_email });
  const addKey = (key: string, user: SimUser) => {
    keys.set(key, user);
    ensureStaff(user);
  };
  state.reset(defaultSeed);
  for (const [key, user] of Object.entries(opts.keys ?? DEMO_KEYS)) addKey(key, user);

  function process(record: RecordedRequest, pathname: string): Outcome {
    if (limiter) {
      const verdict = limiter.admit(record.at);
      if (!verdict.ok) {
        // Undocumented in Syncro: an empty body and Retry-After is all a client can rely on.
        return { status: 429, text: '', headers: { 'retry-after': String(verdict.retryAfterSeconds) } };
      }
    }
    if (pathname !== API_PREFIX && !pathname.startsWith(`${API_PREFIX}/`)) return notFound();
    const user = record.apiKey === undefined ? undefined : keys.get(record.apiKey);
    if (!user || record.apiKey === undefined) return json({ error: 'Unauthorized' }, 401);
    if (BODY_METHODS.has(record.method)) {
      const unparsable = record.rawBody.trim() !== '' && record.body === undefined;
      if (!isJsonContentType(record.headers['content-type']) || unparsable) return badRequestPage();
    }
    const apiKey = record.apiKey;
    const run = () =>
      dispatch(record.method, record.path, {
        state,
        user,
        userToken: userTokenOf(apiKey),
        query: record.query,
        body: isObject(record.body) ? record.body : {},
        invoiceGetShape: opts.invoiceGetShape ?? 'wrapped',
      });
    return hook?.answer(record, run) ?? run();
  }

  function userTokenOf(key: string): string {
    let token = userTokens.get(key);
    if (!token) {
      token = randomUUID();
      userTokens.set(key, token);
    }
    return token;
  }

  function notifyWaiters(): void {
    for (const w of waiters) {
      const matches = requests.filter(w.match);
      if (matches.length >= w.n) {
        waiters.delete(w);
        w.resolve(matches);
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://simulator');
    const record = recordRequest(req, url, rawBody, clock().getTime());
    requests.push(record);
    if (requests.length > logSize) requests.splice(0, requests.length - logSize);
    const outcome = process(record, url.pathname);
    // The request is fully handled (a write is in `state`) before anyone waiting for it resumes.
    notifyWaiters();
    if (typeof outcome === 'function') outcome(res);
    else send(res, outcome);
  }

  const server = createServer((req, res) => void handle(req, res));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const webUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${webUrl}${API_PREFIX}`,
    webUrl,
    state,
    requests,
    writes: () => requests.filter((r) => WRITE_METHODS.has(r.method)),
    waitForRequests(n, match = () => true) {
      const matches = requests.filter(match);
      if (matches.length >= n) return Promise.resolve(matches);
      const waiting = new Promise<RecordedRequest[]>((resolve, reject) =>
        waiters.add({ n, match, resolve, reject }),
      );
      // A wait a finished test left behind must not surface as an unhandled rejection at close();
      // whoever awaits it still sees the rejection.
      waiting.catch(() => {});
      return waiting;
    },
    reset(seed?: SeedKind) {
      state.reset(seed ?? defaultSeed);
      for (const user of keys.values()) ensureStaff(user);
      requests.length = 0;
      hook?.reset?.();
      limiter?.clear();
    },
    addKey,
    revokeKey: (key: string) => void keys.delete(key),
    async close() {
      for (const w of waiters) w.reject(new Error('Syncro simulator closed'));
      waiters.clear();
      hook?.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function recordRequest(req: IncomingMessage, url: URL, rawBody: string, at: number): RecordedRequest {
  const headers = flattenHeaders(req.headers);
  const query = Object.fromEntries(url.searchParams);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  const path = url.pathname.startsWith(`${API_PREFIX}/`)
    ? url.pathname.slice(API_PREFIX.length)
    : url.pathname;
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    url: req.url ?? '/',
    query,
    headers,
    body: parseJson(rawBody),
    rawBody,
    apiKey: bearer ?? query.api_key,
    at,
  };
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
