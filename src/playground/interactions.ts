import { randomBytes } from 'node:crypto';
import { BOT_USER_ID } from './slack/ids.js';
import type { SlackFake } from './slack/server.js';
import {
  appHomeOpened,
  blockActionPayload,
  blockSuggestionPayload,
  type EchoedView,
  globalShortcutPayload,
  messageEvent,
  messageShortcutPayload,
  postPayload,
  postSigned,
  type SlackHttpResult,
  sendEvent,
  slashCommandBody,
  viewClosedPayload,
  viewSubmissionPayload,
} from './slack/signer.js';
import type { OpenView, Workspace } from './workspace.js';

/**
 * What a person does on the page, sent to the bot as Slack would send it: signed requests to the bot's
 * /slack/events with fresh response_urls and trigger_ids, and Bolt's synchronous answers applied as Slack
 * applies them (a view submission's `response_action`, an options load's options).
 */

export interface ElementAction {
  actionId: string;
  blockId: string;
  /** Element type (`button`, `static_select`, `overflow`, `checkboxes`, ...). */
  type: string;
  value?: string;
  selectedOption?: { value: string; text?: string };
  selectedOptions?: Array<{ value: string; text?: string }>;
  /** The inputs of the message or view where the element is (block_id → action_id → state). */
  state?: Record<string, Record<string, unknown>>;
}

export interface Interactions {
  command(userId: string, channelId: string, text: string): Promise<void>;
  /** A message the person posts in a channel (the bot hears it as a `message` event). */
  post(userId: string, channelId: string, text: string): Promise<void>;
  /** "⋯ → <shortcut>" on a message (`message_action`). */
  messageShortcut(userId: string, messageId: string, callbackId: string): Promise<void>;
  /** A global shortcut from the ⚡ menu (`shortcut`). */
  globalShortcut(userId: string, callbackId: string): Promise<void>;
  act(userId: string, where: { messageId?: string; viewId?: string }, action: ElementAction): Promise<void>;
  options(
    userId: string,
    where: { messageId?: string; viewId?: string },
    el: { actionId: string; blockId: string; value: string },
  ): Promise<unknown>;
  submit(userId: string, viewId: string, values: Record<string, Record<string, unknown>>): Promise<void>;
  close(userId: string, viewId: string): Promise<void>;
  /** The person opened the app's Home tab (`app_home_opened`, Events API). */
  homeOpened(userId: string): Promise<void>;
}

export class DispatchError extends Error {
  readonly code = 'PLAYGROUND_DISPATCH_FAILED';
}

const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });

/**
 * What a person typed, as Slack sends it to an app (command text, a message's `text`): `&`, `<`, `>` escaped. The
 * page shows the person's words as typed; only what goes to the bot is escaped, as Slack does.
 */
const asSlackSends = (typed: string) =>
  typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function echo(open: OpenView, values?: Record<string, Record<string, unknown>>): EchoedView {
  const v = open.view;
  return {
    id: open.id,
    type: v.type === 'home' ? 'home' : 'modal',
    callbackId: typeof v.callback_id === 'string' ? v.callback_id : '',
    privateMetadata: typeof v.private_metadata === 'string' ? v.private_metadata : '',
    blocks: Array.isArray(v.blocks) ? v.blocks : [],
    title: v.title,
    submit: v.submit,
    close: v.close,
    externalId: typeof v.external_id === 'string' ? v.external_id : '',
    values,
  };
}

