import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { PendingAction, WriteStep } from '../../../src/actions/types.js';
import { ACTION } from '../../../src/slack/action-ids.js';
import {
  actionCardView,
  cardButtonValue,
  parseCardButtonValue,
} from '../../../src/slack/views/action-card.js';
import {
  allMrkdwn,
  billAction,
  billing,
  buttons,
  codeChunks,
  commentAction,
  commentStepOf,
  expectMessageLimits,
  findShown,
  HOSTILE,
  mrkdwnTexts,
  NOW,
} from './helpers.js';

const ctx = { now: NOW, webBaseUrl: 'https://acme.syncromsp.com' };
const shared = {
  slackUserId: 'UREQ1',
  syncroUserId: 1735,
  syncroName: 'Michael Swanson',
  keyKind: 'shared' as const,
  keySource: 'env:SYNCRO_SHARED_KEY',
};

type StepPatch = Partial<Pick<WriteStep, 'status' | 'resultId' | 'finishedAt' | 'outcome'>>;

function withSteps(a: PendingAction, patch: (s: WriteStep, i: number) => StepPatch): PendingAction {
  return { ...a, steps: a.steps.map((s, i): WriteStep => ({ ...s, ...patch(s, i) })) };
}

/** Asserts that every step's body is shown, in order and in full, exactly as JSON.stringify(body, null, 2). */
function expectPayloadsShown(blocks: KnownBlock[], a: PendingAction): void {
  const chunks = codeChunks(blocks);
  let from = 0;
  for (const s of a.steps) {
    if (s.body === undefined) continue;
    const next = findShown(chunks, JSON.stringify(s.body, null, 2), from);
    expect(next, `payload of ${s.method} ${s.path}`).toBeGreaterThan(from);
    from = next;
  }
}

const createTicket = commentAction({
  id: 'act_create',
  kind: 'create_ticket',
  ticket: undefined,
  draft: {
    kind: 'create_ticket',
    customer: { id: 77, name: 'Jerry Burger' },
    subject: 'Printer offline',
    priority: 'Normal',
    priorities: ['Low', 'Normal'],
    status: 'New',
    assignee: { id: 1750, name: 'Howard Enos' },
    assignees: [],
  },
  summary: {},
  steps: [
    {
      op: 'create_ticket',
      method: 'POST',
      path: '/tickets',
      status: 'pending',
      body: { customer_id: 77, subject: 'Printer offline', status: 'New', priority: 'Normal', user_id: 1750 },
    },
  ],
});
const updateTicket = commentAction({
  id: 'act_update',
  kind: 'update_ticket',
  draft: {
    kind: 'update_ticket',
    ticket: { id: 5, number: '32164', subject: 'Own cloud thing again', status: 'New' },
    status: 'In Progress',
    statuses: ['New', 'In Progress'],
  },
  summary: {},
  steps: [
    {
      op: 'update_ticket',
      method: 'PUT',
      path: '/tickets/5',
      status: 'pending',
      body: { status: 'In Progress' },
    },
  ],
});
const closeTicket = commentAction({
  id: 'act_close',
  kind: 'close_ticket',
  draft: {
    kind: 'close_ticket',
    ticket: { id: 5, number: '32164', subject: 'Own cloud thing again', status: 'New' },
    closeStatus: 'Resolved',
    resolution: { subject: 'Resolution', body: 'Replaced the toner.', visibility: 'public_note' },
  },
  summary: {},
  steps: [
    {
      op: 'add_comment',
      method: 'POST',
      path: '/tickets/5/comment',
      status: 'pending',
      body: { subject: 'Resolution', body: 'Replaced the toner.', hidden: false, do_not_email: true },
    },
    {
      op: 'update_ticket',
      method: 'PUT',
      path: '/tickets/5',
      status: 'pending',
      body: { status: 'Resolved' },
    },
  ],
});

