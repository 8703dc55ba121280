import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackError } from '../../src/playground/slack/server.js';
import { slashCommand } from '../../src/playground/slack/signer.js';
import { ACTION } from '../../src/slack/action-ids.js';
import {
  buttonValue,
  cardText,
  clickOnCard,
  type Harness,
  isFinalCard,
  latestAction,
  proposeBillCard,
  SECRET,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * Where card drawings go when Slack refuses the usual way (src/slack/card-publisher.ts): a private card whose
 * response_url is refused moves to a direct message that later drawings update; a channel card whose message
 * was deleted is posted again; a reply that can use neither response_url nor an ephemeral message reaches a DM.
 */
describe('card drawings when Slack refuses the usual way', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('moves a private card to a DM when its response_url is refused, and later drawings update that DM', async () => {
    const ticket = h.sim.state.ticketByNumber(32164)!;
    const cmd = await h.command(USERS.howard, 'comment 32164 Moved to a DM');
    const card = await h.slack.waitForResponse((r) => r.url === cmd.responseUrl);
    // The write lands but its answer never comes: the card goes "checking Syncro…" and then "posted".
    h.sim.injectFault({ method: 'POST', path: `/tickets/${ticket.id}/comment`, mode: 'hang' });
    const click = await h.click(USERS.howard, ACTION.post, buttonValue(card.body.blocks, ACTION.post)!);
    const posting = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
    expect(posting.body.text).toMatch(/— posting…$/);
    // From now on Slack refuses this response_url (expired, used up, or down).
    h.slack.expireResponseUrl(click.responseUrl);

    const moved = await h.slack.waitForCall('chat.postMessage', (c) => c.body.channel === 'D0HOWARD1');
    const final = await h.slack.waitForCall('chat.update', (c) => isFinalCard(c.body as { text?: string }), {
      timeoutMs: 10_000,
    });
    expect(final.body.ts).toBe(moved.reply.body.ts);
    expect(final.body.channel).toBe(moved.reply.body.channel);
    expect(cardText(final)).toMatch(/Posted\*? by <@U0HOWARD1>/);

    const action = await latestAction(h);
    expect(action.state).toBe('succeeded');
    expect(action.slack.directMessage).toMatchObject({ messageTs: moved.reply.body.ts });
    // The refused URL was not used again after the move; the write was sent once.
    const refusedUses = h.slack.responses.filter((r) => r.url === click.responseUrl && !r.accepted);
    expect(refusedUses).toHaveLength(1);
    expect(h.sim.writes()).toHaveLength(1);
  });

  it('says "sent, waiting for Syncro" once the request is on the wire, before Syncro answers', async () => {
    const ticket = h.sim.state.ticketByNumber(32164)!;
    const cmd = await h.command(USERS.howard, 'comment 32164 On the wire');
    const card = await h.slack.waitForResponse((r) => r.url === cmd.responseUrl);
    h.sim.injectFault({ method: 'POST', path: `/tickets/${ticket.id}/comment`, mode: 'hang' });
    const click = await h.click(USERS.howard, ACTION.post, buttonValue(card.body.blocks, ACTION.post)!);
    const posting = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
    expect(textOf(posting.body)).toContain('Posting…');
    await h.sim.waitForRequests(1, (r) => r.method === 'POST');
    const sent = await h.slack.waitForResponse(
      (r) => r.url === click.responseUrl && textOf(r.body).includes('Sent, waiting for Syncro'),
    );
    expect(textOf(sent.body)).toContain('sent, waiting for Syncro');
    // Syncro has not answered yet: nothing says posted.
    expect(isFinalCard(sent.body)).toBe(false);
    h.sim.releaseHangs();
    await h.slack.waitForResponse((r) => r.url === click.responseUrl && isFinalCard(r.body), {
      timeoutMs: 10_000,
    });
    expect(h.sim.writes()).toHaveLength(1);
  });

  it("posts a channel card's outcome as a new message when its message was deleted, and points the row at it", async () => {
    const { card, action } = await proposeBillCard(h, USERS.howard, '32164', undefined, { skipModal: true });
    const deletedTs = action.slack.messageTs!;
    h.slack.respondWith('chat.update', (c) =>
      c.body.ts === deletedTs ? slackError('message_not_found') : undefined,
    );
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const reposted = await h.slack.waitForCall(
      'chat.postMessage',
      (c) => c.body.channel === 'C0TICKETS' && c.seq > card.seq,
    );
    const newTs = String(reposted.reply.body.ts);
    const final = await h.slack.waitForCall(
      'chat.update',
      (c) => c.body.ts === newTs && isFinalCard(c.body as { text?: string }),
      { timeoutMs: 10_000 },
    );
    expect(cardText(final)).toMatch(/posted/i);
    const after = await h.store.get(action.id);
    expect(after?.state).toBe('succeeded');
    expect(after?.slack.messageTs).toBe(newTs);
  });

  it('answers in a DM at debug level when neither the response_url nor an ephemeral message can be used', async () => {
    h.slack.respondWith('chat.postEphemeral', () => slackError('channel_not_found'));
    const responseUrl = h.slack.responseUrl('gone');
    h.slack.expireResponseUrl(responseUrl);
    await slashCommand({
      url: h.eventsUrl,
      secret: SECRET,
      userId: USERS.howard,
      text: 'help',
      responseUrl,
      channelId: 'C0TICKETS',
    });
    const dm = await h.slack.waitForCall('chat.postMessage');
    expect(dm.body.channel).toBe('D0HOWARD1');
    expect(textOf(dm.body as { text?: string })).toContain('/syncro');
    expect(h.logLines.some((l) => l.includes('postEphemeral failed; sending a direct message'))).toBe(true);
  });
});
