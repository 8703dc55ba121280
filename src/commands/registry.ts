import {
  clip,
  nothingAfter,
  numberOnly,
  ok,
  oneLine,
  refuse,
  splitWord,
  takeQuoted,
  takeTicketNumber,
  unquote,
} from './grammar.js';
import type { CommandTable, SpecParse } from './spec.js';
import { COMMAND_NAMES, type CommandName, type CommandOf } from './types.js';

/**
 * Every `/syncro` subcommand: its other words, usage line, help and parser, one spec each. `parseCommand`, the
 * help and the unknown-subcommand usage read this table; dispatch reads `COMMAND_RUNS`
 * (src/slack/handlers/dispatch.ts). A new subcommand: its name in `COMMAND_NAMES` and its command in
 * `commandSchema` (types.ts), then the compiler asks for its spec here and its run there.
 *
 * Decisions worth knowing:
 * - Ticket numbers are digits with an optional `#` (`32164`, `#32164`, `# 32164`, and a trailing `:` or `,` as in
 *   `comment #32164: called back`); anything else (`#12a`) is refused, never read as a search.
 * - `create`: the customer is a quoted name (straight, curly or single quotes; an apostrophe inside a single-quoted
 *   name is fine) or else the first word only. Multi-word names must be quoted, or the handler's customer search
 *   offers a pick list from the first word.
 * - `bill` takes only the number: minutes and labour type are always asked in the form, never defaulted.
 */
