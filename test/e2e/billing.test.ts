import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PendingAction } from '../../src/actions/types.js';
import { slashCommand } from '../../src/playground/slack/signer.js';
import { ACTION, VIEW } from '../../src/slack/action-ids.js';
import {
  BILLED_ONCE,
  type BillForm,
  billedRecords,
  billValues,
  cardText,
  clickOnCard,
  GOOD_BILL,
  type Harness,
  KEYS,
  lastSeq,
  openBillModalFor,
  proposeBillCard,
  SECRET,
  startHarness,
  USERS,
  viewMetadata,
  waitForCard,
  writeCounts,
} from './harness.js';

/**
 * The billing flow end to end: `/syncro bill` → modal (opened at once, filled from Syncro) → billing card in the
 * channel → Post → the five-step saga against the Syncro simulator, the card updated live with chat.update.
 */

type Call = Harness['slack']['calls'][number];

function viewOf(call: Call): { title?: { text: string }; blocks: Array<Record<string, unknown>> } {
  return call.body.view as never;
}

function inputElement(call: Call, blockId: string): Record<string, unknown> {
  const block = viewOf(call).blocks.find((b) => b.block_id === blockId);
  if (!block) throw new Error(`no block ${blockId}`);
  return block.element as Record<string, unknown>;
}

describe('billing: /syncro bill opens a form that asks for what was worked', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('opens the modal with the trigger id before reading Syncro, then fills in the ticket and the prepaid hours', async () => {
    const triggerId = 'trig-bill-at-once';
    const ticketReadsBefore = h.sim.requests.length;
    // Looked at the moment views.open arrives: Syncro must not have been asked anything yet.
    const openedAt = h.slack.waitFor((evs) => {
      const e = evs.find((x) => x.kind === 'call' && x.call.method === 'views.open');
      return e?.kind === 'call' ? { call: e.call, simRequests: h.sim.requests.length } : undefined;
    });
    const res = await slashCommand({
      url: h.eventsUrl,
      secret: SECRET,
      userId: USERS.howard,
      text: 'bill 32154',
      responseUrl: h.slack.responseUrl('bill'),
      channelId: 'C0TICKETS',
      triggerId,
    });
    expect(res.status).toBe(200);
    const { call: opened, simRequests } = await openedAt;
    expect(opened.body.trigger_id).toBe(triggerId);
    expect(simRequests).toBe(ticketReadsBefore);
    expect(JSON.stringify(viewOf(opened).blocks)).toContain('Loading ticket and customer from Syncro');
    expect(viewOf(opened).title?.text).toBe('Bill #32154');

    const viewId = (opened.reply.body.view as { id: string }).id;
    const filled = await h.slack.waitForCall('views.update', (c) => c.body.view_id === viewId);
    const text = JSON.stringify(viewOf(filled).blocks);
    expect(viewOf(filled).title?.text).toBe('Bill #32154');
    expect(text).toContain('Desert Sky Veterinary Clinic');
    expect(text).toContain('Prepaid hours: *4.5 h* left before this line');
    expect(text).not.toContain('Loading');
    expect(h.sim.requests.some((r) => r.method === 'GET' && r.path.startsWith('/customers/'))).toBe(true);
    expect(h.sim.writes()).toHaveLength(0);

    // Minutes and labour type are always stated: no default value, no preselected option, in either view.
    for (const view of [opened, filled]) {
      expect(inputElement(view, 'syncro_minutes')).not.toHaveProperty('initial_value');
      expect(inputElement(view, 'syncro_labor')).not.toHaveProperty('initial_option');
      expect(inputElement(view, 'syncro_labor').type).toBe('static_select');
    }
    expect(
      (inputElement(filled, 'syncro_labor').options as Array<{ value: string }>).map((o) => o.value),
    ).toEqual(['remote', 'onsite', 'emergency', 'warranty']);
  });

  it('shows that a customer without prepaid hours has no prepaid block', async () => {
    const { filled } = await openBillModalFor(h, USERS.howard, '32164');
    const text = JSON.stringify(viewOf(filled).blocks);
    expect(text).toContain('Jerry Burger');
    expect(text).toContain('the customer has no prepaid block');
  });

  it('shows inside the modal why it cannot bill a ticket that does not exist, and proposes nothing', async () => {
    const { filled } = await openBillModalFor(h, USERS.howard, '99999');
    const text = JSON.stringify(viewOf(filled).blocks);
    expect(text).toContain('⚠️');
    expect(viewOf(filled).title?.text).toBe('Bill #99999');
    expect(text).toContain('⚠️ No such ticket in Syncro.');
    expect(text).not.toContain('Loading');
    expect(await h.actions()).toHaveLength(0);
    expect(h.sim.writes()).toHaveLength(0);
  });

  it.each<[string, BillForm, string]>([
    ['minutes with a fraction', { ...GOOD_BILL, minutes: '45.5' }, 'syncro_minutes'],
    ['zero minutes', { ...GOOD_BILL, minutes: '0' }, 'syncro_minutes'],
    ['no minutes', { ...GOOD_BILL, minutes: '' }, 'syncro_minutes'],
    ['no labour type', { ...GOOD_BILL, labor: undefined }, 'syncro_labor'],
    ['no work description', { ...GOOD_BILL, description: '  ' }, 'syncro_description'],
  ])(
    'keeps the modal open with an error under the field and proposes nothing for %s',
    async (_name, form, field) => {
      const { filled } = await openBillModalFor(h, USERS.howard, '32164');
      const res = await h.submit(USERS.howard, VIEW.bill, viewMetadata(filled), billValues(form));
      expect(res.status).toBe(200);
      const body = res.json as { response_action?: string; errors?: Record<string, string> };
      expect(body.response_action).toBe('errors');
      expect(Object.keys(body.errors ?? {})).toEqual([field]);
      expect(await h.actions()).toHaveLength(0);
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
      expect(h.sim.writes()).toHaveLength(0);
    },
  );
});

