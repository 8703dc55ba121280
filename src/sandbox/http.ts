import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers; `send` writes it. `text` bypasses JSON encoding (HTML pages, garbage, empty bodies). */
export interface Reply {
  status: number;
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const json = (body: unknown, status = 200): Reply => ({ status, body });
export const notFound = (): Reply => json({ error: 'Not found' }, 404);
export const unprocessable = (body: unknown): Reply => json(body, 422);
/** Rails' answer to a body it cannot parse or a write without a JSON content type: an HTML page. */
export const badRequestPage = (): Reply => ({
  status: 400,
  contentType: 'text/html; charset=utf-8',
  text: '<!DOCTYPE html>\n<html><head><title>Bad Request</title></head><body><h1>400 Bad Request</h1></body></html>\n',
});

export function send(res: ServerResponse, reply: Reply): void {
  const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

const MAX_BODY_BYTES = 1_000_000;

/** A request's body as text; more than `maxBytes` is refused. */
export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers))
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

export function isJsonContentType(value: string | undefined): boolean {
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
