import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody as readBodyUpTo } from '../../sandbox/http.js';

/** Small HTTP helpers shared by the fake Slack server and the playground's routes. */

const MAX_BODY_BYTES = 2_000_000;

/** A request's body as text (Slack's payloads, file uploads included, stay under 2 MB here). */
export function readBody(req: IncomingMessage): Promise<string> {
  return readBodyUpTo(req, MAX_BODY_BYTES);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** WebClient JSON-encodes object arguments (`blocks`, `view`) inside form bodies: decode them back. */
export function decodeFormValue(value: string): unknown {
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

/** A Web API call's arguments: query, then the form or JSON body over it. */
export function parseApiArguments(
  raw: string,
  contentType: string | undefined,
  query: URLSearchParams,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of query) body[k] = decodeFormValue(v);
  if (contentType?.includes('application/json')) {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (isObject(parsed)) Object.assign(body, parsed);
  } else if (raw) {
    for (const [k, v] of new URLSearchParams(raw)) body[k] = decodeFormValue(v);
  }
  return body;
}
