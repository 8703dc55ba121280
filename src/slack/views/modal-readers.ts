import { isVisibility, type Visibility } from '../../actions/visibility.js';
import { MODAL_ACTION, MODAL_BLOCK, type ModalField } from './modal-ids.js';

/**
 * Pure readers of submitted forms (`view.state.values`). Each returns the typed values, or errors keyed by
 * block_id for Slack's `response_action: 'errors'` (shown under the input; the form stays open).
 */

/** The part of Slack's `view.state.values` the readers use (Bolt's `ViewStateValue` fits). */
export type StateValues = Record<
  string,
  Record<string, { type?: string; value?: string | null; selected_option?: { value: string } | null }>
>;

export type ModalRead<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

export interface CommentModalValues {
  subject: string;
  body: string;
  visibility: Visibility;
}

export interface StatusModalValues {
  status: string;
}

export interface CloseModalValues {
  /** Absent when the comment was left empty: only the status changes. */
  resolution?: CommentModalValues;
}

export interface BillModalValues {
  minutes: number;
  laborType: string;
  description: string;
  commentSubject: string;
  commentBody: string;
  visibility: Visibility;
}

export const MESSAGES = {
  minutes: 'Minutes must be a whole number, e.g. 45 — we never assume or round',
  labor: 'Choose the labour type — there is no default',
  description: 'Describe the work: it becomes the line item’s description',
  subject: 'A comment needs a subject (Syncro refuses one without)',
  body: 'Write the comment; it cannot be blank',
  visibility: 'Choose who sees this comment',
  status: 'Choose the new status',
  minutesOverDay: 'That is more than a day (1440 minutes): bill each day as its own line',
  unknownLabor: 'This labour type is no longer configured: choose one from the list',
} as const;

/** One line never bills more than a day: more is a typo (an extra digit) far more often than real work. */
export const MAX_MINUTES = 24 * 60;

function raw(values: StateValues, field: ModalField): string | undefined {
  const v = values[MODAL_BLOCK[field]]?.[MODAL_ACTION[field]];
  if (!v) return undefined;
  return v.selected_option?.value ?? v.value ?? undefined;
}

function text(values: StateValues, field: ModalField): string {
  return (raw(values, field) ?? '').trim();
}

function visibility(values: StateValues): Visibility | undefined {
  const v = raw(values, 'visibility');
  return isVisibility(v) ? v : undefined;
}

/** Whole minutes, > 0, as typed: `45`. No decimals, units or rounding. */
export function parseMinutes(s: string | undefined): number | undefined {
  const t = (s ?? '').trim();
  if (!/^\d{1,6}$/.test(t)) return undefined;
  const n = Number(t);
  return n > 0 ? n : undefined;
}

function result<T>(errors: Record<string, string>, value: () => T): ModalRead<T> {
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: value() };
}

export function readCommentModal(values: StateValues): ModalRead<CommentModalValues> {
  const errors: Record<string, string> = {};
  const subject = text(values, 'subject');
  const body = text(values, 'body');
  const vis = visibility(values);
  if (!subject) errors[MODAL_BLOCK.subject] = MESSAGES.subject;
  if (!body) errors[MODAL_BLOCK.body] = MESSAGES.body;
  if (!vis) errors[MODAL_BLOCK.visibility] = MESSAGES.visibility;
  return result(errors, () => ({ subject, body, visibility: vis! }));
}

export function readStatusModal(values: StateValues): ModalRead<StatusModalValues> {
  const status = text(values, 'status');
  return status
    ? { ok: true, value: { status } }
    : { ok: false, errors: { [MODAL_BLOCK.status]: MESSAGES.status } };
}

/** An empty comment means "status only"; a comment needs a subject and a visibility. */
export function readCloseModal(values: StateValues): ModalRead<CloseModalValues> {
  const body = text(values, 'body');
  if (!body) return { ok: true, value: {} };
  const errors: Record<string, string> = {};
  const subject = text(values, 'subject');
  const vis = visibility(values);
  if (!subject) errors[MODAL_BLOCK.subject] = MESSAGES.subject;
  if (!vis) errors[MODAL_BLOCK.visibility] = MESSAGES.visibility;
  return result(errors, () => ({ resolution: { subject, body, visibility: vis! } }));
}

/** `laborTypes`: the configured keys; a choice not among them is refused in the form. */
export function readBillModal(
  values: StateValues,
  opts: { laborTypes?: readonly string[] } = {},
): ModalRead<BillModalValues> {
  const errors: Record<string, string> = {};
  const minutes = parseMinutes(raw(values, 'minutes'));
  const laborType = text(values, 'labor');
  const description = text(values, 'description');
  const commentSubject = text(values, 'subject');
  const commentBody = text(values, 'body');
  const vis = visibility(values);
  if (minutes === undefined) errors[MODAL_BLOCK.minutes] = MESSAGES.minutes;
  else if (minutes > MAX_MINUTES) errors[MODAL_BLOCK.minutes] = MESSAGES.minutesOverDay;
  if (!laborType) errors[MODAL_BLOCK.labor] = MESSAGES.labor;
  else if (opts.laborTypes && !opts.laborTypes.includes(laborType.toLowerCase()))
    errors[MODAL_BLOCK.labor] = MESSAGES.unknownLabor;
  if (!description) errors[MODAL_BLOCK.description] = MESSAGES.description;
  if (!commentSubject) errors[MODAL_BLOCK.subject] = MESSAGES.subject;
  if (!commentBody) errors[MODAL_BLOCK.body] = MESSAGES.body;
  if (!vis) errors[MODAL_BLOCK.visibility] = MESSAGES.visibility;
  return result(errors, () => ({
    minutes: minutes!,
    laborType,
    description,
    commentSubject,
    commentBody,
    visibility: vis!,
  }));
}

/** Parses a modal's private_metadata (JSON object); an unreadable one gives `{}`. */
export function readModalMetadata(privateMetadata: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(privateMetadata || '{}');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
