import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import { buttonValue, type Harness, KEYS, startHarness, textOf, USERS } from './harness.js';

describe('comment: confirm before write, exactly once', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('should show a card and post only after Post, with the card payload and the requester key', async () => {
    const res = await h.command(USERS.howard, 'comment #32164 Replaced the <b>router</b> & rebooted');
    expect(res.status).toBe(200);
    const card = await h.slack.waitForResponse((r) => r.url === res.responseUrl);
    const text = textOf(card.body);
    expect(text).toContain('Howard Enos');
    expect(h.sim.writes()).toHaveLength(0);

    const value = buttonValue(card.body.blocks, ACTION.post);
    expect(value).toBeDefined();
    const click = await h.click(USERS.howard, ACTION.post, value!);
    expect(click.status).toBe(200);
    const done = await h.slack.waitForResponse(
      (r) => r.url === click.responseUrl && /posted/i.test(r.body.text ?? ''),
    );
    expect(textOf(done.body)).toMatch(/Posted\*? by <@U0HOWARD1>/);

    const writes = h.sim.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.apiKey).toBe(KEYS.howard);
    const [action] = await h.actions();
    expect(writes[0]!.rawBody).toBe(JSON.stringify(action!.steps[0]!.body));
    expect(action!.state).toBe('succeeded');
  });
});
