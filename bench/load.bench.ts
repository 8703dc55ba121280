/**
 * Load on the HTTP receiver (npm run bench:load): signed `/syncro ticket 32164` commands at concurrency 1, 10,
 * 50 and 100 against the real bot (built, `node dist/main.js`, LOG_LEVEL=info, JSON logs as in production), and
 * the same load against a bare Bolt app (same Bolt, a listener that only acks: bench/bare-bolt-app.mjs), in the
 * same run. Prints p50/p99 time to the HTTP ack, errors and peak RSS per level, idle RSS and start-to-ready, and
 * the bot/bare ratios. Aim: p99 ≤ 1.5× bare at 100 concurrent, idle RSS ≤ 1.3× bare.
 *
 * So that the two apps are measured alike:
 * - four kinds of process: this one (starts, samples RSS from /proc, prints), each app, the load generator
 *   (bench/load-generator.ts) and the outside world (bench/load-services.ts: the Syncro simulator behind a proxy
 *   that answers after 100 ms, the Slack fake). No clock shares an event loop with what it measures.
 * - with 2 or more cores (and `taskset`), the app under test runs on core 0 and everything else on core 1
 *   (BENCH_PIN=0 turns this off): the bot's own work after the ack competes with its acks, not the fakes' work.
 * - start-to-ready and idle RSS: the median of BENCH_STARTS (3) starts of each, alternated. Idle RSS is read
 *   20 s after ready (BENCH_IDLE_S): V8's memory reducer returns start-up garbage 8 or 16 s after the last work,
 *   and the RSS 2 s after ready (start-up garbage included) is printed beside it.
 * - each level: a warm-up, then BENCH_ROUNDS (7) rounds alternated (bot, bare, bare, bot, …); p50 and p99 are the
 *   medians over rounds. A bot round ends when every command's answer reached the Slack fake, so rounds and
 *   levels do not overlap.
 * The load average is printed before and after: figures taken on a busy machine are not comparable.
 * BENCH_ROUNDS, BENCH_STARTS, BENCH_LEVELS, BENCH_PIN and BENCH_BOT_NODE_ARGS (e.g. `--cpu-prof`) tune a run.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { LoadRequest, LoadResult } from './load-generator.js';
import type { ServicesReady } from './load-services.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-token';
const KEY = 'sk_bench_HOWARD_0123456789';
const USER = 'U0HOWARD1';
const SYNCRO_DELAY_MS = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const STARTS = Number(process.env.BENCH_STARTS ?? 3);
/** Idle RSS is read this long after ready (BENCH_IDLE_S, default 20 s), once V8 has given start-up garbage back. */
const IDLE_MS = Number(process.env.BENCH_IDLE_S ?? 20) * 1000;
/** BENCH_LEVELS=100 (a comma-separated list) runs only those levels. */
const ONLY = process.env.BENCH_LEVELS?.split(',').map(Number);
const LEVELS: Array<{ concurrency: number; requests: number }> = [
  { concurrency: 1, requests: 50 },
  { concurrency: 10, requests: 200 },
  { concurrency: 50, requests: 400 },
  { concurrency: 100, requests: 600 },
].filter((l) => !ONLY || ONLY.includes(l.concurrency));
/** More node flags for the bot, e.g. BENCH_BOT_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
const BOT_NODE_ARGS = process.env.BENCH_BOT_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const PIN = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2 && existsSync('/usr/bin/taskset');
const APP_CPU = '0';
const REST_CPU = '1';

const out = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** `node args…`, on `cpu` when pinning. */
function nodeCommand(cpu: string, args: string[]): [string, string[]] {
  return PIN ? ['taskset', ['-c', cpu, process.execPath, ...args]] : [process.execPath, args];
}

/** A child speaking over IPC: its first message is `ready`; `call` sends a message and waits for its answer. */
interface Peer {
  child: ChildProcess;
  ready: Promise<unknown>;
  call<T>(msg: Record<string, unknown>): Promise<T>;
}

