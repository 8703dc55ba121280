import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../src/playground/slack/recorder.js';
import { slackError } from '../../src/playground/slack/server.js';
import { appHomeOpened, messageEvent, sendEvent } from '../../src/playground/slack/signer.js';
import { addAppointment } from '../../src/sandbox/routes/appointments.js';
import { ACTION } from '../../src/slack/action-ids.js';
import {
  BASE_YAML,
  buttonValue,
  clickAndSettle,
  type Harness,
  KEYS,
  SECRET,
  startHarness,
  USERS,
} from './harness.js';

/**
 * Syncro → Slack end to end: the composed bot (with `notifications:`) between the Syncro simulator and the Slack
 * fake. The tests drive the notifier's steps (poll, doorbell, publish) instead of its timer.
 */

const CHANNEL = 'C0TICKETS';
const WEBHOOK_SECRET = 'hook-secret-3f9a7c1e';
const YAML = `${BASE_YAML}
notifications:
  poll_seconds: 60
  budget_per_minute: 60
  webhook_secret: { env: SYNCRO_WEBHOOK_SECRET }
`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(opts: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  h = await startHarness({ yaml: YAML, env: { SYNCRO_WEBHOOK_SECRET: WEBHOOK_SECRET }, ...opts });
  return h;
}

function notifier(x: Harness) {
  const n = x.app.notifier;
  if (!n) throw new Error('the notifier is not composed');
  return n;
}

/** A poll then the outbox, as one loop pass would. */
async function cycle(x: Harness) {
  const polled = await notifier(x).feed.poll();
  const published = await notifier(x).publisher.publishDue();
  return { polled, published };
}

const posts = (x: Harness, channel = CHANNEL): RecordedCall[] =>
  x.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);
const text = (c: RecordedCall | undefined) =>
  `${String(c?.body.text ?? '')} ${JSON.stringify(c?.body.blocks ?? [])}`;

function newTicket(x: Harness, over: { subject?: string; user_id?: number | null; customer?: number } = {}) {
  const customer = x.sim.state.customers[over.customer ?? 0]!;
  return x.sim.state.addTicket({
    customer_id: customer.id,
    subject: over.subject ?? 'Printer offline',
    ...(over.user_id !== undefined ? { user_id: over.user_id } : {}),
  });
}

