import { decodeSlack } from '../text/slack-markup.js';
import { editDistance } from './status-match.js';
import { COMMAND_NAMES, type Command, type CommandName, commandSchema } from './types.js';

/**
 * The `/syncro` grammar: the text Slack sends with the command → a typed `Command`, or a message saying what is
 * wrong with the right form. Pure: no I/O, no clock, no globals; it never throws. Nothing here writes anything:
 * write subcommands become commands that a handler turns into a confirm card.
 *
 * Decisions worth knowing:
 * - Ticket numbers are digits with an optional `#` (`32164`, `#32164`, `# 32164`, and a trailing `:` or `,` as in
 *   `comment #32164: called back`); anything else (`#12a`) is refused, never read as a search.
 * - `create`: the customer is a quoted name (straight, curly or single quotes; an apostrophe inside a single-quoted
 *   name is fine) or else the first word only. Multi-word names must be quoted, or the handler's customer search
 *   offers a pick list from the first word.
 * - `bill` takes only the number: minutes and labour type are always asked in the form, never defaulted.
 * - A bare ticket number (`/syncro #32164`) shows the ticket.
 */

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

/** One line per subcommand: the form and what it does. Errors show the line of the subcommand concerned. */
export const USAGE: Readonly<Record<CommandName, string>> = {
  summary: '/syncro [summary [page]] — open tickets summary',
  ticket: '/syncro ticket <number> — ticket details, recent comments and charges',
  create:
    '/syncro create <customer> <subject> — new ticket (quote a multi-word customer: "Len\'s Auto Brokerage")',
  update: '/syncro update <number> <status> — change a ticket’s status',
  close: '/syncro close <number> [resolution] — resolve a ticket, optionally with a resolution comment',
  comment: '/syncro comment <number> <text> — add a comment to a ticket (line breaks are kept)',
  bill: '/syncro bill <number> — bill time: the form asks for the minutes and the labour type',
  timer:
    '/syncro timer [start <number> [note] | stop [<number>] | cancel <number>] — your running timers (kept by the bot)',
  search: '/syncro search <query> — search tickets by subject or customer',
  customers: '/syncro customers <query> — search customers',
  audit: '/syncro audit <number> — what was proposed and posted on a ticket through this bot, and by whom',
  help: '/syncro help [subcommand] — this help, or more on one subcommand',
  whoami: '/syncro whoami — your Syncro user, and which key your writes are signed with',
  connect:
    '/syncro connect — connect your own Syncro API token (a private form; the bot checks it with Syncro)',
  disconnect: '/syncro disconnect — remove the Syncro key you connected',
  doctor: '/syncro doctor — check the bot’s configuration against Slack and Syncro (admins)',
};

/** Subcommands that exist only with `/syncro connect` turned on (the configuration's `enrolment`). */
const NEEDS_ENROLMENT: ReadonlySet<CommandName> = new Set(['connect', 'disconnect']);

/** The subcommands `/syncro help` lists for this configuration: connect and disconnect only when enrolment is on. */
export function helpCommandNames(opts: { enrolment: boolean }): CommandName[] {
  return COMMAND_NAMES.filter((n) => opts.enrolment || !NEEDS_ENROLMENT.has(n));
}

/** Every usage line, in the order of `COMMAND_NAMES`. */
export const USAGE_TEXT: string = COMMAND_NAMES.map((n) => USAGE[n]).join('\n');

