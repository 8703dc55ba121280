import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import type { FaultySimulator } from '../support/faults.js';
import {
  askBot,
  BILLED_ONCE,
  billedRecords,
  billValues,
  buttonValue,
  clickOnCard,
  GOOD_BILL,
  type Harness,
  lastSeq,
  startE2eSimulator,
  startHarness,
  textOf,
  USERS,
  viewMetadata,
  waitForCard,
} from './harness.js';

/**
 * Timers through the signed receiver: kept in the store (so they outlive a restart), one per ticket per person,
 * one reminder, and nothing sent to Syncro until a card is posted.
 */

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T09:02:00Z');

describe('timers', () => {
  let sim: FaultySimulator;
  let dir: string;
  let clock = T0;
  const now = () => clock;
  const open: Harness[] = [];
  const start = async () => {
    const h = await startHarness({ sim, dir, now });
    open.push(h);
    return h;
  };

  beforeAll(async () => {
    sim = await startE2eSimulator();
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
    dir = mkdtempSync(join(tmpdir(), 'timers-e2e-'));
  };

  it('should keep a timer across a restart of the bot and bill its measured minutes through the usual card', async () => {
    fresh();
    const first = await start();
    const started = await askBot(first, USERS.howard, 'timer start 32164 Nextcloud sync');
    expect(textOf(started.reply)).toContain('Timer started on #32164');
    await first.close();
    open.splice(0);

    clock += 47 * MIN;
    const h = await start();
    expect(textOf((await askBot(h, USERS.howard, 'timer')).reply)).toMatch(/#32164\*.*running \*0:47\*/);
    const ticket = await askBot(h, USERS.howard, 'ticket 32164');
    expect(textOf(ticket.reply)).toContain('⏱ running *0:47* for you');

    const stopped = await askBot(h, USERS.howard, 'timer stop');
    expect(textOf(stopped.reply)).toContain('*47 min* measured');
    // Starting, listing and stopping a timer sends nothing to Syncro.
    expect(sim.writes()).toEqual([]);
    expect(textOf((await askBot(h, USERS.howard, 'timer')).reply)).toContain('You have no running timer');

    // Bill this time: the bill form opens with the 47 minutes, editable; the card shows the timer beside them.
    const value = buttonValue(stopped.reply.blocks as unknown[], ACTION.timerBill)!;
    await h.click(USERS.howard, ACTION.timerBill, value);
    const opened = await h.slack.waitForCall('views.open');
    expect(JSON.stringify(opened.body.view)).toContain('"initial_value":"47"');
    const filled = await h.slack.waitForCall('views.update');
    const before = h.slack.callsTo('chat.postMessage').length;
    await h.submit(
      USERS.howard,
      'syncro_bill_modal',
      viewMetadata(filled),
      billValues({ ...GOOD_BILL, minutes: '45' }),
    );
    const card = await h.slack.waitForCall('chat.postMessage', undefined, { nth: before + 1 });
    // Slack dates: each end with its day, in the reader's own zone (the fallback is UTC).
    expect(textOf(card.body as never)).toMatch(
      /<!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-12-01 09:02 UTC> → <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-12-01 09:49 UTC>: 47 min measured \(45 min stated for billing\)/,
    );
    expect(sim.writes()).toEqual([]);
    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    await waitForCard(h, /— posted$/, { after: since });
    expect(billedRecords(sim, '32164')).toEqual(BILLED_ONCE);
  });

  it('should keep one timer per ticket per person, even on a double click', async () => {
    fresh();
    const h = await start();
    const both = await Promise.all([
      askBot(h, USERS.howard, 'timer start 32164'),
      askBot(h, USERS.howard, 'timer start 32164'),
    ]);
    const texts = both.map((b) => textOf(b.reply));
    expect(texts.filter((t) => t.includes('Timer started'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('You already have a timer on #32164'))).toHaveLength(1);
    // Another technician keeps their own timer on the same ticket.
    expect(textOf((await askBot(h, USERS.mike, 'timer start 32164')).reply)).toContain('Timer started');
    clock += 5 * MIN;
    const view = textOf((await askBot(h, USERS.mike, 'ticket 32164')).reply);
    expect(view).toContain('⏱ running *0:05* for you');
    expect(view).toContain(`⏱ running 0:05 for <@${USERS.howard}>`);

    // Stopping needs no number with one timer; with several it asks which.
    await askBot(h, USERS.howard, 'timer start 32161');
    const pick = textOf((await askBot(h, USERS.howard, 'timer stop')).reply);
    expect(pick).toContain('You have 2 running timers: which one should stop?');
    expect((await h.store.timers.listFor(USERS.howard)).length).toBe(2);
    const cancelled = textOf((await askBot(h, USERS.howard, 'timer cancel 32161')).reply);
    expect(cancelled).toContain('cancelled');
    expect((await h.store.timers.listFor(USERS.howard)).map((t) => t.ticketNumber)).toEqual(['32164']);
    expect(textOf((await askBot(h, USERS.howard, 'timer cancel 32161')).reply)).toContain(
      'You have no running timer on #32161',
    );
    expect(sim.writes()).toEqual([]);
  });

  it('should remind a timer left running past the configured time once, whichever replica sweeps', async () => {
    fresh();
    const a = await start();
    const b = await start();
    await askBot(a, USERS.howard, 'timer start 32164');
    clock += 8 * 60 * MIN - MIN;
    await Promise.all([a.bot.sweep(), b.bot.sweep()]);
    const dms = () =>
      [...a.slack.callsTo('chat.postMessage'), ...b.slack.callsTo('chat.postMessage')].filter(
        (c) => c.body.channel === USERS.howard,
      );
    expect(dms()).toEqual([]);
    clock += 2 * MIN;
    await Promise.all([a.bot.sweep(), b.bot.sweep(), a.bot.sweep(), b.bot.sweep()]);
    clock += 60 * MIN;
    await Promise.all([a.bot.sweep(), b.bot.sweep()]);
    expect(dms()).toHaveLength(1);
    expect(textOf(dms()[0]!.body as never)).toContain('your timer on #32164 is still running');
  });
});
