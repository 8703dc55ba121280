import { describe, expect, it } from 'vitest';
import {
  type BillingPolicy,
  billingCardPlace,
  isBilling,
  needsApprover,
  requesterPostsOwn,
} from '../../src/actions/billing-gate.js';
import { lineItemStep } from '../../src/actions/kinds/line-item.js';
import { lineTaxStep } from '../../src/actions/kinds/line-tax.js';
import { STEP_KINDS } from '../../src/actions/kinds/registry.js';
import { chargeTimerEntryStep, timerEntryStep } from '../../src/actions/kinds/timer-entry.js';

/** Issue 16: one billing gate, decided from the steps a card holds (a property of each kind of step). */

const LINE = { product_id: 1, name: 'Labour', description: 'Work', quantity: 1, taxable: false };
const ENTRY = { start_at: '2026-01-01T09:00:00Z', end_at: '2026-01-01T10:00:00Z', product_id: 1 };

describe('the billing gate', () => {
  it('should know, for every kind of step, whether it puts money on a ticket', () => {
    const billing = Object.values(STEP_KINDS)
      .filter((k) => k.putsMoneyOnTicket)
      .map((k) => k.op)
      .sort();
    expect(billing).toEqual(['add_line_item', 'charge_timer_entry', 'update_line_item']);
    for (const k of Object.values(STEP_KINDS)) expect(typeof k.putsMoneyOnTicket).toBe('boolean');
  });

  it('should make a card billing when any of its steps is, whatever the form', () => {
    expect(isBilling([lineItemStep(9, LINE)])).toBe(true);
    expect(isBilling([timerEntryStep(9, ENTRY)])).toBe(false);
    expect(isBilling([timerEntryStep(9, ENTRY), chargeTimerEntryStep(9)])).toBe(true);
    expect(isBilling([lineTaxStep(9, false)])).toBe(true);
    expect(isBilling([])).toBe(false);
  });

  const open: BillingPolicy = { approvers: ['UAPP'], requesterMayPost: true, requireSecondPerson: false };
  const never: BillingPolicy = { approvers: ['UAPP'], requesterMayPost: false, requireSecondPerson: false };
  const second: BillingPolicy = { approvers: ['UAPP'], requesterMayPost: true, requireSecondPerson: true };

  it('should read requester_may_post: false and require_second_person as one rule: never the requester', () => {
    expect(requesterPostsOwn(open)).toBe(true);
    expect(requesterPostsOwn(never)).toBe(false);
    expect(requesterPostsOwn(second)).toBe(false);
    expect(needsApprover([chargeTimerEntryStep(9)], never)).toBe(true);
    expect(needsApprover([timerEntryStep(9, ENTRY)], never)).toBe(false);
  });

  it.each([
    {
      approval: false,
      askedIn: 'U0HOWARD1',
      billingChannel: undefined,
      want: { ok: true, channelId: 'U0HOWARD1' },
    },
    {
      approval: true,
      askedIn: 'C0TICKETS',
      billingChannel: undefined,
      want: { ok: true, channelId: 'C0TICKETS' },
    },
    {
      approval: true,
      askedIn: 'C0TICKETS',
      billingChannel: 'C0BILLING',
      want: { ok: true, channelId: 'C0BILLING' },
    },
    {
      approval: true,
      askedIn: 'U0HOWARD1',
      billingChannel: 'C0BILLING',
      want: { ok: true, channelId: 'C0BILLING' },
    },
    {
      approval: true,
      askedIn: 'D0HOWARDDM',
      billingChannel: undefined,
      want: { ok: false, code: 'no_billing_channel' },
    },
    {
      approval: true,
      askedIn: 'U0HOWARD1',
      billingChannel: undefined,
      want: { ok: false, code: 'no_billing_channel' },
    },
  ])('should place a card (approval $approval, asked in $askedIn, billing.channel $billingChannel)', (s) => {
    const where = { askedIn: s.askedIn, ...(s.billingChannel ? { billingChannel: s.billingChannel } : {}) };
    expect(billingCardPlace(s.approval, where)).toEqual(s.want);
  });
});
