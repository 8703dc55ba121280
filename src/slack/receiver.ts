import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type App,
  type CustomRoute,
  HTTPReceiver,
  type Receiver,
  type Logger as SlackLogger,
  SocketModeReceiver,
} from '@slack/bolt';
import type { ActionStore } from '../actions/store.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { redactText } from '../logger.js';
import { boltLogger } from './bolt-logger.js';

/**
 * How Slack reaches the bot, and how the bot says whether it can work:
 *
 * - HTTP mode: Bolt's HTTPReceiver (signature verification) on HOST:PORT, with /healthz and /readyz beside
 *   /slack/events.
 * - Socket Mode: Bolt's SocketModeReceiver (an outgoing WebSocket) plus our own small HTTP server on HOST:PORT for
 *   /healthz and /readyz. Bolt's receiver would serve custom routes itself, but it listens on every interface
 *   whatever HOST says.
 *
 * `GET /healthz` is liveness (the process answers). `GET /readyz` is 200 only when every probe passes: the store
 * answers a query and Slack is reachable (Socket Mode: connected; HTTP: listening); otherwise 503 with the reasons.
 */

export type ProbeResult = { ok: true } | { ok: false; reason: string };
export type Probe = () => ProbeResult | Promise<ProbeResult>;

export interface Readiness {
  ready: boolean;
  /** Every failing probe as "name: reason", joined with "; " (absent when ready). */
  reason?: string;
  checks: Record<string, ProbeResult>;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 2_000;

/** Runs the probes at once; one that throws or does not answer within `timeoutMs` fails with that as its reason. */
export async function checkReadiness(
  probes: Record<string, Probe>,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => [name, await settle(probe, timeoutMs)] as const),
  );
  const failed = entries.flatMap(([name, r]) => (r.ok ? [] : [`${name}: ${r.reason}`]));
  const checks = Object.fromEntries(entries);
  return failed.length === 0 ? { ready: true, checks } : { ready: false, reason: failed.join('; '), checks };
}

async function settle(probe: Probe, timeoutMs: number): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(probe), late]);
  } catch (err) {
    // A reason is shown to whoever asks /readyz: never let a connection string or token through.
    return { ok: false, reason: redactText(err instanceof Error ? err.message : String(err)) };
  } finally {
    clearTimeout(timer);
  }
}

/** An id no action has: reading it is a cheap indexed query that only the store's health decides. */
const PROBE_ID = 'readyz-probe';

/** The store answers a query (a closed store or an unreachable database fails). */
export function storeProbe(store: Pick<ActionStore, 'get'>): Probe {
  return async () => {
    await store.get(PROBE_ID);
    return { ok: true };
  };
}

export interface ReceiverOptions {
  slack: Pick<Config['slack'], 'appToken' | 'signingSecret' | 'apiUrl'>;
  logger: Logger;
  store: Pick<ActionStore, 'get'>;
  /** What /healthz says about this process. */
  about: { sandbox: boolean; replica: string };
  /**
   * Socket Mode: how long to wait for a pong (default 5 000 ms, Slack's client default). Slack's client also
   * waits this long times the number of failures in a row before it reconnects, so tests make it short.
   */
  socketPingTimeoutMs?: number;
  probeTimeoutMs?: number;
  now?: () => number;
  /** More HTTP routes on the same server (HTTP mode; the playground's page). */
  routes?: CustomRoute[];
}

