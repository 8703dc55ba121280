import { createHmac } from 'node:crypto';
import { COMMAND } from '../../slack/action-ids.js';
import { APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, VERIFICATION_TOKEN } from './ids.js';

/**
 * The bodies Slack sends to an app, shaped as Slack shapes them: a slash command's form fields, and the
 * `payload` JSON of block_actions, view_submission, view_closed and block_suggestion (options load). Pure.
 */

export const FAKE_APP_ID = APP_ID;
export const FAKE_VERIFICATION_TOKEN = VERIFICATION_TOKEN;
const DEFAULT_CHANNEL = 'C0TICKETS1';

export interface SlackUserOptions {
  userId: string;
  /** Slack username; defaults to a name derived from the user id. */
  userName?: string;
  teamId?: string;
  teamDomain?: string;
}

let triggerCounter = 0;
export function fakeTriggerId(): string {
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
  return { id: o.userId, username: name, name, team_id: o.teamId ?? TEAM_ID };
}

function slackTeam(o: SlackUserOptions): { id: string; domain: string } {
  return { id: o.teamId ?? TEAM_ID, domain: o.teamDomain ?? TEAM_DOMAIN };
}

/** A view as Slack echoes it back in interaction payloads. */
export interface EchoedView {
  id: string;
  callbackId?: string;
  privateMetadata?: string;
  blocks?: unknown[];
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  externalId?: string;
  rootViewId?: string;
  previousViewId?: string | null;
  values?: Record<string, Record<string, unknown>>;
  type?: 'modal' | 'home';
}

