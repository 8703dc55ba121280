import type { KnownBlock } from '@slack/types';
import { request } from 'undici';
import { AppError } from '../errors.js';

/** A message for a response_url (Slack allows 5 uses within 30 minutes of the interaction). */
export interface ResponseMessage {
  text: string;
  blocks?: KnownBlock[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  delete_original?: boolean;
}

export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

export class ResponseUrlError extends AppError {
  readonly code = 'RESPONSE_URL_FAILED';
}

/** Posts to a response_url. The URL itself is never logged or put in an error (it authorises replies). */
export async function postToResponseUrl(
  url: string,
  message: ResponseMessage,
  timeoutMs = 10_000,
): Promise<void> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await res.body.text();
  if (res.statusCode >= 300)
    throw new ResponseUrlError(`response_url answered HTTP ${res.statusCode}: ${text.slice(0, 100)}`);
}

/**
 * Counts uses per response_url in this process, so that we stop before Slack refuses (5 uses, 30 minutes).
 * After a restart the count is unknown; a refused post then falls back to a new ephemeral message.
 */
export class ResponseUrlBudget {
  private readonly uses = new Map<string, { first: number; n: number }>();
  constructor(private readonly now: () => number) {}

  /** Returns true and counts a use if the URL can still be used. */
  take(url: string, issuedAt: number | undefined): boolean {
    const now = this.now();
    if (issuedAt !== undefined && now - issuedAt > RESPONSE_URL_TTL_MS) return false;
    const u = this.uses.get(url) ?? { first: now, n: 0 };
    if (u.n >= RESPONSE_URL_MAX_USES) return false;
    u.n++;
    this.uses.set(url, u);
    if (this.uses.size > 10_000) this.prune(now);
    return true;
  }

  private prune(now: number): void {
    for (const [k, v] of this.uses) if (now - v.first > RESPONSE_URL_TTL_MS) this.uses.delete(k);
  }
}
