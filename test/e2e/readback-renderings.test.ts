import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMENTS_PER_PAGE, MAX_COMMENT_PAGES } from '../../src/actions/reconcile.js';
import type { CommentReads } from '../../src/sandbox/simulator.js';
import { ACTION } from '../../src/slack/action-ids.js';
import { typedToHtml } from '../../src/text/slack-markup.js';
import type { FaultMode } from '../support/faults.js';
import {
  buttonValue,
  clickAndSettle,
  type Harness,
  latestAction,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * Issue 8 item 1: a comment read back after an unclear answer is recognised however Syncro renders it (plain
 * text, rich text, as posted) and wherever the ticket's own list leaves it out (the read-back reads
 * GET /tickets/{id}/comments). Stored → the card says found and offers nothing to send again; not stored → the
 * card says what was searched and links the ticket before it offers Post again. Never a second comment.
 */

type Card = { text?: string; blocks?: unknown[] };

/** Short, so a 'hang' becomes a timeout quickly; loopback reads answer well within it. */
const TIMEOUT_MS = 300;
const NUMBER = 32164;

/** Characters that every rendering changes: entities, things that look like tags, quotes, breaks, spaces, emoji. */
const TEXT = `Tom & Jerry's "router" <b>not bold</b>, a < b > c\nline two   three spaces 🎉🔧\n\nnew paragraph`;

const RENDERINGS: Array<{ name: string; reads: CommentReads }> = [
  { name: 'plain text', reads: { rendering: 'plain' } },
  { name: 'rich text', reads: { rendering: 'rich' } },
  { name: 'as posted', reads: { rendering: 'original' } },
  // The ticket lists only its oldest comment, in Syncro's documented renderings: only the comments endpoint has ours.
  { name: 'a partial ticket list', reads: { ticketShows: 1 } },
];

const AFTER_COMMIT: FaultMode[] = [
  'hang',
  'reset',
  'null_body',
  'empty_body',
  'garbage_body',
  'status_500',
  'status_502',
  'status_503',
];
const CASES: Array<{ mode: FaultMode; when: 'after_commit' | 'before_commit' | 'late' }> = [
  ...AFTER_COMMIT.map((mode) => ({ mode, when: 'after_commit' as const })),
  { mode: 'status_502', when: 'before_commit' },
  { mode: 'hang', when: 'late' },
];

/** Slack escapes `&`, `<` and `>` in command text; the bot decodes them. */
const slackEscaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function blockIndex(card: Card, test: (block: string) => boolean): number {
  return (card.blocks ?? []).findIndex((b) => test(JSON.stringify(b)));
}

