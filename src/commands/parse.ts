import { decodeSlack } from '../text/slack-markup.js';
import { clip, numberOnly, splitWord } from './grammar.js';
import { ALIASES, COMMANDS } from './registry.js';
import type { CommandSpec, SpecParse } from './spec.js';
import { editDistance } from './status-match.js';
import { COMMAND_NAMES, type Command, type CommandName, commandSchema } from './types.js';

/**
 * The `/syncro` grammar: the text Slack sends with the command → a typed `Command`, or a message saying what is
 * wrong with the right form. Pure: no I/O, no clock, no globals; it never throws. Nothing here writes anything:
 * write subcommands become commands that a handler turns into a confirm card. Each subcommand's words, usage,
 * help and parser are its spec in `COMMANDS` (registry.ts); this file only picks the spec.
 *
 * A bare ticket number (`/syncro #32164`) shows the ticket.
 */

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

/** One line per subcommand: the form and what it does. Errors show the line of the subcommand concerned. */
export const USAGE: Readonly<Record<CommandName, string>> = Object.fromEntries(
  COMMAND_NAMES.map((n) => [n, COMMANDS[n].usage]),
) as Record<CommandName, string>;

/** The subcommands `/syncro help` lists for this configuration: connect and disconnect only when enrolment is on. */
export function helpCommandNames(opts: { enrolment: boolean }): CommandName[] {
  return COMMAND_NAMES.filter((n) => opts.enrolment || COMMANDS[n].listed !== 'with-enrolment');
}

/** Every usage line, in the order of `COMMAND_NAMES`. */
export const USAGE_TEXT: string = COMMAND_NAMES.map((n) => USAGE[n]).join('\n');

/** More on each subcommand, for `/syncro help <subcommand>`. */
export const HELP_TOPICS: Readonly<Record<CommandName, string>> = Object.fromEntries(
  COMMAND_NAMES.map((n) => [n, COMMANDS[n].help]),
) as Record<CommandName, string>;

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

function fail(error: string, name?: CommandName): ParseResult {
  return { ok: false, error, usage: name ? USAGE[name] : USAGE_TEXT };
}

/** Runs one spec's parser; its error gets the spec's usage line. */
function parseWith(
  spec: Pick<CommandSpec<CommandName>, 'name'> & { parse: (rest: string) => SpecParse<Command> },
  rest: string,
): ParseResult {
  const got = spec.parse(rest);
  return got.ok ? { ok: true, command: got.command } : fail(got.error, spec.name);
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

function parseUnchecked(raw: string): ParseResult {
  // Slack escapes `&`, `<`, `>` in command text and may send links and mentions as markup: the words as typed
  // come from the one decoder of Slack's text (src/text/slack-markup.ts); formatting marks stay for the body.
  const input = decodeSlack(raw).replace(/\r\n?/g, '\n').trim();
  if (input === '') return { ok: true, command: { name: 'summary' } };
  const { word, rest } = splitWord(input);
  // A bare ticket number, or something that looks like one: show the ticket (or say why it is not a number).
  if (/^#|^\d/.test(word)) {
    const got = numberOnly(input, 'ticket', 'To change it, use `/syncro update`, `close` or `comment`.');
    return got.ok ? got : fail(got.error, 'ticket');
  }
  const name = ALIASES.get(word.toLowerCase());
  if (name === undefined) {
    const guess = suggestName(word.toLowerCase());
    const hint = guess ? ` Did you mean \`${guess}\`?` : ' Try `/syncro help`.';
    return fail(`“${clip(word)}” is not a /syncro subcommand.${hint}`);
  }
  return parseWith(COMMANDS[name], rest);
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
