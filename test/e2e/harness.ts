import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { PendingAction } from '../../src/actions/types.js';
import type { Bot } from '../../src/bot.js';
import { type ComposedApp, composeApp } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { type SlackFake, startSlackFake } from '../../src/playground/slack/server.js';
import {
  type BlockActionOptions,
  blockAction,
  type SlackHttpResult,
  slashCommand,
  viewSubmission,
} from '../../src/playground/slack/signer.js';
import type { AppStore } from '../../src/store/app-store.js';
import { rapidTestRetryPolicy } from '../../src/syncro/retry-policies.js';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';

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
  sim: FaultySimulator;
  slack: SlackFake;
  /** The composed application (composeApp), as main.ts runs it. */
  app: ComposedApp;
  bot: Bot;
  store: AppStore;
  eventsUrl: string;
  logLines: string[];
  /** Resolves with the first JSON log line (already written or to come) that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
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
  sim?: FaultySimulator;
  /** More environment for the bot (e.g. KEY_ENCRYPTION_KEY). */
  env?: Record<string, string>;
  /** Log level of this bot (default: E2E_LOG_LEVEL, else debug). */
  logLevel?: string;
  /** The notifier's loop (with `notifications:` in the YAML); default 0: tests drive it. */
  notifyTickMs?: number;
}

/** The secrets of the end-to-end setup, by name, with each Syncro key's distinctive tail (a half-masked key). */
export function e2eSecrets(): Record<string, string> {
  const out: Record<string, string> = { 'bot token': BOT_TOKEN, 'signing secret': SECRET };
  for (const [name, key] of Object.entries(KEYS)) {
    out[`${name} key`] = key;
    out[`${name} key tail`] = key.replace(/^sk_live_/, '');
  }
  return out;
}

/**
 * Every end-to-end bot checks its log when it closes: no secret in any line, at whatever level the suite runs
 * (CI runs it again at `trace`). Throws naming the secret, never printing it.
 */
export function assertNoSecretInLogs(lines: readonly string[]): void {
  for (const [name, secret] of Object.entries(e2eSecrets())) {
    const n = lines.filter((l) => l.includes(secret)).length;
    if (n > 0) throw new Error(`the ${name} appears in ${n} log line(s)`);
  }
}

/** Log level of the end-to-end bots: E2E_LOG_LEVEL (CI runs the suite again at `trace`), else `fallback`. */
export function e2eLogLevel(fallback: string): string {
  return process.env.E2E_LOG_LEVEL || fallback;
}

/**
 * The real bot as main.ts composes it (composeApp: configuration from env and YAML, store, Syncro client,
 * identities, start-up recovery, rate-limit notices, Bolt on a loopback port), pointed at the given fakes.
 * Shared by the harness and the replicas.
 */
async function composeBot(o: {
  sim: FaultySimulator;
  slack: SlackFake;
  /** An opened store (replicas); otherwise composeApp opens `dbFile`. */
  store?: AppStore;
  dbFile?: string;
  logger: Logger;
  replicaId: string;
  yaml?: string;
  timeoutMs?: number;
  dataDir?: string;
  leaseMs?: number;
  now?: () => number;
  env?: Record<string, string>;
  notifyTickMs?: number;
}): Promise<{ app: ComposedApp; eventsUrl: string }> {
  const env: Record<string, string> = {
    SYNCRO_BASE_URL: o.sim.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: o.slack.apiUrl,
    SYNCRO_KEY_HOWARD: KEYS.howard,
    SYNCRO_KEY_MIKE: KEYS.mike,
    SYNCRO_KEY_ROB: KEYS.rob,
    SYNCRO_SHARED_KEY: KEYS.mike,
    SYNCRO_TIMEOUT_MS: String(o.timeoutMs ?? 1_500),
    SYNCRO_CONNECT_TIMEOUT_MS: '1000',
    SYNCRO_RATE_LIMIT_PER_MINUTE: '10000',
    PORT: '0',
    HOST: '127.0.0.1',
    REPLICA_ID: o.replicaId,
    LOG_FORMAT: 'json',
    ...(o.dataDir ? { DATA_DIR: o.dataDir } : {}),
    ...(o.dbFile ? { DATABASE_URL: `sqlite:${o.dbFile}` } : {}),
    ...o.env,
  };
  const config = loadConfig(env, { path: 'e2e.yml', text: o.yaml ?? BASE_YAML });
  const app = await composeApp(config, {
    env,
    logger: o.logger,
    store: o.store,
    leaseMs: o.leaseMs,
    now: o.now,
    sweepIntervalMs: 0,
    // A refused card drawing is tried again after short real pauses (the backoff itself is tested with a fake
    // clock in test/slack/card-publisher-retries.test.ts), so that cards settle within a test.
    cardRetryPausesMs: E2E_CARD_RETRY_PAUSES_MS,
    syncro: { readRetryPolicy: rapidTestRetryPolicy },
    notifications: { tickMs: o.notifyTickMs ?? 0 },
  });
  const port = await app.start();
  return { app, eventsUrl: `http://127.0.0.1:${port}/slack/events` };
}

