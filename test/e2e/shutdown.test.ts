import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import { buttonValue, type Harness, latestAction, startHarness, USERS } from './harness.js';

describe('shutdown while a write is in flight', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ timeoutMs: 10_000 });
  });
  afterEach(async () => {
    h.sim.releaseHangs();
    await h.close();
  });

  it('should let the write finish and record it before stopping', async () => {
    const cmd = await h.command(USERS.howard, 'comment 32164 Deploy tonight');
    const card = await h.slack.waitForResponse((r) => r.url === cmd.responseUrl);
    h.sim.injectFault({ method: 'POST', path: /\/comment$/, mode: 'hang', when: 'after_commit' });
    const click = h.click(USERS.howard, ACTION.post, buttonValue(card.body.blocks, ACTION.post)!);
    await h.sim.waitForRequests(1, (r) => r.method === 'POST' && r.path.endsWith('/comment'));

    let stopped = false;
    const stopping = h.bot.stop(10_000).then(() => {
      stopped = true;
    });
    // Stopping waits for the write in flight: it has not returned after several turns of the event loop.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    // Syncro finally answers (the connection drops after the comment was stored): the action is reconciled and
    // recorded before stop() returns, so the process may exit right after it.
    h.sim.releaseHangs();
    await stopping;
    expect((await latestAction(h)).state).toBe('succeeded');
    await click;
    expect(h.sim.writes()).toHaveLength(1);
  });
});
