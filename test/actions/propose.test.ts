import { describe, expect, it } from 'vitest';
import {
  applyEdit,
  NO_PROBLEM_TYPE,
  proposeComment,
  proposeCreateTicket,
  proposeUpdateStatus,
} from '../../src/actions/propose.js';
import { actionCardView } from '../../src/slack/views/action-card.js';
import { summaryWords } from '../../src/slack/views/action-summary.js';
import { base } from './proposal-base.js';

const ticket = { id: 90, number: '32164', subject: 'Own cloud thing again', status: 'New' };

describe('proposals', () => {
  it('should build a flat comment body with the chosen visibility and never wrap it', () => {
    const a = proposeComment({
      ...base,
      ticket,
      subject: 'Update',
      body: 'Rebooted',
      visibility: 'email_reply',
    });
    expect(a.steps).toHaveLength(1);
    expect(a.steps[0]).toMatchObject({ method: 'POST', path: '/tickets/90/comment', status: 'pending' });
    expect(a.steps[0]!.body).toEqual({
      subject: 'Update',
      body: 'Rebooted',
      hidden: false,
      do_not_email: false,
    });
    expect(a).toMatchObject({ state: 'proposed', attempt: 0, expiresAt: 61_000 });
  });

  it('should warn in words when the shared key will sign', () => {
    const a = proposeComment({
      ...base,
      signer: { ...base.signer, keyKind: 'shared', syncroName: 'Michael Swanson' },
      ticket,
      subject: 'Update',
      body: 'x',
      visibility: 'private_note',
    });
    const card = actionCardView(a, { now: 1_000, webBaseUrl: 'https://x' });
    expect(JSON.stringify(card.blocks)).toMatch(/shared\*? key.*Michael Swanson/i);
  });

  it('should set user_id and priority on create and leave the contact out', () => {
    const a = proposeCreateTicket({
      ...base,
      customer: { id: 7, name: 'Jerry Burger' },
      subject: 'Printer offline',
      priority: 'Normal',
      priorities: ['Low', 'Normal', 'Urgent'],
      status: 'New',
      assignee: { id: 1750, name: 'Howard Enos' },
      assignees: [{ id: 1735, name: 'Michael Swanson' }],
    });
    expect(a.steps[0]!.body).toEqual({
      customer_id: 7,
      subject: 'Printer offline',
      status: 'New',
      priority: 'Normal',
      user_id: 1750,
    });
  });
});

describe('applyEdit', () => {
  const create = proposeCreateTicket({
    ...base,
    customer: { id: 7, name: 'Jerry Burger' },
    subject: 'Printer offline',
    priority: 'Normal',
    priorities: ['Low', 'Normal', 'Urgent'],
    status: 'New',
    assignee: { id: 1750, name: 'Howard Enos' },
    assignees: [{ id: 1735, name: 'Michael Swanson' }],
    problemTypes: ['Hardware', 'Email'],
  });

  const scenarios = [
    { name: 'priority', field: 'priority' as const, value: 'Urgent', want: { priority: 'Urgent' } },
    { name: 'assignee', field: 'assignee' as const, value: '1735', want: { user_id: 1735 } },
    { name: 'problem type', field: 'problem_type' as const, value: 'Email', want: { problem_type: 'Email' } },
  ];
  for (const s of scenarios) {
    it(`should rebuild the payload and the summary when the ${s.name} changes`, () => {
      const edited = applyEdit(create, s.field, s.value);
      expect(edited).toBeDefined();
      expect(edited!.steps[0]!.body).toMatchObject(s.want);
      expect(edited!.summary.editable?.find((e) => e.field === s.field)?.selected).toBe(s.value);
      expect(create.steps[0]!.body).not.toMatchObject(s.want); // the original is untouched
    });
  }

  it('should remove the problem type from the payload when (none) is chosen', () => {
    const withType = applyEdit(create, 'problem_type', 'Email')!;
    const none = applyEdit(withType, 'problem_type', NO_PROBLEM_TYPE)!;
    expect(none.steps[0]!.body).not.toHaveProperty('problem_type');
  });

  it('should refuse a value the card does not offer', () => {
    expect(applyEdit(create, 'priority', 'Whenever')).toBeUndefined();
    expect(applyEdit(create, 'status', 'Resolved')).toBeUndefined();
  });

  it('should change the comment flags with the visibility', () => {
    const c = proposeComment({ ...base, ticket, subject: 'Update', body: 'x', visibility: 'private_note' });
    expect(applyEdit(c, 'visibility', 'public_note')!.steps[0]!.body).toMatchObject({
      hidden: false,
      do_not_email: true,
    });
  });

  it('should change the status and the summary of an update', () => {
    const u = proposeUpdateStatus({
      ...base,
      ticket,
      status: 'In Progress',
      statuses: ['New', 'In Progress', 'Resolved'],
    });
    const e = applyEdit(u, 'status', 'Resolved')!;
    expect(e.steps[0]!.body).toEqual({ status: 'Resolved' });
    expect(summaryWords(e).fields.find((f) => f.label === 'Status')?.value).toBe('New → Resolved');
  });
});
