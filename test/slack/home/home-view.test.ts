import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/actions/types.js';
import { ACTION } from '../../../src/slack/action-ids.js';
import {
  cardTicketNumber,
  HOME_MAX_BLOCKS,
  homeNotSetUpView,
  homeView,
  messageUrl,
  writeWords,
} from '../../../src/slack/home/home-view.js';
import type { RunningTimer } from '../../../src/timers/timer-store.js';
import { billAction, expectBlockLimits, HOSTILE, mrkdwnTexts, NOW, ticket } from '../views/helpers.js';

const WEB = 'https://acme.syncromsp.com';

function timer(i: number): RunningTimer {
  return {
    slackUserId: 'U1',
    ticketId: 100 + i,
    ticketNumber: String(32100 + i),
    ticketSubject: `Ticket ${i}`,
    startedAt: NOW - 30 * 60_000,
  };
}

function audit(i: number): AuditEntry {
  return {
    actionId: `act_${i}`,
    ticketId: 5,
    ticketNumber: '32164',
    requesterSlackId: 'U1',
    syncroUserId: 1750,
    syncroName: 'Howard Enos',
    keyKind: 'own',
    method: 'POST',
    endpoint: '/tickets/5/comment',
    outcome: 'succeeded',
    startedAt: NOW - i * 60_000,
    finishedAt: NOW - i * 60_000 + 5,
  };
}

const base = {
  slackUserId: 'U1',
  syncroName: 'Howard Enos',
  now: NOW,
  webBaseUrl: WEB,
  freshMs: 60_000,
};

describe('homeView', () => {
  it('stays within Slack’s 100 blocks (one left for the banner) with every section full', () => {
    const many = Array.from({ length: 60 }, (_, i) => ticket({ id: 1000 + i, number: 40000 + i }));
    const view = homeView({
      ...base,
      timers: Array.from({ length: 40 }, (_, i) => timer(i)),
      syncro: { open: many, openTotal: 300, unbilled: many, unchecked: 4, readAt: NOW },
      approvals: Array.from({ length: 30 }, (_, i) => billAction({ id: `b${i}` })),
      writes: Array.from({ length: 40 }, (_, i) => ({ entry: audit(i) })),
    });
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    expectBlockLimits(view.blocks as KnownBlock[]);
    const text = mrkdwnTexts(view.blocks as KnownBlock[]).join('\n');
    expect(text).toContain('… and 30 more');
    expect(text).toContain('… and 290 more');
    expect(text).toContain('4 more Resolved or Closed ticket(s) were not checked');
  });

  it('links each item to its ticket and offers its next action', () => {
    const open = ticket({ id: 7, number: 32170, status: 'In Progress' });
    const done = ticket({ id: 8, number: 32171, status: 'Resolved' });
    const approval = billAction({
      slack: { channelId: 'C9', ephemeral: false, messageTs: '1700000000.000100' },
    });
    const view = homeView({
      ...base,
      timers: [timer(1)],
      syncro: { open: [open], unbilled: [done], unchecked: 0, readAt: NOW },
      approvals: [approval],
      writes: [{ entry: audit(1), card: { channelId: 'C9', messageTs: '1700000000.000100' } }],
    });
    const blocks = view.blocks as Array<KnownBlock & { accessory?: Record<string, unknown> }>;
    const withText = (s: string) => blocks.find((b) => JSON.stringify(b).includes(s))!;
    expect(withText(`${WEB}/tickets/101|#32101`).accessory).toMatchObject({
      action_id: ACTION.timerStop,
      value: '32101',
    });
    expect(withText(`${WEB}/tickets/7|#32170`).accessory).toMatchObject({
      action_id: ACTION.timerStart,
      value: '32170',
    });
    expect(withText(`${WEB}/tickets/8|#32171`).accessory).toMatchObject({
      action_id: ACTION.ticketBill,
      value: '32171',
    });
    expect(withText('Bill #32164').accessory).toMatchObject({
      action_id: ACTION.openLink,
      url: 'https://slack.com/archives/C9/p1700000000000100',
    });
    expect(JSON.stringify(withText('*Comment*'))).toContain(
      `<${messageUrl({ channelId: 'C9', messageTs: '1700000000.000100' })}|the card>`,
    );
  });

  it('escapes what Syncro and people wrote', () => {
    const view = homeView({
      ...base,
      timers: [{ ...timer(1), ticketSubject: HOSTILE, note: HOSTILE }],
      syncro: { open: [ticket({ subject: HOSTILE })], unbilled: [], unchecked: 0, readAt: NOW },
      approvals: [],
      writes: [],
    });
    for (const t of mrkdwnTexts(view.blocks as KnownBlock[])) {
      expect(t).not.toContain('<!channel>');
      expect(t).not.toContain('<@U123>');
    }
  });

  it('says when Syncro could not be read, and still shows the bot’s own records', () => {
    const view = homeView({
      ...base,
      timers: [timer(1)],
      syncro: { error: 'Syncro did not answer in time.' },
      approvals: [],
      writes: [{ entry: audit(1) }],
    });
    const text = mrkdwnTexts(view.blocks as KnownBlock[]).join('\n');
    expect(text).toContain('⚠️ Syncro did not answer in time.');
    expect(text).toContain('#32101');
    expect(text).toContain('*Comment*');
    expect(text).not.toContain('/tickets/5/comment');
  });
});

