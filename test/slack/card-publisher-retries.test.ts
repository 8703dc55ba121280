import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { proposeComment } from '../../src/actions/propose.js';
import type { ActionStore } from '../../src/actions/store.js';
import type { PendingAction } from '../../src/actions/types.js';
import { createLogger } from '../../src/logger.js';
import { type SlackFake, slackError, startSlackFake } from '../../src/playground/slack/server.js';
import {
  CARD_RETRY_PAUSES_MS,
  type CardPublisher,
  createCardPublisher,
} from '../../src/slack/card-publisher.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { base } from '../actions/proposal-base.js';
import { FakeClock } from '../syncro/fake-clock.js';

/**
 * A card drawing Slack refuses (chat.update answers an error) is tried again after growing pauses, each time
 * from the row as it then stands, and given up with a log line after the last: the loopback Slack fake, a real
 * WebClient and SQLite store, and a fake clock for the pauses (no real time passes).
 */

/** A fake clock that also says when a timer is set, and for how long. */
class WatchedClock extends FakeClock {
  #waiters: Array<(ms: number) => void> = [];
  readonly set: number[] = [];

  override setTimeout(fn: () => void, ms: number): unknown {
    this.set.push(ms);
    for (const w of this.#waiters.splice(0)) w(ms);
    return super.setTimeout(fn, ms);
  }

  /** Resolves with the pause of the next timer set. */
  nextTimer(): Promise<number> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** The publisher's log lines, and a wait for one that matches. */
function watchedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (l: Record<string, unknown>) => boolean; resolve: () => void }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (!text.trim()) continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        for (const w of [...waiters]) {
          if (w.match(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      }
      done();
    },
  });
  return {
    logger: createLogger({ level: 'debug', format: 'json', destination }),
    lines,
    waitFor: (match: (l: Record<string, unknown>) => boolean) =>
      new Promise<void>((resolve) => {
        if (lines.some(match)) resolve();
        else waiters.push({ match, resolve });
      }),
  };
}

const gaveUp = (l: Record<string, unknown>) => String(l.msg).startsWith('gave up drawing the card');

