import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_CHANNEL } from '../../src/playground/start.js';
import { type RunningPlayground, startPlaygroundBot } from './start-bot.js';

/**
 * The playground sends what a person types as Slack does: command text after the command's name with its line
 * breaks, and `&`, `<`, `>` escaped. So a formatted, multi-line comment reaches the bot as it would from Slack,
 * and the card's payload is the body Syncro would get (issue 16 item 13).
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
  return (await res.json()) as { ok: boolean; error?: string };
}

type Message = { from: string; text: string; blocks: unknown[] };

async function cardWith(user: string, needle: string): Promise<Message | undefined> {
  for (let i = 0; i < 500; i++) {
    const state = (await (await fetch(`${pg.url}playground/api/state?user=${user}`)).json()) as {
      messages: Message[];
    };
    const card = state.messages.find((m) => m.from === 'bot' && JSON.stringify(m.blocks).includes(needle));
    if (card) return card;
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
  return undefined;
}

describe('what a person types in the playground', () => {
  it('reaches the bot as Slack sends it: line breaks kept, the characters typed escaped', async () => {
    const state = (await (await fetch(`${pg.url}playground/api/state`)).json()) as {
      people: Array<{ slackId: string; setUp: boolean }>;
    };
    const tech = state.people.find((p) => p.setUp)!;
    const ticket = pg.playground.simulator!.state.tickets[0]!;
    const typed = `/syncro comment ${ticket.number} *front desk* a < b &lt; c\nline two`;
    expect(
      await op('command', { user: tech.slackId, channel: PLAYGROUND_CHANNEL.id, text: typed }),
    ).toMatchObject({
      ok: true,
    });
    const card = await cardWith(tech.slackId, 'front desk');
    expect(card).toBeDefined();
    // The payload as the card shows it: JSON in a code block, Slack's escaping on top of the body's own.
    const payload = (card!.blocks as Array<{ text?: { text?: string } }>)
      .map((b) => b.text?.text ?? '')
      .find((t) => t.includes('```'))!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    const sent = JSON.parse(payload.slice(payload.indexOf('```\n') + 4, payload.lastIndexOf('\n```'))) as {
      body: string;
    };
    expect(sent.body).toBe('<strong>front desk</strong> a &lt; b &amp;lt; c<br>\nline two');
  });
});
