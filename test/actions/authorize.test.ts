import { describe, expect, it } from 'vitest';
import { mayPress, type Press, type PressRefusal } from '../../src/actions/authorize.js';
import type { PendingAction } from '../../src/actions/types.js';
import { refusalWords } from '../../src/slack/views/press-words.js';

function action(kind: PendingAction['kind'], approval?: PendingAction['summary']['approval']): PendingAction {
  return {
    id: 'a',
    kind,
    state: 'proposed',
    attempt: 0,
    requesterSlackId: 'UREQ',
    signer: { slackUserId: 'UREQ', syncroUserId: 1, syncroName: 'Req', keyKind: 'own', keySource: 'env:X' },
    summary: { approval },
    steps: [],
    slack: { channelId: 'C', ephemeral: kind !== 'bill' },
    createdAt: 0,
    updatedAt: 0,
    expiresAt: 1,
  };
}

const open = { approvers: ['UAPP'], requesterMayPost: true, requireSecondPerson: false };
const approversOnly = { approvers: ['UAPP'], requesterMayPost: false, requireSecondPerson: false };
const second = { approvers: ['UAPP', 'UREQ'], requesterMayPost: true, requireSecondPerson: true };

describe('mayPress', () => {
  const scenarios: Array<{
    name: string;
    a: PendingAction;
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
      name: 'someone else posts a comment',
      a: action('comment'),
      who: 'UOTHER',
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
      a: action('bill', open),
      who: 'UREQ',
      press: 'post',
      want: { ok: true },
    },
    {
      name: 'approver posts billing',
      a: action('bill', open),
      who: 'UAPP',
      press: 'post',
      want: { ok: true, approvedBy: 'UAPP' },
    },
    {
      name: 'outsider posts billing',
      a: action('bill', open),
      who: 'UOTHER',
      press: 'post',
      want: { ok: false, refusal: 'requester_or_approver_post' },
    },
    {
      name: 'requester posts when only approvers may',
      a: action('bill', approversOnly),
      who: 'UREQ',
      press: 'post',
      want: { ok: false, refusal: 'approver_must_post' },
    },
    {
      name: 'requester who is an approver self-approves under second-person rule',
      a: action('bill', second),
      who: 'UREQ',
      press: 'post',
      want: { ok: false, refusal: 'second_person_required' },
    },
    {
      name: 'second person approves',
      a: action('bill', second),
      who: 'UAPP',
      press: 'post',
      want: { ok: true, approvedBy: 'UAPP' },
    },
    {
      name: 'approver cancels billing',
      a: action('bill', open),
      who: 'UAPP',
      press: 'cancel',
      want: { ok: true },
    },
    {
      name: 'approver edits billing',
      a: action('bill', open),
      who: 'UAPP',
      press: 'edit',
      want: { ok: false, refusal: 'edit_requester_only' },
    },
  ];
  for (const s of scenarios) {
    it(`should decide correctly when ${s.name}`, () => {
      const got = mayPress(s.a, s.who, s.press);
      expect(got.ok).toBe(s.want.ok);
      if (s.want.ok && got.ok) expect(got.approvedBy).toBe(s.want.approvedBy);
      if (!got.ok) {
        expect(got.refusal).toBe(s.want.refusal);
        expect(refusalWords(got).length).toBeGreaterThan(10);
      }
    });
  }
});