describe('billing: the card in the channel and the saga behind Post', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('posts a billing card in the channel with the arithmetic, the prepaid hours and every step’s exact payload', async () => {
    const { card, action } = await proposeBillCard(h, USERS.howard, '32154');
    expect(card.body.channel).toBe('C0TICKETS');
    // A normal channel message, not a private reply.
    expect(h.slack.responses.filter((r) => /Bill #32154/.test(r.body.text ?? ''))).toHaveLength(0);
    const text = cardText(card);
    expect(text).toContain('Desert Sky Veterinary Clinic');
    expect(text).toContain('Howard Enos');
    expect(text).toContain('Labor - Remote Business (product 1190473)');
    expect(text).toContain('Time worked: 45 min = 0.75 h');
    expect(text).toContain('Amount: 0.75 h × $150.00 = *$112.50*');
    expect(text).toContain('Taxable: no');
    expect(text).toContain('Prepaid hours: 4.5 h → 3.75 h');
    expect(text).toMatch(/Post/);

    const tid = h.sim.state.ticketByNumber(32154)!.id;
    const customerId = h.sim.state.ticket(tid)!.customer_id;
    expect(action.steps.map((s) => `${s.method} ${s.path}`)).toEqual([
      `POST /tickets/${tid}/comment`,
      `POST /tickets/${tid}/add_line_item`,
      'POST /invoices',
      'GET /invoices/{invoice_id}',
      `PUT /tickets/${tid}`,
    ]);
    expect(action.steps[0]!.body).toEqual({
      subject: GOOD_BILL.subject,
      body: GOOD_BILL.body,
      hidden: false,
      do_not_email: true,
    });
    expect(action.steps[1]!.body).toEqual({
      product_id: 1190473,
      name: 'Labor - Remote Business',
      description: GOOD_BILL.description,
      quantity: 0.75,
      taxable: false,
      price_retail: 150,
    });
    expect(action.steps[2]!.body).toEqual({ ticket_id: tid, customer_id: customerId, category: 'Standard' });
    expect(action.steps[4]!.body).toEqual({ status: 'Invoiced' });
    // Every payload is on the card exactly as it will be sent.
    action.steps.forEach((s, i) => {
      expect(text).toContain(`${i + 1}. ${s.method} ${s.path}`);
      if (s.body) expect(text).toContain(JSON.stringify(s.body, null, 2));
    });
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('sends each step once after Post, updates the card live, and leaves the line on the invoice and the ticket Invoiced', async () => {
    const { card } = await proposeBillCard(h, USERS.howard, '32164');
    const tid = h.sim.state.ticketByNumber(32164)!.id;
    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const done = await waitForCard(h, /— posted$/, { after: since });

    expect(writeCounts(h.sim)).toEqual({
      [`POST /tickets/${tid}/comment`]: 1,
      [`POST /tickets/${tid}/add_line_item`]: 1,
      'POST /invoices': 1,
      [`PUT /tickets/${tid}`]: 1,
    });
    expect(h.sim.writes().every((w) => w.apiKey === KEYS.howard)).toBe(true);

    const comments = h.sim.state.commentsOf(tid).filter((c) => c.body === GOOD_BILL.body);
    expect(comments).toHaveLength(1);
    const lines = h.sim.state.lineItemsOf(tid).filter((l) => l.description === GOOD_BILL.description);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ product_id: 1190473, name: 'Labor - Remote Business', taxable: false });
    expect(Number(lines[0]!.quantity)).toBe(0.75);
    const invoices = h.sim.state.invoices.filter((i) => i.ticket_id === tid);
    expect(invoices).toHaveLength(1);
    const invoice = invoices[0]!;
    expect(invoice.category).toBe('Standard');
    expect(invoice.line_items.some((l) => l.product_id === 1190473 && Number(l.quantity) === 0.75)).toBe(
      true,
    );
    expect(
      h.sim.requests.filter((r) => r.method === 'GET' && r.path === `/invoices/${invoice.id}`),
    ).toHaveLength(1);
    expect(h.sim.state.ticket(tid)!.status).toBe('Invoiced');

    // Live: the same message was updated step by step (sending, then done, for each step), never re-posted.
    const updates = h.slack.callsTo('chat.update').filter((c) => c.seq > since);
    expect(updates.every((u) => u.body.ts === card.reply.body.ts && u.body.channel === 'C0TICKETS')).toBe(
      true,
    );
    expect(updates.length).toBeGreaterThanOrEqual(10);
    for (let k = 1; k <= 5; k++) {
      expect(updates.some((u) => new RegExp(`\\*${k}\\. [^\\n]*\\n\\s*⏳ sending`).test(cardText(u)))).toBe(
        true,
      );
    }
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);

    // The final card names the ticket and invoice by NUMBER (what technicians use); ids only inside links.
    const text = cardText(done);
    expect(text).toContain('✅ *Posted* by <@U0HOWARD1>');
    expect(text).toContain('comment on <');
    expect(text).toContain('line item on <');
    expect(text).toContain(`/invoices/${invoice.id}|invoice #${invoice.number}>`);
    expect(text).toContain(`|Open invoice #${invoice.number}>`);
    const words = text.replace(/<[^>|]+\|/g, '<');
    for (const id of [comments[0]!.id, lines[0]!.id, invoice.id]) expect(words).not.toContain(String(id));
    expect(text).toMatch(
      new RegExp(`5\\. PUT /tickets/${tid}[^\\n]*\\n\\s*✅ done — <[^|]+/tickets/${tid}\\|#32164>`),
    );
    expect(text).not.toMatch(/Resume|○ not sent/);

    const [action] = (await h.actions()) as [PendingAction];
    expect(action.state).toBe('succeeded');
    expect(action.steps.map((s) => s.resultId)).toEqual([
      comments[0]!.id,
      lines[0]!.id,
      invoice.id,
      invoice.id,
      tid,
    ]);
  });

  it.each([
    {
      name: 'with prepaid hours bills the emergency product at hours × 1.5 against the block',
      number: '32154',
      quantity: 1.125,
      card: [
        'Quantity: 0.75 h × 1.5 = *1.125 h* (multiplier applied once)',
        'Amount: 1.125 h × $225.00 = *$253.13*',
        'Prepaid hours: 4.5 h → 3.375 h',
      ],
    },
    {
      name: 'without prepaid hours bills the emergency product at the hours worked (the rate carries the premium)',
      number: '32164',
      quantity: 0.75,
      card: ['Amount: 0.75 h × $225.00 = *$168.75*', 'Prepaid hours: the customer has no prepaid block'],
    },
    {
      name: 'with a prepaid block of 0 hours bills as without prepaid hours',
      number: '32152',
      quantity: 0.75,
      card: ['Amount: 0.75 h × $225.00 = *$168.75*', 'Prepaid hours: the customer has no prepaid block'],
    },
  ])('emergency labour $name', async ({ number, quantity, card: expected }) => {
    const { card } = await proposeBillCard(h, USERS.howard, number, { ...GOOD_BILL, labor: 'emergency' });
    const text = cardText(card);
    for (const line of expected) expect(text).toContain(line);
    if (quantity === 0.75) expect(text).not.toContain('× 1.5');

    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    await waitForCard(h, /— posted$/, { after: since });
    const tid = h.sim.state.ticketByNumber(Number(number))!.id;
    const lines = h.sim.state.lineItemsOf(tid).filter((l) => l.description === GOOD_BILL.description);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      product_id: 26184,
      name: 'Labor - Emergency or After Hours Business',
      taxable: false,
    });
    expect(Number(lines[0]!.quantity)).toBe(quantity);
    const invoice = h.sim.state.invoices.find((i) => i.ticket_id === tid)!;
    expect(invoice.line_items.filter((l) => l.product_id === 26184).map((l) => Number(l.quantity))).toEqual([
      quantity,
    ]);
    // One emergency line only: never a regular line as well for the same hours.
    expect(lines.concat().filter((l) => l.product_id === 1190473)).toHaveLength(0);
  });

  it('sends nothing when the card is cancelled, and a later Post on it sends nothing either', async () => {
    const { card } = await proposeBillCard(h, USERS.howard, '32164');
    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.cancel);
    const cancelled = await waitForCard(h, /— cancelled$/, { after: since });
    expect(cardText(cancelled)).toContain('Cancelled by <@U0HOWARD1> — nothing was sent.');
    const click = await clickOnCard(h, USERS.howard, card, ACTION.post);
    const refused = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
    expect(refused.body.text).toMatch(/cancelled by <@U0HOWARD1>; nothing more was sent/);
    expect(h.sim.writes()).toHaveLength(0);
  });
});

