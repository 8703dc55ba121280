import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { afterAcks } from '../ack-first.js';
import { KeySourceError } from '../errors.js';
import { type Logger, redactText } from '../logger.js';
import { htmlToText } from '../text/html.js';
import {
  type SyncroError,
  SyncroNetworkError,
  SyncroNotFoundError,
  SyncroRateLimitedError,
  SyncroSchemaMismatchError,
  SyncroServerError,
  SyncroTimeoutError,
  SyncroUnauthorizedError,
  SyncroValidationError,
  SyncroWriteOutcomeUnknownError,
  type UnknownOutcomeReason,
} from './errors.js';
import { markOnTheWire } from './on-the-wire.js';
import { ambientRequestPerson, ambientRequestPriority } from './priority.js';
import { type RateLimiter, RateLimiterUnavailableError, type RequestPriority } from './rate-limiter.js';
import { noRetryPolicy, type RetryPolicy } from './retry-policies.js';

/**
 * The ONE chokepoint between the bot and Syncro: the only code that knows about undici. Per call it takes the
 * acting person's key (sent as `Authorization: Bearer`, never in the URL), waits for the account-wide rate
 * limiter, applies the timeout, maps every status to an error class, parses the answer with the endpoint's
 * schema, and logs one redacted line.
 *
 * Writes (POST/PUT/DELETE) are sent at most once. Anything that may have reached Syncro without a usable answer
 * becomes SyncroWriteOutcomeUnknownError, for the caller to reconcile by reading back. The single exception is
 * a 429: Syncro refused the request and wrote nothing, so it is sent again after Retry-After (bounded).
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestSpec<S extends z.ZodType> {
  method: HttpMethod;
  /** Below the API base, e.g. `/tickets/123/comment`: ids only, never a key. */
  path: string;
  /** Undefined/null values are left out. `api_key` is refused: the key travels in a header only. */
  query?: Record<string, QueryValue>;
  /** Sent as JSON (writes only). */
  body?: unknown;
  /** The endpoint's answer, wrapper included. */
  schema: S;
}

/** Per-call hooks, so the Slack layer can tell the person what is happening. */
export interface RequestHooks {
  /** Called when the request must queue for the rate limit (or a 429 pause), with the estimated wait. */
  onRateLimitWait?: (waitMs: number) => void;
  /**
   * Within the rate limit a person waiting goes first: `interactive` (the default) ahead of `background`
   * (sweeps, read-backs nobody watches). Without it, the priority set by withRequestPriority applies.
   */
  priority?: RequestPriority;
  /**
   * Called with every answer's status and headers (each attempt). The doctor reads rate-limit headers with it;
   * headers never carry the key (it is only in the request).
   */
  onResponse?: (response: { status: number; headers: Record<string, string | string[] | undefined> }) => void;
  /**
   * One attempt only, whatever the read retry policy: for a caller that counts its requests against a cap (the
   * doctor), where a retry would be a request it did not count.
   */
  noRetry?: boolean;
  /**
   * Whom the request is for (a Slack user id), for their share of the rate limit. Without it, the person set by
   * withRequestPerson applies (an identity's api sets it).
   */
  person?: string;
}

export interface RequesterOptions {
  /** The API base, e.g. `https://acme.syncromsp.com/api/v1`. */
  baseUrl: string;
  dispatcher: Dispatcher;
  /** Overall limit for one attempt, from sending to the last byte of the answer. */
  timeoutMs: number;
  limiter: RateLimiter;
  logger: Logger;
  readRetryPolicy: RetryPolicy;
  /** Backoff between read retries; tests pass an instant one. */
  sleep: (ms: number) => Promise<void>;
  /** How many times a write refused with 429 is sent again. Default 3. */
  maxWriteRateLimitResends?: number;
  /**
   * Retry-After is honoured up to this cap (default 5 minutes): the whole account pauses for at most this long,
   * and a request told to wait longer is not sent again (SyncroRateLimitedError, with the wait Syncro asked).
   */
  maxRetryAfterMs?: number;
}

