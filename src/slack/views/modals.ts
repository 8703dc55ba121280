import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { VISIBILITIES, type Visibility } from '../../actions/visibility.js';
import { VIEW } from '../action-ids.js';
import {
  context,
  escapeMrkdwn,
  input,
  LIMITS,
  modal,
  option,
  radioButtons,
  section,
  slackDate,
  staticSelect,
  textInput,
  truncate,
} from '../blocks.js';
import { hours, ticketNo } from './format.js';
import { MODAL_ACTION, MODAL_BLOCK } from './modal-ids.js';
import { VISIBILITY_LABELS } from './visibility-words.js';

export type {
  BillModalValues,
  CloseModalValues,
  CommentModalValues,
  ModalRead,
  StateValues,
} from './modal-readers.js';
export {
  readBillModal,
  readCloseModal,
  readCommentModal,
  readModalMetadata,
  readStatusModal,
} from './modal-readers.js';

/**
 * The forms that start a write. A form only collects what the person states; submitting it shows a card with
 * the exact payload, and nothing is sent before Post. `private_metadata` is JSON (≤ 3000 characters): by default
 * `{ticketId, number}`, merged with the caller's `meta` object, or the caller's own JSON string as given.
 */

/** The ticket a form is about; only the number is needed before Syncro has been read. */
export interface ModalTicket {
  id?: number;
  number: string;
  subject?: string;
}

interface ModalBase {
  /** The ticket (preferred), or just its number. */
  ticket?: ModalTicket;
  ticketNumber?: string;
  /** Extra private_metadata: an object merged into the default, or a JSON string used as is. */
  meta?: string | Record<string, unknown>;
}

const NOTHING_YET =
  'Nothing is sent to Syncro from this form: the next step is a card with the exact payload and a Post button.';
const SUBJECT_MAX = 255;
const BODY_MAX = 3000;

function ticketOf(p: ModalBase): ModalTicket {
  if (p.ticket) return p.ticket;
  return { number: p.ticketNumber ?? '' };
}

function metadata(p: ModalBase): string {
  if (typeof p.meta === 'string') return p.meta;
  const t = ticketOf(p);
  return JSON.stringify({
    ...(t.id !== undefined ? { ticketId: t.id } : {}),
    number: t.number,
    ...(p.meta ?? {}),
  });
}

/** A modal title (≤ 24 characters): cut with '…' when a ticket number is unusually long. */
function title(text: string): string {
  return truncate(text, LIMITS.modalTitle);
}

function ticketLine(t: ModalTicket): string {
  const number = t.number ? `*${escapeMrkdwn(ticketNo(t.number))}*` : '';
  return t.subject ? `${number} · ${escapeMrkdwn(truncate(t.subject, 300))}` : number;
}

const visibilityOptions: PlainTextOption[] = VISIBILITIES.map((v) => option(VISIBILITY_LABELS[v], v));

function visibilityInput(initial: Visibility | undefined, optional = false): KnownBlock {
  return input({
    blockId: MODAL_BLOCK.visibility,
    label: 'Who sees this comment',
    element: radioButtons({ actionId: MODAL_ACTION.visibility, options: visibilityOptions, initial }),
    optional,
  });
}

function subjectInput(initial: string, optional = false): KnownBlock {
  return input({
    blockId: MODAL_BLOCK.subject,
    label: 'Comment subject',
    element: textInput({ actionId: MODAL_ACTION.subject, initial, maxLength: SUBJECT_MAX }),
    optional,
  });
}

function bodyInput(label: string, initial: string | undefined, optional = false): KnownBlock {
  return input({
    blockId: MODAL_BLOCK.body,
    label,
    element: textInput({ actionId: MODAL_ACTION.body, initial, multiline: true, maxLength: BODY_MAX }),
    optional,
  });
}

// ---------------------------------------------------------------------------------------------------------------

