import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackFake, startSlackFake } from '../../src/playground/slack/server.js';
import { slashCommand } from '../../src/playground/slack/signer.js';
import { SANDBOX_TEXT } from '../../src/slack/blocks.js';
import { codeLines, mrkdwnTexts, plainTexts } from './harness.js';

/**
 * SYNCRO_SANDBOX=1: the real bot process (src/main.ts) with nothing but Slack settings runs against the built-in
 * Syncro simulator and its demo data, and every reply says SANDBOX.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SIGNING_SECRET = 'sandbox-signing-secret-42';
const BOT_TOKEN = 'xoxb-sandbox-test-token';
const STARTUP_TIMEOUT_MS = 15_000;

interface Running {
  child: ChildProcess;
  port: number;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Starts `node --import tsx src/main.ts` and resolves once it logs that it is running (with its port). */
function startBot(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `the bot did not start within ${STARTUP_TIMEOUT_MS} ms:\n${[...stdout, ...stderr].join('\n')}`,
        ),
      );
    }, STARTUP_TIMEOUT_MS);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the bot exited (${code}) before running:\n${[...stdout, ...stderr].join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === 'syncro-slack is running' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve({ child, port: entry.port, stdout, stderr, exited });
      }
    });
  });
}

describe('sandbox mode (the real process)', () => {
  let slack: SlackFake;
  let dir: string;
  let bot: Running;
  let eventsUrl: string;

  beforeAll(async () => {
    slack = await startSlackFake();
    dir = mkdtempSync(join(tmpdir(), 'syncro-slack-sandbox-'));
    const configFile = join(dir, 'syncro-bot.yml');
    writeFileSync(configFile, '');
    bot = await startBot({
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SYNCRO_SANDBOX: '1',
      SYNCRO_BOT_CONFIG: configFile,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      DATA_DIR: dir,
    });
    eventsUrl = `http://127.0.0.1:${bot.port}/slack/events`;
  });

  afterAll(async () => {
    if (bot && bot.child.exitCode === null) {
      bot.child.kill('SIGKILL');
      await bot.exited;
    }
    await slack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function ask(userId: string, text: string) {
    const responseUrl = slack.responseUrl('sandbox');
    const res = await slashCommand({ url: eventsUrl, secret: SIGNING_SECRET, userId, text, responseUrl });
    expect(res.status).toBe(200);
    return (await slack.waitForResponse((r) => r.url === responseUrl)).body;
  }

  function expectSandbox(reply: { text?: string; blocks?: unknown[] }): void {
    expect(reply.text).toMatch(/SANDBOX/);
    expect(mrkdwnTexts({ blocks: reply.blocks })[0]).toBe(SANDBOX_TEXT);
  }

  it('should log that it runs in SANDBOX mode with the simulator when started with only Slack settings', () => {
    const lines = bot.stdout.map((l) => JSON.parse(l) as { msg?: string; sandbox?: boolean; mode?: string });
    expect(lines.some((l) => /SANDBOX mode/.test(l.msg ?? ''))).toBe(true);
    expect(lines.find((l) => l.msg === 'syncro-slack is running')).toMatchObject({
      sandbox: true,
      mode: 'http',
    });
  });

  it('should list the demo open tickets, marked SANDBOX, for a Slack user who is in no config file', async () => {
    const reply = await ask('U0NEWBIE1', '');
    expectSandbox(reply);
    const lines = codeLines(reply);
    expect(lines).toContainEqual(
      expect.stringMatching(/^#32164 {2}New +Jerry Burger +Own cloud thing again$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^#32163 {2}New +LeeAnn Parkinson +Remote - Jim cant access his email$/),
    );
    expect(lines.join('\n')).not.toMatch(/#32150|#32158/); // Closed demo tickets
  });

  it('should show a demo ticket, marked SANDBOX, for a Slack user who is in no config file', async () => {
    const reply = await ask('U0NEWBIE1', 'ticket 32164');
    expectSandbox(reply);
    expect(plainTexts(reply)).toContain('#32164 · Own cloud thing again');
    const all = mrkdwnTexts(reply).join('\n');
    expect(all).toContain('*Customer*\nJerry Burger');
    expect(all).toContain('The ownCloud sync icon is red again.');
  });

  it('should answer GET /healthz saying it is a sandbox', async () => {
    const res = await request(`http://127.0.0.1:${bot.port}/healthz`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ ok: true, sandbox: true });
  });

  it('should exit with code 0, without an error, when sent SIGTERM', async () => {
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.stderr.join('\n')).not.toMatch(/Error|stopped/);
  });
});