export function createInteractions(o: {
  fake: SlackFake;
  workspace: Workspace;
  secret: string;
  /** The bot's events URL (known once it listens). */
  eventsUrl: () => string;
  userName: (userId: string) => string;
}): Interactions {
  const { fake, workspace } = o;
  let viewCounter = 0;
  const trigger = (userId: string) => {
    const id = `${Date.now()}.${randomBytes(6).toString('hex')}`;
    workspace.registerTrigger(id, userId);
    return id;
  };
  const responseUrl = (name: string, ctx: { userId: string; channelId: string; targetId?: string }) => {
    const url = fake.responseUrl(name);
    workspace.registerResponseUrl(fake.responseUrlId(url), ctx);
    return url;
  };
  const signed = { url: '', secret: o.secret };
  const send = async (payload: unknown): Promise<SlackHttpResult> => {
    const res = await postPayload({ ...signed, url: o.eventsUrl() }, payload);
    if (res.status >= 300) throw new DispatchError(`the app answered HTTP ${res.status}`);
    return res;
  };
  const user = (userId: string) => ({ userId, userName: o.userName(userId) });
  const viewOf = (viewId: string) => {
    const found = workspace.findView(viewId);
    if (!found) throw new DispatchError('that view is no longer open');
    return found.view;
  };

  return {
    async homeOpened(userId) {
      const res = await sendEvent({ ...signed, url: o.eventsUrl() }, appHomeOpened({ userId }));
      if (res.status >= 300) throw new DispatchError(`the app answered HTTP ${res.status}`);
    },

    async command(userId, channelId, text) {
      const url = responseUrl('cmd', { userId, channelId });
      workspace.addOwnLine(userId, channelId, text.trim());
      // The command's text is everything after its name, line breaks kept (as Slack sends it).
      const typed = text.trim();
      const space = typed.search(/\s/);
      const command = space === -1 ? typed : typed.slice(0, space);
      const rest = space === -1 ? '' : typed.slice(space).trimStart();
      const body = slashCommandBody({
        ...user(userId),
        command,
        text: asSlackSends(rest),
        channelId,
        channelName: workspace.conversations.find((c) => c.id === channelId)?.name ?? 'directmessage',
        responseUrl: url,
        triggerId: trigger(userId),
      });
      const res = await postSigned({ ...signed, url: o.eventsUrl() }, new URLSearchParams(body).toString());
      if (res.status >= 300) {
        workspace.addSlackNote(userId, channelId, `${command} failed with the error "dispatch_failed"`);
        return;
      }
      // An acknowledgement with a message is shown to the person, as Slack does.
      const ack = res.json as { text?: unknown; blocks?: unknown } | undefined;
      if (ack && (typeof ack.text === 'string' || Array.isArray(ack.blocks)))
        workspace.addEphemeral(userId, channelId, ack.text, ack.blocks);
    },

    async post(userId, channelId, text) {
      const m = workspace.addPost(userId, channelId, text.trim());
      // Slack delivers the event whatever the app answers; a refusal does not take the message back.
      await sendEvent(
        { ...signed, url: o.eventsUrl() },
        messageEvent({ userId, channelId, text: asSlackSends(m.text), ts: m.ts }),
      ).catch(() => undefined);
    },

    async messageShortcut(userId, messageId, callbackId) {
      const m = workspace.message(messageId);
      if (!m?.ts || m.ephemeralFor) throw new DispatchError('that message has no shortcuts');
      const from = m.from === 'bot' ? BOT_USER_ID : m.from;
      await send(
        messageShortcutPayload({
          ...user(userId),
          callbackId,
          channelId: m.channel,
          // A bot's message is already Slack's text (mrkdwn); a person's is what they typed.
          message: {
            ts: m.ts,
            text: m.from === 'bot' ? m.text : asSlackSends(m.text),
            user: from,
            ...(m.threadTs ? { threadTs: m.threadTs } : {}),
          },
          responseUrl: responseUrl('shortcut', { userId, channelId: m.channel }),
          triggerId: trigger(userId),
        }),
      );
    },

    async globalShortcut(userId, callbackId) {
      await send(globalShortcutPayload({ ...user(userId), callbackId, triggerId: trigger(userId) }));
    },

    async act(userId, where, action) {
      const base = {
        ...user(userId),
        actionId: action.actionId,
        blockId: action.blockId,
        actionType: action.type,
        triggerId: trigger(userId),
        stateValues: action.state,
        ...(action.selectedOption
          ? {
              selectedOption: {
                value: action.selectedOption.value,
                text: plain(action.selectedOption.text ?? action.selectedOption.value) as {
                  type: 'plain_text';
                  text: string;
                },
              },
            }
          : {}),
        ...(action.selectedOptions
          ? {
              actionExtra: {
                selected_options: action.selectedOptions.map((s) => ({
                  value: s.value,
                  text: plain(s.text ?? s.value),
                })),
              },
            }
          : {}),
        ...(action.value !== undefined ? { value: action.value } : {}),
      };
      if (where.viewId) {
        await send(
          blockActionPayload({ ...base, container: 'view', view: echo(viewOf(where.viewId), action.state) }),
        );
        return;
      }
      const m = where.messageId ? workspace.message(where.messageId) : undefined;
      if (!m) throw new DispatchError('that message is gone');
      await send(
        blockActionPayload({
          ...base,
          container: m.ephemeralFor ? 'ephemeral' : 'message',
          channelId: m.channel,
          messageTs: m.ts || '1700000000.000001',
          message: { text: m.text, blocks: m.blocks },
          responseUrl: responseUrl('act', { userId, channelId: m.channel, targetId: m.id }),
        }),
      );
    },

    async options(userId, where, el) {
      const common = { ...user(userId), actionId: el.actionId, blockId: el.blockId, value: el.value };
      let payload: Record<string, unknown>;
      if (where.viewId) {
        payload = blockSuggestionPayload({ ...common, container: 'view', view: echo(viewOf(where.viewId)) });
      } else {
        const m = where.messageId ? workspace.message(where.messageId) : undefined;
        if (!m) throw new DispatchError('that message is gone');
        payload = blockSuggestionPayload({
          ...common,
          container: m.ephemeralFor ? 'ephemeral' : 'message',
          channelId: m.channel,
          messageTs: m.ts || '1700000000.000001',
        });
      }
      const res = await send(payload);
      return res.json ?? { options: [] };
    },

    async submit(userId, viewId, values) {
      const open = viewOf(viewId);
      const v = echo(open, values);
      const res = await send(
        viewSubmissionPayload({
          ...user(userId),
          callbackId: v.callbackId ?? '',
          privateMetadata: v.privateMetadata ?? '',
          values,
          view: v,
          triggerId: trigger(userId),
        }),
      );
      workspace.applyViewAnswer(userId, viewId, res.json, () => {
        viewCounter += 1;
        return `VPUSH${String(viewCounter).padStart(6, '0')}`;
      });
    },

    async close(userId, viewId) {
      const open = viewOf(viewId);
      workspace.closeView(userId, viewId);
      if (open.view.notify_on_close === true)
        await send(viewClosedPayload({ ...user(userId), view: echo(open) }));
    },
  };
}
