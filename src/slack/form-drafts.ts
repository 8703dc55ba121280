import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { LIMITS } from './blocks.js';
import type { ModalMeta } from './context.js';
import type {
  BillModalValues,
  CloseModalValues,
  CommentModalValues,
  StatusModalValues,
} from './views/modal-readers.js';
import type { TimerEntryModalValues } from './views/timer-entry-modal.js';

/**
 * What a person typed into a form that closed and then failed (Syncro down, a product lookup failed, the card
 * could not be posted). It travels in the "Reopen form" button's value, so that any replica, after any
 * restart, can reopen the form filled in: no server-side state to expire or to share.
 */
export type FormDraft =
  | { form: 'comment'; meta: ModalMeta; values: CommentModalValues }
  | { form: 'status'; meta: ModalMeta; values: StatusModalValues }
  | { form: 'close'; meta: ModalMeta; values: CloseModalValues }
  | { form: 'bill'; meta: ModalMeta; values: BillModalValues }
  | { form: 'timer_entry'; meta: ModalMeta; values: TimerEntryModalValues };

export type FormKind = FormDraft['form'];
/** The values each form's draft holds. */
export type DraftValues = { [F in FormKind]: Extract<FormDraft, { form: F }>['values'] };

const FORMS: readonly FormKind[] = ['comment', 'status', 'close', 'bill', 'timer_entry'];
/** Compressed values start with this (JSON never does). */
const DEFLATED = 'z:';

/**
 * The draft as a button value (≤ 2000 characters): JSON when it fits, else deflated and base64url-encoded
 * (long prose roughly halves). Undefined when even that does not fit: the message still shows the text.
 */
export function encodeDraft(d: FormDraft): string | undefined {
  const json = JSON.stringify(d);
  if (json.length <= LIMITS.buttonValue) return json;
  const packed = DEFLATED + deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64url');
  return packed.length <= LIMITS.buttonValue ? packed : undefined;
}

/** Reads a "Reopen form" button value; undefined when it is not a draft of ours. */
export function decodeDraft(value: string | undefined): FormDraft | undefined {
  if (!value) return undefined;
  try {
    const json = value.startsWith(DEFLATED)
      ? inflateRawSync(Buffer.from(value.slice(DEFLATED.length), 'base64url'), {
          maxOutputLength: 64_000,
        }).toString('utf8')
      : value;
    const d = JSON.parse(json) as Partial<FormDraft>;
    if (!d || typeof d !== 'object' || !FORMS.includes(d.form as FormKind)) return undefined;
    if (typeof d.meta?.number !== 'string' || typeof d.values !== 'object' || d.values === null)
      return undefined;
    return d as FormDraft;
  } catch {
    return undefined;
  }
}
