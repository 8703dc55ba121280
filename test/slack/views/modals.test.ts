import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  isVisibility,
  VISIBILITIES,
  type Visibility,
  visibilityFlags,
  visibilityFromFlags,
} from '../../../src/actions/visibility.js';
import { VIEW } from '../../../src/slack/action-ids.js';
import { MODAL_ACTION, MODAL_BLOCK } from '../../../src/slack/views/modal-ids.js';
import {
  billModal,
  closeModal,
  commentModal,
  readBillModal,
  readCloseModal,
  readCommentModal,
  readModalMetadata,
  readStatusModal,
  type StateValues,
  statusModal,
} from '../../../src/slack/views/modals.js';
import { expectModalLimits, HOSTILE, mrkdwnTexts } from './helpers.js';

type Field = keyof typeof MODAL_BLOCK;

/** view.state.values as Slack sends them: text inputs carry `value`, selects and radios `selected_option`. */
function state(values: Partial<Record<Field, string | null>>): StateValues {
  const out: StateValues = {};
  for (const [field, v] of Object.entries(values) as Array<[Field, string | null]>) {
    const select = field === 'labor' || field === 'visibility' || field === 'status';
    out[MODAL_BLOCK[field]] = {
      [MODAL_ACTION[field]]: select
        ? { type: 'static_select', selected_option: v === null ? null : { value: v } }
        : { type: 'plain_text_input', value: v },
    };
  }
  return out;
}

function inputOf(blocks: KnownBlock[], blockId: string): Record<string, unknown> | undefined {
  return blocks.find((b) => b.block_id === blockId) as Record<string, unknown> | undefined;
}

const ticket = { id: 5, number: '32164', subject: 'Own cloud thing again' };

describe('visibility', () => {
  const scenarios: Array<{ v: Visibility; want: { hidden: boolean; do_not_email: boolean } }> = [
    { v: 'email_reply', want: { hidden: false, do_not_email: false } },
    { v: 'public_note', want: { hidden: false, do_not_email: true } },
    { v: 'private_note', want: { hidden: true, do_not_email: true } },
  ];
  for (const s of scenarios) {
    it(`should map ${s.v} to Syncro's flags and back`, () => {
      expect(visibilityFlags(s.v)).toEqual(s.want);
      expect(visibilityFromFlags(s.want)).toBe(s.v);
    });
  }

  it('should treat a hidden comment as private whatever do_not_email says', () => {
    expect(visibilityFromFlags({ hidden: true, do_not_email: false })).toBe('private_note');
    expect(VISIBILITIES.every(isVisibility)).toBe(true);
    expect(isVisibility('public')).toBe(false);
  });
});

describe('commentModal', () => {
  it('should default the subject to Update, require the body and offer the three visibilities', () => {
    const v = commentModal({ ticket });
    expect(v.callback_id).toBe(VIEW.comment);
    expect(inputOf(v.blocks as KnownBlock[], MODAL_BLOCK.subject)).toMatchObject({
      element: { initial_value: 'Update' },
    });
    expect(inputOf(v.blocks as KnownBlock[], MODAL_BLOCK.body)).toMatchObject({
      optional: false,
      element: { multiline: true },
    });
    const vis = inputOf(v.blocks as KnownBlock[], MODAL_BLOCK.visibility) as {
      element: { options: Array<{ value: string }> };
    };
    expect(vis.element.options.map((o) => o.value)).toEqual(['email_reply', 'public_note', 'private_note']);
    expect(JSON.parse(v.private_metadata!)).toEqual({ ticketId: 5, number: '32164' });
    expectModalLimits(v);
  });

  it('should use the defaults given, and a caller metadata string as is', () => {
    const v = commentModal({
      ticketNumber: '32164',
      defaults: { subject: 'Hi', body: 'Body', visibility: 'public_note' },
      meta: '{"number":"32164","channelId":"C1"}',
    });
    const blocks = v.blocks as KnownBlock[];
    expect(inputOf(blocks, MODAL_BLOCK.subject)).toMatchObject({ element: { initial_value: 'Hi' } });
    expect(inputOf(blocks, MODAL_BLOCK.body)).toMatchObject({ element: { initial_value: 'Body' } });
    expect(inputOf(blocks, MODAL_BLOCK.visibility)).toMatchObject({
      element: { initial_option: { value: 'public_note' } },
    });
    expect(v.private_metadata).toBe('{"number":"32164","channelId":"C1"}');
  });

  it('should escape the ticket subject', () => {
    const v = commentModal({ ticket: { ...ticket, subject: HOSTILE } });
    for (const t of mrkdwnTexts(v.blocks as KnownBlock[])) expect(t).not.toMatch(/<!channel>|<@U123>/);
  });
});

