import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openSqliteStore } from '../../src/actions/sqlite-store.js';
import type { ActionStore } from '../../src/actions/store.js';
import type { PendingAction } from '../../src/actions/types.js';
import { type Bot, createBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { createIdentityResolver } from '../../src/identity/resolver.js';
import { createLogger } from '../../src/logger.js';
import { type SyncroSimulator, startSyncroSimulator } from '../../src/sandbox/simulator.js';
import { createSyncroClient } from '../../src/syncro/client.js';
import { rapidTestRetryPolicy } from '../../src/syncro/retry-policies.js';
import { type SlackFake, startSlackFake } from '../fakes/slack-fake.js';
import {
  type BlockActionOptions,
  blockAction,
  type SlackHttpResult,
  slashCommand,
  viewSubmission,
} from '../fakes/slack-signer.js';

/**
 * End-to-end harness: the real bot (Bolt's HTTP receiver, signature verification, SQLite store, Syncro client)
 * between a loopback Slack fake and the Syncro simulator. Requests are signed like Slack's.
 */

export const SECRET = 'e2e-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-e2e-bot-token-SECRET';
/** Keys that look like secrets, so a leak would be found by a substring search. */
export const KEYS = {
  howard: 'sk_live_HOWARD_9f8e7d6c5b4a',
  mike: 'sk_live_MIKE_1a2b3c4d5e6f',
  rob: 'sk_live_ROB_WRONG_77aa88bb',
} as const;
export const USERS = {
  howard: 'U0HOWARD1',
  mike: 'U0MIKE001',
  winter: 'U0WINTER1', // mapped, no key of her own
  rob: 'U0ROB0001', // mapped to 1760, but his key belongs to Winter (1737)
  outsider: 'U0OUTSIDE',
  approver: 'U0APPROVE',
} as const;

export const BASE_YAML = `
users:
  ${USERS.howard}: { name: Howard Enos, syncro_user_id: 1750, api_key: { env: SYNCRO_KEY_HOWARD } }
  ${USERS.mike}: { name: Michael Swanson, syncro_user_id: 1735, api_key: { env: SYNCRO_KEY_MIKE } }
  ${USERS.winter}: { name: Winter, syncro_user_id: 1737 }
  ${USERS.rob}: { name: Rob, syncro_user_id: 1760, api_key: { env: SYNCRO_KEY_ROB } }
  ${USERS.approver}: { name: Rob, syncro_user_id: 1760 }
shared_key: { env: SYNCRO_SHARED_KEY }
policy: { shared_key_writes: deny }
labor_types:
  remote: { product_id: 1190473, taxable: false, label: Remote }
  onsite: { product_id: 26118, taxable: false, label: Onsite }
  emergency: { product_id: 26184, taxable: false, label: Emergency, prepaid_multiplier: 1.5 }
  warranty: { product_id: 9300001, taxable: false, label: Warranty }
`;

export interface Harness {
  sim: SyncroSimulator;
  slack: SlackFake;
  bot: Bot;
  store: ActionStore;
  eventsUrl: string;
  logLines: string[];
  dir: string;
  /** Sends `/syncro <text>` as `userId`; returns the HTTP result and the response_url the bot will use. */
  command(
    userId: string,
    text: string,
    opts?: { channelId?: string },
  ): Promise<SlackHttpResult & { responseUrl: string }>;
  /** Clicks a button (or select) as `userId`. */
  click(
    userId: string,
    actionId: string,
    value: string,
    opts?: Partial<BlockActionOptions>,
  ): Promise<SlackHttpResult & { responseUrl: string }>;
  submit(
    userId: string,
    callbackId: string,
    privateMetadata: string,
    values: Record<string, Record<string, unknown>>,
  ): Promise<SlackHttpResult>;
  /** The one action row (latest first). */
  actions(): Promise<PendingAction[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  yaml?: string;
  timeoutMs?: number;
  now?: () => number;
  dir?: string;
  replicaId?: string;
  leaseMs?: number;
  /** Keep the SQLite file on close (for restart tests). */
  keepDir?: boolean;
  sim?: SyncroSimulator;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const sim =
    opts.sim ??
    (await startSyncroSimulator({
      keys: {
        [KEYS.howard]: { user_id: 1750, user_name: 'Howard Enos' },
        [KEYS.mike]: { user_id: 1735, user_name: 'Michael Swanson' },
        [KEYS.rob]: { user_id: 1737, user_name: 'Winter' },
      },
    }));
  const slack = await startSlackFake();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'syncro-slack-e2e-'));
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', destination });
  const env = {
    SYNCRO_BASE_URL: sim.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    SYNCRO_KEY_HOWARD: KEYS.howard,
    SYNCRO_KEY_MIKE: KEYS.mike,
    SYNCRO_KEY_ROB: KEYS.rob,
    SYNCRO_SHARED_KEY: KEYS.mike,
    DATA_DIR: dir,
  };
  const config = loadConfig(env, { path: 'e2e.yml', text: opts.yaml ?? BASE_YAML });
  const client = createSyncroClient({
    baseUrl: sim.url,
    timeoutMs: opts.timeoutMs ?? 1_500,
    connectTimeoutMs: 1_000,
    rateLimitPerMinute: 100_000,
    logger,
    readRetryPolicy: rapidTestRetryPolicy,
  });
  const store = openSqliteStore(join(dir, 'actions.db'), { logger });
  await store.migrate();
  const identities = createIdentityResolver({ file: config.file, env, client, logger });
  const bot = createBot({
    file: config.file,
    slack: { ...config.slack, port: 0 },
    logger,
    store,
    identities,
    client,
    sandbox: false,
    replicaId: opts.replicaId ?? 'e2e',
    leaseMs: opts.leaseMs,
    now: opts.now,
    sweepIntervalMs: 0,
  });
  const port = await bot.start(0, '127.0.0.1');
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;

  return {
    sim,
    slack,
    bot,
    store,
    eventsUrl,
    logLines,
    dir,
    async command(userId, text, o = {}) {
      const responseUrl = slack.responseUrl('cmd');
      const res = await slashCommand({
        url: eventsUrl,
        secret: SECRET,
        userId,
        text,
        responseUrl,
        channelId: o.channelId ?? 'C0TICKETS',
        triggerId: `trig-${Math.random().toString(36).slice(2)}`,
      });
      return { ...res, responseUrl };
    },
    async click(userId, actionId, value, o = {}) {
      const responseUrl = o.responseUrl ?? slack.responseUrl('click');
      const res = await blockAction({
        url: eventsUrl,
        secret: SECRET,
        userId,
        actionId,
        value,
        responseUrl,
        channelId: 'C0TICKETS',
        triggerId: `trig-${Math.random().toString(36).slice(2)}`,
        ...o,
      });
      return { ...res, responseUrl };
    },
    submit(userId, callbackId, privateMetadata, values) {
      return viewSubmission({ url: eventsUrl, secret: SECRET, userId, callbackId, privateMetadata, values });
    },
    async actions() {
      const ids = await listActionIds(dir);
      const out: PendingAction[] = [];
      for (const id of ids) {
        const a = await store.get(id);
        if (a) out.push(a);
      }
      return out;
    },
    async close() {
      await bot.stop();
      await client.close();
      await store.close();
      await slack.close();
      if (!opts.sim) await sim.close();
      if (!opts.keepDir && !opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads action ids straight from the SQLite file (newest first), for assertions. */
async function listActionIds(dir: string): Promise<string[]> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'actions.db'), { readonly: true });
  try {
    return (
      db.prepare('SELECT id FROM actions ORDER BY created_at DESC, rowid DESC').all() as Array<{ id: string }>
    ).map((r) => r.id);
  } finally {
    db.close();
  }
}

/** The `{id, attempt}` value of a button in a card's blocks. */
export function buttonValue(blocks: unknown[] | undefined, actionId: string): string | undefined {
  for (const b of blocks ?? []) {
    const els = (b as { elements?: Array<{ action_id?: string; value?: string }> }).elements ?? [];
    for (const e of els) if (e.action_id === actionId) return e.value;
  }
  return undefined;
}

/** All text in blocks, for assertions on what a person sees. */
export function textOf(msg: { text?: string; blocks?: unknown[] } | undefined): string {
  return `${msg?.text ?? ''}\n${JSON.stringify(msg?.blocks ?? [])}`;
}
