import { describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/action-ids.js';
import { formatTicketLines, ticketListView } from '../../../src/slack/views/ticket-list.js';
import {
  allMrkdwn,
  buttons,
  codeChunks,
  expectMessageLimits,
  findShown,
  HOSTILE,
  ticket,
} from './helpers.js';

const reference = [
  ticket({
    number: 32164,
    status: 'New',
    customer_business_then_name: 'Jerry Burger',
    subject: 'Own cloud thing again',
  }),
  ticket({
    number: 32163,
    status: 'New',
    customer_business_then_name: 'LeeAnn Parkinson',
    subject: 'Remote - Jim cant access his email',
  }),
  ticket({
    number: 32162,
    status: 'Invoiced',
    customer_business_then_name: "Len's Auto Brokerage",
    subject: 'Server upgrade',
  }),
];

describe('formatTicketLines', () => {
  it('should align like the terminal command', () => {
    expect(formatTicketLines(reference)).toEqual([
      '#32164  New        Jerry Burger           Own cloud thing again',
      '#32163  New        LeeAnn Parkinson       Remote - Jim cant access his email',
      "#32162  Invoiced   Len's Auto Brokerage   Server upgrade",
    ]);
  });

  const scenarios = [
    {
      name: 'a long customer name is cut to its column',
      tickets: [
        ticket({ customer_business_then_name: 'A Very Long Business Name Incorporated', subject: 'S' }),
      ],
      want: ['#32164  New        A Very Long Business … S'],
    },
    {
      name: 'a long status widens the column for every line',
      tickets: [
        ticket({ status: 'Waiting on Customer', subject: 'A' }),
        ticket({ number: 9, status: 'New', subject: 'B' }),
      ],
      want: [
        '#32164  Waiting on Customer Jerry Burger           A',
        '#9      New                 Jerry Burger           B',
      ],
    },
    {
      name: 'the customer name falls back to the customer record',
      tickets: [
        ticket({
          customer_business_then_name: null,
          customer: { id: 1, business_name: 'Acme' },
          subject: 'X',
        }),
      ],
      want: ['#32164  New        Acme                   X'],
    },
  ];
  for (const s of scenarios) {
    it(`should keep the columns aligned (${s.name})`, () => {
      expect(formatTicketLines(s.tickets)).toEqual(s.want);
    });
  }
});

describe('ticketListView', () => {
  it('should show the aligned list in a code block', () => {
    const m = ticketListView({
      title: 'Open tickets',
      tickets: reference,
      page: 1,
      totalPages: 1,
    });
    expect(findShown(codeChunks(m.blocks), formatTicketLines(reference).join('\n'))).toBeGreaterThan(0);
    expect(buttons(m.blocks)).toEqual([]);
  });

  it('should say so, kindly, when there are no tickets', () => {
    const m = ticketListView({ title: 'Open tickets', tickets: [], page: 1, totalPages: 1 });
    expect(allMrkdwn(m)).toContain('No open tickets');
  });

  const pages = [
    { name: 'first of three', page: 1, want: [['Next ▶', 2]] },
    {
      name: 'middle',
      page: 2,
      want: [
        ['◀ Previous', 1],
        ['Next ▶', 3],
      ],
    },
    { name: 'last', page: 3, want: [['◀ Previous', 2]] },
  ];
  for (const s of pages) {
    it(`should offer page buttons carrying {kind, query, page} (${s.name})`, () => {
      const m = ticketListView({
        title: 'Search',
        tickets: reference,
        page: s.page,
        totalPages: 3,
        pageAction: { kind: 'search', query: 'cloud' },
      });
      const b = buttons(m.blocks);
      expect(b.every((x) => x.action_id === ACTION.page)).toBe(true);
      expect(b.map((x) => [x.text, JSON.parse(x.value!).page])).toEqual(s.want);
      expect(JSON.parse(b[0]!.value!)).toMatchObject({ kind: 'search', query: 'cloud' });
      expect(allMrkdwn(m)).toContain(`Page ${s.page} of 3`);
      expectMessageLimits(m);
    });
  }

  it('should escape subjects and customers from Syncro', () => {
    const m = ticketListView({
      title: 'Open',
      tickets: [ticket({ subject: HOSTILE, customer_business_then_name: '<!here> & Co' })],
      page: 1,
      totalPages: 1,
    });
    const text = allMrkdwn(m);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&amp; Co');
  });

  it('should hold the limits with 500 tickets and show every one', () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      ticket({
        number: 40000 + i,
        subject: `${'Subject '.repeat(12)}${i} & <more>`,
        customer_business_then_name: `Customer ${i}`,
      }),
    );
    const m = ticketListView({
      title: 'All',
      tickets: many,
      page: 1,
      totalPages: 2,
      pageAction: { kind: 'summary' },
    });
    expectMessageLimits(m);
    expect(findShown(codeChunks(m.blocks), formatTicketLines(many).join('\n'))).toBeGreaterThan(0);
    expect(buttons(m.blocks).map((b) => b.text)).toEqual(['Next ▶']);
  });
});