export interface CommentModalParams extends ModalBase {
  defaults?: { subject?: string; body?: string; visibility?: Visibility };
  /** The configured default when `defaults.visibility` is not given; without either, the person must choose. */
  defaultVisibility?: Visibility;
}

export function commentModal(p: CommentModalParams): ModalView {
  const t = ticketOf(p);
  return modal({
    callbackId: VIEW.comment,
    title: title(`Comment on ${ticketNo(t.number)}`),
    submit: 'Preview',
    close: 'Cancel',
    privateMetadata: metadata(p),
    blocks: [
      section(`Comment on ${ticketLine(t)}`),
      subjectInput(p.defaults?.subject ?? 'Update'),
      bodyInput('Comment', p.defaults?.body),
      visibilityInput(p.defaults?.visibility ?? p.defaultVisibility),
      context([NOTHING_YET]),
    ],
  });
}

export interface StatusModalParams extends ModalBase {
  /** The account's statuses (GET /tickets/settings). */
  statuses: string[];
  /** The ticket's status now (selected initially). */
  current?: string;
  /** The status the person chose before (a reopened form); selected instead of `current`. */
  chosen?: string;
}

export function statusModal(p: StatusModalParams): ModalView {
  const t = ticketOf(p);
  const element =
    p.statuses.length > 0
      ? staticSelect({
          actionId: MODAL_ACTION.status,
          placeholder: 'Choose a status',
          options: p.statuses.map((s) => option(s, truncate(s, LIMITS.optionValue))),
          initial: p.chosen ?? p.current,
        })
      : textInput({ actionId: MODAL_ACTION.status, initial: p.chosen ?? p.current, maxLength: 100 });
  return modal({
    callbackId: VIEW.status,
    title: title(`Status of ${ticketNo(t.number)}`),
    submit: 'Preview',
    close: 'Cancel',
    privateMetadata: metadata(p),
    blocks: [
      section(`${ticketLine(t)}${p.current ? `\nStatus now: *${escapeMrkdwn(p.current)}*` : ''}`),
      input({ blockId: MODAL_BLOCK.status, label: 'New status', element }),
      context([NOTHING_YET]),
    ],
  });
}

export interface CloseModalParams extends ModalBase {
  /** The status a close sets (config: tickets.close_status). */
  closeStatus: string;
  defaults?: { subject?: string; body?: string; visibility?: Visibility };
  defaultVisibility?: Visibility;
}

export function closeModal(p: CloseModalParams): ModalView {
  const t = ticketOf(p);
  return modal({
    callbackId: VIEW.close,
    title: title(`Close ${ticketNo(t.number)}`),
    submit: 'Preview',
    close: 'Cancel',
    privateMetadata: metadata(p),
    blocks: [
      section(`Close ${ticketLine(t)}: its status will be set to *${escapeMrkdwn(p.closeStatus)}*.`),
      context(['Optionally add a resolution comment; leave the comment empty to change only the status.']),
      subjectInput(p.defaults?.subject ?? 'Resolution', true),
      bodyInput('Resolution comment', p.defaults?.body, true),
      visibilityInput(p.defaults?.visibility ?? p.defaultVisibility, true),
      context([NOTHING_YET]),
    ],
  });
}

export interface BillModalParams extends ModalBase {
  /** The ticket once loaded from Syncro; undefined while loading or when it could not be read. */
  ticket?: ModalTicket & { customerName?: string };
  loading: boolean;
  laborTypes: Array<{ key: string; label: string }>;
  /** The customer's prepaid hours: a number, null (no prepaid block), undefined (not known yet). */
  prepaidHours: number | null | undefined;
  /** Why Syncro could not be read (plain words; shown escaped). */
  error?: string;
  /**
   * Initial texts. Minutes and labour type are given only when the person stated them before (a reopened
   * form): they are never assumed.
   */
  defaults?: {
    minutes?: number;
    laborType?: string;
    description?: string;
    commentSubject?: string;
    commentBody?: string;
    visibility?: Visibility;
  };
  /** Comment subject used when `defaults.commentSubject` is not given (config: billing.comment_subject). */
  commentSubject?: string;
  defaultVisibility?: Visibility;
  /** Billing a stopped timer: its measurement is shown, and its minutes fill the (editable) minutes field. */
  timer?: { startedAt: number; stoppedAt: number; minutes: number };
  /** Where the card will be posted when it needs an approver (billing-words.ts billingPlaceWords; mrkdwn). */
  placeNote?: string;
}