describe('actionCardView when proposed', () => {
  const scenarios = [
    {
      name: 'comment',
      action: commentAction(),
      title: 'Comment on #32164',
      fields: [
        ['Ticket', '#32164 · Own cloud thing again'],
        ['Customer', 'Jerry Burger'],
        ['Subject', 'Update'],
        ['Visibility', 'Private note (technicians only)'],
      ],
    },
    {
      name: 'bill',
      action: billAction(),
      title: 'Bill #32164: 45 min Remote',
      fields: [
        ['Ticket', '#32164 · Own cloud thing again'],
        ['Customer', 'Jerry Burger'],
        ['Technician', 'Howard Enos'],
      ],
    },
    {
      name: 'create_ticket',
      action: createTicket,
      title: 'New ticket for Jerry Burger',
      fields: [
        ['Customer', 'Jerry Burger'],
        ['Subject', 'Printer offline'],
        ['Priority', 'Normal'],
        ['Assigned to', 'Howard Enos'],
      ],
    },
    {
      name: 'update_ticket',
      action: updateTicket,
      title: 'Update #32164',
      fields: [['Status', 'New → In Progress']],
    },
    {
      name: 'close_ticket with a comment',
      action: closeTicket,
      title: 'Close #32164',
      fields: [
        ['Status', 'New → Resolved'],
        // What the comment says, not only its subject (issue 16, item 15).
        ['Resolution comment', 'Public note (no email), subject “Resolution”:\nReplaced the toner.'],
      ],
    },
  ];
  for (const s of scenarios) {
    describe(s.name, () => {
      const m = actionCardView(s.action, ctx);
      const text = allMrkdwn(m);

      it('should show the title and every summary field', () => {
        expect(JSON.stringify(m.blocks[0])).toContain(s.title);
        for (const [label, value] of s.fields) {
          expect(text).toContain(`*${label}*`);
          expect(text).toContain(value);
        }
      });

      it("should show every step's exact payload, numbered with its method and path", () => {
        expectPayloadsShown(m.blocks, s.action);
        s.action.steps.forEach((st, i) => {
          expect(text).toContain(`*${i + 1}. ${st.method} ${st.path}*`);
        });
      });

      it("should name the signer and show no shared-key warning for the signer's own key", () => {
        expect(text).toContain(
          `Will be posted as *${s.action.signer.syncroName}* (Syncro user ${s.action.signer.syncroUserId})`,
        );
        expect(text).not.toContain('SHARED');
      });

      it('should offer Post and Cancel carrying {id, attempt}', () => {
        const b = buttons(m.blocks);
        const want = JSON.stringify({ id: s.action.id, attempt: s.action.attempt });
        expect(b.filter((x) => x.action_id === ACTION.post)).toEqual([
          { text: 'Post', action_id: ACTION.post, value: want, url: undefined, style: 'primary' },
        ]);
        expect(b.find((x) => x.action_id === ACTION.cancel)?.value).toBe(want);
        expect(parseCardButtonValue(want)).toEqual({ id: s.action.id, attempt: s.action.attempt });
      });

      it('should decode its Post value with the decoder the buttons listener uses, and refuse anything else', () => {
        expect(parseCardButtonValue(cardButtonValue(s.action))).toEqual({
          id: s.action.id,
          attempt: s.action.attempt,
        });
        for (const bad of [
          '',
          'not json',
          '{"id":1,"attempt":0}',
          '{"id":"x","attempt":1.5}',
          '{"id":"x"}',
          'null',
        ])
          expect(parseCardButtonValue(bad)).toBeUndefined();
      });

      it('should say when it expires and that nothing is sent without Post', () => {
        expect(text).toMatch(
          /Expires <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+> — nothing is sent unless you press Post/,
        );
      });

      it('should stay within the Block Kit limits', () => {
        expectMessageLimits(m);
      });
    });
  }

  it('should name an assignment as one, not as a status change (Assign to me from a notification)', () => {
    const assign = commentAction({
      id: 'act_assign',
      kind: 'assign_ticket',
      draft: {
        kind: 'assign_ticket',
        ticket: {
          id: 5,
          number: '32164',
          subject: 'Own cloud thing again',
          userId: null,
          userName: null,
        },
        userId: 1735,
        userName: 'Michael Swanson',
      },
      summary: {},
      steps: [
        {
          op: 'update_ticket',
          method: 'PUT',
          path: '/tickets/5',
          status: 'pending',
          body: { user_id: 1735 },
        },
      ],
    });
    const text = allMrkdwn(actionCardView(assign, ctx));
    expect(text).toContain('— Assign to Michael Swanson');
    expect(text).not.toContain('Set status');
    // Once done, the result says the assignment, not the status the ticket kept.
    const done = withSteps({ ...assign, state: 'succeeded' }, () => ({
      status: 'succeeded',
      resultId: 5,
      outcome: { code: 'done' as const, status: 'New', ticketNumber: '32164' },
      finishedAt: NOW + 2000,
    }));
    const after = allMrkdwn(actionCardView(done, ctx));
    expect(after).toContain('|#32164>: assigned to Michael Swanson');
    expect(after).not.toContain('status New');
  });

  it('should warn in words when the shared key signs', () => {
    const text = allMrkdwn(actionCardView(commentAction({ signer: shared }), ctx));
    expect(text).toContain('You have no Syncro key of your own:* this will be posted with the *SHARED* key');
    expect(text).toContain("carry *Michael Swanson*'s name, not yours");
  });

  it('should warn about the shared key once', () => {
    const a = commentAction({
      signer: shared,
    });
    const text = allMrkdwn(actionCardView(a, ctx));
    expect(text.match(/no Syncro key of your own/g)).toHaveLength(1);
  });

  it('should show the billing arithmetic, prepaid hours and who must approve', () => {
    const a = billAction({
      summary: {
        ...billAction().summary,
        billing: billing({
          laborLabel: 'Emergency',
          multiplier: 1.5,
          quantity: 1.125,
          total: 168.75,
          prepaidAfter: 8.875,
        }),
      },
    });
    // The billing policy as configured now: the card says the rule that a click is decided by.
    const policy = { approvers: ['UAPP1', 'UAPP2'], requesterMayPost: false, requireSecondPerson: true };
    const text = allMrkdwn(actionCardView(a, { ...ctx, billingPolicy: policy }));
    expect(text).toContain('Time worked: 45 min = 0.75 h');
    expect(text).toContain('0.75 h × 1.5 = *1.125 h*');
    expect(text).toContain('1.125 h × $150.00 = *$168.75*');
    expect(text).toContain('Taxable: no');
    expect(text).toContain('Prepaid hours: 10 h → 8.875 h');
    expect(text).toContain('• Taxable: no (set by the Emergency labour type, sent explicitly).');
    expect(text).toContain(
      'Needs approval* by <@UAPP1> or <@UAPP2>: only a billing approver, never the technician who asked',
    );
    expect(text).toContain('*4. GET /invoices/{invoice_id}*');
    expect(text).toContain('from step 3');
  });

  it('should show "0.75 h × $150.00 = $112.50" for a plain remote line', () => {
    expect(allMrkdwn(actionCardView(billAction(), ctx))).toContain('0.75 h × $150.00 = *$112.50*');
  });

  it('should offer the editable fields as selects keyed by the action id', () => {
    const m = actionCardView(commentAction(), ctx);
    const block = m.blocks.find((b) => b.block_id === 'act_1') as unknown as {
      elements: Array<Record<string, unknown>>;
    };
    expect(block.elements).toHaveLength(1);
    expect(block.elements[0]).toMatchObject({
      type: 'static_select',
      action_id: `${ACTION.editPrefix}visibility`,
      initial_option: { value: 'private_note' },
    });
  });

  it('should show a 10,000-character comment in full and stay within the limits', () => {
    const body = `${'Long notes. '.repeat(833)}end`;
    const a = commentAction({
      steps: [
        {
          ...commentStepOf(commentAction()),
          body: { subject: 'Update', body, hidden: true, do_not_email: true },
        },
      ],
      draft: {
        kind: 'comment',
        ticket: { id: 5, number: '32164', subject: 'Own cloud thing again' },
        subject: body,
        body,
        visibility: 'private_note',
      },
    });
    const m = actionCardView(a, ctx);
    expectPayloadsShown(m.blocks, a);
    expectMessageLimits(m);
    expect(buttons(m.blocks).some((b) => b.action_id === ACTION.post)).toBe(true);
  });

  it('should say so and offer no Post when the payload cannot be shown in full', () => {
    const body = 'x'.repeat(200_000);
    const a = commentAction({
      steps: [
        {
          ...commentStepOf(commentAction()),
          body: { subject: 'Update', body, hidden: true, do_not_email: true },
        },
      ],
    });
    const m = actionCardView(a, ctx);
    expectMessageLimits(m);
    expect(allMrkdwn(m)).toMatch(
      /too long to show in full in Slack \(\d+ characters\), so it cannot be posted/,
    );
    expect(buttons(m.blocks).map((b) => b.action_id)).toEqual([ACTION.cancel]);
  });

  it('should offer no Post once the card has expired', () => {
    const m = actionCardView(commentAction(), { ...ctx, now: NOW + 31 * 60_000 });
    expect(allMrkdwn(m)).toContain('Expired at');
    expect(buttons(m.blocks).map((b) => b.action_id)).toEqual([ACTION.cancel]);
  });
});