/** More on each subcommand, for `/syncro help <subcommand>`. */
export const HELP_TOPICS: Readonly<Record<CommandName, string>> = {
  summary: 'Lists the open tickets. Add a page number for more: `/syncro summary 2`.',
  ticket: 'Ticket numbers work with or without `#`: `/syncro ticket 32164`, `/syncro #32164`.',
  create:
    'The customer is either quoted — `/syncro create "Len\'s Auto Brokerage" Server upgrade` (straight, curly or ' +
    'single quotes) — or unquoted — `/syncro create Dataforth Printer offline`. Unquoted, the first word is looked ' +
    'up in Syncro: when the leading words are exactly one customer’s name, that is the customer (`/syncro create ' +
    "Len's Auto Brokerage Server upgrade`); when several customers match, you pick one from a list. Everything " +
    'after the customer is the subject. You get a card to check before anything is created.',
  update:
    'The status is matched against your Syncro statuses, ignoring case: `/syncro update 32164 waiting on customer`. ' +
    'A near miss gets suggestions, never a guess.',
  close:
    'Resolves the ticket. Text after the number becomes the resolution comment: ' +
    '`/syncro close 32164 Replaced the toner, printing again`.',
  comment:
    'Everything after the number is the comment, line breaks included: `/syncro comment 32164 Called Jim, ' +
    'rebooting tonight`. The card lets you choose public or internal before posting.',
  bill:
    '`/syncro bill 32164` opens a form: you state the minutes worked and the labour type (nothing is assumed), ' +
    'and the card shows the product, rate, quantity, prepaid hours and the invoice before anything is posted.',
  timer:
    '`/syncro timer start 32164 printer` starts your timer on a ticket (one per ticket per person; nothing is sent ' +
    'to Syncro). `/syncro timer stop 32164` stops it (without a number: your only timer) and offers to bill the ' +
    'time or record it as a Syncro timer entry, each through a card you post. `/syncro timer` lists your running ' +
    'timers; `/syncro timer cancel 32164` discards one.',
  search: 'Searches tickets by subject or customer: `/syncro search printer`.',
  customers: 'Searches customers by name: `/syncro customers dataforth`.',
  audit:
    'Shows this bot’s record for a ticket: who proposed and who posted each write, and what Syncro answered.',
  help: '`/syncro help <subcommand>` explains one subcommand.',
  whoami:
    'Shows the Syncro user your writes are attributed to, and whether your own key or the shared key signs them.',
  connect:
    'Opens a private form where you paste a Syncro API token you made (Admin → API Tokens → New, Integration API ' +
    'Token). The bot asks Syncro whose key it is (GET /me), shows you, and keeps it encrypted; your reads and ' +
    'writes then use it and carry your name. Never paste a token into a message or after the command.',
  disconnect: 'Removes the key you connected with `/syncro connect` (from the vault or the bot’s store).',
  doctor:
    'For the bot’s admins (billing or enrolment approvers): checks, read-only, that the bot token has its scopes, ' +
    'the bot is in every configured channel, every configured Slack user exists, every key belongs to its person ' +
    '(GET /me), every labour product and status exists, and that Syncro’s answers parse. The same as ' +
    '`npm run doctor` where the bot is deployed.',
};

/** The full help: every subcommand, then how writes work. */
export const HELP_TEXT: string = [
  '*Syncro from Slack*',
  USAGE_TEXT,
  '',
  'Ticket numbers work with or without `#`. Subcommands are not case-sensitive.',
  'Quote multi-word customer names (`"Len\'s Auto Brokerage"`) to be sure; unquoted, the bot takes the leading ' +
    'words that name exactly one customer, or lets you pick from the matches.',
  'Nothing is written to Syncro until you press *Post* on the card the bot shows you.',
].join('\n');

/** The text for `/syncro help [topic]`. */
export function helpFor(topic?: CommandName): string {
  return topic ? `${USAGE[topic]}\n${HELP_TOPICS[topic]}` : HELP_TEXT;
}

/** Other words people type for a subcommand. A Map, so that `constructor` or `__proto__` are just unknown words. */
const ALIASES: ReadonlyMap<string, CommandName> = new Map<string, CommandName>([
  ...COMMAND_NAMES.map((n) => [n, n] as const),
  ['list', 'summary'],
  ['open', 'summary'],
  ['page', 'summary'],
  ['show', 'ticket'],
  ['view', 'ticket'],
  ['new', 'create'],
  ['resolve', 'close'],
  ['note', 'comment'],
  ['find', 'search'],
  ['customer', 'customers'],
  ['?', 'help'],
  ['me', 'whoami'],
  ['timers', 'timer'],
]);

const DOUBLE_QUOTES = '"“”„';
const SINGLE_QUOTES = "'‘’";

type Parsed = ParseResult;
type Taken<T> = { ok: true; value: T; rest: string } | { ok: false; error: string };

