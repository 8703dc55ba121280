import { describe, expect, it } from 'vitest';
import { commentStep } from '../../src/actions/kinds/comment.js';
import { lineItemStep } from '../../src/actions/kinds/line-item.js';
import { statusStep } from '../../src/actions/kinds/status-change.js';
import { needsSnapshot, primeSnapshots, SNAPSHOT_FRESH_MS } from '../../src/actions/reconcile.js';
import type { Ticket } from '../../src/syncro/schemas.js';

const T0 = Date.parse('2026-12-01T09:00:00Z');
const line = {
  product_id: 1190473,
  name: 'Labor - Remote',
  description: 'Reset the sync client',
  quantity: 0.75,
  taxable: false,
};
const ticket: Ticket = {
  id: 90,
  created_at: '2026-11-01T09:00:00Z',
  number: 32164,
  subject: 'Own cloud thing again',
  status: 'New',
  comments: [{ id: 7, subject: 'Update', body: 'Rebooted', created_at: '2026-11-01T10:00:00Z' }],
  line_items: [
    {
      id: 11,
      product_id: 1190473,
      quantity: 0.75,
      description: 'Older work',
      created_at: '2026-11-01T10:00:00Z',
    },
  ],
};

describe('snapshots before sending', () => {
  it('should take the matching records of any age and the same-product lines from a ticket just read', async () => {
    const [c, li, st] = await primeSnapshots(
      [
        commentStep(90, { subject: 'Update', body: 'Rebooted', visibility: 'private_note' }),
        lineItemStep(90, line),
        statusStep(90, 'Invoiced'),
      ],
      ticket,
      T0,
    );
    expect(c).toMatchObject({ preexistingIds: [7], snapshotAt: T0 });
    // The older line has another description: not a match for reconciliation, but a twin on the invoice.
    expect(li).toMatchObject({ preexistingIds: [], twinIds: [11], snapshotAt: T0 });
    expect(st).not.toHaveProperty('snapshotAt');
  });

  it('should not prime a step on another ticket', async () => {
    const [c] = await primeSnapshots(
      [commentStep(91, { subject: 'Update', body: 'Rebooted', visibility: 'private_note' })],
      ticket,
      T0,
    );
    expect(c).not.toHaveProperty('snapshotAt');
  });

  it('should read again when the snapshot is older than the bound, or the step was sent since', async () => {
    const [c] = await primeSnapshots(
      [commentStep(90, { subject: 'Update', body: 'Rebooted', visibility: 'private_note' })],
      ticket,
      T0,
    );
    expect(needsSnapshot(c!, T0 + SNAPSHOT_FRESH_MS)).toBe(false);
    expect(needsSnapshot(c!, T0 + SNAPSHOT_FRESH_MS + 1)).toBe(true);
    expect(needsSnapshot({ ...c!, sentAt: T0 + 1 }, T0 + 2)).toBe(true);
    expect(needsSnapshot(statusStep(90, 'Invoiced'), T0)).toBe(false);
  });
});
