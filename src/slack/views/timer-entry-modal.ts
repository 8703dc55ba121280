import type { Checkboxes, DateTimepicker, KnownBlock, ModalView } from '@slack/types';
import { measuredMinutes, type TimerSpan } from '../../timers/span.js';
import { VIEW } from '../action-ids.js';
import {
  context,
  escapeMrkdwn,
  input,
  LIMITS,
  modal,
  option,
  section,
  slackDate,
  staticSelect,
  textInput,
  truncate,
} from '../blocks.js';
import { ticketNo } from './format.js';
import { MAX_MINUTES, MESSAGES, type ModalRead, type StateValues } from './modal-readers.js';

/**
 * "Record a timer entry" on a stopped timer: the labour type (stated, never a default), the start and end (the
 * timer's, editable), notes, and whether to charge it now. Submitting shows a card with both payloads.
 */

export const TIMER_ENTRY_BLOCK = {
  labor: 'syncro_labor',
  start: 'syncro_entry_start',
  end: 'syncro_entry_end',
  notes: 'syncro_entry_notes',
  charge: 'syncro_entry_charge',
} as const;

export const TIMER_ENTRY_INPUT = {
  labor: 'syncro_labor_input',
  start: 'syncro_entry_start_input',
  end: 'syncro_entry_end_input',
  notes: 'syncro_entry_notes_input',
  charge: 'syncro_entry_charge_input',
} as const;

const CHARGE = 'charge';
const NOTES_MAX = 3000;

export interface TimerEntryModalValues {
  laborType: string;
  /** Epoch ms, whole seconds. */
  startAt: number;
  endAt: number;
  notes: string;
  charge: boolean;
}

export const TIMER_ENTRY_MESSAGES = {
  labor: MESSAGES.labor,
  unknownLabor: MESSAGES.unknownLabor,
  start: 'Choose when the work started',
  end: 'Choose when the work ended',
  order: 'The end must be after the start',
  overDay: 'That is more than a day (1440 minutes): record each day as its own entry',
  future: 'The end is in the future: record time already worked',
} as const;

export interface TimerEntryModalParams {
  span: TimerSpan;
  subject?: string;
  laborTypes: Array<{ key: string; label: string }>;
  /** What the person chose before (a reopened form). */
  defaults?: Partial<TimerEntryModalValues>;
  /** Where a charged entry's card goes, or why it cannot be charged from here (billing-words.ts; mrkdwn). */
  chargeNote?: string;
  meta: string;
}

function dateTime(actionId: string, ms: number): DateTimepicker {
  return { type: 'datetimepicker', action_id: actionId, initial_date_time: Math.floor(ms / 1000) };
}