export function billModal(p: BillModalParams): ModalView {
  const t = ticketOf(p);
  const blocks: KnownBlock[] = [];
  if (p.loading) blocks.push(context(['⏳ Loading ticket and customer from Syncro…']));
  if (p.error) blocks.push(section(`⚠️ ${escapeMrkdwn(p.error)}`));
  if (p.ticket) {
    const customer = p.ticket.customerName ? `\nCustomer: *${escapeMrkdwn(p.ticket.customerName)}*` : '';
    blocks.push(section(`${ticketLine(p.ticket)}${customer}`));
  } else if (t.number) {
    blocks.push(section(ticketLine(t)));
  }
  blocks.push(context([prepaidText(p.prepaidHours, p.loading)]));
  if (p.placeNote && !p.error) blocks.push(context([p.placeNote]));
  if (p.timer) {
    blocks.push(
      context([
        `⏱ Your timer: ${slackDate(p.timer.startedAt)} → ${slackDate(p.timer.stoppedAt)}, ` +
          `${p.timer.minutes} min measured. Change the minutes if the time worked differs.`,
      ]),
    );
  }

  blocks.push(
    input({
      blockId: MODAL_BLOCK.minutes,
      label: 'Minutes worked',
      element: textInput({
        actionId: MODAL_ACTION.minutes,
        placeholder: 'e.g. 45',
        maxLength: 6,
        // A reopened form keeps what was typed; a stopped timer fills in what it measured (editable).
        initial:
          p.defaults?.minutes !== undefined
            ? String(p.defaults.minutes)
            : p.timer
              ? String(p.timer.minutes)
              : undefined,
      }),
      hint: 'Whole minutes, as worked. The bot never assumes them.',
    }),
  );
  if (p.laborTypes.length > 0) {
    blocks.push(
      input({
        blockId: MODAL_BLOCK.labor,
        label: 'Labour type',
        element: staticSelect({
          actionId: MODAL_ACTION.labor,
          placeholder: 'Choose the labour type',
          options: p.laborTypes.map((l) => option(l.label, l.key)),
          initial: p.defaults?.laborType,
        }),
      }),
    );
  } else {
    blocks.push(
      section('⚠️ No labour types are configured (labor_types in the bot’s config file); ask your admin.'),
    );
  }
  blocks.push(
    input({
      blockId: MODAL_BLOCK.description,
      label: 'Work description (the line item’s description)',
      element: textInput({
        actionId: MODAL_ACTION.description,
        initial: p.defaults?.description,
        multiline: true,
        maxLength: BODY_MAX,
      }),
    }),
    subjectInput(p.defaults?.commentSubject ?? p.commentSubject ?? 'Resolution'),
    bodyInput('Comment', p.defaults?.commentBody),
    visibilityInput(p.defaults?.visibility ?? p.defaultVisibility),
    context([NOTHING_YET]),
  );
  return modal({
    callbackId: VIEW.bill,
    title: title(t.number ? `Bill ${ticketNo(t.number)}` : 'Bill a ticket'),
    submit: 'Preview',
    close: 'Cancel',
    privateMetadata: metadata(p),
    blocks,
  });
}

function prepaidText(prepaid: number | null | undefined, loading: boolean): string {
  if (prepaid === undefined) return loading ? 'Prepaid hours: loading…' : 'Prepaid hours: unknown';
  if (prepaid === null) return 'Prepaid hours: the customer has no prepaid block';
  return `Prepaid hours: *${hours(prepaid)} h* left before this line`;
}
