import { isObject, str } from './slack/http.js';
import type { RecordedCall, RecordedResponse, SlackFakeEvent } from './slack/recorder.js';

/**
 * What the people in the playground see: the channels and DMs with their messages, the ephemeral messages
 * (visible to one person), each person's modal stack and App Home. Built only from what the bot did through
 * the fake Slack (Web API calls and response_url posts), with Slack's semantics. No I/O.
 */

export interface Conversation {
  id: string;
  name: string;
  kind: 'channel' | 'dm';
  /** For a DM: the person the bot talks to there. */
  userId?: string;
}

export interface PlaygroundFile {
  id: string;
  name: string;
  title: string;
  bytes: number;
}

export interface Message {
  /** Stable id on the page (a replaced message keeps it). */
  id: string;
  channel: string;
  ts: string;
  /** `bot`, or the Slack user id of a person (the command line they typed). */
  from: string;
  text: string;
  blocks: unknown[];
  /** Set when only this person can see the message. */
  ephemeralFor?: string;
  /** For a reply in a thread: the ts of the thread's first message. */
  threadTs?: string;
  /** A thread reply also sent to the channel (`reply_broadcast`). */
  broadcast?: boolean;
  files?: PlaygroundFile[];
  /** How many times the message was replaced (chat.update or replace_original). */
  edits: number;
}

export interface OpenView {
  id: string;
  view: Record<string, unknown>;
  /** `response_action: errors` from the last submission: block_id → message. */
  errors?: Record<string, string>;
}

export interface ResponseUrlContext {
  userId: string;
  channelId: string;
  /** The message an interaction came from (replace_original / delete_original apply to it). */
  targetId?: string;
}

export interface UserView {
  messages: Message[];
  modals: OpenView[];
  home: Record<string, unknown> | null;
}

export class Workspace {
  readonly conversations: Conversation[];
  private messages: Message[] = [];
  private readonly stacks = new Map<string, OpenView[]>();
  private readonly homes = new Map<string, Record<string, unknown>>();
  private readonly triggers = new Map<string, string>();
  private readonly responseUrls = new Map<string, ResponseUrlContext>();
  private messageCounter = 0;
  /** Timestamps of the people's own posts (after the fake's, which start at 1700000000). */
  private postCounter = 0;
  private listeners = new Set<() => void>();
  /** Increases on every visible change (the page polls or listens for it). */
  version = 0;

  constructor(conversations: Conversation[]) {
    this.conversations = conversations;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version += 1;
    for (const l of this.listeners) l();
  }

  /** A trigger_id handed to the bot in an interaction by `userId` (views.open uses it to know whose screen). */
  registerTrigger(triggerId: string, userId: string): void {
    this.triggers.set(triggerId, userId);
  }

  registerResponseUrl(id: string, context: ResponseUrlContext): void {
    this.responseUrls.set(id, context);
  }

  /** What one person sees. */
  viewFor(userId: string): UserView {
    return {
      messages: this.messages.filter((m) => !m.ephemeralFor || m.ephemeralFor === userId),
      modals: this.stacks.get(userId) ?? [],
      home: this.homes.get(userId) ?? null,
    };
  }

  message(id: string): Message | undefined {
    return this.messages.find((m) => m.id === id);
  }

  /** The open view with this id, and whose screen it is on. */
  findView(viewId: string): { userId: string; view: OpenView } | undefined {
    for (const [userId, stack] of this.stacks) {
      const view = stack.find((v) => v.id === viewId);
      if (view) return { userId, view };
    }
    const home = [...this.homes].find(([, v]) => v.id === viewId);
    return home ? { userId: home[0], view: { id: viewId, view: home[1] } } : undefined;
  }

  /** A line a person typed (the page shows their command, as Slack shows the invocation to them). */
  addOwnLine(userId: string, channel: string, text: string): void {
    this.add({ channel, ts: '', from: userId, text, blocks: [], ephemeralFor: userId });
  }

  /** A message a person posted in a conversation (visible to everyone there, with its own ts). */
  addPost(userId: string, channel: string, text: string): Message {
    this.postCounter += 1;
    const ts = `1800000000.${String(this.postCounter).padStart(6, '0')}`;
    return this.add({ channel, ts, from: userId, text, blocks: [] });
  }

  /** An ephemeral message from the bot outside the Web API (a slash command's acknowledgement). */
  addEphemeral(userId: string, channel: string, text: unknown, blocks: unknown): void {
    this.add({
      channel,
      ts: '',
      from: 'bot',
      text: typeof text === 'string' ? text : '',
      blocks: Array.isArray(blocks) ? blocks : [],
      ephemeralFor: userId,
    });
  }

  /** An ephemeral note from Slack itself (e.g. a failed dispatch), as Slack shows one. */
  addSlackNote(userId: string, channel: string, text: string): void {
    this.add({ channel, ts: '', from: 'slackbot', text, blocks: [], ephemeralFor: userId });
  }

  /** The synchronous answer to a view submission (Bolt's ack body). */
  applyViewAnswer(userId: string, viewId: string, answer: unknown, newViewId: () => string): void {
    const stack = this.stacks.get(userId) ?? [];
    const at = stack.findIndex((v) => v.id === viewId);
    if (at < 0) return;
    const a = isObject(answer) ? answer : {};
    switch (a.response_action) {
      case 'errors':
        stack[at] = { ...stack[at]!, errors: isObject(a.errors) ? (a.errors as Record<string, string>) : {} };
        break;
      case 'update':
        if (isObject(a.view)) stack[at] = { id: viewId, view: a.view };
        break;
      case 'push':
        if (isObject(a.view)) stack.push({ id: newViewId(), view: a.view });
        break;
      case 'clear':
        stack.length = 0;
        break;
      default:
        // A plain acknowledgement closes the submitted view (and any pushed above it).
        stack.splice(at);
    }
    this.stacks.set(userId, stack);
    this.changed();
  }

