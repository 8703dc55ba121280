import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../src/slack/action-ids.js';
import { type FaultMode, type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import {
  askBot,
  buttonValue,
  cardText,
  clickOnCard,
  type Harness,
  KEYS,
  lastSeq,
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
 * "Record a timer entry" on a stopped timer, through the signed receiver: the form, the card with both payloads,
 * and Post, which sends `timer_entry` and (when asked) `charge_timer_entry` exactly once each, whatever the
 * clicks and faults. The charged line is read back and its price shown; an uncharged entry's card says that
 * Make Invoice will not take it. Nothing reaches Syncro before Post.
 */

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T09:02:00Z');
const NUMBER = '32164';
const REMOTE = 1190473; // Labor - Remote Business, $150.00/h in the simulator

describe('timer entries', () => {
  let sim: FaultySimulator;
  let dir: string;
  let clock = T0;
  const now = () => clock;
  const open: Harness[] = [];
  const start = async (opts: { timeoutMs?: number } = {}) => {
    const h = await startHarness({ sim, dir, now, keepDir: true, ...opts });
    open.push(h);
    return h;
  };

  beforeAll(async () => {
    // Syncro's clock is the bot's: created_at of what Post writes is compared with when it was sent.
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
    dir = mkdtempSync(join(tmpdir(), 'timer-entries-e2e-'));
  };
  const tid = () => sim.state.ticketByNumber(Number(NUMBER))!.id;

  /** Starts a timer on #32164, lets `minutes` pass and stops it: the stopped message's reply. */
  async function stoppedTimer(h: Harness, minutes = 47) {
    await askBot(h, USERS.howard, `timer start ${NUMBER} Nextcloud sync`);
    clock += minutes * MIN;
    const stopped = await askBot(h, USERS.howard, 'timer stop');
    return stopped.reply;
  }

  /** Clicks "Record a timer entry" and returns the form Slack was asked to open. */
  async function openForm(h: Harness, stopped: { blocks?: unknown[] }) {
    const before = h.slack.callsTo('views.open').length;
    const value = buttonValue(stopped.blocks, ACTION.timerRecord);
    expect(value).toBeDefined();
    await h.click(USERS.howard, ACTION.timerRecord, value!);
    return h.slack.waitForCall('views.open', undefined, { nth: before + 1 });
  }

  function entryValues(f: {
    labor?: string;
    start?: number;
    end?: number;
    notes?: string;
    charge?: boolean;
  }) {
    return {
      syncro_labor: {
        syncro_labor_input: {
          type: 'static_select',
          selected_option: f.labor === undefined ? null : { value: f.labor },
        },
      },
      syncro_entry_start: {
        syncro_entry_start_input: { type: 'datetimepicker', selected_date_time: (f.start ?? T0) / 1000 },
      },
      syncro_entry_end: {
        syncro_entry_end_input: {
          type: 'datetimepicker',
          selected_date_time: (f.end ?? T0 + 47 * MIN) / 1000,
        },
      },
      syncro_entry_notes: { syncro_entry_notes_input: { type: 'plain_text_input', value: f.notes ?? null } },
      syncro_entry_charge: {
        syncro_entry_charge_input: {
          type: 'checkboxes',
          selected_options: f.charge ? [{ value: 'charge' }] : [],
        },
      },
    };
  }

  const GOOD = { labor: 'remote', notes: 'Re-linked the Nextcloud shared folder', charge: true };

  /** Submits the form and waits for the card posted in the channel. */
  async function submitForm(
    h: Harness,
    form: Parameters<typeof viewMetadata>[0],
    values = entryValues(GOOD),
  ) {
    const before = h.slack.callsTo('chat.postMessage').length;
    const res = await h.submit(USERS.howard, VIEW.timerEntry, viewMetadata(form), values);
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('errors');
    return h.slack.waitForCall('chat.postMessage', undefined, { nth: before + 1 });
  }

  const entries = () => sim.state.timersOf(tid());
  const chargedLines = () =>
    sim.state.lineItemsOf(tid()).filter((l) => l.product_id === REMOTE && Number(l.quantity) > 0.78);

  it('should record and charge a stopped timer once, kept across a restart, and show the charged price', async () => {
    fresh();
    const first = await start();
    await askBot(first, USERS.howard, `timer start ${NUMBER} Nextcloud sync`);
    await first.close();
    open.splice(0);

    clock += 47 * MIN;
    const h = await start();
    const stopped = (await askBot(h, USERS.howard, 'timer stop')).reply;
    expect(textOf(stopped)).toContain('*47 min* measured');
    expect(buttonValue(stopped.blocks, ACTION.timerBill)).toBeDefined();

    const form = await openForm(h, stopped);
    const view = JSON.stringify(form.body.view);
    // The timer's start and end fill the (editable) pickers; the labour type is never assumed.
    expect(view).toContain(`"initial_date_time":${T0 / 1000}`);
    expect(view).toContain(`"initial_date_time":${(T0 + 47 * MIN) / 1000}`);
    expect(view).not.toContain('initial_option');

    // The labour type is required.
    const refused = await h.submit(USERS.howard, VIEW.timerEntry, viewMetadata(form), entryValues({}));
    expect(refused.body).toContain('syncro_labor');

    const card = await submitForm(h, form);
    const text = cardText(card);
    expect(text).toContain('Timer entry on #32164: 47 min Remote');
    expect(text).toContain('Labor - Remote Business at $150.00/h');
    expect(shownPayloads(card.body.blocks as unknown[])).toEqual([
      JSON.stringify(
        {
          start_at: '2026-12-01T09:02:00.000Z',
          end_at: '2026-12-01T09:49:00.000Z',
          notes: GOOD.notes,
          product_id: REMOTE,
          user_id: 1750,
          billable: true,
        },
        null,
        2,
      ),
      JSON.stringify({ timer_entry_id: '{timer_entry_id}' }, null, 2),
      // Issue 16: the charged line ends with the labour type's tax (Syncro does not take it from the product).
      JSON.stringify({ ticket_line_item_id: '{charged_line_id}', taxable: false }, null, 2),
    ]);
    expect(text).toContain('`{timer_entry_id}` from step 1');
    expect(sim.writes()).toEqual([]);

    // A double click on Post: one claim wins; each step is sent once.
    const since = lastSeq(h);
    await Promise.all([
      clickOnCard(h, USERS.howard, card, ACTION.post),
      clickOnCard(h, USERS.howard, card, ACTION.post),
    ]);
    const done = await waitForCard(h, /— posted$/, { after: since });
    expect(writeCounts(sim)).toEqual({
      [`POST /tickets/${tid()}/timer_entry`]: 1,
      [`POST /tickets/${tid()}/charge_timer_entry`]: 1,
      [`PUT /tickets/${tid()}/update_line_item`]: 1,
    });
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).toMatchObject({
      recorded: true,
      user_id: 1750,
      product_id: REMOTE,
      notes: GOOD.notes,
    });
    expect(chargedLines()).toHaveLength(1);
    // The audit log keeps what was sent: the charge names the entry step 1 created.
    const audit = await h.store.listAudit(tid(), 10);
    expect(audit.map((e) => [e.endpoint, e.payload?.timer_entry_id])).toEqual(
      expect.arrayContaining([[`/tickets/${tid()}/charge_timer_entry`, entries()[0]!.id]]),
    );
    // 47 min = 0.7833 h at $150.00/h, as Syncro priced the line.
    expect(stepLine(done, 2)).toContain(
      'charged: line item Labor - Remote Business 0.7833 h × $150.00 = $117.50',
    );

    // Once posted, the stopped timer's buttons are gone: a click on either says so and sends nothing.
    const again = await h.click(
      USERS.howard,
      ACTION.timerRecord,
      buttonValue(stopped.blocks, ACTION.timerRecord)!,
    );
    const redrawn = await h.slack.waitForResponse(
      (r) => r.url === again.responseUrl && r.body.replace_original === true,
    );
    expect(textOf(redrawn.body)).toContain('its time was posted to Syncro from a card');
    expect(JSON.stringify(redrawn.body.blocks)).not.toContain(ACTION.timerRecord);
    const bill = await h.click(
      USERS.howard,
      ACTION.timerBill,
      buttonValue(stopped.blocks, ACTION.timerBill)!,
    );
    const note = await h.slack.waitForResponse(
      (r) => r.url === bill.responseUrl && r.body.replace_original === false,
    );
    expect(textOf(note.body)).toContain('already posted to Syncro');
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
    expect(writeCounts(sim)[`POST /tickets/${tid()}/timer_entry`]).toBe(1);
  });

  it('should turn the form into the error at once when the timer’s ticket is gone (issue 16, item 16)', async () => {
    fresh();
    const h = await start();
    const stopped = await stoppedTimer(h);
    // The ticket is deleted in Syncro between the stop and the click.
    const gone = sim.state.tickets.findIndex((t) => t.id === tid());
    sim.state.tickets.splice(gone, 1);
    const opened = await openForm(h, stopped);
    const viewId = (opened.reply.body.view as { id: string }).id;
    const updated = await h.slack.waitForCall('views.update', (c) => c.body.view_id === viewId);
    const view = updated.body.view as { blocks: Array<{ type: string }>; submit?: unknown };
    expect(view.blocks.filter((b) => b.type === 'input')).toEqual([]);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('No such ticket');
    expect(sim.writes()).toHaveLength(0);
  });

  it('should make one card of two forms submitted for the same stopped timer', async () => {
    fresh();
    const h = await start();
    const stopped = await stoppedTimer(h);
    const [a, b] = [await openForm(h, stopped), await openForm(h, stopped)];
    const card = await submitForm(h, a);
    const before = h.slack.callsTo('chat.postMessage').length;
    await h.submit(USERS.howard, VIEW.timerEntry, viewMetadata(b), entryValues(GOOD));
    const told = await h.slack.waitForCall('chat.postEphemeral', (c) =>
      String(c.body.text ?? '').includes('already waiting for Post'),
    );
    expect(told).toBeDefined();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(before);
    expect(await h.actions()).toHaveLength(1);

    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    await waitForCard(h, /— posted$/, { after: since });
    expect(entries()).toHaveLength(1);
    expect(chargedLines()).toHaveLength(1);
  });

  it('should say on the card that Make Invoice does not take an entry that is not charged', async () => {
    fresh();
    const h = await start();
    const card = await submitForm(
      h,
      await openForm(h, await stoppedTimer(h)),
      entryValues({ ...GOOD, charge: false }),
    );
    expect(cardText(card)).toContain('Make Invoice does not take uncharged timer entries');
    expect(shownPayloads(card.body.blocks as unknown[])).toHaveLength(1);
    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const done = await waitForCard(h, /— posted$/, { after: since });
    expect(cardText(done)).toContain('Make Invoice does not take uncharged timer entries');
    expect(writeCounts(sim)).toEqual({ [`POST /tickets/${tid()}/timer_entry`]: 1 });
    expect(entries()).toMatchObject([{ recorded: false }]);
    expect(chargedLines()).toHaveLength(0);
  });

  it('should not send a stopped timer again from a new card after a card whose request Syncro stored late', async () => {
    fresh();
    const h = await start();
    const stopped = await stoppedTimer(h);
    const card = await submitForm(h, await openForm(h, stopped), entryValues({ ...GOOD, charge: false }));
    // Syncro answers 500 without storing, the read-back finds nothing, then the request lands after all.
    sim.injectFault({
      method: 'POST',
      path: `/tickets/${tid()}/timer_entry`,
      mode: 'status_500',
      when: 'late',
    });
    let since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const absent = await waitForCard(h, /— not posted$/, { after: since });
    sim.commitLate();
    expect(entries()).toHaveLength(1);
    since = lastSeq(h);
    await clickOnCard(h, USERS.howard, absent, ACTION.cancel);
    await waitForCard(h, /cancelled/, { after: since });

    // The timer is not freed for a new card: its time may already be in Syncro (it is).
    const value = buttonValue(stopped.blocks, ACTION.timerRecord)!;
    const opens = h.slack.callsTo('views.open').length;
    await h.click(USERS.howard, ACTION.timerRecord, value);
    const told = await h.slack.waitForResponse((r) =>
      /Syncro did not show it; it may still appear/.test(r.body.text ?? ''),
    );
    expect(told.body.text).toContain('/syncro bill 32164');
    expect(h.slack.callsTo('views.open')).toHaveLength(opens);
    expect(writeCounts(sim)).toEqual({ [`POST /tickets/${tid()}/timer_entry`]: 1 });
    expect(entries()).toHaveLength(1);
  });

  it('should refuse to send a timer entry Syncro already holds for the same time, and say so', async () => {
    fresh();
    const h = await start();
    const card = await submitForm(
      h,
      await openForm(h, await stoppedTimer(h)),
      entryValues({ ...GOOD, charge: false }),
    );
    // Someone recorded the same time in Syncro's own screens after the card was drawn.
    sim.state.addTimer({
      ticket_id: tid(),
      user_id: 1750,
      start_time: new Date(T0).toISOString(),
      end_time: new Date(T0 + 47 * MIN).toISOString(),
      notes: GOOD.notes,
      product_id: REMOTE,
    });
    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const refused = await waitForCard(h, /— not posted$/, { after: since });
    expect(cardText(refused)).toContain("This timer's time is already a timer entry in Syncro");
    expect(writeCounts(sim)).toEqual({});
    expect(entries()).toHaveLength(1);
  });

  it('should set the charged line’s tax when reading the ticket right after the charge failed', async () => {
    fresh();
    const h = await start();
    const card = await submitForm(h, await openForm(h, await stoppedTimer(h)));
    // The charge is stored and answered; the read of the ticket that follows (for the line) fails.
    sim.injectFault({
      method: 'GET',
      path: `/tickets/${tid()}`,
      mode: 'status_404',
      after: { method: 'POST', path: `/tickets/${tid()}/charge_timer_entry` },
    });
    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    // The tax step finds the charged line itself, sets its tax and reads it back.
    const done = await waitForCard(h, /— posted$/, { after: since });
    expect(stepLine(done, 3)).toContain('read back: not taxable');
    expect(writeCounts(sim)).toEqual({
      [`POST /tickets/${tid()}/timer_entry`]: 1,
      [`POST /tickets/${tid()}/charge_timer_entry`]: 1,
      [`PUT /tickets/${tid()}/update_line_item`]: 1,
    });
    expect(chargedLines()).toMatchObject([{ taxable: false }]);
  });

  it('should read the tax back, not call it refused, when the read after the tax update fails', async () => {
    fresh();
    const h = await start();
    const card = await submitForm(h, await openForm(h, await stoppedTimer(h)));
    // The tax update is stored; the read that verifies it fails once.
    sim.injectFault({
      method: 'GET',
      path: `/tickets/${tid()}`,
      mode: 'status_404',
      after: { method: 'PUT', path: `/tickets/${tid()}/update_line_item` },
    });
    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const done = await waitForCard(h, /— posted$/, { after: since });
    expect(stepLine(done, 3)).toContain('not taxable');
    expect(cardText(done)).not.toContain('refused');
    expect(writeCounts(sim)).toEqual({
      [`POST /tickets/${tid()}/timer_entry`]: 1,
      [`POST /tickets/${tid()}/charge_timer_entry`]: 1,
      [`PUT /tickets/${tid()}/update_line_item`]: 1,
    });
    expect(chargedLines()).toMatchObject([{ taxable: false }]);
  });

  const FAULTS: Array<{ step: 1 | 2; mode: FaultMode }> = [
    { step: 1, mode: 'status_500' },
    { step: 1, mode: 'reset' },
    { step: 2, mode: 'status_500' },
    { step: 2, mode: 'null_body' },
  ];

  it.each(FAULTS)(
    'should find step $step after a $mode once Syncro stored it, and never send it twice',
    async ({ step, mode }) => {
      fresh();
      const h = await start();
      const card = await submitForm(h, await openForm(h, await stoppedTimer(h)));
      const path = `/tickets/${tid()}/${step === 1 ? 'timer_entry' : 'charge_timer_entry'}`;
      sim.injectFault({ method: 'POST', path, mode, when: 'after_commit' });

      let since = lastSeq(h);
      await clickOnCard(h, USERS.howard, card, ACTION.post);
      if (step === 1) {
        // Read back: the entry is there, so it is step 1's; the charge waits for the person's Resume.
        const failed = await waitForCard(h, /— not posted$/, { after: since });
        expect(stepLine(failed, 1)).toContain('found the timer entry on the ticket');
        expect(stepLine(failed, 2)).toBe('○ not sent');
        expect(cardText(failed)).toContain('Resume from step 2');
        since = lastSeq(h);
        await clickOnCard(h, USERS.howard, failed, ACTION.post);
        const done = await waitForCard(h, /— posted$/, { after: since });
        expect(stepLine(done, 2)).toContain('$117.50');
      } else {
        // The entry reads back as charged: the step is done, and its line's price is read back too. The line's
        // tax (step 3) waits for the person's Resume, as every step after one found after an unclear answer.
        const found = await waitForCard(h, /— not posted$/, { after: since });
        expect(stepLine(found, 2)).toContain(
          'Syncro shows the timer entry charged: line item Labor - Remote Business 0.7833 h × $150.00 = $117.50',
        );
        expect(cardText(found)).toContain('Resume from step 3');
        since = lastSeq(h);
        await clickOnCard(h, USERS.howard, found, ACTION.post);
        const done = await waitForCard(h, /— posted$/, { after: since });
        expect(stepLine(done, 3)).toContain('read back: not taxable');
      }
      expect(writeCounts(sim)).toEqual({
        [`POST /tickets/${tid()}/timer_entry`]: 1,
        [`POST /tickets/${tid()}/charge_timer_entry`]: 1,
        [`PUT /tickets/${tid()}/update_line_item`]: 1,
      });
      expect(entries()).toMatchObject([{ recorded: true }]);
      expect(chargedLines()).toHaveLength(1);
    },
  );
});