function startPeer(file: string, env: Record<string, string> = {}): Peer {
  const [cmd, args] = nodeCommand(REST_CPU, ['--import', 'tsx', join(ROOT, file)]);
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, (m: unknown) => void>();
  let onReady: (m: unknown) => void = () => undefined;
  const ready = new Promise<unknown>((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => reject(new Error(`${file} exited (${code})`)));
  });
  child.on('message', (m: { id?: number; op?: string }) => {
    if (m.op === 'ready') onReady(m);
    else if (m.id !== undefined) waiting.get(m.id)?.(m);
  });
  return {
    child,
    ready,
    call<T>(msg: Record<string, unknown>) {
      const id = nextId++;
      return new Promise<T>((resolve) => {
        waiting.set(id, (m) => {
          waiting.delete(id);
          resolve(m as T);
        });
        child.send({ ...msg, id });
      });
    },
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** CPU time the process has used (user + system), ms; /proc counts in clock ticks of 10 ms. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

type AppName = 'bot' | 'bare';

interface Running {
  name: AppName;
  child: ChildProcess;
  url: string;
  readyMs: number;
  /** RSS 2 s after ready: start-up garbage still in the heap. */
  startRssMb: number;
  /** RSS once idle for IDLE_MS: V8's memory reducer gives start-up garbage back 8 or 16 s after the last work. */
  idleRssMb: number;
  stop(): Promise<void>;
}

interface AppSpec {
  args: string[];
  env: () => Record<string, string>;
}

/** Spawns an app and waits until its port answers HTTP (any status): start-to-ready; then idle RSS. */
async function startApp(name: AppName, spec: AppSpec, measureIdle = true): Promise<Running> {
  const port = await freePort();
  const env = spec.env();
  const started = performance.now();
  const [cmd, args] = nodeCommand(APP_CPU, spec.args);
  const child = spawn(cmd, args, {
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
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const readyMs = performance.now() - started;
  // Two seconds after ready (start-up garbage still held), then idle (given back by V8 after ~8 s idle).
  await new Promise((r) => setTimeout(r, 2_000));
  const startRssMb = rssMb(child.pid!);
  if (measureIdle) await new Promise((r) => setTimeout(r, IDLE_MS - 2_000));
  const idleRssMb = measureIdle ? rssMb(child.pid!) : Number.NaN;
  return {
    name,
    child,
    url,
    readyMs,
    startRssMb,
    idleRssMb,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (env.DATA_DIR) rmSync(env.DATA_DIR, { recursive: true, force: true });
    },
  };
}

interface Round {
  p50: number;
  p99: number;
  errors: number;
  peakRssMb: number;
  /** The app's CPU time for the round (the bot's includes answering), per command. */
  cpuMsPerCommand: number;
  unanswered: number;
  /** Answers that were not the ticket's view (an error reply). */
  wrong: number;
}

let tags = 0;

async function syncroCalls(services: Peer): Promise<number> {
  return (await services.call<{ syncroCalls: number }>({ op: 'answers', prefix: '' })).syncroCalls;
}

async function runRound(
  app: Running,
  gen: Peer,
  services: Peer,
  slackBaseUrl: string,
  level: { concurrency: number; requests: number },
): Promise<Round> {
  const tag = `${app.name}-${++tags}`;
  const cpuBefore = cpuMs(app.child.pid!);
  let peak = rssMb(app.child.pid!);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(app.child.pid!));
  }, 20);
  const r = await gen.call<LoadResult>({
    url: app.url,
    secret: SECRET,
    userId: USER,
    text: 'ticket 32164',
    concurrency: level.concurrency,
    requests: level.requests,
    responseUrlBase: slackBaseUrl,
    tag,
  } satisfies Omit<LoadRequest, 'id'>);
  // The bot answers each command after its ack: wait for every answer, so that rounds do not overlap.
  let answered = 0;
  let tickets = 0;
  if (app.name === 'bot') {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const a = await services.call<{ count: number; tickets: number }>({ op: 'answers', prefix: `${tag}-` });
      answered = a.count;
      tickets = a.tickets;
      if (answered >= level.requests) break;
      await new Promise((res) => setTimeout(res, 20));
    }
  }
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(app.child.pid!));
  const cpu = cpuMs(app.child.pid!) - cpuBefore;
  await services.call({ op: 'reset' });
  return {
    p50: percentile(r.times, 50),
    p99: percentile(r.times, 99),
    errors: r.errors,
    peakRssMb: peak,
    cpuMsPerCommand: cpu / level.requests,
    unanswered: app.name === 'bot' ? level.requests - answered : 0,
    wrong: app.name === 'bot' ? answered - tickets : 0,
  };
}

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
  const loadBefore = load();
  const services = startPeer('bench/load-services.ts', {
    BENCH_SYNCRO_KEY: KEY,
    BENCH_SYNCRO_DELAY_MS: String(SYNCRO_DELAY_MS),
  });
  const gen = startPeer('bench/load-generator.ts');
  const world = (await services.ready) as ServicesReady;
  await gen.ready;

  const dir = mkdtempSync(join(tmpdir(), 'syncro-slack-load-'));
  const yaml = join(dir, 'bot.yml');
  writeFileSync(
    yaml,
    `users:\n  ${USER}: { name: Howard Enos, syncro_user_id: 1750, api_key: { env: SYNCRO_KEY_HOWARD } }\n`,
  );
  const common = {
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: world.slackApiUrl,
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
  };
  const specs: Record<AppName, AppSpec> = {
    bare: { args: ['bench/bare-bolt-app.mjs'], env: () => common },
    bot: {
      args: [...BOT_NODE_ARGS, 'dist/main.js'],
      env: () => ({
        ...common,
        SYNCRO_BASE_URL: world.syncroUrl,
        SYNCRO_KEY_HOWARD: KEY,
        SYNCRO_RATE_LIMIT_PER_MINUTE: '10000',
        SYNCRO_BOT_CONFIG: yaml,
        DATA_DIR: mkdtempSync(join(dir, 'data-')),
        HOST: '127.0.0.1',
      }),
    },
  };

  // Start-up: the two apps alternated, each start measured and stopped.
  const starts: Record<AppName, Running[]> = { bare: [], bot: [] };
  for (let i = 0; i < STARTS; i++) {
    for (const name of (i % 2 === 0 ? ['bare', 'bot'] : ['bot', 'bare']) as AppName[]) {
      const r = await startApp(name, specs[name]);
      starts[name].push(r);
      await r.stop();
    }
  }
  const readyMs = (n: AppName) => median(starts[n].map((s) => s.readyMs));
  const idleMb = (n: AppName) => median(starts[n].map((s) => s.idleRssMb));
  const startMb = (n: AppName) => median(starts[n].map((s) => s.startRssMb));

  // Each level on fresh processes (Syncro's rate limit, at most 10 000 a minute, is the bot's own: a level must
  // not inherit the previous one's window), warmed up with one unmeasured round, then the rounds alternated.
  const results: Array<{
    level: (typeof LEVELS)[number];
    bare: Round[];
    bot: Round[];
    callsPerCommand: number;
  }> = [];
  for (const level of LEVELS) {
    const apps: Record<AppName, Running> = {
      bare: await startApp('bare', specs.bare, false),
      bot: await startApp('bot', specs.bot, false),
    };
    const warmup = { concurrency: level.concurrency, requests: Math.ceil(level.requests / 2) };
    for (const name of ['bare', 'bot'] as AppName[]) {
      await runRound(apps[name], gen, services, world.slackBaseUrl, warmup);
    }
    const rounds: Record<AppName, Round[]> = { bare: [], bot: [] };
    const callsBefore = await syncroCalls(services);
    for (let i = 0; i < ROUNDS; i++) {
      for (const name of (i % 2 === 0 ? ['bot', 'bare'] : ['bare', 'bot']) as AppName[]) {
        rounds[name].push(await runRound(apps[name], gen, services, world.slackBaseUrl, level));
      }
    }
    const callsPerCommand = ((await syncroCalls(services)) - callsBefore) / (ROUNDS * level.requests);
    results.push({ level, ...rounds, callsPerCommand });
    await Promise.all([apps.bare.stop(), apps.bot.stop()]);
  }
  const loadAfter = load();

  out('');
  out(
    `Syncro answers after ${SYNCRO_DELAY_MS} ms; both apps at LOG_LEVEL=info, NODE_ENV=production (JSON logs); ` +
      (PIN ? 'app on core 0, load generator and fakes on core 1.' : 'no core pinning.'),
  );
  out(
    `Load average (1/5/15 min): ${loadBefore} before, ${loadAfter} after; ${availableParallelism()} cores.`,
  );
  out('');
  out(`| (median of ${STARTS} starts) | bare Bolt | bot | bot / bare |`);
  out('|---|---|---|---|');
  out(
    `| start-to-ready | ${readyMs('bare').toFixed(0)} ms | ${readyMs('bot').toFixed(0)} ms | ${(readyMs('bot') / readyMs('bare')).toFixed(2)}× |`,
  );
  out(
    `| RSS 2 s after ready | ${startMb('bare').toFixed(1)} MB | ${startMb('bot').toFixed(1)} MB | ${(startMb('bot') / startMb('bare')).toFixed(2)}× |`,
  );
  out(
    `| idle RSS (${IDLE_MS / 1000} s after ready) | ${idleMb('bare').toFixed(1)} MB | ${idleMb('bot').toFixed(1)} MB | ${(idleMb('bot') / idleMb('bare')).toFixed(2)}× |`,
  );
  out('');
  out(`Time to the HTTP ack, ms: median over ${ROUNDS} rounds of each round's p50 and p99.`);
  out('');
  out(
    '| concurrency | requests per round | bare p50 / p99 | bot p50 / p99 | p50 ratio | p99 ratio | p99 ratio per round | errors bare / bot | peak RSS bare / bot (MB) | CPU ms per command bare / bot | Syncro calls per command |',
  );
  out('|---|---|---|---|---|---|---|---|---|---|---|');
  let ratio100 = Number.NaN;
  let unanswered = 0;
  let wrong = 0;
  for (const { level, bare, bot, callsPerCommand } of results) {
    const m = (rs: Round[], k: 'p50' | 'p99' | 'cpuMsPerCommand') => median(rs.map((r) => r[k]));
    const p99Ratio = m(bot, 'p99') / m(bare, 'p99');
    if (level.concurrency === 100) ratio100 = p99Ratio;
    const perRound = bot.map((r, i) => (r.p99 / bare[i]!.p99).toFixed(2)).join(' ');
    const sum = (rs: Round[], k: 'errors' | 'unanswered' | 'wrong') => rs.reduce((a, r) => a + r[k], 0);
    const peak = (rs: Round[]) => Math.max(...rs.map((r) => r.peakRssMb)).toFixed(1);
    unanswered += sum(bot, 'unanswered');
    wrong += sum(bot, 'wrong');
    out(
      `| ${level.concurrency} | ${level.requests} | ${m(bare, 'p50').toFixed(1)} / ${m(bare, 'p99').toFixed(1)} | ` +
        `${m(bot, 'p50').toFixed(1)} / ${m(bot, 'p99').toFixed(1)} | ${(m(bot, 'p50') / m(bare, 'p50')).toFixed(2)}× | ` +
        `${p99Ratio.toFixed(2)}× | ${perRound} | ${sum(bare, 'errors')} / ${sum(bot, 'errors')} | ${peak(bare)} / ${peak(bot)} | ` +
        `${m(bare, 'cpuMsPerCommand').toFixed(2)} / ${m(bot, 'cpuMsPerCommand').toFixed(2)} | ${callsPerCommand.toFixed(1)} |`,
    );
  }
  const idleRatio = idleMb('bot') / idleMb('bare');
  out('');
  out(
    `Aim: p99 at 100 concurrent ≤ 1.5× bare: ${ratio100.toFixed(2)}× ${ratio100 <= 1.5 ? '✓' : '✗'}; ` +
      `idle RSS ≤ 1.3× bare: ${idleRatio.toFixed(2)}× ${idleRatio <= 1.3 ? '✓' : '✗'}`,
  );
  out(
    `Bot commands whose answer never reached Slack: ${unanswered}; answers that were not the ticket: ${wrong}`,
  );

  for (const p of [services, gen]) p.child.disconnect();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:load failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
