import { describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/action-ids.js';
import {
  latestComments,
  parseRemoveLineValue,
  removeLineValue,
  ticketDetailView,
} from '../../../src/slack/views/ticket-detail.js';
import {
  allMrkdwn,
  buttons,
  comment,
  expectMessageLimits,
  HOSTILE,
  mrkdwnTexts,
  NOW,
  ticket,
} from './helpers.js';

const base = { webBaseUrl: 'https://acme.syncromsp.com/', now: NOW, sandbox: false };

describe('ticketDetailView', () => {
  const t = ticket({
    comments: [
      comment({ id: 1, subject: 'First', created_at: '2026-04-20T10:00:00Z' }),
      comment({ id: 2, subject: 'Internal', hidden: true, created_at: '2026-04-22T10:00:00Z' }),
      comment({ id: 3, subject: 'Second', created_at: '2026-04-21T10:00:00Z' }),
    ],
    line_items: [
      {
        id: 10,
        name: 'Labor - Remote Business',
        quantity: 0.75,
        price_retail: 150,
        taxable: false,
        invoice_id: null,
      } as never,
      {
        id: 11,
        name: 'Labor - Onsite Business',
        quantity: 1,
        price_retail: 175,
        taxable: false,
        invoice_id: 6001,
      } as never,
    ],
  });
  const m = ticketDetailView({ ...base, ticket: t });
  const text = allMrkdwn(m);

  const shows = [
    ['the status', '*Status*\nNew'],
    ['the priority', '*Priority*\nNormal'],
    ['the customer', '*Customer*\nJerry Burger'],
    ['the contact', '*Contact*\nJerry'],
    ['the assigned tech', '*Assigned tech*\nHoward Enos'],
    [
      'the created date as a Slack date',
      '*Created*\n<!date^1776697200^{date_short_pretty} {time}|2026-04-20 15:00 UTC>',
    ],
    ['the due date', '*Due*\n<!date^'],
    ['the last update', '*Updated*\n<!date^'],
    ['a private comment marked', '*Internal* · Howard Enos · <!date^'],
    ['the lock on a private comment', '🔒 private'],
    [
      'line items with quantity, rate and total',
      '*Labor - Remote Business* — 0.75 × $150.00 = $112.50 · not taxable · not invoiced yet',
    ],
    [
      'an invoiced line, its invoice id only inside the link',
      'invoiced (<https://acme.syncromsp.com/invoices/6001|open the invoice>)',
    ],
  ] as const;
  for (const [what, want] of shows) {
    it(`should show ${what}`, () => {
      expect(text).toContain(want);
    });
  }

  it('an assignee Syncro names only by id is not shown by that id', () => {
    const text = allMrkdwn(
      ticketDetailView({ ...base, ticket: ticket({ user: null, user_id: 1750 } as never) }),
    );
    expect(text).toContain('*Assigned tech*\nsomeone not known to the bot');
    expect(text).not.toContain('1750');
  });

  it('should put the number and subject in the header', () => {
    expect(JSON.stringify(m.blocks[0])).toContain('#32164 · Own cloud thing again');
  });

  it('should list comments newest first', () => {
    const order = ['*Internal*', '*Second*', '*First*'].map((s) => text.indexOf(s));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('should offer Open in Syncro and the write buttons carrying the ticket number', () => {
    const writes = buttons(m.blocks).filter((b) => b.action_id !== ACTION.ticketRemoveLine);
    expect(writes.map((b) => [b.action_id, b.text, b.value ?? b.url])).toEqual([
      [ACTION.openLink, 'Open in Syncro', 'https://acme.syncromsp.com/tickets/5'],
      [ACTION.ticketComment, 'Comment', '32164'],
      [ACTION.ticketStatus, 'Update status', '32164'],
      [ACTION.ticketClose, 'Close', '32164'],
      [ACTION.ticketBill, 'Bill', '32164'],
    ]);
  });

  it('should offer Remove on the line not yet invoiced only, pointing at the ticket and the line by id', () => {
    const removes = buttons(m.blocks).filter((b) => b.action_id === ACTION.ticketRemoveLine);
    expect(removes.map((b) => [b.text, b.value])).toEqual([
      ['Remove', removeLineValue({ ticketId: 5, lineItemId: 10 })],
    ]);
    expect(parseRemoveLineValue(removes[0]!.value!)).toEqual({ ticketId: 5, lineItemId: 10 });
    expect(text).toContain('Invoiced line items have no Remove: they stay on the ticket.');
  });

  it('should offer no Remove on a line whose billing Syncro did not say', () => {
    const unknown = ticket({ line_items: [{ id: 12, name: 'Part', quantity: 1, price_retail: 9 } as never] });
    const v = ticketDetailView({ ...base, ticket: unknown });
    expect(buttons(v.blocks).filter((b) => b.action_id === ACTION.ticketRemoveLine)).toEqual([]);
  });

  it('should refuse a Remove value that is not a ticket id and a line id', () => {
    for (const bad of ['', '32164', '{"ticketId":"5","lineItemId":10}', '{"ticketId":5}', '[5,10]', 'null'])
      expect(parseRemoveLineValue(bad)).toBeUndefined();
  });

  it("should show the ticket's invoices by number, day and total, and name a line's invoice by its number", () => {
    const v = ticketDetailView({
      ...base,
      ticket: t,
      invoices: {
        items: [
          {
            id: 6001,
            number: '67447',
            date: '2026-04-23T00:00:00.000Z',
            total: 175,
            created_at: null,
          } as never,
          { id: 6002, number: null, date: null, total: null, created_at: '2026-04-24T10:00:00Z' } as never,
        ],
        more: true,
      },
    });
    const all = allMrkdwn(v);
    expect(all).toContain(
      '*Invoices*\n• <https://acme.syncromsp.com/invoices/6001|Invoice #67447> · 2026-04-23 · $175.00\n' +
        '• <https://acme.syncromsp.com/invoices/6002|Invoice (no number)> · <!date^',
    );
    expect(all).toContain('total not given\n… more in Syncro');
    expect(all).toContain('invoiced (<https://acme.syncromsp.com/invoices/6001|invoice #67447>)');
  });

  it('should say when the invoices could not be read, and show no invoice section when they were not read', () => {
    expect(allMrkdwn(ticketDetailView({ ...base, ticket: t, invoices: 'unavailable' }))).toContain(
      '*Invoices*\nSyncro could not be read for the invoices just now.',
    );
    expect(text).not.toContain('*Invoices*');
  });

  it('should mark an overdue ticket', () => {
    const late = ticketDetailView({ ...base, now: Date.parse('2026-05-01T00:00:00Z'), ticket: t });
    expect(allMrkdwn(late)).toContain('⚠️ overdue');
  });

  it('should show only the 5 most recent of 200 comments and hold the limits', () => {
    const comments = Array.from({ length: 200 }, (_, i) =>
      comment({
        id: i,
        subject: `C${i}`,
        body: 'b'.repeat(2000),
        created_at: new Date(NOW - (200 - i) * 60_000).toISOString(),
      }),
    );
    const big = ticketDetailView({ ...base, ticket: ticket({ comments }) });
    expectMessageLimits(big);
    const all = allMrkdwn(big);
    expect(all).toContain('the 5 most recent of 200, newest first');
    expect(all).toContain('*C199*');
    expect(all).toContain('*C195*');
    expect(all).not.toContain('*C194*');
    expect(latestComments(comments).map((c) => c.id)).toEqual([199, 198, 197, 196, 195]);
  });

  it('should keep the write buttons with 200 comments, 40 uninvoiced lines and 25 invoices within the limits', () => {
    const comments = Array.from({ length: 200 }, (_, i) => comment({ id: i, body: 'b'.repeat(2000) }));
    const line_items = Array.from(
      { length: 40 },
      (_, i) =>
        ({
          id: 100 + i,
          name: 'n'.repeat(300),
          description: 'd'.repeat(2000),
          quantity: 1,
          price_retail: 1,
          converted: false,
        }) as never,
    );
    const items = Array.from(
      { length: 25 },
      (_, i) => ({ id: 7000 + i, number: String(67000 + i), date: '2026-04-23', total: 1 }) as never,
    );
    const big = ticketDetailView({
      ...base,
      ticket: ticket({ comments, line_items }),
      invoices: { items, more: true },
    });
    expectMessageLimits(big);
    expect(buttons(big.blocks).filter((b) => b.action_id === ACTION.ticketRemoveLine)).toHaveLength(20);
    expect(buttons(big.blocks).some((b) => b.action_id === ACTION.ticketBill)).toBe(true);
    const all = allMrkdwn(big);
    expect(all).toContain('… and 20 more in Syncro');
    expect(all).toContain('Invoice #67024');
  });

  it('should cut a 10,000-character comment and hold the limits', () => {
    const big = ticketDetailView({
      ...base,
      ticket: ticket({ comments: [comment({ body: 'z'.repeat(10_000) })] }),
    });
    expectMessageLimits(big);
    expect(allMrkdwn(big)).toContain('more characters in Syncro');
  });

  it('should escape everything from Syncro', () => {
    const hostile = ticket({
      subject: HOSTILE,
      status: HOSTILE,
      priority: HOSTILE,
      customer_business_then_name: HOSTILE,
      contact: { id: 1, name: HOSTILE },
      user: { id: 2, full_name: HOSTILE },
      problem_type: HOSTILE,
      comments: [comment({ subject: HOSTILE, body: `${HOSTILE}<br>line <b>bold</b>`, tech: HOSTILE })],
      line_items: [{ id: 1, name: HOSTILE, description: HOSTILE, quantity: 1, price_retail: 1 } as never],
    });
    const v = ticketDetailView({ ...base, ticket: hostile });
    for (const s of [v.text, ...mrkdwnTexts(v.blocks)]) {
      expect(s).not.toContain('<!channel>');
      expect(s).not.toContain('<@U123>');
      expect(s).not.toContain('<https://evil');
    }
    expect(allMrkdwn(v)).toContain('&lt;!channel&gt;');
  });
});
