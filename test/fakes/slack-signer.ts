/**
 * Builds Slack-shaped, correctly signed HTTP requests and POSTs them (loopback only) to a Bolt HTTP receiver,
 * exactly as Slack's servers would:
 *
 * - every request carries `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 *   "v0:<timestamp>:<raw body>" keyed with the signing secret>`;
 * - a slash command is a form-encoded body of fields (`command`, `text`, `user_id`, `response_url`, ...);
 * - interactivity (`block_actions`, `view_submission`) and options loads (`block_suggestion`) are a
 *   form-encoded body with a single `payload=<json>` field.
 */
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { COMMAND } from '../../src/slack/action-ids.js';

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

export interface SlackUserOptions {
  userId: string;
  /** Slack username; defaults to a name derived from the user id. */
  userName?: string;
  teamId?: string;
  teamDomain?: string;
}

export const FAKE_APP_ID = 'A0SYNCRO01';
export const FAKE_VERIFICATION_TOKEN = 'fake-verification-token';
const DEFAULT_TEAM = 'T1';
const DEFAULT_TEAM_DOMAIN = 'msp-test';
const DEFAULT_CHANNEL = 'C0TICKETS1';

let triggerCounter = 0;
function fakeTriggerId(): string {
  triggerCounter += 1;
  return `${Date.now()}.${100000000 + triggerCounter}.${createHmac('sha1', 'trigger').update(String(triggerCounter)).digest('hex').slice(0, 24)}`;
}

function nowTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

function userName(o: SlackUserOptions): string {
  return o.userName ?? `user_${o.userId.toLowerCase()}`;
}

function slackUser(o: SlackUserOptions): { id: string; username: string; name: string; team_id: string } {
  const name = userName(o);
  return { id: o.userId, username: name, name, team_id: o.teamId ?? DEFAULT_TEAM };
}

function slackTeam(o: SlackUserOptions): { id: string; domain: string } {
  return { id: o.teamId ?? DEFAULT_TEAM, domain: o.teamDomain ?? DEFAULT_TEAM_DOMAIN };
}

/** POSTs a form-encoded body, signed, to `opts.url`. */
export async function postSigned(opts: SignedRequestOptions, rawBody: string): Promise<SlackHttpResult> {
  const signed = signSlackRequest(opts.secret, rawBody, opts.timestampSec);
  const res = await request(opts.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
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

// ---------------------------------------------------------------------------------------------------------------
// Slash command
// ---------------------------------------------------------------------------------------------------------------

export interface SlashCommandOptions extends SignedRequestOptions, SlackUserOptions {
  text: string;
  responseUrl: string;
  /** Default COMMAND (`/syncro`). */
  command?: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
}

export function slashCommandBody(opts: SlashCommandOptions): Record<string, string> {
  return {
    token: FAKE_VERIFICATION_TOKEN,
    team_id: opts.teamId ?? DEFAULT_TEAM,
    team_domain: opts.teamDomain ?? DEFAULT_TEAM_DOMAIN,
    channel_id: opts.channelId ?? DEFAULT_CHANNEL,
    channel_name: opts.channelName ?? 'tickets',
    user_id: opts.userId,
    user_name: userName(opts),
    command: opts.command ?? COMMAND,
    text: opts.text,
    api_app_id: FAKE_APP_ID,
    is_enterprise_install: 'false',
    response_url: opts.responseUrl,
    trigger_id: opts.triggerId ?? fakeTriggerId(),
  };
}

/** Sends a slash command invocation, form-encoded, as Slack does. */
export function slashCommand(opts: SlashCommandOptions): Promise<SlackHttpResult> {
  return postSigned(opts, new URLSearchParams(slashCommandBody(opts)).toString());
}

// ---------------------------------------------------------------------------------------------------------------
// block_actions
// ---------------------------------------------------------------------------------------------------------------

export interface SelectedOption {
  text?: { type: 'plain_text'; text: string; emoji?: boolean };
  value: string;
}

export interface BlockActionOptions extends SignedRequestOptions, SlackUserOptions {
  actionId: string;
  /** Button value (omit for selects, pass `selectedOption` instead). */
  value?: string;
  /** Defaults to the action id. */
  blockId?: string;
  responseUrl: string;
  channelId?: string;
  messageTs?: string;
  triggerId?: string;
  /** `ephemeral` (default): the card is an ephemeral message, so no `message` is included, as Slack does. */
  container?: 'ephemeral' | 'message';
  /** For selects: the chosen option (the action then has `selected_option` instead of `value`). */
  selectedOption?: SelectedOption;
  /** Element type; default `button`, or `static_select` when `selectedOption` is given. */
  actionType?: string;
  /** For `container: 'message'`: the message's text/blocks as Slack would echo them back. */
  message?: { text?: string; blocks?: unknown[] };
  /** `state.values` of the message's inputs. */
  stateValues?: Record<string, Record<string, unknown>>;
}

export function blockActionPayload(opts: BlockActionOptions): Record<string, unknown> {
  const ephemeral = (opts.container ?? 'ephemeral') === 'ephemeral';
  const channelId = opts.channelId ?? DEFAULT_CHANNEL;
  const messageTs = opts.messageTs ?? '1700000000.000100';
  const actionType = opts.actionType ?? (opts.selectedOption ? 'static_select' : 'button');
  const action: Record<string, unknown> = {
    action_id: opts.actionId,
    block_id: opts.blockId ?? opts.actionId,
    type: actionType,
    action_ts: nowTs(),
  };
  if (opts.selectedOption) {
    action.selected_option = {
      text: opts.selectedOption.text ?? { type: 'plain_text', text: opts.selectedOption.value, emoji: true },
      value: opts.selectedOption.value,
    };
  } else {
    action.value = opts.value ?? '';
    if (actionType === 'button') action.text = { type: 'plain_text', text: opts.actionId, emoji: true };
  }
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: slackUser(opts),
    api_app_id: FAKE_APP_ID,
    token: FAKE_VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: ephemeral },
    trigger_id: opts.triggerId ?? fakeTriggerId(),
    team: slackTeam(opts),
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: 'tickets' },
    state: { values: opts.stateValues ?? {} },
    response_url: opts.responseUrl,
    actions: [action],
  };
  if (!ephemeral) {
    payload.message = {
      type: 'message',
      subtype: 'bot_message',
      user: 'UBOT',
      bot_id: 'BBOT',
      app_id: FAKE_APP_ID,
      team: opts.teamId ?? DEFAULT_TEAM,
      ts: messageTs,
      text: opts.message?.text ?? '',
      blocks: opts.message?.blocks ?? [],
    };
  }
  return payload;
}

