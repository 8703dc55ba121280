import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotProcess, spawnBot } from '../support/bot-process.js';
import { BOT_TOKEN, SECRET } from './harness.js';

/**
 * What the container found on deploy day, as the real process says it: a start-up failure names what to fix
 * (the path and the uid, the Slack URL and SLACK_API_URL), never "unable to open database file" or "fetch failed"
 * alone, and never a secret.
 */

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('start-up failures name what to fix', { timeout: 60_000 }, () => {
  let dir: string;
  let bot: BotProcess | undefined;
  let slackApiUrl: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncro-slack-startfail-'));
    // Tests run as root, for whom permissions do not apply: a path through a regular file fails for everyone.
    writeFileSync(join(dir, 'a-file'), '');
    mkdirSync(join(dir, 'a-folder.db'));
    slackApiUrl = `http://127.0.0.1:${await closedPort()}/api/`;
  });
  afterEach(async () => {
    await bot?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const base = () => ({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slackApiUrl,
    SYNCRO_SANDBOX: '1',
    SYNCRO_BOT_CONFIG: '/dev/null',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });

  it('should name SLACK_API_URL, its address and the network when Slack cannot be reached', async () => {
    bot = spawnBot({ ...base(), DATA_DIR: dir });
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    expect(bot.stderr).toContain(
      `syncro-slack stopped: Slack cannot be reached at ${slackApiUrl} (SLACK_API_URL)`,
    );
    expect(bot.stderr).toContain('ECONNREFUSED');
    expect(bot.stderr).toMatch(/network, DNS/);
    expect(`${bot.stdout}${bot.stderr}`).not.toContain(BOT_TOKEN);
    expect(`${bot.stdout}${bot.stderr}`).not.toContain(SECRET);
  });

  it.each([
    {
      name: 'DATA_DIR inside a regular file',
      env: (d: string) => ({ DATA_DIR: join(d, 'a-file', 'data') }),
      setting: 'DATA_DIR',
      file: (d: string) => join(d, 'a-file', 'data', 'syncro-slack.db'),
    },
    {
      name: 'a database path SQLite cannot open ("unable to open database file")',
      env: (d: string) => ({ DATA_DIR: d, DATABASE_URL: `sqlite:${join(d, 'a-folder.db')}` }),
      setting: 'DATABASE_URL',
      file: (d: string) => join(d, 'a-folder.db'),
    },
  ])('should name the database path and the uid that must write it: $name', async (c) => {
    bot = spawnBot({ ...base(), ...c.env(dir) });
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    const uid = process.getuid?.() ?? 0;
    expect(bot.stderr).toContain(
      `syncro-slack stopped: ${c.setting}: cannot open the SQLite database ${c.file(dir)}`,
    );
    expect(bot.stderr).toContain(`This process runs as uid ${uid}`);
    expect(bot.stderr).toContain('uid 1000');
    // The store is opened before Slack is asked: nothing reached the (closed) Slack address.
    expect(bot.stderr).not.toContain('Slack cannot be reached');
  });
});
