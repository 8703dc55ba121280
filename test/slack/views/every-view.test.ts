import { describe, expect, it } from 'vitest';
import { type Message, SANDBOX_TEXT } from '../../../src/slack/blocks.js';
import { actionCardView } from '../../../src/slack/views/action-card.js';
import { customerListView } from '../../../src/slack/views/customer-list.js';
import { customerPickView } from '../../../src/slack/views/customer-pick.js';
import {
  auditView,
  errorReply,
  helpView,
  notMappedReply,
  whoamiView,
} from '../../../src/slack/views/replies.js';
import { ticketDetailView } from '../../../src/slack/views/ticket-detail.js';
import { ticketListView } from '../../../src/slack/views/ticket-list.js';
import { SyncroValidationError } from '../../../src/syncro/errors.js';
import {
  billAction,
  billDraftOf,
  comment,
  commentAction,
  commentStepOf,
  expectMessageLimits,
  HOSTILE,
  mrkdwnTexts,
  NOW,
  ticket,
} from './helpers.js';

const hostileTicket = ticket({
  subject: HOSTILE,
  customer_business_then_name: HOSTILE,
  comments: [comment({ subject: HOSTILE, body: HOSTILE })],
});
const hostileCustomer = { id: 1, business_then_name: HOSTILE, email: HOSTILE, prepay_hours: 2 };

const views: Array<{ name: string; render: (sandbox: boolean) => Message }> = [
  {
    name: 'ticket list',
    render: (sandbox) =>
      ticketListView({ title: HOSTILE, tickets: [hostileTicket], page: 1, totalPages: 1, sandbox }),
  },
  {
    name: 'ticket detail',
    render: (sandbox) =>
      ticketDetailView({ ticket: hostileTicket, webBaseUrl: 'https://x', now: NOW, sandbox }),
  },
  {
    name: 'customer list',
    render: (sandbox) =>
      customerListView({ customers: [hostileCustomer], query: HOSTILE, page: 1, totalPages: 1, sandbox }),
  },
  {
    name: 'customer pick',
    render: (sandbox) =>
      customerPickView({
        query: HOSTILE,
        customers: [hostileCustomer, { id: 2 }],
        draft: { subject: HOSTILE },
        sandbox,
      }),
  },
  {
    name: 'comment card',
    render: (sandbox) =>
      actionCardView(
        commentAction({
          draft: {
            kind: 'comment',
            ticket: { id: 5, number: HOSTILE, subject: HOSTILE, customerName: HOSTILE },
            subject: HOSTILE,
            body: HOSTILE,
            visibility: 'private_note',
          },
          steps: [
            {
              ...commentStepOf(commentAction()),
              body: { subject: HOSTILE, body: HOSTILE, hidden: false, do_not_email: false },
            },
          ],
        }),
        { now: NOW, webBaseUrl: 'https://x', sandbox },
      ),
  },
  {
    name: 'bill card',
    render: (sandbox) =>
      actionCardView(billAction({ draft: { ...billDraftOf(billAction()), technician: HOSTILE } }), {
        now: NOW,
        webBaseUrl: 'https://x',
        sandbox,
      }),
  },
  {
    name: 'error reply',
    render: (sandbox) => errorReply(new SyncroValidationError('POST /x', 422, [HOSTILE]), { sandbox }),
  },
  { name: 'not mapped', render: (sandbox) => notMappedReply(HOSTILE, sandbox) },
  {
    name: 'whoami',
    render: (sandbox) =>
      whoamiView({
        slackUserId: HOSTILE,
        name: HOSTILE,
        syncroUserId: 1,
        keyKind: 'own',
        keySource: HOSTILE,
        me: { user_id: 2, user_name: HOSTILE },
        writesAllowed: false,
        reason: HOSTILE,
        sandbox,
      }),
  },
  { name: 'help', render: (sandbox) => helpView({ usageLines: [HOSTILE], sandbox }) },
  {
    name: 'audit',
    render: (sandbox) =>
      auditView({
        ticketNumber: HOSTILE,
        entries: [
          {
            actionId: 'a',
            requesterSlackId: HOSTILE,
            syncroUserId: 1,
            syncroName: HOSTILE,
            keyKind: 'own',
            method: 'POST',
            endpoint: HOSTILE,
            outcome: 'failed',
            error: HOSTILE,
            startedAt: NOW,
            finishedAt: NOW,
          },
        ],
        sandbox,
      }),
  },
];

describe('every view', () => {
  for (const v of views) {
    it(`should escape <!channel>, <@U123> and & from people and Syncro (${v.name})`, () => {
      const m = v.render(false);
      for (const t of [m.text, ...mrkdwnTexts(m.blocks)]) {
        expect(t).not.toContain('<!channel>');
        expect(t).not.toContain('<@U123>');
        expect(t).not.toContain('<https://evil');
        expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }
      expectMessageLimits(m);
    });

    it(`should carry the sandbox banner first in sandbox mode only (${v.name})`, () => {
      expect(mrkdwnTexts(v.render(true).blocks)[0]).toBe(SANDBOX_TEXT);
      expect(mrkdwnTexts(v.render(false).blocks)).not.toContain(SANDBOX_TEXT);
    });
  }
});