describe('actionCardView by state', () => {
  const value = (a: PendingAction) => JSON.stringify({ id: a.id, attempt: a.attempt });
  const bill = billAction({ attempt: 1, clickedBy: 'UCLICK', clickedAt: NOW + 1000 });
  const scenarios: Array<{
    name: string;
    action: PendingAction;
    want: { contains: string[]; buttons: Array<[string, string]>; payloads: boolean };
  }> = [
    {
      name: 'executing',
      action: withSteps({ ...bill, state: 'executing' }, (_, i) =>
        i === 0 ? { status: 'succeeded', resultId: 901 } : i === 1 ? { status: 'sending' } : {},
      ),
      want: {
        contains: [
          '⏳ *Posting…* (pressed by <@UCLICK>)',
          '✅ done — comment on <https://acme.syncromsp.com/tickets/5|#32164>',
          '⏳ sending…',
          '○ not sent',
        ],
        buttons: [],
        payloads: true,
      },
    },
    {
      name: 'outcome_unknown',
      action: withSteps({ ...bill, state: 'outcome_unknown' }, (_, i) =>
        i === 0 ? { status: 'unknown', note: 'timeout' } : {},
      ),
      want: {
        contains: [
          '🔎 *Checking Syncro…* we did not get a clear answer, so we read Syncro back before doing anything',
          '❓ unknown',
        ],
        buttons: [[ACTION.recheck, 'Check Syncro again']],
        payloads: true,
      },
    },
    {
      name: 'succeeded',
      action: withSteps({ ...bill, state: 'succeeded', approvedBy: 'UAPP1' }, (s, i) => ({
        status: 'succeeded',
        resultId:
          s.op === 'create_invoice' || s.op === 'verify_invoice'
            ? 6001
            : s.op === 'update_ticket'
              ? 5
              : 900 + i,
        // Syncro's answer to POST /invoices gives the invoice NUMBER, kept in the step's outcome facts.
        ...(s.op === 'create_invoice' ? { outcome: { code: 'done' as const, invoiceNumber: '67447' } } : {}),
        finishedAt: NOW + 2000 + i,
      })),
      want: {
        contains: [
          '✅ *Posted* by <@UCLICK> at <!date^',
          'approved by <@UAPP1>',
          '<https://acme.syncromsp.com/invoices/6001|invoice #67447>',
          '<https://acme.syncromsp.com/invoices/6001|Open invoice #67447>',
          '<https://acme.syncromsp.com/tickets/5|Open #32164 in Syncro>',
          'line item on <https://acme.syncromsp.com/tickets/5|#32164>',
        ],
        // A finished billing offers its session log.
        buttons: [[ACTION.sessionLog, 'Write session log']],
        payloads: true,
      },
    },
    {
      name: 'failed, one step, resumable',
      action: withSteps(
        {
          ...commentAction({ attempt: 1 }),
          state: 'failed',
          resumable: true,
          problem: { code: 'signer_refused', error: { code: 'SYNCRO_NETWORK' } },
        },
        () => ({ status: 'absent' }),
      ),
      want: {
        contains: [
          '❌ *Not posted:* Syncro is not answering right now',
          'Syncro was checked: it is not there. Posting again needs your click.',
          '∅ not in Syncro',
        ],
        buttons: [
          [ACTION.post, 'Post again'],
          [ACTION.cancel, 'Cancel'],
        ],
        payloads: true,
      },
    },
    {
      name: 'failed after a read-back found nothing: what was searched, the ticket linked, then Post again',
      action: withSteps(
        {
          ...commentAction({ attempt: 1 }),
          state: 'failed',
          resumable: true,
          problem: { code: 'absent_after_check', step: 0 },
        },
        () => ({
          status: 'absent',
          sentAt: NOW,
          outcome: {
            code: 'absent',
            what: 'comment',
            searched: { ticketId: 5, since: NOW - 300_000, pages: 2, records: 131 },
          },
        }),
      ),
      want: {
        contains: [
          '❌ *Not posted:* Syncro was checked: the comment is not there',
          'Searched the comments on <https://acme.syncromsp.com/tickets/5|ticket #32164> created since ' +
            `<!date^${(NOW - 300_000) / 1000}^{date_short_pretty} {time}|2026-04-23 16:15 UTC> ` +
            '(2 pages read: 131 comments); this one is not among them. Posting again needs your click.',
        ],
        buttons: [
          [ACTION.post, 'Post again'],
          [ACTION.cancel, 'Cancel'],
        ],
        payloads: true,
      },
    },
    {
      name: 'failed, several steps, a line item read back as absent: Resume says what was searched',
      action: withSteps(
        {
          ...bill,
          state: 'failed',
          resumable: true,
          problem: { code: 'absent_after_check', step: 1 },
        },
        (_, i) =>
          i === 0
            ? { status: 'succeeded', resultId: 900 }
            : i === 1
              ? {
                  status: 'absent',
                  outcome: {
                    code: 'absent',
                    what: 'line_item',
                    searched: { ticketId: bill.ticket!.id, since: NOW - 300_000 },
                  },
                }
              : {},
      ),
      want: {
        contains: [
          `Step 2: Searched the line items on <https://acme.syncromsp.com/tickets/${bill.ticket!.id}|ticket #${bill.ticket!.number}> created since <!date^`,
          'this one is not among them. Steps before 2 are done and will not be sent again.',
        ],
        buttons: [
          [ACTION.post, 'Resume from step 2'],
          [ACTION.cancel, 'Cancel'],
        ],
        payloads: true,
      },
    },
    {
      name: 'failed, several steps, resumable from step 3',
      action: withSteps(
        { ...bill, state: 'failed', resumable: true, problem: { code: 'step_failed', step: 2 } },
        (_, i) =>
          i < 2
            ? { status: 'succeeded', resultId: 900 + i }
            : i === 2
              ? {
                  status: 'failed',
                  outcome: {
                    code: 'refused',
                    error: { code: 'SYNCRO_VALIDATION', status: 422, messages: ['Category is invalid'] },
                  },
                }
              : {},
      ),
      want: {
        contains: [
          '❌ *Not posted:* Syncro refused it: Category is invalid',
          'Steps 1–2 were done in Syncro',
          '❌ failed: Syncro refused it: Category is invalid',
        ],
        buttons: [
          [ACTION.post, 'Resume from step 3'],
          [ACTION.cancel, 'Cancel'],
        ],
        payloads: true,
      },
    },
    {
      name: 'failed, not resumable',
      action: {
        ...commentAction(),
        state: 'failed',
        resumable: false,
        problem: { code: 'step_failed', step: 0 },
        steps: [
          {
            ...commentStepOf(commentAction()),
            status: 'failed',
            outcome: {
              code: 'refused',
              error: { code: 'SYNCRO_VALIDATION', status: 422, messages: ['Body cannot be blank'] },
            },
          },
        ],
      },
      want: {
        contains: ['❌ *Not posted:* Syncro refused it: Body cannot be blank'],
        buttons: [],
        payloads: true,
      },
    },
    {
      name: 'cancelled before anything was sent',
      action: { ...commentAction(), state: 'cancelled', cancelledBy: 'UREQ1' },
      want: { contains: ['Cancelled by <@UREQ1> — nothing was sent.'], buttons: [], payloads: false },
    },
    {
      name: 'cancelled after some steps',
      action: withSteps({ ...bill, state: 'cancelled', cancelledBy: 'UREQ1' }, (_, i) =>
        i === 0 ? { status: 'succeeded', resultId: 900 } : {},
      ),
      want: { contains: ['Cancelled by <@UREQ1> — nothing more was sent.'], buttons: [], payloads: false },
    },
    {
      name: 'expired',
      action: { ...commentAction(), state: 'expired' },
      want: { contains: ['Expired — nothing was sent'], buttons: [], payloads: false },
    },
  ];
  for (const s of scenarios) {
    describe(s.name, () => {
      const m = actionCardView(s.action, ctx);
      const text = allMrkdwn(m);

      it('should say what happened', () => {
        for (const c of s.want.contains) expect(text).toContain(c);
      });

      it('should offer only the buttons for this state, carrying {id, attempt}', () => {
        const b = buttons(m.blocks);
        expect(b.map((x) => [x.action_id, x.text])).toEqual(s.want.buttons);
        for (const x of b) expect(x.value).toBe(value(s.action));
        expect(b.some((x) => x.text === 'Post')).toBe(false);
      });

      it(s.want.payloads ? 'should keep the payloads' : 'should list the steps without payloads', () => {
        if (s.want.payloads) expectPayloadsShown(m.blocks, s.action);
        else expect(codeChunks(m.blocks)).toEqual([]);
      });

      it('should stay within the Block Kit limits', () => {
        expectMessageLimits(m);
      });
    });
  }
});

