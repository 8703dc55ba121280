import { describe, expect, it } from 'vitest';
import {
  readTimerEntryModal,
  TIMER_ENTRY_BLOCK,
  TIMER_ENTRY_MESSAGES,
  timerEntryModal,
} from '../../../src/slack/views/timer-entry-modal.js';
import { expectModalLimits, HOSTILE, NOW } from './helpers.js';

/** The timer entry form: what it opens with, and what it refuses (in the form, keeping what was typed). */

const MIN = 60_000;
const span = { ticketId: 5, number: '32164', startedAt: NOW - 47 * MIN, stoppedAt: NOW, note: HOSTILE };

function values(f: { labor?: string; start?: number; end?: number; notes?: string; charge?: boolean }) {
  return {
    syncro_labor: { syncro_labor_input: { selected_option: f.labor ? { value: f.labor } : null } },
    syncro_entry_start: { syncro_entry_start_input: { selected_date_time: f.start ? f.start / 1000 : null } },
    syncro_entry_end: { syncro_entry_end_input: { selected_date_time: f.end ? f.end / 1000 : null } },
    syncro_entry_notes: { syncro_entry_notes_input: { value: f.notes ?? null } },
    syncro_entry_charge: {
      syncro_entry_charge_input: { selected_options: f.charge ? [{ value: 'charge' }] : [] },
    },
  };
}
const read = (f: Parameters<typeof values>[0]) =>
  readTimerEntryModal(values(f), { laborTypes: ['remote', 'onsite'], now: NOW });

describe('timer entry form', () => {
  it('should open with the timer’s start, end and note, no labour type chosen and charging not ticked', () => {
    const view = timerEntryModal({
      span,
      subject: HOSTILE,
      laborTypes: [{ key: 'remote', label: 'Remote' }],
      meta: JSON.stringify({ number: '32164', channelId: 'C1', timer: span }),
    });
    expectModalLimits(view);
    const json = JSON.stringify(view);
    expect(json).toContain(`"initial_date_time":${Math.floor(span.startedAt / 1000)}`);
    expect(json).toContain(`"initial_date_time":${Math.floor(span.stoppedAt / 1000)}`);
    expect(json).not.toContain('initial_option');
    expect(json).not.toContain('initial_options');
  });

  it('should read what was chosen, in whole seconds', () => {
    expect(read({ labor: 'Remote', start: NOW - 30 * MIN, end: NOW, notes: ' done ', charge: true })).toEqual(
      {
        ok: true,
        value: { laborType: 'Remote', startAt: NOW - 30 * MIN, endAt: NOW, notes: 'done', charge: true },
      },
    );
  });

  it.each([
    ['no labour type', { start: NOW - MIN, end: NOW }, TIMER_ENTRY_BLOCK.labor, TIMER_ENTRY_MESSAGES.labor],
    [
      'an unknown labour type',
      { labor: 'gardening', start: NOW - MIN, end: NOW },
      TIMER_ENTRY_BLOCK.labor,
      TIMER_ENTRY_MESSAGES.unknownLabor,
    ],
    ['no start', { labor: 'remote', end: NOW }, TIMER_ENTRY_BLOCK.start, TIMER_ENTRY_MESSAGES.start],
    [
      'an end before the start',
      { labor: 'remote', start: NOW, end: NOW - MIN },
      TIMER_ENTRY_BLOCK.end,
      TIMER_ENTRY_MESSAGES.order,
    ],
    [
      'more than a day',
      { labor: 'remote', start: NOW - 25 * 60 * MIN, end: NOW },
      TIMER_ENTRY_BLOCK.end,
      TIMER_ENTRY_MESSAGES.overDay,
    ],
    [
      'an end in the future',
      { labor: 'remote', start: NOW, end: NOW + 60 * MIN },
      TIMER_ENTRY_BLOCK.end,
      TIMER_ENTRY_MESSAGES.future,
    ],
  ])('should refuse %s under its input', (_what, f, block, message) => {
    const r = read(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[block]).toBe(message);
  });
});
