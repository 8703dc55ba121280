import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION, COMMAND, OPTIONS, VIEW } from '../src/slack/action-ids.js';
import { BOT_SCOPES } from '../src/slack/scopes.js';

interface Manifest {
  display_information: { name: string; description: string; background_color: string };
  features: {
    bot_user: { display_name: string; always_online: boolean };
    app_home: {
      messages_tab_enabled: boolean;
      messages_tab_read_only_enabled: boolean;
      home_tab_enabled: boolean;
    };
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
    interactivity: { is_enabled: boolean; request_url: string; message_menu_options_url: string };
    socket_mode_enabled: boolean;
    org_deploy_enabled: boolean;
    token_rotation_enabled: boolean;
  };
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
    expect(Object.values(OPTIONS).length).toBeGreaterThan(0);
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
      home_tab_enabled: false,
    });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.org_deploy_enabled).toBe(false);
    expect(manifest.settings.token_rotation_enabled).toBe(false);
  });
});

describe('action, view and options ids', () => {
  const ids = [...Object.values(ACTION), ...Object.values(VIEW), ...Object.values(OPTIONS)];

  it('are non-empty syncro_ strings', () => {
    for (const id of ids) {
      expect(typeof id).toBe('string');
      expect(id).toMatch(/^syncro_\w+$/);
    }
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
