import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackFake, startSlackFake } from '../../src/playground/slack/server.js';
import { type SocketModeFake, startSocketModeFake } from '../fakes/socket-mode-fake.js';
import { type BotProcess, spawnBot } from '../support/bot-process.js';
import { BOT_TOKEN } from './harness.js';

/**
 * `docker stop` while the bot is still starting: Node as PID 1 ignores SIGTERM without a handler, so the handlers
 * are registered before anything waits on Slack, and a stop during start-up ends the process at once and cleanly.
 * The bot runs as a real process; Slack's Socket Mode accepts its WebSocket but never says hello.
 */

const APP_TOKEN = 'xapp-1-A0SYNCRO01-1234567890-STOPSECRET0123456789';

describe('a stop while Socket Mode is still connecting to Slack', { timeout: 60_000 }, () => {
  let slack: SlackFake;
  let socket: SocketModeFake;
  let dir: string;
  let bot: BotProcess | undefined;

  beforeEach(async () => {
    slack = await startSlackFake();
    socket = await startSocketModeFake(slack, { appToken: APP_TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'syncro-slack-stop-'));
  });
  afterEach(async () => {
    await bot?.kill();
    await socket.close();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should exit within 2 s with code 0, closing the WebSocket it had opened', async () => {
    socket.holdHello(true);
    bot = spawnBot({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      SYNCRO_SANDBOX: '1',
      SYNCRO_BOT_CONFIG: '/dev/null',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    });
    // The bot has its WebSocket and waits for hello: start-up is not over (tsx compiles first: give it time).
    await socket.waitForAccepted(1, { timeoutMs: 30_000 });
    expect(socket.connections).toBe(0);
    expect(bot.stdout).not.toContain('syncro-slack is running');

    const sent = performance.now();
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;
    const tookMs = performance.now() - sent;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(2_000);
    // Cleanly: the WebSocket was closed by the bot with a normal closure, not dropped with the process.
    expect(await socket.waitForClose(1)).toBe(1000);
    expect(bot.stdout).toMatch(/"signal":"SIGTERM".*"during":"start-up".*"msg":"shutting down"/);
    expect(bot.stderr).toBe('');
    expect(`${bot.stdout}${bot.stderr}`).not.toContain(APP_TOKEN);
  });
});

describe('a stop while Slack does not answer auth.test (HTTP mode)', { timeout: 60_000 }, () => {
  let silent: Server;
  const held = new Set<Socket>();
  let dir: string;
  let bot: BotProcess | undefined;

  beforeEach(async () => {
    // Accepts the connection and never answers: the bot waits on Slack (its Web API timeout is 10 s, retried).
    silent = createServer((s) => {
      held.add(s);
      s.on('close', () => held.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'syncro-slack-stop-http-'));
  });
  afterEach(async () => {
    await bot?.kill();
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('should exit within 2 s with code 0', async () => {
    const { port } = silent.address() as { port: number };
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    bot = spawnBot({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: 'stop-signing-secret-0123',
      SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
      SYNCRO_SANDBOX: '1',
      SYNCRO_BOT_CONFIG: '/dev/null',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    });
    await connected;

    const sent = performance.now();
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(performance.now() - sent).toBeLessThan(2_000);
    expect(bot.stdout).toContain('"msg":"shutting down"');
    expect(bot.stdout).not.toContain('syncro-slack is running');
    expect(bot.stderr).toBe('');
  });
});
