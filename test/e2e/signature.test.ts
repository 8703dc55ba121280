import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  blockAction,
  postSigned,
  signSlackRequest,
  slashCommand,
  slashCommandBody,
} from '../../src/playground/slack/signer.js';
import { ACTION } from '../../src/slack/action-ids.js';
import { askBot, type Harness, SECRET, startHarness, USERS } from './harness.js';

/**
 * Bolt's HTTP receiver verifies Slack's request signature: a request that is not signed with the signing secret,
 * or signed too long ago (a replay), is answered 401 and never reaches a listener.
 */

describe('request signatures', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /**
   * Nothing happened for the refused request: a signed `help` sent afterwards (it asks Syncro nothing) is the
   * only thing that reaches Slack, and Syncro was never asked anything.
   */
  async function expectNothingHappened(): Promise<void> {
    const after = await askBot(h, USERS.howard, 'help');
    expect(after.status).toBe(200);
    expect(h.slack.responses.map((r) => r.url)).toEqual([after.responseUrl]);
    // (auth.test is Bolt's own start-up call.)
    expect(h.slack.calls.map((c) => c.method)).toEqual(['auth.test']);
    expect(h.sim.requests).toHaveLength(0);
    expect(await h.actions()).toHaveLength(0);
  }

  function commandOptions(text: string) {
    return {
      url: h.eventsUrl,
      secret: SECRET,
      userId: USERS.howard,
      text,
      responseUrl: h.slack.responseUrl('refused'),
      channelId: 'C0TICKETS',
    };
  }

  it('should answer 401 and do nothing when the command is signed with another secret', async () => {
    const res = await slashCommand({ ...commandOptions('ticket 32164'), secret: 'not-the-signing-secret' });
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('should answer 401 and do nothing when the signature header is not a valid signature', async () => {
    const res = await slashCommand({ ...commandOptions('ticket 32164'), signature: `v0=${'0'.repeat(64)}` });
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('should answer 401 and do nothing when the body was changed after signing', async () => {
    const signedFor = new URLSearchParams(slashCommandBody(commandOptions('help'))).toString();
    const sent = new URLSearchParams(slashCommandBody(commandOptions('comment 32164 injected'))).toString();
    const ts = Math.floor(Date.now() / 1000);
    const good = signSlackRequest(SECRET, signedFor, ts);
    const res = await postSigned(
      { url: h.eventsUrl, secret: SECRET, timestampSec: ts, signature: good['x-slack-signature'] },
      sent,
    );
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('should answer 401 and do nothing when the request carries no signature headers', async () => {
    const body = new URLSearchParams(slashCommandBody(commandOptions('ticket 32164'))).toString();
    const res = await request(h.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    await res.body.text();
    expect(res.statusCode).toBe(401);
    await expectNothingHappened();
  });

  it('should answer 401 and do nothing when the timestamp is more than 5 minutes old', async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await slashCommand({ ...commandOptions('ticket 32164'), timestampSec: sixMinutesAgo });
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('should accept a correctly signed command whose timestamp is a little under 5 minutes old', async () => {
    const fourMinutesAgo = Math.floor(Date.now() / 1000) - 4 * 60;
    const opts = commandOptions('search printer');
    const res = await slashCommand({ ...opts, timestampSec: fourMinutesAgo });
    expect(res.status).toBe(200);
    const reply = await h.slack.waitForResponse((r) => r.url === opts.responseUrl);
    expect(reply.body.text).toMatch(/printer/);
  });

  it('should answer 401 and do nothing when a button click is signed with another secret', async () => {
    const res = await blockAction({
      url: h.eventsUrl,
      secret: 'not-the-signing-secret',
      userId: USERS.howard,
      actionId: ACTION.page,
      value: JSON.stringify({ kind: 'summary', page: 1 }),
      responseUrl: h.slack.responseUrl('refused-click'),
    });
    expect(res.status).toBe(401);
    await expectNothingHappened();
  });

  it('should answer GET /healthz with 200 without any signature', async () => {
    const res = await request(h.eventsUrl.replace('/slack/events', '/healthz'));
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ ok: true, sandbox: false });
  });
});