export function timerEntryModal(p: TimerEntryModalParams): ModalView {
  const s = p.span;
  const d = p.defaults ?? {};
  const subject = p.subject ? ` · ${escapeMrkdwn(truncate(p.subject, 200))}` : '';
  const blocks: KnownBlock[] = [
    section(`*${escapeMrkdwn(ticketNo(s.number))}*${subject}`),
    context([
      `⏱ Your timer: ${slackDate(s.startedAt)} → ${slackDate(s.stoppedAt)}, ` +
        `${measuredMinutes(s)} min measured. Change the start or end if the time worked differs.`,
    ]),
  ];
  if (p.laborTypes.length > 0) {
    blocks.push(
      input({
        blockId: TIMER_ENTRY_BLOCK.labor,
        label: 'Labour type',
        element: staticSelect({
          actionId: TIMER_ENTRY_INPUT.labor,
          placeholder: 'Choose the labour type',
          options: p.laborTypes.map((l) => option(l.label, l.key)),
          initial: d.laborType,
        }),
      }),
    );
  } else {
    blocks.push(
      section('⚠️ No labour types are configured (labor_types in the bot’s config file); ask your admin.'),
    );
  }
  const chargeOption = option('Charge it now (Syncro adds a line item for it)', CHARGE);
  const charge: Checkboxes = {
    type: 'checkboxes',
    action_id: TIMER_ENTRY_INPUT.charge,
    options: [chargeOption],
    ...(d.charge ? { initial_options: [chargeOption] } : {}),
  };
  blocks.push(
    input({
      blockId: TIMER_ENTRY_BLOCK.start,
      label: 'Started',
      element: dateTime(TIMER_ENTRY_INPUT.start, d.startAt ?? s.startedAt),
    }),
    input({
      blockId: TIMER_ENTRY_BLOCK.end,
      label: 'Ended',
      element: dateTime(TIMER_ENTRY_INPUT.end, d.endAt ?? s.stoppedAt),
    }),
    input({
      blockId: TIMER_ENTRY_BLOCK.notes,
      label: 'Notes (the entry’s notes)',
      element: textInput({
        actionId: TIMER_ENTRY_INPUT.notes,
        initial: d.notes ?? s.note,
        multiline: true,
        maxLength: NOTES_MAX,
      }),
      optional: true,
    }),
    input({
      blockId: TIMER_ENTRY_BLOCK.charge,
      label: 'Charge',
      element: charge,
      optional: true,
      hint: 'Syncro’s Make Invoice does not take uncharged timer entries.',
    }),
    ...(p.chargeNote ? [context([p.chargeNote])] : []),
    context([
      'Nothing is sent to Syncro from this form: the next step is a card with the exact payloads and a Post button.',
    ]),
  );
  return modal({
    callbackId: VIEW.timerEntry,
    title: truncate(`Timer entry ${ticketNo(s.number)}`, LIMITS.modalTitle),
    submit: 'Preview',
    close: 'Cancel',
    privateMetadata: p.meta,
    blocks,
  });
}

type EntryStateValues = Record<
  string,
  Record<
    string,
    StateValues[string][string] & {
      selected_date_time?: number | null;
      selected_options?: Array<{ value: string }> | null;
    }
  >
>;

/** Reads the submitted form; `now` refuses an end in the future (beyond the clocks' skew). */
export function readTimerEntryModal(
  values: EntryStateValues,
  opts: { laborTypes: readonly string[]; now: number },
): ModalRead<TimerEntryModalValues> {
  const v = (k: keyof typeof TIMER_ENTRY_BLOCK) => values[TIMER_ENTRY_BLOCK[k]]?.[TIMER_ENTRY_INPUT[k]];
  const errors: Record<string, string> = {};
  const laborType = (v('labor')?.selected_option?.value ?? '').trim();
  const seconds = (k: 'start' | 'end') => {
    const t = v(k)?.selected_date_time;
    return typeof t === 'number' && Number.isFinite(t) && t > 0 ? t * 1000 : undefined;
  };
  const startAt = seconds('start');
  const endAt = seconds('end');
  const notes = (v('notes')?.value ?? '').trim();
  const charge = (v('charge')?.selected_options ?? []).some((o) => o.value === CHARGE);
  if (!laborType) errors[TIMER_ENTRY_BLOCK.labor] = TIMER_ENTRY_MESSAGES.labor;
  else if (!opts.laborTypes.includes(laborType.toLowerCase()))
    errors[TIMER_ENTRY_BLOCK.labor] = TIMER_ENTRY_MESSAGES.unknownLabor;
  if (startAt === undefined) errors[TIMER_ENTRY_BLOCK.start] = TIMER_ENTRY_MESSAGES.start;
  if (endAt === undefined) errors[TIMER_ENTRY_BLOCK.end] = TIMER_ENTRY_MESSAGES.end;
  if (startAt !== undefined && endAt !== undefined) {
    if (endAt <= startAt) errors[TIMER_ENTRY_BLOCK.end] = TIMER_ENTRY_MESSAGES.order;
    else if (endAt - startAt > MAX_MINUTES * 60_000)
      errors[TIMER_ENTRY_BLOCK.end] = TIMER_ENTRY_MESSAGES.overDay;
    else if (endAt > opts.now + 5 * 60_000) errors[TIMER_ENTRY_BLOCK.end] = TIMER_ENTRY_MESSAGES.future;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { laborType, startAt: startAt!, endAt: endAt!, notes, charge } };
}
