import { afterEach, describe, expect, it } from 'vitest';
import { BASE_YAML, e2eSecrets, type Harness, mrkdwnTexts, startHarness, USERS } from './harness.js';

/**
 * `/syncro doctor` through the real bot: an admin (a billing approver) gets the same checklist as
 * `npm run doctor`, privately; anyone else a friendly refusal, and nothing is read.
 */

const YAML = `${BASE_YAML}billing:\n  approval:\n    approvers: [${USERS.mike}]\n`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('/syncro doctor', () => {
  it('should give an approver the checklist, naming the key that answers as someone else and the fix', async () => {
    h = await startHarness({ yaml: YAML });
    const res = await h.command(USERS.mike, 'doctor');
    expect(res.status).toBe(200);
    const [wait, done] = await Promise.all([
      h.slack.waitForResponse((r) => r.url === res.responseUrl),
      h.slack.waitForResponse((r) => r.url === res.responseUrl, { nth: 2 }),
    ]);
    expect(mrkdwnTexts(wait.body).join('\n')).toContain('Checking the configuration');
    const text = mrkdwnTexts(done.body).join('\n');
    expect(done.body).toMatchObject({ response_type: 'ephemeral' });
    expect(text).toContain('✅ auth.test: @syncro (UBOT) in MSP Test (T1)');
    // Rob's key belongs to Winter in the simulator: the doctor says whose it is, and what to do.
    expect(text).toContain(
      "❌ Rob's key (env:SYNCRO_KEY_ROB): answers as Winter (Syncro user 1737), who is U0WINTER1 (Winter) in the configuration, not as Rob (Syncro user 1760)",
    );
    expect(text).toContain('→ _fix:_ give Rob their own key');
    expect(text).toMatch(/✅ Remote \(remote\) → product 1190473: "Labor - Remote Business"/);
    expect(text).toContain('1 problem to fix');
    // Read-only, under the budget.
    expect(h.sim.writes()).toHaveLength(0);
    const all = JSON.stringify([wait.body, done.body]);
    for (const secret of Object.values(e2eSecrets())) expect(all).not.toContain(secret);
  });

  it('should check every channel of /syncro subscribe, which lives in the store', async () => {
    h = await startHarness({ yaml: `${YAML}notifications:\n  poll_seconds: 60\n` });
    h.slack.setChannel('C0NOBOT01', { name: 'escalations', isPrivate: false, isMember: false });
    const sub = await h.command(USERS.howard, 'subscribe all', { channelId: 'C0NOBOT01' });
    await h.slack.waitForResponse((r) => r.url === sub.responseUrl);
    const res = await h.command(USERS.mike, 'doctor');
    const done = await h.slack.waitForResponse((r) => r.url === res.responseUrl, { nth: 2 });
    expect(mrkdwnTexts(done.body).join('\n')).toContain(
      '❌ channel #escalations (C0NOBOT01): the bot is not a member (/syncro subscribe)',
    );
  });

  it('should run one at a time: a second run while one runs is told so', async () => {
    h = await startHarness({ yaml: YAML, timeoutMs: 60_000 });
    h.sim.injectFault({ method: 'GET', path: '/me', mode: 'hang', times: 50 });
    try {
      const first = await h.command(USERS.mike, 'doctor');
      await h.slack.waitForResponse((r) => r.url === first.responseUrl);
      // The first run is reading Syncro (its GET /me held).
      await h.sim.waitForRequests(1, (r) => r.path === '/me');
      const second = await h.command(USERS.mike, 'doctor');
      const busy = await h.slack.waitForResponse((r) => r.url === second.responseUrl);
      expect(mrkdwnTexts(busy.body).join('\n')).toContain('already checking the configuration');
    } finally {
      h.sim.releaseHangs();
    }
  });

  it('should refuse someone who is not an admin, reading nothing', async () => {
    h = await startHarness({ yaml: YAML });
    const before = h.sim.requests.length;
    const res = await h.command(USERS.howard, 'doctor');
    const reply = await h.slack.waitForResponse((r) => r.url === res.responseUrl);
    expect(mrkdwnTexts(reply.body).join('\n')).toContain('is for the bot’s admins');
    expect(h.sim.requests.length).toBe(before);
    expect(h.slack.callsTo('auth.test').length).toBeLessThanOrEqual(1);
  });
});
