import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import { buttonValue, type Harness, latestAction, startHarness, USERS } from './harness.js';

describe('when a read Syncro normally answers is not available', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function cardFor(text: string) {
    const cmd = await h.command(USERS.howard, text);
    const card = await h.slack.waitForResponse((r) => r.url === cmd.responseUrl);
    return buttonValue(card.body.blocks, ACTION.post)!;
  }

  it('should still post once when Syncro cannot be read just before the write', async () => {
    const value = await cardFor('comment 32164 Swapped the switch');
    h.sim.injectFault({ method: 'GET', path: /^\/tickets\/\d+$/, mode: 'status_503', times: 10 });
    await h.click(USERS.howard, ACTION.post, value);
    await h.slack.waitFor((events) =>
      events.some((e) => e.kind === 'response' && /posted/i.test(e.response.body.text ?? '')),
    );
    expect(h.sim.requests.some((r) => r.method === 'GET' && /^\/tickets\/\d+$/.test(r.path))).toBe(true);
    expect(h.sim.writes()).toHaveLength(1);
    expect((await latestAction(h)).state).toBe('succeeded');
  });

  it('should use the standard statuses when the account settings cannot be read, and Syncro still validates', async () => {
    h.sim.injectFault({ method: 'GET', path: '/tickets/settings', mode: 'status_404', times: 5 });
    const value = await cardFor('update 32164 waiting on customer');
    expect(h.sim.requests.some((r) => r.path === '/tickets/settings')).toBe(true);
    await h.click(USERS.howard, ACTION.post, value);
    await h.slack.waitFor((events) =>
      events.some((e) => e.kind === 'response' && /posted/i.test(e.response.body.text ?? '')),
    );
    expect(h.sim.writes().map((w) => w.body)).toEqual([{ status: 'Waiting on Customer' }]);
  });
});
