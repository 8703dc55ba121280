import type { ExternalSelect, KnownBlock, ModalView } from '@slack/types';
import { OPTIONS, VIEW } from '../action-ids.js';
import { context, input, LIMITS, mention, modal, option, plain, staticSelect, textInput } from '../blocks.js';
import type { ModalRead, StateValues } from '../views/modal-readers.js';
import { BODY_MAX, SUBJECT_MAX } from './message-text.js';

/**
 * The shortcuts' forms (pure). They open at once, before anything is read from Syncro: the customer and the
 * ticket are picked with typeaheads whose options are loaded while the person types. Submitting shows a card
 * with the exact payload; nothing is sent before Post.
 */

export const SHORTCUT_BLOCK = {
  customer: 'syncro_sc_customer',
  subject: 'syncro_sc_subject',
  body: 'syncro_sc_body',
  priority: 'syncro_sc_priority',
  ticket: 'syncro_sc_ticket',
} as const;

export const SHORTCUT_INPUT = {
  customer: OPTIONS.customerSearch,
  subject: 'syncro_sc_subject_input',
  body: 'syncro_sc_body_input',
  priority: 'syncro_sc_priority_input',
  ticket: OPTIONS.ticketSearch,
} as const;

/** The message a shortcut was used on: where it is (for its permalink and the thread reply). */
export interface SourceMessage {
  channelId: string;
  ts: string;
  /** The thread the message is in, if it is a reply (the bot answers in that thread). */
  threadTs?: string;
  author?: string;
}

/** What the forms carry in private_metadata. */
export interface ShortcutMeta {
  /** Where the card goes (the message's channel; none for the global shortcut: a direct message). */
  channelId?: string;
  message?: SourceMessage;
}

const NOTHING_YET =
  'Nothing is sent to Syncro from this form: the next step is a card with the exact payload and a Post button.';

export function shortcutMetadata(meta: ShortcutMeta): string {
  return JSON.stringify(meta);
}

export function readShortcutMetadata(s: string | undefined): ShortcutMeta {
  try {
    const v = JSON.parse(s ?? '') as Record<string, unknown>;
    const m = v.message as Record<string, unknown> | undefined;
    const message =
      m && typeof m.channelId === 'string' && typeof m.ts === 'string'
        ? {
            channelId: m.channelId,
            ts: m.ts,
            ...(typeof m.threadTs === 'string' ? { threadTs: m.threadTs } : {}),
            ...(typeof m.author === 'string' ? { author: m.author } : {}),
          }
        : undefined;
    return {
      ...(typeof v.channelId === 'string' ? { channelId: v.channelId } : {}),
      ...(message ? { message } : {}),
    };
  } catch {
    return {};
  }
}

function fromLine(message: SourceMessage | undefined): KnownBlock[] {
  if (!message) return [];
  const who = message.author ? ` by ${mention(message.author)}` : '';
  return [context([`From a message${who}. Its Slack link is added to the text, so Syncro links back here.`])];
}

export interface CreateTicketModalParams {
  subject: string;
  body: string;
  priorities: string[];
  defaultPriority: string;
  meta: ShortcutMeta;
}

export function createTicketModal(p: CreateTicketModalParams): ModalView {
  const customer: ExternalSelect = {
    type: 'external_select',
    action_id: SHORTCUT_INPUT.customer,
    placeholder: plain('Type part of the customer’s name', LIMITS.placeholder),
    min_query_length: 2,
  };
  return modal({
    callbackId: VIEW.createTicket,
    title: 'New Syncro ticket',
    submit: 'Preview',
    close: 'Cancel',
    privateMetadata: shortcutMetadata(p.meta),
    blocks: [
      ...fromLine(p.meta.message),
      input({ blockId: SHORTCUT_BLOCK.customer, label: 'Customer', element: customer }),
      input({
        blockId: SHORTCUT_BLOCK.subject,
        label: 'Subject',
        element: textInput({ actionId: SHORTCUT_INPUT.subject, initial: p.subject, maxLength: SUBJECT_MAX }),
      }),
      input({
        blockId: SHORTCUT_BLOCK.body,
        label: 'Description (the ticket’s first comment)',
        element: textInput({
          actionId: SHORTCUT_INPUT.body,
          initial: p.body,
          multiline: true,
          maxLength: BODY_MAX,
        }),
        optional: true,
      }),
      input({
        blockId: SHORTCUT_BLOCK.priority,
        label: 'Priority',
        element: staticSelect({
          actionId: SHORTCUT_INPUT.priority,
          placeholder: 'Priority',
          options: p.priorities.map((x) => option(x, x)),
          initial: p.defaultPriority,
        }),
      }),
      context([NOTHING_YET]),
    ],
  });
}

