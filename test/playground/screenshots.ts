/**
 * `npm run screenshots`: pictures of the main flows, taken from the playground in Debian's chromium, into docs/
 * (the README shows them): the ticket view, a confirm card (with its Preview), the billing card in the channel,
 * App Home, and the notifications: a ticket's thread in #tickets after a customer's reply, and the DMs the bot sends
 * (a ticket assigned to you, an appointment reminder). The notifier has no timer here (`startPlaygroundBot`): the
 * script does what its loop would, after the page's Simulate menu rang the webhook.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, launch, NO_CHROMIUM_MESSAGE, openPage } from './browser.js';
import { startPlaygroundBot } from './start-bot.js';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

async function type(page: Page, text: string): Promise<void> {
  await page.fill('#command', text);
  await page.keyboard.press('Enter');
}

async function shoot(page: Page, name: string): Promise<void> {
  // The toast of the last Simulate pick would cover the composer.
  await page.evaluate("document.querySelector('#toast').hidden = true");
  // Let the last drawing settle (fonts, scroll position) before the picture.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  const path = join(DOCS, name);
  await page.screenshot({ path });
  process.stdout.write(`wrote ${path}\n`);
}

async function main(): Promise<void> {
  if (!HAVE_CHROMIUM) throw new Error(NO_CHROMIUM_MESSAGE);
  mkdirSync(DOCS, { recursive: true });
  const pg = await startPlaygroundBot();
  const browser = await launch();
  try {
    const w = await openPage(browser, pg.url, { width: 1280, height: 900 });
    const { page } = w;
    page.setDefaultTimeout(15_000);

    await type(page, '/syncro ticket 32164');
    await page.locator('button[data-action-id="syncro_ticket_comment"]').waitFor();
    await shoot(page, 'playground-ticket.png');

    await page.locator('button[data-action-id="syncro_ticket_comment"]').click();
    // Slack formatting, so that the card's Preview shows what Syncro will make of it.
    await page
      .locator('.modal textarea')
      .first()
      .fill(
        'Restarted the *ownCloud* client; sync is _green_ again.\n- re-linked the shared folders\n- checked with Jerry by phone',
      );
    await page.locator('.modal [data-modal=submit]').click();
    await page.locator('button[data-action-id="syncro_post"]').waitFor();
    await page
      .locator('button[data-action-id="syncro_post"]')
      .evaluate((b) => b.scrollIntoView({ block: 'end' }));
    await shoot(page, 'playground-confirm.png');
    await page.locator('button[data-action-id="syncro_post"]').click();
    await page.locator('button[data-action-id="syncro_post"]').waitFor({ state: 'detached' });

    await type(page, '/syncro bill 32164');
    const modal = page.locator('.modal');
    await modal.getByText('Jerry Burger').waitFor();
    await modal.locator('#in-syncro_minutes input').fill('45');
    await modal.locator('#in-syncro_labor select').selectOption('remote');
    await modal
      .locator('#in-syncro_description textarea')
      .fill('Reinstalled the ownCloud client and re-linked the shared folders');
    await modal.locator('#in-syncro_body textarea').fill('Client reinstalled, sync verified with Jerry.');
    await shoot(page, 'playground-bill-form.png');
    await modal.locator('[data-modal=submit]').click();
    await modal.waitFor({ state: 'detached' });
    await page.selectOption('#who', 'U0PLMIKE01');
    await page.locator('body[data-me="U0PLMIKE01"]').waitFor();
    const card = page.locator('article.msg:not(.ephemeral)').last();
    await card
      .locator('button[data-action-id="syncro_post"]')
      .evaluate((b) => b.scrollIntoView({ block: 'end' }));
    await shoot(page, 'playground-billing.png');

    // App Home for the technician, with a timer running on another ticket.
    await page.selectOption('#who', 'U0PLHOWARD');
    await page.locator('body[data-me="U0PLHOWARD"]').waitFor();
    await type(page, '/syncro timer start 32163 Mailbox repair');
    await page.locator('article.msg').getByText('running', { exact: false }).last().waitFor();
    await page.locator('[data-where="home"]').click();
    await page.locator('.home').getByText('My open tickets').waitFor();
    await shoot(page, 'playground-home.png');

    // Notifications, on fresh demo data and empty conversations (Reset demo data). The first read is silent (the
    // snapshot); then the Simulate menu changes Syncro and rings the webhook, and the notifier reads the rung
    // tickets and posts, as its loop would within seconds.
    await page.locator('[data-where="C0PLTICKETS"]').click();
    await page.locator('#reset-demo').click();
    await page.locator('#messages .empty').waitFor();
    const n = pg.app.notifier;
    if (!n) throw new Error('the playground has no notifier');
    await n.feed.poll();
    const deliver = async () => {
      await n.feed.readTickets(await pg.app.store.notifications.takeBells(Date.now() + 60_000, 0));
      await n.reminders.due();
      await n.publisher.publishDue();
    };
    // The appointment first: the reminders read each person's appointments at most every 5 minutes.
    await page.selectOption('#simulate', 'appointment');
    await page.locator('#toast').getByText('reminder comes by DM').waitFor();
    await page.selectOption('#simulate', 'new');
    await page.locator('#toast').getByText('the webhook rang the bot').waitFor();
    await page.selectOption('#simulate', 'reply');
    await page.locator('#toast').getByText('Someone replied').waitFor();
    await deliver();
    await page.locator('article.msg.reply').getByText('still not working').waitFor();
    await page.locator('article.msg.reply').getByText('New ticket for').waitFor();
    await shoot(page, 'playground-notify-thread.png');

    // DMs: the appointment reminder, then a ticket assigned to the technician.
    await page.selectOption('#simulate', 'assign');
    await page.locator('#toast').getByText('assigned').waitFor();
    await deliver();
    await page.locator('[data-where^="D"]').click();
    await page.locator('article.msg').getByText('Onsite visit', { exact: false }).last().waitFor();
    await shoot(page, 'playground-notify-dm.png');
    if (w.errors.length > 0 || w.outside.length > 0)
      throw new Error(
        `page errors ${JSON.stringify(w.errors)}, outside requests ${JSON.stringify(w.outside)}`,
      );
    await w.close();
  } finally {
    await browser.close();
    await pg.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