describe('homeNotSetUpView', () => {
  it('says how to connect, with the connect button when there is one', () => {
    // Without enrolment there is no /syncro connect: the person is told to ask their admin.
    const plain = homeNotSetUpView({ slackUserId: 'U0NEW', reason: 'not_mapped' });
    const text = mrkdwnTexts(plain.blocks as KnownBlock[]).join('\n');
    expect(text).not.toContain('/syncro connect');
    expect(text).toContain('Ask your admin');
    expect(text).toContain('U0NEW');
    expect(JSON.stringify(plain.blocks)).not.toContain('"button"');
    const withButton = homeNotSetUpView({
      slackUserId: 'U0NEW',
      reason: 'no_own_key',
      connectActionId: 'syncro_x',
    });
    expect(JSON.stringify(withButton.blocks)).toContain('"action_id":"syncro_x"');
    expect(mrkdwnTexts(withButton.blocks as KnownBlock[]).join('\n')).toContain('Run `/syncro connect`');
  });
});

describe('writeWords', () => {
  it.each([
    ['POST', '/tickets/90000015/comment', 'Comment'],
    ['POST', '/tickets', 'Ticket created'],
    ['PUT', '/tickets/90000015', 'Ticket updated'],
    ['POST', '/tickets/9/add_line_item', 'Line item added'],
    ['POST', '/tickets/9/remove_line_item', 'Line item removed'],
    ['POST', '/tickets/9/timer_entry', 'Timer entry'],
    ['POST', '/tickets/9/charge_timer_entry', 'Timer entry charged'],
    ['POST', '/invoices', 'Invoice created'],
    ['GIT', 'clients/acme/session-logs/x.md', 'Session log committed'],
    ['UPLOAD', 'slack:C0PLTICKETS', 'Session log uploaded'],
    ['DELETE', '/tickets/9/whatever', 'Write'],
  ])('should word %s %s as “%s”', (method, endpoint, want) => {
    expect(writeWords(method, endpoint)).toBe(want);
  });
});

describe('recent writes name tickets by number (issue 16, item 14)', () => {
  const created: AuditEntry = {
    ...audit(0),
    actionId: 'act_create',
    ticketId: 90000018,
    ticketNumber: undefined,
    method: 'POST',
    endpoint: '/tickets',
    resultId: 90000018,
  };
  const uploaded: AuditEntry = {
    ...audit(1),
    actionId: 'act_log',
    method: 'UPLOAD',
    endpoint: 'slack:C0PLTICKETS',
    resultId: 0,
  };
  const home = (writes: Parameters<typeof homeView>[0]['writes']) =>
    mrkdwnTexts(
      homeView({
        ...base,
        timers: [],
        syncro: { open: [], openTotal: 0, unbilled: [], unchecked: 0, readAt: NOW },
        approvals: [],
        writes,
      }).blocks as KnownBlock[],
    ).join('\n');
  // What a person reads: link labels, not the addresses inside links.
  const shown = (t: string) => t.replace(/<(https?:[^|>]*)\|([^>]*)>/g, '$2');

  it('a created ticket shows its number from the card, never its internal id', () => {
    const text = shown(home([{ entry: created, ticketNumber: '32167' }]));
    expect(text).toContain('Ticket created');
    expect(text).toContain('#32167');
    expect(text).not.toContain('90000018');
  });

  it('with no number known, the link says what it is in words', () => {
    const text = shown(home([{ entry: created }]));
    expect(text).toContain('the new ticket');
    expect(text).not.toContain('90000018');
  });

  it('a session log upload is worded, without the channel id', () => {
    const text = shown(home([{ entry: uploaded }]));
    expect(text).toContain('Session log uploaded');
    expect(text).not.toMatch(/UPLOAD|slack:|C0PLTICKETS/);
  });
});

describe('cardTicketNumber', () => {
  it('is the card’s ticket, or the number of the ticket its create step made', () => {
    expect(cardTicketNumber(billAction())).toBe(billAction().ticket?.number);
    const create = {
      ...billAction(),
      ticket: undefined,
      draft: undefined,
      steps: [
        {
          op: 'create_ticket',
          method: 'POST',
          path: '/tickets',
          status: 'succeeded',
          body: {},
          resultId: 90000018,
          outcome: { code: 'done', ticketNumber: '32167' },
        },
      ],
    } as unknown as Parameters<typeof cardTicketNumber>[0];
    expect(cardTicketNumber(create)).toBe('32167');
  });
});