describe.each(RENDERINGS)('read-back of a comment Syncro answers in $name', ({ reads }) => {
  let h: Harness;
  let tid: number;
  let n = 0;
  beforeAll(async () => {
    h = await startHarness({ timeoutMs: TIMEOUT_MS });
    h.sim.state.commentReads = { ...reads };
    tid = h.sim.state.ticketByNumber(NUMBER)!.id;
  });
  afterEach(() => {
    h.sim.clearFaults();
    h.sim.releaseHangs();
  });
  afterAll(async () => {
    await h.close();
  });

  async function propose(body: string): Promise<Card> {
    const cmd = await h.command(USERS.howard, `comment ${NUMBER} ${slackEscaped(body)}`);
    return (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
  }
  const post = async (card: Card) =>
    (await clickAndSettle(h, USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!)).card;

  it.each(CASES)('Post meets $mode $when: the card tells the truth and Syncro has one comment', async (c) => {
    const body = `${TEXT}\n[case ${++n}]`;
    const card = await propose(body);
    const writesBefore = h.sim.writes().length;
    const from = h.sim.requests.length;
    h.sim.injectFault({ method: 'POST', path: `/tickets/${tid}/comment`, mode: c.mode, when: c.when });
    // Syncro gets the typed text as its HTML body (src/text/slack-markup.ts).
    const stored = () => h.sim.state.commentsOf(tid).filter((x) => x.body === typedToHtml(body));

    const done = await post(card);
    expect(h.sim.writes()).toHaveLength(writesBefore + 1);
    // The read-back asked the comments endpoint, as posted, for what was created since the send.
    const readBack = h.sim.requests.slice(from).find((r) => r.path === `/tickets/${tid}/comments`);
    expect(readBack?.query).toMatchObject({ comment_format: 'original', created_after: expect.any(String) });
    const action = await latestAction(h);

    if (c.when === 'after_commit') {
      expect(stored()).toHaveLength(1);
      expect(action.state).toBe('succeeded');
      expect(action.steps[0]).toMatchObject({ status: 'succeeded', resultId: stored()[0]!.id });
      expect(textOf(done)).toContain('found the comment in Syncro');
      expect(buttonValue(done.blocks, ACTION.post)).toBeUndefined();
      return;
    }

    expect(stored()).toHaveLength(0);
    expect(action).toMatchObject({ state: 'failed', resumable: true });
    expect(action.steps[0]).toMatchObject({ status: 'absent', outcome: { code: 'absent' } });
    const text = textOf(done);
    expect(text).toContain('Syncro was checked: the comment is not there');
    // What was searched, with the ticket's number linked (its id only inside the link), before Post again.
    const searched = blockIndex(done, (b) => b.includes('Searched the comments on'));
    expect(searched).toBeGreaterThanOrEqual(0);
    expect(searched).toBeLessThan(blockIndex(done, (b) => b.includes(ACTION.post)));
    expect(text).toContain(`Searched the comments on <${h.sim.webUrl}/tickets/${tid}|ticket #${NUMBER}>`);
    expect(text).toMatch(/created since <!date\^\d+\^[^|]*\|[^>]*> \(1 page read: \d+ comments?\)/);
    expect(text).not.toMatch(new RegExp(`(?<!/tickets/)${tid}`));

    if (c.when === 'late') {
      // Syncro stores the first request after the read-back said "not there": Post again finds it, sends nothing.
      expect(h.sim.commitLate()).toBe(1);
      h.sim.releaseHangs();
      const again = await post(done);
      expect(h.sim.writes()).toHaveLength(writesBefore + 1);
      expect(stored()).toHaveLength(1);
      expect(textOf(again)).toContain('found the comment in Syncro');
    } else {
      const again = await post(done);
      expect(h.sim.writes()).toHaveLength(writesBefore + 2);
      expect(stored()).toHaveLength(1);
      expect(textOf(again)).toMatch(/Posted\*? by <@U0HOWARD1>/);
    }
    expect((await latestAction(h)).state).toBe('succeeded');
  });
});

describe('a read-back that cannot read the whole list', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeoutMs: TIMEOUT_MS });
  });
  afterAll(async () => {
    await h.close();
  });

  it('says it could not check, never "not there", when the comments run past the pages it reads', async () => {
    const tid = h.sim.state.ticketByNumber(NUMBER)!.id;
    for (let i = 0; i <= COMMENTS_PER_PAGE * MAX_COMMENT_PAGES; i++) {
      h.sim.state.addComment({ ticket_id: tid, subject: 'Update', body: `Automated check-in ${i}` });
    }
    const cmd = await h.command(USERS.howard, `comment ${NUMBER} Rebooted the NAS`);
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    h.sim.injectFault({
      method: 'POST',
      path: `/tickets/${tid}/comment`,
      mode: 'status_502',
      when: 'before_commit',
    });
    const click = await h.click(USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    const checked = await h.slack.waitForResponse(
      (r) => r.url === click.responseUrl && /could not check/i.test(textOf(r.body)),
    );
    const reads = h.sim.requests.filter((r) => r.path === `/tickets/${tid}/comments`);
    expect(reads.map((r) => r.query.page)).toEqual(['1', '2', '3', '4', '5']);
    const action = await latestAction(h);
    expect(action.state).toBe('outcome_unknown');
    expect(action.steps[0]!.outcome).toMatchObject({
      code: 'check_failed',
      error: { code: 'SYNCRO_LIST_NOT_READ_TO_END' },
    });
    expect(textOf(checked.body)).toContain('runs past the 5 pages the bot reads');
    expect(buttonValue(checked.body.blocks, ACTION.post)).toBeUndefined();
    expect(h.sim.writes()).toHaveLength(1);
  });
});
