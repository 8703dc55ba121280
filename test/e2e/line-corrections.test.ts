import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invoiceJson } from '../../src/sandbox/render.js';
import { ACTION } from '../../src/slack/action-ids.js';
import { removeLineValue } from '../../src/slack/views/ticket-detail.js';
import {
  askBot,
  buttonValue,
  clickAndSettle,
  type Harness,
  latestAction,
  mrkdwnTexts,
  privateNoteTo,
  shownPayloads,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * Issue 11 items 3 and 4 end to end: the ticket view lists its line items with Remove on those not yet invoiced,
 * Remove opens a card (the line, its quantity and price, the exact payload), and Post removes it exactly once. An
 * invoiced line has no Remove, and forcing one — a crafted button, or a line invoiced between the card and Post — is
 * refused with the reference's reason and sends nothing. The view shows the ticket's invoices.
 */

type Body = { text?: string; blocks?: unknown[] };

/** Short, so a 'hang' becomes a timeout quickly. */
const TIMEOUT_MS = 300;

const REASON = /has been invoiced, so it is not removed: invoiced line items stay on the ticket/;

/** The Remove buttons of a ticket view (section accessories), by line item id. */
function removeButtons(reply: Body): Map<number, string> {
  const out = new Map<number, string>();
  for (const b of reply.blocks ?? []) {
    const acc = (b as { accessory?: { action_id?: string; value?: string } }).accessory;
    if (acc?.action_id === ACTION.ticketRemoveLine && acc.value)
      out.set((JSON.parse(acc.value) as { lineItemId: number }).lineItemId, acc.value);
  }
  return out;
}

function removeRequests(h: Harness): number {
  return h.sim.writes().filter((r) => r.path.endsWith('/remove_line_item')).length;
}

describe('line corrections before invoicing', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ timeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Remove on the ticket view's only line of #32161 (0.75 h remote, not invoiced): the card that replaces the view. */
  async function removeCard(number = 32161): Promise<{ card: Body; lineId: number; ticketId: number }> {
    const t = h.sim.state.ticketByNumber(number)!;
    const line = h.sim.state.lineItemsOf(t.id)[0]!;
    const { reply } = await askBot(h, USERS.howard, `ticket ${number}`);
    const value = removeButtons(reply).get(line.id);
    expect(value).toBeDefined();
    const click = await h.click(USERS.howard, ACTION.ticketRemoveLine, value!);
    const card = await h.slack.waitForResponse(
      (r) => r.url === click.responseUrl && /— waiting for Post/.test(r.body.text ?? ''),
    );
    // The card replaces the ticket view it came from, so its later drawings land on the same message.
    expect(card.body.replace_original).toBe(true);
    return { card: card.body, lineId: line.id, ticketId: t.id };
  }

  it('should remove an uninvoiced line with one request after Remove → card → Post, and the view no longer lists it', async () => {
    const { card, lineId, ticketId } = await removeCard();
    const shown = textOf(card);
    expect(shown).toContain('Remove a line item from #32161');
    expect(shown).toContain('Labor - Remote Business');
    expect(shown).toContain('0.75 × $150.00 = $112.50');
    expect(shown).toContain('Diagnosed agent websocket failure');
    expect(shownPayloads(card.blocks)).toEqual([JSON.stringify({ ticket_line_item_id: lineId }, null, 2)]);
    expect(shown).toContain(`POST /tickets/${ticketId}/remove_line_item`);
    expect(h.sim.writes()).toHaveLength(0);

    const from = h.sim.requests.length;
    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    expect(done.text).toMatch(/— posted$/);
    expect(textOf(done)).toContain('line item removed from <');
    // The rule is read again right before sending; then exactly one remove.
    expect(h.sim.requests.slice(from).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /tickets/${ticketId}`,
      `POST /tickets/${ticketId}/remove_line_item`,
    ]);
    expect(h.sim.state.lineItemsOf(ticketId)).toHaveLength(0);

    const after = (await askBot(h, USERS.howard, 'ticket 32161')).reply;
    expect(mrkdwnTexts(after).join('\n')).not.toContain('Labor - Remote Business');
    expect(mrkdwnTexts(after).join('\n')).toContain('No line items.');
  });

  it('should send one remove for a double click on Post', async () => {
    const { card, ticketId } = await removeCard();
    const value = buttonValue(card.blocks, ACTION.post)!;
    const [a, b] = await Promise.all([
      h.click(USERS.howard, ACTION.post, value),
      h.click(USERS.howard, ACTION.post, value),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await h.slack.waitFor(() =>
      h.slack.responses.find((r) => /— posted$/.test(r.body.text ?? '') && r.body.replace_original === true),
    );
    expect(removeRequests(h)).toBe(1);
    expect(h.sim.state.lineItemsOf(ticketId)).toHaveLength(0);
    expect((await latestAction(h)).state).toBe('succeeded');
  });

  it('should read the ticket back after a fault once the removal is stored, and say it is done without sending again', async () => {
    const { card, ticketId } = await removeCard();
    h.sim.injectFault({
      method: 'POST',
      path: `/tickets/${ticketId}/remove_line_item`,
      mode: 'status_500',
      when: 'after_commit',
    });
    const { responseUrl, card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    expect(
      h.slack.responses.some((r) => r.url === responseUrl && /— checking Syncro$/.test(r.body.text ?? '')),
    ).toBe(true);
    expect(done.text).toMatch(/— posted$/);
    expect(textOf(done)).toContain('Syncro was checked: the line item is no longer on the ticket');
    expect(removeRequests(h)).toBe(1);
    expect(await latestAction(h)).toMatchObject({ state: 'succeeded' });
  });

  it('should say the line is still there after a fault before the removal, and remove it once on Post again', async () => {
    const { card, ticketId, lineId } = await removeCard();
    h.sim.injectFault({
      method: 'POST',
      path: `/tickets/${ticketId}/remove_line_item`,
      mode: 'reset',
      when: 'before_commit',
    });
    const { card: failed } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    expect(textOf(failed)).toContain('Syncro was checked: the line item is still on the ticket');
    expect(h.sim.state.lineItem(lineId)).toBeDefined();
    expect(removeRequests(h)).toBe(1);

    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(failed.blocks, ACTION.post)!,
    );
    expect(done.text).toMatch(/— posted$/);
    expect(removeRequests(h)).toBe(2);
    expect(h.sim.state.lineItem(lineId)).toBeUndefined();
  });

  it('should say it could not check when the read-back fails, and find it done on Check Syncro again', async () => {
    const { card, ticketId, lineId } = await removeCard();
    h.sim.injectFault({
      method: 'POST',
      path: `/tickets/${ticketId}/remove_line_item`,
      mode: 'status_500',
      when: 'after_commit',
    });
    // Once the removal is stored, reading the ticket back fails on every attempt (first and both retries).
    void h.sim
      .waitForRequests(1, (r) => r.method === 'POST' && r.path.endsWith('/remove_line_item'))
      .then(() =>
        h.sim.injectFault({ method: 'GET', path: `/tickets/${ticketId}`, mode: 'status_503', times: 3 }),
      );
    const click = await h.click(USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    const unknown = await h.slack.waitForResponse(
      (r) => r.url === click.responseUrl && /Could not check Syncro yet/.test(textOf(r.body)),
    );
    expect(unknown.body.text).toMatch(/— checking Syncro$/);
    expect((await latestAction(h)).state).toBe('outcome_unknown');
    expect(h.sim.state.lineItem(lineId)).toBeUndefined();

    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.recheck,
      buttonValue(unknown.body.blocks, ACTION.recheck)!,
    );
    expect(done.text).toMatch(/— posted$/);
    expect(textOf(done)).toContain('the line item is no longer on the ticket');
    expect(removeRequests(h)).toBe(1);
  });

  it('should send nothing when the ticket cannot be read right before sending, and offer Post again', async () => {
    const { card, ticketId, lineId } = await removeCard();
    h.sim.injectFault({ method: 'GET', path: `/tickets/${ticketId}`, mode: 'status_503', times: 3 });
    const { card: failed } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    expect(failed.text).toMatch(/— not posted$/);
    expect(textOf(failed)).toContain('Nothing was written to Syncro');
    expect(h.sim.writes()).toHaveLength(0);
    expect(await latestAction(h)).toMatchObject({ state: 'failed', resumable: true });

    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(failed.blocks, ACTION.post)!,
    );
    expect(done.text).toMatch(/— posted$/);
    expect(removeRequests(h)).toBe(1);
    expect(h.sim.state.lineItem(lineId)).toBeUndefined();
  });

  it('should offer no Remove on an invoiced line, and refuse a crafted one with the reason, sending nothing', async () => {
    const t = h.sim.state.ticketByNumber(32162)!;
    const lines = h.sim.state.lineItemsOf(t.id);
    expect(lines.every((li) => li.converted)).toBe(true);
    const { reply } = await askBot(h, USERS.howard, 'ticket 32162');
    expect(removeButtons(reply).size).toBe(0);
    expect(mrkdwnTexts(reply).join('\n')).toContain('Invoiced line items have no Remove');

    const forced = await h.click(
      USERS.howard,
      ACTION.ticketRemoveLine,
      removeLineValue({ ticketId: t.id, lineItemId: lines[0]!.id }),
    );
    expect(await privateNoteTo(h, forced.responseUrl)).toMatch(REASON);
    expect(h.sim.writes()).toHaveLength(0);
    expect(await h.actions()).toHaveLength(0);
    expect(h.sim.state.lineItemsOf(t.id)).toHaveLength(lines.length);
  });

  it('should refuse at Post a line invoiced after the card was drawn, with the reason, sending no remove', async () => {
    const { card, ticketId, lineId } = await removeCard();
    const t = h.sim.state.ticket(ticketId)!;
    h.sim.state.createInvoice({ customer_id: t.customer_id, ticket_id: ticketId });
    expect(h.sim.state.lineItem(lineId)!.converted).toBe(true);

    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    expect(done.text).toMatch(/— not posted$/);
    expect(textOf(done)).toMatch(REASON);
    // A refusal is final: no Post again.
    expect(buttonValue(done.blocks, ACTION.post)).toBeUndefined();
    expect(h.sim.writes()).toHaveLength(0);
    expect(h.sim.state.lineItem(lineId)).toBeDefined();
    expect(await latestAction(h)).toMatchObject({ state: 'failed', resumable: false });
  });
});

describe('invoices on the ticket view', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("should show the ticket's invoices with number, date and total; the id only inside the link", async () => {
    const t = h.sim.state.ticketByNumber(32162)!;
    const [inv] = h.sim.state.invoices.filter((i) => i.ticket_id === t.id);
    const total = Number(invoiceJson(h.sim.state, inv!, { withLines: false }).total);
    expect(total).toBeGreaterThan(0);
    const { reply } = await askBot(h, USERS.howard, 'ticket 32162');
    const section = mrkdwnTexts(reply).find((s) => s.startsWith('*Invoices*'));
    const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(total);
    expect(section).toBe(
      `*Invoices*\n• <${h.sim.webUrl}/invoices/${inv!.id}|Invoice #${inv!.number}> · ${inv!.date.slice(0, 10)} · ${money}`,
    );
    const outsideLinks = mrkdwnTexts(reply)
      .join('\n')
      .replace(/<[^>]*>/g, '');
    expect(outsideLinks).not.toContain(String(inv!.id));
    expect(h.sim.requests.some((r) => r.method === 'GET' && r.path === '/invoices')).toBe(true);
  });

  it('should not read invoices for a ticket with nothing invoiced', async () => {
    const { reply } = await askBot(h, USERS.howard, 'ticket 32161');
    expect(mrkdwnTexts(reply).some((s) => s.startsWith('*Invoices*'))).toBe(false);
    expect(h.sim.requests.some((r) => r.path === '/invoices')).toBe(false);
  });
});
