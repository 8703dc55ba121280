import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionStore } from '../../src/actions/store.js';
import type { Bot } from '../../src/bot.js';
import { type ComposedApp, composeApp } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type SlackFake, startSlackFake } from '../../src/playground/slack/server.js';
import {
  blockActionPayload,
  FAKE_VERIFICATION_TOKEN,
  slashCommandBody,
  viewSubmissionPayload,
} from '../../src/playground/slack/signer.js';
import { ACTION, VIEW } from '../../src/slack/action-ids.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { rapidTestRetryPolicy } from '../../src/syncro/retry-policies.js';
import { type SocketModeFake, startSocketModeFake } from '../fakes/socket-mode-fake.js';
import type { FaultySimulator } from '../support/faults.js';
import {
  BASE_YAML,
  BOT_TOKEN,
  billValues,
  buttonValue,
  GOOD_BILL,
  KEYS,
  startE2eSimulator,
  textOf,
  USERS,
} from './harness.js';

/**
 * Socket Mode end to end: the real bot (Bolt's SocketModeReceiver, SQLite store, Syncro client) connected through
 * apps.connections.open on the Web API fake to a loopback WebSocket that speaks Slack's protocol. The same flows as
 * the HTTP suites, delivered as envelopes instead of signed requests.
 */

const APP_TOKEN = 'xapp-1-A0SYNCRO01-1234567890-SOCKETSECRET0123456789';
/** Short, so a reconnect takes 1.5 s instead of Slack's 5 s; long enough for a busy CI machine's pongs. */
const PING_TIMEOUT_MS = 1_500;

interface SocketHarness {
  sim: FaultySimulator;
  slack: SlackFake;
  socket: SocketModeFake;
  app: ComposedApp;
  bot: Bot;
  store: ActionStore;
  port: number;
  logLines: string[];
  dir: string;
}

async function startSocketHarness(): Promise<SocketHarness> {
  const sim = await startE2eSimulator();
  const slack = await startSlackFake();
  const socket = await startSocketModeFake(slack, { appToken: APP_TOKEN });
  const dir = mkdtempSync(join(tmpdir(), 'syncro-slack-socket-'));
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', destination });
  // What main.ts reads: an app-level token and no signing secret selects Socket Mode.
  const env = {
    SYNCRO_BASE_URL: sim.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dir,
    REPLICA_ID: 'socket-e2e',
    SYNCRO_TIMEOUT_MS: '1500',
    SYNCRO_CONNECT_TIMEOUT_MS: '1000',
    SYNCRO_RATE_LIMIT_PER_MINUTE: '10000',
    SYNCRO_KEY_HOWARD: KEYS.howard,
    SYNCRO_KEY_MIKE: KEYS.mike,
    SYNCRO_KEY_ROB: KEYS.rob,
    SYNCRO_SHARED_KEY: KEYS.mike,
  };
  const config = loadConfig(env, { path: 'e2e.yml', text: BASE_YAML });
  // The store is opened here so that a test can close it under the running bot (the /readyz test).
  const store = openSqliteStore(join(dir, 'actions.db'), { logger });
  // The bot as main.ts composes it (composeApp), with Socket Mode chosen by the configuration.
  const app = await composeApp(config, {
    env,
    logger,
    store,
    sweepIntervalMs: 0,
    syncro: { readRetryPolicy: rapidTestRetryPolicy },
    receiver: { socketPingTimeoutMs: PING_TIMEOUT_MS },
  });
  const port = await app.start();
  if (!port) throw new Error('the bot did not say which port its health server listens on');
  return { sim, slack, socket, app, bot: app.bot, store, port, logLines, dir };
}

async function closeSocketHarness(h: SocketHarness): Promise<void> {
  await h.app.stop(0);
  await h.store.close().catch(() => undefined);
  await h.socket.close();
  await h.slack.close();
  await h.sim.close();
  rmSync(h.dir, { recursive: true, force: true });
}

/** No signing: a Socket Mode payload is never signed (the WebSocket itself is authenticated). */
const unsigned = { url: 'unused', secret: 'unused' };

function command(h: SocketHarness, userId: string, text: string) {
  const responseUrl = h.slack.responseUrl('cmd');
  const payload = slashCommandBody({ ...unsigned, userId, text, responseUrl, channelId: 'C0TICKETS' });
  return { responseUrl, ack: h.socket.deliver('slash_commands', payload) };
}

