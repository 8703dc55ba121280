import { afterEach, describe, expect, it } from 'vitest';
import { appHomeOpened, sendEvent } from '../../src/playground/slack/signer.js';
import { ACTION } from '../../src/slack/action-ids.js';
import { HOME_FRESH_MS } from '../../src/slack/home/home.js';
import {
  askBot,
  BASE_YAML,
  buttonValue,
  clickAndSettle,
  type Harness,
  proposeBillCard,
  SECRET,
  startHarness,
  USERS,
} from './harness.js';

/**
 * App Home (issue 12 item 1), end to end: `app_home_opened` through the signed receiver, read with the person's
 * own key from the Syncro simulator and the bot's store, published with views.publish to the Slack fake.
 */

type Call = Harness['slack']['calls'][number];
type Block = {
  type: string;
  text?: { text?: string };
  accessory?: { action_id?: string; value?: string; url?: string };
};

const YAML = `${BASE_YAML}billing:\n  approval: { approvers: [${USERS.howard}] }\n`;

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Opens the Home tab as `userId` and resolves with the nth views.publish for them. */
async function openHome(userId: string, nth: number): Promise<Call> {
  const res = await sendEvent({ url: h.eventsUrl, secret: SECRET }, appHomeOpened({ userId }));
  expect(res.status).toBe(200);
  return h.slack.waitForCall('views.publish', (c) => c.body.user_id === userId, { nth });
}

function blocksOf(call: Call): Block[] {
  const view = call.body.view as { type: string; blocks: Block[] };
  expect(view.type).toBe('home');
  return view.blocks;
}

function textOfHome(call: Call): string {
  return blocksOf(call)
    .map((b) => b.text?.text ?? JSON.stringify(b))
    .join('\n');
}

/** The blocks of one section of Home: from its header to the next divider. */
function sectionOf(call: Call, title: RegExp): Block[] {
  const blocks = blocksOf(call);
  const start = blocks.findIndex((b) => b.type === 'header' && title.test(b.text?.text ?? ''));
  expect(start, `no section ${title}`).toBeGreaterThanOrEqual(0);
  const end = blocks.findIndex((b, i) => i > start && b.type === 'divider');
  return blocks.slice(start + 1, end < 0 ? undefined : end);
}

const syncroCalls = () => h.sim.requests.length;