/** Card drawing retries in the end-to-end tests: five tries within about a second. */
export const E2E_CARD_RETRY_PAUSES_MS: readonly number[] = [20, 50, 100, 200, 400];

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const sim =
    opts.sim ??
    (await startFaultySimulator({
      keys: {
        [KEYS.howard]: { user_id: 1750, user_name: 'Howard Enos' },
        [KEYS.mike]: { user_id: 1735, user_name: 'Michael Swanson' },
        [KEYS.rob]: { user_id: 1737, user_name: 'Winter' },
      },
    }));
  const slack = await startSlackFake();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'syncro-slack-e2e-'));
  const logLines: string[] = [];
  const lineWaiters = new Set<{
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }>();
  const parsed = (l: string): Record<string, unknown> => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const destination = new Writable({
    write(chunk, _enc, cb) {
      const lines = String(chunk).split('\n').filter(Boolean);
      logLines.push(...lines);
      for (const line of lines.map(parsed))
        for (const w of [...lineWaiters])
          if (w.match(line)) {
            lineWaiters.delete(w);
            w.resolve(line);
          }
      cb();
    },
  });
  const waitForLog = (match: (line: Record<string, unknown>) => boolean) => {
    const seen = logLines.map(parsed).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve) => lineWaiters.add({ match, resolve }));
  };
  const logger = createLogger({ level: opts.logLevel ?? e2eLogLevel('debug'), format: 'json', destination });
  const { app, eventsUrl } = await composeBot({
    sim,
    slack,
    dbFile: join(dir, 'actions.db'),
    logger,
    yaml: opts.yaml,
    timeoutMs: opts.timeoutMs,
    dataDir: dir,
    replicaId: opts.replicaId ?? 'e2e',
    leaseMs: opts.leaseMs,
    now: opts.now,
    env: opts.env,
    notifyTickMs: opts.notifyTickMs,
  });

  const { bot, store } = app;
  return {
    sim,
    slack,
    app,
    bot,
    store,
    eventsUrl,
    logLines,
    waitForLog,
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
      await app.stop(0);
      await slack.close();
      if (!opts.sim) await sim.close();
      if (!opts.keepDir && !opts.dir) rmSync(dir, { recursive: true, force: true });
      assertNoSecretInLogs(logLines);
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

// ---------------------------------------------------------------------------------------------------------------
// Helpers for the write-flow suites (write-kinds, write-concurrency, write-faults, write-expiry-and-access)

/** The card's fallback text ends with its state in words (see action-card.ts STATE_WORDS). */
export function isFinalCard(body: { text?: string }): boolean {
  return /— (posted|not posted|cancelled|expired, nothing was sent)$/.test(body.text ?? '');
}

/** The payloads a card shows in its code blocks, as a person reads them (unescaped, one per step). */
export function shownPayloads(blocks: unknown[] | undefined): string[] {
  const out: string[] = [];
  for (const b of blocks ?? []) {
    const t = (b as { text?: { type?: string; text?: string } }).text;
    if (t?.type !== 'mrkdwn' || typeof t.text !== 'string') continue;
    const m = /```\n([\s\S]*)\n```$/.exec(t.text);
    if (m)
      out.push(
        m[1]!
          .replace(/\u200b/g, '')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      );
  }
  return out;
}

/** Clicks a card button as `userId` and waits for the card drawn in a final state at that click's response_url. */
export async function clickAndSettle(
  h: Harness,
  userId: string,
  actionId: string,
  value: string,
): Promise<{ responseUrl: string; card: { text?: string; blocks?: unknown[] } }> {
  const click = await h.click(userId, actionId, value);
  if (click.status !== 200) throw new Error(`click answered HTTP ${click.status}`);
  const done = await h.slack.waitForResponse(
    (r) => r.url === click.responseUrl && r.body.replace_original === true && isFinalCard(r.body),
  );
  return { responseUrl: click.responseUrl, card: done.body };
}

/** The private message (not the card) a click got back at its response_url. */
export async function privateNoteTo(h: Harness, responseUrl: string): Promise<string> {
  const r = await h.slack.waitForResponse((x) => x.url === responseUrl && x.body.replace_original === false);
  return r.body.text ?? '';
}

/** The newest action row. */
export async function latestAction(h: Harness): Promise<PendingAction> {
  const [a] = await h.actions();
  if (!a) throw new Error('no action was proposed');
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// Billing helpers (the bill modal, the channel card, clicks on it)

/** A simulator with the harness's keys, for tests that run several harnesses (restarts) against one Syncro. */
export function startE2eSimulator(): Promise<FaultySimulator> {
  return startFaultySimulator({
    keys: {
      [KEYS.howard]: { user_id: 1750, user_name: 'Howard Enos' },
      [KEYS.mike]: { user_id: 1735, user_name: 'Michael Swanson' },
      [KEYS.rob]: { user_id: 1737, user_name: 'Winter' },
    },
  });
}

/** What a technician types into the bill modal; absent fields are left empty. */
export interface BillForm {
  minutes?: string;
  labor?: string;
  description?: string;
  subject?: string;
  body?: string;
  visibility?: string;
}

/** The bill modal's `view.state.values` as Slack submits them. */
export function billValues(f: BillForm): Record<string, Record<string, unknown>> {
  const text = (value: string | undefined) => ({ type: 'plain_text_input', value: value ?? null });
  const choice = (type: string, value: string | undefined) => ({
    type,
    selected_option: value === undefined ? null : { value },
  });
  return {
    syncro_minutes: { syncro_minutes_input: text(f.minutes) },
    syncro_labor: { syncro_labor_input: choice('static_select', f.labor) },
    syncro_description: { syncro_description_input: text(f.description) },
    syncro_subject: { syncro_subject_input: text(f.subject) },
    syncro_body: { syncro_body_input: text(f.body) },
    syncro_visibility: { syncro_visibility_input: choice('radio_buttons', f.visibility) },
  };
}

export const GOOD_BILL: Required<BillForm> = {
  minutes: '45',
  labor: 'remote',
  description: 'Reset the Nextcloud sync client and re-linked the shared folder',
  subject: 'Resolution',
  body: 'Nextcloud sync is working again on all three PCs.',
  visibility: 'public_note',
};

/**
 * `/syncro bill <number>` with a known trigger id: resolves with the views.open call (made with that trigger id)
 * and the views.update that filled the modal from Syncro.
 */
export async function openBillModalFor(
  h: Harness,
  userId: string,
  number: string,
): Promise<{ triggerId: string; opened: RecordedCall; filled: RecordedCall; status: number }> {
  const triggerId = `trig-bill-${Math.random().toString(36).slice(2)}`;
  const res = await slashCommand({
    url: h.eventsUrl,
    secret: SECRET,
    userId,
    text: `bill ${number}`,
    responseUrl: h.slack.responseUrl('bill'),
    channelId: 'C0TICKETS',
    triggerId,
  });
  const opened = await h.slack.waitForCall('views.open', (c) => c.body.trigger_id === triggerId);
  const viewId = (opened.reply.body.view as { id: string }).id;
  const filled = await h.slack.waitForCall('views.update', (c) => c.body.view_id === viewId);
  return { triggerId, opened, filled, status: res.status };
}

/** The private_metadata of a view sent to views.open / views.update. */
export function viewMetadata(call: RecordedCall): string {
  return String((call.body.view as { private_metadata?: string }).private_metadata ?? '');
}

/**
 * The whole proposal: open the modal, submit `form`, and wait for the billing card posted in the channel.
 * Resolves with the chat.postMessage call and the action row.
 */
export async function proposeBillCard(
  h: Harness,
  userId: string,
  number: string,
  form: BillForm = GOOD_BILL,
  opts: { skipModal?: boolean } = {},
): Promise<{ card: RecordedCall; action: PendingAction }> {
  // skipModal: submit the form straight away (what the modal carries before Syncro filled it in), for speed.
  const metadata = opts.skipModal
    ? JSON.stringify({ number, channelId: 'C0TICKETS' })
    : viewMetadata((await openBillModalFor(h, userId, number)).filled);
  const before = h.slack.callsTo('chat.postMessage').length;
  const res = await h.submit(userId, 'syncro_bill_modal', metadata, billValues(form));
  if (res.status !== 200 || res.body.includes('errors'))
    throw new Error(`bill modal refused: ${res.status} ${res.body}`);
  const card = await h.slack.waitForCall('chat.postMessage', undefined, { nth: before + 1 });
  // The card's ts is stored right after chat.postMessage answers; wait for the row to have it.
  const id = cardId(card);
  for (let i = 0; i < 10_000; i++) {
    const action = await h.store.get(id);
    if (action?.slack.messageTs) return { card, action };
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('the billing card was posted but its ts was never stored');
}

/** The action id a card's buttons carry. */
export function cardId(call: RecordedCall): string {
  const v = buttonValue(call.body.blocks as unknown[], 'syncro_cancel');
  if (!v) throw new Error('the card has no Cancel button');
  return (JSON.parse(v) as { id: string }).id;
}

/** Presses a button on a channel card (a normal message, as Slack sends it: container `message`). */
export function clickOnCard(
  h: Harness,
  userId: string,
  card: RecordedCall,
  actionId: string,
): Promise<SlackHttpResult & { responseUrl: string }> {
  const value = buttonValue(card.body.blocks as unknown[], actionId);
  if (value === undefined)
    throw new Error(`the card has no ${actionId} button: ${textOf(card.body as never)}`);
  return h.click(userId, actionId, value, {
    container: 'message',
    messageTs: String(card.body.ts ?? card.reply.body.ts),
    channelId: 'C0TICKETS',
  });
}

/** The nth-from-now chat.update of a card whose text says `state` (e.g. "posted", "not posted"). */
export function waitForCard(
  h: Harness,
  words: RegExp,
  opts: { after?: number; timeoutMs?: number } = {},
): Promise<RecordedCall> {
  const after = opts.after ?? 0;
  return h.slack.waitFor(
    (evs) => {
      for (const e of evs) {
        if (e.kind === 'call' && e.call.seq > after && e.call.method === 'chat.update') {
          if (words.test(String(e.call.body.text ?? ''))) return e.call;
        }
      }
      return undefined;
    },
    { timeoutMs: opts.timeoutMs, description: `a card update saying ${words}` },
  );
}

/** The seq of the last recorded Slack event (to wait for what comes after it). */
export function lastSeq(h: Harness): number {
  const e = h.slack.events.at(-1);
  if (!e) return 0;
  return e.kind === 'call' ? e.call.seq : e.response.seq;
}

/** Writes received by the simulator, counted by "METHOD path". */
export function writeCounts(sim: FaultySimulator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of sim.writes()) out[`${w.method} ${w.path}`] = (out[`${w.method} ${w.path}`] ?? 0) + 1;
  return out;
}

type RecordedCall = SlackFake['calls'][number];

type TextBlock = { text?: unknown; fields?: Array<{ text?: string }>; elements?: unknown[] };

/** Every text of a message's blocks (mrkdwn unescaped as sent), one per line: what a person reads on a card. */
export function cardText(call: RecordedCall): string {
  const out: string[] = [String(call.body.text ?? '')];
  const walk = (b: TextBlock) => {
    if (typeof b.text === 'string') out.push(b.text);
    else if (typeof (b.text as { text?: unknown } | undefined)?.text === 'string')
      out.push((b.text as { text: string }).text);
    for (const f of b.fields ?? []) if (f.text) out.push(f.text);
    for (const e of (b.elements ?? []) as TextBlock[]) walk(e);
  };
  for (const b of (call.body.blocks ?? []) as TextBlock[]) walk(b);
  return out.join('\n');
}

/** The status line under step k (1-based) of a card, e.g. "✅ done — comment 12 on #32164". */
export function stepLine(call: RecordedCall, k: number): string {
  return new RegExp(`\\*${k}\\. [^\\n]*\\n\\s*([^\\n]*)`).exec(cardText(call))?.[1] ?? '';
}

/** What a bill with `form` left on ticket `number` in the simulator: counts of each record, and the status. */
export function billedRecords(sim: FaultySimulator, number: string, form: BillForm = GOOD_BILL) {
  const tid = sim.state.ticketByNumber(Number(number))!.id;
  const invoices = sim.state.invoices.filter((i) => i.ticket_id === tid);
  return {
    comments: sim.state.commentsOf(tid).filter((c) => c.body === form.body).length,
    lineItems: sim.state.lineItemsOf(tid).filter((l) => l.description === form.description).length,
    invoices: invoices.length,
    invoiceLines: invoices.flatMap((i) => i.line_items).filter((l) => l.name === form.description).length,
    status: sim.state.ticket(tid)!.status,
  };
}

export const BILLED_ONCE = { comments: 1, lineItems: 1, invoices: 1, invoiceLines: 1, status: 'Invoiced' };

// ---------------------------------------------------------------------------------------------------------------
// Helpers for the read-command suites (read-commands, signature, identity, secrets, sandbox)

type SlackMessageBody = { text?: string; blocks?: unknown[] };

function collectTexts(node: unknown, type: 'mrkdwn' | 'plain_text', out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectTexts(n, type, out);
  } else if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (o.type === type && typeof o.text === 'string') out.push(o.text);
    for (const v of Object.values(o)) collectTexts(v, type, out);
  }
}

