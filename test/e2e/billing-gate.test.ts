import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slackError } from '../../src/playground/slack/server.js';
import { appHomeOpened, sendEvent } from '../../src/playground/slack/signer.js';
import { ACTION, VIEW } from '../../src/slack/action-ids.js';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import {
  askBot,
  BASE_YAML,
  billValues,
  buttonValue,
  cardId,
  cardText,
  clickOnCard,
  GOOD_BILL,
  type Harness,
  KEYS,
  lastSeq,
  proposeBillCard,
  SECRET,
  shownPayloads,
  startHarness,
  stepLine,
  textOf,
  USERS,
  viewMetadata,
  waitForCard,
  writeCounts,
} from './harness.js';

/**
 * Issue 16, "Billing policy has one gate, on every path that puts money on a ticket": the policy (approvers,
 * requester_may_post, require_second_person) is decided from the steps a card holds, read at the click, and said in
 * one wording; the charged timer line ends with the labour type's tax; a card that needs an approver is posted
 * where an approver can act (billing.channel).
 */

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T09:02:00Z');
const NUMBER = '32164';
const REMOTE = 1190473;
type Call = Harness['slack']['calls'][number];

function yamlWith(billing: string): string {
  return `${BASE_YAML}billing:\n${billing}`;
}
const APPROVER_ONLY = yamlWith(`  approval: { requester_may_post: false, approvers: [${USERS.approver}] }\n`);

/** The one wording of the rule "an approver, never the requester" (views/press-words.ts). */
const NEVER_REQUESTER =
  /Only a billing approver \(<@U0APPROVE>\), never the technician who asked \(<@U0HOWARD1>\), can post this card\./;

