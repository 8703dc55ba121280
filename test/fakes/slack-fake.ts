/**
 * A loopback fake of the two Slack endpoints the bot talks to:
 *
 * - the Web API (`apiUrl`, ends with `/api/`; give it to Bolt/WebClient as `slackApiUrl`): every call is
 *   recorded (method from the path, body parsed from form or JSON, bearer token) and answered with a
 *   realistic `{ok: true, ...}` body;
 * - response_url endpoints (`responseUrl()` hands out fresh URLs on the fake): every POST is recorded, uses
 *   are counted per URL and, like Slack, a URL accepts at most 5 uses (later ones get HTTP 404 `used_url`).
 *
 * Waiting is event-driven: `waitFor*` first looks at what has already been recorded, then re-checks on every
 * new event; the only timer is a failure timeout so a broken test fails instead of hanging.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Slack allows a response_url to be used this many times (within 30 minutes). */
export const RESPONSE_URL_MAX_USES = 5;

export interface RecordedCall {
  /** Position among all recorded events (calls and responses), from 1. */
  seq: number;
  /** Web API method, e.g. `chat.postMessage`. */
  method: string;
  /**
   * Arguments: form fields (values that WebClient JSON-encoded, such as `blocks` or `view`, are decoded back;
   * booleans and numbers stay strings as sent) or the JSON body, merged over query parameters.
   */
  body: Record<string, unknown>;
  /** Bearer token from `Authorization`, else the `token` argument. */
  token: string | undefined;
  contentType: string | undefined;
  /** What the fake answered. */
  reply: { status: number; body: Record<string, unknown> };
}

export interface ResponseUrlBody {
  text?: string;
  blocks?: unknown[];
  replace_original?: boolean;
  delete_original?: boolean;
  response_type?: 'ephemeral' | 'in_channel';
  [key: string]: unknown;
}

export interface RecordedResponse {
  seq: number;
  /** The full response_url posted to. */
  url: string;
  /** The id part of the URL (`/response/<id>`). */
  id: string;
  body: ResponseUrlBody;
  /** 1 for the first POST to this URL, 2 for the second, ... (counted whether accepted or not). */
  use: number;
  /** False when the fake answered with an error (used up, expired, no_text, bad JSON). */
  accepted: boolean;
  status: number;
  /** `ok` or the Slack error string. */
  result: string;
}

export type SlackFakeEvent =
  | { kind: 'call'; call: RecordedCall }
  | { kind: 'response'; response: RecordedResponse };

export interface ApiReply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

/** Overrides the answer to a method; return undefined to fall back to the default answer. */
export type ApiHandler = (call: Pick<RecordedCall, 'method' | 'body' | 'token'>) => ApiReply | undefined;

export interface WaitOptions {
  /** Fail after this long (default 5000 ms). */
  timeoutMs?: number;
}

export interface WaitNthOptions extends WaitOptions {
  /** Resolve with the nth matching event (1-based, default 1), counting ones recorded before the wait. */
  nth?: number;
}

export interface FakeUser {
  name?: string;
  realName?: string;
  displayName?: string;
}

export interface SlackFake {
  /** `http://127.0.0.1:<port>/api/` — WebClient's `slackApiUrl`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Every Web API call, in arrival order (cleared in place by reset()). */
  readonly calls: RecordedCall[];
  /** Every response_url POST, in arrival order (cleared in place by reset()). */
  readonly responses: RecordedResponse[];
  /** Calls and responses interleaved in arrival order. */
  readonly events: SlackFakeEvent[];
  /** A fresh response_url on the fake (`${baseUrl}/response/<name>-<n>`). */
  responseUrl(name?: string): string;
  /** How many times a response_url has been POSTed to. */
  responseUrlUses(url: string): number;
  /** Makes a response_url answer 404 `expired_url` from now on (Slack's 30-minute expiry). */
  expireResponseUrl(url: string): void;
  /** Details users.info answers for a user id. */
  setUser(id: string, user: FakeUser): void;
  /** Overrides the answer to a Web API method (e.g. an error or a 429). */
  respondWith(method: string, handler: ApiHandler): void;
  /** Recorded calls of one method. */
  callsTo(method: string): RecordedCall[];
  /** Resolves with the first truthy result of `select` over all events (checked now, then on every event). */
  waitFor<T>(
    select: (events: readonly SlackFakeEvent[]) => T | undefined | null | false,
    opts?: WaitOptions & { description?: string },
  ): Promise<T>;
  waitForCall(
    method: string,
    match?: (call: RecordedCall) => boolean,
    opts?: WaitNthOptions,
  ): Promise<RecordedCall>;
  waitForResponse(
    match?: (response: RecordedResponse) => boolean,
    opts?: WaitNthOptions,
  ): Promise<RecordedResponse>;
  /** Clears recordings, use counts, users and overrides (ts / id counters keep increasing). */
  reset(): void;
  close(): Promise<void>;
}

