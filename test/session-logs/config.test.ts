import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const env = {
  SYNCRO_BASE_URL: 'https://acme.syncromsp.com/api/v1/',
  SLACK_BOT_TOKEN: 'xoxb-1-secret-token',
  SLACK_SIGNING_SECRET: 'signing-secret-value-123',
};

function problemsOf(text: string): string[] {
  try {
    loadConfig(env, { path: 'bot.yml', text });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('session_logs configuration', () => {
  it('should upload to Slack by default (no repository), dated in UTC', () => {
    const c = loadConfig(env, { path: 'bot.yml', text: undefined });
    expect(c.file.session_logs).toEqual({ push: false, remote: 'origin', time_zone: 'UTC' });
  });

  it('should take a repository, push, remote, author email domain and time zone', () => {
    const c = loadConfig(env, {
      path: 'bot.yml',
      text: 'session_logs: { repo: /srv/msp-docs, push: true, remote: upstream, author_email_domain: acme.com, time_zone: America/Phoenix }',
    });
    expect(c.file.session_logs).toEqual({
      repo: '/srv/msp-docs',
      push: true,
      remote: 'upstream',
      author_email_domain: 'acme.com',
      time_zone: 'America/Phoenix',
    });
  });

  it('should name a typo, a push without a repository and an unknown time zone', () => {
    expect(problemsOf('session_logs: { repo: /srv/logs, psuh: true }')).toEqual([
      'bot.yml.session_logs.psuh: unknown setting; did you mean push?',
    ]);
    expect(problemsOf('session_logs: { push: true }')).toEqual([
      'bot.yml.session_logs.push: needs session_logs.repo (the working copy to push from)',
    ]);
    expect(problemsOf('session_logs: { time_zone: Mars/Olympus }')).toEqual([
      'bot.yml.session_logs.time_zone: "Mars/Olympus" is not a time zone (use a name such as America/Phoenix or UTC)',
    ]);
    expect(problemsOf('session_logs: { author_email_domain: "not a domain" }')).toEqual([
      'bot.yml.session_logs.author_email_domain: must be a mail domain such as example.com',
    ]);
  });
});
