/**
 * Load on the HTTP receiver (npm run bench:load): signed `/syncro ticket 32164` commands at concurrency 1, 10,
 * 50 and 100 against the real bot (built, `node dist/main.js`, LOG_LEVEL=info, JSON logs as in production), and
 * the same load against a bare Bolt app (same Bolt, a listener that only acks: bench/bare-bolt-app.mjs), in the
 * same run. Both run as child processes, so each RSS is its own; the Syncro simulator (behind a proxy that answers
 * after 100 ms) and the Slack fake run in this process. Prints p50/p99 time to the HTTP ack, errors and peak RSS
 * per level, idle RSS and start-to-ready, and the bot/bare ratios.
 * Aim: p99 ≤ 1.5× bare at 100 concurrent, idle RSS ≤ 1.3× bare.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { startSlackFake } from '../src/playground/slack/server.js';
import { slashCommand } from '../src/playground/slack/signer.js';
import { startSyncroSimulator } from '../src/sandbox/simulator.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-token';
const KEY = 'sk_bench_HOWARD_0123456789';
const USER = 'U0HOWARD1';
const SYNCRO_DELAY_MS = 100;
const LEVELS: Array<{ concurrency: number; requests: number }> = [
  { concurrency: 1, requests: 40 },
  { concurrency: 10, requests: 200 },
  { concurrency: 50, requests: 400 },
  { concurrency: 100, requests: 600 },
];
const out = (line: string) => process.stdout.write(`${line}\n`);

/** A proxy that holds every Syncro request for SYNCRO_DELAY_MS, then forwards it to the simulator. */
async function delayedSyncro(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(async () => {
        try {
          const r = await request(`${target}${req.url}`, {
            method: req.method as 'GET',
            headers: req.headers as Record<string, string>,
            body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
          });
          res.writeHead(r.statusCode, r.headers as Record<string, string>);
          res.end(Buffer.from(await r.body.arrayBuffer()));
        } catch {
          res.writeHead(502).end();
        }
      }, SYNCRO_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

interface Target {
  name: string;
  child: ChildProcess;
  url: string;
  readyMs: number;
  idleRssMb: number;
}

/** Spawns a server and waits until its port answers HTTP (any status): start-to-ready. */
async function startTarget(name: string, args: string[], env: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const url = `http://127.0.0.1:${port}/slack/events`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${stderr}`);
    try {
      const r = await request(url, { method: 'POST', body: '' });
      await r.body.dump();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const readyMs = performance.now() - started;
  // Let start-up garbage settle before reading the idle size.
  await new Promise((r) => setTimeout(r, 2_000));
  return { name, child, url, readyMs, idleRssMb: rssMb(child.pid!) };
}

interface LevelResult {
  p50: number;
  p99: number;
  errors: number;
  peakRssMb: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function runLevel(
  t: Target,
  slack: Awaited<ReturnType<typeof startSlackFake>>,
  level: { concurrency: number; requests: number },
): Promise<LevelResult> {
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  let peak = rssMb(t.child.pid!);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(t.child.pid!));
  }, 20);
  const worker = async () => {
    while (next < level.requests) {
      next++;
      const started = performance.now();
      try {
        const res = await slashCommand({
          url: t.url,
          secret: SECRET,
          userId: USER,
          text: 'ticket 32164',
          responseUrl: slack.responseUrl(t.name),
          channelId: 'C0TICKETS',
        });
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      times.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: level.concurrency }, worker));
  // The bot answers each command after the ack; wait for those answers so that levels do not overlap.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && t.name === 'bot') {
    const answered = slack.responses.filter((r) => r.url.includes('/bot-')).length;
    if (answered >= sentToBot) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(t.child.pid!));
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), errors, peakRssMb: peak };
}

let sentToBot = 0;

async function main(): Promise<void> {
  out('Building the bot (tsc -p tsconfig.build.json → dist/)…');
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  const sim = await startSyncroSimulator({ keys: { [KEY]: { user_id: 1750, user_name: 'Howard Enos' } } });
  const syncro = await delayedSyncro(sim.url);
  const slack = await startSlackFake();
  const dir = mkdtempSync(join(tmpdir(), 'syncro-slack-load-'));
  const yaml = join(dir, 'bot.yml');
  writeFileSync(
    yaml,
    `users:\n  ${USER}: { name: Howard Enos, syncro_user_id: 1750, api_key: { env: SYNCRO_KEY_HOWARD } }\n`,
  );
  const common = {
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
  };
  const bare = await startTarget('bare', ['bench/bare-bolt-app.mjs'], common);
  const bot = await startTarget('bot', ['dist/main.js'], {
    ...common,
    SYNCRO_BASE_URL: `${syncro.url}/api/v1`,
    SYNCRO_KEY_HOWARD: KEY,
    SYNCRO_RATE_LIMIT_PER_MINUTE: '10000',
    SYNCRO_BOT_CONFIG: yaml,
    DATA_DIR: dir,
    HOST: '127.0.0.1',
  });
  out(
    `Syncro answers after ${SYNCRO_DELAY_MS} ms; both apps at LOG_LEVEL=info, NODE_ENV=production (JSON logs).`,
  );
  out('');
  out('| | bare Bolt | bot | ratio |');
  out('|---|---|---|---|');
  out(
    `| start-to-ready | ${bare.readyMs.toFixed(0)} ms | ${bot.readyMs.toFixed(0)} ms | ${(bot.readyMs / bare.readyMs).toFixed(2)}× |`,
  );
  out(
    `| idle RSS | ${bare.idleRssMb.toFixed(1)} MB | ${bot.idleRssMb.toFixed(1)} MB | ${(bot.idleRssMb / bare.idleRssMb).toFixed(2)}× |`,
  );
  out('');
  out(
    '| concurrency | requests | bare p50 / p99 (ms) | bot p50 / p99 (ms) | p99 ratio | errors bare / bot | peak RSS bare / bot (MB) |',
  );
  out('|---|---|---|---|---|---|---|');
  let ratio100 = Number.NaN;
  for (const level of LEVELS) {
    const b = await runLevel(bare, slack, level);
    sentToBot += level.requests;
    const r = await runLevel(bot, slack, level);
    const ratio = r.p99 / b.p99;
    if (level.concurrency === 100) ratio100 = ratio;
    out(
      `| ${level.concurrency} | ${level.requests} | ${b.p50.toFixed(1)} / ${b.p99.toFixed(1)} | ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} | ${ratio.toFixed(2)}× | ${b.errors} / ${r.errors} | ${b.peakRssMb.toFixed(1)} / ${r.peakRssMb.toFixed(1)} |`,
    );
  }
  const idleRatio = bot.idleRssMb / bare.idleRssMb;
  out('');
  out(
    `Aim: p99 at 100 concurrent ≤ 1.5× bare: ${ratio100.toFixed(2)}× ${ratio100 <= 1.5 ? '✓' : '✗'}; idle RSS ≤ 1.3× bare: ${idleRatio.toFixed(2)}× ${idleRatio <= 1.3 ? '✓' : '✗'}`,
  );
  out(
    `Bot answers received: ${slack.responses.filter((r) => r.url.includes('/bot-')).length} of ${sentToBot}`,
  );
  for (const t of [bare, bot]) t.child.kill('SIGTERM');
  await Promise.all(
    [bare, bot].map(
      (t) => new Promise((r) => (t.child.exitCode !== null ? r(null) : t.child.once('exit', r))),
    ),
  );
  await slack.close();
  await syncro.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:load failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
