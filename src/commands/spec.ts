import type { CommandName, CommandOf } from './types.js';

/**
 * One `/syncro` subcommand, as the grammar and the help know it. Every subcommand has one spec in `COMMANDS`
 * (`registry.ts`), and the table is typed so that a name in `COMMAND_NAMES` without a spec, or a spec without its
 * usage, help or parser, does not compile. What it runs is its Slack half: `COMMAND_RUNS` in
 * `src/slack/handlers/dispatch.ts`, typed the same way (the grammar stays pure and imports nothing from Slack).
 */
export interface CommandSpec<N extends CommandName> {
  readonly name: N;
  /** Other words people type for it (`note` for `comment`); matched without regard to case. */
  readonly aliases: readonly string[];
  /** One line: the form and what it does. A usage error shows the line of its subcommand. */
  readonly usage: string;
  /** More on it, for `/syncro help <name>` (mrkdwn with `code` spans). */
  readonly help: string;
  /** When `/syncro help` lists it: always, or only with `/syncro connect` turned on (the configuration's `enrolment`). */
  readonly listed: 'always' | 'with-enrolment';
  /** The text after the subcommand's word (leading whitespace kept) → its command, or what is wrong. Pure. */
  readonly parse: (rest: string) => SpecParse<CommandOf<N>>;
}

/** A spec's answer; `parseCommand` adds the spec's usage line to an error. */
export type SpecParse<C> = { ok: true; command: C } | { ok: false; error: string };

/** The table's type: exactly one spec per subcommand name. */
export type CommandTable = { readonly [N in CommandName]: CommandSpec<N> };
