import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseApiArguments, readBody, sendJson, str } from './http.js';
import {
  createRecorder,
  type RecordedCall,
  type RecordedResponse,
  type SlackFakeEvent,
  type WaitNthOptions,
  type WaitOptions,
} from './recorder.js';
import { createResponseUrls } from './response-urls.js';
import { createWebApi, type FakeChannel, type FakeUser, type UploadedFile } from './web-api.js';

/**
 * A loopback Slack for the bot: the one implementation behind the tests' fake and the playground.
 *
 * - the Web API (`apiUrl`, ends with `/api/`; give it to Bolt/WebClient as `slackApiUrl`): every call is
 *   recorded (method from the path, body parsed from form or JSON, bearer token) and answered like Slack;
 * - response_url endpoints (`responseUrl()` hands out fresh URLs): every POST is recorded and, like Slack, a URL
 *   accepts at most 5 uses within 30 minutes (later ones get HTTP 404 `used_url` / `expired_url`);
 * - upload URLs for `files.getUploadURLExternal` (`/upload/<file id>`).
 */

export type {
  RecordedCall,
  RecordedResponse,
  SlackFakeEvent,
  WaitNthOptions,
  WaitOptions,
} from './recorder.js';
export { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS, type ResponseUrlBody } from './response-urls.js';
export type { FakeChannel, FakeUser, UploadedFile } from './web-api.js';

export interface ApiReply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

/** Overrides the answer to a method; return undefined to fall back to the default answer. */
export type ApiHandler = (call: Pick<RecordedCall, 'method' | 'body' | 'token'>) => ApiReply | undefined;

export interface SlackFakeOptions {
  /** Clock for the response_url expiry (default Date.now). */
  now?: () => number;
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
  /** Files announced through files.getUploadURLExternal, with their bytes once uploaded. */
  readonly files: ReadonlyMap<string, UploadedFile>;
  /** A fresh response_url on the fake (`${baseUrl}/response/<name>-<n>`), issued now. */
  responseUrl(name?: string): string;
  /** The id part of one of this fake's response_urls. */
  responseUrlId(url: string): string;
  /** How many times a response_url has been POSTed to. */
  responseUrlUses(url: string): number;
  /** Makes a response_url answer 404 `expired_url` from now on (Slack's 30-minute expiry). */
  expireResponseUrl(url: string): void;
  /** Details users.info answers for a user id. */
  setUser(id: string, user: FakeUser): void;
  /** users.info answers `user_not_found` for this id. */
  removeUser(id: string): void;
  /** What conversations.info answers for a channel (membership, privacy, archived). */
  setChannel(id: string, channel: FakeChannel): void;
  /** conversations.info answers `channel_not_found` for this id. */
  removeChannel(id: string): void;
  /** The scopes the bot token has (`x-oauth-scopes` on every answer); default the manifest's. */
  setScopes(scopes: readonly string[]): void;
  /** Overrides the answer to a Web API method (e.g. an error or a 429). */
  respondWith(method: string, handler: ApiHandler): void;
  /** Recorded calls of one method. */
  callsTo(method: string): RecordedCall[];
  /** Sees every event as it is recorded; returns an unsubscribe function. */
  subscribe(listener: (event: SlackFakeEvent) => void): () => void;
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

export async function startSlackFake(opts: SlackFakeOptions = {}): Promise<SlackFake> {
  const recorder = createRecorder();
  const responseUrls = createResponseUrls(opts.now ?? Date.now);
  const overrides = new Map<string, ApiHandler>();
  let baseUrl = '';
  const web = createWebApi({ baseUrl: () => baseUrl });
  let responseCounter = 0;

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    const raw = await readBody(req);
    const contentType = req.headers['content-type'];
    const body = parseApiArguments(raw, contentType, url.searchParams);
    const bearer = req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    const token = bearer ?? str(body.token);
    const override = overrides.get(method)?.({ method, body, token });
    const reply: ApiReply = override ?? { body: web.answer(method, body, token) };
    const status = reply.status ?? 200;
    recorder.record({
      kind: 'call',
      call: {
        seq: recorder.nextSeq(),
        method,
        body,
        token,
        contentType,
        reply: { status, body: reply.body },
      },
    });
    sendJson(res, status, reply.body, { ...web.headers(), ...reply.headers });
  };

  const handleResponseUrl = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const id = decodeURIComponent(url.pathname.slice('/response/'.length));
    const raw = await readBody(req);
    const v = responseUrls.post(id, raw);
    const response: RecordedResponse = {
      seq: recorder.nextSeq(),
      url: `${baseUrl}/response/${encodeURIComponent(id)}`,
      id,
      body: v.body,
      use: v.use,
      accepted: v.status === 200,
      status: v.status,
      result: v.result,
    };
    recorder.record({ kind: 'response', response });
    sendJson(res, v.status, v.status === 200 ? { ok: true } : { ok: false, error: v.result });
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const fileId = decodeURIComponent(url.pathname.slice('/upload/'.length));
    const content = await readBody(req);
    const file = web.files.get(fileId);
    if (!file) {
      sendJson(res, 404, { ok: false, error: 'file_not_found' });
      return;
    }
    file.content = content;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${Buffer.byteLength(content)}`);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let handler: Promise<void> | undefined;
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) handler = handleApi(req, res, url);
    else if (req.method === 'POST' && url.pathname.startsWith('/response/'))
      handler = handleResponseUrl(req, res, url);
    else if (req.method === 'POST' && url.pathname.startsWith('/upload/'))
      handler = handleUpload(req, res, url);
    if (!handler) {
      sendJson(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    handler.catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fake_error', detail: String(err) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  const idOf = (responseUrl: string): string =>
    decodeURIComponent(new URL(responseUrl).pathname.slice('/response/'.length));

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    calls: recorder.calls,
    responses: recorder.responses,
    events: recorder.events,
    files: web.files,
    responseUrl(name?: string): string {
      responseCounter += 1;
      const id = `${name ?? 'r'}-${responseCounter}`;
      responseUrls.issue(id);
      return `${baseUrl}/response/${encodeURIComponent(id)}`;
    },
    responseUrlId: idOf,
    responseUrlUses: (url) => responseUrls.uses(idOf(url)),
    expireResponseUrl: (url) => responseUrls.expire(idOf(url)),
    setUser: (id, user) => web.setUser(id, user),
    removeUser: (id) => web.removeUser(id),
    setChannel: (id, channel) => web.setChannel(id, channel),
    removeChannel: (id) => web.removeChannel(id),
    setScopes: (scopes) => web.setScopes(scopes),
    respondWith(method, handler) {
      overrides.set(method, handler);
    },
    callsTo: (method) => recorder.calls.filter((c) => c.method === method),
    subscribe: (listener) => recorder.subscribe(listener),
    waitFor: (select, o) => recorder.waitFor(select, o),
    waitForCall: (method, match, o) => recorder.waitForCall(method, match, o),
    waitForResponse: (match, o) => recorder.waitForResponse(match, o),
    reset(): void {
      recorder.clear();
      responseUrls.reset();
      overrides.clear();
      web.reset();
    },
    close(): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