/** A Bolt receiver (for `new App({ receiver })`) that also answers /healthz and /readyz on HOST:PORT. */
export interface BotReceiver extends Receiver {
  readonly mode: 'http' | 'socket';
  /** Listens on `port` (0 = any) and `host` (undefined = all); Socket Mode then connects. Returns the port. */
  start(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
  readiness(): Promise<Readiness>;
  /** Where the HTTP server listens (undefined before start). */
  address(): AddressInfo | undefined;
}

export function createReceiver(opts: ReceiverOptions): BotReceiver {
  return opts.slack.appToken ? socketModeReceiver(opts, opts.slack.appToken) : httpReceiver(opts);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function healthRoutes(opts: ReceiverOptions, readiness: () => Promise<Readiness>) {
  return {
    healthz: (_req: IncomingMessage, res: ServerResponse) =>
      send(res, 200, { ok: true, sandbox: opts.about.sandbox, replica: opts.about.replica }),
    readyz: (_req: IncomingMessage, res: ServerResponse) => {
      readiness().then(
        (r) => send(res, r.ready ? 200 : 503, { ...r, replica: opts.about.replica }),
        (err: unknown) => send(res, 503, { ready: false, reason: redactText(String(err)) }),
      );
    },
  };
}

function addressOf(server: Server | undefined): AddressInfo | undefined {
  const a = server?.address();
  return typeof a === 'object' && a ? a : undefined;
}

function httpReceiver(opts: ReceiverOptions): BotReceiver {
  let server: Server | undefined;
  const slackProbe: Probe = () =>
    server?.listening ? { ok: true } : { ok: false, reason: 'the HTTP receiver is not listening' };
  const readiness = () =>
    checkReadiness({ store: storeProbe(opts.store), slack: slackProbe }, opts.probeTimeoutMs);
  const routes = healthRoutes(opts, readiness);
  const inner = new HTTPReceiver({
    signingSecret: opts.slack.signingSecret ?? '',
    endpoints: '/slack/events',
    processBeforeResponse: false,
    logger: boltLogger(opts.logger),
    customRoutes: [
      { path: '/healthz', method: ['GET'], handler: routes.healthz },
      { path: '/readyz', method: ['GET'], handler: routes.readyz },
      ...(opts.routes ?? []),
    ],
  });
  return {
    mode: 'http',
    init: (app: App) => inner.init(app),
    async start(port, host) {
      server = await inner.start({ port, host });
      return addressOf(server)?.port ?? port;
    },
    async stop() {
      if (server?.listening) await inner.stop();
    },
    readiness,
    address: () => addressOf(server),
  };
}

/** Debug lines of Slack's Socket Mode client and Bolt's socket ack that carry a whole envelope or ack body. */
const ENVELOPE_LINE =
  /^(Received a message on the WebSocket|Unable to parse an incoming WebSocket message|Sending a WebSocket message|Calling ack\(\)|ack\(\) call begins|ack\(\) response sent)/;

/**
 * Slack's Socket Mode client logs every envelope whole at debug level: the response_url (which lets anyone post
 * into the conversation for 30 minutes), the verification token and what people typed. Keep only which envelope.
 */
export function withoutEnvelopes(logger: SlackLogger): SlackLogger {
  return {
    ...logger,
    debug: (...parts: unknown[]) => {
      const first = parts[0];
      const line = typeof first === 'string' ? ENVELOPE_LINE.exec(first) : null;
      if (!line) {
        logger.debug(...parts);
        return;
      }
      const text = String(first);
      const type = /"type":"([\w-]+)"|type: ([\w-]+)/.exec(text);
      const id = /"envelope_id":"([\w-]+)"|envelope_id: ([\w-]+)/.exec(text);
      logger.debug(
        `${line[1]} (type: ${type?.[1] ?? type?.[2] ?? '?'}, envelope_id: ${id?.[1] ?? id?.[2] ?? '?'})`,
      );
    },
  };
}

/** The Socket Mode client's life as its events tell it (Slack's client has no public state). */
type SocketState = 'not started' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

function socketModeReceiver(opts: ReceiverOptions, appToken: string): BotReceiver {
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ component: 'socket-mode' });
  const inner = new SocketModeReceiver({
    appToken,
    logger: withoutEnvelopes(boltLogger(opts.logger)),
    clientPingTimeout: opts.socketPingTimeoutMs,
    // The client calls apps.connections.open with a WebClient of its own, built from installerOptions.clientOptions
    // (not from the App's clientOptions): without this SLACK_API_URL is ignored and Socket Mode calls slack.com.
    installerOptions: { clientOptions: opts.slack.apiUrl ? { slackApiUrl: opts.slack.apiUrl } : {} },
  });
  const client = inner.client;
  let state: SocketState = 'not started';
  let since = now();
  let lastError: string | undefined;
  let stopping = false;
  const enter = (next: SocketState) => {
    if (next === state) return;
    if (state === 'connected' && !stopping) log.warn({ next }, 'Socket Mode connection to Slack lost');
    else if (next === 'connected' && state === 'reconnecting') log.info('Socket Mode reconnected to Slack');
    state = next;
    since = now();
    if (next === 'connected') lastError = undefined;
  };
  client.on('connecting', () => enter('connecting'));
  client.on('connected', () => enter('connected'));
  client.on('reconnecting', () => enter('reconnecting'));
  // The socket closed (Slack asked us to reconnect, or the connection dropped): not connected until a new hello.
  client.on('close', () => enter('disconnected'));
  client.on('disconnected', () => enter('disconnected'));
  client.on('error', (err: unknown) => {
    lastError = redactText(err instanceof Error ? err.message : String(err));
  });
  // Slack refusing the app token while reconnecting (revoked, app uninstalled) is only logged by the client, and
  // an unrecoverable refusal (`invalid_auth`) rejects a promise nobody awaits, which would end the process. Keep
  // the refusal for /readyz, and keep the process up (not ready) instead: liveness stays, readiness says why.
  // NOTE: reaches into @slack/socket-mode 3.1 (pinned): its own WebClient and its reconnect path call start().
  const connections = socketConnectionsOf(client);
  if (connections) {
    const open = connections.open.bind(connections);
    connections.open = async (...args) => {
      try {
        return await open(...args);
      } catch (err) {
        lastError = appTokenRefusal(err);
        throw err;
      }
    };
  } else {
    log.warn(
      'the Socket Mode client has no webClient.apps.connections.open: /readyz cannot name a refused app token',
    );
  }
  const firstStart = client.start.bind(client);
  let startedOnce = false;
  client.start = async () => {
    try {
      const connected = await firstStart();
      startedOnce = true;
      return connected;
    } catch (err) {
      // At start-up a refused token stops the bot (the caller sees it); later, stay up and not ready.
      if (!startedOnce) throw err;
      lastError = lastError ?? appTokenRefusal(err);
      enter('disconnected');
      log.error({ reason: lastError }, 'Socket Mode gave up reconnecting to Slack; /readyz says why');
      // The reconnect path ignores what start() resolves with; say it did not connect.
      return { ok: false, error: 'reconnect_failed' };
    }
  };

