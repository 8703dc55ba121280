import { describe, expect, it } from 'vitest';
import {
  HELP_TEXT,
  helpCommandNames,
  helpFor,
  parseCommand,
  USAGE,
  USAGE_TEXT,
} from '../../src/commands/parse.js';
import { COMMAND_NAMES, type Command } from '../../src/commands/types.js';

type Want = { command: Command } | { error: RegExp; usage?: string };

const scenarios: Array<{ name: string; text: string; want: Want }> = [
  // summary
  { name: 'bare /syncro is the summary', text: '', want: { command: { name: 'summary' } } },
  { name: 'whitespace only is the summary', text: '  \n\t ', want: { command: { name: 'summary' } } },
  { name: 'summary with a page', text: 'summary 2', want: { command: { name: 'summary', page: 2 } } },
  { name: 'summary page N', text: 'Summary page 3', want: { command: { name: 'summary', page: 3 } } },
  { name: 'page alias', text: 'page 4', want: { command: { name: 'summary', page: 4 } } },
  {
    name: 'summary page 0 is refused',
    text: 'summary 0',
    want: { error: /page number from 1 to 1000/, usage: USAGE.summary },
  },
  { name: 'summary with words is refused', text: 'summary everything', want: { error: /page number/ } },

  // ticket numbers
  { name: 'ticket with #', text: 'ticket #32164', want: { command: { name: 'ticket', number: '32164' } } },
  { name: 'ticket without #', text: 'ticket 32164', want: { command: { name: 'ticket', number: '32164' } } },
  {
    name: 'subcommand is case-insensitive',
    text: 'TiCkEt 32164',
    want: { command: { name: 'ticket', number: '32164' } },
  },
  {
    name: '"# 32164" with a space',
    text: 'ticket # 32164',
    want: { command: { name: 'ticket', number: '32164' } },
  },
  {
    name: 'leading zeros are dropped',
    text: 'ticket 0032164',
    want: { command: { name: 'ticket', number: '32164' } },
  },
  {
    name: 'bare number shows the ticket',
    text: '#32164',
    want: { command: { name: 'ticket', number: '32164' } },
  },
  { name: 'bare number without #', text: ' 32164 ', want: { command: { name: 'ticket', number: '32164' } } },
  { name: 'show alias', text: 'show 7', want: { command: { name: 'ticket', number: '7' } } },
  {
    name: '#12a is refused with a clear message',
    text: 'ticket #12a',
    want: { error: /“#12a” is not a ticket number: use digits only/, usage: USAGE.ticket },
  },
  { name: 'bare #12a is refused too', text: '#12a', want: { error: /“#12a” is not a ticket number/ } },
  { name: 'ticket 0 is refused', text: 'ticket #0', want: { error: /start at 1/ } },
  { name: 'a 13-digit number is refused', text: 'ticket 1234567890123', want: { error: /too long/ } },
  {
    name: 'ticket without number',
    text: 'ticket',
    want: { error: /Give a ticket number/, usage: USAGE.ticket },
  },
  {
    name: 'ticket with extra words',
    text: 'ticket 32164 printer',
    want: { error: /takes only a ticket number/ },
  },
  {
    name: 'full-width digits are not digits',
    text: 'ticket ３２１６４',
    want: { error: /not a ticket number/ },
  },
  { name: 'negative number', text: 'ticket -5', want: { error: /not a ticket number/ } },

  // create
  {
    name: 'create with a double-quoted customer',
    text: 'create "Len\'s Auto Brokerage" Server upgrade',
    want: {
      command: {
        name: 'create',
        customer: { kind: 'quoted', text: "Len's Auto Brokerage" },
        subject: 'Server upgrade',
      },
    },
  },
  {
    name: 'create with curly quotes',
    text: 'create “Len’s Auto Brokerage” Server upgrade',
    want: {
      command: {
        name: 'create',
        customer: { kind: 'quoted', text: 'Len’s Auto Brokerage' },
        subject: 'Server upgrade',
      },
    },
  },
  {
    name: 'create with single quotes around a name with an apostrophe',
    text: "create 'Len's Auto Brokerage' Server upgrade",
    want: {
      command: {
        name: 'create',
        customer: { kind: 'quoted', text: "Len's Auto Brokerage" },
        subject: 'Server upgrade',
      },
    },
  },
  {
    name: 'create with curly single quotes',
    text: 'create ‘O’Brien Plumbing’ No internet',
    want: {
      command: {
        name: 'create',
        customer: { kind: 'quoted', text: 'O’Brien Plumbing' },
        subject: 'No internet',
      },
    },
  },
  {
    name: 'create with one unquoted word',
    text: 'create Dataforth Printer offline',
    want: {
      command: { name: 'create', customer: { kind: 'words', text: 'Dataforth' }, subject: 'Printer offline' },
    },
  },
  {
    name: 'create collapses whitespace in the subject and the quoted name',
    text: 'create   "Len\'s   Auto"   Server\n  upgrade  ',
    want: {
      command: {
        name: 'create',
        customer: { kind: 'quoted', text: "Len's Auto" },
        subject: 'Server upgrade',
      },
    },
  },
  {
    name: 'create decodes &amp; in the customer',
    text: 'create "Smith &amp; Sons" Email down',
    want: {
      command: { name: 'create', customer: { kind: 'quoted', text: 'Smith & Sons' }, subject: 'Email down' },
    },
  },
  {
    name: 'create with a quoted subject drops the quotes',
    text: 'create Acme "Printer offline"',
    want: {
      command: { name: 'create', customer: { kind: 'words', text: 'Acme' }, subject: 'Printer offline' },
    },
  },
  {
    name: 'create without a subject',
    text: 'create Dataforth',
    want: { error: /Give a subject/, usage: USAGE.create },
  },
  {
    name: 'create with a quoted customer only',
    text: 'create "Len\'s Auto"',
    want: { error: /Give a subject/ },
  },
  { name: 'create with nothing', text: 'create', want: { error: /Give a customer and a subject/ } },
  {
    name: 'create with an unclosed quote',
    text: 'create "Len\'s Auto Server upgrade',
    want: { error: /no closing quote/ },
  },
  {
    name: 'create with an empty quoted name',
    text: 'create "" Server',
    want: { error: /quoted customer name is empty/ },
  },

  // update
  {
    name: 'update with a multi-word status',
    text: 'update 32164 waiting on customer',
    want: { command: { name: 'update', number: '32164', status: 'waiting on customer' } },
  },
  {
    name: 'update keeps the status as typed, spacing collapsed',
    text: 'update #32164   Waiting   on\nCustomer ',
    want: { command: { name: 'update', number: '32164', status: 'Waiting on Customer' } },
  },
  {
    name: 'update with a quoted status',
    text: 'update 32164 "In Progress"',
    want: { command: { name: 'update', number: '32164', status: 'In Progress' } },
  },
  {
    name: 'update without status',
    text: 'update 32164',
    want: { error: /Give the new status/, usage: USAGE.update },
  },
  {
    name: 'update with a bad number',
    text: 'update abc resolved',
    want: { error: /“abc” is not a ticket number/ },
  },

  // close
  {
    name: 'close without resolution',
    text: 'close 32164',
    want: { command: { name: 'close', number: '32164' } },
  },
  {
    name: 'close with a resolution comment, line breaks kept',
    text: 'close #32164 Replaced toner.\nPrinting again.',
    want: { command: { name: 'close', number: '32164', resolution: 'Replaced toner.\nPrinting again.' } },
  },
  { name: 'resolve alias', text: 'resolve 5', want: { command: { name: 'close', number: '5' } } },

  // comment
  {
    name: 'comment keeps line breaks',
    text: 'comment 32164 Called Jim.\n\n- rebooted\n- tested',
    want: { command: { name: 'comment', number: '32164', text: 'Called Jim.\n\n- rebooted\n- tested' } },
  },
  {
    name: 'comment text may start on the next line',
    text: 'comment #32164\nFirst line\r\nSecond line',
    want: { command: { name: 'comment', number: '32164', text: 'First line\nSecond line' } },
  },
  {
    name: 'comment after "#32164:"',
    text: 'comment #32164: called back',
    want: { command: { name: 'comment', number: '32164', text: 'called back' } },
  },
  {
    name: 'comment unescapes Slack entities once',
    text: 'comment 1 a &lt; b &amp;&amp; c &gt; d, literal &amp;lt;',
    want: { command: { name: 'comment', number: '1', text: 'a < b && c > d, literal &lt;' } },
  },
  {
    name: 'comment turns Slack links and mentions into text',
    text: 'comment 1 see <https://example.com/kb|example.com/kb> ask <@U123ABC|jim> in <#C999|helpdesk>',
    want: {
      command: { name: 'comment', number: '1', text: 'see https://example.com/kb ask @jim in #helpdesk' },
    },
  },
  {
    name: 'comment without text',
    text: 'comment 32164',
    want: { error: /Write the comment/, usage: USAGE.comment },
  },
  { name: 'comment with only spaces', text: 'comment 32164   \n  ', want: { error: /Write the comment/ } },
  {
    name: 'comment without number',
    text: 'comment hello there',
    want: { error: /“hello” is not a ticket number/ },
  },

  // bill
  { name: 'bill', text: 'bill #32142', want: { command: { name: 'bill', number: '32142' } } },
  {
    name: 'bill refuses minutes typed inline: the form always asks',
    text: 'bill 32142 45 remote',
    want: { error: /takes only a ticket number.*minutes worked and the labour type/, usage: USAGE.bill },
  },

  // search, customers
  {
    name: 'search',
    text: 'search  printer   offline ',
    want: { command: { name: 'search', query: 'printer offline' } },
  },
  {
    name: 'search with quotes',
    text: 'search "len\'s auto"',
    want: { command: { name: 'search', query: "len's auto" } },
  },
  {
    name: 'search without query',
    text: 'search',
    want: { error: /Give something to search for/, usage: USAGE.search },
  },
  {
    name: 'customers',
    text: 'CUSTOMERS Smith &amp; Sons',
    want: { command: { name: 'customers', query: 'Smith & Sons' } },
  },
  { name: 'customer alias', text: 'customer data', want: { command: { name: 'customers', query: 'data' } } },
  { name: 'customers without query', text: 'customers  ', want: { error: /Give something to search for/ } },

  // audit, help, whoami
  { name: 'audit', text: 'audit 32164', want: { command: { name: 'audit', number: '32164' } } },
  { name: 'audit without number', text: 'audit', want: { error: /Give a ticket number/ } },
  { name: 'help', text: 'help', want: { command: { name: 'help' } } },
  { name: 'help on a topic', text: 'help CREATE', want: { command: { name: 'help', topic: 'create' } } },
  { name: 'help on an alias', text: 'help note', want: { command: { name: 'help', topic: 'comment' } } },
  { name: '? is help', text: '?', want: { command: { name: 'help' } } },
  {
    name: 'help on an unknown topic',
    text: 'help invoices',
    want: { error: /no help on “invoices”/, usage: USAGE.help },
  },
  { name: 'whoami', text: 'whoami', want: { command: { name: 'whoami' } } },
  { name: 'whoami with extra words', text: 'whoami now', want: { error: /takes nothing after it/ } },
  { name: 'doctor', text: 'doctor', want: { command: { name: 'doctor' } } },
  { name: 'doctor with extra words', text: 'doctor please', want: { error: /takes nothing after it/ } },

  // unknown subcommands
  {
    name: 'a typo gets a suggestion',
    text: 'commnt 1 hi',
    want: { error: /Did you mean `comment`\?/, usage: USAGE_TEXT },
  },
  { name: 'a prefix gets a suggestion', text: 'cust acme', want: { error: /Did you mean `customers`\?/ } },
  {
    name: 'an unknown word gets help',
    text: 'Dataforth printer',
    want: { error: /not a \/syncro subcommand\. Try/ },
  },
  {
    name: 'Object.prototype names are unknown words',
    text: 'constructor',
    want: { error: /not a \/syncro subcommand/ },
  },
  { name: '__proto__ is an unknown word', text: '__proto__ 1', want: { error: /not a \/syncro subcommand/ } },
];

describe('parseCommand', () => {
  for (const s of scenarios) {
    it(s.name, () => {
      const got = parseCommand(s.text);
      if ('command' in s.want) {
        expect(got).toEqual({ ok: true, command: s.want.command });
      } else {
        expect(got.ok).toBe(false);
        if (got.ok) return;
        expect(got.error).toMatch(s.want.error);
        expect(got.usage.length).toBeGreaterThan(0);
        if (s.want.usage !== undefined) expect(got.usage).toBe(s.want.usage);
      }
    });
  }

  it('treats a non-string as empty text rather than throwing', () => {
    const got = parseCommand(undefined as unknown as string);
    expect(got).toEqual({ ok: true, command: { name: 'summary' } });
  });
});

describe('USAGE and HELP_TEXT', () => {
  it('has one line per subcommand, and help lists them all', () => {
    for (const name of COMMAND_NAMES) {
      expect(USAGE[name]).not.toContain('\n');
      expect(USAGE[name]).toMatch(/^\/syncro/);
      expect(HELP_TEXT).toContain(USAGE[name]);
    }
    expect(USAGE_TEXT.split('\n')).toHaveLength(COMMAND_NAMES.length);
  });

  it('says how multi-word customers are written: quotes, exactly one customer’s name, or the pick list', () => {
    expect(HELP_TEXT).toMatch(/Quote multi-word customer names/);
    expect(HELP_TEXT).toMatch(/name exactly one customer/);
    expect(helpFor('create')).toMatch(/pick one from a list/);
  });

  it('gives each topic its usage line and an explanation', () => {
    for (const name of COMMAND_NAMES) expect(helpFor(name).split('\n')).toHaveLength(2);
    expect(helpFor()).toBe(HELP_TEXT);
  });
});

describe('helpCommandNames', () => {
  it('lists connect and disconnect only when enrolment is on', () => {
    expect(helpCommandNames({ enrolment: false })).not.toContain('connect');
    expect(helpCommandNames({ enrolment: false })).not.toContain('disconnect');
    expect(helpCommandNames({ enrolment: false })).toContain('whoami');
    expect(helpCommandNames({ enrolment: true })).toEqual([...COMMAND_NAMES]);
  });
});
