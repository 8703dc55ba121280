import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import {
  buttonValue,
  clickAndSettle,
  type Harness,
  isFinalCard,
  latestAction,
  privateNoteTo,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * Exactly once under concurrency: many Post clicks on one card, a click on a stale copy, a Slack re-delivery and
 * a click while the write is in flight all end with one request to Syncro; every loser is told the current state.
 */

describe('Post clicks racing on one card', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function commentCard(text: string): Promise<{ blocks?: unknown[]; text?: string }> {
    const cmd = await h.command(USERS.howard, `comment 32164 ${text}`);
    return (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
  }

  it('sends exactly one write for 20 concurrent Post clicks and tells the 19 losers it is already posted or being posted', async () => {
    const card = await commentCard('Twenty clicks, one comment');
    const value = buttonValue(card.blocks, ACTION.post)!;
    const clicks = await Promise.all(
      Array.from({ length: 20 }, () => h.click(USERS.howard, ACTION.post, value)),
    );
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    const urls = new Set(clicks.map((c) => c.responseUrl));

    const settled = await h.slack.waitFor(() => {
      const mine = h.slack.responses.filter((r) => urls.has(r.url));
      const notes = mine.filter((r) => r.body.replace_original === false);
      const posted = mine.filter(
        (r) => r.body.replace_original === true && /— posted$/.test(r.body.text ?? ''),
      );
      return notes.length >= 19 && posted.length >= 1 ? { notes, posted } : undefined;
    });
    expect(settled.notes).toHaveLength(19);
    for (const n of settled.notes) {
      expect(n.body.text).toMatch(
        /Already posted by <@U0HOWARD1>|being posted right now \(pressed by <@U0HOWARD1>/,
      );
    }
    // The winner is the one click that got no note.
    const noted = new Set(settled.notes.map((n) => n.url));
    const winners = clicks.filter((c) => !noted.has(c.responseUrl));
    expect(winners).toHaveLength(1);
    expect(settled.posted.some((r) => r.url === winners[0]!.responseUrl)).toBe(true);

    const comments = h.sim.state.comments.filter((c) => c.body === 'Twenty clicks, one comment');
    expect(comments).toHaveLength(1);
    expect(h.sim.writes()).toHaveLength(1);
    const action = await latestAction(h);
    expect(action).toMatchObject({ state: 'succeeded', attempt: 1, clickedBy: USERS.howard });
    expect(action.steps[0]!.resultId).toBe(comments[0]!.id);
  });

  it('sends nothing for a click on a stale copy after the card was posted, and shows who posted it', async () => {
    const card = await commentCard('Posted once');
    const value = buttonValue(card.blocks, ACTION.post)!;
    await clickAndSettle(h, USERS.howard, ACTION.post, value);
    expect(h.sim.writes()).toHaveLength(1);

    const stale = await h.click(USERS.howard, ACTION.post, value);
    expect(await privateNoteTo(h, stale.responseUrl)).toMatch(/^Already posted by <@U0HOWARD1> at <!date\^/);
    // The stale copy is redrawn as the card stands now: posted, no buttons.
    const redrawn = await h.slack.waitForResponse(
      (r) => r.url === stale.responseUrl && r.body.replace_original === true,
    );
    expect(isFinalCard(redrawn.body)).toBe(true);
    expect(buttonValue(redrawn.body.blocks, ACTION.post)).toBeUndefined();
    expect(h.sim.writes()).toHaveLength(1);
  });

  it('sends one write when Slack delivers the same Post click twice, and no note for the redelivery', async () => {
    const ticket = h.sim.state.ticketByNumber(32164)!;
    const card = await commentCard('Delivered twice');
    const value = buttonValue(card.blocks, ACTION.post)!;
    h.sim.injectFault({ method: 'POST', path: `/tickets/${ticket.id}/comment`, mode: 'hang' });
    const same = { responseUrl: h.slack.responseUrl('redelivered'), triggerId: 'trig-same' };
    await h.click(USERS.howard, ACTION.post, value, same);
    await h.sim.waitForRequests(1, (r) => r.method === 'POST');
    // Slack redelivers the click it thinks went unanswered: same payload, same response_url, a retry header.
    const again = await h.click(USERS.howard, ACTION.post, value, {
      ...same,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(again.status).toBe(200);
    h.sim.releaseHangs();
    const mine = (r: { url: string }) => r.url === same.responseUrl;
    await h.slack.waitForResponse((r) => mine(r) && isFinalCard(r.body));
    // The redelivery lost to its own first delivery: no redraw and no note spend the response_url's five uses.
    expect(h.slack.responses.filter((r) => mine(r) && r.body.replace_original === false)).toEqual([]);
    expect(h.sim.writes()).toHaveLength(1);
    expect(h.sim.state.comments.filter((c) => c.body === 'Delivered twice')).toHaveLength(1);
  });

  it('sends nothing more for a Post or a Cancel pressed while the write is in flight', async () => {
    const ticket = h.sim.state.ticketByNumber(32164)!;
    const card = await commentCard('Slow answer');
    const value = buttonValue(card.blocks, ACTION.post)!;
    h.sim.injectFault({ method: 'POST', path: `/tickets/${ticket.id}/comment`, mode: 'hang' });

    const first = await h.click(USERS.howard, ACTION.post, value);
    await h.sim.waitForRequests(1, (r) => r.method === 'POST');
    // The card says it is posting before the answer comes.
    const posting = await h.slack.waitForResponse((r) => r.url === first.responseUrl);
    expect(posting.body.text).toMatch(/— posting…$/);

    const second = await h.click(USERS.howard, ACTION.post, value);
    expect(await privateNoteTo(h, second.responseUrl)).toMatch(
      /^This is being posted right now \(pressed by <@U0HOWARD1> at .*\); it was not sent again\.$/,
    );
    const cancel = await h.click(USERS.howard, ACTION.cancel, value);
    expect(await privateNoteTo(h, cancel.responseUrl)).toMatch(/being posted right now/);
    expect(h.sim.writes()).toHaveLength(1);

    h.sim.releaseHangs();
    const done = await h.slack.waitForResponse((r) => r.url === first.responseUrl && isFinalCard(r.body));
    // The write had landed before the connection broke: found by reading back, never sent again.
    const comment = h.sim.state.commentsOf(ticket.id).find((c) => c.body === 'Slow answer')!;
    expect(textOf(done.body)).toMatch(/Posted\*? by <@U0HOWARD1>/);
    expect(textOf(done.body)).toContain('comment on <');
    const action = await latestAction(h);
    expect(action).toMatchObject({ state: 'succeeded' });
    expect(action.steps[0]).toMatchObject({ status: 'succeeded', resultId: comment.id });
    expect(h.sim.writes()).toHaveLength(1);
  });
  it('sends exactly one more write for 10 concurrent "Post again" clicks on a card found not posted', async () => {
    const ticket = h.sim.state.ticketByNumber(32164)!;
    const card = await commentCard('Second chance');
    h.sim.injectFault({
      method: 'POST',
      path: `/tickets/${ticket.id}/comment`,
      mode: 'status_500',
      when: 'before_commit',
    });
    const { card: failed } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    expect(await latestAction(h)).toMatchObject({ state: 'failed', resumable: true });
    expect(h.sim.writes()).toHaveLength(1);

    const again = buttonValue(failed.blocks, ACTION.post)!;
    const clicks = await Promise.all(
      Array.from({ length: 10 }, () => h.click(USERS.howard, ACTION.post, again)),
    );
    const urls = new Set(clicks.map((c) => c.responseUrl));
    const notes = await h.slack.waitFor(() => {
      const mine = h.slack.responses.filter((r) => urls.has(r.url));
      const n = mine.filter((r) => r.body.replace_original === false);
      return n.length >= 9 && mine.some((r) => /— posted$/.test(r.body.text ?? '')) ? n : undefined;
    });
    expect(notes).toHaveLength(9);
    for (const n of notes)
      expect(n.body.text).toMatch(/Already posted by <@U0HOWARD1>|being posted right now/);
    expect(h.sim.writes()).toHaveLength(2);
    expect(h.sim.state.comments.filter((c) => c.body === 'Second chance')).toHaveLength(1);
    expect(await latestAction(h)).toMatchObject({ state: 'succeeded', attempt: 2 });
  });
});
