import { z } from 'zod';

/**
 * The `/syncro` grammar's output: what the person asked for, as plain data. A command is never a write: the
 * write subcommands (create, update, close, comment, bill) only name what a confirm card will propose.
 */

/** Canonical subcommand names (`summary` is bare `/syncro`). Also the help topics. */
export const COMMAND_NAMES = [
  'summary',
  'ticket',
  'create',
  'update',
  'close',
  'comment',
  'bill',
  'timer',
  'search',
  'customers',
  'audit',
  'help',
  'whoami',
  'connect',
  'disconnect',
  'doctor',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * A ticket number as people type it, canonical: decimal digits without `#` or leading zeros. Kept as a string
 * because Syncro's numbers are compared as strings (`tickets[0].number`); it is not a ticket id.
 */
export const ticketNumberSchema = z.string().regex(/^[1-9][0-9]{0,11}$/, 'a ticket number is 1 to 12 digits');
export type TicketNumber = z.infer<typeof ticketNumberSchema>;

/** Non-blank text without leading or trailing whitespace; inner line breaks allowed. */
const text = z.string().regex(/^\S(?:[\s\S]*\S)?$/, 'must be non-blank, without surrounding spaces');
/** Single-line text: no line breaks, no leading or trailing space. */
const oneLine = z
  .string()
  .min(1)
  .regex(/^\S(?:[^\r\n]*\S)?$/, 'must be one line without surrounding spaces');

/**
 * `quoted`: the person quoted the whole name (`"Len's Auto Brokerage"`). `words`: an unquoted first word
 * (`Dataforth`), which the handler resolves through Syncro's customer search and may have to offer as a pick list.
 */
export const customerRefSchema = z.strictObject({ kind: z.enum(['quoted', 'words']), text: oneLine });
export type CustomerRef = z.infer<typeof customerRefSchema>;

export const commandSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('summary'), page: z.number().int().min(1).max(1000).optional() }),
  z.strictObject({ name: z.literal('ticket'), number: ticketNumberSchema }),
  z.strictObject({ name: z.literal('create'), customer: customerRefSchema, subject: oneLine }),
  /** `status` is as typed (whitespace collapsed); it is matched against Syncro's status list later. */
  z.strictObject({ name: z.literal('update'), number: ticketNumberSchema, status: oneLine }),
  /** `resolution`: optional comment text after the number, line breaks kept. */
  z.strictObject({ name: z.literal('close'), number: ticketNumberSchema, resolution: text.optional() }),
  /** `text`: the comment body, line breaks kept. */
  z.strictObject({ name: z.literal('comment'), number: ticketNumberSchema, text }),
  /** Minutes and labour type are never part of the command: the bill form always asks for them. */
  z.strictObject({ name: z.literal('bill'), number: ticketNumberSchema }),
  /** Timers live in the bot (Syncro has no running timer); starting or stopping one writes nothing to Syncro. */
  /** `number`: required by start and cancel, optional for stop (the only running timer), absent for list. */
  z.strictObject({
    name: z.literal('timer'),
    op: z.enum(['list', 'start', 'stop', 'cancel']),
    number: ticketNumberSchema.optional(),
    note: oneLine.optional(),
  }),
  z.strictObject({ name: z.literal('search'), query: oneLine }),
  z.strictObject({ name: z.literal('customers'), query: oneLine }),
  z.strictObject({ name: z.literal('audit'), number: ticketNumberSchema }),
  z.strictObject({ name: z.literal('help'), topic: z.enum(COMMAND_NAMES).optional() }),
  z.strictObject({ name: z.literal('whoami') }),
  /** Opens the form where a technician pastes their own Syncro API token (never typed on the command line). */
  z.strictObject({ name: z.literal('connect') }),
  z.strictObject({ name: z.literal('disconnect') }),
  /** The configuration checked against Slack and Syncro, read-only (admins only). */
  z.strictObject({ name: z.literal('doctor') }),
]);
export type Command = z.infer<typeof commandSchema>;

/** The command of one name, e.g. `CommandOf<'comment'>`. */
export type CommandOf<N extends CommandName> = Extract<Command, { name: N }>;

/** The subcommands that lead to a confirm card (a proposed write), never to a write by themselves. */
export const WRITE_COMMANDS = [
  'create',
  'update',
  'close',
  'comment',
  'bill',
] as const satisfies readonly CommandName[];
