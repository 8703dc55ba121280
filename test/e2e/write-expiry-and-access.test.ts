import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import {
  BASE_YAML,
  buttonValue,
  clickAndSettle,
  type Harness,
  type HarnessOptions,
  KEYS,
  latestAction,
  privateNoteTo,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * Cards expire (final: a later Post sends nothing), only the requester may Post or Cancel (anyone else is refused
 * privately and nothing is sent), and `/syncro audit <n>` shows who asked, who pressed and whose Syncro identity
 * signed each write.
 */

type Card = { text?: string; blocks?: unknown[] };
const MINUTE = 60_000;

describe('expiry and access', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function start(opts: HarnessOptions = {}): Promise<Harness> {
    h = await startHarness(opts);
    return h;
  }

  async function commentCard(hh: Harness, text: string, user: string = USERS.howard): Promise<Card> {
    const cmd = await hh.command(user, `comment 32164 ${text}`);
    return (await hh.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
  }

  it('expires a card past its TTL on the sweep, redraws it in place, and a later Post sends nothing', async () => {
    let clock = Date.now();
    const hh = await start({ now: () => clock, yaml: `${BASE_YAML}\ncards: { ttl_minutes: 5 }\n` });
    const cmd = await hh.command(USERS.howard, 'comment 32164 Too late');
    const card = (await hh.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    const action = await latestAction(hh);
    expect(action.expiresAt).toBe(clock + 5 * MINUTE);

    // Just before the TTL nothing expires.
    clock += 5 * MINUTE - 1;
    await hh.bot.sweep();
    expect((await latestAction(hh)).state).toBe('proposed');

    clock += 2;
    await hh.bot.sweep();
    expect((await latestAction(hh)).state).toBe('expired');
    // The card the command showed is redrawn in place through the command's response_url.
    const redrawn = await hh.slack.waitForResponse(
      (r) => r.url === cmd.responseUrl && r.body.replace_original === true,
    );
    expect(redrawn.body.text).toMatch(/— expired, nothing was sent$/);
    expect(buttonValue(redrawn.body.blocks, ACTION.post)).toBeUndefined();

    const late = await hh.click(USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    expect(await privateNoteTo(hh, late.responseUrl)).toBe(
      'This card expired; nothing was sent. Run the command again for a new card.',
    );
    expect(hh.sim.writes()).toHaveLength(0);
    expect((await latestAction(hh)).state).toBe('expired');
  });

  it('sends nothing for a Post after the TTL even before the sweep has run, and says the card expired', async () => {
    let clock = Date.now();
    const hh = await start({ now: () => clock });
    const card = await commentCard(hh, 'Clicked after the TTL');
    clock += 31 * MINUTE;

    const late = await hh.click(USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    expect(await privateNoteTo(hh, late.responseUrl)).toMatch(/expired; nothing was sent/);
    const redrawn = await hh.slack.waitForResponse(
      (r) => r.url === late.responseUrl && r.body.replace_original === true,
    );
    expect(textOf(redrawn.body)).toContain('Post no longer sends anything');
    expect(buttonValue(redrawn.body.blocks, ACTION.post)).toBeUndefined();
    expect(hh.sim.writes()).toHaveLength(0);
  });

  it('stops offering "Post again" once a failed card is past its TTL, and a click on the old button sends nothing', async () => {
    let clock = Date.now();
    const hh = await start({ now: () => clock });
    const ticket = hh.sim.state.ticketByNumber(32164)!;
    const card = await commentCard(hh, 'Failed just before the TTL');
    clock += 29 * MINUTE;
    hh.sim.injectFault({
      method: 'POST',
      path: `/tickets/${ticket.id}/comment`,
      mode: 'status_500',
      when: 'before_commit',
    });
    const { card: failed } = await clickAndSettle(
      hh,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    expect(await latestAction(hh)).toMatchObject({ state: 'failed', resumable: true });
    const again = buttonValue(failed.blocks, ACTION.post)!;

    clock += 2 * MINUTE;
    const late = await hh.click(USERS.howard, ACTION.post, again);
    expect(await privateNoteTo(hh, late.responseUrl)).toBe(
      'This card expired; nothing more was sent. Run the command again for a new card.',
    );
    const redrawn = await hh.slack.waitForResponse(
      (r) => r.url === late.responseUrl && r.body.replace_original === true,
    );
    expect(buttonValue(redrawn.body.blocks, ACTION.post)).toBeUndefined();
    expect(textOf(redrawn.body)).toContain('nothing more is sent from this card');
    expect(hh.sim.writes()).toHaveLength(1);
  });

  it('refuses a Post by anyone but the requester privately, sends nothing, and the requester can still post', async () => {
    const hh = await start();
    const card = await commentCard(hh, 'Only Howard may post this');
    const value = buttonValue(card.blocks, ACTION.post)!;

    for (const other of [USERS.mike, USERS.outsider]) {
      const click = await hh.click(other, ACTION.post, value);
      const note = await hh.slack.waitForResponse(
        (r) => r.url === click.responseUrl && r.body.replace_original === false,
      );
      expect(note.body.text).toBe('Only <@U0HOWARD1>, who asked for this, can use this card.');
      expect(note.body.response_type).toBe('ephemeral');
      // Only the private refusal: the card itself is not redrawn for the other person.
      expect(hh.slack.responses.filter((r) => r.url === click.responseUrl)).toHaveLength(1);
    }
    expect(hh.sim.writes()).toHaveLength(0);
    expect(await latestAction(hh)).toMatchObject({ state: 'proposed', attempt: 0 });

    await clickAndSettle(hh, USERS.howard, ACTION.post, value);
    expect(hh.sim.writes()).toHaveLength(1);
    expect(hh.sim.writes()[0]!.apiKey).toBe(KEYS.howard);
    expect(await latestAction(hh)).toMatchObject({ state: 'succeeded', clickedBy: USERS.howard });
  });

  it('refuses a Cancel or an edit by anyone but the requester, leaving the card as it was', async () => {
    const hh = await start();
    const card = await commentCard(hh, 'Mike may not cancel this');
    const before = await latestAction(hh);

    const cancel = await hh.click(USERS.mike, ACTION.cancel, buttonValue(card.blocks, ACTION.cancel)!);
    expect(await privateNoteTo(hh, cancel.responseUrl)).toBe(
      'Only <@U0HOWARD1>, who asked for this, can use this card.',
    );
    const edit = await hh.click(USERS.mike, `${ACTION.editPrefix}visibility`, '', {
      blockId: before.id,
      selectedOption: { value: 'email_reply' },
    });
    expect(await privateNoteTo(hh, edit.responseUrl)).toBe(
      'Only <@U0HOWARD1>, who asked for this, can use this card.',
    );
    const after = await latestAction(hh);
    expect(after).toMatchObject({ state: 'proposed', attempt: before.attempt });
    expect(after.cancelledBy).toBeUndefined();
    expect(after.steps).toEqual(before.steps);
    expect(hh.sim.writes()).toHaveLength(0);
  });

  it('signs each write with its own requester’s key, whoever else is using the bot', async () => {
    const hh = await start();
    const howardCard = await commentCard(hh, 'From Howard');
    const mikeCard = await commentCard(hh, 'From Mike', USERS.mike);
    expect(textOf(mikeCard)).toContain('Michael Swanson');
    await clickAndSettle(hh, USERS.mike, ACTION.post, buttonValue(mikeCard.blocks, ACTION.post)!);
    await clickAndSettle(hh, USERS.howard, ACTION.post, buttonValue(howardCard.blocks, ACTION.post)!);
    const byBody = (body: string) => hh.sim.writes().find((w) => (w.body as { body?: string }).body === body);
    expect(byBody('From Mike')!.apiKey).toBe(KEYS.mike);
    expect(byBody('From Howard')!.apiKey).toBe(KEYS.howard);
    const ticket = hh.sim.state.ticketByNumber(32164)!;
    const comments = hh.sim.state.commentsOf(ticket.id);
    expect(comments.find((c) => c.body === 'From Mike')!.user_id).toBe(1735);
    expect(comments.find((c) => c.body === 'From Howard')!.user_id).toBe(1750);
  });

  it('lists the bot’s writes on a ticket with requester, clicker and Syncro identity in /syncro audit', async () => {
    const hh = await start();
    const ticket = hh.sim.state.ticketByNumber(32164)!;
    const card = await commentCard(hh, 'For the audit');
    await clickAndSettle(hh, USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    const cmdStatus = await hh.command(USERS.mike, 'update 32164 scheduled');
    const statusCard = (await hh.slack.waitForResponse((r) => r.url === cmdStatus.responseUrl)).body;
    hh.sim.injectFault({ method: 'PUT', path: `/tickets/${ticket.id}`, mode: 'null_body' });
    await clickAndSettle(hh, USERS.mike, ACTION.post, buttonValue(statusCard.blocks, ACTION.post)!);
    const comment = hh.sim.state.commentsOf(ticket.id).find((c) => c.body === 'For the audit')!;

    const audit = await hh.command(USERS.howard, 'audit 32164');
    const reply = (await hh.slack.waitForResponse((r) => r.url === audit.responseUrl)).body;
    const text = textOf(reply);
    expect(reply.text).toBe('Audit log for #32164: 3 write(s)');
    // Neither the path nor the comment's id is in the words; the line links to the ticket it went on.
    expect(text).toContain('*Comment* on #32164 — ✅ succeeded (<');
    expect(text).toContain(`/tickets/${ticket.id}|open in Syncro>)`);
    expect(text).not.toContain(`id ${comment.id}`);
    expect(text).toContain('asked by <@U0HOWARD1> · pressed by <@U0HOWARD1> · as *Howard Enos*');
    expect(text).toContain('*Ticket updated* on #32164 — ❓ no clear answer');
    expect(text).toContain('*Ticket updated* on #32164 — ✅ found in Syncro after an unclear answer');
    expect(text).not.toContain(`/tickets/${ticket.id}*`);
    expect(text).toContain('asked by <@U0MIKE001> · pressed by <@U0MIKE001> · as *Michael Swanson*');
    // An audit is a read: nothing more was written.
    expect(hh.sim.writes()).toHaveLength(2);
  });
});
