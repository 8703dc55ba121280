import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { MultipleListenerError } from '@slack/bolt';

/**
 * Bolt runs every registered listener's middleware chain for every request it receives, before and while the
 * matching one acks: with one Bolt listener per button and form (about 25), that was the largest cost between a
 * request and its ack (bench:load). So the bot registers ONE Bolt listener for all block actions, one for all
 * options loads and one for all view submissions, and picks the handlers here by action_id / callback_id, as
 * Bolt would: every handler whose id matches runs, in registration order; a RegExp id sets
 * `context.actionIdMatches`; nothing matching means nothing acks (as before). Commands, shortcuts, events and
 * global middleware, and anything registered with more than one middleware or with a constraints object, go to Bolt unchanged.
 */

/** What the listener modules register on: the same calls as Bolt's App. */
export type ListenerApp = Pick<App, 'action' | 'view' | 'options' | 'command' | 'shortcut' | 'event' | 'use'>;

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type OptionsArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;
type Handler<A> = (args: A) => unknown;

async function runAll<A>(handlers: Array<{ run: Handler<A>; args: A }>): Promise<void> {
  if (handlers.length === 0) return;
  // As Bolt: all matching listeners start together, and their failures reach the app's error handler.
  const settled = await Promise.allSettled(handlers.map(async (h) => h.run(h.args)));
  const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
  if (failed.length === 1) throw failed[0];
  if (failed.length > 1) throw new MultipleListenerError(failed);
}

export function routeListeners(app: App, register: (routes: ListenerApp) => void): void {
  const actions: Array<{ id: string | RegExp; run: Handler<ActionArgs> }> = [];
  const views: Array<{ callbackId: string; run: Handler<ViewArgs> }> = [];
  const options: Array<{ id: string; run: Handler<OptionsArgs> }> = [];

  const action = (constraint: unknown, ...listeners: unknown[]) => {
    if ((typeof constraint === 'string' || constraint instanceof RegExp) && listeners.length === 1) {
      actions.push({ id: constraint, run: listeners[0] as Handler<ActionArgs> });
    } else {
      (app.action as (c: unknown, ...l: unknown[]) => void)(constraint, ...listeners);
    }
  };
  const view = (constraint: unknown, ...listeners: unknown[]) => {
    if (typeof constraint === 'string' && listeners.length === 1) {
      views.push({ callbackId: constraint, run: listeners[0] as Handler<ViewArgs> });
    } else {
      (app.view as (c: unknown, ...l: unknown[]) => void)(constraint, ...listeners);
    }
  };
  const option = (constraint: unknown, ...listeners: unknown[]) => {
    if (typeof constraint === 'string' && listeners.length === 1) {
      options.push({ id: constraint, run: listeners[0] as Handler<OptionsArgs> });
    } else {
      (app.options as (c: unknown, ...l: unknown[]) => void)(constraint, ...listeners);
    }
  };
  register({
    action: action as ListenerApp['action'],
    view: view as ListenerApp['view'],
    options: option as ListenerApp['options'],
    command: app.command.bind(app),
    shortcut: app.shortcut.bind(app),
    event: app.event.bind(app),
    use: app.use.bind(app),
  });

  if (actions.length > 0) {
    app.action({ type: 'block_actions' }, async (args) => {
      const id = (args.payload as { action_id?: unknown }).action_id;
      if (typeof id !== 'string') return;
      const matched: Array<{ run: Handler<ActionArgs>; args: ActionArgs }> = [];
      for (const route of actions) {
        if (typeof route.id === 'string') {
          if (route.id === id) matched.push({ run: route.run, args: args as ActionArgs });
          continue;
        }
        const m = id.match(route.id);
        if (m) {
          args.context.actionIdMatches = m;
          matched.push({ run: route.run, args: args as ActionArgs });
        }
      }
      await runAll(matched);
    });
  }
  if (options.length > 0) {
    app.options({ type: 'block_suggestion' }, async (args) => {
      const id = (args.payload as { action_id?: unknown }).action_id;
      await runAll(
        options.filter((o) => o.id === id).map((o) => ({ run: o.run, args: args as OptionsArgs })),
      );
    });
  }
  if (views.length > 0) {
    app.view({ type: 'view_submission' }, async (args) => {
      const callbackId = args.body.view.callback_id;
      await runAll(
        views.filter((v) => v.callbackId === callbackId).map((v) => ({ run: v.run, args: args as ViewArgs })),
      );
    });
  }
}