export type SyncroRequester = <S extends z.ZodType>(
  apiKey: string,
  spec: RequestSpec<S>,
  hooks?: RequestHooks,
) => Promise<z.output<S>>;

/** Used when a 429 carries no usable Retry-After: Syncro's window is one minute. */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

/** The default cap on a Retry-After that is waited for (SYNCRO_RETRY_AFTER_CAP_SECONDS). */
export const DEFAULT_RETRY_AFTER_CAP_MS = 5 * 60_000;

export function createSyncroRequester(opts: RequesterOptions): SyncroRequester {
  const base = new URL(opts.baseUrl);
  if (base.search || base.hash) throw new TypeError('Syncro baseUrl must not have a query or fragment');
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, '');
  const log = opts.logger.child({ component: 'syncro' });
  const policy = opts.readRetryPolicy;
  const maxResends = opts.maxWriteRateLimitResends ?? 3;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? DEFAULT_RETRY_AFTER_CAP_MS;

  return async function request<S extends z.ZodType>(
    apiKey: string,
    spec: RequestSpec<S>,
    hooks?: RequestHooks,
  ): Promise<z.output<S>> {
    assertUsableKey(apiKey);
    const isWrite = spec.method !== 'GET';
    const reads = hooks?.noRetry ? noRetryPolicy : policy;
    const endpoint = `${spec.method} ${spec.path}`;
    const qs = buildQuery(spec.query);
    const target = { origin, path: basePath + spec.path + (qs ? `?${qs}` : '') };
    const bodyText = isWrite ? JSON.stringify(spec.body ?? {}) : undefined;
    const scrub = (text: string) => scrubKey(text, apiKey);

    const priority = hooks?.priority ?? ambientRequestPriority() ?? 'interactive';
    const person = hooks?.person ?? ambientRequestPerson();
    let rateLimitResends = 0;
    for (let attempt = 1; ; attempt++) {
      const release = await acquire(endpoint, priority, person, hooks);
      const started = performance.now();
      let outcome: Awaited<ReturnType<typeof attemptOnce>>;
      // From here the write is on its way: the card says "sent, waiting for Syncro" (on-the-wire.ts).
      if (isWrite) markOnTheWire();
      try {
        outcome = await attemptOnce(spec, target, apiKey, bodyText, endpoint, isWrite, scrub, hooks);
      } finally {
        // Syncro counted this request somewhere between our start and now: the window runs from now.
        release();
      }
      // At info this line is not written: do not build it (nor redact the query) on every call.
      if (log.isLevelEnabled('debug')) {
        const ms = Math.round(performance.now() - started);
        log.debug(
          {
            method: spec.method,
            path: spec.path,
            query: qs ? redactText(qs) : undefined,
            status: outcome.status,
            ms,
            attempt,
          },
          'syncro request',
        );
      }
      if (outcome.ok) return outcome.value as z.output<S>;

      const err = outcome.error;
      log.warn(
        {
          method: spec.method,
          path: spec.path,
          attempt,
          status: outcome.status,
          code: err.code,
          reason: err instanceof SyncroWriteOutcomeUnknownError ? err.reason : undefined,
          error: scrub(err.message),
        },
        'syncro request failed',
      );

      if (err instanceof SyncroRateLimitedError) {
        // Any 429 holds the whole account's queue (every replica's, with a shared limiter): the limit is per
        // IP, every key together. A Retry-After beyond the cap pauses for the cap only, so that a wild value
        // cannot stop the bot for hours; the request that got it is not sent again.
        opts.limiter.pause(Math.min(err.retryAfterMs, maxRetryAfterMs));
        const waitable = err.retryAfterMs <= maxRetryAfterMs;
        if (isWrite) {
          // Syncro refused it, so nothing was written: the one case where a write is sent again.
          if (waitable && rateLimitResends < maxResends) {
            rateLimitResends++;
            continue;
          }
          throw err;
        }
        if (waitable && attempt <= reads.retries && reads.shouldRetry(err)) continue; // the limiter waits
        throw err;
      }
      if (!isWrite && attempt <= reads.retries && reads.shouldRetry(err)) {
        const delay = reads.delayMs(attempt);
        if (delay > 0) await opts.sleep(delay);
        continue;
      }
      throw err;
    }
  };

  /** A slot from the limiter; a shared limiter that cannot be reached becomes "nothing was sent". */
  async function acquire(
    endpoint: string,
    priority: RequestPriority,
    person: string | undefined,
    hooks: RequestHooks | undefined,
  ) {
    try {
      return await opts.limiter.acquire({ onWait: hooks?.onRateLimitWait, priority, person });
    } catch (err) {
      if (!(err instanceof RateLimiterUnavailableError)) throw err;
      throw new SyncroNetworkError(
        `The shared Syncro rate limit could not be checked for ${endpoint} (${redactText(err.message)}); nothing was sent`,
        endpoint,
        { cause: err },
      );
    }
  }

  async function attemptOnce(
    spec: RequestSpec<z.ZodType>,
    target: { origin: string; path: string },
    apiKey: string,
    bodyText: string | undefined,
    endpoint: string,
    isWrite: boolean,
    scrub: (t: string) => string,
    hooks: RequestHooks | undefined,
  ): Promise<
    { ok: true; value: unknown; status: number } | { ok: false; error: SyncroError; status?: number }
  > {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, opts.timeoutMs);
    let status: number | undefined;
    let headers: Record<string, string | string[] | undefined> = {};
    let text = '';
    let failure: unknown;
    try {
      const res = await opts.dispatcher.request({
        origin: target.origin,
        path: target.path,
        method: spec.method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': 'syncro-slack',
        },
        body: bodyText ?? null,
        signal: controller.signal,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
      status = res.statusCode;
      headers = res.headers;
      hooks?.onResponse?.({ status, headers });
      text = await res.body.text();
    } catch (err) {
      failure = err;
    } finally {
      clearTimeout(timer);
    }

    if (failure !== undefined) {
      // A status that is a known refusal stays one even if its body was lost: nothing was written.
      const known = status !== undefined ? mapRefusal(status, '', headers, endpoint) : undefined;
      if (known) return { ok: false, error: known, status };
      return { ok: false, error: transportError(failure, timedOut, endpoint, isWrite, status), status };
    }
    const s = status as number;

    if (s >= 200 && s < 300) {
      // Parsing a large answer is the heaviest step of a read: requests waiting for their ack go first.
      await afterAcks();
      const parsed = parseBody(text, spec.schema, endpoint, isWrite, s);
      return parsed.ok
        ? { ok: true, value: parsed.value, status: s }
        : { ok: false, error: parsed.error, status: s };
    }
    const refusal = mapRefusal(s, text, headers, endpoint, scrub);
    if (refusal) return { ok: false, error: refusal, status: s };
    // 5xx, 3xx (redirects are never followed) and anything else: on a write, it may have been processed.
    const error = isWrite
      ? new SyncroWriteOutcomeUnknownError(endpoint, 'server_error', { status: s, detail: `HTTP ${s}` })
      : new SyncroServerError(endpoint, s);
    return { ok: false, error, status: s };
  }
}

