import { BOT_SCOPES } from '../../slack-app-scopes.js';
import { isObject, str } from './http.js';
import {
  APP_ID,
  BOT_ID,
  BOT_USER_ID,
  dmFor,
  TEAM_DOMAIN,
  TEAM_ID,
  tsGenerator,
  viewIdGenerator,
} from './ids.js';

/**
 * Slack's Web API as far as the bot uses it: each method's realistic `{ok: true, ...}` answer (or Slack's error
 * for a missing argument). Pure bookkeeping, no I/O: the server records the call and sends the answer.
 */

export interface FakeUser {
  name?: string;
  realName?: string;
  displayName?: string;
  /** A deactivated account: users.info still answers it, with `deleted: true`. */
  deleted?: boolean;
}

/** What conversations.info answers for a channel (unknown channels: a public channel the bot is in). */
export interface FakeChannel {
  name?: string;
  isPrivate?: boolean;
  /** Default true. A private channel the bot is not in answers `channel_not_found`, as Slack does. */
  isMember?: boolean;
  isArchived?: boolean;
}

export interface UploadedFile {
  id: string;
  filename: string;
  length: number;
  /** The bytes POSTed to the upload URL (as text), once uploaded. */
  content?: string;
  /** Once files.completeUploadExternal shared it: where, under which title, and when (epoch seconds). */
  shared?: { channelId?: string; threadTs?: string; title: string; created: number };
}

export interface WebApi {
  answer(method: string, body: Record<string, unknown>, token: string | undefined): Record<string, unknown>;
  setUser(id: string, user: FakeUser): void;
  /** users.info answers `user_not_found` for this id (no such account in the workspace). */
  removeUser(id: string): void;
  setChannel(id: string, channel: FakeChannel): void;
  /** conversations.info answers `channel_not_found` for this id. */
  removeChannel(id: string): void;
  /** The bot token's scopes, sent as `x-oauth-scopes` on every answer (default: BOT_SCOPES, the manifest's). */
  setScopes(scopes: readonly string[]): void;
  /** The headers every Web API answer carries (`x-oauth-scopes`). */
  headers(): Record<string, string>;
  /** Files announced by files.getUploadURLExternal (by id). */
  readonly files: Map<string, UploadedFile>;
  reset(): void;
}

