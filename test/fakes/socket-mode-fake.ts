/**
 * A loopback fake of Slack's Socket Mode, beside the Web API fake:
 *
 * - `apps.connections.open` on the Web API fake (called with the app-level token) answers a fresh one-time
 *   `ws://127.0.0.1:<port>/link/?ticket=…` URL; a wrong token gets `invalid_auth`, like Slack;
 * - the WebSocket server accepts each ticket once, says `hello`, delivers envelopes (`slash_commands`,
 *   `interactive`, `events_api`) with an `envelope_id`, and records the client's acks (`{envelope_id, payload}`);
 * - `disconnect()` sends Slack's `{type: "disconnect"}`: the client closes and must reconnect through a new
 *   `apps.connections.open`; `refuse()` makes the WebSocket endpoint answer upgrades with HTTP 503;
 * - `holdHello()` accepts the WebSocket but never says `hello`: the client is left connecting (start-up hangs).
 *
 * Waiting is event-driven, as in the Web API fake: the only timers are failure timeouts.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { SlackFake } from '../../src/playground/slack/server.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketAck {
  envelopeId: string;
  /** What the client put in the ack's `payload` (`{}` for a bare ack). */
  payload: Record<string, unknown> | undefined;
  /** Which connection (1-based, in order of hello) carried the ack. */
  connection: number;
}

export interface DeliverOptions {
  envelopeId?: string;
  retryAttempt?: number;
  retryReason?: string;
  acceptsResponsePayload?: boolean;
  /** Fail when no ack comes within this long (default 5000 ms; Slack itself retries after 3 s). */
  timeoutMs?: number;
}

export interface SocketModeFake {
  /** Answers to apps.connections.open that handed out a URL. */
  readonly opens: number;
  /** Connections that were accepted and said hello to. */
  readonly connections: number;
  /** Upgrades refused while `refuse(true)`. */
  readonly refused: number;
  /** WebSocket upgrades accepted (with or without hello). */
  readonly accepted: number;
  /** Each accepted WebSocket that closed, with the close code the server saw (1000: a clean close by the client). */
  readonly closes: Array<{ accepted: number; code: number }>;
  /** True while a client connection is open. */
  readonly connected: boolean;
  readonly acks: SocketAck[];
  /** Resolves when connection number `nth` (1-based, default the next one) has been said hello to. */
  waitForConnection(nth?: number, opts?: { timeoutMs?: number }): Promise<void>;
  /** Resolves when upgrade number `nth` (1-based) has been accepted, hello or not. */
  waitForAccepted(nth: number, opts?: { timeoutMs?: number }): Promise<void>;
  /** Resolves when accepted WebSocket number `nth` has closed; resolves with the close code. */
  waitForClose(nth: number, opts?: { timeoutMs?: number }): Promise<number>;
  /** While on, accepted connections are never said hello to (Socket Mode stays "connecting"). */
  holdHello(on: boolean): void;
  /** Resolves when at least `count` upgrades have been refused. */
  waitForRefusals(count: number, opts?: { timeoutMs?: number }): Promise<void>;
  /** Sends one envelope over the open connection and resolves with the client's ack. */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, opts?: DeliverOptions): Promise<SocketAck>;
  /** Slack's `{type: "disconnect"}`; resolves when the client has closed that connection. */
  disconnect(reason?: string, opts?: { timeoutMs?: number }): Promise<void>;
  /** While on, upgrades to the WebSocket endpoint are answered HTTP 503 (apps.connections.open still answers). */
  refuse(on: boolean): void;
  /**
   * The app-level token stops working: apps.connections.open answers `error` (default `token_revoked`; Slack
   * answers `invalid_auth` for a token it does not know, which the Socket Mode client treats as unrecoverable).
   */
  revoke(error?: string): void;
  /** Resolves when at least `count` apps.connections.open calls were refused since revoke(). */
  waitForRefusedOpens(count: number, opts?: { timeoutMs?: number }): Promise<void>;
  close(): Promise<void>;
}

interface Waiter {
  check: () => boolean;
}

