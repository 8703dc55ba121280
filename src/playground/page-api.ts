import type { Interactions } from './interactions.js';
import type { Person } from './people.js';
import type { SyncroRecorder } from './syncro-recorder.js';
import type { Workspace } from './workspace.js';

/**
 * What the page asks of the playground, independent of HTTP: the state one person sees, and the things a person
 * can do (type a command, click, pick, submit, close), plus the side panel's resets.
 */

export interface PlaygroundInfo {
  /** `simulator`: the built-in Syncro with demo data; `syncro`: a real account. */
  syncro: 'simulator' | 'syncro';
  /** The Syncro address shown on the page (the account's host, or "built-in simulator"). */
  target: string;
  allowWrites: boolean;
}

export interface SlashCommandInfo {
  command: string;
  description?: string;
  usage_hint?: string;
}

export interface ShortcutInfo {
  name: string;
  /** `message`: on a message's ⋯ menu; `global`: in the ⚡ menu. */
  type: 'message' | 'global';
  callback_id: string;
  description?: string;
}

export interface PageApi {
  state(userId: string): Record<string, unknown>;
  run(op: string, body: Record<string, unknown>): Promise<unknown>;
  onChange(listener: () => void): () => void;
}

export class BadRequest extends Error {}

const MAX_REQUESTS_SHOWN = 300;

const s = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v === '') throw new BadRequest(`${name} is required`);
  return v;
};
const obj = (v: unknown): Record<string, Record<string, unknown>> =>
  typeof v === 'object' && v !== null ? (v as Record<string, Record<string, unknown>>) : {};

export function createPageApi(o: {
  info: PlaygroundInfo;
  people: Person[];
  /** The app's slash commands as the manifest declares them (name, description, usage hint). */
  commands: SlashCommandInfo[];
  /** The app's shortcuts as the manifest declares them. */
  shortcuts?: ShortcutInfo[];
  workspace: Workspace;
  recorder: SyncroRecorder;
  interactions: Interactions;
  /** Puts the simulator's demo data back (undefined against a real Syncro). */
  resetDemo?: () => void;
  /** The Simulate menu: Syncro changes on its own (simulator only); returns what happened, in words. */
  simulate?: (userId: string, what: string) => Promise<string>;
}): PageApi {
  const { workspace, recorder, interactions } = o;
  // One version for everything the page shows: it re-reads the state when the version moves.
  let version = 0;
  const listeners = new Set<() => void>();
  const bump = () => {
    version += 1;
    for (const l of listeners) l();
  };
  workspace.onChange(bump);
  recorder.onChange(bump);
  const known = (userId: string) => {
    if (!o.people.some((p) => p.slackId === userId)) throw new BadRequest('unknown person');
    return userId;
  };
  /** Only the app's own shortcuts, of the kind the page offers there. */
  const shortcut = (v: unknown, type: ShortcutInfo['type']) => {
    const id = s(v, 'callbackId');
    if (!(o.shortcuts ?? []).some((x) => x.callback_id === id && x.type === type))
      throw new BadRequest(`the app has no ${type} shortcut ${id}`);
    return id;
  };
  const where = (b: Record<string, unknown>) => ({
    messageId: typeof b.messageId === 'string' ? b.messageId : undefined,
    viewId: typeof b.viewId === 'string' ? b.viewId : undefined,
  });

  return {
    state(asked) {
      const userId = o.people.some((p) => p.slackId === asked) ? asked : (o.people[0]?.slackId ?? '');
      return {
        version,
        info: o.info,
        people: o.people,
        me: userId,
        conversations: workspace.conversations.filter((c) => c.kind === 'channel' || c.userId === userId),
        ...workspace.viewFor(userId),
        requests: recorder.requests.slice(-MAX_REQUESTS_SHOWN),
        requestCount: recorder.requests.length,
        canResetDemo: Boolean(o.resetDemo),
        canSimulate: Boolean(o.simulate),
        commands: o.commands,
        shortcuts: o.shortcuts ?? [],
      };
    },
    async run(op, b) {
      const userId = op.startsWith('reset') ? '' : known(s(b.user, 'user'));
      switch (op) {
        case 'command':
          return interactions.command(userId, s(b.channel, 'channel'), s(b.text, 'text'));
        case 'post':
          return interactions.post(userId, s(b.channel, 'channel'), s(b.text, 'text'));
        case 'message-shortcut':
          return interactions.messageShortcut(
            userId,
            s(b.messageId, 'messageId'),
            shortcut(b.callbackId, 'message'),
          );
        case 'shortcut':
          return interactions.globalShortcut(userId, shortcut(b.callbackId, 'global'));
        case 'action':
          return interactions.act(userId, where(b), {
            actionId: s(b.actionId, 'actionId'),
            blockId: s(b.blockId, 'blockId'),
            type: s(b.type, 'type'),
            value: typeof b.value === 'string' ? b.value : undefined,
            selectedOption: b.selectedOption as { value: string; text?: string } | undefined,
            selectedOptions: b.selectedOptions as Array<{ value: string; text?: string }> | undefined,
            state: obj(b.state),
          });
        case 'options':
          return interactions.options(userId, where(b), {
            actionId: s(b.actionId, 'actionId'),
            blockId: s(b.blockId, 'blockId'),
            value: typeof b.value === 'string' ? b.value : '',
          });
        case 'submit':
          return interactions.submit(userId, s(b.viewId, 'viewId'), obj(b.values));
        case 'close':
          return interactions.close(userId, s(b.viewId, 'viewId'));
        case 'home-opened':
          return interactions.homeOpened(userId);
        case 'simulate': {
          if (!o.simulate) throw new BadRequest('only the simulator can simulate');
          const what = s(b.what, 'what');
          if (!['reply', 'new', 'assign', 'appointment'].includes(what))
            throw new BadRequest('unknown simulation');
          return { said: await o.simulate(userId, what) };
        }
        case 'reset-requests':
          recorder.reset();
          return undefined;
        case 'reset-demo':
          if (!o.resetDemo) throw new BadRequest('only the simulator can be reset');
          o.resetDemo();
          workspace.clear();
          recorder.reset();
          return undefined;
        default:
          throw new BadRequest(`unknown operation ${op}`);
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
