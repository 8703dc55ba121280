import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { routeListeners } from '../../src/slack/listener-router.js';

/** A stand-in Bolt App: records what is registered with it, so a test can deliver to its listeners. */
function standInApp() {
  const bolt = {
    actions: [] as Array<{ constraint: unknown; run: (args: unknown) => Promise<void> }>,
    views: [] as Array<{ constraint: unknown; run: (args: unknown) => Promise<void> }>,
    options: [] as Array<{ constraint: unknown; run: (args: unknown) => Promise<void> }>,
  };
  const app = {
    action: (constraint: unknown, run: (args: unknown) => Promise<void>) =>
      void bolt.actions.push({ constraint, run }),
    view: (constraint: unknown, run: (args: unknown) => Promise<void>) =>
      void bolt.views.push({ constraint, run }),
    options: (constraint: unknown, run: (args: unknown) => Promise<void>) =>
      void bolt.options.push({ constraint, run }),
    command: () => undefined,
    shortcut: () => undefined,
    event: () => undefined,
    use: () => undefined,
  };
  return { app: app as unknown as App, bolt };
}

const click = (actionId: string) => ({
  payload: { action_id: actionId },
  context: {} as Record<string, unknown>,
});

describe('routeListeners: one Bolt listener per kind of request, handlers picked by id', () => {
  it('should register one catch-all for block actions, view submissions and options loads', () => {
    const { app, bolt } = standInApp();
    routeListeners(app, (r) => {
      r.action('a', async () => undefined);
      r.action(/^b_/, async () => undefined);
      r.view('form', async () => undefined);
      r.options('pick', async () => undefined);
    });
    expect(bolt.actions.map((a) => a.constraint)).toEqual([{ type: 'block_actions' }]);
    expect(bolt.views.map((v) => v.constraint)).toEqual([{ type: 'view_submission' }]);
    expect(bolt.options.map((o) => o.constraint)).toEqual([{ type: 'block_suggestion' }]);
  });

  it('should run exactly the handlers whose id matches, exact or by pattern, with the pattern match', async () => {
    const { app, bolt } = standInApp();
    const ran: string[] = [];
    routeListeners(app, (r) => {
      r.action('post', async () => void ran.push('post'));
      r.action('cancel', async () => void ran.push('cancel'));
      r.action(/^edit_(.+)$/, async (args) => {
        ran.push(`edit:${(args.context.actionIdMatches as RegExpMatchArray)[1]}`);
      });
    });
    const catchAll = bolt.actions[0]!.run;
    await catchAll(click('post'));
    await catchAll(click('edit_visibility'));
    await catchAll(click('unknown'));
    expect(ran).toEqual(['post', 'edit:visibility']);
  });

  it('should route a view submission by callback_id and an options load by action_id', async () => {
    const { app, bolt } = standInApp();
    const ran: string[] = [];
    routeListeners(app, (r) => {
      r.view('comment_form', async () => void ran.push('comment'));
      r.view('bill_form', async () => void ran.push('bill'));
      r.options('customer_pick', async () => void ran.push('customers'));
    });
    await bolt.views[0]!.run({ body: { view: { callback_id: 'bill_form' } } });
    await bolt.options[0]!.run({ payload: { action_id: 'customer_pick' } });
    expect(ran).toEqual(['bill', 'customers']);
  });

  it('should pass a handler registered with a constraints object to Bolt unchanged', () => {
    const { app, bolt } = standInApp();
    routeListeners(app, (r) => {
      r.action({ type: 'block_actions', block_id: 'x' }, async () => undefined);
    });
    expect(bolt.actions.map((a) => a.constraint)).toEqual([{ type: 'block_actions', block_id: 'x' }]);
  });

  it('should report a failing handler to Bolt, after the others ran', async () => {
    const { app, bolt } = standInApp();
    const ran: string[] = [];
    routeListeners(app, (r) => {
      r.action('post', async () => {
        throw new Error('boom');
      });
      r.action('post', async () => void ran.push('second'));
    });
    await expect(bolt.actions[0]!.run(click('post'))).rejects.toThrow('boom');
    expect(ran).toEqual(['second']);
  });
});
