import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION, COMMAND, OPTIONS, SHORTCUT, VIEW } from '../src/slack/action-ids.js';
import type { BotContext } from '../src/slack/context.js';
import type { ListenerApp } from '../src/slack/listener-router.js';
import { registerRoutes } from '../src/slack/listeners/index.js';
import { BOT_EVENTS, BOT_SCOPES } from '../src/slack-app-scopes.js';

interface Manifest {
  display_information: { name: string; description: string; background_color: string };
  features: {
    bot_user: { display_name: string; always_online: boolean };
    app_home: {
      messages_tab_enabled: boolean;
      messages_tab_read_only_enabled: boolean;
      home_tab_enabled: boolean;
    };
    unfurl_domains: string[];
    shortcuts: Array<{ name: string; type: 'message' | 'global'; callback_id: string; description: string }>;
    slash_commands: Array<{
      command: string;
      url: string;
      description: string;
      usage_hint: string;
      should_escape: boolean;
    }>;
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string; message_menu_options_url: string };
    socket_mode_enabled: boolean;
    org_deploy_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

/**
 * What the bot's listener modules register, recorded by a stand-in app (nothing is called); the router that turns
 * these routes into Bolt's listeners is tested in test/slack/listener-router.test.ts.
 */
function registered() {
  const seen = {
    commands: [] as unknown[],
    actions: [] as unknown[],
    views: [] as unknown[],
    options: [] as unknown[],
    shortcuts: [] as Array<{ callback_id?: unknown; type?: unknown }>,
    events: [] as unknown[],
  };
  const constraint = (c: unknown) =>
    typeof c === 'object' && c !== null && !(c instanceof RegExp)
      ? ((c as { action_id?: unknown; callback_id?: unknown }).action_id ??
        (c as { callback_id?: unknown }).callback_id)
      : c;
  const app = {
    command: (c: unknown) => void seen.commands.push(c),
    action: (c: unknown) => void seen.actions.push(constraint(c)),
    view: (c: unknown) => void seen.views.push(constraint(c)),
    options: (c: unknown) => void seen.options.push(constraint(c)),
    shortcut: (c: { callback_id?: unknown; type?: unknown }) => void seen.shortcuts.push(c),
    event: (e: unknown) => void seen.events.push(e),
    use: () => undefined,
  };
  // Registration may read configuration from the context; any property of this stand-in is another stand-in.
  const anything: unknown = new Proxy(() => anything, { get: () => anything });
  registerRoutes(app as unknown as ListenerApp, anything as BotContext);
  return seen;
}

/** Whether `id` is answered by one of the registered constraints (exact, or a RegExp such as the edit prefix). */
function answers(constraints: unknown[], id: string): boolean {
  return constraints.some((c) => (c instanceof RegExp ? c.test(id) : c === id));
}

const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8')) as Manifest;
const eventsUrl = /^https:\/\/[^/]+\/slack\/events$/;

describe('manifest.yml', () => {
  it('declares exactly the /syncro command, pointing at /slack/events', () => {
    expect(manifest.features.slash_commands).toHaveLength(1);
    const [cmd] = manifest.features.slash_commands;
    expect(cmd?.command).toBe(COMMAND);
    expect(cmd?.url).toMatch(eventsUrl);
    expect(cmd?.should_escape).toBe(false);
    expect(cmd?.description.length).toBeLessThanOrEqual(100);
  });

  it('enables interactivity and the options-load URL (for the external_select customer search)', () => {
    const { interactivity } = manifest.settings;
    expect(interactivity.is_enabled).toBe(true);
    expect(interactivity.request_url).toMatch(eventsUrl);
    expect(interactivity.message_menu_options_url).toMatch(eventsUrl);
    // The options-load URL is there because a listener loads options; every options id the code names is served.
    const { options } = registered();
    expect(options.length).toBeGreaterThan(0);
    for (const id of Object.values(OPTIONS)) expect(answers(options, id)).toBe(true);
  });

  it('declares the command the bot listens for, and the bot answers every action and view id it draws', () => {
    const r = registered();
    expect(r.commands).toEqual(manifest.features.slash_commands.map((c) => c.command));
    for (const id of Object.values(ACTION)) {
      if (id === ACTION.editPrefix) expect(answers(r.actions, `${id}visibility`)).toBe(true);
      else expect(answers(r.actions, id)).toBe(true);
    }
    for (const id of Object.values(VIEW)) expect(answers(r.views, id)).toBe(true);
  });

  it('declares exactly the shortcuts the bot answers, each of the type it is registered for', () => {
    const r = registered();
    const declared = manifest.features.shortcuts.map((s) => ({
      callback_id: s.callback_id,
      type: s.type === 'message' ? 'message_action' : 'shortcut',
    }));
    const byId = (a: { callback_id?: unknown }, b: { callback_id?: unknown }) =>
      String(a.callback_id).localeCompare(String(b.callback_id));
    expect([...declared].sort(byId)).toEqual([...r.shortcuts].sort(byId));
    expect(declared.map((d) => d.callback_id).sort()).toEqual(Object.values(SHORTCUT).sort());
    for (const s of manifest.features.shortcuts) {
      expect(s.name.length).toBeLessThanOrEqual(24);
      expect(s.description.length).toBeLessThanOrEqual(80);
    }
  });

  it('subscribes to exactly the events the bot listens for, at /slack/events', () => {
    const r = registered();
    const { event_subscriptions: subs } = manifest.settings;
    expect(subs.request_url).toMatch(eventsUrl);
    expect([...subs.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
    // message.channels / message.groups both arrive as the `message` event.
    const listened = new Set(subs.bot_events.map((e) => e.replace(/^message\..*/, 'message')));
    expect([...listened].sort()).toEqual([...new Set(r.events.map(String))].sort());
    expect(BOT_SCOPES).toEqual(
      expect.arrayContaining(['links:read', 'links:write', 'channels:history', 'groups:history']),
    );
  });

  it('registers the Syncro domain for unfurls (a placeholder subdomain, one domain)', () => {
    expect(manifest.features.unfurl_domains).toEqual(['YOUR-SUBDOMAIN.syncromsp.com']);
  });

  it('requests exactly the bot scopes the code declares, and no user scopes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect(new Set(manifest.oauth_config.scopes.bot).size).toBe(manifest.oauth_config.scopes.bot.length);
    expect(manifest.oauth_config.scopes.user ?? []).toEqual([]);
  });

  it('has the bot user, DM tab and HTTP-mode settings', () => {
    expect(manifest.display_information.name).toBe('Syncro');
    expect(manifest.display_information.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.features.bot_user).toEqual({ display_name: 'syncro', always_online: true });
    expect(manifest.features.app_home).toEqual({
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
      home_tab_enabled: true,
    });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.org_deploy_enabled).toBe(false);
    expect(manifest.settings.token_rotation_enabled).toBe(false);
  });
});

describe('action, view and options ids', () => {
  const ids = [
    ...Object.values(ACTION),
    ...Object.values(VIEW),
    ...Object.values(OPTIONS),
    ...Object.values(SHORTCUT),
  ];

  it('are syncro_ names', () => {
    for (const id of ids) expect(id).toMatch(/^syncro_\w+$/);
  });

  it('are unique', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('no id starts with the edit prefix except the prefix itself (so prefix routing cannot capture others)', () => {
    for (const id of ids) {
      if (id !== ACTION.editPrefix) expect(id.startsWith(ACTION.editPrefix)).toBe(false);
    }
  });
});
