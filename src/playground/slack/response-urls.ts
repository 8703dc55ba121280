import { isObject, str } from './http.js';

/**
 * Slack's response_url rules: a URL accepts at most 5 uses within 30 minutes of the interaction that issued it
 * (later ones are refused with HTTP 404 `used_url` / `expired_url`), and a message needs text or blocks.
 */

/** Slack allows a response_url to be used this many times (within 30 minutes). */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

export interface ResponseUrlBody {
  text?: string;
  blocks?: unknown[];
  replace_original?: boolean;
  delete_original?: boolean;
  response_type?: 'ephemeral' | 'in_channel';
  [key: string]: unknown;
}

export interface ResponseVerdict {
  body: ResponseUrlBody;
  /** 1 for the first POST to this URL, 2 for the second, ... (counted whether accepted or not). */
  use: number;
  status: number;
  /** `ok` or the Slack error string. */
  result: string;
}

export interface ResponseUrls {
  /** Registers a fresh id (issued now). */
  issue(id: string): void;
  /** Counts a POST to `id` and says whether Slack would accept it. */
  post(id: string, raw: string): ResponseVerdict;
  uses(id: string): number;
  expire(id: string): void;
  reset(): void;
}

export function createResponseUrls(now: () => number): ResponseUrls {
  const uses = new Map<string, number>();
  const issuedAt = new Map<string, number>();
  const expired = new Set<string>();

  return {
    issue(id) {
      issuedAt.set(id, now());
    },
    post(id, raw) {
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
      const issued = issuedAt.get(id);
      let status = 200;
      let result = 'ok';
      if (expired.has(id) || (issued !== undefined && now() - issued > RESPONSE_URL_TTL_MS)) {
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
      return { body, use, status, result };
    },
    uses: (id) => uses.get(id) ?? 0,
    expire(id) {
      expired.add(id);
    },
    reset() {
      uses.clear();
      issuedAt.clear();
      expired.clear();
    },
  };
}