describe('actionCardView escaping', () => {
  it('should escape everything that came from people or Syncro', () => {
    const a = commentAction({
      signer: { ...shared, syncroName: `Mal ${HOSTILE}` },
      draft: {
        kind: 'comment',
        ticket: {
          id: 5,
          number: `32164 ${HOSTILE}`,
          subject: `Value ${HOSTILE}`,
          customerName: `C ${HOSTILE}`,
        },
        subject: `${'y'.repeat(300)} ${HOSTILE}`,
        body: HOSTILE,
        visibility: 'private_note',
      },
      summary: {
        billing: billing({
          productName: `P ${HOSTILE}`,
          laborLabel: `L ${HOSTILE}`,
          notes: ['product_disabled', 'premium_in_rate', 'taxable'],
        }),
      },
      steps: [
        {
          ...commentStepOf(commentAction()),
          path: `/tickets/5/comment${HOSTILE}`,
          body: { subject: HOSTILE, body: HOSTILE, hidden: false, do_not_email: false },
        },
      ],
    });
    for (const state of ['proposed', 'failed', 'succeeded'] as const) {
      const m = actionCardView(
        {
          ...a,
          state,
          problem: {
            code: 'signer_refused',
            error: { code: 'SYNCRO_VALIDATION', messages: [`Err ${HOSTILE}`] },
          },
          resumable: true,
        },
        ctx,
      );
      for (const t of [m.text, ...mrkdwnTexts(m.blocks)]) {
        expect(t).not.toContain('<!channel>');
        expect(t).not.toContain('<@U123>');
        expect(t).not.toContain('<https://evil');
        expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }
      expect(allMrkdwn(m)).toContain('&lt;!channel&gt;');
    }
  });
});