describe('App Home', () => {
  it('shows a mapped person their timers, open tickets, approvals, writes and resolved-not-billed tickets', async () => {
    let now = Date.now();
    h = await startHarness({ yaml: YAML, now: () => now });
    const ticketUrl = (number: number) => `${h.sim.webUrl}/tickets/${h.sim.state.ticketByNumber(number)!.id}`;

    // A running timer, a write of Howard's, and Mike's bill card that Howard may approve.
    expect((await askBot(h, USERS.howard, 'timer start 32163 Checking the backups')).status).toBe(200);
    const cmd = await h.command(USERS.howard, 'create Dataforth Recalibrate the bench scope');
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    await clickAndSettle(h, USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    const created = h.sim.state.tickets.find((t) => t.subject === 'Recalibrate the bench scope')!;
    const { card: billCard } = await proposeBillCard(h, USERS.mike, '32164');

    const before = syncroCalls();
    const home = await openHome(USERS.howard, 1);
    expect(blocksOf(home).length).toBeLessThanOrEqual(99);
    const homeReads = h.sim.requests.slice(before);
    // The budget: three list calls with Howard's own key (the lists carry the line items).
    expect(homeReads.map((r) => `${r.method} ${r.path} ${r.query.status}`).sort()).toEqual([
      'GET /tickets Closed',
      'GET /tickets Not Closed',
      'GET /tickets Resolved',
    ]);
    for (const r of homeReads) expect(r.query.mine).toBe('true');
    expect(new Set(homeReads.map((r) => r.apiKey))).toEqual(new Set(['sk_live_HOWARD_9f8e7d6c5b4a']));

    const timers = sectionOf(home, /Running timers \(1\)/);
    expect(timers[0]!.text!.text).toContain(`<${ticketUrl(32163)}|#32163>`);
    expect(timers[0]!.text!.text).toContain('Checking the backups');
    expect(timers[0]!.accessory).toMatchObject({ action_id: ACTION.timerStop, value: '32163' });

    const open = sectionOf(home, /My open tickets/);
    const openText = JSON.stringify(open);
    for (const n of [32155, 32163, created.number]) expect(openText).toContain(`<${ticketUrl(n)}|#${n}>`);
    expect(openText).not.toContain('#32164'); // Mike's
    const row32163 = open.find((b) => b.text?.text?.includes('#32163>'))!;
    expect(row32163.accessory).toMatchObject({ action_id: ACTION.timerStop, value: '32163' });
    const row32155 = open.find((b) => b.text?.text?.includes('#32155>'))!;
    expect(row32155.accessory).toMatchObject({ action_id: ACTION.timerStart, value: '32155' });

    const approvals = sectionOf(home, /Waiting for your approval \(1\)/);
    expect(approvals[0]!.text!.text).toContain('Bill #32164');
    expect(approvals[0]!.text!.text).toContain(`<@${USERS.mike}>`);
    expect(approvals[0]!.text!.text).toContain(`<${ticketUrl(32164)}|#32164>`);
    const ts = String(billCard.reply.body.ts);
    expect(approvals[0]!.accessory!.url).toBe(
      `https://slack.com/archives/${String(billCard.reply.body.channel)}/p${ts.replace('.', '')}`,
    );

    const writes = JSON.stringify(sectionOf(home, /My recent writes/));
    expect(writes).toContain('Ticket created');
    expect(writes).toContain(`${h.sim.webUrl}/tickets/${created.id}`);
    // Named by its number, read from the card's row, never by Syncro's internal id (issue 16, item 14).
    expect(writes).toContain(`/tickets/${created.id}|#${created.number}>`);
    expect(writes).not.toContain(`|#${created.id}>`);

    const unbilled = sectionOf(home, /Resolved, not billed \(1\)/);
    expect(unbilled[0]!.text!.text).toContain(`<${ticketUrl(32158)}|#32158>`);
    expect(unbilled[0]!.text!.text).toContain('Closed');
    expect(unbilled[0]!.accessory).toMatchObject({ action_id: ACTION.ticketBill, value: '32158' });

    // Opened again within the freshness: published again (timers from the store are current), no Syncro call.
    const calls = syncroCalls();
    now += HOME_FRESH_MS - 1_000;
    const again = await openHome(USERS.howard, 2);
    expect(syncroCalls()).toBe(calls);
    expect(sectionOf(again, /My open tickets/)).toEqual(open);

    // Past the freshness, Syncro is read again.
    now += 2_000;
    await openHome(USERS.howard, 3);
    expect(syncroCalls()).toBe(calls + 3);
  });

  it('draws Home again after Stop on it, without reading Syncro again', async () => {
    h = await startHarness();
    expect((await askBot(h, USERS.howard, 'timer start 32163')).status).toBe(200);
    const home = await openHome(USERS.howard, 1);
    const stop = sectionOf(home, /Running timers \(1\)/)[0]!.accessory!;
    const lists = () => h.sim.requests.filter((r) => r.path === '/tickets' && r.query.mine === 'true').length;
    const listed = lists();
    const view = home.reply.body.view as { id: string; blocks: unknown[] };
    await h.click(USERS.howard, ACTION.timerStop, stop.value!, {
      container: 'view',
      view: { id: view.id, type: 'home', blocks: view.blocks },
      responseUrl: undefined,
    });
    const after = await h.slack.waitForCall('views.publish', (c) => c.body.user_id === USERS.howard, {
      nth: 2,
    });
    expect(sectionOf(after, /Running timers \(0\)/)[0]!.text!.text).toContain('No timer running');
    const row = sectionOf(after, /My open tickets/).find((b) => b.text?.text?.includes('#32163>'))!;
    expect(row.accessory).toMatchObject({ action_id: ACTION.timerStart, value: '32163' });
    expect(await h.store.timers.listFor(USERS.howard)).toEqual([]);
    expect(lists()).toBe(listed);
  });

  it('tells a person who is not set up how to connect, and reads nothing from Syncro', async () => {
    h = await startHarness();
    const before = syncroCalls();
    const home = await openHome(USERS.outsider, 1);
    const text = textOfHome(home);
    expect(text).toContain('You are not connected to Syncro yet');
    // This bot has no `enrolment:`: there is no /syncro connect to run, only an admin to ask.
    expect(text).not.toContain('/syncro connect');
    expect(text).toContain('Ask your admin');
    expect(text).toContain(USERS.outsider);
    expect(syncroCalls()).toBe(before);
  });

  it('does not read with the shared key for a person without a key of their own', async () => {
    h = await startHarness();
    const before = syncroCalls();
    const home = await openHome(USERS.winter, 1);
    expect(textOfHome(home)).toContain('You have no Syncro key of your own yet');
    expect(textOfHome(home)).not.toContain('/syncro connect');
    expect(syncroCalls()).toBe(before);
  });

  it('offers the Connect button where /syncro connect is turned on', async () => {
    h = await startHarness({
      yaml: `${BASE_YAML}\nenrolment: { storage: store }\n`,
      env: { KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') },
    });
    const home = await openHome(USERS.outsider, 1);
    const connect = blocksOf(home).find((b) => b.accessory?.action_id === ACTION.connectOpen);
    expect(connect?.text?.text).toContain('Run `/syncro connect`');
  });

  it.each([
    { state: 'pending' as const, words: 'Your Syncro key is waiting for an admin’s approval' },
    { state: 'stale' as const, words: 'Syncro no longer accepts the key you connected' },
  ])('says so when the key a person connected is $state, and reads nothing', async ({ state, words }) => {
    h = await startHarness({
      yaml: `${BASE_YAML}\nenrolment: { storage: store }\n`,
      env: { KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') },
    });
    await h.store.enrolments.put({
      slackUserId: USERS.winter,
      syncroUserId: 1737,
      syncroName: 'Winter Example',
      storage: 'store',
      ciphertext: 'v1.unused',
      state,
      requestedAt: 1,
      ...(state === 'stale' ? { staleAt: 2 } : {}),
      updatedAt: 2,
    });
    const before = syncroCalls();
    const home = await openHome(USERS.winter, 1);
    expect(textOfHome(home)).toContain(words);
    expect(syncroCalls()).toBe(before);
  });

  it('publishes nothing when the Messages tab is opened', async () => {
    h = await startHarness();
    await sendEvent(
      { url: h.eventsUrl, secret: SECRET },
      appHomeOpened({ userId: USERS.howard, tab: 'messages' }),
    );
    // The Home tab afterwards is the first publish: the Messages tab published nothing before it.
    const home = await openHome(USERS.howard, 1);
    expect(h.slack.callsTo('views.publish')).toEqual([home]);
  });
});
