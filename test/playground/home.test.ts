import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlayground, startPlaygroundBot } from './start-bot.js';

/** The playground's App Home tab: opening it sends `app_home_opened`, and the page shows the Home published. */

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

async function homeOf(user: string): Promise<{ blocks: unknown[] } | null> {
  for (let i = 0; i < 200; i++) {
    const state = (await (await fetch(`${pg.url}playground/api/state?user=${user}`)).json()) as {
      home: { blocks: unknown[] } | null;
    };
    if (state.home) return state.home;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return null;
}

describe('playground App Home', () => {
  it('publishes the Home of the person who opens the tab', async () => {
    const state = (await (await fetch(`${pg.url}playground/api/state`)).json()) as {
      people: Array<{ slackId: string; setUp: boolean }>;
    };
    const tech = state.people.find((p) => p.setUp)!;
    expect(await op('home-opened', { user: tech.slackId })).toMatchObject({ ok: true });
    const home = await homeOf(tech.slackId);
    expect(JSON.stringify(home?.blocks)).toContain('My open tickets');
  });
});