function ok(command: Command): Parsed {
  return { ok: true, command };
}

function fail(error: string, name?: CommandName): Parsed {
  return { ok: false, error, usage: name ? USAGE[name] : USAGE_TEXT };
}

/** A piece of what the person typed, short enough to quote back. */
function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 39)}…` : one;
}

/** Collapses all whitespace (line breaks included) to single spaces and trims. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Removes one pair of quotes around the whole of `s` when no quote of that kind is inside. */
function unquote(s: string): string {
  if (s.length < 2) return s;
  for (const family of [DOUBLE_QUOTES, SINGLE_QUOTES]) {
    const inner = s.slice(1, -1);
    if (
      family.includes(s[0]!) &&
      family.includes(s[s.length - 1]!) &&
      ![...inner].some((c) => family.includes(c))
    ) {
      return inner.trim();
    }
  }
  return s;
}

/** The first whitespace-separated word of `s` and everything after it (leading whitespace of the rest kept). */
function splitWord(s: string): { word: string; rest: string } {
  const t = s.trimStart();
  const i = t.search(/\s/);
  return i === -1 ? { word: t, rest: '' } : { word: t.slice(0, i), rest: t.slice(i) };
}

function takeTicketNumber(s: string, name: CommandName): Taken<string> {
  let { word, rest } = splitWord(s);
  if (word === '') return { ok: false, error: `Give a ticket number, e.g. \`/syncro ${name} 32164\`.` };
  if (word === '#') {
    // "# 32164": the number was typed after a space.
    const next = splitWord(rest);
    word = `#${next.word}`;
    rest = next.rest;
  }
  const digits = /^#?(\d+)[:,]?$/.exec(word)?.[1];
  if (digits === undefined) {
    return {
      ok: false,
      error: `“${clip(word)}” is not a ticket number: use digits only, e.g. 32164 or #32164.`,
    };
  }
  const canonical = digits.replace(/^0+/, '');
  if (canonical === '') return { ok: false, error: 'Ticket numbers start at 1.' };
  if (canonical.length > 12) return { ok: false, error: `“${clip(word)}” is too long for a ticket number.` };
  return { ok: true, value: canonical, rest };
}

/** Parses `<number>` followed by nothing (ticket, bill, audit). */
function numberOnly(rest: string, name: 'ticket' | 'bill' | 'audit', extra: string): Parsed {
  const n = takeTicketNumber(rest, name);
  if (!n.ok) return fail(n.error, name);
  if (n.rest.trim() !== '') return fail(`\`${name}\` takes only a ticket number. ${extra}`, name);
  return ok({ name, number: n.value });
}

function parseSummary(rest: string): Parsed {
  let words = rest.trim().split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() === 'page') words = words.slice(1);
  if (words.length === 0) return ok({ name: 'summary' });
  const page = words.length === 1 && /^\d{1,4}$/.test(words[0]!) ? Number(words[0]) : Number.NaN;
  if (page >= 1 && page <= 1000) return ok({ name: 'summary', page });
  return fail('The summary takes only a page number from 1 to 1000, e.g. `/syncro summary 2`.', 'summary');
}

/** A quoted customer name at the start of `s` (which starts with a quote): its text and what follows. */
function takeQuoted(s: string): Taken<string> | undefined {
  const open = s[0]!;
  let close = -1;
  if (DOUBLE_QUOTES.includes(open)) {
    for (let i = 1; i < s.length && close === -1; i++) if (DOUBLE_QUOTES.includes(s[i]!)) close = i;
  } else if (SINGLE_QUOTES.includes(open)) {
    // An apostrophe inside the name ('Len's Auto') is followed by a letter; the closing quote is not.
    for (let i = 1; i < s.length && close === -1; i++) {
      if (SINGLE_QUOTES.includes(s[i]!) && (i + 1 === s.length || /\s/.test(s[i + 1]!))) close = i;
    }
  } else return undefined;
  if (close === -1) {
    return {
      ok: false,
      error:
        'The customer name has no closing quote, e.g. `/syncro create "Len\'s Auto Brokerage" Server upgrade`.',
    };
  }
  return { ok: true, value: oneLine(s.slice(1, close)), rest: s.slice(close + 1) };
}

