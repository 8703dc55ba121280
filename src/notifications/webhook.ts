import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';

/**
 * The doorbell: Syncro's Notification Center POSTs `{text, link, attributes}` (unsigned, no event type) to
 * `POST /syncro/webhook/<secret>`. The body is never trusted as data: only a ticket id is taken from it (the
 * `attributes.id`, or the id in the ticket `link`), and the ticket is then read through the API. A wrong secret
 * answers 404 and reads nothing. JSON and form bodies are accepted; a body without a ticket is acknowledged and
 * ignored (Syncro also sends customer and appointment events to the same URL).
 */

export const WEBHOOK_PATH = '/syncro/webhook';
const MAX_BODY = 64 * 1024;

/** The ticket id a Notification Center body names, or undefined. Pure. */
export function ticketIdFromBody(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const attrs = (typeof b.attributes === 'object' && b.attributes !== null ? b.attributes : {}) as Record<
    string,
    unknown
  >;
  const fromLink = (link: unknown) => {
    if (typeof link !== 'string') return undefined;
    const m = /\/tickets\/(\d{1,12})(?:[/?#]|$)/.exec(link);
    return m ? Number(m[1]) : undefined;
  };
  const candidates = [attrs.ticket_id, fromLink(b.link), fromLink(attrs.link), b.ticket_id];
  // `attributes.id` is the ticket's only when the event is about a ticket (its link says so, or it has a number).
  if (fromLink(b.link) !== undefined || attrs.number !== undefined || attrs.subject !== undefined)
    candidates.unshift(attrs.id);
  for (const c of candidates) {
    const n = typeof c === 'string' && /^\d{1,12}$/.test(c) ? Number(c) : c;
    if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0) return n;
  }
  return undefined;
}

/** A JSON or form body, parsed (form fields `attributes[id]` become nested). */
export function parseWebhookBody(raw: string, contentType: string | undefined): unknown {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(raw)) {
      const m = /^(\w+)\[(\w+)\]$/.exec(k);
      if (m) {
        const inner = (out[m[1]!] ?? {}) as Record<string, unknown>;
        inner[m[2]!] = v;
        out[m[1]!] = inner;
      } else if (k === 'payload' || k === 'json') {
        try {
          Object.assign(out, JSON.parse(v));
        } catch {
          // not JSON: ignored
        }
      } else out[k] = v;
    }
    return out;
  }
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function sameSecret(given: string, secret: string): boolean {
  // Hashes first: equal lengths for timingSafeEqual, and no early exit on length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface WebhookRouteDeps {
  /** The configured secret (resolved from its source at start-up). */
  secret: () => Promise<string | undefined>;
  /** Rings the doorbell for a ticket (debounced by the notifier). */
  ring: (ticketId: number) => Promise<void>;
  onError?: (err: unknown) => void;
}

export function webhookRoute(deps: WebhookRouteDeps): CustomRoute {
  return {
    path: `${WEBHOOK_PATH}/:secret`,
    method: ['POST'],
    handler: (req: IncomingMessage & { params?: Record<string, string | string[]> }, res: ServerResponse) => {
      const raw = req.params?.secret;
      const given = typeof raw === 'string' ? raw : '';
      void (async () => {
        const secret = await deps.secret().catch(() => undefined);
        if (!secret || !sameSecret(safeDecode(given), secret)) {
          req.resume();
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('Not Found');
          return;
        }
        let ticketId: number | undefined;
        try {
          ticketId = ticketIdFromBody(parseWebhookBody(await readBody(req), req.headers['content-type']));
        } catch {
          res.writeHead(413, { 'content-type': 'text/plain' });
          res.end('Payload Too Large');
          return;
        }
        if (ticketId !== undefined) await deps.ring(ticketId).catch((err) => deps.onError?.(err));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, ticket: ticketId !== undefined }));
      })().catch((err) => {
        deps.onError?.(err);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    },
  };
}