export function createWebApi(opts: { baseUrl: () => string }): WebApi {
  const users = new Map<string, FakeUser>();
  const missingUsers = new Set<string>();
  const channels = new Map<string, FakeChannel>();
  const missingChannels = new Set<string>();
  let scopes: readonly string[] = BOT_SCOPES;
  const viewsByExternalId = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  const nextTs = tsGenerator();
  const nextViewId = viewIdGenerator();
  let fileCounter = 0;

  const buildView = (arg: Record<string, unknown>, id: string): Record<string, unknown> => ({
    type: 'modal',
    blocks: [],
    private_metadata: '',
    callback_id: '',
    external_id: '',
    ...arg,
    id,
    team_id: TEAM_ID,
    state: { values: {} },
    hash: `${Date.now()}.${id.toLowerCase()}`,
    clear_on_close: false,
    notify_on_close: false,
    root_view_id: id,
    previous_view_id: null,
    app_id: APP_ID,
    app_installed_team_id: TEAM_ID,
    bot_id: BOT_ID,
  });

  const botMessage = (body: Record<string, unknown>, ts: string) => ({
    type: 'message',
    user: BOT_USER_ID,
    bot_id: BOT_ID,
    app_id: APP_ID,
    team: TEAM_ID,
    text: body.text ?? '',
    blocks: body.blocks ?? [],
    ts,
    ...(str(body.thread_ts) ? { thread_ts: body.thread_ts } : {}),
  });

  const methods: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://msp-test.slack.com/',
      team: 'MSP Test',
      user: 'syncro',
      team_id: TEAM_ID,
      user_id: BOT_USER_ID,
      bot_id: BOT_ID,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (body) => {
      const channel = str(body.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!str(body.text) && !Array.isArray(body.blocks) && !Array.isArray(body.attachments))
        return { ok: false, error: 'no_text' };
      const ts = nextTs();
      return { ok: true, channel: dmFor(channel), ts, message: botMessage(body, ts) };
    },
    'chat.update': (body) => {
      const channel = str(body.channel);
      const ts = str(body.ts);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!ts) return { ok: false, error: 'message_not_found' };
      const { ts: _ts, ...message } = botMessage(body, ts);
      return { ok: true, channel, ts, text: body.text ?? '', message };
    },
    'chat.postEphemeral': (body) => {
      if (!str(body.channel)) return { ok: false, error: 'channel_not_found' };
      if (!str(body.user)) return { ok: false, error: 'user_not_in_channel' };
      return { ok: true, message_ts: nextTs() };
    },
    'chat.delete': (body) => ({ ok: true, channel: body.channel, ts: body.ts }),
    'chat.getPermalink': (body) => {
      const channel = str(body.channel);
      const ts = str(body.message_ts);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!ts) return { ok: false, error: 'message_not_found' };
      return {
        ok: true,
        channel,
        permalink: `https://${TEAM_DOMAIN}.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
      };
    },
    // Unfurls: either channel + ts of the message, or the event's unfurl_id + source.
    'chat.unfurl': (body) => {
      const byMessage = str(body.channel) && str(body.ts);
      const byId = str(body.unfurl_id) && str(body.source);
      if (!byMessage && !byId) return { ok: false, error: 'invalid_arguments' };
      if (!isObject(body.unfurls) && typeof body.unfurls !== 'string')
        return { ok: false, error: 'invalid_unfurls' };
      return { ok: true };
    },
    'views.open': (body) => openView(body),
    'views.push': (body) => openView(body),
    'views.update': (body) => replaceView(body),
    'views.publish': (body) => replaceView(body),
    'users.info': (body) => {
      const id = str(body.user);
      if (!id || missingUsers.has(id)) return { ok: false, error: 'user_not_found' };
      const u = users.get(id) ?? {};
      const name = u.name ?? `user_${id.toLowerCase()}`;
      const realName = u.realName ?? `User ${id}`;
      const displayName = u.displayName ?? name;
      return {
        ok: true,
        user: {
          id,
          team_id: TEAM_ID,
          name,
          real_name: realName,
          deleted: u.deleted === true,
          is_bot: false,
          tz: 'America/Chicago',
          profile: { display_name: displayName, real_name: realName, display_name_normalized: displayName },
        },
      };
    },
    'conversations.info': (body) => {
      const id = str(body.channel);
      if (!id || missingChannels.has(id)) return { ok: false, error: 'channel_not_found' };
      const c = channels.get(id) ?? {};
      const isPrivate = c.isPrivate ?? (id.startsWith('G') || id.startsWith('D'));
      const isMember = c.isMember ?? true;
      // Slack does not show a private channel to an app that is not in it.
      if (isPrivate && !isMember) return { ok: false, error: 'channel_not_found' };
      return {
        ok: true,
        channel: {
          id,
          name: id.startsWith('D') ? undefined : (c.name ?? `channel-${id.toLowerCase()}`),
          is_channel: id.startsWith('C'),
          is_group: id.startsWith('G'),
          is_im: id.startsWith('D'),
          is_private: isPrivate,
          is_member: isMember,
          is_archived: c.isArchived ?? false,
        },
      };
    },
    'conversations.open': (body) => {
      const first = str(body.users)?.split(',')[0];
      const channel = str(body.channel) ?? (first ? dmFor(first) : undefined);
      if (!channel) return { ok: false, error: 'users_list_not_supplied' };
      return { ok: true, channel: { id: channel } };
    },
    // Slack's two-step upload: an upload URL for the bytes, then "complete" shares the file.
    'files.getUploadURLExternal': (body) => {
      const filename = str(body.filename);
      const length = Number(body.length);
      if (!filename || !Number.isFinite(length)) return { ok: false, error: 'invalid_arguments' };
      fileCounter += 1;
      const id = `F${String(fileCounter).padStart(10, '0')}`;
      files.set(id, { id, filename, length });
      return { ok: true, upload_url: `${opts.baseUrl()}/upload/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (body) => {
      const list = Array.isArray(body.files) ? body.files : [];
      if (list.length === 0) return { ok: false, error: 'invalid_arguments' };
      const out = [];
      for (const f of list) {
        const id = isObject(f) ? str(f.id) : undefined;
        const known = id ? files.get(id) : undefined;
        if (!known) return { ok: false, error: 'file_not_found' };
        const title = (isObject(f) && str(f.title)) || known.filename;
        const channelId = str(body.channel_id);
        const threadTs = str(body.thread_ts);
        known.shared = {
          ...(channelId ? { channelId } : {}),
          ...(threadTs ? { threadTs } : {}),
          title,
          created: Math.floor(Date.now() / 1000),
        };
        out.push(fileObject(known));
      }
      return { ok: true, files: out };
    },
    // Shared files, newest first, filtered as Slack does by channel and creation time (ts_from, epoch seconds).
    'files.list': (body) => {
      const channel = str(body.channel);
      const from = Number(str(body.ts_from) ?? body.ts_from ?? 0);
      const list = [...files.values()]
        .filter((f) => f.shared && (!channel || f.shared.channelId === channel))
        .filter((f) => !Number.isFinite(from) || (f.shared?.created ?? 0) >= from)
        .reverse()
        .map(fileObject);
      return { ok: true, files: list, paging: { count: 100, total: list.length, page: 1, pages: 1 } };
    },
  };

  function fileObject(f: UploadedFile): Record<string, unknown> {
    return {
      id: f.id,
      name: f.filename,
      title: f.shared?.title ?? f.filename,
      created: f.shared?.created,
      size: f.length,
      channels: f.shared?.channelId ? [f.shared.channelId] : [],
    };
  }

  function openView(body: Record<string, unknown>): Record<string, unknown> {
    if (!isObject(body.view)) return { ok: false, error: 'invalid_arguments' };
    const id = nextViewId();
    const ext = str(body.view.external_id);
    if (ext) viewsByExternalId.set(ext, id);
    return { ok: true, view: buildView(body.view, id) };
  }

  function replaceView(body: Record<string, unknown>): Record<string, unknown> {
    if (!isObject(body.view)) return { ok: false, error: 'invalid_arguments' };
    const ext = str(body.external_id) ?? str(body.view.external_id);
    const id = str(body.view_id) ?? (ext ? viewsByExternalId.get(ext) : undefined) ?? nextViewId();
    if (ext) viewsByExternalId.set(ext, id);
    return { ok: true, view: buildView(body.view, id) };
  }

  return {
    answer(method, body, token) {
      if (!token) return { ok: false, error: 'not_authed' };
      const m = methods[method];
      return m ? m(body) : { ok: true };
    },
    setUser(id, user) {
      missingUsers.delete(id);
      users.set(id, user);
    },
    removeUser(id) {
      users.delete(id);
      missingUsers.add(id);
    },
    setChannel(id, channel) {
      missingChannels.delete(id);
      channels.set(id, channel);
    },
    removeChannel(id) {
      channels.delete(id);
      missingChannels.add(id);
    },
    setScopes(list) {
      scopes = [...list];
    },
    headers: () => ({ 'x-oauth-scopes': scopes.join(',') }),
    files,
    reset() {
      users.clear();
      missingUsers.clear();
      channels.clear();
      missingChannels.clear();
      scopes = BOT_SCOPES;
      viewsByExternalId.clear();
      files.clear();
    },
  };
}
