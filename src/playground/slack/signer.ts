import { createHmac } from 'node:crypto';
import { request } from 'undici';
import {
  type BlockActionFields,
  type BlockSuggestionFields,
  blockActionPayload,
  blockSuggestionPayload,
  eventCallbackBody,
  type GlobalShortcutFields,
  globalShortcutPayload,
  type MessageShortcutFields,
  messageShortcutPayload,
  type SlashCommandFields,
  slashCommandBody,
  type ViewSubmissionFields,
  viewSubmissionPayload,
} from './payloads.js';

/**
 * Sends Slack-shaped, correctly signed HTTP requests (loopback) to a Bolt HTTP receiver, exactly as Slack's
 * servers would:
 *
 * - every request carries `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 *   "v0:<timestamp>:<raw body>" keyed with the signing secret>`;
 * - a slash command is a form-encoded body of fields (`command`, `text`, `user_id`, `response_url`, ...);
 * - interactivity (`block_actions`, `view_submission`, `view_closed`) and options loads (`block_suggestion`)
 *   are a form-encoded body with a single `payload=<json>` field.
 */

export * from './payloads.js';

export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Signs `rawBody` the way Slack does (signature version v0). `timestampSec` defaults to now. */
export function signSlackRequest(
  secret: string,
  rawBody: string,
  timestampSec: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const ts = String(Math.floor(timestampSec));
  const hex = createHmac('sha256', secret).update(`v0:${ts}:${rawBody}`).digest('hex');
  return { 'x-slack-signature': `v0=${hex}`, 'x-slack-request-timestamp': ts };
}

export interface SlackHttpResult {
  status: number;
  /** Raw response body text (empty when Bolt acked with no body). */
  body: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Options every helper accepts. */
export interface SignedRequestOptions {
  /** The receiver endpoint, e.g. `http://127.0.0.1:${port}/slack/events`. */
  url: string;
  /** Signing secret used to sign the request (pass a wrong one to test rejection). */
  secret: string;
  /** Request timestamp in seconds (default now; pass an old one to test staleness). */
  timestampSec?: number;
  /** Replaces the computed `X-Slack-Signature` (to test tampering). */
  signature?: string;
  /** Extra request headers (e.g. `x-slack-retry-num`). */
  headers?: Record<string, string>;
}

/** POSTs a form-encoded body (or JSON, for the Events API), signed, to `opts.url`. */
export async function postSigned(
  opts: SignedRequestOptions,
  rawBody: string,
  contentType = 'application/x-www-form-urlencoded',
): Promise<SlackHttpResult> {
  const signed = signSlackRequest(opts.secret, rawBody, opts.timestampSec);
  const res = await request(opts.url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signed,
      ...(opts.signature !== undefined ? { 'x-slack-signature': opts.signature } : {}),
      ...opts.headers,
    },
    body: rawBody,
  });
  const body = await res.body.text();
  let json: unknown;
  if (body.length > 0) {
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
  }
  return { status: res.statusCode, body, json, headers: res.headers };
}

/** POSTs `payload=<json>` (interactivity / options load). */
export function postPayload(opts: SignedRequestOptions, payload: unknown): Promise<SlackHttpResult> {
  return postSigned(opts, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
}

export type SlashCommandOptions = SignedRequestOptions & SlashCommandFields;
export type BlockActionOptions = SignedRequestOptions & BlockActionFields;
export type ViewSubmissionOptions = SignedRequestOptions & ViewSubmissionFields;
export type BlockSuggestionOptions = SignedRequestOptions & BlockSuggestionFields;

/** Sends a slash command invocation, form-encoded, as Slack does. */
export function slashCommand(opts: SlashCommandOptions): Promise<SlackHttpResult> {
  return postSigned(opts, new URLSearchParams(slashCommandBody(opts)).toString());
}

/** Sends a `block_actions` interaction (a button click or select change). */
export function blockAction(opts: BlockActionOptions): Promise<SlackHttpResult> {
  return postPayload(opts, blockActionPayload(opts));
}

/** Sends a modal `view_submission`. Bolt answers with the listener's ack body (e.g. `response_action: errors`). */
export function viewSubmission(opts: ViewSubmissionOptions): Promise<SlackHttpResult> {
  return postPayload(opts, viewSubmissionPayload(opts));
}

/** Sends an options load for an external_select; Bolt answers with `{options: [...]}` from the listener's ack. */
export function blockSuggestion(opts: BlockSuggestionOptions): Promise<SlackHttpResult> {
  return postPayload(opts, blockSuggestionPayload(opts));
}

export type MessageShortcutOptions = SignedRequestOptions & MessageShortcutFields;
export type GlobalShortcutOptions = SignedRequestOptions & GlobalShortcutFields;

/** A message shortcut ("⋯ → Create Syncro ticket" on a message). */
export function messageShortcut(opts: MessageShortcutOptions): Promise<SlackHttpResult> {
  return postPayload(opts, messageShortcutPayload(opts));
}

/** A global shortcut (the ⚡ menu). */
export function globalShortcut(opts: GlobalShortcutOptions): Promise<SlackHttpResult> {
  return postPayload(opts, globalShortcutPayload(opts));
}

/** An Events API delivery (JSON body, signed like every request) wrapping `event`. */
export function sendEvent(
  opts: SignedRequestOptions,
  event: Record<string, unknown>,
): Promise<SlackHttpResult> {
  return postSigned(opts, JSON.stringify(eventCallbackBody(event)), 'application/json');
}