describe('notifications', () => {
  it('takes a silent snapshot on the first run, then posts each event in the ticket thread with its parent kept up to date', async () => {
    const x = await start();
    await x.command(USERS.howard, 'subscribe all new,reply,note,status,assigned,sla');
    const first = await cycle(x);
    expect(first.polled.firstRun).toBe(true);
    expect(first.polled.tickets).toBeGreaterThan(0);
    expect(posts(x)).toEqual([]);

    // new
    const t = newTicket(x);
    await cycle(x);
    expect(posts(x)).toHaveLength(2);
    const [parent, newReply] = posts(x);
    expect(text(parent)).toContain(`#${t.number}`);
    expect(text(parent)).toContain('Printer offline');
    expect(newReply!.body.thread_ts).toBeDefined();
    expect(text(newReply)).toContain('New ticket');
    const parentTs =
      x.slack.callsTo('chat.postMessage')[0] && (await x.store.notifications.parent(CHANNEL, t.id));
    expect(parentTs).toBeDefined();

    // reply (a comment without user_id is the customer's), note, status, assigned, sla — one by one
    x.sim.state.addComment({ ticket_id: t.id, subject: 'Re', body: 'Still broken, please call' });
    await cycle(x);
    x.sim.state.addComment({
      ticket_id: t.id,
      subject: 'Note',
      body: 'Ordered toner',
      user_id: 1735,
      tech: 'Michael Swanson',
      hidden: true,
    });
    await cycle(x);
    x.sim.state.updateTicket(t, { status: 'In Progress' });
    await cycle(x);
    x.sim.state.updateTicket(t, { user_id: 1750 });
    await cycle(x);
    x.sim.state.updateTicket(t, { due_date: new Date(Date.now() - 60_000).toISOString() });
    await cycle(x);
    x.sim.state.updateTicket(t, { status: 'Resolved' });
    await cycle(x);

    const replies = posts(x).slice(1);
    expect(replies.every((c) => c.body.thread_ts === parentTs)).toBe(true);
    const lines = replies.map(text);
    expect(lines[1]).toContain('Still broken, please call');
    expect(lines[2]).toContain('Ordered toner');
    expect(lines[3]).toContain('In Progress');
    expect(lines[4]).toContain('Assigned to');
    expect(lines[5]).toContain('SLA breached');
    expect(lines[6]).toContain('Resolved');
    expect(replies.length).toBe(7);
    // Resolved is also sent to the channel; the others stay in the thread.
    expect(replies.filter((c) => String(c.body.reply_broadcast) === 'true')).toHaveLength(1);
    expect(String(replies[6]!.body.reply_broadcast)).toBe('true');
    // The parent was edited in place to the latest state: the last edit shows Resolved and the customer's reply.
    const edits = x.slack.callsTo('chat.update').filter((c) => c.body.ts === parentTs);
    expect(edits.length).toBe(6);
    expect(text(edits.at(-1))).toContain('Resolved');
    expect(text(edits.at(-1))).toContain('Still broken, please call');
    // Nothing more on a quiet poll.
    await cycle(x);
    expect(posts(x).length).toBe(8);
  });

  it('posts an event once in a channel whose subscriptions overlap', async () => {
    const x = await start();
    await cycle(x);
    const customer = x.sim.state.customers[0]!;
    const name = customer.business_name ?? customer.firstname ?? '';
    await x.command(USERS.howard, 'subscribe all');
    await x.command(USERS.howard, `subscribe customer ${name}`);
    await x.command(USERS.mike, 'subscribe all new,reply');
    newTicket(x);
    await cycle(x);
    expect(posts(x)).toHaveLength(2); // the parent and one reply
    expect((await x.store.notifications.rows({ target: CHANNEL })).length).toBe(1);
  });

  it('turns a burst into one digest message', async () => {
    const x = await start();
    await x.command(USERS.howard, 'subscribe all');
    await cycle(x);
    for (let i = 0; i < 6; i++) newTicket(x, { subject: `Burst ${i}` });
    await cycle(x);
    const p = posts(x);
    expect(p).toHaveLength(1);
    expect(text(p[0])).toContain('6 updates on 6 tickets');
    for (let i = 0; i < 6; i++) expect(text(p[0])).toContain(`Burst ${i}`);
  });

  it('catches up after downtime with one digest per channel', async () => {
    let offset = 0;
    const x = await start({ now: () => Date.now() + offset });
    await x.command(USERS.howard, 'subscribe all');
    await cycle(x);
    newTicket(x, { subject: 'While we were down' });
    offset = 30 * 60_000; // the bot was down for half an hour
    const { polled } = await cycle(x);
    expect(polled.catchUp).toBe(true);
    expect(posts(x)).toHaveLength(1);
    expect(text(posts(x)[0])).toContain('While we were down');
  });

  it('sends DMs for an assignment and a customer reply on one’s ticket, none for one’s own change', async () => {
    const x = await start();
    await cycle(x);
    const t = newTicket(x);
    await cycle(x);
    x.sim.state.updateTicket(t, { user_id: 1750 });
    await cycle(x);
    x.sim.state.addComment({ ticket_id: t.id, subject: 'Re', body: 'Any news?' });
    await cycle(x);
    // Howard's own note on his ticket: no DM (and notes are not DM news anyway).
    x.sim.state.addComment({
      ticket_id: t.id,
      subject: 'n',
      body: 'on it',
      user_id: 1750,
      tech: 'Howard Enos',
    });
    await cycle(x);
    const dms = x.slack.callsTo('chat.postMessage').filter((c) => String(c.body.channel).startsWith('D'));
    expect(dms.map((c) => text(c))).toEqual([
      expect.stringContaining('assigned to you'),
      expect.stringContaining('Any news?'),
    ]);
    expect(x.slack.callsTo('conversations.open').every((c) => c.body.users === USERS.howard)).toBe(true);
  });

  it('does not DM a person about an assignment they made through the bot', async () => {
    const x = await start();
    await cycle(x);
    const t = newTicket(x, { user_id: 1735 });
    await cycle(x);
    // Howard reassigns it to himself with his own key (as an "Assign to me" card would); the audit knows.
    await x.store.appendAudit({
      actionId: 'a-1',
      ticketId: t.id,
      ticketNumber: String(t.number),
      requesterSlackId: USERS.howard,
      syncroUserId: 1750,
      syncroName: 'Howard Enos',
      keyKind: 'own',
      method: 'PUT',
      endpoint: `/tickets/${t.id}`,
      payload: { user_id: 1750 },
      outcome: 'succeeded',
      startedAt: Date.now(),
      finishedAt: Date.now(),
    });
    x.sim.state.updateTicket(t, { user_id: 1750 });
    const { polled } = await cycle(x);
    expect(polled.events.map((e) => [e.kind, e.actorSlackId])).toEqual([['assigned', USERS.howard]]);
    expect(x.slack.callsTo('chat.postMessage').filter((c) => String(c.body.channel).startsWith('D'))).toEqual(
      [],
    );
  });

  it('reads the named ticket when the webhook rings with the right secret; a wrong secret is 404 and reads nothing', async () => {
    let offset = 0;
    const x = await start({ now: () => Date.now() + offset });
    await x.command(USERS.howard, 'subscribe all');
    await cycle(x);
    const t = newTicket(x);
    const port = new URL(x.eventsUrl).port;
    const ticketReads = () => x.sim.requests.filter((r) => r.path.includes('/tickets'));
    const before = ticketReads().length;
    const wrong = await fetch(`http://127.0.0.1:${port}/syncro/webhook/not-the-secret`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'A Ticket was created', attributes: { id: t.id, number: t.number } }),
    });
    expect(wrong.status).toBe(404);
    offset += 5_000;
    await notifier(x).tick();
    expect(ticketReads().length).toBe(before);
    expect(posts(x)).toEqual([]);

    // Syncro's form-encoded body works too; the body's fields are never used, the ticket is read.
    const good = await fetch(`http://127.0.0.1:${port}/syncro/webhook/${WEBHOOK_SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: 'A Ticket was created\nSubject: FAKE',
        link: `https://acme.syncromsp.com/tickets/${t.id}`,
        attributes: { id: t.id, number: t.number, subject: 'not this' },
      }),
    });
    expect(good.status).toBe(200);
    // Debounced: several rings of one ticket are one read.
    await fetch(`http://127.0.0.1:${port}/syncro/webhook/${WEBHOOK_SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `text=A+Ticket+was+created&attributes%5Bid%5D=${t.id}&attributes%5Bnumber%5D=${t.number}`,
    });
    offset += 5_000;
    const n = notifier(x);
    // The doorbell alone: no poll is due (the next is a minute away on this clock).
    await n.tick();
    const reads = ticketReads().slice(before);
    expect(reads.map((r) => r.path)).toEqual([expect.stringMatching(new RegExp(`/tickets/${t.id}$`))]);
    expect(posts(x)).toHaveLength(2);
    expect(text(posts(x)[0])).toContain('Printer offline');
    expect(text(posts(x)[0])).not.toContain('not this');
    // The secret in the URL never reaches a log line.
    expect(x.logLines.filter((l) => l.includes(WEBHOOK_SECRET))).toEqual([]);
  });

  it('posts an event queued before a crash exactly once after the restart', async () => {
    const x = await start({ keepDir: true });
    await x.command(USERS.howard, 'subscribe all');
    await cycle(x);
    newTicket(x);
    // The poll commits snapshot + cursor + outbox row; the process dies before posting.
    await notifier(x).feed.poll();
    const dir = x.dir;
    const sim = x.sim;
    await x.app.stop(0);
    await x.slack.close();
    h = await startHarness({ yaml: YAML, env: { SYNCRO_WEBHOOK_SECRET: WEBHOOK_SECRET }, dir, sim });
    const y = h;
    await cycle(y);
    await cycle(y);
    expect(posts(y)).toHaveLength(2);
    await sim.close();
  });

  it('retries a Slack failure with backoff and tells the subscriber, never dropping the event', async () => {
    let offset = 0;
    const x = await start({ now: () => Date.now() + offset });
    await x.command(USERS.howard, 'subscribe all');
    await cycle(x);
    newTicket(x);
    x.slack.respondWith('chat.postMessage', ({ body }) =>
      body.channel === CHANNEL ? slackError('not_in_channel') : undefined,
    );
    const { published } = await cycle(x);
    expect(published.retried).toBe(1);
    const dm = x.slack.callsTo('chat.postMessage').find((c) => String(c.body.channel).startsWith('D'));
    expect(String(dm?.body.text)).toContain('not_in_channel');
    const problems = await x.store.notifications.problems(CHANNEL, 5);
    expect(problems.map((r) => r.error)).toEqual(['not_in_channel']);
    x.slack.respondWith('chat.postMessage', () => undefined);
    offset += 60_000;
    await notifier(x).publisher.publishDue();
    expect(posts(x).filter((c) => c.body.thread_ts !== undefined)).toHaveLength(1);
    expect(KEYS.howard).toBeDefined();
  });

  it('assigns a ticket to the clicker from its parent message, through the usual card (PUT user_id, read back)', async () => {
    const x = await start();
    await x.command(USERS.howard, 'subscribe all');
    await cycle(x);
    const t = newTicket(x, { user_id: 1735 });
    await cycle(x);
    const parent = posts(x)[0]!;
    expect(buttonValue(parent.body.blocks as unknown[], ACTION.notifyAssignMe)).toBe(String(t.number));
    const click = await x.click(USERS.howard, ACTION.notifyAssignMe, String(t.number), {
      channelId: CHANNEL,
    });
    const card = await x.slack.waitForResponse(
      (r) => r.url === click.responseUrl && /Assign/.test(r.body.text ?? ''),
    );
    expect(x.sim.writes()).toEqual([]); // nothing before Post
    expect(JSON.stringify(card.body.blocks)).toContain('user_id');
    const done = await clickAndSettle(
      x,
      USERS.howard,
      ACTION.post,
      buttonValue(card.body.blocks, ACTION.post)!,
    );
    expect(done.card.text).toMatch(/posted/);
    expect(x.sim.writes().map((w) => `${w.method} ${w.path} ${JSON.stringify(w.body)}`)).toEqual([
      `PUT /tickets/${t.id} {"user_id":1750}`,
    ]);
    expect(x.sim.state.ticket(t.id)?.user_id).toBe(1750);
    // The feed sees the assignment: in the thread "by @howard in Slack", and no DM to Howard about his own act.
    const { polled } = await cycle(x);
    expect(polled.events.map((e) => [e.kind, e.actorSlackId])).toEqual([['assigned', USERS.howard]]);
    expect(
      x.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === `D${USERS.howard.slice(1)}`),
    ).toEqual([]);
  });

  it('shows a write made through the bot in the ticket thread without waiting for the next poll', async () => {
    let offset = 0;
    const x = await start({ now: () => Date.now() + offset });
    await x.command(USERS.howard, 'subscribe all new,reply,status,assigned');
    await cycle(x);
    const t = newTicket(x, { user_id: 1735 });
    await cycle(x);
    const parent = posts(x)[0]!;
    const click = await x.click(USERS.howard, ACTION.notifyAssignMe, String(t.number), {
      channelId: CHANNEL,
    });
    const card = await x.slack.waitForResponse(
      (r) => r.url === click.responseUrl && /Assign/.test(r.body.text ?? ''),
    );
    const queued = x.waitForLog(
      (l) => l.msg === 'notifications: a ticket written through the bot is read next',
    );
    await clickAndSettle(x, USERS.howard, ACTION.post, buttonValue(card.body.blocks, ACTION.post)!);
    expect((await queued).ticketId).toBe(t.id);
    const readsBefore = x.sim.requests.filter((r) => r.path.endsWith(`/tickets/${t.id}`)).length;
    // Past the doorbell's quiet time, well before the next poll: the written ticket is read, as if Syncro rang.
    offset += 5_000;
    await notifier(x).tick();
    expect(x.sim.requests.filter((r) => r.path.endsWith(`/tickets/${t.id}`)).length).toBeGreaterThan(
      readsBefore,
    );
    const threadReplies = posts(x).filter((c) => c.body.thread_ts === parent.reply.body.ts);
    expect(threadReplies.map(text).join('\n')).toMatch(/assigned/i);
  });

  it('offers a reply in a ticket thread as a comment: the offer, the card, one comment', async () => {
    const x = await start();
    await x.command(USERS.howard, 'subscribe all');
    await cycle(x);
    const t = newTicket(x);
    await cycle(x);
    const parentTs = (await x.store.notifications.parent(CHANNEL, t.id))!;
    await sendEvent(
      { url: x.eventsUrl, secret: SECRET },
      messageEvent({
        channelId: CHANNEL,
        userId: USERS.howard,
        text: 'Called them, toner on its way',
        ts: '1900000000.000100',
        threadTs: parentTs,
      }),
    );
    const offer = await x.slack.waitForCall('chat.postEphemeral');
    expect(offer.body.user).toBe(USERS.howard);
    expect(offer.body.thread_ts).toBe(parentTs);
    const value = buttonValue(offer.body.blocks as unknown[], ACTION.notifyThreadComment)!;
    const click = await x.click(USERS.howard, ACTION.notifyThreadComment, value, { channelId: CHANNEL });
    const card = await x.slack.waitForResponse(
      (r) => r.url === click.responseUrl && /omment/.test(r.body.text ?? ''),
    );
    expect(x.sim.writes()).toEqual([]);
    await clickAndSettle(x, USERS.howard, ACTION.post, buttonValue(card.body.blocks, ACTION.post)!);
    const comments = x.sim.writes().filter((w) => w.path.endsWith('/comment'));
    expect(comments).toHaveLength(1);
    expect(JSON.stringify(comments[0]!.body)).toContain('Called them, toner on its way');
    // A reply outside a notification thread, or by a bot, gets no offer.
    await sendEvent(
      { url: x.eventsUrl, secret: SECRET },
      messageEvent({
        channelId: CHANNEL,
        userId: USERS.howard,
        text: 'elsewhere',
        ts: '1900000000.000200',
        threadTs: '1800000000.000001',
      }),
    );
    await x.command(USERS.howard, 'subscriptions'); // a request after the event, so the event was handled
    expect(x.slack.callsTo('chat.postEphemeral')).toHaveLength(1);
  });

  it('reminds a technician of an appointment once, read with their own key, naming its ticket by number', async () => {
    const x = await start();
    await cycle(x);
    const ticket = x.sim.state
      .ticketsNewestFirst()
      .find((t) => t.status !== 'Resolved' && t.status !== 'Closed')!;
    addAppointment(x.sim.state, {
      summary: 'Onsite: Dataforth server',
      description: null,
      start_at: new Date(Date.now() + 10 * 60_000).toISOString(),
      end_at: new Date(Date.now() + 70 * 60_000).toISOString(),
      customer_id: null,
      ticket_id: ticket.id,
      location: 'Tucson',
      user_id: 1750,
    });
    for (let i = 0; i < 6; i++) await notifier(x).tick();
    const reads = x.sim.requests.filter((r) => r.path.includes('/appointments'));
    expect(reads.length).toBeGreaterThan(0);
    const dms = x.slack
      .callsTo('chat.postMessage')
      .filter((c) => String(c.body.text).includes('Appointment soon'));
    expect(dms).toHaveLength(1);
    expect(text(dms[0])).toContain('Onsite: Dataforth server');
    // The ticket by its number (from the feed's snapshot), never its id or a bare "ticket".
    expect(text(dms[0])).toContain(`/tickets/${ticket.id}|#${ticket.number}>`);
    expect(x.slack.callsTo('conversations.open').map((c) => c.body.users)).toContain(USERS.howard);
  });

  it('lets a person turn a DM kind off on App Home, and then sends none of that kind', async () => {
    const x = await start();
    await cycle(x);
    await sendEvent({ url: x.eventsUrl, secret: SECRET }, appHomeOpened({ userId: USERS.howard }));
    const home = await x.slack.waitForCall('views.publish', (c) => c.body.user_id === USERS.howard);
    const view = home.body.view as { blocks: unknown[] };
    expect(JSON.stringify(view.blocks)).toContain('Notifications by DM');
    await x.click(USERS.howard, ACTION.notifyToggle, 'assigned', {
      container: 'view',
      view: { id: 'V1', type: 'home', blocks: view.blocks },
      responseUrl: undefined,
    });
    const after = await x.slack.waitForCall('views.publish', (c) => c.body.user_id === USERS.howard, {
      nth: 2,
    });
    expect(JSON.stringify(after.body.view)).toContain('🔕 Assigned to me');
    expect(await x.store.notifications.prefs(USERS.howard)).toEqual({ off: ['assigned'] });
    const t = newTicket(x);
    await cycle(x);
    x.sim.state.updateTicket(t, { user_id: 1750 });
    await cycle(x);
    expect(x.slack.callsTo('chat.postMessage').filter((c) => String(c.body.channel).startsWith('D'))).toEqual(
      [],
    );
  });
});
