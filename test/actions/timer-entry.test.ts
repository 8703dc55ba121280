import { describe, expect, it } from 'vitest';
import {
  chargedLineOf,
  chargeTimerEntryStep,
  sameEntry,
  timerEntryStep,
} from '../../src/actions/kinds/timer-entry.js';
import { resolveBody } from '../../src/actions/steps.js';
import type { TimerEntryBody } from '../../src/syncro/api.js';
import type { Ticket, TimerEntry } from '../../src/syncro/schemas.js';

/**
 * How a timer entry and its charge are recognised when Syncro is read back: the entry however Syncro renders its
 * times and notes, and the charged line whether or not Syncro names it on the entry.
 */

const BODY: TimerEntryBody = {
  start_at: '2026-12-01T09:02:00.000Z',
  end_at: '2026-12-01T09:49:00.000Z',
  notes: 'Re-linked the shared folder & checked sync',
  product_id: 1190473,
  user_id: 1750,
};

function entry(over: Partial<TimerEntry> = {}): TimerEntry {
  return {
    id: 7,
    ticket_id: 90,
    user_id: 1750,
    start_time: '2026-12-01T09:02:00.000Z',
    end_time: '2026-12-01T09:49:00.000Z',
    recorded: false,
    notes: BODY.notes,
    product_id: 1190473,
    ticket_line_item_id: null,
    created_at: '2026-12-01T09:50:00.000Z',
    ...over,
  };
}

describe('sameEntry', () => {
  it('should recognise the entry in the account’s time zone and with notes rendered as HTML', () => {
    expect(sameEntry(entry({ start_time: '2026-12-01T04:02:00.000-05:00' }), 90, BODY)).toBe(true);
    expect(sameEntry(entry({ notes: 'Re-linked the shared folder &amp; checked sync' }), 90, BODY)).toBe(
      true,
    );
  });

  it('should not take another ticket’s, person’s, product’s or time’s entry for ours', () => {
    expect(sameEntry(entry({ ticket_id: 91 }), 90, BODY)).toBe(false);
    expect(sameEntry(entry({ user_id: 1735 }), 90, BODY)).toBe(false);
    expect(sameEntry(entry({ product_id: 26118 }), 90, BODY)).toBe(false);
    expect(sameEntry(entry({ end_time: '2026-12-01T10:49:00.000Z' }), 90, BODY)).toBe(false);
    expect(sameEntry(entry({ notes: 'Something else' }), 90, BODY)).toBe(false);
  });
});

describe('chargedLineOf', () => {
  const since = Date.parse('2026-12-01T09:45:00Z');
  const line = (id: number, over: Record<string, unknown> = {}) => ({
    id,
    product_id: 1190473,
    quantity: '0.7833',
    price_retail: '150.0',
    created_at: '2026-12-01T09:51:00.000Z',
    ...over,
  });
  const ticket = (lines: unknown[]) => ({ id: 90, line_items: lines }) as unknown as Ticket;

  it('should take the line Syncro names on the charged entry', () => {
    expect(chargedLineOf(ticket([line(1), line(2)]), entry({ ticket_line_item_id: 2 }), since)).toEqual({
      id: 2,
      quantity: 0.7833,
      price: 150,
    });
  });

  it('should find the one new line of the entry’s product and hours when Syncro does not name it', () => {
    const old = line(1, { created_at: '2026-11-30T10:00:00.000Z' });
    const other = line(3, { product_id: 26118 });
    expect(chargedLineOf(ticket([old, line(2), other]), entry(), since)?.id).toBe(2);
  });

  it('should say nothing rather than guess between two candidate lines', () => {
    expect(chargedLineOf(ticket([line(1), line(2)]), entry(), since)).toBeUndefined();
  });
});

describe('resolveBody', () => {
  it('should fill the charge’s timer_entry_id from the entry step once it succeeded, and keep it until then', () => {
    const entryStep = timerEntryStep(90, BODY);
    const charge = chargeTimerEntryStep(90);
    expect(resolveBody(charge, [entryStep, charge])).toEqual({ timer_entry_id: '{timer_entry_id}' });
    const done = { ...entryStep, status: 'succeeded' as const, resultId: 7 };
    expect(resolveBody(charge, [done, charge])).toEqual({ timer_entry_id: 7 });
    // Only an earlier step provides it.
    expect(resolveBody(charge, [charge, done])).toEqual({ timer_entry_id: '{timer_entry_id}' });
  });
});