/**
 * 4xx answers: Syncro looked at the request and refused it, so nothing was written. Returns undefined for
 * statuses that are not refusals.
 */
function mapRefusal(
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
  endpoint: string,
  scrub: (t: string) => string = redactText,
): SyncroError | undefined {
  if (status === 401)
    return new SyncroUnauthorizedError(`Syncro refused the key on ${endpoint} (HTTP 401)`, endpoint);
  if (status === 403) {
    return new SyncroUnauthorizedError(
      `The key may not do ${endpoint} (HTTP 403: missing permission)`,
      endpoint,
    );
  }
  if (status === 404) return new SyncroNotFoundError(`Syncro has no such record (${endpoint})`, endpoint);
  if (status === 429) return new SyncroRateLimitedError(endpoint, parseRetryAfter(headers['retry-after']));
  if (status >= 400 && status < 500) {
    return new SyncroValidationError(endpoint, status, extractSyncroMessages(text).map(scrub));
  }
  return undefined;
}

function parseBody(
  text: string,
  schema: z.ZodType,
  endpoint: string,
  isWrite: boolean,
  status: number,
): { ok: true; value: unknown } | { ok: false; error: SyncroError } {
  const unusable = (reason: UnknownOutcomeReason, detail: string, cause?: SyncroSchemaMismatchError) =>
    ({
      ok: false,
      error: isWrite
        ? new SyncroWriteOutcomeUnknownError(endpoint, reason, {
            status,
            detail,
            cause,
            webPage: cause?.webPage === true,
          })
        : (cause ?? new SyncroSchemaMismatchError(endpoint, '(body)', detail)),
    }) as const;

  if (text.trim() === '') return unusable('empty_body', 'the answer was empty');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A login page or a wrong SYNCRO_BASE_URL answers 200 with HTML: say so, it is the admin's to fix.
    if (looksLikeHtml(text)) {
      const page = SyncroSchemaMismatchError.webPage(endpoint);
      return unusable('unparseable_body', page.detail, page);
    }
    return unusable('unparseable_body', 'the answer was not JSON');
  }
  if (json === null) return unusable('null_body', 'the answer was null');
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const { path, detail } = describeZodError(result.error);
  const mismatch = new SyncroSchemaMismatchError(endpoint, path, detail);
  return unusable('schema_mismatch', `${path}: ${detail}`, mismatch);
}

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<\?xml)/i.test(text);
}

