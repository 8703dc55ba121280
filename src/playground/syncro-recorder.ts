import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readBody, sendJson } from './slack/http.js';

/**
 * A loopback stop between the bot and Syncro (the simulator or a real account) that writes down every request
 * for the page's side panel: method, path, body, and the key's owner (never the key). It is how the page shows
 * exactly what would have been written, and, against a real Syncro, it refuses writes unless they are allowed
 * (a 422 whose message the bot shows on the card, as for any refusal by Syncro). Links to Syncro's web pages
 * (which point at this stop) are redirected to the real site.
 */

export interface SyncroRequestRecord {
  seq: number;
  at: number;
  method: string;
  /** Path under /api/v1 with its query, e.g. `/tickets?status=Open`. */
  path: string;
  body: unknown;
  /** The key owner's name as Syncro gives it (GET /me), or undefined when not known yet. */
  owner: string | undefined;
  status: number;
  /** True when the playground refused the write (read-only against a real Syncro). */
  refused: boolean;
}

export interface SyncroRecorder {
  /** Base URL for the bot's Syncro client (ends with /api/v1). */
  readonly url: string;
  readonly requests: readonly SyncroRequestRecord[];
  readonly allowWrites: boolean;
  /** Names a key's owner in advance (the playground's own sandbox keys). */
  knowKey(key: string, owner: string): void;
  onChange(listener: () => void): () => void;
  reset(): void;
  close(): Promise<void>;
}

export const READ_ONLY_MESSAGE =
  'The playground is read-only against a real Syncro: nothing was sent. Start it with PLAYGROUND_ALLOW_WRITES=1 to allow writes.';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const API_PREFIX = '/api/v1';

const fingerprint = (key: string) => createHash('sha256').update(key).digest('hex');

function keyOf(req: IncomingMessage, url: URL): string | undefined {
  return (
    /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ??
    url.searchParams.get('api_key') ??
    undefined
  );
}

function parse(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startSyncroRecorder(opts: {
  /** Syncro's API base (…/api/v1). */
  target: string;
  allowWrites: boolean;
  now?: () => number;
}): Promise<SyncroRecorder> {
  const target = opts.target.replace(/\/+$/, '');
  const webTarget = target.replace(/\/api\/v1$/, '');
  const now = opts.now ?? Date.now;
  const owners = new Map<string, string>();
  const requests: SyncroRequestRecord[] = [];
  const listeners = new Set<() => void>();
  let seq = 0;

  const record = (r: Omit<SyncroRequestRecord, 'seq' | 'at'>) => {
    seq += 1;
    requests.push({ seq, at: now(), ...r });
    for (const l of listeners) l();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://playground');
    const method = (req.method ?? 'GET').toUpperCase();
    if (!url.pathname.startsWith(`${API_PREFIX}/`) && url.pathname !== API_PREFIX) {
      // A link on a card (ticket, invoice): Syncro's web page.
      res.writeHead(302, { location: `${webTarget}${url.pathname}${url.search}` });
      res.end();
      return;
    }
    const raw = await readBody(req);
    const key = keyOf(req, url);
    const fp = key ? fingerprint(key) : undefined;
    const shownQuery = new URLSearchParams(url.searchParams);
    shownQuery.delete('api_key');
    const q = shownQuery.toString();
    const path = `${url.pathname.slice(API_PREFIX.length)}${q ? `?${q}` : ''}`;
    const owner = fp ? owners.get(fp) : undefined;
    if (WRITE_METHODS.has(method) && !opts.allowWrites) {
      record({ method, path, body: parse(raw), owner, status: 422, refused: true });
      sendJson(res, 422, { error: READ_ONLY_MESSAGE });
      return;
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    const upstream = await request(`${target}${url.pathname.slice(API_PREFIX.length)}${url.search}`, {
      method: method as 'GET',
      headers,
      body: raw === '' ? undefined : raw,
    });
    const text = await upstream.body.text();
    if (fp && url.pathname === `${API_PREFIX}/me` && upstream.statusCode === 200) {
      const me = parse(text) as { user_name?: unknown } | undefined;
      if (typeof me?.user_name === 'string') owners.set(fp, me.user_name);
    }
    record({
      method,
      path,
      body: parse(raw),
      owner: fp ? owners.get(fp) : undefined,
      status: upstream.statusCode,
      refused: false,
    });
    const out: Record<string, string> = {};
    for (const name of ['content-type', 'retry-after']) {
      const v = upstream.headers[name];
      if (typeof v === 'string') out[name] = v;
    }
    res.writeHead(upstream.statusCode, out);
    res.end(text);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // Syncro could not be reached: the bot sees a dropped connection, as it would without the playground.
      req.socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${API_PREFIX}`,
    requests,
    allowWrites: opts.allowWrites,
    knowKey(key, owner) {
      owners.set(fingerprint(key), owner);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset() {
      requests.length = 0;
      for (const l of listeners) l();
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
