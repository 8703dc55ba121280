import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import { BASE_YAML, buttonValue, type Harness, KEYS, startHarness, textOf, USERS } from './harness.js';

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

describe('result line in the channel', () => {
  it('should post a one-line result where the person asked when configured, and only after the write', async () => {
    const h = await startHarness({ yaml: `${BASE_YAML}\ncards: { post_results_to_channel: true }\n` });
    try {
      const res = await h.command(USERS.howard, 'comment 32164 Printer back online', {
        channelId: 'C0HELPDESK',
      });
      const card = await h.slack.waitForResponse((r) => r.url === res.responseUrl);
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
      await h.click(USERS.howard, ACTION.post, buttonValue(card.body.blocks, ACTION.post)!);
      const line = await h.slack.waitForCall('chat.postMessage');
      expect(line.body.channel).toBe('C0HELPDESK');
      expect(String(line.body.text)).toMatch(/^✅ <@U0HOWARD1>: /);
      expect(h.sim.writes()).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});