export interface AddToTicketModalParams {
  body: string;
  meta: ShortcutMeta;
}

export function addToTicketModal(p: AddToTicketModalParams): ModalView {
  const ticket: ExternalSelect = {
    type: 'external_select',
    action_id: SHORTCUT_INPUT.ticket,
    placeholder: plain('A ticket number, or words of its subject', LIMITS.placeholder),
    min_query_length: 1,
  };
  return modal({
    callbackId: VIEW.addToTicket,
    title: 'Add to Syncro ticket',
    submit: 'Preview',
    close: 'Cancel',
    privateMetadata: shortcutMetadata(p.meta),
    blocks: [
      ...fromLine(p.meta.message),
      input({ blockId: SHORTCUT_BLOCK.ticket, label: 'Ticket', element: ticket }),
      input({
        blockId: SHORTCUT_BLOCK.body,
        label: 'Comment',
        element: textInput({
          actionId: SHORTCUT_INPUT.body,
          initial: p.body,
          multiline: true,
          maxLength: BODY_MAX,
        }),
      }),
      context([`Who sees the comment is chosen on the card. ${NOTHING_YET}`]),
    ],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Readers

type Values = StateValues &
  Record<string, Record<string, { selected_option?: { value: string; text?: { text?: string } } | null }>>;

function raw(values: Values, block: string, action: string) {
  return values[block]?.[action];
}

function typed(values: Values, block: string, action: string): string {
  return (raw(values, block, action)?.value ?? '').trim();
}

export interface CreateTicketValues {
  customer: { id: number; name: string };
  subject: string;
  body: string;
  priority: string;
}

export const SHORTCUT_MESSAGES = {
  customer: 'Choose the customer: type part of their name and pick one',
  subject: 'A ticket needs a subject',
  priority: 'Choose a priority from the list',
  ticket: 'Choose the ticket: type its number or words of its subject and pick one',
  body: 'Write the comment; it cannot be blank',
} as const;

export function readCreateTicketModal(values: Values, priorities: string[]): ModalRead<CreateTicketValues> {
  const errors: Record<string, string> = {};
  const chosen = raw(values, SHORTCUT_BLOCK.customer, SHORTCUT_INPUT.customer)?.selected_option;
  const id = Number(chosen?.value);
  if (!chosen || !Number.isInteger(id) || id <= 0)
    errors[SHORTCUT_BLOCK.customer] = SHORTCUT_MESSAGES.customer;
  const subject = typed(values, SHORTCUT_BLOCK.subject, SHORTCUT_INPUT.subject);
  if (!subject) errors[SHORTCUT_BLOCK.subject] = SHORTCUT_MESSAGES.subject;
  const priority =
    raw(values, SHORTCUT_BLOCK.priority, SHORTCUT_INPUT.priority)?.selected_option?.value ?? '';
  if (!priorities.includes(priority)) errors[SHORTCUT_BLOCK.priority] = SHORTCUT_MESSAGES.priority;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      customer: { id, name: chosen?.text?.text ?? '' },
      subject,
      body: typed(values, SHORTCUT_BLOCK.body, SHORTCUT_INPUT.body),
      priority,
    },
  };
}

export interface AddToTicketValues {
  number: string;
  body: string;
}

export function readAddToTicketModal(values: Values): ModalRead<AddToTicketValues> {
  const errors: Record<string, string> = {};
  const number = raw(values, SHORTCUT_BLOCK.ticket, SHORTCUT_INPUT.ticket)?.selected_option?.value ?? '';
  if (!/^\d{1,12}$/.test(number)) errors[SHORTCUT_BLOCK.ticket] = SHORTCUT_MESSAGES.ticket;
  const body = typed(values, SHORTCUT_BLOCK.body, SHORTCUT_INPUT.body);
  if (!body) errors[SHORTCUT_BLOCK.body] = SHORTCUT_MESSAGES.body;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { number, body } };
}
