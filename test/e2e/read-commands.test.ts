import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { USAGE } from '../../src/commands/parse.js';
import { COMMAND_NAMES } from '../../src/commands/types.js';
import { ACTION } from '../../src/slack/action-ids.js';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import {
  askBot,
  buttonValue,
  codeLines,
  type Harness,
  KEYS,
  mrkdwnTexts,
  plainTexts,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * The read commands end to end: a signed slash command into Bolt's HTTP receiver, the Syncro simulator behind
 * the bot, and what the person receives at the command's response_url.
 */

type Body = { text?: string; blocks?: unknown[] };

const CLOSED = new Set(['Resolved', 'Closed']);

/** Numbers of the tickets in a list reply, in the order shown. */
function listedNumbers(reply: Body): number[] {
  return codeLines(reply).map((l) => Number(/^#(\d+)/.exec(l)?.[1]));
}

/** Section texts of a reply, in order (comment blocks are sections). */
function sectionTexts(reply: Body): string[] {
  return (reply.blocks ?? []).flatMap((b) => {
    const t = (b as { type?: string; text?: { text?: string } }).text?.text;
    return (b as { type?: string }).type === 'section' && typeof t === 'string' ? [t] : [];
  });
}

function buttons(reply: Body): Array<{ action_id: string; value?: string; url?: string; text: string }> {
  return (reply.blocks ?? []).flatMap((b) =>
    ((b as { elements?: Array<Record<string, unknown>> }).elements ?? [])
      .filter((e) => e.type === 'button')
      .map((e) => ({
        action_id: String(e.action_id),
        value: e.value as string | undefined,
        url: e.url as string | undefined,
        text: String((e.text as { text?: string })?.text ?? ''),
      })),
  );
}

describe('read commands', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('/syncro (open tickets)', () => {
    it('should list every open ticket in the reference format, aligned in one code block, when /syncro is bare', async () => {
      const { status, reply } = await askBot(h, USERS.howard, '');
      expect(status).toBe(200);
      expect(reply.response_type).toBe('ephemeral');

      const lines = codeLines(reply);
      // The reference's line (the status column is as wide as the longest status shown, here "Waiting on Customer").
      expect(lines).toContainEqual(
        expect.stringMatching(/^#32164 {2}New {17}Jerry Burger {11}Own cloud thing again$/),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^#32163 {2}New {17}LeeAnn Parkinson {7}Remote - Jim cant access his email$/),
      );

      // Columns line up: status, customer and subject start at the same offset on every line.
      const open = h.sim.state.tickets.filter((t) => !CLOSED.has(t.status));
      expect(lines).toHaveLength(open.length);
      const statusCols = new Set<number>();
      const customerCols = new Set<number>();
      for (const line of lines) {
        const t = h.sim.state.ticketByNumber(Number(/^#(\d+)/.exec(line)?.[1]))!;
        const c = h.sim.state.customer(t.customer_id)!;
        const name = c.business_name ?? `${c.firstname} ${c.lastname}`;
        statusCols.add(line.indexOf(` ${t.status}`) + 1);
        customerCols.add(line.indexOf(name.slice(0, 8)));
        expect(line.endsWith(t.subject)).toBe(true);
      }
      expect(statusCols.size).toBe(1);
      expect(customerCols.size).toBe(1);
    });

    it('should open a listed ticket with one pick from the list, without retyping its number', async () => {
      const { reply } = await askBot(h, USERS.howard, '');
      const select = (reply.blocks ?? [])
        .flatMap((b) => (b as { elements?: Array<Record<string, unknown>> }).elements ?? [])
        .find((e) => e.action_id === ACTION.openTicket) as
        | { options: Array<{ value: string; text: { text: string } }> }
        | undefined;
      // Every ticket on the page is offered, in the list's order, named by number and subject.
      expect(select?.options.map((o) => Number(o.value))).toEqual(listedNumbers(reply));
      expect(select?.options.map((o) => o.text.text)).toContain('#32164 · Own cloud thing again');

      const pick = await h.click(USERS.howard, ACTION.openTicket, '', { selectedOption: { value: '32164' } });
      const detail = await h.slack.waitForResponse(
        (r) => r.url === pick.responseUrl && /32164/.test(r.body.text ?? ''),
      );
      expect(textOf(detail.body)).toContain('Own cloud thing again');
      expect(buttons(detail.body).map((b) => b.action_id)).toContain(ACTION.ticketComment);
    });

    it("should ask Syncro for 'Not Closed' and show no Resolved or Closed ticket when listing open tickets", async () => {
      const { reply } = await askBot(h, USERS.howard, '');
      const listCall = h.sim.requests.find((r) => r.method === 'GET' && r.path === '/tickets');
      expect(listCall?.query.status).toBe('Not Closed');

      const shown = listedNumbers(reply);
      const expected = h.sim.state
        .ticketsNewestFirst()
        .filter((t) => !CLOSED.has(t.status))
        .map((t) => t.number);
      expect(shown).toEqual(expected);
      for (const closed of [32150, 32151, 32156, 32158, 32159]) expect(shown).not.toContain(closed);
    });

    it('should page past one message with a Next button that shows the rest when there are more than 25 open tickets', async () => {
      const jerry = h.sim.state.customers.find((c) => c.firstname === 'Jerry')!;
      for (let i = 1; i <= 20; i++) {
        h.sim.state.addTicket({ customer_id: jerry.id, subject: `Bulk open ticket ${i}`, status: 'New' });
      }
      const open = h.sim.state
        .ticketsNewestFirst()
        .filter((t) => !CLOSED.has(t.status))
        .map((t) => t.number);
      expect(open.length).toBe(31);

      const first = await askBot(h, USERS.howard, '');
      const page1 = listedNumbers(first.reply);
      expect(page1).toHaveLength(25);
      expect(textOf(first.reply)).toContain('31 open tickets, page 1 of 2');
      const next = buttonValue(first.reply.blocks, ACTION.page);
      expect(next).toBeDefined();
      expect(buttons(first.reply).find((b) => b.action_id === ACTION.page)?.text).toMatch(/Next/);

      const click = await h.click(USERS.howard, ACTION.page, next!);
      expect(click.status).toBe(200);
      const second = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
      expect(second.body.replace_original).toBe(true);
      const page2 = listedNumbers(second.body);
      expect(page2).toHaveLength(6);
      expect(textOf(second.body)).toContain('31 open tickets, page 2 of 2');
      expect(buttons(second.body).map((b) => b.text)).toEqual([expect.stringMatching(/Previous/)]);
      // Together the pages are exactly the open tickets, each once, in Syncro's order.
      expect([...page1, ...page2]).toEqual(open);
    });

    it('should say there is no such page and how many there are when asked for a page past the last', async () => {
      const jerry = h.sim.state.customers.find((c) => c.firstname === 'Jerry')!;
      for (let i = 1; i <= 20; i++) {
        h.sim.state.addTicket({ customer_id: jerry.id, subject: `Bulk open ticket ${i}`, status: 'New' });
      }
      const { reply } = await askBot(h, USERS.howard, 'summary 5');
      const text = textOf(reply);
      expect(text).toContain('There is no page 5: there are 2 pages (31 open tickets).');
      expect(text).toContain('`/syncro summary 2` shows the last one.');
      expect(text).not.toContain('No open tickets');
      expect(codeLines(reply)).toHaveLength(0);
    });
  });

  describe('ticket <n>', () => {
    it('should show number, subject, status, priority, customer, tech, the 5 newest comments with hidden ones marked, line items, a Syncro link and the next-step buttons', async () => {
      const t = h.sim.state.ticketByNumber(32161)!;
      const base = Date.now() - 10 * 3_600_000;
      for (let i = 1; i <= 5; i++) {
        h.sim.state.addComment({
          ticket_id: t.id,
          subject: `Follow-up ${i}`,
          body: `Step ${i} done`,
          hidden: i === 3,
          do_not_email: i === 3,
          user_id: 1735,
          tech: 'Michael Swanson',
          created_at: new Date(base + i * 3_600_000).toISOString(),
        });
      }

      const { reply } = await askBot(h, USERS.howard, 'ticket 32161');
      expect(reply.response_type).toBe('ephemeral');
      expect(plainTexts(reply)[0]).toBe('#32161 · GAGETRAK agent offline');
      const all = mrkdwnTexts(reply).join('\n');
      expect(all).toContain('*Status*\nIn Progress');
      expect(all).toContain('*Priority*\nNormal');
      expect(all).toContain('*Customer*\nDataforth Corporation');
      expect(all).toContain('*Assigned tech*\nMichael Swanson');

      // The last five comments, newest first; the two seeded ones (older) are not shown.
      const comments = sectionTexts(reply).filter((s) =>
        /^\*(Follow-up \d|Initial Issue|Internal Note)\*/.test(s),
      );
      expect(comments.map((s) => /^\*([^*]+)\*/.exec(s)?.[1])).toEqual([
        'Follow-up 5',
        'Follow-up 4',
        'Follow-up 3',
        'Follow-up 2',
        'Follow-up 1',
      ]);
      expect(all).toContain('the 5 most recent of 7');
      expect(comments.filter((s) => /private/i.test(s))).toEqual([comments[2]]);

      // Line items with quantity, rate, amount and billing status.
      expect(all).toMatch(
        /Labor - Remote Business\* — 0\.75 × \$150\.00 = \$112\.50 · not taxable · not invoiced yet/,
      );

      const b = buttons(reply);
      expect(b.find((x) => x.action_id === ACTION.openLink)?.url).toBe(`${h.sim.webUrl}/tickets/${t.id}`);
      expect(b.filter((x) => x.value === '32161').map((x) => [x.text, x.action_id])).toEqual([
        ['Comment', ACTION.ticketComment],
        ['Update status', ACTION.ticketStatus],
        ['Close', ACTION.ticketClose],
        ['Bill', ACTION.ticketBill],
        ['⏱ Start timer', ACTION.timerStart],
      ]);
      expect(h.sim.writes()).toHaveLength(0);
    });

    it('should mark line items that are on an invoice as invoiced', async () => {
      const t = h.sim.state.ticketByNumber(32161)!;
      h.sim.state.createInvoice({ customer_id: t.customer_id, ticket_id: t.id, category: 'Standard' });
      const all = mrkdwnTexts((await askBot(h, USERS.howard, 'ticket 32161')).reply).join('\n');
      expect(all).toMatch(
        /Labor - Remote Business\* — 0\.75 × \$150\.00 = \$112\.50 · not taxable · invoiced/,
      );
      expect(all).not.toContain('not invoiced yet');
    });

    it('should show the same ticket when the number is given with #, without it, or bare', async () => {
      const plain = await askBot(h, USERS.howard, 'ticket 32163');
      const hashed = await askBot(h, USERS.howard, 'ticket #32163');
      const bare = await askBot(h, USERS.howard, '#32163');
      expect(hashed.reply.blocks).toEqual(plain.reply.blocks);
      expect(bare.reply.blocks).toEqual(plain.reply.blocks);
      const all = mrkdwnTexts(plain.reply).join('\n');
      expect(all).toContain('*Contact*\nJim Parkinson');
      expect(all).toContain('*Customer*\nLeeAnn Parkinson');
      expect(all).toContain('Jim gets "account locked" on his phone and laptop.');
    });

    it('should list every line item of an invoiced ticket with its quantity and rate', async () => {
      const { reply } = await askBot(h, USERS.howard, 'ticket 32162');
      const all = mrkdwnTexts(reply).join('\n');
      expect(all).toContain('*Status*\nInvoiced');
      expect(all).toMatch(/Labor - Onsite Business\* — 3 × \$175\.00 = \$525\.00/);
      expect(all).toMatch(/Fee - Travel Time\* — 1 × \$75\.00 = \$75\.00/);
    });

    it("should keep a comment's angle-bracket text that is not HTML, escaped", async () => {
      const { reply } = await askBot(h, USERS.howard, 'ticket 32165');
      const all = mrkdwnTexts(reply).join('\n');
      expect(all).toContain('Scan to email stopped &amp; QuickBooks shows &lt;error 6123&gt;.');
    });
  });

  describe('search and customers', () => {
    it('should find tickets by subject in the reference format when searching', async () => {
      const { reply } = await askBot(h, USERS.howard, 'search own cloud');
      expect(reply.response_type).toBe('ephemeral');
      expect(codeLines(reply)).toEqual(['#32164  New        Jerry Burger           Own cloud thing again']);
      expect(h.sim.requests.find((r) => r.path === '/tickets')?.query.query).toBe('own cloud');
    });

    it('should find tickets of every status by customer name when searching', async () => {
      const { reply } = await askBot(h, USERS.howard, 'search dataforth');
      expect(listedNumbers(reply).sort()).toEqual([32150, 32157, 32161]);
    });

    it('should say that no ticket matches, without a list, when a search matches nothing', async () => {
      const { reply } = await askBot(h, USERS.howard, 'search zebra');
      expect(codeLines(reply)).toEqual([]);
      expect(plainTexts(reply)[0]).toContain('zebra');
      expect(mrkdwnTexts(reply).join('\n')).toContain('No ticket matches “zebra”.');
      expect(mrkdwnTexts(reply).join('\n')).not.toMatch(/open tickets/i);
    });

    it('should page through search results with the same query when a search matches more than 25 tickets', async () => {
      const jerry = h.sim.state.customers.find((c) => c.firstname === 'Jerry')!;
      for (let i = 1; i <= 27; i++) {
        h.sim.state.addTicket({
          customer_id: jerry.id,
          subject: `Toner low #${i}`,
          status: i % 2 ? 'Closed' : 'New',
        });
      }
      const first = await askBot(h, USERS.howard, 'search toner');
      expect(listedNumbers(first.reply)).toHaveLength(25);
      const click = await h.click(USERS.howard, ACTION.page, buttonValue(first.reply.blocks, ACTION.page)!);
      const second = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
      expect(second.body.replace_original).toBe(true);
      expect(plainTexts(second.body)[0]).toBe('Tickets matching “toner”');
      const all = [...listedNumbers(first.reply), ...listedNumbers(second.body)];
      expect(new Set(all).size).toBe(27);
      expect(
        h.sim.requests.filter((r) => r.path === '/tickets').map((r) => [r.query.query, r.query.page]),
      ).toEqual([
        ['toner', '1'],
        ['toner', '2'],
      ]);
    });

    it('should show prepaid hours for the customers that have them when searching customers', async () => {
      const { reply } = await askBot(h, USERS.howard, 'customers a');
      expect(reply.response_type).toBe('ephemeral');
      const lines = mrkdwnTexts(reply)
        .join('\n')
        .split('\n')
        .filter((l) => l.startsWith('• '));
      const line = (name: string) => lines.find((l) => l.includes(`*${name}*`));
      expect(line('Dataforth Corporation')).toMatch(/10 prepaid h/);
      expect(line('Desert Sky Veterinary Clinic')).toMatch(/4\.5 prepaid h/);
      expect(line('Acme Dental')).toMatch(/0 prepaid h/);
      expect(line('Jerry Burger')).toBeDefined();
      expect(line('Jerry Burger')).not.toMatch(/prepaid/);
      expect(line("Len's Auto Brokerage")).not.toMatch(/prepaid/);
    });
  });

  describe('help, whoami, audit', () => {
    it('should list the usage of every subcommand when asked for help', async () => {
      const { reply } = await askBot(h, USERS.howard, 'help');
      expect(reply.response_type).toBe('ephemeral');
      const lines = codeLines(reply);
      for (const name of COMMAND_NAMES.filter((n) => n !== 'connect' && n !== 'disconnect'))
        expect(lines).toContain(USAGE[name]);
      // Enrolment is off in this configuration: connecting a key is not offered.
      expect(lines).not.toContain(USAGE.connect);
      expect(lines).not.toContain(USAGE.disconnect);
      expect(h.sim.requests).toHaveLength(0);
    });

    it('should explain one subcommand, its usage shown once, when asked for help on it', async () => {
      const { reply } = await askBot(h, USERS.howard, 'help comment');
      const lines = codeLines(reply);
      expect(lines.filter((l) => l === USAGE.comment)).toHaveLength(1);
      expect(mrkdwnTexts(reply).join('\n')).toMatch(/Everything after the number is the comment/);
      expect(lines).not.toContain(USAGE.bill);
    });

    it('should show the mapping, the key source and what /me says, never the key, when asked whoami', async () => {
      const { reply } = await askBot(h, USERS.howard, 'whoami');
      const all = mrkdwnTexts(reply).join('\n');
      expect(all).toContain('*Name*\nHoward Enos');
      expect(all).toContain('*Syncro user id*\n1750');
      expect(all).toContain('env:SYNCRO_KEY_HOWARD');
      expect(all).toMatch(/key belongs to \*Howard Enos\* \(Syncro user 1750\)/);
      expect(all).toMatch(/You can post/);
      expect(JSON.stringify(reply)).not.toContain(KEYS.howard);
      expect(h.sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /me']);
    });

    it('should say nothing was written through the bot when a ticket has no audit entries', async () => {
      const { reply } = await askBot(h, USERS.howard, 'audit 32164');
      expect(plainTexts(reply)[0]).toBe('Audit log for #32164');
      expect(mrkdwnTexts(reply).join('\n')).toContain('No writes from this bot are recorded for #32164');
    });

    it('should show who asked, who pressed and under whose name, when a comment was posted through the bot', async () => {
      const res = await h.command(USERS.howard, 'comment 32164 Rebooted the NAS');
      const card = await h.slack.waitForResponse((r) => r.url === res.responseUrl);
      const post = buttonValue(card.body.blocks, ACTION.post)!;
      const click = await h.click(USERS.howard, ACTION.post, post);
      await h.slack.waitForResponse((r) => r.url === click.responseUrl && /posted/i.test(r.body.text ?? ''));
      const ticketId = h.sim.state.ticketByNumber(32164)!.id;

      const { reply } = await askBot(h, USERS.howard, 'audit #32164');
      const all = mrkdwnTexts(reply).join('\n');
      // The write in words and the ticket's number, not Syncro's path with its id.
      expect(all).toContain('*Comment* on #32164');
      expect(all).not.toContain(`/tickets/${ticketId}/comment`);
      expect(all).toMatch(/succeeded/);
      expect(all).toContain('asked by <@U0HOWARD1>');
      expect(all).toContain('pressed by <@U0HOWARD1>');
      expect(all).toContain('as *Howard Enos*');
      expect(reply.text).toContain('1 write(s)');
    });
  });
});

describe('read command errors', () => {
  let h: Harness;
  let sim: FaultySimulator | undefined;
  afterEach(async () => {
    await h.close();
    await sim?.close();
    sim = undefined;
  });

  it('should answer plainly that there is no such ticket when the number is unknown', async () => {
    h = await startHarness();
    const { reply } = await askBot(h, USERS.howard, 'ticket 99999');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/^No such ticket/);
    expect(h.sim.writes()).toHaveLength(0);
  });

  it.each([
    ['ticket abc', /“abc” is not a ticket number/, USAGE.ticket],
    ['frobnicate', /“frobnicate” is not a \/syncro subcommand/, USAGE.summary],
    ['comment #12a looks fine', /12a/, USAGE.comment],
  ])(
    'should name the problem and the usage privately, asking Syncro nothing, when the input is %j',
    async (text, problem, usage) => {
      h = await startHarness();
      const { status, reply } = await askBot(h, USERS.howard, text);
      expect(status).toBe(200);
      expect(reply.response_type).toBe('ephemeral');
      expect(reply.text).toMatch(problem);
      expect(codeLines(reply)).toContain(usage);
      expect(h.sim.requests).toHaveLength(0);
      expect(await h.actions()).toHaveLength(0);
    },
  );

  it('should say the key was refused and how to renew it when Syncro answers 401', async () => {
    sim = await startFaultySimulator({
      keys: { [KEYS.mike]: { user_id: 1735, user_name: 'Michael Swanson' } },
    });
    h = await startHarness({ sim });
    const { reply } = await askBot(h, USERS.howard, 'ticket 32164');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/Syncro refused your API key/);
    expect(reply.text).toMatch(/expired/);
    expect(reply.text).toMatch(/Admin → API Tokens/);
    expect(sim.requests.every((r) => r.apiKey === KEYS.howard)).toBe(true);
    expect(sim.requests.map((r) => r.path)).toEqual(['/me']);
  });

  it('should say to try again later, without a stack trace, when Syncro keeps answering 503', async () => {
    h = await startHarness();
    h.sim.injectFault({ method: 'GET', mode: 'status_503', times: Number.POSITIVE_INFINITY });
    const { reply } = await askBot(h, USERS.howard, '');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/try again later/);
    const shown = JSON.stringify(reply);
    expect(shown).not.toMatch(/\.ts:\d+|at [\w.]+ \(|Error\b|503|<html>/);
    // The read was retried (bounded) before giving up.
    expect(h.sim.requests.length).toBe(3);
  });

  it('should answer once Syncro recovers when only one outage answer came back', async () => {
    h = await startHarness();
    h.sim.injectFault({ method: 'GET', path: '/tickets', mode: 'status_503', times: 1 });
    const { reply } = await askBot(h, USERS.howard, 'search printer');
    expect(listedNumbers(reply)).toEqual([32154]);
  });
});

describe('escaping of Syncro text', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    const c = h.sim.state.addCustomer({
      business_name: 'Smith & Sons <HVAC>',
      firstname: 'Al',
      lastname: 'Smith',
    });
    h.sim.state.addTicket({
      number: 32170,
      customer_id: c.id,
      subject: '<!channel> urgent <@U123> & co',
      status: 'New',
    });
    h.sim.state.addComment({
      ticket_id: h.sim.state.ticketByNumber(32170)!.id,
      subject: 'Ping <!here>',
      body: 'cc <!everyone> and <@U999|boss>',
      hidden: false,
      do_not_email: true,
      user_id: null,
      tech: 'Al <Smith>',
    });
  });
  afterEach(async () => {
    await h.close();
  });

  /** No mention or special command survives in anything Slack parses; the escaped form is shown instead. */
  function expectEscaped(reply: Body, expected: string[]): void {
    const parsed = mrkdwnTexts(reply);
    for (const t of parsed) {
      expect(t).not.toMatch(/<!(channel|here|everyone)>|<@U\d+(\|[^>]*)?>/);
    }
    const joined = parsed.join('\n');
    for (const e of expected) expect(joined).toContain(e);
  }

  it.each([
    ['', ['&lt;!channel&gt; urgent &lt;@U123&gt; &amp; co', 'Smith &amp; Sons &lt;HVAC&gt;']],
    ['search urgent', ['&lt;!channel&gt; urgent &lt;@U123&gt; &amp; co']],
    [
      'ticket 32170',
      [
        'Smith &amp; Sons &lt;HVAC&gt;',
        '*Ping &lt;!here&gt;*',
        'cc &lt;!everyone&gt; and &lt;@U999|boss&gt;',
        'Al &lt;Smith&gt;',
        '&lt;!channel&gt; urgent &lt;@U123&gt; &amp; co',
      ],
    ],
    ['customers smith', ['Smith &amp; Sons &lt;HVAC&gt;']],
  ])(
    'should escape &, < and > from Syncro so nobody is pinged when the reply to %j shows them',
    async (text, expected) => {
      const { reply } = await askBot(h, USERS.howard, text);
      expectEscaped(reply, expected);
    },
  );

  it('should show the subject as typed in the plain-text header, where Slack parses nothing', async () => {
    const { reply } = await askBot(h, USERS.howard, 'ticket 32170');
    expect(plainTexts(reply)[0]).toBe('#32170 · <!channel> urgent <@U123> & co');
  });
});

describe('acknowledgement', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('should answer the slash command at once and reply later when Syncro hangs', async () => {
    h = await startHarness({ timeoutMs: 10_000 });
    h.sim.injectFault({ method: 'GET', path: '/tickets', mode: 'hang' });
    const pending = h.command(USERS.howard, '');
    // Syncro has the request and is not answering…
    await h.sim.waitForRequests(1, (r) => r.method === 'GET' && r.path === '/tickets');
    // …and Slack already has its 200, with nothing yet at the response_url.
    const res = await pending;
    expect(res.status).toBe(200);
    expect(h.slack.responses).toHaveLength(0);

    h.sim.releaseHangs();
    const reply = await h.slack.waitForResponse((r) => r.url === res.responseUrl);
    expect(codeLines(reply.body)).toContainEqual(
      expect.stringMatching(/^#32164 {2}New +Jerry Burger +Own cloud thing again$/),
    );
  });
});
