import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type BotProcess, spawnBot } from '../support/bot-process.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('npm start with nothing configured', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should start the playground, print its address, serve the page and stop cleanly on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncro-playground-start-'));
    const yaml = join(dir, 'empty.yml');
    writeFileSync(yaml, '');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      // No Slack credential, no Syncro address: only what any shell has.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: '0',
        SYNCRO_BOT_CONFIG: yaml,
        DATA_DIR: dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed; output:\n${out}`)), 15_000);
        const check = () => {
          const m = /Playground: open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', check);
        void exited.then(() => reject(new Error(`exited early:\n${out}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/playground/assets/app.js');
      const state = (await (await fetch(`${url}playground/api/state`)).json()) as {
        info: { syncro: string };
      };
      expect(state.info.syncro).toBe('simulator');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).not.toContain('SLACK_BOT_TOKEN: required');
  });
});

describe('npm start without Slack credentials in production or beside a real Syncro', () => {
  let bot: BotProcess | undefined;
  afterEach(async () => {
    await bot?.kill();
  });

  it.each<{ name: string; env: Record<string, string>; because: string }>([
    { name: 'NODE_ENV=production', env: { NODE_ENV: 'production' }, because: 'NODE_ENV=production' },
    {
      name: 'a real Syncro and real keys',
      env: { SYNCRO_SUBDOMAIN: 'acme', SYNCRO_KEY_HOWARD: 'T-real-syncro-key-SECRET' },
      because: 'SYNCRO_SUBDOMAIN names a real Syncro',
    },
  ])(
    'should stop with a start-up error naming the Slack variables, never the playground: $name',
    async (c) => {
      bot = spawnBot({ PORT: '0', SYNCRO_BOT_CONFIG: '/dev/null', ...c.env });
      const exit = await bot.exited;
      expect(exit.code).toBe(2);
      expect(bot.stderr).toContain('syncro-slack cannot start.');
      for (const name of [
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
        'SLACK_APP_TOKEN',
        c.because,
        'npm run playground',
      ])
        expect(bot.stderr).toContain(name);
      expect(bot.stdout).not.toContain('Playground');
      expect(`${bot.stdout}${bot.stderr}`).not.toContain('T-real-syncro-key-SECRET');
    },
  );
});