/** Sends a `block_actions` interaction (a button click or select change). */
export function blockAction(opts: BlockActionOptions): Promise<SlackHttpResult> {
  return postPayload(opts, blockActionPayload(opts));
}

// ---------------------------------------------------------------------------------------------------------------
// view_submission
// ---------------------------------------------------------------------------------------------------------------

export interface ViewSubmissionOptions extends SignedRequestOptions, SlackUserOptions {
  callbackId: string;
  privateMetadata: string;
  /** `view.state.values`: block_id → action_id → element state (`{type, value}`, `{type, selected_option}`...). */
  values: Record<string, Record<string, unknown>>;
  viewId?: string;
  triggerId?: string;
  /** The view's blocks as Slack would echo them back (default none). */
  blocks?: unknown[];
}

export function viewSubmissionPayload(opts: ViewSubmissionOptions): Record<string, unknown> {
  const viewId = opts.viewId ?? 'V0FAKEVIEW1';
  const teamId = opts.teamId ?? DEFAULT_TEAM;
  return {
    type: 'view_submission',
    team: slackTeam(opts),
    user: slackUser(opts),
    api_app_id: FAKE_APP_ID,
    token: FAKE_VERIFICATION_TOKEN,
    trigger_id: opts.triggerId ?? fakeTriggerId(),
    view: {
      id: viewId,
      team_id: teamId,
      type: 'modal',
      blocks: opts.blocks ?? [],
      private_metadata: opts.privateMetadata,
      callback_id: opts.callbackId,
      state: { values: opts.values },
      hash: '1700000000.fakehash',
      title: { type: 'plain_text', text: 'Syncro', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: FAKE_APP_ID,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: 'BBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** Sends a modal `view_submission`. Bolt answers with the listener's ack body (e.g. `response_action: errors`). */
export function viewSubmission(opts: ViewSubmissionOptions): Promise<SlackHttpResult> {
  return postPayload(opts, viewSubmissionPayload(opts));
}

// ---------------------------------------------------------------------------------------------------------------
// block_suggestion (external_select options load)
// ---------------------------------------------------------------------------------------------------------------

export interface BlockSuggestionOptions extends SignedRequestOptions, SlackUserOptions {
  actionId: string;
  /** Defaults to the action id. */
  blockId?: string;
  /** What the user typed. */
  value: string;
  /** Where the select lives; default `ephemeral` (an ephemeral message card). */
  container?: 'ephemeral' | 'message' | 'view';
  channelId?: string;
  messageTs?: string;
  viewId?: string;
}

export function blockSuggestionPayload(opts: BlockSuggestionOptions): Record<string, unknown> {
  const where = opts.container ?? 'ephemeral';
  const channelId = opts.channelId ?? DEFAULT_CHANNEL;
  const payload: Record<string, unknown> = {
    type: 'block_suggestion',
    user: slackUser(opts),
    api_app_id: FAKE_APP_ID,
    token: FAKE_VERIFICATION_TOKEN,
    action_id: opts.actionId,
    block_id: opts.blockId ?? opts.actionId,
    value: opts.value,
    team: slackTeam(opts),
    enterprise: null,
    is_enterprise_install: false,
  };
  if (where === 'view') {
    payload.container = { type: 'view', view_id: opts.viewId ?? 'V0FAKEVIEW1' };
    payload.view = {
      id: opts.viewId ?? 'V0FAKEVIEW1',
      type: 'modal',
      team_id: opts.teamId ?? DEFAULT_TEAM,
      state: { values: {} },
      app_id: FAKE_APP_ID,
    };
  } else {
    payload.container = {
      type: 'message',
      message_ts: opts.messageTs ?? '1700000000.000100',
      channel_id: channelId,
      is_ephemeral: where === 'ephemeral',
    };
    payload.channel = { id: channelId, name: 'tickets' };
  }
  return payload;
}

/** Sends an options load for an external_select; Bolt answers with `{options: [...]}` from the listener's ack. */
export function blockSuggestion(opts: BlockSuggestionOptions): Promise<SlackHttpResult> {
  return postPayload(opts, blockSuggestionPayload(opts));
}
