import { describe, expect, it } from 'vitest';
import { PLAYGROUND_BOT_TOKEN, PLAYGROUND_CHANNEL } from '../../src/playground/start.js';
import { ACTION, OPTIONS } from '../../src/slack/action-ids.js';
import { eventually, playgroundInBrowser } from './page-suite.js';
import { chromiumOrSkip } from './require-chromium.js';

const canRun = chromiumOrSkip();
const plain = (text: string) => ({ type: 'plain_text', text });
/** A message with every kind of block the page draws, and one it does not know. */
const KITCHEN_SINK = [
  { type: 'header', text: plain('Every block') },
  {
    type: 'section',
    text: { type: 'mrkdwn', text: '*Bold* and <!date^1764590400^{date_num}|a date>' },
    fields: [
      { type: 'mrkdwn', text: '*Status*\nNew' },
      { type: 'mrkdwn', text: '*Customer*\nJerry' },
    ],
    accessory: {
      type: 'button',
      action_id: ACTION.openLink,
      text: plain('Careful'),
      style: 'danger',
      confirm: {
        title: plain('Really?'),
        text: plain('This asks first.'),
        confirm: plain('Yes'),
        deny: plain('No'),
      },
    },
  },
  { type: 'context', elements: [{ type: 'mrkdwn', text: 'small print' }] },
  { type: 'divider' },
  { type: 'image', image_url: 'https://cdn.example.com/diagram.png', alt_text: 'network diagram' },
  {
    type: 'actions',
    block_id: 'search',
    elements: [
      {
        type: 'external_select',
        action_id: OPTIONS.customerSearch,
        placeholder: plain('Search customers'),
        min_query_length: 2,
      },
      { type: 'overflow', action_id: 'more', options: [{ text: plain('Audit'), value: 'audit' }] },
    ],
  },
  {
    type: 'rich_text',
    elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'rich words' }] }],
  },
  {
    type: 'table',
    rows: [
      [
        { type: 'raw_text', text: 'Line' },
        { type: 'raw_text', text: 'Qty' },
      ],
      [
        { type: 'raw_text', text: 'Remote' },
        { type: 'raw_text', text: '0.75' },
      ],
    ],
  },
  { type: 'hologram', beam: 'on' },
];

describe.skipIf(!canRun)('Block Kit in the playground page', { timeout: 60_000 }, () => {
  // Every test: nothing failed on the page, and nothing left the machine (page-suite.ts).
  const s = playgroundInBrowser();

  it('should draw every block, keep an unknown one visible as JSON, ask before a confirm button, and load external options from the bot', async () => {
    // What the bot would post: through the fake Slack's Web API, with the bot's token.
    const res = await fetch(`${s.pg.playground.fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PLAYGROUND_BOT_TOKEN}` },
      body: JSON.stringify({ channel: PLAYGROUND_CHANNEL.id, text: 'every block', blocks: KITCHEN_SINK }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    const { page } = s.w;
    const msg = page.locator('article.msg').last();
    await eventually(() => msg.textContent()).toContain('Every block');
    for (const selector of [
      '.b-header',
      '.s-fields',
      '.b-context',
      '.b-divider',
      '.img-off',
      '.b-rich',
      '.b-table',
    ])
      expect(await msg.locator(selector).count(), selector).toBe(1);
    expect(await msg.locator('time').textContent()).toBe('2025-12-01');
    expect(await msg.locator('[data-unknown="hologram"]').textContent()).toContain('"beam": "on"');

    await msg.locator('button.btn.danger').click();
    await eventually(() => page.locator('.confirm').textContent()).toContain('This asks first.');
    await page.keyboard.press('Escape');
    await eventually(() => page.locator('.confirm').count()).toBe(0);

    await msg.locator('.overflow-btn').click();
    expect(await msg.locator('.overflow-menu .menu-item').textContent()).toBe('Audit');
    await page.keyboard.press('Escape');

    // The bot's own options-load listener answers with Syncro's customers (block_suggestion, signed).
    await msg.locator('.ext-select input').pressSequentially('Data');
    await eventually(() => msg.locator('.ext-option').allTextContents()).toContainEqual(
      expect.stringContaining('Dataforth'),
    );
  });

  it('should tell a person who is not set up how to get set up, and send nothing to Syncro for them', async () => {
    const { page } = s.w;
    await page.selectOption('#who', 'U0PLGUEST1');
    await page.locator('body[data-me="U0PLGUEST1"]').waitFor();
    await page.fill('#command', '/syncro');
    await page.keyboard.press('Enter');
    await eventually(() => page.locator('article.msg:not(.own)').last().textContent()).toContain(
      'U0PLGUEST1',
    );
    expect(s.pg.playground.recorder.requests).toEqual([]);
  });
});
