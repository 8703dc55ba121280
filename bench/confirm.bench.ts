/**
 * Benchmark of confirm-before-write (npm run bench:confirm): the real bot (Bolt HTTP receiver with signature
 * verification, SQLite store in a temp dir, Syncro client) between the loopback Slack fake and the Syncro
 * simulator (no rate limit).
 *
 * 1,000 comment cards are proposed through signed `/syncro comment` commands; then every card gets TWO signed Post
 * clicks sent at the same moment (Promise.all), CONCURRENCY cards in flight at a time. Measured per card: the
 * click-to-updated-card latency, from sending the clicks until the Slack fake receives the final ("posted") card
 * on a click's response_url. Prints the writes Syncro received, which must equal the number of cards (the
 * process exits non-zero otherwise), and the median / p95 latency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { createBot } from '../src/bot.js';
import { loadConfig } from '../src/config.js';
import { createIdentityResolver } from '../src/identity/resolver.js';
import { createLogger } from '../src/logger.js';
import { type RecordedResponse, type SlackFake, startSlackFake } from '../src/playground/slack/server.js';
import { blockAction, slashCommand } from '../src/playground/slack/signer.js';
import { startSyncroSimulator } from '../src/sandbox/simulator.js';
import { ACTION } from '../src/slack/action-ids.js';
import { identityAdviceWords } from '../src/slack/views/identity-words.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { createSyncroClient } from '../src/syncro/client.js';

const CARDS = 1_000;
/** Cards in flight at once (each with two clicks): enough to overlap, modest enough for 2 cores. */
const CONCURRENCY = 20;
const TICKET_NUMBER = 32164;
const SECRET = 'bench-signing-secret-0123456789';
const KEY = 'sk_bench_HOWARD_0123456789';
const USER = 'U0HOWARD1';
const CHANNEL = 'C0TICKETS';
const WAIT_MS = 30_000;

const out = (line: string) => process.stdout.write(`${line}\n`);
const devNull = new Writable({ write: (_c, _e, done) => done() });

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/** Runs `task(i)` for i in [0, n) with at most `limit` running at once. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

/**
 * Waits for a response_url POST to one of `urls` that matches, looking only at events recorded from index `from`
 * on, and each event once (a cursor), so that many concurrent waits stay cheap.
 */
function responseOn(
  slack: SlackFake,
  urls: readonly string[],
  from: number,
  match: (r: RecordedResponse) => boolean,
): Promise<RecordedResponse> {
  let i = from;
  return slack.waitFor(
    (events) => {
      for (; i < events.length; i++) {
        const e = events[i]!;
        if (e.kind === 'response' && urls.includes(e.response.url) && match(e.response)) return e.response;
      }
      return undefined;
    },
    { timeoutMs: WAIT_MS, description: `a response on ${urls.join(', ')}` },
  );
}

function postValue(blocks: unknown[] | undefined): string | undefined {
  for (const b of blocks ?? []) {
    const els = (b as { elements?: Array<{ action_id?: string; value?: string }> }).elements ?? [];
    for (const e of els) if (e.action_id === ACTION.post) return e.value;
  }
  return undefined;
}

const isFinalPosted = (r: RecordedResponse) =>
  r.body.replace_original === true && /— posted$/.test(r.body.text ?? '');
const isLoserNote = (r: RecordedResponse) =>
  r.body.replace_original === false && /not sent again/.test(r.body.text ?? '');

const started = performance.now();
const sim = await startSyncroSimulator({ keys: { [KEY]: { user_id: 1750, user_name: 'Howard Enos' } } });
const slack = await startSlackFake();
const dir = mkdtempSync(join(tmpdir(), 'syncro-slack-bench-'));
const logger = createLogger({ level: 'silent', format: 'json', destination: devNull });
const env = {
  SYNCRO_BASE_URL: sim.url,
  SLACK_BOT_TOKEN: 'xoxb-bench-bot-token',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slack.apiUrl,
  SYNCRO_KEY_HOWARD: KEY,
  DATA_DIR: dir,
};
const yaml = `users:\n  ${USER}: { name: Howard Enos, syncro_user_id: 1750, api_key: { env: SYNCRO_KEY_HOWARD } }\n`;
const config = loadConfig(env, { path: 'bench.yml', text: yaml });
const client = createSyncroClient({
  baseUrl: sim.url,
  timeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  rateLimitPerMinute: 1_000_000,
  logger,
});
const storeFile = config.store.kind === 'sqlite' ? config.store.file : join(dir, 'syncro-slack.db');
const store = openSqliteStore(storeFile, { logger });
await store.migrate();
const identities = createIdentityResolver({
  file: config.file,
  env,
  client,
  logger,
  adviceWords: identityAdviceWords,
});
const bot = createBot({
  file: config.file,
  slack: { ...config.slack, port: 0 },
  logger,
  store,
  identities,
  client,
  sandbox: false,
  replicaId: 'bench',
  sweepIntervalMs: 0,
});
const port = await bot.start(0, '127.0.0.1');
const eventsUrl = `http://127.0.0.1:${port}/slack/events`;