interface ZodIssueLike {
  code?: string;
  path: PropertyKey[];
  message: string;
  errors?: ZodIssueLike[][];
}

/** The first bad path and what was wrong there, e.g. `comment.id` / `expected number, received undefined`. */
export function describeZodError(error: { issues: readonly unknown[] }): { path: string; detail: string } {
  let issue = error.issues[0] as ZodIssueLike | undefined;
  const prefix: PropertyKey[] = [];
  // A union (e.g. GET /invoices/{id}, flat or wrapped): report the branch that got furthest.
  while (issue?.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
    prefix.push(...issue.path);
    const branches = issue.errors.filter((b) => b.length > 0);
    const best = branches.reduce<ZodIssueLike[] | undefined>(
      (a, b) => (!a || (b[0]?.path.length ?? 0) > (a[0]?.path.length ?? 0) ? b : a),
      undefined,
    );
    if (!best?.[0]) break;
    issue = best[0];
  }
  if (!issue) return { path: '(body)', detail: 'did not match' };
  const full = [...prefix, ...issue.path];
  return { path: formatPath(full), detail: redactText(issue.message.replace(/^Invalid input:\s*/i, '')) };
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Error codes that mean the connection was never established: nothing was sent. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || depth > 3) return;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const subs = (e as { errors?: unknown }).errors;
    if (Array.isArray(subs)) for (const s of subs) visit(s, depth + 1);
    visit((e as { cause?: unknown }).cause, depth + 1);
  };
  visit(err, 0);
  return codes;
}