function parseCreate(rest: string): Parsed {
  const s = rest.trim();
  if (s === '')
    return fail('Give a customer and a subject, e.g. `/syncro create Dataforth Printer offline`.', 'create');
  const quoted = takeQuoted(s);
  let customer: Extract<Command, { name: 'create' }>['customer'];
  let after: string;
  if (quoted === undefined) {
    const { word, rest: tail } = splitWord(s);
    customer = { kind: 'words', text: word };
    after = tail;
  } else {
    if (!quoted.ok) return fail(quoted.error, 'create');
    if (quoted.value === '') return fail('The quoted customer name is empty.', 'create');
    customer = { kind: 'quoted', text: quoted.value };
    after = quoted.rest;
  }
  const subject = unquote(oneLine(after));
  if (subject === '') {
    return fail(
      `Give a subject after the customer, e.g. \`/syncro create ${customer.kind === 'quoted' ? `"${clip(customer.text)}"` : clip(customer.text)} Printer offline\`.`,
      'create',
    );
  }
  return ok({ name: 'create', customer, subject });
}

function parseUpdate(rest: string): Parsed {
  const n = takeTicketNumber(rest, 'update');
  if (!n.ok) return fail(n.error, 'update');
  const status = unquote(oneLine(n.rest));
  if (status === '')
    return fail(`Give the new status, e.g. \`/syncro update ${n.value} waiting on customer\`.`, 'update');
  return ok({ name: 'update', number: n.value, status });
}

function parseClose(rest: string): Parsed {
  const n = takeTicketNumber(rest, 'close');
  if (!n.ok) return fail(n.error, 'close');
  const resolution = n.rest.trim();
  return ok(
    resolution === '' ? { name: 'close', number: n.value } : { name: 'close', number: n.value, resolution },
  );
}

function parseComment(rest: string): Parsed {
  const n = takeTicketNumber(rest, 'comment');
  if (!n.ok) return fail(n.error, 'comment');
  const text = n.rest.trim();
  if (text === '')
    return fail(
      `Write the comment after the ticket number, e.g. \`/syncro comment ${n.value} Called Jim back\`.`,
      'comment',
    );
  return ok({ name: 'comment', number: n.value, text });
}

function parseTimer(rest: string): Parsed {
  const { word, rest: after } = splitWord(rest);
  const op = word.toLowerCase();
  if (op === '' || op === 'list') {
    return after.trim() === ''
      ? ok({ name: 'timer', op: 'list' })
      : fail('`timer` lists your timers; it takes nothing after it.', 'timer');
  }
  if (op === 'start') {
    const n = takeTicketNumber(after, 'timer');
    if (!n.ok) return fail(n.error, 'timer');
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
    if (!n.ok) return fail(n.error, 'timer');
    if (n.rest.trim() !== '') return fail('`timer stop` takes only a ticket number.', 'timer');
    return ok({ name: 'timer', op: 'stop', number: n.value });
  }
  if (op === 'cancel') {
    const n = takeTicketNumber(after, 'timer');
    if (!n.ok) return fail(n.error, 'timer');
    if (n.rest.trim() !== '') return fail('`timer cancel` takes only a ticket number.', 'timer');
    return ok({ name: 'timer', op: 'cancel', number: n.value });
  }
  return fail(`“${clip(word)}” is not a timer command: use start, stop or cancel.`, 'timer');
}

function parseQuery(rest: string, name: 'search' | 'customers'): Parsed {
  const query = unquote(oneLine(rest));
  if (query === '') {
    const example = name === 'search' ? 'printer' : 'dataforth';
    return fail(`Give something to search for, e.g. \`/syncro ${name} ${example}\`.`, name);
  }
  return ok({ name, query });
}

function parseHelp(rest: string): Parsed {
  const { word } = splitWord(rest);
  if (word === '') return ok({ name: 'help' });
  const topic = ALIASES.get(word.toLowerCase());
  if (topic === undefined)
    return fail(`There is no help on “${clip(word)}”. Topics: ${COMMAND_NAMES.join(', ')}.`, 'help');
  return ok({ name: 'help', topic });
}