  closeView(userId: string, viewId: string): void {
    const stack = this.stacks.get(userId) ?? [];
    const at = stack.findIndex((v) => v.id === viewId);
    if (at >= 0) stack.splice(at);
    this.changed();
  }

  /** Forgets every message, modal and home (the demo data was reset). */
  clear(): void {
    this.messages = [];
    this.stacks.clear();
    this.homes.clear();
    this.changed();
  }

  /** Applies one thing the bot did through the fake Slack. */
  apply(event: SlackFakeEvent): void {
    if (event.kind === 'call' && event.call.reply.body.ok === true) this.applyCall(event.call);
    else if (event.kind === 'response' && event.response.accepted) this.applyResponse(event.response);
  }

  private add(m: Omit<Message, 'id' | 'edits'>): Message {
    this.messageCounter += 1;
    const message: Message = { ...m, id: `m${this.messageCounter}`, edits: 0 };
    this.messages.push(message);
    this.changed();
    return message;
  }

  private replace(target: Message, body: { text?: unknown; blocks?: unknown }): void {
    target.text = typeof body.text === 'string' ? body.text : '';
    target.blocks = Array.isArray(body.blocks) ? body.blocks : [];
    target.edits += 1;
    this.changed();
  }

  private remove(target: Message): void {
    this.messages = this.messages.filter((m) => m !== target);
    this.changed();
  }

  private applyCall(call: RecordedCall): void {
    const { body, reply } = call;
    const answer = reply.body;
    switch (call.method) {
      case 'chat.postMessage':
        this.add({
          channel: str(answer.channel) ?? String(body.channel),
          ts: String(answer.ts),
          from: 'bot',
          text: typeof body.text === 'string' ? body.text : '',
          blocks: Array.isArray(body.blocks) ? body.blocks : [],
          ...(str(body.thread_ts) ? { threadTs: String(body.thread_ts) } : {}),
          // JSON sends a boolean, a form (the bot's WebClient) the string "true".
          ...(str(body.thread_ts) && String(body.reply_broadcast) === 'true' ? { broadcast: true } : {}),
        });
        return;
      case 'chat.postEphemeral':
        this.add({
          channel: String(body.channel),
          ts: String(answer.message_ts),
          from: 'bot',
          text: typeof body.text === 'string' ? body.text : '',
          blocks: Array.isArray(body.blocks) ? body.blocks : [],
          ephemeralFor: String(body.user),
        });
        return;
      case 'chat.update': {
        const target = this.messages.find(
          (m) => m.channel === body.channel && m.ts === body.ts && !m.ephemeralFor,
        );
        if (target) this.replace(target, body);
        return;
      }
      case 'chat.delete': {
        const target = this.messages.find((m) => m.channel === body.channel && m.ts === body.ts);
        if (target) this.remove(target);
        return;
      }
      case 'views.open':
      case 'views.push': {
        const userId = this.triggers.get(String(body.trigger_id));
        const view = answer.view;
        if (!userId || !isObject(view)) return;
        const stack = call.method === 'views.open' ? [] : (this.stacks.get(userId) ?? []);
        stack.push({ id: String(view.id), view });
        this.stacks.set(userId, stack);
        this.changed();
        return;
      }
      case 'views.update': {
        const view = answer.view;
        if (!isObject(view)) return;
        for (const stack of this.stacks.values()) {
          const at = stack.findIndex((v) => v.id === view.id);
          if (at >= 0) stack[at] = { id: String(view.id), view };
        }
        this.changed();
        return;
      }
      case 'views.publish':
        if (isObject(answer.view) && str(body.user_id)) {
          this.homes.set(String(body.user_id), answer.view);
          this.changed();
        }
        return;
      case 'files.completeUploadExternal': {
        const channel = str(body.channel_id);
        if (!channel) return;
        const files = (Array.isArray(answer.files) ? answer.files : []).filter(isObject).map((f) => ({
          id: String(f.id),
          name: String(f.name),
          title: String(f.title),
          bytes: 0,
        }));
        this.add({
          channel,
          ts: '',
          from: 'bot',
          text: typeof body.initial_comment === 'string' ? body.initial_comment : '',
          blocks: [],
          files,
        });
        return;
      }
      default:
    }
  }

  private applyResponse(response: RecordedResponse): void {
    const ctx = this.responseUrls.get(response.id);
    if (!ctx) return;
    const body = response.body;
    const target = ctx.targetId ? this.message(ctx.targetId) : undefined;
    if (body.delete_original === true) {
      if (target) this.remove(target);
      return;
    }
    if (body.replace_original === true && target) {
      this.replace(target, body);
      return;
    }
    const message = this.add({
      channel: ctx.channelId,
      ts: '',
      from: 'bot',
      text: typeof body.text === 'string' ? body.text : '',
      blocks: Array.isArray(body.blocks) ? body.blocks : [],
      ...(body.response_type === 'in_channel' ? {} : { ephemeralFor: ctx.userId }),
    });
    // A command's response_url has no message of its own: replace_original then means the message it posted.
    if (!ctx.targetId) ctx.targetId = message.id;
  }
}