let failure: string | undefined;
const latencies: number[] = [];
let posted = 0;
let lost = 0;
let clicksSent = 0;
let proposeSeconds = 0;
let clickSeconds = 0;
try {
  // 1. Propose the cards through signed slash commands.
  const values: string[] = new Array(CARDS);
  const t0 = performance.now();
  await pool(CARDS, CONCURRENCY, async (i) => {
    const responseUrl = slack.responseUrl(`cmd${i}`);
    const from = slack.events.length;
    const res = await slashCommand({
      url: eventsUrl,
      secret: SECRET,
      userId: USER,
      text: `comment #${TICKET_NUMBER} Bench card ${i}: checked the backups`,
      responseUrl,
      channelId: CHANNEL,
    });
    if (res.status !== 200) throw new Error(`the slash command answered HTTP ${res.status}`);
    const card = await responseOn(slack, [responseUrl], from, () => true);
    const value = postValue(card.body.blocks);
    if (!value) throw new Error(`card ${i} has no Post button: ${card.body.text}`);
    values[i] = value;
  });
  proposeSeconds = (performance.now() - t0) / 1000;
  if (sim.writes().length !== 0) throw new Error('Syncro received a write before any Post click');

  // 2. Two simultaneous Post clicks per card; measure until the final card arrives.
  const t1 = performance.now();
  await pool(CARDS, CONCURRENCY, async (i) => {
    const urls = [slack.responseUrl(`click${i}a`), slack.responseUrl(`click${i}b`)];
    const from = slack.events.length;
    const finalCard = responseOn(slack, urls, from, isFinalPosted);
    const note = responseOn(slack, urls, from, isLoserNote);
    const sentAt = performance.now();
    const results = await Promise.all(
      urls.map((responseUrl) =>
        blockAction({
          url: eventsUrl,
          secret: SECRET,
          userId: USER,
          actionId: ACTION.post,
          value: values[i],
          responseUrl,
          channelId: CHANNEL,
        }),
      ),
    );
    clicksSent += results.length;
    for (const r of results) if (r.status !== 200) throw new Error(`a click answered HTTP ${r.status}`);
    await finalCard;
    latencies.push(performance.now() - sentAt);
    posted += 1;
    await note;
    lost += 1;
  });
  clickSeconds = (performance.now() - t1) / 1000;
} catch (err) {
  failure = err instanceof Error ? err.message : String(err);
}

const writes = sim.writes();
const commentWrites = writes.filter((w) => w.method === 'POST' && /\/comment$/.test(w.path)).length;
const distinctBodies = new Set(writes.map((w) => (w.body as { body?: string } | undefined)?.body)).size;
const { default: Database } = await import('better-sqlite3');
const db = new Database(storeFile, { readonly: true });
const states = db.prepare('SELECT state, count(*) AS n FROM actions GROUP BY state').all() as Array<{
  state: string;
  n: number;
}>;
db.close();
const succeeded = states.find((s) => s.state === 'succeeded')?.n ?? 0;

out(
  `confirm-before-write: ${CARDS} cards, each clicked twice at the same moment (${CONCURRENCY} cards in flight)`,
);
out(`  cards proposed                 ${CARDS} (signed slash commands, ${proposeSeconds.toFixed(1)} s)`);
out(`  Post clicks sent               ${clicksSent}`);
out(
  `  writes Syncro received         ${writes.length} (comment POSTs ${commentWrites}, distinct bodies ${distinctBodies})`,
);
out(`  cards posted / clicks refused  ${posted} / ${lost} (actions succeeded in the store: ${succeeded})`);
out(`  click-to-updated-card median   ${quantile(latencies, 0.5).toFixed(1)} ms`);
out(`  click-to-updated-card p95      ${quantile(latencies, 0.95).toFixed(1)} ms`);
out(`  clicks phase                   ${clickSeconds.toFixed(1)} s`);
out(`  total                          ${((performance.now() - started) / 1000).toFixed(1)} s`);

await bot.stop();
await client.close();
await store.close();
await slack.close();
await sim.close();
rmSync(dir, { recursive: true, force: true });

const problems = [
  ...(failure ? [failure] : []),
  ...(writes.length !== CARDS ? [`Syncro received ${writes.length} writes, expected exactly ${CARDS}`] : []),
  ...(distinctBodies !== CARDS
    ? [`${distinctBodies} distinct comments were written, expected ${CARDS}`]
    : []),
  ...(succeeded !== CARDS ? [`${succeeded} actions succeeded, expected ${CARDS}`] : []),
];
if (problems.length > 0) {
  process.stderr.write(`FAILED: ${problems.join('; ')}\n`);
  process.exit(1);
}
out('OK: exactly one write per card');
process.exit(0);
