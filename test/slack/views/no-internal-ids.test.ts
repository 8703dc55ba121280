import { describe, expect, it } from 'vitest';
import type { TimerEntryDraft } from '../../../src/actions/kinds/timer-entry.js';
import { STEP_WORDS } from '../../../src/slack/views/step-words.js';
import { chargedLineWords, timerEntryWords } from '../../../src/slack/views/timer-words.js';

/**
 * Issue 16, item 14: every reference a person reads is a ticket or invoice number, a name, or a link with words;
 * Syncro's internal ids (a line item's, a user's, a product's) stay in payloads and links.
 */

describe('no internal ids in words', () => {
  it('a charged line is named by its name, never its id', () => {
    const line = { id: 778899, name: 'Labor - Remote Business', quantity: 0.75, price: null };
    expect(chargedLineWords(line)).toBe(
      'line item Labor - Remote Business, 0.75 h; Syncro did not say its price',
    );
    expect(chargedLineWords({ id: 778899, quantity: null, price: null })).not.toContain('778899');
    expect(chargedLineWords({ ...line, price: 150 })).toBe(
      'line item Labor - Remote Business 0.75 h × $150.00 = $112.50',
    );
  });

  it('the line tax step’s result is the charged line on its ticket', () => {
    const r = { ticket: () => '', invoice: () => '', onTicket: ' on #32164' };
    const step = {
      op: 'update_line_item',
      method: 'PUT',
      path: '/tickets/5/update_line_item',
      status: 'succeeded',
    };
    const words = STEP_WORDS.update_line_item.result(r, step as never, 778899);
    expect(words).toBe('the charged line on #32164');
  });

  it('a timer entry card names the technician and the labour product, without their ids', () => {
    const d: TimerEntryDraft = {
      kind: 'timer_entry',
      ticket: { id: 5, number: '32164', subject: 'Printer' },
      technician: { syncroUserId: 1750, name: 'Howard Enos' },
      labor: { key: 'remote', label: 'Remote', productId: 1190473, taxable: false },
      startAt: 0,
      endAt: 47 * 60_000,
      notes: '',
      charge: false,
      timer: { startedAt: 0, stoppedAt: 47 * 60_000, minutes: 47 },
    };
    const text = JSON.stringify(timerEntryWords(d));
    expect(text).toContain('Howard Enos');
    expect(text).not.toMatch(/1750|1190473/);
  });
});
