import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { mrkdwn } from '../../../src/playground/page/mrkdwn.js';
import { slackDate } from '../../../src/slack/blocks.js';
import { homeView } from '../../../src/slack/home/home-view.js';
import { actionCardView } from '../../../src/slack/views/action-card.js';
import { timerWords } from '../../../src/slack/views/timer-words.js';
import { timerListView } from '../../../src/slack/views/timers.js';
import { billAction, commentAction, mrkdwnTexts, NOW } from './helpers.js';

/**
 * Issue 16, item 12: a time not today shows its day. Every time the views show goes through `slackDate`, whose
 * formats always name the day; rendered as Slack does (the playground's renderer, the reader's clock at NOW), a
 * card that expires tomorrow says "Tomorrow", never a bare "1:55 PM".
 */

const DAY = 24 * 60 * 60_000;
const now = new Date(NOW);

function shown(blocks: KnownBlock[]): string {
  return mrkdwnTexts(blocks)
    .map((t) => mrkdwn(t, { now }))
    .join('\n')
    .replace(/<[^>]+>/g, '');
}

describe('times have dates', () => {
  it('a private card that expires tomorrow says so', () => {
    const a = commentAction({ expiresAt: NOW + DAY - 60_000 });
    const text = shown(actionCardView(a, { now: NOW, webBaseUrl: 'https://acme.syncromsp.com' }).blocks);
    expect(text).toMatch(/Expires Tomorrow \d{1,2}:\d\d [AP]M/);
  });

  it('an expired card names the day it expired', () => {
    const a = commentAction({ expiresAt: NOW - DAY });
    const text = shown(actionCardView(a, { now: NOW, webBaseUrl: 'https://acme.syncromsp.com' }).blocks);
    expect(text).toMatch(/Expired at Yesterday \d{1,2}:\d\d [AP]M/);
  });

  it('App Home: an approval that expires tomorrow and a timer started yesterday say their days', () => {
    const view = homeView({
      slackUserId: 'U1',
      syncroName: 'Howard Enos',
      now: NOW,
      webBaseUrl: 'https://acme.syncromsp.com',
      freshMs: 60_000,
      timers: [
        { slackUserId: 'U1', ticketId: 5, ticketNumber: '32164', ticketSubject: 'x', startedAt: NOW - DAY },
      ],
      syncro: { open: [], openTotal: 0, unbilled: [], unchecked: 0, readAt: NOW },
      approvals: [billAction({ expiresAt: NOW + DAY })],
      writes: [],
    });
    const text = shown(view.blocks as KnownBlock[]);
    expect(text).toMatch(/expires Tomorrow \d{1,2}:\d\d [AP]M/);
    expect(text).toMatch(/since Yesterday \d{1,2}:\d\d [AP]M/);
  });

  it('running timers started on another day name it', () => {
    const m = timerListView({
      timers: [
        {
          slackUserId: 'U1',
          ticketId: 5,
          ticketNumber: '32164',
          ticketSubject: 'x',
          startedAt: NOW - 3 * DAY,
        },
      ],
      now: NOW,
    });
    expect(shown(m.blocks)).toMatch(/since [A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d\d [AP]M/);
  });

  it('the shared formatter refuses a format without the day (by its type), and never throws while drawing', () => {
    // @ts-expect-error a time alone is not a DatedFormat
    expect(slackDate(NOW, '{time}')).toMatch(/^<!date\^\d+\^\{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>$/);
  });

  it('a timer across midnight shows the day of each end, in each reader’s zone', () => {
    const start = Date.parse('2026-12-01T23:30:00Z');
    const stop = Date.parse('2026-12-02T00:15:00Z');
    const words = timerWords({ startedAt: start, stoppedAt: stop, minutes: 45 }, 45);
    expect(words).toBe(`${slackDate(start)} → ${slackDate(stop)}: 45 min measured (billed as measured)`);
    expect(words).toContain('2026-12-02 00:15 UTC');
  });
});