export const COMMANDS: CommandTable = {
  summary: {
    name: 'summary',
    aliases: ['list', 'open', 'page'],
    usage: '/syncro [summary [page]] — open tickets summary',
    help: 'Lists the open tickets. Add a page number for more: `/syncro summary 2`.',
    listed: 'always',
    parse: parseSummary,
  },
  ticket: {
    name: 'ticket',
    aliases: ['show', 'view'],
    usage: '/syncro ticket <number> — ticket details, recent comments and charges',
    help: 'Ticket numbers work with or without `#`: `/syncro ticket 32164`, `/syncro #32164`.',
    listed: 'always',
    parse: (rest) => numberOnly(rest, 'ticket', 'To search tickets, use `/syncro search <query>`.'),
  },
  create: {
    name: 'create',
    aliases: ['new'],
    usage:
      '/syncro create <customer> <subject> — new ticket (quote a multi-word customer: "Len\'s Auto Brokerage")',
    help:
      'The customer is either quoted — `/syncro create "Len\'s Auto Brokerage" Server upgrade` (straight, curly or ' +
      'single quotes) — or unquoted — `/syncro create Dataforth Printer offline`. Unquoted, the first word is looked ' +
      'up in Syncro: when the leading words are exactly one customer’s name, that is the customer (`/syncro create ' +
      "Len's Auto Brokerage Server upgrade`); when several customers match, you pick one from a list. Everything " +
      'after the customer is the subject. You get a card to check before anything is created.',
    listed: 'always',
    parse: parseCreate,
  },
  update: {
    name: 'update',
    aliases: [],
    usage: '/syncro update <number> <status> — change a ticket’s status',
    help:
      'The status is matched against your Syncro statuses, ignoring case: `/syncro update 32164 waiting on customer`. ' +
      'A near miss gets suggestions, never a guess.',
    listed: 'always',
    parse: parseUpdate,
  },
  close: {
    name: 'close',
    aliases: ['resolve'],
    usage: '/syncro close <number> [resolution] — resolve a ticket, optionally with a resolution comment',
    help:
      'Resolves the ticket. Text after the number becomes the resolution comment: ' +
      '`/syncro close 32164 Replaced the toner, printing again`.',
    listed: 'always',
    parse: parseClose,
  },
  comment: {
    name: 'comment',
    aliases: ['note'],
    usage: '/syncro comment <number> <text> — add a comment to a ticket (line breaks are kept)',
    help:
      'Everything after the number is the comment, line breaks included: `/syncro comment 32164 Called Jim, ' +
      'rebooting tonight`. The card lets you choose public or internal before posting.',
    listed: 'always',
    parse: parseComment,
  },
  bill: {
    name: 'bill',
    aliases: [],
    usage: '/syncro bill <number> — bill time: the form asks for the minutes and the labour type',
    help:
      '`/syncro bill 32164` opens a form: you state the minutes worked and the labour type (nothing is assumed), ' +
      'and the card shows the product, rate, quantity, prepaid hours and the invoice before anything is posted.',
    listed: 'always',
    parse: (rest) => numberOnly(rest, 'bill', 'The form asks for the minutes worked and the labour type.'),
  },
  timer: {
    name: 'timer',
    aliases: ['timers'],
    usage:
      '/syncro timer [start <number> [note] | stop [<number>] | cancel <number>] — your running timers (kept by the bot)',
    help:
      '`/syncro timer start 32164 printer` starts your timer on a ticket (one per ticket per person; nothing is sent ' +
      'to Syncro). `/syncro timer stop 32164` stops it (without a number: your only timer) and offers to bill the ' +
      'time or record it as a Syncro timer entry, each through a card you post. `/syncro timer` lists your running ' +
      'timers; `/syncro timer cancel 32164` discards one.',
    listed: 'always',
    parse: parseTimer,
  },
  search: {
    name: 'search',
    aliases: ['find'],
    usage: '/syncro search <query> — search tickets by subject or customer',
    help: 'Searches tickets by subject or customer: `/syncro search printer`.',
    listed: 'always',
    parse: (rest) => parseQuery(rest, 'search', 'printer'),
  },
  customers: {
    name: 'customers',
    aliases: ['customer'],
    usage: '/syncro customers <query> — search customers',
    help: 'Searches customers by name: `/syncro customers dataforth`.',
    listed: 'always',
    parse: (rest) => parseQuery(rest, 'customers', 'dataforth'),
  },
  audit: {
    name: 'audit',
    aliases: [],
    usage: '/syncro audit <number> — what was proposed and posted on a ticket through this bot, and by whom',
    help: 'Shows this bot’s record for a ticket: who proposed and who posted each write, and what Syncro answered.',
    listed: 'always',
    parse: (rest) => numberOnly(rest, 'audit', ''),
  },
  help: {
    name: 'help',
    aliases: ['?'],
    usage: '/syncro help [subcommand] — this help, or more on one subcommand',
    help: '`/syncro help <subcommand>` explains one subcommand.',
    listed: 'always',
    parse: parseHelp,
  },
  whoami: {
    name: 'whoami',
    aliases: ['me'],
    usage: '/syncro whoami — your Syncro user, and which key your writes are signed with',
    help: 'Shows the Syncro user your writes are attributed to, and whether your own key or the shared key signs them.',
    listed: 'always',
    parse: (rest) => nothingAfter(rest, 'whoami'),
  },
  connect: {
    name: 'connect',
    aliases: [],
    usage:
      '/syncro connect — connect your own Syncro API token (a private form; the bot checks it with Syncro)',
    help:
      'Opens a private form where you paste a Syncro API token you made (Admin → API Tokens → New, Integration API ' +
      'Token). The bot asks Syncro whose key it is (GET /me), shows you, and keeps it encrypted; your reads and ' +
      'writes then use it and carry your name. Never paste a token into a message or after the command.',
    listed: 'with-enrolment',
    // A token typed on the command line would be in the channel's command history: refuse it, never echo it.
    parse: (rest) =>
      nothingAfter(
        rest,
        'connect',
        '`connect` takes nothing after it: run `/syncro connect` and paste your token into the private form it opens. If you typed a token here, revoke it in Syncro and make a new one.',
      ),
  },
  disconnect: {
    name: 'disconnect',
    aliases: [],
    usage: '/syncro disconnect — remove the Syncro key you connected',
    help: 'Removes the key you connected with `/syncro connect` (from the vault or the bot’s store).',
    listed: 'with-enrolment',
    parse: (rest) => nothingAfter(rest, 'disconnect'),
  },
  doctor: {
    name: 'doctor',
    aliases: [],
    usage: '/syncro doctor — check the bot’s configuration against Slack and Syncro (admins)',
    help:
      'For the bot’s admins (billing or enrolment approvers): checks, read-only, that the bot token has its scopes, ' +
      'the bot is in every configured channel, every configured Slack user exists, every key belongs to its person ' +
      '(GET /me), every labour product and status exists, and that Syncro’s answers parse. The same as ' +
      '`npm run doctor` where the bot is deployed.',
    listed: 'always',
    parse: (rest) => nothingAfter(rest, 'doctor'),
  },
};

/**
 * Every word people type for a subcommand: the names, then each spec's aliases. A Map, so that `constructor` or
 * `__proto__` are just unknown words.
 */
export const ALIASES: ReadonlyMap<string, CommandName> = new Map<string, CommandName>([
  ...COMMAND_NAMES.map((n) => [n, n] as const),
  ...COMMAND_NAMES.flatMap((n) => COMMANDS[n].aliases.map((a) => [a.toLowerCase(), n] as const)),
]);

function parseSummary(rest: string): SpecParse<CommandOf<'summary'>> {
  let words = rest.trim().split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() === 'page') words = words.slice(1);
  if (words.length === 0) return ok({ name: 'summary' });
  const page = words.length === 1 && /^\d{1,4}$/.test(words[0]!) ? Number(words[0]) : Number.NaN;
  if (page >= 1 && page <= 1000) return ok({ name: 'summary', page });
  return refuse('The summary takes only a page number from 1 to 1000, e.g. `/syncro summary 2`.');
}

