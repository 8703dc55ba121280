import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import {
  askBot,
  BOT_TOKEN,
  buttonValue,
  type Harness,
  KEYS,
  SECRET,
  startHarness,
  USERS,
} from './harness.js';

/**
 * No secret ever leaves the bot: not the Syncro keys, not the Slack bot token or signing secret, not the
 * `user_token` that Syncro's GET /me answers with. Checked over every log line and everything sent to Slack,
 * after failing exchanges (401, 5xx, a dropped connection, 422) and successful ones.
 */

describe('secrets', () => {
  let sim: FaultySimulator;
  let h: Harness;
  beforeEach(async () => {
    // Howard's key is unknown to this Syncro: his requests are answered 401.
    sim = await startFaultySimulator({
      keys: {
        [KEYS.mike]: { user_id: 1735, user_name: 'Michael Swanson' },
        [KEYS.rob]: { user_id: 1737, user_name: 'Winter' },
      },
    });
    h = await startHarness({ sim });
  });
  afterEach(async () => {
    await h.close();
    await sim.close();
  });

  /** The `user_token` Syncro's /me hands out for a key (the simulator gives each key one). */
  async function userToken(key: string): Promise<string> {
    const res = await request(`${sim.url}/me`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await res.body.json()) as { user_token?: string };
    if (!body.user_token) throw new Error('no user_token');
    return body.user_token;
  }

  /** Post the card at `responseUrl` and wait for it to settle in a final state. */
  async function postCard(userId: string, cardResponseUrl: string): Promise<string> {
    const card = await h.slack.waitForResponse((r) => r.url === cardResponseUrl);
    const value = buttonValue(card.body.blocks, ACTION.post);
    if (!value) throw new Error(`no Post button: ${card.body.text}`);
    const click = await h.click(userId, ACTION.post, value);
    const done = await h.slack.waitForResponse(
      (r) => r.url === click.responseUrl && /— (posted|not posted)$/.test(r.body.text ?? ''),
    );
    return done.body.text ?? '';
  }

  it('should keep every key, token and secret out of all log lines and everything sent to Slack, after failures and successes', async () => {
    const replies: string[] = [];
    const ask = async (userId: string, text: string) => {
      const r = await askBot(h, userId, text);
      replies.push(r.reply.text ?? '');
      return r;
    };

    // 401: a key Syncro does not know (read, and whoami, which reports the refusal).
    await ask(USERS.howard, 'ticket 32164');
    await ask(USERS.howard, 'whoami');
    // Successes with own keys, the shared key and a mismatched key.
    await ask(USERS.mike, '');
    await ask(USERS.mike, 'ticket 32164');
    await ask(USERS.mike, 'whoami');
    await ask(USERS.winter, 'whoami');
    await ask(USERS.rob, 'whoami');
    await ask(USERS.rob, 'comment 32164 refused for attribution');
    // 5xx on every try, and a dropped connection.
    sim.injectFault({ method: 'GET', path: '/tickets', mode: 'status_500', times: 3 });
    await ask(USERS.mike, 'search printer');
    sim.injectFault({ method: 'GET', path: '/customers', mode: 'reset', times: 3 });
    await ask(USERS.mike, 'customers dataforth');
    // A write that succeeds…
    const comment = await h.command(USERS.mike, 'comment 32164 All synced again');
    replies.push(await postCard(USERS.mike, comment.responseUrl));
    // …and one Syncro refuses with 422 (the status vanished from the account after the card was drawn).
    const update = await h.command(USERS.mike, 'update 32164 scheduled');
    await h.slack.waitForResponse((r) => r.url === update.responseUrl);
    sim.state.statuses.splice(sim.state.statuses.indexOf('Scheduled'), 1);
    replies.push(await postCard(USERS.mike, update.responseUrl));

    // The exchanges really happened as intended.
    expect(replies[0]).toMatch(/refused your API key/);
    expect(replies[2]).toMatch(/^Open tickets/);
    expect(replies[8]).toMatch(/try again later/);
    expect(replies[9]).toMatch(/try again later/);
    expect(replies[10]).toMatch(/posted$/);
    expect(replies[11]).toMatch(/not posted$/);
    const statuses = sim.requests.map((r) => `${r.method} ${r.path} ${r.apiKey === KEYS.howard ? 401 : ''}`);
    expect(statuses).toContain('GET /me 401');
    expect(h.logLines.join('\n')).toMatch(/"status":422/);
    expect(h.logLines.join('\n')).toMatch(/"status":500/);

    const secrets: Record<string, string> = {
      'Howard key': KEYS.howard,
      'Mike key (also the shared key)': KEYS.mike,
      'Rob key': KEYS.rob,
      'bot token': BOT_TOKEN,
      'signing secret': SECRET,
      'Mike /me user_token': await userToken(KEYS.mike),
      'Rob /me user_token': await userToken(KEYS.rob),
    };
    // Also the distinctive part of each Syncro key, so a half-masked key would be found too.
    for (const [name, key] of Object.entries(KEYS))
      secrets[`${name} key tail`] = key.replace(/^sk_live_/, '');

    expect(h.logLines.length).toBeGreaterThan(20);
    const sentToSlack = [
      ...h.slack.responses.map((r) => JSON.stringify(r.body)),
      // A Web API call's `token` argument is its authentication (WebClient sends it so for auth.test), not content.
      ...h.slack.calls.map(({ body: { token: _auth, ...args } }) => JSON.stringify(args)),
    ];
    expect(sentToSlack.length).toBeGreaterThanOrEqual(14);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(
        h.logLines.filter((l) => l.includes(secret)),
        `${name} in a log line`,
      ).toEqual([]);
      expect(
        sentToSlack.filter((b) => b.includes(secret)),
        `${name} in a message to Slack`,
      ).toEqual([]);
    }
    // The bot token travels only where Slack expects it: as the bearer token of Web API calls.
    expect(h.slack.calls.length).toBeGreaterThan(0);
    for (const c of h.slack.calls) expect(c.token).toBe(BOT_TOKEN);
  });
});