describe('the billing gate', () => {
  let sim: FaultySimulator;
  let dir: string;
  let clock = T0;
  const now = () => clock;
  const open: Harness[] = [];
  const start = async (yaml: string) => {
    const h = await startHarness({ sim, dir, now, keepDir: true, yaml });
    open.push(h);
    return h;
  };

  beforeAll(async () => {
    sim = await startFaultySimulator({
      keys: {
        [KEYS.howard]: { user_id: 1750, user_name: 'Howard Enos' },
        [KEYS.mike]: { user_id: 1735, user_name: 'Michael Swanson' },
      },
      now: () => new Date(clock),
    });
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const fresh = () => {
    sim.reset();
    clock = T0;
    dir = mkdtempSync(join(tmpdir(), 'billing-gate-e2e-'));
  };
  const tid = () => sim.state.ticketByNumber(Number(NUMBER))!.id;

  /** Presses Post as `userId` and returns the private refusal's text; nothing is sent, the card is untouched. */
  async function refusal(h: Harness, card: Call, userId: string): Promise<string> {
    const writes = sim.writes().length;
    const click = await clickOnCard(h, userId, card, ACTION.post);
    const reply = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
    expect(reply.body.replace_original).toBe(false);
    expect(sim.writes()).toHaveLength(writes);
    expect((await h.store.get(cardId(card)))!.state).toBe('proposed');
    return String(reply.body.text);
  }

  async function postAs(h: Harness, card: Call, userId: string): Promise<Call> {
    const since = lastSeq(h);
    await clickOnCard(h, userId, card, ACTION.post);
    return waitForCard(h, /— posted$/, { after: since });
  }

  /** Howard starts and stops a timer (47 min), records it with "Charge it now": the card posted. */
  async function chargedTimerCard(h: Harness, formSays?: string): Promise<Call> {
    await askBot(h, USERS.howard, `timer start ${NUMBER} Nextcloud sync`);
    clock += 47 * MIN;
    const stopped = (await askBot(h, USERS.howard, 'timer stop')).reply;
    const opens = h.slack.callsTo('views.open').length;
    await h.click(USERS.howard, ACTION.timerRecord, buttonValue(stopped.blocks, ACTION.timerRecord)!);
    const form = await h.slack.waitForCall('views.open', undefined, { nth: opens + 1 });
    if (formSays) expect(JSON.stringify(form.body.view)).toContain(formSays);
    const posts = h.slack.callsTo('chat.postMessage').length;
    const res = await h.submit(USERS.howard, VIEW.timerEntry, viewMetadata(form), {
      syncro_labor: { syncro_labor_input: { type: 'static_select', selected_option: { value: 'remote' } } },
      syncro_entry_start: {
        syncro_entry_start_input: { type: 'datetimepicker', selected_date_time: T0 / 1000 },
      },
      syncro_entry_end: {
        syncro_entry_end_input: { type: 'datetimepicker', selected_date_time: (T0 + 47 * MIN) / 1000 },
      },
      syncro_entry_notes: {
        syncro_entry_notes_input: { type: 'plain_text_input', value: 'Re-linked the folder' },
      },
      syncro_entry_charge: {
        syncro_entry_charge_input: { type: 'checkboxes', selected_options: [{ value: 'charge' }] },
      },
    });
    expect(res.body).not.toContain('errors');
    return h.slack.waitForCall('chat.postMessage', undefined, { nth: posts + 1 });
  }

  it('puts a charged timer entry through the same approval as Bill: same card rules, same refusal, approver posts', async () => {
    fresh();
    const h = await start(APPROVER_ONLY);
    const timerCard = await chargedTimerCard(
      h,
      '🔐 With Charge it now, the card needs a billing approver’s Post: it will be posted in this channel.',
    );
    const { card: billCard } = await proposeBillCard(h, USERS.howard, NUMBER);

    // One gate: both cards say the same rule, live as long, and are channel cards.
    for (const card of [timerCard, billCard]) {
      expect(cardText(card)).toContain('🔐 *Needs approval* by <@U0APPROVE>');
      const row = (await h.store.get(cardId(card)))!;
      expect(row.slack.ephemeral).toBe(false);
      expect(row.expiresAt - row.createdAt).toBe(24 * 60 * MIN);
    }
    // The requester cannot post either; an outsider is told the very same rule.
    for (const card of [timerCard, billCard]) {
      expect(await refusal(h, card, USERS.howard)).toMatch(NEVER_REQUESTER);
      expect(await refusal(h, card, USERS.outsider)).toMatch(NEVER_REQUESTER);
    }
    expect(sim.writes()).toEqual([]);

    const done = await postAs(h, timerCard, USERS.approver);
    expect(cardText(done)).toContain('approved by <@U0APPROVE>');
    // Signed with the requester's key, as Bill is.
    expect(new Set(sim.writes().map((w) => w.apiKey))).toEqual(new Set([KEYS.howard]));
  });

  it('ends the charged timer line with the labour type’s tax: shown before Post, read back after', async () => {
    fresh();
    const h = await start(BASE_YAML);
    const card = await chargedTimerCard(h);
    const payloads = shownPayloads(card.body.blocks as unknown[]);
    expect(payloads).toHaveLength(3);
    expect(payloads[2]).toBe(
      JSON.stringify({ ticket_line_item_id: '{charged_line_id}', taxable: false }, null, 2),
    );
    expect(cardText(card)).toContain('`{charged_line_id}` from step 2');

    const done = await postAs(h, card, USERS.howard);
    expect(writeCounts(sim)).toEqual({
      [`POST /tickets/${tid()}/timer_entry`]: 1,
      [`POST /tickets/${tid()}/charge_timer_entry`]: 1,
      [`PUT /tickets/${tid()}/update_line_item`]: 1,
    });
    const lines = sim.state.lineItemsOf(tid()).filter((l) => l.product_id === REMOTE);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.taxable).toBe(false);
    expect(stepLine(done, 3)).toContain('read back: not taxable');
  });

  it('reads the approvers at the click: an approver removed from the configuration (and restarted) cannot post', async () => {
    fresh();
    let h = await start(APPROVER_ONLY);
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER);
    await h.close();
    open.splice(0);

    h = await start(yamlWith(`  approval: { requester_may_post: false, approvers: [${USERS.mike}] }\n`));
    expect(await refusal(h, card, USERS.approver)).toMatch(/Only a billing approver \(<@U0MIKE001>\)/);
    // The new approver finds the card on App Home (the list, too, follows the configuration as it is now).
    await sendEvent({ url: h.eventsUrl, secret: SECRET }, appHomeOpened({ userId: USERS.mike }));
    const home = await h.slack.waitForCall('views.publish', (c) => c.body.user_id === USERS.mike);
    expect(JSON.stringify(home.body.view)).toContain('Waiting for your approval (1)');
    const done = await postAs(h, card, USERS.mike);
    expect(cardText(done)).toContain('approved by <@U0MIKE001>');
  });

  it('never lets the requester post their own billing with requester_may_post: false, even as an approver', async () => {
    fresh();
    const h = await start(
      yamlWith(
        `  approval: { requester_may_post: false, approvers: [${USERS.howard}, ${USERS.approver}] }\n`,
      ),
    );
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER);
    const rule = /Only a billing approver \(<@U0APPROVE>\), never the technician who asked \(<@U0HOWARD1>\)/;
    expect(await refusal(h, card, USERS.howard)).toMatch(rule);
    expect(await refusal(h, card, USERS.outsider)).toMatch(rule);
    await postAs(h, card, USERS.approver);
  });

  describe('where a card that needs an approver goes', () => {
    // Mike approves: he has a Syncro key of his own, so his App Home is read (Home is never read with the shared key).
    const WITH_CHANNEL = yamlWith(
      `  channel: C0BILLING\n  approval: { requester_may_post: false, approvers: [${USERS.mike}] }\n`,
    );

    /** Bill from App Home ("Resolved, not billed" → Bill): a click in the Home view, no channel. */
    async function billFromHome(h: Harness) {
      const opens = h.slack.callsTo('views.open').length;
      await h.click(USERS.howard, ACTION.ticketBill, NUMBER, { container: 'view', view: { id: 'V0HOME' } });
      const opened = await h.slack.waitForCall('views.open', undefined, { nth: opens + 1 });
      const viewId = (opened.reply.body.view as { id: string }).id;
      const filled = await h.slack.waitForCall('views.update', (c) => c.body.view_id === viewId);
      return { opened, filled };
    }

    it('posts a Bill started from App Home in the billing channel, says so on the form, and Home links the approver there', async () => {
      fresh();
      const h = await start(WITH_CHANNEL);
      const { filled } = await billFromHome(h);
      expect(JSON.stringify(filled.body.view)).toContain('<#C0BILLING>');
      const posts = h.slack.callsTo('chat.postMessage').length;
      await h.submit(USERS.howard, VIEW.bill, viewMetadata(filled), billValues(GOOD_BILL));
      const card = await h.slack.waitForCall('chat.postMessage', undefined, { nth: posts + 1 });
      expect(card.body.channel).toBe('C0BILLING');

      // The approver's Home links to that message, which they can open.
      let row = (await h.store.get(cardId(card)))!;
      for (let i = 0; i < 1000 && !row.slack.messageTs; i++) {
        await new Promise<void>((r) => setImmediate(r));
        row = (await h.store.get(cardId(card)))!;
      }
      await sendEvent({ url: h.eventsUrl, secret: SECRET }, appHomeOpened({ userId: USERS.mike }));
      const home = await h.slack.waitForCall('views.publish', (c) => c.body.user_id === USERS.mike);
      const ts = String(card.reply.body.ts).replace('.', '');
      expect(JSON.stringify(home.body.view)).toContain(`https://slack.com/archives/C0BILLING/p${ts}`);

      const done = await postAs(h, card, USERS.mike);
      expect(cardText(done)).toContain('approved by <@U0MIKE001>');
    });

    it('refuses before the card is made when no billing channel is configured, or the bot cannot post there', async () => {
      fresh();
      let h = await start(APPROVER_ONLY);
      const { filled } = await billFromHome(h);
      // Said on the form at once, before anything is typed.
      expect(JSON.stringify(filled.body.view)).toContain('billing.channel');
      expect(await h.actions()).toEqual([]);
      await h.close();
      open.splice(0);

      h = await start(WITH_CHANNEL);
      h.slack.respondWith('chat.postMessage', ({ body }) =>
        body.channel === 'C0BILLING' ? slackError('not_in_channel') : undefined,
      );
      const again = await billFromHome(h);
      const before = lastSeq(h);
      await h.submit(USERS.howard, VIEW.bill, viewMetadata(again.filled), billValues(GOOD_BILL));
      const told = await h.slack.waitFor(
        (evs) => {
          for (const e of evs) {
            if (e.kind !== 'call' || e.call.seq <= before) continue;
            const text = textOf(e.call.body as never);
            if (text.includes('not_in_channel')) return e.call;
          }
          return undefined;
        },
        { description: 'the draft given back' },
      );
      expect(textOf(told.body as never)).toContain('the channel C0BILLING');
      expect((await h.actions()).every((a) => a.state === 'cancelled')).toBe(true);
      expect(sim.writes()).toEqual([]);
    });
  });
});