function clickPayload(h: SocketHarness, userId: string, actionId: string, value: string) {
  const responseUrl = h.slack.responseUrl('click');
  return {
    responseUrl,
    payload: blockActionPayload({
      ...unsigned,
      userId,
      actionId,
      value,
      responseUrl,
      channelId: 'C0TICKETS',
    }),
  };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(url);
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

/** Polls /readyz until `match` holds (readiness follows socket events the bot sees a moment after the fake). */
async function readyzUntil(
  h: SocketHarness,
  match: (r: { status: number; body: Record<string, unknown> }) => boolean,
  timeoutMs = 5_000,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await getJson(`http://127.0.0.1:${h.port}/readyz`);
    if (match(r)) return r;
    if (Date.now() > deadline)
      throw new Error(`/readyz never matched; last: ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('Socket Mode through a loopback Slack', () => {
  let h: SocketHarness;
  beforeEach(async () => {
    h = await startSocketHarness();
  });
  afterEach(async () => {
    await closeSocketHarness(h);
  });

  it('should open the connection with the app token at SLACK_API_URL and be ready on HOST', async () => {
    const opens = h.slack.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]!.token).toBe(APP_TOKEN);
    expect(h.socket.connections).toBe(1);

    const health = await getJson(`http://127.0.0.1:${h.port}/healthz`);
    expect(health).toMatchObject({ status: 200, body: { ok: true, replica: 'socket-e2e' } });
    const ready = await getJson(`http://127.0.0.1:${h.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, checks: { store: { ok: true }, slack: { ok: true } } });

    // The app token is a secret like the others: not in any log line, even at debug level.
    expect(h.logLines.length).toBeGreaterThan(0);
    await command(h, USERS.howard, 'ticket 32164').ack;
    for (const line of h.logLines) {
      expect(line).not.toContain(FAKE_VERIFICATION_TOKEN);
      expect(line).not.toContain(APP_TOKEN);
      expect(line).not.toContain(BOT_TOKEN);
    }
  });

  it('should show a card for a command and post exactly once after Post, all over the socket', async () => {
    const cmd = command(h, USERS.howard, 'comment #32164 Replaced the router over Socket Mode');
    const ack = await cmd.ack;
    expect(ack.connection).toBe(1);
    const card = await h.slack.waitForResponse((r) => r.url === cmd.responseUrl);
    expect(textOf(card.body)).toContain('Howard Enos');
    expect(h.sim.writes()).toHaveLength(0);

    const value = buttonValue(card.body.blocks, ACTION.post);
    expect(value).toBeDefined();
    const click = clickPayload(h, USERS.howard, ACTION.post, value!);
    await h.socket.deliver('interactive', click.payload);
    const done = await h.slack.waitForResponse(
      (r) => r.url === click.responseUrl && /— posted$/.test(r.body.text ?? ''),
    );
    expect(textOf(done.body)).toMatch(/Posted\*? by <@U0HOWARD1>/);

    const writes = h.sim.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.apiKey).toBe(KEYS.howard);
    const action = await h.store.get((JSON.parse(value!) as { id: string }).id);
    expect(action?.state).toBe('succeeded');
    expect(writes[0]!.rawBody).toBe(JSON.stringify(action!.steps[0]!.body));
  });

  it('should write once when Slack delivers one click five times at once', async () => {
    const cmd = command(h, USERS.howard, 'comment 32164 Five deliveries, one comment');
    await cmd.ack;
    const card = await h.slack.waitForResponse((r) => r.url === cmd.responseUrl);
    const value = buttonValue(card.body.blocks, ACTION.post)!;
    const id = (JSON.parse(value) as { id: string }).id;
    // One click, five envelopes: the first delivery and four retries, all in flight together.
    const click = clickPayload(h, USERS.howard, ACTION.post, value);
    const acks = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        h.socket.deliver('interactive', click.payload, i === 0 ? {} : { retryAttempt: i }),
      ),
    );
    expect(new Set(acks.map((a) => a.envelopeId)).size).toBe(5);

    // The person sees the card posted at the click's response_url: the losing redeliveries are the same click,
    // so they spend none of its five uses on redraws or notes.
    await h.slack.waitForResponse((r) => r.url === click.responseUrl && /— posted$/.test(r.body.text ?? ''));
    // Once the row says succeeded no delivery can claim it again, so the count of writes is final.
    const action = await h.store.get(id);
    expect(action).toMatchObject({ state: 'succeeded', attempt: 1 });
    expect(h.sim.state.comments.filter((c) => c.body === 'Five deliveries, one comment')).toHaveLength(1);
    expect(h.sim.writes()).toHaveLength(1);
  });

  it('should answer a refused form in the ack payload, keeping the modal open', async () => {
    const submission = viewSubmissionPayload({
      ...unsigned,
      userId: USERS.howard,
      callbackId: VIEW.bill,
      privateMetadata: JSON.stringify({ number: '32164', channelId: 'C0TICKETS' }),
      values: billValues({ ...GOOD_BILL, minutes: '0' }),
    });
    const ack = await h.socket.deliver('interactive', submission);
    expect(ack.payload).toMatchObject({ response_action: 'errors' });
    expect(Object.keys((ack.payload?.errors ?? {}) as object)).toEqual(['syncro_minutes']);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('should reconnect through a new apps.connections.open when Slack says disconnect, and keep working', async () => {
    await h.socket.disconnect('refresh_requested');
    await h.socket.waitForConnection(2, { timeoutMs: 10_000 });
    expect(h.slack.callsTo('apps.connections.open')).toHaveLength(2);
    await readyzUntil(h, (r) => r.status === 200);

    const cmd = command(h, USERS.howard, 'comment 32164 After the reconnect');
    const ack = await cmd.ack;
    expect(ack.connection).toBe(2);
    const card = await h.slack.waitForResponse((r) => r.url === cmd.responseUrl);
    expect(buttonValue(card.body.blocks, ACTION.post)).toBeDefined();
  });

  it('should answer /readyz 503 with the reason while Slack refuses the socket, and 200 once it is back', async () => {
    h.socket.refuse(true);
    await h.socket.disconnect('link_disabled');
    const down = await readyzUntil(h, (r) => r.status === 503);
    expect(down.body.ready).toBe(false);
    expect(String(down.body.reason)).toMatch(/^slack: Socket Mode is not connected to Slack \(/);
    expect(down.body.checks).toMatchObject({ store: { ok: true }, slack: { ok: false } });
    // /healthz is liveness: the process is fine, only Slack is away.
    expect((await getJson(`http://127.0.0.1:${h.port}/healthz`)).status).toBe(200);

    // Still not ready after a reconnect attempt was refused.
    await h.socket.waitForRefusals(1, { timeoutMs: 10_000 });
    const stillDown = await readyzUntil(h, (r) => r.status === 503);
    expect(String(stillDown.body.reason)).toMatch(/Socket Mode is not connected/);

    h.socket.refuse(false);
    await h.socket.waitForConnection(2, { timeoutMs: 10_000 });
    const up = await readyzUntil(h, (r) => r.status === 200);
    expect(up.body).toMatchObject({ ready: true });
  });

  // token_revoked: the client keeps retrying; invalid_auth: it gives up (a rejection nobody awaited, which would
  // end the process). Either way the bot stays up, readiness says why, and the token is in no log line.
  it.each(['token_revoked', 'invalid_auth'])(
    'should stay up and say why when Slack refuses the app token while reconnecting (%s)',
    async (error) => {
      h.socket.revoke(error);
      await h.socket.disconnect('refresh_requested');
      await h.socket.waitForRefusedOpens(1, { timeoutMs: 10_000 });
      const down = await readyzUntil(
        h,
        (r) => r.status === 503 && String(r.body.reason).includes(error),
        10_000,
      );
      expect(String(down.body.reason)).toMatch(/Socket Mode is not connected to Slack .*SLACK_APP_TOKEN/);
      expect((await getJson(`http://127.0.0.1:${h.port}/healthz`)).status).toBe(200);
      expect(h.logLines.join('\n')).not.toContain(APP_TOKEN);
    },
  );

  it('should answer /readyz 503 naming the store when it does not answer', async () => {
    await h.store.close();
    const r = await getJson(`http://127.0.0.1:${h.port}/readyz`);
    expect(r.status).toBe(503);
    expect(String(r.body.reason)).toMatch(/^store: /);
    expect(r.body.checks).toMatchObject({ store: { ok: false }, slack: { ok: true } });
  });
});
