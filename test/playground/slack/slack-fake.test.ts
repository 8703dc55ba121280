import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, verifySlackRequest, webApi } from '@slack/bolt';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  RESPONSE_URL_MAX_USES,
  type SlackFake,
  startSlackFake,
} from '../../../src/playground/slack/server.js';
import {
  blockAction,
  blockSuggestion,
  signSlackRequest,
  slashCommand,
  viewSubmission,
} from '../../../src/playground/slack/signer.js';
import { ACTION, COMMAND, OPTIONS, VIEW } from '../../../src/slack/action-ids.js';

const SECRET = 'test-signing-secret';

function postJson(url: string, body: unknown) {
  return request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('signSlackRequest', () => {
  it('produces headers that Bolt verifySlackRequest accepts', () => {
    const body = 'command=%2Fsyncro&text=ticket+1234';
    const headers = signSlackRequest(SECRET, body);
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body,
        headers: {
          'x-slack-signature': headers['x-slack-signature'],
          'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
        },
      }),
    ).not.toThrow();
  });

  it('matches an independently computed v0 HMAC and binds secret, body and timestamp', () => {
    const ts = 1_700_000_123;
    const body = 'payload=%7B%7D';
    const expected = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const headers = signSlackRequest(SECRET, body, ts);
    expect(headers).toEqual({ 'x-slack-signature': expected, 'x-slack-request-timestamp': String(ts) });

    const verify = (secret: string, b: string, h = headers) =>
      verifySlackRequest({
        signingSecret: secret,
        body: b,
        nowMilliseconds: ts * 1000,
        headers: {
          'x-slack-signature': h['x-slack-signature'],
          'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']),
        },
      });
    expect(() => verify(SECRET, body)).not.toThrow();
    expect(() => verify('other-secret', body)).toThrow(/signature mismatch/);
    expect(() => verify(SECRET, `${body}x`)).toThrow(/signature mismatch/);
    expect(() => verify(SECRET, body, signSlackRequest(SECRET, body, ts - 600))).toThrow(/stale/);
  });
});

