import { describe, expect, it } from 'vitest';
import { proposeWith } from '../../../src/actions/kinds/action.js';
import { timerEntryAction } from '../../../src/actions/kinds/timer-entry.js';
import type { PendingAction } from '../../../src/actions/types.js';
import { type Message, SANDBOX_TEXT } from '../../../src/slack/blocks.js';
import { bannerMessage } from '../../../src/slack/sandbox-banner.js';
import { actionCardView } from '../../../src/slack/views/action-card.js';
import { approvalCard, reconnectPrompt } from '../../../src/slack/views/connect.js';
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

const views: Array<{ name: string; render: () => Message }> = [
  {
    name: 'ticket list',
    render: () => ticketListView({ title: HOSTILE, tickets: [hostileTicket], page: 1, totalPages: 1 }),
  },
  {
    name: 'ticket detail',
    render: () => ticketDetailView({ ticket: hostileTicket, webBaseUrl: 'https://x', now: NOW }),
  },
  {
    name: 'customer list',
    render: () => customerListView({ customers: [hostileCustomer], query: HOSTILE, page: 1, totalPages: 1 }),
  },
  {
    name: 'customer pick',
    render: () =>
      customerPickView({
        query: HOSTILE,
        customers: [hostileCustomer, { id: 2 }],
        draft: { subject: HOSTILE },
      }),
  },
  {
    name: 'comment card',
    render: () =>
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
        { now: NOW, webBaseUrl: 'https://x' },
      ),
  },
  {
    name: 'bill card',
    render: () =>
      actionCardView(billAction({ draft: { ...billDraftOf(billAction()), technician: HOSTILE } }), {
        now: NOW,
        webBaseUrl: 'https://x',
      }),
  },
  {
    name: 'timer entry card',
    render: () =>
      actionCardView(
        proposeWith(
          timerEntryAction,
          {
            id: 'act_te',
            now: NOW,
            ttlMs: 30 * 60_000,
            requesterSlackId: 'UREQ1',
            signer: commentAction().signer,
            slack: { channelId: 'C1', ephemeral: false },
          },
          {
            kind: 'timer_entry',
            ticket: { id: 5, number: HOSTILE, subject: HOSTILE },
            technician: { syncroUserId: 1750, name: HOSTILE },
            labor: {
              key: 'remote',
              label: HOSTILE,
              productId: 1190473,
              productName: HOSTILE,
              rate: 150,
              taxable: false,
            },
            startAt: NOW - 47 * 60_000,
            endAt: NOW,
            notes: HOSTILE,
            charge: false,
            timer: { startedAt: NOW - 50 * 60_000, stoppedAt: NOW, minutes: 50 },
          },
        ) as PendingAction,
        { now: NOW, webBaseUrl: 'https://x' },
      ),
  },
  {
    name: 'error reply',
    render: () => errorReply(new SyncroValidationError('POST /x', 422, [HOSTILE]), {}),
  },
  { name: 'not mapped', render: () => notMappedReply(HOSTILE) },
  ...(['pending', 'approved', 'refused', 'gone'] as const).map((state) => ({
    name: `connect approval card (${state})`,
    render: () =>
      approvalCard({
        slackUserId: 'U0DANA001',
        owner: { name: HOSTILE, syncroUserId: 1780 },
        where: HOSTILE,
        value: 'U0DANA001:1000',
        state,
        by: 'U0ADMIN01',
      }),
  })),
  { name: 'reconnect prompt', render: () => reconnectPrompt({ name: HOSTILE, syncroUserId: 1780 }) },
  {
    name: 'whoami',
    render: () =>
      whoamiView({
        slackUserId: HOSTILE,
        name: HOSTILE,
        syncroUserId: 1,
        keyKind: 'own',
        keySource: HOSTILE,
        me: { user_id: 2, user_name: HOSTILE },
        writesAllowed: false,
        reason: HOSTILE,
      }),
  },
  { name: 'help', render: () => helpView({ usageLines: [HOSTILE] }) },
  {
    name: 'audit',
    render: () =>
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
      }),
  },
];

describe('every view', () => {
  for (const v of views) {
    it(`should escape <!channel>, <@U123> and & from people and Syncro (${v.name})`, () => {
      const m = v.render();
      for (const t of [m.text, ...mrkdwnTexts(m.blocks)]) {
        expect(t).not.toContain('<!channel>');
        expect(t).not.toContain('<@U123>');
        expect(t).not.toContain('<https://evil');
        expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }
      expectMessageLimits(m);
    });

    it(`should leave room for the sandbox banner, which the edge adds first (${v.name})`, () => {
      const plain = v.render();
      expect(mrkdwnTexts(plain.blocks)).not.toContain(SANDBOX_TEXT);
      const bannered = bannerMessage(plain);
      expect(mrkdwnTexts(bannered.blocks)[0]).toBe(SANDBOX_TEXT);
      expect(bannered.blocks?.slice(1)).toEqual(plain.blocks);
      expect(bannered.text).toBe(`🧪 SANDBOX: ${plain.text}`);
      expectMessageLimits(bannered);
    });
  }
});