function transportError(
  err: unknown,
  timedOut: boolean,
  endpoint: string,
  isWrite: boolean,
  status: number | undefined,
): SyncroError {
  const codes = errorCodes(err);
  const code = codes[0] ?? (err instanceof Error ? err.name : 'unknown');
  const isTimeout = timedOut || codes.some((c) => TIMEOUT_CODES.has(c));
  // Never established (refused, DNS, connect timeout): nothing can have reached Syncro, even for a write.
  const notSent =
    status === undefined && !timedOut && codes.length > 0 && codes.every((c) => NOT_SENT_CODES.has(c));
  if (notSent) {
    return new SyncroNetworkError(
      `Could not connect to Syncro for ${endpoint} (${code}); nothing was sent`,
      endpoint,
      {
        cause: err,
      },
    );
  }
  if (isWrite) {
    // NOTE: a timeout before the connection was up would be safe too, but undici does not tell us which phase
    // it was in, so it is treated as "may have been sent". Keep connectTimeoutMs below timeoutMs.
    return new SyncroWriteOutcomeUnknownError(endpoint, isTimeout ? 'timeout' : 'connection_reset', {
      cause: err,
      status,
      detail: isTimeout ? 'no complete answer in time' : `connection failed after sending (${code})`,
    });
  }
  if (isTimeout)
    return new SyncroTimeoutError(`Syncro did not answer ${endpoint} in time`, endpoint, { cause: err });
  return new SyncroNetworkError(`Network failure talking to Syncro on ${endpoint} (${code})`, endpoint, {
    cause: err,
  });
}

/** Retry-After in seconds or as an HTTP date; 60 s when missing or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const date = Date.parse(t);
  if (Number.isNaN(date)) return DEFAULT_RETRY_AFTER_MS;
  return Math.max(0, date - now);
}

const MAX_TEXT_MESSAGE = 200;

/**
 * Syncro's own words from an error body, whatever its shape: `{"error": "…"}`, `{"success": false,
 * "message": ["…"]}`, `{"errors": "a, b", "params": {}}`, `{"errors": [...]}`, field maps
 * (`{"subject": ["can't be blank"]}` → "subject can't be blank"), and HTML or plain text (tag-stripped, short).
 */
export function extractSyncroMessages(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    // An HTML error page (a proxy, a 500) or plain text: one line of its words.
    const plain = htmlToText(trimmed).replace(/\s+/g, ' ').trim();
    return plain ? [truncate(plain, MAX_TEXT_MESSAGE)] : [];
  }
  return dedupe(
    fromJson(json)
      .map((m) => m.trim())
      .filter((m) => m !== ''),
  );
}

/** Keys that carry no message of their own in Syncro's error bodies. */
const NON_MESSAGE_KEYS = new Set(['success', 'params', 'status', 'code', 'meta']);

function fromJson(value: unknown, field?: string): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [field ? `${field} ${value}` : value];
  if (typeof value === 'number' || typeof value === 'boolean')
    return field ? [`${field} ${String(value)}`] : [];
  if (Array.isArray(value)) return value.flatMap((v) => fromJson(v, field));
  if (typeof value !== 'object') return [];
  const obj = value as Record<string, unknown>;
  const out: string[] = [];
  // The well-known message keys first, without a field prefix.
  for (const key of ['error', 'errors', 'message', 'messages']) {
    if (key in obj) out.push(...fromJson(obj[key], field));
  }
  if (out.length > 0) return out;
  // Otherwise a field map: {"subject": ["can't be blank"]}, possibly nested under a field.
  for (const [key, v] of Object.entries(obj)) {
    if (NON_MESSAGE_KEYS.has(key)) continue;
    out.push(...fromJson(v, field ? `${field} ${key}` : key));
  }
  return out;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k.toLowerCase() === 'api_key')
      throw new TypeError('the Syncro key travels in the Authorization header only');
    if (v === undefined || v === null) continue;
    params.append(k, String(v));
  }
  return params.toString();
}

/** Refuses keys that would corrupt the header; the message never contains the key. */
function assertUsableKey(apiKey: string): void {
  if (typeof apiKey !== 'string' || !/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new KeySourceError('the Syncro key is empty or contains characters that cannot go in a header');
  }
}

/** redactText, plus the literal key, in case Syncro ever echoes it back. */
function scrubKey(text: string, apiKey: string): string {
  const out = redactText(text);
  return apiKey.length >= 6 ? out.split(apiKey).join('[REDACTED]') : out;
}
