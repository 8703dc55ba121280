import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import {
  BASE_YAML,
  BILLED_ONCE,
  billedRecords,
  cardText,
  clickOnCard,
  type Harness,
  KEYS,
  lastSeq,
  proposeBillCard,
  startHarness,
  USERS,
  waitForCard,
} from './harness.js';

/**
 * Who may press Post on a billing card (billing.approval in the YAML), and whose key signs: always the
 * requester's (the technician who did the work), whoever approved. The card and the audit say who approved.
 */

const NUMBER = '32164';
type Call = Harness['slack']['calls'][number];

function withApproval(approval: string): string {
  return `${BASE_YAML}billing:\n  approval: ${approval}\n`;
}

/** Presses Post as `userId` and expects a private refusal; the card is untouched and nothing is sent. */
async function expectRefused(h: Harness, card: Call, userId: string, reason: RegExp): Promise<void> {
  const updatesBefore = h.slack.callsTo('chat.update').length;
  const click = await clickOnCard(h, userId, card, ACTION.post);
  const reply = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
  expect(reply.body.text).toMatch(reason);
  expect(reply.body.response_type).toBe('ephemeral');
  expect(reply.body.replace_original).toBe(false);
  expect(h.sim.writes()).toHaveLength(0);
  expect(h.slack.callsTo('chat.update')).toHaveLength(updatesBefore);
  const [action] = await h.actions();
  expect(action!.state).toBe('proposed');
  expect(action!.attempt).toBe(0);
}

/** Presses Post as `userId` and waits for the card to say it was posted. */
async function postAs(h: Harness, card: Call, userId: string): Promise<Call> {
  const since = lastSeq(h);
  await clickOnCard(h, userId, card, ACTION.post);
  return waitForCard(h, /— posted$/, { after: since });
}

/** Every write carries the requester's (Howard's) key, and Syncro attributes the records to him. */
async function expectSignedByRequester(h: Harness): Promise<void> {
  const writes = h.sim.writes();
  expect(writes).toHaveLength(4);
  expect(new Set(writes.map((w) => w.apiKey))).toEqual(new Set([KEYS.howard]));
  const tid = h.sim.state.ticketByNumber(Number(NUMBER))!.id;
  const line = h.sim.state.lineItemsOf(tid).at(-1)!;
  expect(line.user_id).toBe(1750);
  expect(billedRecords(h.sim, NUMBER)).toEqual(BILLED_ONCE);
}