  const slackProbe: Probe = () => {
    if (state === 'connected' && client.websocket?.isActive()) return { ok: true };
    const error = lastError ? `, last error: ${lastError}` : '';
    return {
      ok: false,
      reason: `Socket Mode is not connected to Slack (${state} since ${new Date(since).toISOString()}${error})`,
    };
  };
  const readiness = () =>
    checkReadiness({ store: storeProbe(opts.store), slack: slackProbe }, opts.probeTimeoutMs);
  const routes = healthRoutes(opts, readiness);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/healthz') routes.healthz(req, res);
    else if (req.method === 'GET' && path === '/readyz') routes.readyz(req, res);
    else send(res, 404, { ok: false, error: 'not_found' });
  });

  return {
    mode: 'socket',
    init: (app: App) => inner.init(app),
    async start(port, host) {
      stopping = false;
      // Health first: while Slack cannot be reached, /healthz is up and /readyz says why it is not ready.
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      // Resolves at Slack's hello; a refused app token (invalid_auth) rejects and stops start-up.
      await inner.start();
      return addressOf(server)?.port ?? port;
    },
    async stop() {
      stopping = true;
      // Bolt's stop() does not wait for the close handshake; wait for it (bounded), so nothing is left open.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        client.disconnect(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 2_000);
        }),
      ]);
      clearTimeout(timer);
      if (server.listening) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
    },
    readiness,
    address: () => addressOf(server),
  };
}

type OpenFn = (...args: unknown[]) => Promise<unknown>;

/** The Socket Mode client's own `apps.connections` (a private field), checked at run time rather than cast. */
function socketConnectionsOf(client: object): { open: OpenFn } | undefined {
  const web: unknown = Reflect.get(client, 'webClient');
  const apps: unknown = typeof web === 'object' && web !== null ? Reflect.get(web, 'apps') : undefined;
  const connections: unknown =
    typeof apps === 'object' && apps !== null ? Reflect.get(apps, 'connections') : undefined;
  if (typeof connections !== 'object' || connections === null) return undefined;
  return typeof Reflect.get(connections, 'open') === 'function'
    ? (connections as { open: OpenFn })
    : undefined;
}

/** Slack's refusal of the app token in words for /readyz (its code only: never the token). */
function appTokenRefusal(err: unknown): string {
  const code = (err as { data?: { error?: unknown } } | undefined)?.data?.error;
  if (typeof code === 'string') return `Slack refused the app token (${code}): check SLACK_APP_TOKEN`;
  return redactText(err instanceof Error ? err.message : String(err));
}
