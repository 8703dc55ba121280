import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const noFile = { path: 'syncro-bot.yml', text: undefined };

describe('loadConfig: the playground', () => {
  it('should choose the playground with the simulator when nothing is configured at all', () => {
    const c = loadConfig({}, noFile);
    expect(c.mode).toBe('playground');
    expect(c.syncro.sandbox).toBe(true);
    expect(c.playground.allowWrites).toBe(true);
  });

  it('should run the real bot as today when Slack credentials are set', () => {
    const c = loadConfig(
      { SLACK_BOT_TOKEN: 'xoxb-1-secret', SLACK_SIGNING_SECRET: 'abcdefgh1234', SYNCRO_SANDBOX: '1' },
      noFile,
    );
    expect(c.mode).toBe('slack');
  });

  it('should still list the missing Slack settings when only some are set', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SYNCRO_SANDBOX: '1' }, noFile)).toThrow(
      /SLACK_SIGNING_SECRET/,
    );
  });

  it('should start the playground on purpose against a real Syncro, read-only unless allowed', () => {
    const env = {
      PLAYGROUND: '1',
      SLACK_BOT_TOKEN: 'xoxb-1-secret',
      SLACK_SIGNING_SECRET: 'abcdefgh1234',
      SYNCRO_SUBDOMAIN: 'acme',
    };
    const c = loadConfig(env, noFile);
    expect(c.mode).toBe('playground');
    expect(c.syncro).toMatchObject({ sandbox: false, baseUrl: 'https://acme.syncromsp.com/api/v1' });
    expect(c.playground.allowWrites).toBe(false);
    expect(loadConfig({ ...env, PLAYGROUND_ALLOW_WRITES: '1' }, noFile).playground.allowWrites).toBe(true);
  });
});
