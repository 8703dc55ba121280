import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_CHANNEL } from '../../src/playground/start.js';
import { type RunningPlayground, startPlaygroundBot } from './start-bot.js';

/**
 * The playground with the simulator: #tickets starts subscribed, and the Simulate menu changes Syncro and rings
 * the bot's webhook as Syncro's Notification Center would; the ticket's thread then appears in #tickets.
 */

let pg: RunningPlayground;
beforeAll(async () => {
  pg = await startPlaygroundBot();
});
afterAll(async () => {
  await pg?.close();
});

async function op(name: string, body: Record<string, unknown>) {
  const res = await fetch(`${pg.url}playground/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-playground': '1' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { ok: boolean; error?: string; result?: { said?: string } };
}

describe('playground notifications', () => {
  it('starts with #tickets subscribed, and Simulate → webhook → a thread in #tickets', async () => {
    const n = pg.app.notifier!;
    expect(n).toBeDefined();
    const subs = await pg.app.store.notifications.subscriptions(PLAYGROUND_CHANNEL.id);
    expect(subs.map((s) => s.scope)).toEqual(['all']);
    expect((await n.feed.poll()).firstRun).toBe(true);

    const state = (await (await fetch(`${pg.url}playground/api/state`)).json()) as {
      people: Array<{ slackId: string; setUp: boolean }>;
      canSimulate: boolean;
    };
    expect(state.canSimulate).toBe(true);
    const tech = state.people.find((p) => p.setUp)!;
    const r = await op('simulate', { user: tech.slackId, what: 'new' });
    expect(r.ok).toBe(true);
    // The webhook rang: the bell is in the store (any replica's holder reads it).
    const bells = await pg.app.store.notifications.takeBells(Date.now() + 60_000, 0);
    expect(bells).toHaveLength(1);
    await n.feed.readTickets(bells);
    await n.publisher.publishDue();
    const posted = pg.playground.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.body.channel === PLAYGROUND_CHANNEL.id);
    expect(posted).toHaveLength(2); // the ticket's parent message and "New ticket" in its thread
    expect(JSON.stringify(posted[0]!.body.blocks)).toContain('Outlook keeps asking for the password');
    expect(posted[1]!.body.thread_ts).toBeDefined();
  });
});