/** A subcommand the person may have meant: a close spelling or the only name that starts with the word. */
function suggestName(word: string): CommandName | undefined {
  const names = [...ALIASES.keys()].filter((k) => k.length > 1);
  const starts = COMMAND_NAMES.filter((n) => word.length >= 2 && n.startsWith(word));
  if (starts.length === 1) return starts[0];
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = editDistance(word, name);
    if (d <= (word.length >= 5 ? 2 : 1) && (best === undefined || d < best.d)) best = { name, d };
  }
  return best ? ALIASES.get(best.name) : undefined;
}

function parseUnchecked(raw: string): Parsed {
  // Slack escapes `&`, `<`, `>` in command text and may send links and mentions as markup: the words as typed
  // come from the one decoder of Slack's text (src/text/slack-markup.ts); formatting marks stay for the body.
  const input = decodeSlack(raw).replace(/\r\n?/g, '\n').trim();
  if (input === '') return ok({ name: 'summary' });
  const { word, rest } = splitWord(input);
  // A bare ticket number, or something that looks like one: show the ticket (or say why it is not a number).
  if (/^#|^\d/.test(word))
    return numberOnly(input, 'ticket', 'To change it, use `/syncro update`, `close` or `comment`.');
  const name = ALIASES.get(word.toLowerCase());
  switch (name) {
    case 'summary':
      return parseSummary(rest);
    case 'ticket':
      return numberOnly(rest, 'ticket', 'To search tickets, use `/syncro search <query>`.');
    case 'create':
      return parseCreate(rest);
    case 'update':
      return parseUpdate(rest);
    case 'close':
      return parseClose(rest);
    case 'comment':
      return parseComment(rest);
    case 'bill':
      return numberOnly(rest, 'bill', 'The form asks for the minutes worked and the labour type.');
    case 'timer':
      return parseTimer(rest);
    case 'search':
    case 'customers':
      return parseQuery(rest, name);
    case 'audit':
      return numberOnly(rest, 'audit', '');
    case 'help':
      return parseHelp(rest);
    case 'whoami':
      return rest.trim() === '' ? ok({ name: 'whoami' }) : fail('`whoami` takes nothing after it.', 'whoami');
    case 'connect':
      // A token typed on the command line would be in the channel's command history: refuse it, never echo it.
      return rest.trim() === ''
        ? ok({ name: 'connect' })
        : fail(
            '`connect` takes nothing after it: run `/syncro connect` and paste your token into the private form it opens. If you typed a token here, revoke it in Syncro and make a new one.',
            'connect',
          );
    case 'disconnect':
      return rest.trim() === ''
        ? ok({ name: 'disconnect' })
        : fail('`disconnect` takes nothing after it.', 'disconnect');
    case 'doctor':
      return rest.trim() === '' ? ok({ name: 'doctor' }) : fail('`doctor` takes nothing after it.', 'doctor');
    case undefined: {
      const guess = suggestName(word.toLowerCase());
      const hint = guess ? ` Did you mean \`${guess}\`?` : ' Try `/syncro help`.';
      return fail(`“${clip(word)}” is not a /syncro subcommand.${hint}`);
    }
  }
}

/**
 * Reads the text of a `/syncro` command (as Slack sends it: entities and markup are decoded here).
 * Never throws; an ok command always satisfies `commandSchema`.
 */
export function parseCommand(text: string): ParseResult {
  try {
    const parsed = parseUnchecked(typeof text === 'string' ? text : '');
    if (!parsed.ok) return parsed;
    // The schema is the contract handlers rely on: check every command against it before handing it over.
    const checked = commandSchema.safeParse(parsed.command);
    if (checked.success) return { ok: true, command: checked.data };
    return fail(
      `That command could not be read (${checked.error.issues[0]?.message ?? 'invalid'}).`,
      parsed.command.name,
    );
  } catch (err) {
    // Not expected (the property tests look for it); the person still gets an answer rather than silence.
    return fail(
      `That command could not be read (${err instanceof Error ? err.message : 'unexpected input'}).`,
    );
  }
}