describe('billing approval', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('lets the requester post by default and refuses anyone else privately', async () => {
    h = await startHarness();
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER);
    expect(cardText(card)).toContain('May be posted by <@U0HOWARD1>.');
    // With no approver listed, the rule names only the requester (issue 16: the words state the rule that applied).
    await expectRefused(
      h,
      card,
      USERS.outsider,
      /Only the technician who asked \(<@U0HOWARD1>\) or a billing approver can post/,
    );
    await expectRefused(
      h,
      card,
      USERS.mike,
      /Only the technician who asked \(<@U0HOWARD1>\) or a billing approver can post/,
    );

    const done = await postAs(h, card, USERS.howard);
    expect(cardText(done)).toMatch(/✅ \*Posted\* by <@U0HOWARD1> at [^\n]*$/m);
    expect(cardText(done)).not.toContain('approved by');
    await expectSignedByRequester(h);
  });

  it('lets a listed approver post: the card and the audit record who approved, and the requester’s key signs', async () => {
    h = await startHarness({ yaml: withApproval(`{ approvers: [${USERS.approver}] }`) });
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER);
    expect(cardText(card)).toContain('May be posted by <@U0HOWARD1> or approved by <@U0APPROVE>.');
    await expectRefused(
      h,
      card,
      USERS.outsider,
      /Only the technician who asked \(<@U0HOWARD1>\) or a billing approver \(<@U0APPROVE>\) can post this billing card\./,
    );

    const done = await postAs(h, card, USERS.approver);
    expect(cardText(done)).toContain('✅ *Posted* by <@U0APPROVE>');
    expect(cardText(done)).toContain('· approved by <@U0APPROVE>');
    expect(cardText(done)).toContain('Posted as *Howard Enos* (Syncro user 1750)');
    await expectSignedByRequester(h);

    const [action] = await h.actions();
    expect(action).toMatchObject({ requesterSlackId: USERS.howard, clickedBy: USERS.approver });
    expect(action!.approvedBy).toBe(USERS.approver);
    const tid = h.sim.state.ticketByNumber(Number(NUMBER))!.id;
    const audit = await h.store.listAudit(tid, 20);
    expect(audit).toHaveLength(4);
    for (const e of audit) {
      expect(e).toMatchObject({
        requesterSlackId: USERS.howard,
        clickerSlackId: USERS.approver,
        approverSlackId: USERS.approver,
        syncroUserId: 1750,
        syncroName: 'Howard Enos',
        keyKind: 'own',
        outcome: 'succeeded',
      });
    }

    // `/syncro audit` shows it too.
    const res = await h.command(USERS.howard, `audit ${NUMBER}`);
    const reply = await h.slack.waitForResponse((r) => r.url === res.responseUrl);
    expect(JSON.stringify(reply.body)).toContain('approved by <@U0APPROVE>');
  });

  it('with an approvers list, still lets the requester post their own when requester_may_post is left on', async () => {
    h = await startHarness({ yaml: withApproval(`{ approvers: [${USERS.approver}] }`) });
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER);
    const done = await postAs(h, card, USERS.howard);
    expect(cardText(done)).not.toContain('approved by');
    await expectSignedByRequester(h);
  });

  it('refuses the requester’s own Post when requester_may_post is off, and an approver’s works', async () => {
    h = await startHarness({
      yaml: withApproval(`{ requester_may_post: false, approvers: [${USERS.approver}] }`),
    });
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER);
    expect(cardText(card)).toContain(
      '🔐 *Needs approval* by <@U0APPROVE>: only a billing approver, never the technician who asked (<@U0HOWARD1>), can post this card.',
    );
    // Issue 16: one rule, one wording, for the requester and for anyone else refused.
    await expectRefused(
      h,
      card,
      USERS.howard,
      /Only a billing approver \(<@U0APPROVE>\), never the technician who asked \(<@U0HOWARD1>\), can post this card\./,
    );
    await expectRefused(
      h,
      card,
      USERS.outsider,
      /Only a billing approver \(<@U0APPROVE>\), never the technician who asked \(<@U0HOWARD1>\), can post this card\./,
    );
    const done = await postAs(h, card, USERS.approver);
    expect(cardText(done)).toContain('approved by <@U0APPROVE>');
    await expectSignedByRequester(h);
  });

  it('requires a second person: the requester cannot approve their own even as an approver, another approver can', async () => {
    h = await startHarness({
      yaml: withApproval(`{ require_second_person: true, approvers: [${USERS.approver}, ${USERS.howard}] }`),
    });
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER);
    // require_second_person is the rule "an approver, never the requester": said and refused in the same words.
    expect(cardText(card)).toContain(
      '🔐 *Needs approval* by <@U0APPROVE>: only a billing approver, never the technician who asked (<@U0HOWARD1>), can post this card.',
    );
    await expectRefused(
      h,
      card,
      USERS.howard,
      /Only a billing approver \(<@U0APPROVE>\), never the technician who asked \(<@U0HOWARD1>\), can post this card\./,
    );
    await expectRefused(
      h,
      card,
      USERS.mike,
      /Only a billing approver \(<@U0APPROVE>\), never the technician who asked \(<@U0HOWARD1>\), can post this card\./,
    );

    const done = await postAs(h, card, USERS.approver);
    expect(cardText(done)).toContain('approved by <@U0APPROVE>');
    // The approver has no Syncro key at all: the writes carry the requester's.
    await expectSignedByRequester(h);
    const tid = h.sim.state.ticketByNumber(Number(NUMBER))!.id;
    const audit = await h.store.listAudit(tid, 20);
    expect(audit.map((e) => e.approverSlackId)).toEqual([
      USERS.approver,
      USERS.approver,
      USERS.approver,
      USERS.approver,
    ]);
  });

  it('refuses an outsider’s Cancel privately, and lets an approver cancel: nothing is sent', async () => {
    h = await startHarness({ yaml: withApproval(`{ approvers: [${USERS.approver}] }`) });
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER);
    const click = await clickOnCard(h, USERS.outsider, card, ACTION.cancel);
    const reply = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
    expect(reply.body.text).toMatch(
      /Only the technician who asked, or a billing approver, can use this card/,
    );
    expect((await h.actions())[0]!.state).toBe('proposed');

    const since = lastSeq(h);
    await clickOnCard(h, USERS.approver, card, ACTION.cancel);
    const cancelled = await waitForCard(h, /— cancelled$/, { after: since });
    expect(cardText(cancelled)).toContain('Cancelled by <@U0APPROVE> — nothing was sent.');
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('applies the same rule to Resume: after a failure only a second person can resume, with the requester’s key', async () => {
    h = await startHarness({
      yaml: withApproval(`{ require_second_person: true, approvers: [${USERS.approver}] }`),
    });
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER);
    h.sim.injectFault({ method: 'POST', path: '/invoices', mode: 'status_500', when: 'before_commit' });
    let since = lastSeq(h);
    await clickOnCard(h, USERS.approver, card, ACTION.post);
    const failed = await waitForCard(h, /— not posted$/, { after: since });
    expect(cardText(failed)).toContain('Resume from step 3');

    const writesBefore = h.sim.writes().length;
    const click = await clickOnCard(h, USERS.howard, failed, ACTION.post);
    const reply = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
    expect(reply.body.text).toMatch(
      /Only a billing approver \(<@U0APPROVE>\), never the technician who asked \(<@U0HOWARD1>\), can post this card\./,
    );
    expect(h.sim.writes()).toHaveLength(writesBefore);

    since = lastSeq(h);
    await clickOnCard(h, USERS.approver, failed, ACTION.post);
    await waitForCard(h, /— posted$/, { after: since });
    expect(billedRecords(h.sim, NUMBER)).toEqual(BILLED_ONCE);
    expect(new Set(h.sim.writes().map((w) => w.apiKey))).toEqual(new Set([KEYS.howard]));
  });
});
