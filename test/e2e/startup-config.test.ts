import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { slackError, startSlackFake } from '../../src/playground/slack/server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs the bot's entry point to completion (it must stop by itself) and returns its exit code and output. */
function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('start-up with bad configuration', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should stop with one message naming every problem and how to fix it, printing no secret', async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncro-slack-config-'));
    const yaml = join(dir, 'bot.yml');
    writeFileSync(
      yaml,
      'users:\n  U0123ABCD: { name: Howard, syncro_user_id: 1750, api_key: "sk_live_IN_YAML_SECRET" }\n',
    );
    const res = await run({
      SLACK_BOT_TOKEN: 'xoxp-user-token-SECRET-1',
      SYNCRO_BOT_CONFIG: yaml,
      LOG_LEVEL: 'loud',
    });
    expect(res.code).toBe(2);
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SYNCRO_BASE_URL',
      'SLACK_SIGNING_SECRET',
      'LOG_LEVEL',
      `${yaml}.users.U0123ABCD.api_key`,
    ]) {
      expect(res.stderr).toContain(name);
    }
    expect(res.stderr).toMatch(/See README\.md, "Configuration"/);
    const output = `${res.stdout}${res.stderr}`;
    expect(output).not.toContain('xoxp-user-token-SECRET-1');
    expect(output).not.toContain('sk_live_IN_YAML_SECRET');
  });

  it('should refuse a named configuration file that does not exist', async () => {
    const res = await run({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'abcdefgh1234',
      SYNCRO_SANDBOX: '1',
      SYNCRO_BOT_CONFIG: '/nonexistent/syncro-bot.yml',
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('SYNCRO_BOT_CONFIG: the file /nonexistent/syncro-bot.yml does not exist');
  });
});

describe('start-up against Slack', () => {
  it('should name SLACK_BOT_TOKEN when Slack answers invalid_auth at auth.test, printing no token', async () => {
    const slack = await startSlackFake();
    slack.respondWith('auth.test', () => slackError('invalid_auth'));
    try {
      const res = await run({
        SLACK_BOT_TOKEN: 'xoxb-refused-SECRET-token-1',
        SLACK_SIGNING_SECRET: 'signing-SECRET-value-1',
        SLACK_API_URL: slack.apiUrl,
        SYNCRO_SANDBOX: '1',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'syncro-slack-auth-')),
        SYNCRO_BOT_CONFIG: '/dev/null',
        LOG_LEVEL: 'warn',
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('SLACK_BOT_TOKEN: Slack refused the bot token (invalid_auth)');
      expect(res.stderr).toContain('OAuth & Permissions');
      const output = `${res.stdout}${res.stderr}`;
      expect(output).not.toContain('xoxb-refused-SECRET-token-1');
      expect(output).not.toContain('signing-SECRET-value-1');
    } finally {
      await slack.close();
    }
  });
});
