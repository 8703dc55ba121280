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

describe('loadConfig: the playground is never production', () => {
  const problemsOf = (env: Record<string, string>): string => {
    try {
      loadConfig(env, noFile);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected loadConfig to refuse the configuration');
  };

  it.each<{ name: string; env: Record<string, string>; because: string }>([
    { name: 'NODE_ENV=production', env: { NODE_ENV: 'production' }, because: 'NODE_ENV=production' },
    {
      name: 'a real Syncro subdomain',
      env: { SYNCRO_SUBDOMAIN: 'acme' },
      because: 'SYNCRO_SUBDOMAIN names a real Syncro',
    },
    {
      name: 'a real Syncro address',
      env: { SYNCRO_BASE_URL: 'https://acme.syncromsp.com/api/v1' },
      because: 'SYNCRO_BASE_URL names a real Syncro',
    },
  ])(
    'should refuse to start without Slack credentials with $name, naming the variables',
    ({ env, because }) => {
      const message = problemsOf(env);
      for (const name of [
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
        'SLACK_APP_TOKEN',
        because,
        'npm run playground',
      ])
        expect(message).toContain(name);
      // One problem for the missing credentials, not three.
      expect(message).not.toContain('SLACK_BOT_TOKEN: required');
    },
  );

  it('should still start the playground when it is asked for on purpose (PLAYGROUND=1)', () => {
    const c = loadConfig({ PLAYGROUND: '1', NODE_ENV: 'production', SYNCRO_SUBDOMAIN: 'acme' }, noFile);
    expect(c.mode).toBe('playground');
    expect(c.playground.allowWrites).toBe(false);
  });

  it('should refuse PORT=0 in production (the health check probes PORT), and keep it for tests', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdefgh1234', SYNCRO_SANDBOX: '1' };
    expect(problemsOf({ ...env, NODE_ENV: 'production', PORT: '0' })).toMatch(
      /PORT: 0 picks a random free port/,
    );
    expect(loadConfig({ ...env, PORT: '0' }, noFile).slack.port).toBe(0);
    expect(loadConfig({ ...env, NODE_ENV: 'production' }, noFile).slack.port).toBe(3000);
  });
});
