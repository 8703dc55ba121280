import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PendingAction } from '../../src/actions/types.js';
import { ACTION, VIEW } from '../../src/slack/action-ids.js';
import { MODAL_ACTION, MODAL_BLOCK } from '../../src/slack/views/modal-ids.js';
import {
  buttonValue,
  clickAndSettle,
  type Harness,
  KEYS,
  latestAction,
  privateNoteTo,
  shownPayloads,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * Every kind of write, end to end through the signed HTTP receiver: the card shows the exact payload, nothing
 * reaches Syncro before Post, the request Syncro receives is byte for byte the stored step body (and the payload
 * the card showed), it is signed with the requester's key, and the card is rewritten in place afterwards.
 */

type Card = { text?: string; blocks?: unknown[] };

/** What Syncro received equals the stored steps, the card's payloads, and carries the requester's key. */
function expectSentAsShown(h: Harness, action: PendingAction, shownOnCard: Card, key: string): void {
  const writes = h.sim.writes();
  const sent = action.steps.filter((s) => s.method !== 'GET');
  expect(writes).toHaveLength(sent.length);
  const shown = shownPayloads(shownOnCard.blocks);
  expect(shown).toHaveLength(sent.length);
  sent.forEach((step, i) => {
    const w = writes[i]!;
    expect(`${w.method} ${w.path}`).toBe(`${step.method} ${step.path}`);
    expect(w.rawBody).toBe(JSON.stringify(step.body));
    expect(shown[i]).toBe(JSON.stringify(step.body, null, 2));
    expect(JSON.parse(shown[i]!)).toEqual(JSON.parse(w.rawBody));
    expect(w.apiKey).toBe(key);
  });
}

/** A posted card: no buttons left, the outcome, who pressed it. */
function expectRewrittenAsPosted(card: Card, clicker: string): void {
  expect(buttonValue(card.blocks, ACTION.post)).toBeUndefined();
  expect(buttonValue(card.blocks, ACTION.cancel)).toBeUndefined();
  expect(textOf(card)).toMatch(new RegExp(`Posted\\*? by <@${clicker}>`));
}

/** Buttons that are section accessories (the customer pick list). */
function accessoryValues(blocks: unknown[] | undefined, actionId: string): string[] {
  return (blocks ?? []).flatMap((b) => {
    const acc = (b as { accessory?: { action_id?: string; value?: string } }).accessory;
    return acc?.action_id === actionId && acc.value ? [acc.value] : [];
  });
}

function ticketOf(h: Harness, number: number) {
  const t = h.sim.state.ticketByNumber(number);
  if (!t) throw new Error(`no ticket #${number}`);
  return t;
}

describe('write kinds: confirm before write, exact payload, requester key, card rewritten in place', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('posts a comment only after Post, exactly as the card showed, signed with the requester key', async () => {
    const ticket = ticketOf(h, 32164);
    const cmd = await h.command(
      USERS.howard,
      'comment #32164 Replaced the &lt;b&gt;router&lt;/b&gt; &amp; rebooted',
    );
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    expect(textOf(card)).toContain('Howard Enos');
    expect(h.sim.writes()).toHaveLength(0);
    const proposed = await latestAction(h);
    expect(proposed.state).toBe('proposed');
    // Syncro reads the body as HTML: what was typed arrives escaped, as typed (issue 16 item 13).
    expect(proposed.steps[0]!.body).toEqual({
      subject: 'Update',
      body: 'Replaced the &lt;b&gt;router&lt;/b&gt; &amp; rebooted',
      hidden: true,
      do_not_email: true,
    });

    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    const action = await latestAction(h);
    expect(action.state).toBe('succeeded');
    expectSentAsShown(h, action, card, KEYS.howard);
    expectRewrittenAsPosted(done, USERS.howard);
    const created = h.sim.state.commentsOf(ticket.id)[0]!;
    expect(created.body).toBe('Replaced the &lt;b&gt;router&lt;/b&gt; &amp; rebooted');
    expect(action.steps[0]!.resultId).toBe(created.id);
    // Named by the ticket's number; the comment's id is not shown.
    expect(textOf(done)).toContain('comment on <');
    expect(textOf(done)).not.toContain(String(created.id));
    expect(textOf(done)).toContain(`${h.sim.webUrl}/tickets/${ticket.id}`);
  });

  it('sends the edited visibility after an edit, and a Post on the drawing before the edit sends nothing', async () => {
    const cmd = await h.command(USERS.howard, 'comment 32164 Called Jerry, sync works again');
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    const before = await latestAction(h);
    const oldPost = buttonValue(card.blocks, ACTION.post)!;

    const edit = await h.click(USERS.howard, `${ACTION.editPrefix}visibility`, '', {
      blockId: before.id,
      selectedOption: { value: 'email_reply' },
    });
    const edited = (await h.slack.waitForResponse((r) => r.url === edit.responseUrl)).body;
    const newPost = buttonValue(edited.blocks, ACTION.post)!;
    expect(JSON.parse(newPost)).toEqual({ id: before.id, attempt: before.attempt + 1 });
    expect(shownPayloads(edited.blocks)[0]).toContain('"hidden": false');

    const stale = await h.click(USERS.howard, ACTION.post, oldPost);
    expect(await privateNoteTo(h, stale.responseUrl)).toMatch(/changed since you saw it/);
    expect(h.sim.writes()).toHaveLength(0);
    expect((await latestAction(h)).state).toBe('proposed');

    const { card: done } = await clickAndSettle(h, USERS.howard, ACTION.post, newPost);
    const action = await latestAction(h);
    expect(action.steps[0]!.body).toMatchObject({ hidden: false, do_not_email: false });
    expectSentAsShown(h, action, edited, KEYS.howard);
    expectRewrittenAsPosted(done, USERS.howard);
  });

  it('creates a ticket for a quoted customer with the edited priority and the requester as assignee', async () => {
    const customer = h.sim.state.customers.find((c) => c.business_name === "Len's Auto Brokerage")!;
    const cmd = await h.command(USERS.howard, 'create "Len\'s Auto Brokerage" Printer offline in bay 2');
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    const before = await latestAction(h);
    expect(before.steps[0]!.body).toEqual({
      customer_id: customer.id,
      subject: 'Printer offline in bay 2',
      status: 'New',
      priority: 'Normal',
      user_id: 1750,
    });
    expect(h.sim.writes()).toHaveLength(0);

    const edit = await h.click(USERS.howard, `${ACTION.editPrefix}priority`, '', {
      blockId: before.id,
      selectedOption: { value: 'High' },
    });
    const edited = (await h.slack.waitForResponse((r) => r.url === edit.responseUrl)).body;
    const stale = await h.click(USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    expect(await privateNoteTo(h, stale.responseUrl)).toMatch(/changed since you saw it/);
    expect(h.sim.writes()).toHaveLength(0);

    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(edited.blocks, ACTION.post)!,
    );
    const action = await latestAction(h);
    expect(action.state).toBe('succeeded');
    expect(action.steps[0]!.body).toMatchObject({ priority: 'High' });
    expectSentAsShown(h, action, edited, KEYS.howard);
    expectRewrittenAsPosted(done, USERS.howard);
    const created = h.sim.state.tickets.find((t) => t.subject === 'Printer offline in bay 2')!;
    expect(created).toMatchObject({
      customer_id: customer.id,
      priority: 'High',
      user_id: 1750,
      status: 'New',
    });
    expect(action.steps[0]!.resultId).toBe(created.id);
    expect(textOf(done)).toContain(`${h.sim.webUrl}/tickets/${created.id}`);
    expect(textOf(done)).toContain(`#${created.number}`);
  });

  it('takes an unquoted multi-word customer name when it names exactly one customer, the rest being the subject', async () => {
    const customer = h.sim.state.customers.find((c) => c.business_name === "Len's Auto Brokerage")!;
    const cmd = await h.command(USERS.howard, "create Len's Auto Brokerage Server upgrade");
    await h.slack.waitForResponse((r) => r.url === cmd.responseUrl);
    expect((await latestAction(h)).steps[0]!.body).toMatchObject({
      customer_id: customer.id,
      subject: 'Server upgrade',
    });
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('offers a pick list for an ambiguous one-word customer and drafts the card only for the chosen one', async () => {
    h.sim.state.addCustomer({ business_name: 'Acme Plumbing Supply', firstname: 'Bo', lastname: 'Diaz' });
    const dental = h.sim.state.customers.find((c) => c.business_name === 'Acme Dental')!;
    const cmd = await h.command(USERS.howard, 'create Acme Sterilizer alarm keeps beeping');
    const pick = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    expect(textOf(pick)).toContain('Acme Plumbing Supply');
    expect(textOf(pick)).toContain('Acme Dental');
    expect(await h.actions()).toHaveLength(0);

    const choice = accessoryValues(pick.blocks, ACTION.pickCustomer).find(
      (v) => (JSON.parse(v) as { customerId: number }).customerId === dental.id,
    )!;
    const picked = await h.click(USERS.howard, ACTION.pickCustomer, choice);
    const card = (await h.slack.waitForResponse((r) => r.url === picked.responseUrl)).body;
    expect(h.slack.responses.find((r) => r.url === picked.responseUrl)!.body.replace_original).toBe(true);
    expect(h.sim.writes()).toHaveLength(0);

    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    const action = await latestAction(h);
    expect(action.steps[0]!.body).toMatchObject({
      customer_id: dental.id,
      subject: 'Sterilizer alarm keeps beeping',
    });
    expectSentAsShown(h, action, card, KEYS.howard);
    expectRewrittenAsPosted(done, USERS.howard);
  });

  it('updates a status typed in any case to the account spelling, exactly as shown', async () => {
    const ticket = ticketOf(h, 32164);
    const cmd = await h.command(USERS.howard, 'update 32164 IN progress');
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    expect(h.sim.writes()).toHaveLength(0);
    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    const action = await latestAction(h);
    expect(action.steps[0]!.body).toEqual({ status: 'In Progress' });
    expectSentAsShown(h, action, card, KEYS.howard);
    expectRewrittenAsPosted(done, USERS.howard);
    expect(ticket.status).toBe('In Progress');
  });

  it('answers a near-miss status with "did you mean" and proposes nothing', async () => {
    const cmd = await h.command(USERS.howard, 'update 32164 resolvd');
    const reply = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    expect(textOf(reply)).toMatch(/Did you mean “Resolved”/);
    expect(await h.actions()).toHaveLength(0);
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('closes a ticket in two steps, the resolution comment first and then the status', async () => {
    const ticket = ticketOf(h, 32164);
    const cmd = await h.command(USERS.howard, 'close 32164 Replaced the toner, printing again');
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    expect(shownPayloads(card.blocks)).toHaveLength(2);
    expect(h.sim.writes()).toHaveLength(0);
    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    const action = await latestAction(h);
    expect(action.steps.map((s) => [s.op, s.status])).toEqual([
      ['add_comment', 'succeeded'],
      ['update_ticket', 'succeeded'],
    ]);
    expect(action.steps[0]!.body).toMatchObject({
      subject: 'Resolution',
      body: 'Replaced the toner, printing again',
    });
    expect(action.steps[1]!.body).toEqual({ status: 'Resolved' });
    expectSentAsShown(h, action, card, KEYS.howard);
    expectRewrittenAsPosted(done, USERS.howard);
    expect(ticket.status).toBe('Resolved');
    expect(h.sim.state.commentsOf(ticket.id)[0]!.body).toBe('Replaced the toner, printing again');
  });

  it('sends nothing after Cancel, and a later Post on the cancelled card loses', async () => {
    const cmd = await h.command(USERS.howard, 'comment 32164 Never mind this one');
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    const { card: cancelled } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.cancel,
      buttonValue(card.blocks, ACTION.cancel)!,
    );
    expect(textOf(cancelled)).toMatch(/Cancelled by <@U0HOWARD1>/);
    expect(buttonValue(cancelled.blocks, ACTION.post)).toBeUndefined();
    const late = await h.click(USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    expect(await privateNoteTo(h, late.responseUrl)).toMatch(
      /cancelled by <@U0HOWARD1>; nothing more was sent/,
    );
    expect(h.sim.writes()).toHaveLength(0);
    expect((await latestAction(h)).state).toBe('cancelled');
  });
});

describe('write kinds from the ticket view buttons (modal → card → Post)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** Opens the ticket view, presses one of its buttons and returns the modal Slack was asked to open. */
  async function openModal(button: string): Promise<{ callbackId: string; meta: string }> {
    const cmd = await h.command(USERS.howard, 'ticket 32164');
    const view = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    const number = buttonValue(view.blocks, button);
    expect(number).toBe('32164');
    await h.click(USERS.howard, button, number!);
    const open = await h.slack.waitForCall('views.open');
    const modal = open.body.view as { callback_id: string; private_metadata: string };
    return { callbackId: modal.callback_id, meta: modal.private_metadata };
  }

  /** Submits the modal, then waits for the card Slack was asked to show privately. */
  async function submitForCard(
    modal: { callbackId: string; meta: string },
    values: Record<string, Record<string, unknown>>,
  ): Promise<Card> {
    const res = await h.submit(USERS.howard, modal.callbackId, modal.meta, values);
    expect(res.status).toBe(200);
    const call = await h.slack.waitForCall('chat.postEphemeral');
    expect(call.body.user).toBe(USERS.howard);
    expect(call.body.channel).toBe('C0TICKETS');
    return { text: call.body.text as string, blocks: call.body.blocks as unknown[] };
  }

  const textValue = (value: string) => ({ type: 'plain_text_input', value });
  const choice = (type: string, value: string) => ({ type, selected_option: { value } });

  it('posts a comment from the Comment button modal with the chosen visibility', async () => {
    const modal = await openModal(ACTION.ticketComment);
    expect(modal.callbackId).toBe(VIEW.comment);
    const card = await submitForCard(modal, {
      [MODAL_BLOCK.subject]: { [MODAL_ACTION.subject]: textValue('Call back') },
      [MODAL_BLOCK.body]: { [MODAL_ACTION.body]: textValue('Left a voicemail for Jerry.') },
      [MODAL_BLOCK.visibility]: { [MODAL_ACTION.visibility]: choice('radio_buttons', 'public_note') },
    });
    expect(h.sim.writes()).toHaveLength(0);
    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    const action = await latestAction(h);
    expect(action.steps[0]!.body).toEqual({
      subject: 'Call back',
      body: 'Left a voicemail for Jerry.',
      hidden: false,
      do_not_email: true,
    });
    expectSentAsShown(h, action, card, KEYS.howard);
    expectRewrittenAsPosted(done, USERS.howard);
  });

  it('updates the status from the Update status button modal', async () => {
    const modal = await openModal(ACTION.ticketStatus);
    expect(modal.callbackId).toBe(VIEW.status);
    const card = await submitForCard(modal, {
      [MODAL_BLOCK.status]: { [MODAL_ACTION.status]: choice('static_select', 'Waiting on Customer') },
    });
    expect(h.sim.writes()).toHaveLength(0);
    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    const action = await latestAction(h);
    expect(action.steps[0]!.body).toEqual({ status: 'Waiting on Customer' });
    expectSentAsShown(h, action, card, KEYS.howard);
    expectRewrittenAsPosted(done, USERS.howard);
    expect(ticketOf(h, 32164).status).toBe('Waiting on Customer');
  });

  it('closes with a resolution comment from the Close button modal', async () => {
    const modal = await openModal(ACTION.ticketClose);
    expect(modal.callbackId).toBe(VIEW.close);
    const card = await submitForCard(modal, {
      [MODAL_BLOCK.subject]: { [MODAL_ACTION.subject]: textValue('Resolution') },
      [MODAL_BLOCK.body]: { [MODAL_ACTION.body]: textValue('Reinstalled the ownCloud client.') },
      [MODAL_BLOCK.visibility]: { [MODAL_ACTION.visibility]: choice('radio_buttons', 'email_reply') },
    });
    expect(h.sim.writes()).toHaveLength(0);
    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    const action = await latestAction(h);
    expect(action.steps.map((s) => s.body)).toEqual([
      { subject: 'Resolution', body: 'Reinstalled the ownCloud client.', hidden: false, do_not_email: false },
      { status: 'Resolved' },
    ]);
    expectSentAsShown(h, action, card, KEYS.howard);
    expectRewrittenAsPosted(done, USERS.howard);
  });
});