/** Convenience for respondWith: a Slack-style `{ok: false, error}` answer (HTTP 200, as Slack does). */
export function slackError(error: string, extra: Record<string, unknown> = {}): ApiReply {
  return { body: { ok: false, error, ...extra } };
}

const TEAM_ID = 'T1';
const BOT_USER_ID = 'UBOT';
const BOT_ID = 'BBOT';
const APP_ID = 'A0SYNCRO01';

interface Waiter {
  check: () => boolean;
}

function decodeFormValue(value: string): unknown {
  const first = value.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function startSlackFake(): Promise<SlackFake> {
  const calls: RecordedCall[] = [];
  const responses: RecordedResponse[] = [];
  const events: SlackFakeEvent[] = [];
  const waiters = new Set<Waiter>();
  const uses = new Map<string, number>();
  const expired = new Set<string>();
  const users = new Map<string, FakeUser>();
  const overrides = new Map<string, ApiHandler>();
  let seq = 0;
  let tsCounter = 0;
  let viewCounter = 0;
  let responseCounter = 0;
  const viewsByExternalId = new Map<string, string>();

  const nextTs = (): string => {
    tsCounter += 1;
    const sec = 1_700_000_000 + Math.floor(tsCounter / 10_000);
    const micro = (tsCounter % 10_000) * 100;
    return `${sec}.${String(micro).padStart(6, '0')}`;
  };
  const nextViewId = (): string => {
    viewCounter += 1;
    return `V${String(viewCounter).padStart(10, '0')}`;
  };

  const notify = (): void => {
    for (const w of [...waiters]) {
      if (w.check()) waiters.delete(w);
    }
  };

  const record = (event: SlackFakeEvent): void => {
    events.push(event);
    if (event.kind === 'call') calls.push(event.call);
    else responses.push(event.response);
    notify();
  };

  const dmFor = (channel: string): string => (/^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel);

  const buildView = (arg: unknown, id: string, previous: string | null): Record<string, unknown> => {
    const view = isObject(arg) ? arg : {};
    return {
      type: 'modal',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      external_id: '',
      ...view,
      id,
      team_id: TEAM_ID,
      state: { values: {} },
      hash: `${Date.now()}.${id.toLowerCase()}`,
      clear_on_close: false,
      notify_on_close: false,
      root_view_id: previous ?? id,
      previous_view_id: previous,
      app_id: APP_ID,
      app_installed_team_id: TEAM_ID,
      bot_id: BOT_ID,
    };
  };

  const defaultAnswer = (method: string, body: Record<string, unknown>, token: string | undefined) => {
    if (!token) return { ok: false, error: 'not_authed' };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://msp-test.slack.com/',
          team: 'MSP Test',
          user: 'syncro',
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
          is_enterprise_install: false,
        };
      case 'chat.postMessage': {
        const channel = str(body.channel);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (!str(body.text) && !Array.isArray(body.blocks) && !Array.isArray(body.attachments)) {
          return { ok: false, error: 'no_text' };
        }
        const ts = nextTs();
        return {
          ok: true,
          channel: dmFor(channel),
          ts,
          message: {
            type: 'message',
            user: BOT_USER_ID,
            bot_id: BOT_ID,
            app_id: APP_ID,
            team: TEAM_ID,
            text: body.text ?? '',
            blocks: body.blocks ?? [],
            ts,
            ...(str(body.thread_ts) ? { thread_ts: body.thread_ts } : {}),
          },
        };
      }
      case 'chat.update': {
        const channel = str(body.channel);
        const ts = str(body.ts);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (!ts) return { ok: false, error: 'message_not_found' };
        return {
          ok: true,
          channel,
          ts,
          text: body.text ?? '',
          message: {
            type: 'message',
            user: BOT_USER_ID,
            bot_id: BOT_ID,
            text: body.text ?? '',
            blocks: body.blocks ?? [],
          },
        };
      }
      case 'chat.postEphemeral':
        if (!str(body.channel)) return { ok: false, error: 'channel_not_found' };
        if (!str(body.user)) return { ok: false, error: 'user_not_in_channel' };
        return { ok: true, message_ts: nextTs() };
      case 'chat.delete':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'views.open':
      case 'views.push': {
        if (!isObject(body.view)) return { ok: false, error: 'invalid_arguments' };
        const id = nextViewId();
        const ext = str(body.view.external_id);
        if (ext) viewsByExternalId.set(ext, id);
        return { ok: true, view: buildView(body.view, id, null) };
      }
      case 'views.update':
      case 'views.publish': {
        if (!isObject(body.view)) return { ok: false, error: 'invalid_arguments' };
        const ext = str(body.external_id) ?? str(body.view.external_id);
        const id = str(body.view_id) ?? (ext ? viewsByExternalId.get(ext) : undefined) ?? nextViewId();
        if (ext) viewsByExternalId.set(ext, id);
        return { ok: true, view: buildView(body.view, id, null) };
      }
      case 'users.info': {
        const id = str(body.user);
        if (!id) return { ok: false, error: 'user_not_found' };
        const u = users.get(id) ?? {};
        const name = u.name ?? `user_${id.toLowerCase()}`;
        const realName = u.realName ?? `User ${id}`;
        const displayName = u.displayName ?? name;
        return {
          ok: true,
          user: {
            id,
            team_id: TEAM_ID,
            name,
            real_name: realName,
            deleted: false,
            is_bot: false,
            tz: 'America/Chicago',
            profile: { display_name: displayName, real_name: realName, display_name_normalized: displayName },
          },
        };
      }
      case 'conversations.info': {
        const id = str(body.channel);
        if (!id) return { ok: false, error: 'channel_not_found' };
        return {
          ok: true,
          channel: {
            id,
            name: id.startsWith('D') ? undefined : `channel-${id.toLowerCase()}`,
            is_channel: id.startsWith('C'),
            is_group: id.startsWith('G'),
            is_im: id.startsWith('D'),
            is_private: id.startsWith('G') || id.startsWith('D'),
            is_member: true,
            is_archived: false,
          },
        };
      }
      case 'conversations.open': {
        const first = str(body.users)?.split(',')[0];
        const channel = str(body.channel) ?? (first ? dmFor(first) : undefined);
        if (!channel) return { ok: false, error: 'users_list_not_supplied' };
        return { ok: true, channel: { id: channel } };
      }
      default:
        return { ok: true };
    }
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    const raw = await readBody(req);
    const contentType = req.headers['content-type'];
    const body: Record<string, unknown> = {};
    for (const [k, v] of url.searchParams) body[k] = decodeFormValue(v);
    if (contentType?.includes('application/json')) {
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (isObject(parsed)) Object.assign(body, parsed);
    } else if (raw) {
      for (const [k, v] of new URLSearchParams(raw)) body[k] = decodeFormValue(v);
    }
    const auth = req.headers.authorization;
    const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1];
    const token = bearer ?? str(body.token);
    const override = overrides.get(method)?.({ method, body, token });
    const reply: ApiReply = override ?? { body: defaultAnswer(method, body, token) };
    const status = reply.status ?? 200;
    seq += 1;
    record({
      kind: 'call',
      call: { seq, method, body, token, contentType, reply: { status, body: reply.body } },
    });
    send(res, status, reply.body, reply.headers);
  };

  const handleResponseUrl = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const id = decodeURIComponent(url.pathname.slice('/response/'.length));
    const full = `${baseUrl}/response/${encodeURIComponent(id)}`;
    const raw = await readBody(req);
    let body: ResponseUrlBody = {};
    let parsedOk = true;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isObject(parsed)) body = parsed;
      else parsedOk = false;
    } catch {
      parsedOk = false;
      body = { raw };
    }
    const use = (uses.get(id) ?? 0) + 1;
    uses.set(id, use);
    let status = 200;
    let result = 'ok';
    if (expired.has(id)) {
      status = 404;
      result = 'expired_url';
    } else if (use > RESPONSE_URL_MAX_USES) {
      status = 404;
      result = 'used_url';
    } else if (!parsedOk) {
      status = 400;
      result = 'invalid_payload';
    } else if (
      body.delete_original !== true &&
      !str(body.text) &&
      !Array.isArray(body.blocks) &&
      !Array.isArray(body.attachments)
    ) {
      status = 400;
      result = 'no_text';
    }
    seq += 1;
    record({
      kind: 'response',
      response: { seq, url: full, id, body, use, accepted: status === 200, status, result },
    });
    send(res, status, status === 200 ? { ok: true } : { ok: false, error: result });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let handler: Promise<void> | undefined;
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) handler = handleApi(req, res, url);
    else if (req.method === 'POST' && url.pathname.startsWith('/response/'))
      handler = handleResponseUrl(req, res, url);
    if (!handler) {
      send(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    handler.catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: 'fake_error', detail: String(err) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  const idOf = (responseUrl: string): string => {
    const path = new URL(responseUrl).pathname;
    return decodeURIComponent(path.slice('/response/'.length));
  };

  const describeEvents = (): string =>
    events
      .map((e) =>
        e.kind === 'call'
          ? e.call.method
          : `response ${e.response.id}#${e.response.use} (${e.response.result})`,
      )
      .join(', ') || '(nothing)';

  const waitFor = <T>(
    select: (events: readonly SlackFakeEvent[]) => T | undefined | null | false,
    opts: WaitOptions & { description?: string } = {},
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check: () => {
          let found: T | undefined | null | false;
          try {
            found = select(events);
          } catch (err) {
            clearTimeout(timer);
            reject(err);
            return true;
          }
          if (found === undefined || found === null || found === false) return false;
          clearTimeout(timer);
          resolve(found);
          return true;
        },
      };
      if (waiter.check()) return;
      waiters.add(waiter);
      const timeoutMs = opts.timeoutMs ?? 5000;
      timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(
            `slack fake: timed out after ${timeoutMs} ms waiting for ${opts.description ?? 'a matching event'}; recorded: ${describeEvents()}`,
          ),
        );
      }, timeoutMs);
    });

  const nthMatch = <T>(items: T[], nth: number): T | undefined =>
    items.length >= nth ? items[nth - 1] : undefined;

  const fake: SlackFake = {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    calls,
    responses,
    events,
    responseUrl(name?: string): string {
      responseCounter += 1;
      return `${baseUrl}/response/${encodeURIComponent(`${name ?? 'r'}-${responseCounter}`)}`;
    },
    responseUrlUses(url: string): number {
      return uses.get(idOf(url)) ?? 0;
    },
    expireResponseUrl(url: string): void {
      expired.add(idOf(url));
    },
    setUser(id: string, user: FakeUser): void {
      users.set(id, user);
    },
    respondWith(method: string, handler: ApiHandler): void {
      overrides.set(method, handler);
    },
    callsTo(method: string): RecordedCall[] {
      return calls.filter((c) => c.method === method);
    },
    waitFor,
    waitForCall(method, match, opts = {}) {
      const nth = opts.nth ?? 1;
      return waitFor(
        (evs) =>
          nthMatch(
            evs.flatMap((e) =>
              e.kind === 'call' && e.call.method === method && (!match || match(e.call)) ? [e.call] : [],
            ),
            nth,
          ),
        { timeoutMs: opts.timeoutMs, description: `call #${nth} to ${method}` },
      );
    },
    waitForResponse(match, opts = {}) {
      const nth = opts.nth ?? 1;
      return waitFor(
        (evs) =>
          nthMatch(
            evs.flatMap((e) => (e.kind === 'response' && (!match || match(e.response)) ? [e.response] : [])),
            nth,
          ),
        { timeoutMs: opts.timeoutMs, description: `response_url POST #${nth}` },
      );
    },
    reset(): void {
      calls.length = 0;
      responses.length = 0;
      events.length = 0;
      uses.clear();
      expired.clear();
      users.clear();
      overrides.clear();
      viewsByExternalId.clear();
    },
    close(): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