function echoView(v: EchoedView, teamId: string): Record<string, unknown> {
  return {
    id: v.id,
    team_id: teamId,
    type: v.type ?? 'modal',
    blocks: v.blocks ?? [],
    private_metadata: v.privateMetadata ?? '',
    callback_id: v.callbackId ?? '',
    state: { values: v.values ?? {} },
    hash: '1700000000.fakehash',
    title: v.title ?? { type: 'plain_text', text: 'Syncro', emoji: true },
    clear_on_close: false,
    notify_on_close: false,
    close: v.close ?? { type: 'plain_text', text: 'Cancel', emoji: true },
    submit: v.submit ?? { type: 'plain_text', text: 'Submit', emoji: true },
    previous_view_id: v.previousViewId ?? null,
    root_view_id: v.rootViewId ?? v.id,
    app_id: APP_ID,
    external_id: v.externalId ?? '',
    app_installed_team_id: teamId,
    bot_id: BOT_ID,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Slash command
// ---------------------------------------------------------------------------------------------------------------

export interface SlashCommandFields extends SlackUserOptions {
  text: string;
  responseUrl: string;
  /** Default COMMAND (`/syncro`). */
  command?: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
}

export function slashCommandBody(opts: SlashCommandFields): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: opts.teamId ?? TEAM_ID,
    team_domain: opts.teamDomain ?? TEAM_DOMAIN,
    channel_id: opts.channelId ?? DEFAULT_CHANNEL,
    channel_name: opts.channelName ?? 'tickets',
    user_id: opts.userId,
    user_name: userName(opts),
    command: opts.command ?? COMMAND,
    text: opts.text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: opts.responseUrl,
    trigger_id: opts.triggerId ?? fakeTriggerId(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// block_actions
// ---------------------------------------------------------------------------------------------------------------

export interface SelectedOption {
  text?: { type: 'plain_text'; text: string; emoji?: boolean };
  value: string;
}

export interface BlockActionFields extends SlackUserOptions {
  actionId: string;
  /** Button value (omit for selects, pass `selectedOption` instead). */
  value?: string;
  /** Defaults to the action id. */
  blockId?: string;
  /** Where replies go; none for a click inside a modal (as Slack does). */
  responseUrl?: string;
  channelId?: string;
  messageTs?: string;
  triggerId?: string;
  /**
   * `ephemeral` (default): the card is an ephemeral message, so no `message` is included, as Slack does;
   * `message`: a message in the channel; `view`: an element inside a modal or the App Home (pass `view`).
   */
  container?: 'ephemeral' | 'message' | 'view';
  /** For selects: the chosen option (the action then has `selected_option` instead of `value`). */
  selectedOption?: SelectedOption;
  /** Element type; default `button`, or `static_select` when `selectedOption` is given. */
  actionType?: string;
  /** For `container: 'message'`: the message's text/blocks as Slack would echo them back. */
  message?: { text?: string; blocks?: unknown[] };
  /** `state.values` of the message's inputs. */
  stateValues?: Record<string, Record<string, unknown>>;
  /** For `container: 'view'`: the view the element is in. */
  view?: EchoedView;
  /** Extra fields of the action (e.g. `selected_options` for checkboxes). */
  actionExtra?: Record<string, unknown>;
}

export function blockActionPayload(opts: BlockActionFields): Record<string, unknown> {
  const where = opts.container ?? 'ephemeral';
  const ephemeral = where === 'ephemeral';
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
  } else if (!opts.actionExtra) {
    action.value = opts.value ?? '';
    if (actionType === 'button') action.text = { type: 'plain_text', text: opts.actionId, emoji: true };
  } else if (opts.value !== undefined) action.value = opts.value;
  Object.assign(action, opts.actionExtra);
  const teamId = opts.teamId ?? TEAM_ID;
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: slackUser(opts),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: opts.triggerId ?? fakeTriggerId(),
    team: slackTeam(opts),
    enterprise: null,
    is_enterprise_install: false,
    state: { values: opts.stateValues ?? {} },
    actions: [action],
  };
  if (where === 'view') {
    const view = opts.view ?? { id: 'V0FAKEVIEW1' };
    payload.container = { type: 'view', view_id: view.id };
    payload.view = echoView(view, teamId);
    if (opts.responseUrl) payload.response_url = opts.responseUrl;
    return payload;
  }
  payload.container = {
    type: 'message',
    message_ts: messageTs,
    channel_id: channelId,
    is_ephemeral: ephemeral,
  };
  payload.channel = { id: channelId, name: 'tickets' };
  payload.response_url = opts.responseUrl ?? '';
  if (!ephemeral) {
    payload.message = {
      type: 'message',
      subtype: 'bot_message',
      user: BOT_USER_ID,
      bot_id: BOT_ID,
      app_id: APP_ID,
      team: teamId,
      ts: messageTs,
      text: opts.message?.text ?? '',
      blocks: opts.message?.blocks ?? [],
    };
  }
  return payload;
}

// ---------------------------------------------------------------------------------------------------------------
// view_submission and view_closed
// ---------------------------------------------------------------------------------------------------------------

export interface ViewSubmissionFields extends SlackUserOptions {
  callbackId: string;
  privateMetadata: string;
  /** `view.state.values`: block_id → action_id → element state (`{type, value}`, `{type, selected_option}`...). */
  values: Record<string, Record<string, unknown>>;
  viewId?: string;
  triggerId?: string;
  /** The view's blocks as Slack would echo them back (default none). */
  blocks?: unknown[];
  /** The rest of the view (title, stack ids), when the sender knows it. */
  view?: Partial<EchoedView>;
}

export function viewSubmissionPayload(opts: ViewSubmissionFields): Record<string, unknown> {
  const teamId = opts.teamId ?? TEAM_ID;
  return {
    type: 'view_submission',
    team: slackTeam(opts),
    user: slackUser(opts),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: opts.triggerId ?? fakeTriggerId(),
    view: echoView(
      {
        ...opts.view,
        id: opts.viewId ?? opts.view?.id ?? 'V0FAKEVIEW1',
        callbackId: opts.callbackId,
        privateMetadata: opts.privateMetadata,
        blocks: opts.blocks ?? opts.view?.blocks,
        values: opts.values,
      },
      teamId,
    ),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function viewClosedPayload(opts: SlackUserOptions & { view: EchoedView }): Record<string, unknown> {
  return {
    type: 'view_closed',
    team: slackTeam(opts),
    user: slackUser(opts),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    view: echoView(opts.view, opts.teamId ?? TEAM_ID),
    is_cleared: false,
    is_enterprise_install: false,
    enterprise: null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// block_suggestion (external_select options load)
// ---------------------------------------------------------------------------------------------------------------

export interface BlockSuggestionFields extends SlackUserOptions {
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
  /** For `container: 'view'`: the view the select is in. */
  view?: EchoedView;
}

export function blockSuggestionPayload(opts: BlockSuggestionFields): Record<string, unknown> {
  const where = opts.container ?? 'ephemeral';
  const channelId = opts.channelId ?? DEFAULT_CHANNEL;
  const payload: Record<string, unknown> = {
    type: 'block_suggestion',
    user: slackUser(opts),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    action_id: opts.actionId,
    block_id: opts.blockId ?? opts.actionId,
    value: opts.value,
    team: slackTeam(opts),
    enterprise: null,
    is_enterprise_install: false,
  };
  if (where === 'view') {
    const view = opts.view ?? { id: opts.viewId ?? 'V0FAKEVIEW1' };
    payload.container = { type: 'view', view_id: view.id };
    payload.view = echoView(view, opts.teamId ?? TEAM_ID);
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

// ---------------------------------------------------------------------------------------------------------------
// Shortcuts (message_action, shortcut)
// ---------------------------------------------------------------------------------------------------------------

/** The message a message shortcut was used on, as Slack echoes it. */
export interface ShortcutMessage {
  ts: string;
  text: string;
  /** Its author (default a user, not the bot). */
  user?: string;
  /** When the message is a reply in a thread. */
  threadTs?: string;
}

export interface MessageShortcutFields extends SlackUserOptions {
  callbackId: string;
  channelId?: string;
  message: ShortcutMessage;
  responseUrl?: string;
  triggerId?: string;
}

/** "⋯ → <shortcut>" on a message: `type: message_action`, with the message and a response_url. */
export function messageShortcutPayload(opts: MessageShortcutFields): Record<string, unknown> {
  const channelId = opts.channelId ?? DEFAULT_CHANNEL;
  const m = opts.message;
  return {
    type: 'message_action',
    token: VERIFICATION_TOKEN,
    action_ts: nowTs(),
    team: slackTeam(opts),
    user: slackUser(opts),
    channel: { id: channelId, name: 'tickets' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: opts.callbackId,
    trigger_id: opts.triggerId ?? fakeTriggerId(),
    response_url: opts.responseUrl ?? '',
    message_ts: m.ts,
    message: {
      type: 'message',
      user: m.user ?? 'U0AUTHOR01',
      ts: m.ts,
      text: m.text,
      team: opts.teamId ?? TEAM_ID,
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    },
    api_app_id: APP_ID,
  };
}

export interface GlobalShortcutFields extends SlackUserOptions {
  callbackId: string;
  triggerId?: string;
}

/** A global shortcut (the ⚡ menu): `type: shortcut`; no channel, no message, no response_url. */
export function globalShortcutPayload(opts: GlobalShortcutFields): Record<string, unknown> {
  return {
    type: 'shortcut',
    token: VERIFICATION_TOKEN,
    action_ts: nowTs(),
    team: slackTeam(opts),
    user: slackUser(opts),
    is_enterprise_install: false,
    enterprise: null,
    callback_id: opts.callbackId,
    trigger_id: opts.triggerId ?? fakeTriggerId(),
    api_app_id: APP_ID,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Events API (event_callback, JSON body)
// ---------------------------------------------------------------------------------------------------------------

let eventCounter = 0;

/** The JSON body of an Events API delivery wrapping `event` (`link_shared`, `message`, …). */
export function eventCallbackBody(event: Record<string, unknown>, opts: { teamId?: string } = {}) {
  eventCounter += 1;
  const teamId = opts.teamId ?? TEAM_ID;
  return {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: APP_ID,
    event: { event_ts: nowTs(), ...event },
    type: 'event_callback',
    event_id: `Ev${String(eventCounter).padStart(9, '0')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

export interface LinkSharedFields {
  userId: string;
  channelId: string;
  messageTs: string;
  urls: string[];
  threadTs?: string;
}

/** `link_shared`: links of a registered unfurl domain in a message someone posted. */
export function linkSharedEvent(f: LinkSharedFields): Record<string, unknown> {
  return {
    type: 'link_shared',
    channel: f.channelId,
    is_bot_user_member: true,
    user: f.userId,
    message_ts: f.messageTs,
    unfurl_id: `${f.channelId}.${f.messageTs}.unfurl`,
    source: 'conversations_history',
    ...(f.threadTs ? { thread_ts: f.threadTs } : {}),
    links: f.urls.map((url) => ({ domain: new URL(url).hostname, url })),
  };
}

export interface MessageEventFields {
  userId?: string;
  channelId: string;
  text: string;
  ts: string;
  threadTs?: string;
  /** `message_changed`, `bot_message`, … */
  subtype?: string;
  botId?: string;
  channelType?: 'channel' | 'group' | 'im';
}

/** A `message` event (message.channels / message.groups). */
export function messageEvent(f: MessageEventFields): Record<string, unknown> {
  return {
    type: 'message',
    channel: f.channelId,
    ...(f.userId ? { user: f.userId } : {}),
    text: f.text,
    ts: f.ts,
    channel_type: f.channelType ?? 'channel',
    ...(f.threadTs ? { thread_ts: f.threadTs } : {}),
    ...(f.subtype ? { subtype: f.subtype } : {}),
    ...(f.botId ? { bot_id: f.botId } : {}),
  };
}

/** `app_home_opened` for `userId` (tab `home` unless told; `view` is the Home last published for them, if any). */
export function appHomeOpened(o: {
  userId: string;
  tab?: 'home' | 'messages';
  view?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    type: 'app_home_opened',
    user: o.userId,
    channel: `D${o.userId.slice(1)}`,
    tab: o.tab ?? 'home',
    ...(o.view ? { view: o.view } : {}),
  };
}