export async function startSocketModeFake(
  slack: SlackFake,
  opts: { appToken: string; appId?: string },
): Promise<SocketModeFake> {
  const appId = opts.appId ?? 'A0SYNCRO01';
  const tickets = new Set<string>();
  const acks: SocketAck[] = [];
  const waiters = new Set<Waiter>();
  let opens = 0;
  let connections = 0;
  let refused = 0;
  let refusing = false;
  let holding = false;
  let accepted = 0;
  const closes: Array<{ accepted: number; code: number }> = [];
  let current: { ws: WebSocket; n: number } | undefined;
  const sockets = new Set<Socket>();

  const notify = () => {
    for (const w of [...waiters]) if (w.check()) waiters.delete(w);
  };
  const waitUntil = (done: () => boolean, what: string, timeoutMs = 5_000): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const w: Waiter = {
        check: () => {
          if (!done()) return false;
          clearTimeout(timer);
          resolve();
          return true;
        },
      };
      if (w.check()) return;
      waiters.add(w);
      timer = setTimeout(() => {
        waiters.delete(w);
        reject(
          new Error(
            `socket mode fake: timed out after ${timeoutMs} ms waiting for ${what} (opens ${opens}, connections ${connections}, refused ${refused})`,
          ),
        );
      }, timeoutMs);
    });

  const wss = new WebSocketServer({ noServer: true });
  const http = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  http.on('upgrade', (req, socket, head) => {
    const ticket = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('ticket') ?? '';
    if (refusing || !tickets.delete(ticket)) {
      // A refused endpoint, or a ticket that was never handed out or was already used (Slack's are one-time).
      if (refusing) refused += 1;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      notify();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      accepted += 1;
      const a = accepted;
      ws.on('close', (code) => {
        closes.push({ accepted: a, code });
        notify();
      });
      if (holding) {
        notify();
        return;
      }
      connections += 1;
      const n = connections;
      current = { ws, n };
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
        if (msg.envelope_id) {
          acks.push({ envelopeId: msg.envelope_id, payload: msg.payload, connection: n });
          notify();
        }
      });
      ws.on('close', () => {
        if (current?.ws === ws) current = undefined;
        notify();
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'socket-mode-fake', approximate_connection_time: 18_060 },
          connection_info: { app_id: appId },
        }),
      );
      notify();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;

  let revoked: string | undefined;
  let refusedOpens = 0;
  slack.respondWith('apps.connections.open', (call) => {
    if (call.token !== opts.appToken) return { body: { ok: false, error: 'invalid_auth' } };
    if (revoked) {
      refusedOpens += 1;
      notify();
      return { body: { ok: false, error: revoked } };
    }
    opens += 1;
    const ticket = randomUUID();
    tickets.add(ticket);
    notify();
    return { body: { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${appId}` } };
  });

  return {
    get opens() {
      return opens;
    },
    get connections() {
      return connections;
    },
    get refused() {
      return refused;
    },
    revoke(error = 'token_revoked') {
      revoked = error;
    },
    get connected() {
      return current !== undefined;
    },
    acks,
    waitForConnection(nth = connections + 1, o = {}) {
      return waitUntil(() => connections >= nth && current !== undefined, `connection #${nth}`, o.timeoutMs);
    },
    waitForRefusedOpens(count, o = {}) {
      return waitUntil(() => refusedOpens >= count, `${count} refused apps.connections.open`, o.timeoutMs);
    },
    waitForRefusals(count, o = {}) {
      return waitUntil(() => refused >= count, `${count} refused upgrades`, o.timeoutMs);
    },
    async deliver(type, payload, o = {}) {
      const conn = current;
      if (!conn) throw new Error('socket mode fake: no client is connected');
      const envelopeId = o.envelopeId ?? randomUUID();
      conn.ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: o.acceptsResponsePayload ?? type !== 'events_api',
          ...(o.retryAttempt !== undefined
            ? { retry_attempt: o.retryAttempt, retry_reason: o.retryReason ?? 'timeout' }
            : {}),
        }),
      );
      let ack: SocketAck | undefined;
      await waitUntil(
        () => {
          ack = acks.find((a) => a.envelopeId === envelopeId);
          return ack !== undefined;
        },
        `the ack of ${type} envelope ${envelopeId}`,
        o.timeoutMs,
      );
      return ack!;
    },
    async disconnect(reason = 'refresh_requested', o = {}) {
      const conn = current;
      if (!conn) throw new Error('socket mode fake: no client is connected');
      conn.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'socket-mode-fake' } }));
      await waitUntil(() => current?.ws !== conn.ws, 'the client to close after disconnect', o.timeoutMs);
    },
    refuse(on) {
      refusing = on;
    },
    holdHello(on) {
      holding = on;
    },
    get accepted() {
      return accepted;
    },
    closes,
    waitForAccepted(nth, o = {}) {
      return waitUntil(() => accepted >= nth, `accepted WebSocket #${nth}`, o.timeoutMs);
    },
    async waitForClose(nth, o = {}) {
      await waitUntil(
        () => closes.some((c) => c.accepted === nth),
        `WebSocket #${nth} to close`,
        o.timeoutMs,
      );
      return closes.find((c) => c.accepted === nth)!.code;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
