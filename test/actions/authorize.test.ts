import { describe, expect, it } from 'vitest';
import { mayPress, type Press, type PressRefusal } from '../../src/actions/authorize.js';
import type { BillingPolicy } from '../../src/actions/billing-gate.js';
import { lineItemStep } from '../../src/actions/kinds/line-item.js';
import { lineTaxStep } from '../../src/actions/kinds/line-tax.js';
import { chargeTimerEntryStep, timerEntryStep } from '../../src/actions/kinds/timer-entry.js';
import type { PendingAction, WriteStep } from '../../src/actions/types.js';
import { refusalWords } from '../../src/slack/views/press-words.js';

const LINE = { product_id: 1, name: 'Labour', description: 'Work', quantity: 1, taxable: false };
const ENTRY = { start_at: '2026-01-01T09:00:00Z', end_at: '2026-01-01T10:00:00Z', product_id: 1 };

/** What each card holds decides whether it is billing: never its kind or the form that made it. */
const STEPS: Record<string, WriteStep[]> = {
  comment: [
    { op: 'add_comment', method: 'POST', path: '/tickets/9/comment', status: 'pending', body: {} } as never,
  ],
  bill: [lineItemStep(9, LINE)],
  charged_entry: [timerEntryStep(9, ENTRY), chargeTimerEntryStep(9), lineTaxStep(9, false)],
  uncharged_entry: [timerEntryStep(9, ENTRY)],
};

function action(steps: keyof typeof STEPS): PendingAction {
  return {
    id: 'a',
    kind: steps === 'comment' ? 'comment' : steps === 'bill' ? 'bill' : 'timer_entry',
    state: 'proposed',
    attempt: 0,
    requesterSlackId: 'UREQ',
    signer: { slackUserId: 'UREQ', syncroUserId: 1, syncroName: 'Req', keyKind: 'own', keySource: 'env:X' },
    summary: {},
    steps: STEPS[steps]!,
    slack: { channelId: 'C', ephemeral: steps === 'comment' },
    createdAt: 0,
    updatedAt: 0,
    expiresAt: 1,
  };
}

const open: BillingPolicy = { approvers: ['UAPP'], requesterMayPost: true, requireSecondPerson: false };
const approversOnly: BillingPolicy = {
  approvers: ['UAPP', 'UREQ'],
  requesterMayPost: false,
  requireSecondPerson: false,
};
const second: BillingPolicy = {
  approvers: ['UAPP', 'UREQ'],
  requesterMayPost: true,
  requireSecondPerson: true,
};

describe('mayPress', () => {
  const scenarios: Array<{
    name: string;
    a: PendingAction;
    policy?: BillingPolicy;
    who: string;
    press: Press;
    want: { ok: boolean; approvedBy?: string; refusal?: PressRefusal };
  }> = [
    {
      name: 'requester posts a comment',
      a: action('comment'),
      who: 'UREQ',
      press: 'post',
      want: { ok: true },
    },
    {
      name: 'an approver posts a comment (not billing: approvers do not apply)',
      a: action('comment'),
      who: 'UAPP',
      press: 'post',
      want: { ok: false, refusal: 'requester_only' },
    },
    {
      name: 'someone else cancels a comment',
      a: action('comment'),
      who: 'UOTHER',
      press: 'cancel',
      want: { ok: false, refusal: 'requester_only' },
    },
    {
      name: 'requester posts own billing by default',
      a: action('bill'),
      who: 'UREQ',
      press: 'post',
      want: { ok: true },
    },
    {
      name: 'approver posts billing',
      a: action('bill'),
      who: 'UAPP',
      press: 'post',
      want: { ok: true, approvedBy: 'UAPP' },
    },
    {
      name: 'outsider posts billing',
      a: action('bill'),
      who: 'UOTHER',
      press: 'post',
      want: { ok: false, refusal: 'requester_or_approver_post' },
    },
    {
      name: 'requester, also an approver, posts when requester_may_post is off',
      a: action('bill'),
      policy: approversOnly,
      who: 'UREQ',
      press: 'post',
      want: { ok: false, refusal: 'approver_not_requester' },
    },
    {
      name: 'outsider posts when requester_may_post is off: the same rule',
      a: action('bill'),
      policy: approversOnly,
      who: 'UOTHER',
      press: 'post',
      want: { ok: false, refusal: 'approver_not_requester' },
    },
    {
      name: 'requester who is an approver self-approves under the second-person rule',
      a: action('bill'),
      policy: second,
      who: 'UREQ',
      press: 'post',
      want: { ok: false, refusal: 'approver_not_requester' },
    },
    {
      name: 'second person approves',
      a: action('bill'),
      policy: second,
      who: 'UAPP',
      press: 'post',
      want: { ok: true, approvedBy: 'UAPP' },
    },
    {
      name: 'requester posts a charged timer entry when only approvers may',
      a: action('charged_entry'),
      policy: approversOnly,
      who: 'UREQ',
      press: 'post',
      want: { ok: false, refusal: 'approver_not_requester' },
    },
    {
      name: 'approver posts a charged timer entry',
      a: action('charged_entry'),
      policy: approversOnly,
      who: 'UAPP',
      press: 'post',
      want: { ok: true, approvedBy: 'UAPP' },
    },
    {
      name: 'requester posts an uncharged timer entry when only approvers may (nothing billed)',
      a: action('uncharged_entry'),
      policy: approversOnly,
      who: 'UREQ',
      press: 'post',
      want: { ok: true },
    },
    { name: 'approver cancels billing', a: action('bill'), who: 'UAPP', press: 'cancel', want: { ok: true } },
    {
      name: 'approver edits billing',
      a: action('bill'),
      who: 'UAPP',
      press: 'edit',
      want: { ok: false, refusal: 'edit_requester_only' },
    },
  ];
  for (const s of scenarios) {
    it(`should decide correctly when ${s.name}`, () => {
      const got = mayPress(s.a, s.who, s.press, s.policy ?? open);
      expect(got.ok).toBe(s.want.ok);
      if (s.want.ok && got.ok) expect(got.approvedBy).toBe(s.want.approvedBy);
      if (!got.ok) {
        expect(got.refusal).toBe(s.want.refusal);
        expect(refusalWords(got).length).toBeGreaterThan(10);
      }
    });
  }

  it('should word one rule the same for everyone it refuses, naming the approvers and the requester', () => {
    const words = ['UREQ', 'UOTHER'].map((who) => {
      const d = mayPress(action('bill'), who, 'post', approversOnly);
      if (d.ok) throw new Error('expected a refusal');
      return refusalWords(d);
    });
    expect(words[0]).toBe(words[1]);
    expect(words[0]).toBe(
      'Only a billing approver (<@UAPP>), never the technician who asked (<@UREQ>), can post this card.',
    );
  });

  it('should read the approvers it is given, not any frozen on the card', () => {
    const a = {
      ...action('bill'),
      summary: { approval: { approvers: ['UOLD'] } },
    } as unknown as PendingAction;
    expect(mayPress(a, 'UOLD', 'post', approversOnly).ok).toBe(false);
    expect(mayPress(a, 'UAPP', 'post', approversOnly).ok).toBe(true);
  });
});