describe('billing: concurrent clicks on the card', () => {
  const NUMBER = '32164';
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('sends each step once when Post is pressed 10 times at once, and tells the other 9 clicks nothing was resent', async () => {
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
    const since = lastSeq(h);
    const clicks = await Promise.all(
      Array.from({ length: 10 }, () => clickOnCard(h, USERS.howard, card, ACTION.post)),
    );
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    await waitForCard(h, /— posted$/, { after: since });
    const urls = new Set(clicks.map((c) => c.responseUrl));
    const lost = await h.slack.waitFor((evs) => {
      const replies = evs.flatMap((e) =>
        e.kind === 'response' && urls.has(e.response.url) ? [e.response] : [],
      );
      return replies.length >= 9 ? replies : undefined;
    });
    expect(lost).toHaveLength(9);
    for (const r of lost) expect(r.body.text).toMatch(/not sent again/);

    expect(billedRecords(h.sim, NUMBER)).toEqual(BILLED_ONCE);
    expect(Object.values(writeCounts(h.sim))).toEqual([1, 1, 1, 1]);
    const [action] = await h.actions();
    expect(action!.attempt).toBe(1);
  });

  it('resumes once when Resume is pressed 10 times at once after a failure', async () => {
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
    h.sim.injectFault({ method: 'POST', path: '/invoices', mode: 'status_500', when: 'before_commit' });
    let since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const failed = await waitForCard(h, /— not posted$/, { after: since });
    expect(cardText(failed)).toContain('Resume from step 3');

    since = lastSeq(h);
    const clicks = await Promise.all(
      Array.from({ length: 10 }, () => clickOnCard(h, USERS.howard, failed, ACTION.post)),
    );
    await waitForCard(h, /— posted$/, { after: since });
    const urls = new Set(clicks.map((c) => c.responseUrl));
    const lost = await h.slack.waitFor((evs) => {
      const replies = evs.flatMap((e) =>
        e.kind === 'response' && urls.has(e.response.url) ? [e.response] : [],
      );
      return replies.length >= 9 ? replies : undefined;
    });
    for (const r of lost) expect(r.body.text).toMatch(/not sent again/);

    expect(billedRecords(h.sim, NUMBER)).toEqual(BILLED_ONCE);
    const tid = h.sim.state.ticketByNumber(Number(NUMBER))!.id;
    // The invoice POST: once refused (500 before it was stored), once by the one Resume that won.
    expect(writeCounts(h.sim)).toEqual({
      [`POST /tickets/${tid}/comment`]: 1,
      [`POST /tickets/${tid}/add_line_item`]: 1,
      'POST /invoices': 2,
      [`PUT /tickets/${tid}`]: 1,
    });
    const [action] = await h.actions();
    expect(action!.attempt).toBe(2);
  });
});
