import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import {
  askBot,
  BASE_YAML,
  buttonValue,
  type Harness,
  KEYS,
  mrkdwnTexts,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * Who acts in Syncro for a Slack user: their own key (checked against GET /me), the shared key for reads, the
 * shared-key write policy, and people the bot does not know.
 */

const WARN_YAML = BASE_YAML.replace('shared_key_writes: deny', 'shared_key_writes: warn');

/** Every response_url post and Web API call body the fake saw, as one string. */
function everythingSentToSlack(h: Harness): string {
  return JSON.stringify([h.slack.responses.map((r) => r.body), h.slack.calls.map((c) => c.body)]);
}

describe('identity', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('should explain how to be added, asking Syncro nothing with any key, when the Slack user is not mapped', async () => {
    h = await startHarness();
    for (const text of ['', 'ticket 32164', 'search printer', 'comment 32164 hello']) {
      const { reply } = await askBot(h, USERS.outsider, text);
      expect(reply.response_type).toBe('ephemeral');
      const all = mrkdwnTexts(reply).join('\n');
      expect(all).toMatch(/not set up to use Syncro from Slack/);
      // A technician is told to ask their admin, with their Slack user id; the bot's YAML is not for them.
      expect(all).toMatch(/Ask your admin/);
      expect(all).toContain(`\`${USERS.outsider}\``);
      expect(all).not.toMatch(/syncro-bot\.yml|api_key|users:/);
    }
    // whoami says the same in its own words.
    const who = mrkdwnTexts((await askBot(h, USERS.outsider, 'whoami')).reply).join('\n');
    expect(who).toMatch(/not set up to use Syncro from Slack/);
    expect(who).toContain(`add your Slack user id (${USERS.outsider})`);
    expect(who).toMatch(/Ask your admin/);
    expect(who).not.toMatch(/api_key|users:|syncro_user_id/);
    expect(h.sim.requests).toHaveLength(0);
    expect(await h.actions()).toHaveLength(0);
  });

  it('should show the YAML to add only to an admin (a configured approver) who is not set up', async () => {
    h = await startHarness({
      yaml: `${BASE_YAML}billing:\n  approval: { approvers: [${USERS.outsider}] }\n`,
    });
    // The snippet for the admin carries the person's name from Slack (users.info).
    h.slack.setUser(USERS.outsider, { realName: 'Dana Okafor' });
    const named = mrkdwnTexts((await askBot(h, USERS.outsider, 'ticket 32164')).reply).join('\n');
    expect(named).toMatch(/Admin → API Tokens/);
    expect(named).toContain(`your Slack user id is \`${USERS.outsider}\``);
    expect(named).toMatch(/syncro-bot\.yml/);
    expect(named).toContain('name: Dana Okafor');
    expect(named).toContain('SYNCRO_KEY_DANA');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('should read with the shared key when a mapped user has no key of their own', async () => {
    h = await startHarness();
    const { reply } = await askBot(h, USERS.winter, 'ticket 32164');
    expect(reply.text).toMatch(/^#32164 New: Own cloud thing again/);
    const list = await askBot(h, USERS.winter, '');
    expect(list.reply.text).toMatch(/^Open tickets/);
    expect(h.sim.requests.length).toBeGreaterThan(0);
    expect(new Set(h.sim.requests.map((r) => r.apiKey))).toEqual(new Set([KEYS.mike]));
  });

  it('should say in whoami that the shared key is used, whose it is, and that writes are off, for a user without a key', async () => {
    h = await startHarness();
    const { reply } = await askBot(h, USERS.winter, 'whoami');
    const all = mrkdwnTexts(reply).join('\n');
    expect(all).toContain('*Name*\nWinter');
    expect(all).toContain('the *shared* key');
    expect(all).toContain('env:SYNCRO_SHARED_KEY');
    expect(all).toMatch(/key belongs to \*Michael Swanson\* \(Syncro user 1735\)/);
    expect(all).toMatch(/cannot post to Syncro.*shared_key_writes: deny/);
    expect(JSON.stringify(reply)).not.toContain(KEYS.mike);
  });

  it('should let a user whose key belongs to someone else in Syncro read, with that key', async () => {
    h = await startHarness();
    const { reply } = await askBot(h, USERS.rob, 'ticket 32164');
    expect(reply.text).toMatch(/^#32164 New: Own cloud thing again/);
    expect(new Set(h.sim.requests.map((r) => r.apiKey))).toEqual(new Set([KEYS.rob]));
  });

  it('should refuse a write, showing no card and writing nothing, when the key belongs to another person', async () => {
    h = await startHarness();
    const { reply } = await askBot(h, USERS.rob, 'comment 32164 hi');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/this key belongs to Winter \(user 1737\), not to Rob \(1760\)/);
    expect(reply.text).toMatch(/writes are refused because attribution would be wrong/);
    expect(buttonValue(reply.blocks, ACTION.post)).toBeUndefined();
    expect(everythingSentToSlack(h)).not.toContain(ACTION.post);
    expect(h.sim.writes()).toHaveLength(0);
    expect(await h.actions()).toHaveLength(0);
  });

  it('should warn in whoami that Syncro names another person for the key when the key is mismatched', async () => {
    h = await startHarness();
    const { reply } = await askBot(h, USERS.rob, 'whoami');
    const all = mrkdwnTexts(reply).join('\n');
    expect(all).toContain('env:SYNCRO_KEY_ROB');
    expect(all).toMatch(/key belongs to \*Winter\* \(Syncro user 1737\), not to Syncro user 1760/);
    expect(all).toMatch(/cannot post to Syncro/);
  });

  it('should refuse a write with the shared key, showing no card, when shared_key_writes is deny', async () => {
    h = await startHarness();
    const { reply } = await askBot(h, USERS.winter, 'comment 32164 hi');
    expect(reply.text).toMatch(/Winter has no personal Syncro API key/);
    expect(reply.text).toMatch(/shared_key_writes: deny/);
    expect(reply.text).toMatch(/API Tokens/);
    expect(everythingSentToSlack(h)).not.toContain(ACTION.post);
    expect(h.sim.writes()).toHaveLength(0);
    expect(await h.actions()).toHaveLength(0);
  });

  it('should say on the card, in words, that the SHARED key and its owner’s name will be used when shared_key_writes is warn', async () => {
    h = await startHarness({ yaml: WARN_YAML });
    const { reply } = await askBot(h, USERS.winter, 'comment 32164 Checked the sync client');
    const all = mrkdwnTexts(reply).join('\n');
    expect(all).toMatch(/SHARED\*? key/);
    expect(all).toMatch(/posted as \*Michael Swanson\*/);
    expect(all).toMatch(/carry \*Michael Swanson\*'s name, not yours/);
    const post = buttonValue(reply.blocks, ACTION.post);
    expect(post).toBeDefined();
    expect(h.sim.writes()).toHaveLength(0);

    // Pressing Post sends it with the shared key, under the name the card gave.
    const click = await h.click(USERS.winter, ACTION.post, post!);
    await h.slack.waitForResponse((r) => r.url === click.responseUrl && /posted/i.test(r.body.text ?? ''));
    const writes = h.sim.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.apiKey).toBe(KEYS.mike);
    const ticket = h.sim.state.ticketByNumber(32164)!;
    expect(h.sim.state.commentsOf(ticket.id)[0]).toMatchObject({
      body: 'Checked the sync client',
      user_id: 1735,
    });
  });

  it('should say in whoami, with warn, that writes go out under the shared key owner’s name', async () => {
    h = await startHarness({ yaml: WARN_YAML });
    const { reply } = await askBot(h, USERS.winter, 'whoami');
    const all = mrkdwnTexts(reply).join('\n');
    expect(all).toMatch(/You can post/);
    expect(all).toMatch(
      /your writes use the shared key and Syncro will record them under Michael Swanson \(user 1735\)/,
    );
  });

  it('should check a key with GET /me once and reuse the answer for later commands', async () => {
    h = await startHarness();
    await askBot(h, USERS.howard, 'ticket 32164');
    await askBot(h, USERS.howard, 'search printer');
    await askBot(h, USERS.howard, 'whoami');
    expect(h.sim.requests.filter((r) => r.path === '/me')).toHaveLength(1);
    expect(textOf(h.slack.responses.at(-1)?.body)).toMatch(/Howard Enos/);
  });
});