function parseCreate(rest: string): SpecParse<CommandOf<'create'>> {
  const s = rest.trim();
  if (s === '')
    return refuse('Give a customer and a subject, e.g. `/syncro create Dataforth Printer offline`.');
  const quoted = takeQuoted(s);
  let customer: CommandOf<'create'>['customer'];
  let after: string;
  if (quoted === undefined) {
    const { word, rest: tail } = splitWord(s);
    customer = { kind: 'words', text: word };
    after = tail;
  } else {
    if (!quoted.ok) return refuse(quoted.error);
    if (quoted.value === '') return refuse('The quoted customer name is empty.');
    customer = { kind: 'quoted', text: quoted.value };
    after = quoted.rest;
  }
  const subject = unquote(oneLine(after));
  if (subject === '') {
    return refuse(
      `Give a subject after the customer, e.g. \`/syncro create ${customer.kind === 'quoted' ? `"${clip(customer.text)}"` : clip(customer.text)} Printer offline\`.`,
    );
  }
  return ok({ name: 'create', customer, subject });
}

function parseUpdate(rest: string): SpecParse<CommandOf<'update'>> {
  const n = takeTicketNumber(rest, 'update');
  if (!n.ok) return refuse(n.error);
  const status = unquote(oneLine(n.rest));
  if (status === '')
    return refuse(`Give the new status, e.g. \`/syncro update ${n.value} waiting on customer\`.`);
  return ok({ name: 'update', number: n.value, status });
}

function parseClose(rest: string): SpecParse<CommandOf<'close'>> {
  const n = takeTicketNumber(rest, 'close');
  if (!n.ok) return refuse(n.error);
  const resolution = n.rest.trim();
  return ok(
    resolution === '' ? { name: 'close', number: n.value } : { name: 'close', number: n.value, resolution },
  );
}

function parseComment(rest: string): SpecParse<CommandOf<'comment'>> {
  const n = takeTicketNumber(rest, 'comment');
  if (!n.ok) return refuse(n.error);
  const text = n.rest.trim();
  if (text === '')
    return refuse(
      `Write the comment after the ticket number, e.g. \`/syncro comment ${n.value} Called Jim back\`.`,
    );
  return ok({ name: 'comment', number: n.value, text });
}

function parseTimer(rest: string): SpecParse<CommandOf<'timer'>> {
  const { word, rest: after } = splitWord(rest);
  const op = word.toLowerCase();
  if (op === '' || op === 'list') {
    return after.trim() === ''
      ? ok({ name: 'timer', op: 'list' })
      : refuse('`timer` lists your timers; it takes nothing after it.');
  }
  if (op === 'start') {
    const n = takeTicketNumber(after, 'timer');
    if (!n.ok) return refuse(n.error);
    const note = oneLine(n.rest);
    return ok(
      note === ''
        ? { name: 'timer', op: 'start', number: n.value }
        : { name: 'timer', op, number: n.value, note },
    );
  }
  if (op === 'stop') {
    if (after.trim() === '') return ok({ name: 'timer', op: 'stop' });
    const n = takeTicketNumber(after, 'timer');
    if (!n.ok) return refuse(n.error);
    if (n.rest.trim() !== '') return refuse('`timer stop` takes only a ticket number.');
    return ok({ name: 'timer', op: 'stop', number: n.value });
  }
  if (op === 'cancel') {
    const n = takeTicketNumber(after, 'timer');
    if (!n.ok) return refuse(n.error);
    if (n.rest.trim() !== '') return refuse('`timer cancel` takes only a ticket number.');
    return ok({ name: 'timer', op: 'cancel', number: n.value });
  }
  return refuse(`“${clip(word)}” is not a timer command: use start, stop or cancel.`);
}

function parseQuery<N extends 'search' | 'customers'>(
  rest: string,
  name: N,
  example: string,
): SpecParse<{ name: N; query: string }> {
  const query = unquote(oneLine(rest));
  if (query === '') return refuse(`Give something to search for, e.g. \`/syncro ${name} ${example}\`.`);
  return ok({ name, query });
}

function parseHelp(rest: string): SpecParse<CommandOf<'help'>> {
  const { word } = splitWord(rest);
  if (word === '') return ok({ name: 'help' });
  const topic = ALIASES.get(word.toLowerCase());
  if (topic === undefined)
    return refuse(`There is no help on “${clip(word)}”. Topics: ${COMMAND_NAMES.join(', ')}.`);
  return ok({ name: 'help', topic });
}