describe('card drawings Slack refuses', () => {
  let slack: SlackFake;
  let store: ActionStore;
  let clock: WatchedClock;
  let log: ReturnType<typeof watchedLogger>;
  let cards: CardPublisher;
  let action: PendingAction;

  beforeEach(async () => {
    slack = await startSlackFake();
    store = openSqliteStore(':memory:');
    await store.migrate();
    clock = new WatchedClock();
    log = watchedLogger();
    cards = createCardPublisher({
      web: new WebClient('xoxb-card-retries', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      store,
      logger: log.logger,
      now: () => 1_000,
      render: (a) => ({ text: `card ${a.state}`, blocks: [] }),
      postResultsToChannel: false,
      describeError: String,
      timers: clock,
    });
    action = proposeComment({
      ...base,
      id: 'card-retries',
      slack: { channelId: 'C0TICKETS', ephemeral: false, messageTs: '1700000000.000100' },
      ticket: { id: 1, number: '32164', subject: 'Printer' },
      subject: 'Update',
      body: 'Called back',
      visibility: 'public_note',
    });
    await store.insert(action);
  });

  afterEach(async () => {
    cards.stop();
    await store.close();
    await slack.close();
  });

  /** Refuses the next `n` chat.update calls with `error`. */
  function refuseUpdates(n: number, error = 'internal_error'): void {
    let left = n;
    slack.respondWith('chat.update', () => (left-- > 0 ? slackError(error) : undefined));
  }

  const updates = () => slack.callsTo('chat.update');

  it('tries again after each growing pause, and the try that lands draws the row as it stands then', async () => {
    refuseUpdates(3);
    let next = clock.nextTimer();
    await expect(cards.publish(action, true)).rejects.toThrow(/internal_error/);
    expect(await next).toBe(CARD_RETRY_PAUSES_MS[0]);
    expect(updates()).toHaveLength(1);

    // Meanwhile the card changed: the retries draw the row as re-read, not the drawing Slack refused.
    await store.update(action.id, { states: ['proposed'] }, { state: 'cancelled', cancelledBy: 'U0HOWARD1' });

    for (const [i, pause] of CARD_RETRY_PAUSES_MS.slice(0, 2).entries()) {
      // Nothing is tried before the pause is over.
      await clock.advance(pause - 1);
      expect(updates()).toHaveLength(i + 1);
      next = clock.nextTimer();
      await clock.advance(1);
      expect(await next).toBe(CARD_RETRY_PAUSES_MS[i + 1]);
      expect(updates()).toHaveLength(i + 2);
    }
    await clock.advance(CARD_RETRY_PAUSES_MS[2]!);
    const landed = await slack.waitForCall('chat.update', undefined, { nth: 4 });
    expect(landed.reply.body.ok).toBe(true);
    expect(landed.body.text).toBe('card cancelled');

    // Landed: no retry is left waiting, and no more calls come however long we wait.
    await clock.advance(60 * 60_000);
    expect(clock.pending).toBe(0);
    expect(updates()).toHaveLength(4);
    expect(clock.set).toEqual(CARD_RETRY_PAUSES_MS.slice(0, 3));
    expect(log.lines.some(gaveUp)).toBe(false);
  });

  it('gives up after the last pause with a log line naming the card, the tries and Slack’s answer', async () => {
    refuseUpdates(1_000);
    await expect(cards.publish(action, true)).rejects.toThrow(/internal_error/);
    for (const pause of CARD_RETRY_PAUSES_MS) await clock.advance(pause);
    await log.waitFor(gaveUp);

    const tries = 1 + CARD_RETRY_PAUSES_MS.length;
    expect(updates()).toHaveLength(tries);
    expect(clock.set).toEqual(CARD_RETRY_PAUSES_MS);
    expect(log.lines.filter(gaveUp)).toEqual([
      expect.objectContaining({ level: 50, actionId: action.id, tries, slackError: 'internal_error' }),
    ]);
    // Backoff: each pause longer than the one before.
    for (let i = 1; i < CARD_RETRY_PAUSES_MS.length; i++)
      expect(CARD_RETRY_PAUSES_MS[i]!).toBeGreaterThan(CARD_RETRY_PAUSES_MS[i - 1]!);

    // Given up: nothing is tried again, not even by the sweep.
    await clock.advance(24 * 60 * 60_000);
    await cards.retryRefused();
    expect(clock.pending).toBe(0);
    expect(updates()).toHaveLength(tries);
  });

  it('gives up at once on a refusal no retry can fix', async () => {
    refuseUpdates(1_000, 'invalid_blocks');
    await expect(cards.publish(action, true)).rejects.toThrow(/invalid_blocks/);
    await log.waitFor(gaveUp);
    expect(log.lines.filter(gaveUp)).toEqual([
      expect.objectContaining({ actionId: action.id, tries: 1, slackError: 'invalid_blocks' }),
    ]);
    await clock.advance(60 * 60_000);
    expect(clock.set).toEqual([]);
    expect(updates()).toHaveLength(1);
  });

  it('lets a drawing that lands take the place of a waiting retry, and the sweep leave it alone', async () => {
    refuseUpdates(1);
    const next = clock.nextTimer();
    await expect(cards.publish(action, true)).rejects.toThrow(/internal_error/);
    await next;
    expect(clock.pending).toBe(1);
    // The next change of the card lands: the waiting retry is not needed any more.
    await cards.publish(action, true);
    expect(clock.pending).toBe(0);
    await clock.advance(60 * 60_000);
    expect(updates()).toHaveLength(2);

    // A refused card whose retry waits is not drawn by the sweep: the retry draws it after its pause.
    refuseUpdates(1);
    await expect(cards.redraw(action, true)).rejects.toThrow(/internal_error/);
    expect(clock.pending).toBe(1);
    await cards.retryRefused();
    expect(updates()).toHaveLength(3);
    expect(clock.pending).toBe(1);
    await clock.advance(CARD_RETRY_PAUSES_MS[0]!);
    const landed = await slack.waitForCall('chat.update', undefined, { nth: 4 });
    expect(landed.reply.body.ok).toBe(true);
  });

  it('keeps the whole backoff with the sweep running every 30 s, and gives up only after the last pause', async () => {
    refuseUpdates(1_000);
    const first = clock.nextTimer();
    await expect(cards.publish(action, true)).rejects.toThrow(/internal_error/);
    await first;
    const done = () => log.lines.some(gaveUp);
    let gaveUpAt: number | undefined;
    for (let t = 0; t < 30 * 60_000 && gaveUpAt === undefined; t += 30_000) {
      await cards.retryRefused(); // the bot's sweep
      await clock.advance(30_000);
      // A retry that fired is drawing the card over loopback: wait for its next pause, or the give-up.
      if (clock.pending === 0 && !done()) await Promise.race([clock.nextTimer(), log.waitFor(gaveUp)]);
      if (done()) gaveUpAt = clock.now();
    }
    const total = CARD_RETRY_PAUSES_MS.reduce((x, y) => x + y, 0);
    expect(gaveUpAt).toBeGreaterThanOrEqual(total);
    expect(updates()).toHaveLength(1 + CARD_RETRY_PAUSES_MS.length);
    expect(clock.set).toEqual(CARD_RETRY_PAUSES_MS);
  });
});
