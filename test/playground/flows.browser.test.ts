import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PLAYGROUND_BOT_TOKEN, PLAYGROUND_CHANNEL } from '../../src/playground/start.js';
import { eventually, playgroundInBrowser, type } from './page-suite.js';
import { chromiumOrSkip } from './require-chromium.js';

const canRun = chromiumOrSkip();

const HOWARD = 'U0PLHOWARD';
const WINTER = 'U0PLWINTER';
const MIKE = 'U0PLMIKE01';

/** Chooses who you are in the switcher, and waits until the page shows what that person sees. */
async function switchTo(page: Page, slackId: string): Promise<void> {
  await page.selectOption('#who', slackId);
  await page.locator(`body[data-me="${slackId}"]`).waitFor();
}

/** The last message from the app (a locator over the rendered message). */
const lastBotMessage = (page: Page) => page.locator('article.msg:not(.own)').last();

describe.skipIf(!canRun)('the playground in a real browser', { timeout: 60_000 }, () => {
  // Every test: nothing failed on the page, and nothing left the machine (page-suite.ts).
  const s = playgroundInBrowser();

  it('shows the usage hint while typing and lists the open tickets for /syncro', async () => {
    const { page } = s.w;
    await page.fill('#command', '/syn');
    await eventually(() => page.locator('#hint').textContent()).toContain('[ticket|create|update');
    await type(page, '/syncro');
    await eventually(() => lastBotMessage(page).textContent()).toContain('Open tickets');
    expect(await lastBotMessage(page).textContent()).toContain('#32164');
    // The list is visible to the person who asked only.
    expect(await lastBotMessage(page).locator('.eph').textContent()).toContain('Only visible to you');
    await switchTo(page, WINTER);
    await eventually(() => page.locator('article.msg').count()).toBe(0);
  });

  it('opens a ticket from the list and posts a comment through its card: exactly one POST', async () => {
    const { page } = s.w;
    await type(page, '/syncro');
    await eventually(() => lastBotMessage(page).textContent()).toContain('Open tickets');
    const listed = /#(\d{5})\s+New\s+Jerry Burger/.exec((await lastBotMessage(page).textContent()) ?? '');
    expect(listed).not.toBeNull();
    const number = listed![1]!;
    await type(page, `/syncro ticket ${number}`);
    await page.locator('button[data-action-id="syncro_ticket_comment"]').last().click();
    const modal = page.locator('.modal');
    await eventually(() => modal.locator('h2').textContent()).toContain(`#${number}`);
    await modal.locator('textarea').first().fill('Restarted the ownCloud client; sync is green again.');
    await modal.locator('[data-modal=submit]').click();
    await page.locator('button[data-action-id="syncro_post"]').waitFor();
    expect(await lastBotMessage(page).textContent()).toContain('"body": "Restarted the ownCloud client');
    expect(s.pg.playground.simulator!.writes()).toEqual([]);

    await page.locator('button[data-action-id="syncro_post"]').click();
    await eventually(() => lastBotMessage(page).textContent()).toContain('Posted by @Howard Enos');
    const writes = s.pg.playground.simulator!.writes();
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      expect.stringMatching(/^POST \/tickets\/\d+\/comment$/),
    ]);
    // The side panel shows the write, its body and whose key signed it.
    const write = page.locator('.req.write');
    await eventually(() => write.count()).toBe(1);
    expect(await write.textContent()).toContain('Restarted the ownCloud client');
    expect(await write.textContent()).toContain('key of Howard Enos');
  });

  it('bills through the modal and the channel card: another person is refused, the approver posts', async () => {
    const { page } = s.w;
    await type(page, '/syncro bill 32164');
    const modal = page.locator('.modal');
    // The form is updated once the ticket and customer are loaded.
    await eventually(() => modal.textContent()).toContain('Jerry Burger');
    await modal.locator('#in-syncro_minutes input').fill('abc');
    await modal.locator('#in-syncro_labor select').selectOption('remote');
    await modal.locator('#in-syncro_description textarea').fill('Reinstalled the ownCloud client');
    await modal.locator('[data-modal=submit]').click();
    // response_action: errors is shown under the field, and what was typed stays.
    await eventually(() => modal.locator('#in-syncro_minutes .error').count()).toBe(1);
    expect(await modal.locator('#in-syncro_description textarea').inputValue()).toBe(
      'Reinstalled the ownCloud client',
    );
    await modal.locator('#in-syncro_minutes input').fill('45');
    await modal.locator('#in-syncro_body textarea').fill('Client reinstalled, sync verified with Jerry.');
    await modal.locator('[data-modal=submit]').click();
    await eventually(() => page.locator('.modal').count()).toBe(0);

    // The billing card is in the channel, for everyone.
    const card = page
      .locator('article.msg:not(.ephemeral)')
      .filter({ hasText: 'Reinstalled the ownCloud client' });
    await card.waitFor();
    await switchTo(page, WINTER);
    await card.locator('button[data-action-id="syncro_post"]').click();
    await eventually(() => page.locator('article.msg.ephemeral').last().textContent()).toContain(
      'billing approver',
    );
    expect(s.pg.playground.simulator!.writes()).toEqual([]);

    await switchTo(page, MIKE);
    await card.locator('button[data-action-id="syncro_post"]').click();
    await eventually(() => card.textContent()).toContain('Posted by @Michael Swanson');
    // Each write exactly once, with the requester's key (Howard), approved by Mike.
    expect(s.pg.playground.simulator!.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      expect.stringMatching(/^POST \/tickets\/\d+\/comment$/),
      expect.stringMatching(/^POST \/tickets\/\d+\/add_line_item$/),
      'POST /invoices',
      expect.stringMatching(/^PUT \/tickets\/\d+$/),
    ]);
    for (const text of await page.locator('.req.write').allTextContents())
      expect(text).toContain('key of Howard Enos');
    await switchTo(page, HOWARD);
  });

  it("keeps the request panel's controls inside the panel (Clear list, Simulate…, Reset demo data)", async () => {
    const { page } = s.w;
    await page.locator('#simulate').waitFor();
    const panel = (await page.locator('aside.panel').boundingBox())!;
    for (const id of ['#reset-requests', '#simulate', '#reset-demo']) {
      const box = (await page.locator(id).boundingBox())!;
      expect(box, id).not.toBeNull();
      expect(box.x, id).toBeGreaterThanOrEqual(panel.x);
      expect(box.x + box.width, id).toBeLessThanOrEqual(panel.x + panel.width);
    }
  });

  it('marks a thread reply that was also sent to the channel (reply_broadcast), as Slack shows it', async () => {
    const { page } = s.w;
    // Form-encoded, as the bot's WebClient sends it (every value a string: reply_broadcast=true).
    const api = (method: string, body: Record<string, string>) =>
      fetch(`${s.pg.playground.fake.apiUrl}${method}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Bearer ${PLAYGROUND_BOT_TOKEN}`,
        },
        body: new URLSearchParams(body).toString(),
      }).then((r) => r.json() as Promise<{ ts: string }>);
    const parent = await api('chat.postMessage', { channel: PLAYGROUND_CHANNEL.id, text: '#32163 parent' });
    await api('chat.postMessage', {
      channel: PLAYGROUND_CHANNEL.id,
      thread_ts: parent.ts,
      reply_broadcast: 'false',
      text: 'quiet reply',
    });
    await api('chat.postMessage', {
      channel: PLAYGROUND_CHANNEL.id,
      thread_ts: parent.ts,
      reply_broadcast: 'true',
      text: 'Status: New → Resolved',
    });
    const loud = page.locator('article.msg.reply').filter({ hasText: 'Resolved' });
    await eventually(() => loud.locator('.in-thread').textContent()).toContain('also sent to #tickets');
    expect(
      await page
        .locator('article.msg.reply')
        .filter({ hasText: 'quiet reply' })
        .locator('.in-thread')
        .textContent(),
    ).not.toContain('also sent');
  });
});