/** Every string Slack parses as mrkdwn (mentions, links): the fallback `text` and each mrkdwn text object. */
export function mrkdwnTexts(msg: SlackMessageBody): string[] {
  const out = typeof msg.text === 'string' ? [msg.text] : [];
  collectTexts(msg.blocks ?? [], 'mrkdwn', out);
  return out;
}

/** Every plain_text string of a message (headers, button labels): shown literally, never parsed. */
export function plainTexts(msg: SlackMessageBody): string[] {
  const out: string[] = [];
  collectTexts(msg.blocks ?? [], 'plain_text', out);
  return out;
}

/** The lines inside the message's code blocks, unescaped as a person reads them. */
export function codeLines(msg: SlackMessageBody): string[] {
  const out: string[] = [];
  for (const t of mrkdwnTexts({ blocks: msg.blocks })) {
    for (const m of t.matchAll(/```\n?([\s\S]*?)\n?```/g)) {
      out.push(
        ...m[1]!.split('\n').map((l) => l.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')),
      );
    }
  }
  return out;
}

/** `/syncro <text>` as `userId`, and the first reply posted to that command's response_url. */
export async function askBot(
  h: Harness,
  userId: string,
  text: string,
): Promise<{ status: number; responseUrl: string; reply: SlackMessageBody & Record<string, unknown> }> {
  const res = await h.command(userId, text);
  const r = await h.slack.waitForResponse((x) => x.url === res.responseUrl);
  return { status: res.status, responseUrl: res.responseUrl, reply: r.body };
}

// ---------------------------------------------------------------------------------------------------------------
// Replicas: several bots sharing one store backend (e.g. PostgreSQL), one Syncro simulator and one Slack fake

export interface ReplicaOptions {
  sim: FaultySimulator;
  slack: SlackFake;
  /** This replica's own store (its own connection pool); migrated by startReplica, closed by close(). */
  store: AppStore;
  replicaId: string;
  yaml?: string;
  now?: () => number;
  leaseMs?: number;
  /** Syncro client timeout (default 1 500 ms, as startHarness). */
  timeoutMs?: number;
}

export interface Replica {
  bot: Bot;
  store: AppStore;
  replicaId: string;
  eventsUrl: string;
  /** JSON log lines of this replica. */
  logLines: Array<Record<string, unknown>>;
  /** Resolves with the first log line (already written or to come) that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  command(userId: string, text: string): Promise<SlackHttpResult & { responseUrl: string }>;
  click(
    userId: string,
    actionId: string,
    value: string,
    opts?: Partial<BlockActionOptions>,
  ): Promise<SlackHttpResult & { responseUrl: string }>;
  /**
   * A crash as far as the shared state can tell: the HTTP receiver stops and the store is closed, while a Syncro
   * request in flight is left open (release it with sim.releaseHangs()). close() cleans up the rest.
   */
  crash(): Promise<void>;
  close(): Promise<void>;
}

/** Starts one replica of the bot (Bolt HTTP receiver on loopback) on a store it is given. */
export async function startReplica(opts: ReplicaOptions): Promise<Replica> {
  const { sim, slack, store } = opts;
  const logLines: Array<Record<string, unknown>> = [];
  const rawLines: string[] = [];
  const logWaiters = new Set<{
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: never) => void;
  }>();
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const text of String(chunk).split('\n').filter(Boolean)) {
        rawLines.push(text);
        const line = JSON.parse(text) as Record<string, unknown>;
        logLines.push(line);
        for (const w of [...logWaiters]) {
          if (w.match(line)) {
            logWaiters.delete(w);
            w.resolve(line as never);
          }
        }
      }
      cb();
    },
  });
  const logger = createLogger({ level: e2eLogLevel('info'), format: 'json', destination }).child({
    replica: opts.replicaId,
  });
  const { app, eventsUrl } = await composeBot({
    sim,
    slack,
    store,
    logger,
    yaml: opts.yaml,
    timeoutMs: opts.timeoutMs,
    replicaId: opts.replicaId,
    leaseMs: opts.leaseMs,
    now: opts.now,
  });
  const { bot, client } = app;
  let crashed = false;
  let closed = false;
  const crash = async () => {
    if (crashed) return;
    crashed = true;
    await bot.stop(0); // a crash does not wait for writes in flight
    await store.close();
  };

  return {
    bot,
    store,
    replicaId: opts.replicaId,
    eventsUrl,
    logLines,
    waitForLog(match) {
      const seen = logLines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => logWaiters.add({ match, resolve }));
    },
    async command(userId, text) {
      const responseUrl = slack.responseUrl(`cmd-${opts.replicaId}`);
      const res = await slashCommand({
        url: eventsUrl,
        secret: SECRET,
        userId,
        text,
        responseUrl,
        channelId: 'C0TICKETS',
      });
      return { ...res, responseUrl };
    },
    async click(userId, actionId, value, o = {}) {
      const responseUrl = o.responseUrl ?? slack.responseUrl(`click-${opts.replicaId}`);
      const res = await blockAction({
        url: eventsUrl,
        secret: SECRET,
        userId,
        actionId,
        value,
        responseUrl,
        channelId: 'C0TICKETS',
        ...o,
      });
      return { ...res, responseUrl };
    },
    crash,
    async close() {
      if (closed) return;
      closed = true;
      await crash();
      await client.close();
      assertNoSecretInLogs(rawLines);
    },
  };
}
