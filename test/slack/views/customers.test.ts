import { describe, expect, it } from 'vitest';
import { ACTION, OPTIONS } from '../../../src/slack/action-ids.js';
import { customerListView } from '../../../src/slack/views/customer-list.js';
import {
  customerPickBlockId,
  customerPickView,
  parseCustomerPickBlockId,
} from '../../../src/slack/views/customer-pick.js';
import type { Customer } from '../../../src/syncro/schemas.js';
import { allMrkdwn, buttons, expectMessageLimits, HOSTILE, mrkdwnTexts } from './helpers.js';

const customer = (id: number, over: Partial<Customer> = {}): Customer => ({
  id,
  business_then_name: `Customer ${id}`,
  ...over,
});

describe('customerListView', () => {
  it('should list customers with their prepaid hours where present', () => {
    const m = customerListView({
      customers: [customer(1, { prepay_hours: 10.5, email: 'a@b.c' }), customer(2)],
      query: 'cust',
      page: 1,
      totalPages: 1,
    });
    const text = allMrkdwn(m);
    expect(text).toContain('*Customer 1* · a@b.c · ⏱ 10.5 prepaid h');
    expect(text).toContain('*Customer 2*');
    expect(text).not.toContain('*Customer 2* · ⏱');
    expect(text).not.toContain('(id ');
  });

  it('two customers of one name are told apart by where they are, not by Syncro’s id', () => {
    const m = customerListView({
      customers: [
        customer(31, { business_then_name: 'Acme', city: 'Leeds' }),
        customer(32, { business_then_name: 'Acme', phone: '0113 496 0000' }),
        customer(33, { business_then_name: 'Other' }),
      ],
      query: 'acme',
      page: 1,
      totalPages: 1,
    });
    const text = allMrkdwn(m);
    expect(text).toContain('*Acme* · Leeds');
    expect(text).toContain('*Acme* · 0113 496 0000');
    expect(text).toMatch(/\*Other\*(\n|$)/);
    expect(text).not.toMatch(/\b3[123]\b/);
  });

  it('should page with {kind: customers, query, page}', () => {
    const m = customerListView({
      customers: [customer(1)],
      query: 'acme',
      page: 1,
      totalPages: 2,
    });
    expect(buttons(m.blocks).map((b) => [b.action_id, JSON.parse(b.value!)])).toEqual([
      [ACTION.page, { kind: 'customers', query: 'acme', page: 2 }],
    ]);
  });

  it('should escape names and the query', () => {
    const m = customerListView({
      customers: [customer(1, { business_then_name: HOSTILE })],
      query: HOSTILE,
      page: 1,
      totalPages: 1,
    });
    for (const s of [m.text, ...mrkdwnTexts(m.blocks)]) expect(s).not.toMatch(/<!channel>|<@U123>/);
  });
});

describe('customerPickView', () => {
  const draft = { subject: 'Printer offline', priority: 'Normal' };
  const scenarios = [
    { name: 'two matches', count: 2, want: { buttons: 2, search: false } },
    { name: 'ten matches', count: 10, want: { buttons: 10, search: false } },
    { name: 'thirty matches', count: 30, want: { buttons: 10, search: true } },
  ];
  for (const s of scenarios) {
    it(`should offer one button per customer and never guess (${s.name})`, () => {
      const m = customerPickView({
        query: 'burger',
        customers: Array.from({ length: s.count }, (_, i) => customer(i + 1)),
        draft,
      });
      const b = buttons(m.blocks);
      expect(b).toHaveLength(s.want.buttons);
      b.forEach((x, i) => {
        expect(x.action_id).toBe(ACTION.pickCustomer);
        expect(JSON.parse(x.value!)).toEqual({ draft, customerId: i + 1 });
      });
      const select = m.blocks.find((bl) => JSON.stringify(bl).includes(OPTIONS.customerSearch));
      expect(Boolean(select)).toBe(s.want.search);
      if (select) {
        expect(parseCustomerPickBlockId(select.block_id!)).toEqual(draft);
        expect(select.block_id).toBe(customerPickBlockId(draft));
      }
      expect(allMrkdwn(m)).toContain('never guesses');
      expectMessageLimits(m);
    });
  }

  it('should refuse to carry a draft too long for a button value', () => {
    const m = customerPickView({
      query: 'x',
      customers: [customer(1), customer(2)],
      draft: { subject: 's'.repeat(2100) },
    });
    expect(buttons(m.blocks)).toEqual([]);
    expect(allMrkdwn(m)).toContain('too long');
  });

  it('should escape the query, the subject and customer names', () => {
    const m = customerPickView({
      query: HOSTILE,
      customers: [customer(1, { business_then_name: HOSTILE }), customer(2)],
      draft: { subject: HOSTILE },
    });
    for (const s of [m.text, ...mrkdwnTexts(m.blocks)]) expect(s).not.toMatch(/<!channel>|<@U123>/);
  });
});
