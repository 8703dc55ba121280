import { describe, expect, it } from 'vitest';
import { SHORTCUT } from '../../src/slack/action-ids.js';
import { SHORTCUT_BLOCK } from '../../src/slack/shortcuts/modals.js';
import { eventually, playgroundInBrowser, type } from './page-suite.js';
import { chromiumOrSkip } from './require-chromium.js';

/**
 * The shortcuts on the page, as in Slack: a message posted in #tickets offers "Create Syncro ticket" in its ⋯
 * menu, the form's customer typeahead loads its options from the bot, and the card's Post creates the ticket,
 * announced in the message's thread. The ⚡ menu by the composer opens "New Syncro ticket".
 */

const canRun = chromiumOrSkip();

const MESSAGE = 'Printer on 2nd floor is jammed again';

describe.skipIf(!canRun)('the shortcuts in a real browser', { timeout: 60_000 }, () => {
  // Every test: nothing failed on the page, and nothing left the machine (page-suite.ts).
  const s = playgroundInBrowser();

  it('creates a ticket from a message through its ⋯ menu, and says so in its thread', async () => {
    const { page } = s.w;
    const sim = s.pg.playground.simulator!;
    const before = sim.state.tickets.map((t) => t.id);
    await type(page, MESSAGE);
    const posted = page.locator('article.msg.own:not(.ephemeral)').filter({ hasText: MESSAGE });
    await posted.waitFor();

    await posted.hover();
    await posted.locator('.sc-btn').click();
    await posted.locator(`.sc-item[data-callback-id="${SHORTCUT.createFromMessage}"]`).click();
    const modal = page.locator('.modal');
    await eventually(() => modal.locator('h2').textContent()).toContain('New Syncro ticket');
    expect(await modal.locator(`#in-${SHORTCUT_BLOCK.subject} input`).inputValue()).toBe(MESSAGE);

    // The typeahead: options come from the bot (block_suggestion), as in Slack.
    await modal.locator(`#in-${SHORTCUT_BLOCK.customer} input`).fill('Acme');
    const option = modal.locator('.ext-option').filter({ hasText: 'Acme Dental' });
    await option.click();
    await modal.locator('[data-modal=submit]').click();
    await eventually(() => page.locator('.modal').count()).toBe(0);

    await page.locator('button[data-action-id="syncro_post"]').click();
    // The reply shows under the message, marked as in its thread.
    await eventually(() => page.locator('article.msg.reply').count()).toBe(1);

    const created = sim.state.tickets.filter((t) => !before.includes(t.id));
    expect(created).toHaveLength(1);
    const comments = sim.state.commentsOf(created[0]!.id);
    expect(comments.at(-1)?.body).toContain(MESSAGE);
    // Its words (the text of the reply in the message's thread), from the playground's state.
    const messages = s.pg.playground.workspace.viewFor('U0PLHOWARD').messages;
    const parent = messages.find((m) => m.text === MESSAGE);
    const reply = messages.find((m) => m.threadTs !== undefined);
    expect(reply?.threadTs).toBe(parent?.ts);
    expect(reply?.text).toContain(`|#${created[0]!.number}> created by <@U0PLHOWARD>`);
  });

  it('adds a message to a ticket picked by its number in the typeahead: exactly one comment', async () => {
    const { page } = s.w;
    await type(page, MESSAGE);
    const posted = page.locator('article.msg.own:not(.ephemeral)').filter({ hasText: MESSAGE });
    await posted.hover();
    await posted.locator('.sc-btn').click();
    await posted.locator(`.sc-item[data-callback-id="${SHORTCUT.addToTicket}"]`).click();
    const modal = page.locator('.modal');
    await eventually(() => modal.locator('h2').textContent()).toContain('Add to Syncro ticket');
    await modal.locator(`#in-${SHORTCUT_BLOCK.ticket} input`).fill('32164');
    await modal.locator('.ext-option').filter({ hasText: '#32164' }).click();
    await modal.locator('[data-modal=submit]').click();
    await eventually(() => page.locator('.modal').count()).toBe(0);
    await page.locator('button[data-action-id="syncro_post"]').click();
    await eventually(() => page.locator('article.msg.reply').count()).toBe(1);
    const writes = s.pg.playground.simulator!.writes();
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      expect.stringMatching(/^POST \/tickets\/\d+\/comment$/),
    ]);
    expect(JSON.stringify(writes[0]?.body)).toContain(MESSAGE);
  });

  it('opens "New Syncro ticket" from the ⚡ menu by the composer', async () => {
    const { page } = s.w;
    await page.locator('#global-shortcuts .sc-btn').click();
    await page.locator(`.sc-item[data-callback-id="${SHORTCUT.newTicket}"]`).click();
    const modal = page.locator('.modal');
    await eventually(() => modal.locator('h2').textContent()).toContain('New Syncro ticket');
    expect(await modal.locator(`#in-${SHORTCUT_BLOCK.customer} input`).count()).toBe(1);
  });
});