describe('statusModal and closeModal', () => {
  it('should select the current status', () => {
    const v = statusModal({ ticket, statuses: ['New', 'In Progress', 'Resolved'], current: 'New' });
    expect(v.callback_id).toBe(VIEW.status);
    expect(inputOf(v.blocks as KnownBlock[], MODAL_BLOCK.status)).toMatchObject({
      element: { initial_option: { value: 'New' } },
    });
    expectModalLimits(v);
  });

  it('should make the resolution comment optional with subject Resolution', () => {
    const v = closeModal({ ticket, closeStatus: 'Resolved', defaultVisibility: 'private_note' });
    const blocks = v.blocks as KnownBlock[];
    expect(v.callback_id).toBe(VIEW.close);
    expect(inputOf(blocks, MODAL_BLOCK.subject)).toMatchObject({
      optional: true,
      element: { initial_value: 'Resolution' },
    });
    expect(inputOf(blocks, MODAL_BLOCK.body)).toMatchObject({ optional: true });
    expect(mrkdwnTexts(blocks).join('\n')).toContain('*Resolved*');
    expectModalLimits(v);
  });
});

describe('billModal', () => {
  const base = {
    laborTypes: [
      { key: 'remote', label: 'Remote' },
      { key: 'onsite', label: 'Onsite' },
    ],
    commentSubject: 'Resolution',
  };

  it('should never pre-fill minutes or the labour type', () => {
    const v = billModal({
      ...base,
      ticket: { ...ticket, customerName: 'Jerry Burger' },
      loading: false,
      prepaidHours: 10,
    });
    const blocks = v.blocks as KnownBlock[];
    const minutes = inputOf(blocks, MODAL_BLOCK.minutes) as {
      element: Record<string, unknown>;
      optional: boolean;
    };
    const labor = inputOf(blocks, MODAL_BLOCK.labor) as {
      element: Record<string, unknown>;
      optional: boolean;
    };
    expect(minutes.element.initial_value).toBeUndefined();
    expect(minutes.optional).toBe(false);
    expect(labor.element.initial_option).toBeUndefined();
    expect(labor.optional).toBe(false);
    expect(inputOf(blocks, MODAL_BLOCK.description)).toMatchObject({
      optional: false,
      element: { multiline: true },
    });
    expect(inputOf(blocks, MODAL_BLOCK.subject)).toMatchObject({ element: { initial_value: 'Resolution' } });
    expect(inputOf(blocks, MODAL_BLOCK.body)).toMatchObject({ optional: false });
    expect(v.callback_id).toBe(VIEW.bill);
    expectModalLimits(v);
  });

  const prepaid = [
    { name: 'a block', prepaidHours: 10, loading: false, want: 'Prepaid hours: *10 h* left' },
    { name: 'no block', prepaidHours: null, loading: false, want: 'the customer has no prepaid block' },
    {
      name: 'loading',
      prepaidHours: undefined,
      loading: true,
      want: 'Loading ticket and customer from Syncro…',
    },
  ];
  for (const s of prepaid) {
    it(`should show prepaid hours read-only (${s.name})`, () => {
      const v = billModal({
        ...base,
        ticket: s.loading ? undefined : ticket,
        loading: s.loading,
        prepaidHours: s.prepaidHours,
      });
      expect(mrkdwnTexts(v.blocks as KnownBlock[]).join('\n')).toContain(s.want);
      expectModalLimits(v);
    });
  }

  it('should show an error from Syncro, escaped', () => {
    const v = billModal({
      ...base,
      loading: false,
      prepaidHours: undefined,
      error: `No such ticket ${HOSTILE}`,
    });
    const texts = mrkdwnTexts(v.blocks as KnownBlock[]);
    expect(texts.join('\n')).toContain('No such ticket &lt;!channel&gt;');
  });
});