describe('startSlackFake', () => {
  let fake: SlackFake;
  beforeAll(async () => {
    fake = await startSlackFake();
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await fake.close();
  });

  it('records Web API calls made through WebClient with slackApiUrl and answers realistically', async () => {
    expect(fake.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const client = new webApi.WebClient('xoxb-test-token', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Bill 1.5h*' } }];
    const first = await client.chat.postMessage({ channel: 'C0BILLING', text: 'Billing card', blocks });
    const second = await client.chat.postMessage({ channel: 'U0TECH1', text: 'DM' });

    expect(first.ok).toBe(true);
    expect(first.channel).toBe('C0BILLING');
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(second.channel).toBe('D0TECH1');

    // Already arrived before the wait: resolves from the record.
    const call = await fake.waitForCall('chat.postMessage');
    expect(call.token).toBe('xoxb-test-token');
    expect(call.body.channel).toBe('C0BILLING');
    expect(call.body.blocks).toEqual(blocks);
    const secondCall = await fake.waitForCall('chat.postMessage', undefined, { nth: 2 });
    expect(secondCall.body.text).toBe('DM');

    // Not yet arrived: resolves when it does.
    const pending = fake.waitForCall('chat.update', (c) => c.body.ts === first.ts);
    const updated = await client.chat.update({ channel: 'C0BILLING', ts: first.ts!, text: 'Posted' });
    expect(updated).toMatchObject({ ok: true, channel: 'C0BILLING', ts: first.ts });
    expect((await pending).body.text).toBe('Posted');

    const view = await client.views.open({
      trigger_id: '1.2.3',
      view: {
        type: 'modal',
        callback_id: VIEW.comment,
        title: { type: 'plain_text', text: 'Comment' },
        blocks: [],
      },
    });
    expect(view.view?.id).toMatch(/^V/);
    expect(view.view?.callback_id).toBe(VIEW.comment);

    fake.setUser('U0TECH1', { realName: 'Tess Tech', displayName: 'tess' });
    const info = await client.users.info({ user: 'U0TECH1' });
    expect(info.user?.profile?.display_name).toBe('tess');
    expect(info.user?.real_name).toBe('Tess Tech');

    expect(fake.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'chat.postMessage',
      'chat.update',
      'views.open',
      'users.info',
    ]);
  });

  it('answers like Slack for what the doctor reads: scopes, channel membership, missing users', async () => {
    const client = new webApi.WebClient('xoxb-t', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
    const auth = await client.auth.test();
    expect(auth.response_metadata?.scopes).toContain('chat:write');
    fake.setScopes(['commands']);
    expect((await client.auth.test()).response_metadata?.scopes).toEqual(['commands']);

    fake.setChannel('C0PUBLIC1', { name: 'help', isMember: false });
    const pub = await client.conversations.info({ channel: 'C0PUBLIC1' });
    expect(pub.channel).toMatchObject({ name: 'help', is_member: false, is_private: false });
    fake.setChannel('G0PRIV001', { isPrivate: true, isMember: false });
    await expect(client.conversations.info({ channel: 'G0PRIV001' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });

    fake.removeUser('U0GONE001');
    await expect(client.users.info({ user: 'U0GONE001' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    fake.setUser('U0LEFT001', { deleted: true });
    expect((await client.users.info({ user: 'U0LEFT001' })).user?.deleted).toBe(true);
  });

  it('lets a test override an answer', async () => {
    fake.respondWith('chat.postMessage', () => ({ body: { ok: false, error: 'channel_not_found' } }));
    const client = new webApi.WebClient('xoxb-t', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toThrow(
      /channel_not_found/,
    );
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('records response_url posts and enforces the 5-use limit', async () => {
    const url = fake.responseUrl('card');
    expect(url.startsWith(`${fake.baseUrl}/response/`)).toBe(true);
    expect(fake.responseUrl('card')).not.toBe(url);

    const statuses: number[] = [];
    for (let i = 1; i <= RESPONSE_URL_MAX_USES + 1; i++) {
      const res = await postJson(url, { text: `update ${i}`, replace_original: true });
      await res.body.text();
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(fake.responseUrlUses(url)).toBe(6);

    const third = await fake.waitForResponse((r) => r.url === url, { nth: 3 });
    expect(third).toMatchObject({
      use: 3,
      accepted: true,
      body: { text: 'update 3', replace_original: true },
    });
    const sixth = await fake.waitForResponse((r) => r.use === 6);
    expect(sixth).toMatchObject({ accepted: false, status: 404, result: 'used_url' });

    const other = fake.responseUrl();
    const pending = fake.waitForResponse((r) => r.url === other);
    const res = await postJson(other, { delete_original: true });
    expect(await res.body.json()).toEqual({ ok: true });
    expect((await pending).body.delete_original).toBe(true);

    const empty = await postJson(fake.responseUrl(), { replace_original: true });
    expect(empty.statusCode).toBe(400);
    expect(await empty.body.json()).toEqual({ ok: false, error: 'no_text' });

    const expiring = fake.responseUrl();
    fake.expireResponseUrl(expiring);
    const late = await postJson(expiring, { text: 'too late' });
    expect(late.statusCode).toBe(404);
    expect(await late.body.json()).toEqual({ ok: false, error: 'expired_url' });
  });

  it('waitFor times out with a description of what was recorded', async () => {
    await expect(fake.waitForCall('views.push', undefined, { timeoutMs: 50 })).rejects.toThrow(
      /views\.push.*recorded: \(nothing\)/,
    );
  });
});

describe('signed requests against a real Bolt HTTP receiver', () => {
  let fake: SlackFake;
  let app: App;
  let url: string;
  const seen: Record<string, (v: unknown) => void> = {};
  const next = (key: string) => new Promise<unknown>((resolve) => (seen[key] = resolve));

  beforeAll(async () => {
    fake = await startSlackFake();
    app = new App({
      signingSecret: SECRET,
      token: 'xoxb-bolt',
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command(COMMAND, async ({ ack, command, respond }) => {
      await ack();
      await respond({ text: `got ${command.text}`, response_type: 'ephemeral' });
      seen.command?.(command);
    });
    app.action(ACTION.post, async ({ ack, body, action }) => {
      await ack();
      seen.action?.({ body, action });
    });
    app.action(ACTION.editPrefix + 'priority', async ({ ack, action }) => {
      await ack();
      seen.select?.(action);
    });
    app.view(VIEW.comment, async ({ ack, view }) => {
      await ack({ response_action: 'errors', errors: { comment: 'too short' } });
      seen.view?.(view);
    });
    app.options(OPTIONS.customerSearch, async ({ ack, options }) => {
      await ack({
        options: [{ text: { type: 'plain_text', text: `Acme (${options.value})` }, value: '42' }],
      });
    });
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('routes a slash command, and respond() reaches the fake response_url', async () => {
    const responseUrl = fake.responseUrl('cmd');
    const got = next('command');
    const res = await slashCommand({
      url,
      secret: SECRET,
      userId: 'U0TECH1',
      text: 'ticket 1234',
      responseUrl,
    });
    expect(res.status).toBe(200);
    expect(await got).toMatchObject({ command: COMMAND, text: 'ticket 1234', user_id: 'U0TECH1' });
    const posted = await fake.waitForResponse((r) => r.url === responseUrl);
    expect(posted.body).toMatchObject({ text: 'got ticket 1234', response_type: 'ephemeral' });
    // Bolt verified its token with auth.test through the fake.
    expect((await fake.waitForCall('auth.test')).token).toBe('xoxb-bolt');
  });

  it('rejects a bad signature', async () => {
    const res = await slashCommand({
      url,
      secret: 'wrong',
      userId: 'U0TECH1',
      text: 'x',
      responseUrl: fake.responseUrl(),
    });
    expect(res.status).toBe(401);
  });

  it('routes block_actions (button and select) with realistic payloads', async () => {
    const got = next('action');
    const responseUrl = fake.responseUrl();
    const res = await blockAction({
      url,
      secret: SECRET,
      userId: 'U0TECH1',
      actionId: ACTION.post,
      value: '{"id":"a1","attempt":1}',
      responseUrl,
      container: 'message',
      channelId: 'C0BILLING',
      messageTs: '1700000000.000100',
    });
    expect(res.status).toBe(200);
    const { body, action } = (await got) as {
      body: Record<string, unknown>;
      action: Record<string, unknown>;
    };
    expect(action).toMatchObject({
      action_id: ACTION.post,
      value: '{"id":"a1","attempt":1}',
      type: 'button',
    });
    expect(body).toMatchObject({
      type: 'block_actions',
      response_url: responseUrl,
      container: { channel_id: 'C0BILLING', message_ts: '1700000000.000100', is_ephemeral: false },
      message: { ts: '1700000000.000100' },
      user: { id: 'U0TECH1' },
    });

    const sel = next('select');
    await blockAction({
      url,
      secret: SECRET,
      userId: 'U0TECH1',
      actionId: `${ACTION.editPrefix}priority`,
      selectedOption: { value: 'High' },
      responseUrl: fake.responseUrl(),
    });
    expect(await sel).toMatchObject({ type: 'static_select', selected_option: { value: 'High' } });
  });

  it('routes view_submission and returns the ack body', async () => {
    const got = next('view');
    const res = await viewSubmission({
      url,
      secret: SECRET,
      userId: 'U0TECH1',
      callbackId: VIEW.comment,
      privateMetadata: '{"ticket":1234}',
      values: { comment: { comment: { type: 'plain_text_input', value: 'hi' } } },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ response_action: 'errors', errors: { comment: 'too short' } });
    expect(await got).toMatchObject({ private_metadata: '{"ticket":1234}', callback_id: VIEW.comment });
  });

  it('routes block_suggestion and returns the options', async () => {
    const res = await blockSuggestion({
      url,
      secret: SECRET,
      userId: 'U0TECH1',
      actionId: OPTIONS.customerSearch,
      value: 'acm',
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      options: [{ text: { type: 'plain_text', text: 'Acme (acm)' }, value: '42' }],
    });
  });
});
