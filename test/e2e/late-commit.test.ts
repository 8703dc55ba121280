import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import type { FaultySimulator } from '../support/faults.js';
import {
  BILLED_ONCE,
  billedRecords,
  buttonValue,
  cardText,
  clickAndSettle,
  clickOnCard,
  GOOD_BILL,
  type Harness,
  lastSeq,
  latestAction,
  proposeBillCard,
  startHarness,
  stepLine,
  textOf,
  USERS,
  waitForCard,
  writeCounts,
} from './harness.js';

/**
 * A request that Syncro stores only after the bot has read back "not there" (the answer timed out, the read-back
 * ran at once, Syncro committed the request later). "Post again" / "Resume" must find that late record and send
 * nothing: exactly one record in Syncro, and the card says it was found.
 */

const TIMEOUT_MS = 300;
const NUMBER = '32164';

function ticketId(sim: FaultySimulator): number {
  return sim.state.ticketByNumber(Number(NUMBER))!.id;
}

describe('a write Syncro stores after the read-back said "not there"', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ timeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await h.close();
  });

  it('comment: Post again finds the late comment and posts nothing', async () => {
    const tid = ticketId(h.sim);
    const body = 'Late commit of a comment';
    const cmd = await h.command(USERS.howard, `comment ${NUMBER} ${body}`);
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    h.sim.injectFault({ method: 'POST', path: `/tickets/${tid}/comment`, mode: 'hang', when: 'late' });
    const stored = () => h.sim.state.commentsOf(tid).filter((c) => c.body === body);

    const { card: absent } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    expect(textOf(absent)).toContain('Syncro was checked: the comment is not there');
    expect(stored()).toHaveLength(0);
    expect((await latestAction(h)).steps[0]!.status).toBe('absent');

    // Syncro stores the first request now, after the read-back.
    expect(h.sim.commitLate()).toBe(1);
    h.sim.releaseHangs();
    expect(stored()).toHaveLength(1);

    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(absent.blocks, ACTION.post)!,
    );
    expect(h.sim.writes()).toHaveLength(1);
    expect(stored()).toHaveLength(1);
    const action = await latestAction(h);
    expect(action.state).toBe('succeeded');
    expect(action.steps[0]).toMatchObject({
      status: 'succeeded',
      resultId: stored()[0]!.id,
      outcome: { code: 'found' },
    });
    expect(textOf(done)).toMatch(/Posted\*? by <@U0HOWARD1>/);
    expect(textOf(done)).toMatch(/found/i);
    const audit = await h.store.listAudit(tid, 10);
    expect(audit.map((e) => e.outcome).sort()).toEqual([
      'absent_after_unknown',
      'found_after_unknown',
      'outcome_unknown',
    ]);
  });

  it('invoice: Resume finds the late invoice, sends no second one and finishes the bill', async () => {
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
    const tid = ticketId(h.sim);
    h.sim.injectFault({ method: 'POST', path: '/invoices', mode: 'hang', when: 'late' });

    let since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const failed = await waitForCard(h, /— not posted$/, { after: since });
    expect(stepLine(failed, 3)).toMatch(/^∅ not in Syncro \(checked\)/);
    expect(cardText(failed)).toContain('Resume from step 3');
    expect(h.sim.state.invoices.filter((i) => i.ticket_id === tid)).toHaveLength(0);

    expect(h.sim.commitLate()).toBe(1);
    h.sim.releaseHangs();
    expect(h.sim.state.invoices.filter((i) => i.ticket_id === tid)).toHaveLength(1);

    since = lastSeq(h);
    await clickOnCard(h, USERS.howard, failed, ACTION.post);
    const done = await waitForCard(h, /— posted$/, { after: since });
    expect(stepLine(done, 3)).toMatch(/^✅ done — .*found/);
    expect(billedRecords(h.sim, NUMBER)).toEqual(BILLED_ONCE);
    expect(writeCounts(h.sim)).toEqual({
      [`POST /tickets/${tid}/comment`]: 1,
      [`POST /tickets/${tid}/add_line_item`]: 1,
      'POST /invoices': 1,
      [`PUT /tickets/${tid}`]: 1,
    });
    const [action] = await h.actions();
    expect(action!.state).toBe('succeeded');
  });
});