describe('modal readers', () => {
  const comment = { subject: 'Update', body: 'Done', visibility: 'private_note' };
  const commentScenarios = [
    {
      name: 'valid',
      values: comment,
      want: { ok: true, value: { subject: 'Update', body: 'Done', visibility: 'private_note' } },
    },
    {
      name: 'blank body',
      values: { ...comment, body: '   ' },
      want: { ok: false, errors: { [MODAL_BLOCK.body]: 'Write the comment; it cannot be blank' } },
    },
    {
      name: 'no subject, no visibility',
      values: { ...comment, subject: '', visibility: null },
      want: {
        ok: false,
        errors: {
          [MODAL_BLOCK.subject]: 'A comment needs a subject (Syncro refuses one without)',
          [MODAL_BLOCK.visibility]: 'Choose who sees this comment',
        },
      },
    },
  ];
  for (const s of commentScenarios) {
    it(`should read the comment form (${s.name})`, () => {
      expect(readCommentModal(state(s.values))).toEqual(s.want);
    });
  }

  it('should read the status form', () => {
    expect(readStatusModal(state({ status: 'Resolved' }))).toEqual({
      ok: true,
      value: { status: 'Resolved' },
    });
    expect(readStatusModal(state({ status: null }))).toEqual({
      ok: false,
      errors: { [MODAL_BLOCK.status]: 'Choose the new status' },
    });
  });

  const closeScenarios = [
    { name: 'status only', values: { subject: 'Resolution', body: '' }, want: { ok: true, value: {} } },
    {
      name: 'with a comment',
      values: { subject: 'Resolution', body: 'Fixed', visibility: 'email_reply' },
      want: {
        ok: true,
        value: { resolution: { subject: 'Resolution', body: 'Fixed', visibility: 'email_reply' } },
      },
    },
    {
      name: 'a comment without visibility',
      values: { subject: 'Resolution', body: 'Fixed', visibility: null },
      want: { ok: false, errors: { [MODAL_BLOCK.visibility]: 'Choose who sees this comment' } },
    },
  ];
  for (const s of closeScenarios) {
    it(`should read the close form (${s.name})`, () => {
      expect(readCloseModal(state(s.values))).toEqual(s.want);
    });
  }

  const bill = {
    minutes: '45',
    labor: 'remote',
    description: 'Fixed sync',
    subject: 'Resolution',
    body: 'All good',
    visibility: 'email_reply',
  };
  const MINUTES = 'Minutes must be a whole number, e.g. 45 — we never assume or round';
  const billScenarios = [
    {
      name: 'valid',
      values: bill,
      want: {
        ok: true,
        value: {
          minutes: 45,
          laborType: 'remote',
          description: 'Fixed sync',
          commentSubject: 'Resolution',
          commentBody: 'All good',
          visibility: 'email_reply',
        },
      },
    },
    {
      name: 'minutes with decimals',
      values: { ...bill, minutes: '45.5' },
      want: { ok: false, errors: { [MODAL_BLOCK.minutes]: MINUTES } },
    },
    {
      name: 'minutes as hours',
      values: { ...bill, minutes: '1h' },
      want: { ok: false, errors: { [MODAL_BLOCK.minutes]: MINUTES } },
    },
    {
      name: 'zero minutes',
      values: { ...bill, minutes: '0' },
      want: { ok: false, errors: { [MODAL_BLOCK.minutes]: MINUTES } },
    },
    {
      name: 'negative minutes',
      values: { ...bill, minutes: '-15' },
      want: { ok: false, errors: { [MODAL_BLOCK.minutes]: MINUTES } },
    },
    {
      name: 'no minutes',
      values: { ...bill, minutes: null },
      want: { ok: false, errors: { [MODAL_BLOCK.minutes]: MINUTES } },
    },
    {
      name: 'no labour type',
      values: { ...bill, labor: null },
      want: { ok: false, errors: { [MODAL_BLOCK.labor]: 'Choose the labour type — there is no default' } },
    },
    {
      name: 'blank description and body',
      values: { ...bill, description: ' ', body: '' },
      want: {
        ok: false,
        errors: {
          [MODAL_BLOCK.description]: 'Describe the work: it becomes the line item’s description',
          [MODAL_BLOCK.body]: 'Write the comment; it cannot be blank',
        },
      },
    },
  ];
  for (const s of billScenarios) {
    it(`should read the bill form (${s.name})`, () => {
      expect(readBillModal(state(s.values))).toEqual(s.want);
    });
  }

  it('should read metadata, and give {} for anything unreadable', () => {
    expect(readModalMetadata('{"number":"1"}')).toEqual({ number: '1' });
    expect(readModalMetadata('not json')).toEqual({});
    expect(readModalMetadata(undefined)).toEqual({});
  });
});
