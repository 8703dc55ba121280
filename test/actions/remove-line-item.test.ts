import { describe, expect, it } from 'vitest';
import {
  lineBilling,
  REMOVAL_REFUSED,
  removalRefusal,
  removeLineItem,
  removeLineItemStep,
} from '../../src/actions/kinds/remove-line-item.js';
import type { StepContext } from '../../src/actions/kinds/step.js';
import type { SyncroApi } from '../../src/syncro/api.js';
import type { LineItem, Ticket } from '../../src/syncro/schemas.js';

function line(id: number, billing: Partial<Pick<LineItem, 'converted' | 'invoice_id'>>): LineItem {
  return { id, name: 'Labor - Remote Business', quantity: 0.75, ...billing } as LineItem;
}

function ticket(lines: LineItem[] | null): Ticket {
  return { id: 90, number: 32161, subject: 's', status: 'New', created_at: '', line_items: lines } as Ticket;
}

function ctxReading(t: Ticket): StepContext {
  return {
    api: {} as SyncroApi,
    steps: [],
    reads: { ticket: async () => t, comments: async () => ({ comments: [], pages: 1 }) },
    now: 0,
  };
}

describe('remove_line_item', () => {
  it.each([
    [{ converted: true }, 'invoiced'],
    [{ invoice_id: 6001 }, 'invoiced'],
    [{ converted: false, invoice_id: 6001 }, 'invoiced'],
    [{ converted: false }, 'not_invoiced'],
    [{ invoice_id: null }, 'not_invoiced'],
    [{}, 'unknown'],
  ] as const)('should read the billing of a line %o as %s', (billing, want) => {
    expect(lineBilling(line(1, billing))).toBe(want);
  });

  it('should refuse an invoiced line, a line not on the ticket and a line of unknown billing, and allow the rest', () => {
    const t = ticket([line(1, { converted: true }), line(2, { converted: false }), line(3, {})]);
    expect(removalRefusal(t, 1)?.code).toBe(REMOVAL_REFUSED.invoiced);
    expect(removalRefusal(t, 2)).toBeUndefined();
    expect(removalRefusal(t, 3)?.code).toBe(REMOVAL_REFUSED.unknown);
    expect(removalRefusal(t, 4)?.code).toBe(REMOVAL_REFUSED.gone);
  });

  it('should read back: the line gone is done, still there is absent, no line items in the answer cannot tell', async () => {
    if (removeLineItem.readBack !== 'state') throw new Error('remove_line_item reads back by state');
    const step = { ...removeLineItemStep(90, 2), sentAt: 1_000 };
    expect(await removeLineItem.check(ctxReading(ticket([line(1, { converted: true })])), step)).toEqual({
      found: true,
      resultId: 2,
      outcome: { code: 'found', what: 'line_item_removal' },
    });
    expect(
      await removeLineItem.check(ctxReading(ticket([line(2, { converted: false })])), step),
    ).toMatchObject({
      found: false,
      outcome: { code: 'absent', what: 'line_item_removal', searched: { ticketId: 90 } },
    });
    await expect(removeLineItem.check(ctxReading(ticket(null)), step)).rejects.toThrow(
      /without its line items/,
    );
  });

  it('should refuse before sending from a read made then, and not decide without the line items', async () => {
    const step = removeLineItemStep(90, 2);
    const refuse = removeLineItem.refuseBeforeSend!;
    expect(await refuse(ctxReading(ticket([line(2, { converted: false })])), step)).toBeUndefined();
    expect((await refuse(ctxReading(ticket([line(2, { invoice_id: 7 })])), step))?.code).toBe(
      'LINE_INVOICED',
    );
    await expect(refuse(ctxReading(ticket(null)), step)).rejects.toThrow();
  });
});
