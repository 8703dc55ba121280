import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingAction } from '../../src/actions/types.js';
import { type SlackFake, slackError, startSlackFake } from '../../src/playground/slack/server.js';
import { ACTION } from '../../src/slack/action-ids.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { type Fault, type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import {
  createTestDatabase,
  postgresUnavailable,
  reportPostgresUnavailable,
  type TestDatabase,
} from '../support/postgres.js';
import { buttonValue, KEYS, type Replica, startReplica, USERS } from './harness.js';

/**
 * Soak, sized for CI: many comment cards on two replicas sharing PostgreSQL, with Syncro faults (the simulator's
 * fault injector), Slack refusing response_urls and chat.update, double clicks split across replicas, and a
 * replica crashing mid-write and restarting under the same REPLICA_ID. Afterwards, for every card:
 * at most one record in Syncro; the row agrees with Syncro; the last drawing of the newest message the person
 * has for the card agrees with Syncro; nothing is left executing or outcome_unknown after the sweeps.
 */

const TICKET_NUMBER = 32164;
const CARDS = 16;
const CRASH_CARDS = 4;
const RUN = Math.random().toString(36).slice(2, 8);

const unreachable = await postgresUnavailable();

/** A small deterministic generator, so that a failing run can be replayed with its seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SYNCRO_FAULTS: Array<Omit<Fault, 'path' | 'method'> | undefined> = [
  undefined,
  undefined,
  { mode: 'reset', when: 'after_commit' },
  { mode: 'reset', when: 'before_commit' },
  { mode: 'status_500', when: 'after_commit' },
  { mode: 'status_503', when: 'before_commit' },
  { mode: 'null_body' },
  { mode: 'hang', when: 'after_commit' },
  { mode: 'status_429', retryAfterSeconds: 1 },
];

interface Card {
  body: string;
  id: string;
  value: string;
  /** The command's response_url: it drew the private card the person sees first. */
  cardUrl: string;
  /** The response_urls of the clicks on that card (they redraw the same message). */
  clickUrls: string[];
}

if (unreachable !== undefined) {
  reportPostgresUnavailable('soak on two PostgreSQL replicas', unreachable);
} else {
  describe('soak: cards tell the truth to the end', () => {
    let db: TestDatabase | undefined;
    let sim: FaultySimulator;
    let slack: SlackFake;
    let a: Replica;
    let b: Replica;
    let skew = 0;
    const now = () => Date.now() + skew;
    const seed = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);
    const random = rng(seed);
    const closed: Replica[] = [];

    const replica = (id: string) =>
      startReplica({ sim, slack, store: openPostgresStore(db!.url), replicaId: id, now });

    beforeAll(async () => {
      db = await createTestDatabase('syncro_slack_soak');
      sim = await startFaultySimulator({
        keys: { [KEYS.howard]: { user_id: 1750, user_name: 'Howard Enos' } },
      });
      slack = await startSlackFake();
      [a, b] = await Promise.all([replica('soak-a'), replica('soak-b')]);
    });
    afterAll(async () => {
      sim?.releaseHangs();
      await Promise.all([a?.close(), b?.close(), ...closed.map((r) => r.close())]);
      await slack?.close();
      await sim?.close();
      await db?.drop();
    });

    async function propose(via: Replica, i: number): Promise<Card> {
      const body = `Soak ${RUN} card ${i}`;
      const res = await via.command(USERS.howard, `comment #${TICKET_NUMBER} ${body}`);
      const card = await slack.waitForResponse((r) => r.url === res.responseUrl);
      const value = buttonValue(card.body.blocks, ACTION.post)!;
      return {
        body,
        id: (JSON.parse(value) as { id: string }).id,
        value,
        cardUrl: res.responseUrl,
        clickUrls: [],
      };
    }

    /** Posts one card: a Syncro fault maybe, a double click maybe split across replicas, a refused URL maybe. */
    async function postWithTrouble(card: Card, ticketId: number): Promise<void> {
      const fault = SYNCRO_FAULTS[Math.floor(random() * SYNCRO_FAULTS.length)];
      if (fault) sim.injectFault({ ...fault, method: 'POST', path: `/tickets/${ticketId}/comment` });
      if (random() < 0.2)
        sim.injectFault({ method: 'GET', path: /^\/tickets\/\d+/, mode: 'status_503', times: 4 });
      const clicks = random() < 0.6 ? 2 : 1;
      const refuseUrl = random() < 0.35;
      const urls = Array.from({ length: clicks }, () => slack.responseUrl(`soak-click`));
      card.clickUrls.push(...urls);
      const replicas = [random() < 0.5 ? a : b, random() < 0.5 ? a : b];
      const sent = urls.map((url, k) =>
        replicas[k]!.click(USERS.howard, ACTION.post, card.value, { responseUrl: url }),
      );
      if (refuseUrl) {
        // Slack stops taking this response_url once it drew "Posting…" (expired, used up, or down).
        await slack.waitForResponse((r) => urls.includes(r.url) && r.accepted, { timeoutMs: 10_000 });
        for (const u of urls) slack.expireResponseUrl(u);
      }
      await Promise.all(sent);
    }

    async function settled(ids: string[], store = b.store, deadlineMs = 20_000): Promise<void> {
      const until = Date.now() + deadlineMs;
      for (;;) {
        const rows = await Promise.all(ids.map((id) => store.get(id)));
        if (rows.every((r) => r && !['executing'].includes(r.state))) return;
        if (Date.now() > until) throw new Error('cards still executing after the deadline');
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }

    /** The last drawing of the newest message the person has for this card, and which message that is. */
    function lastDrawing(card: Card, row: PendingAction): { where: string; text: string } | undefined {
      const dm = row.slack.directMessage;
      if (dm) {
        const drawn = slack.calls.filter(
          (c) =>
            (c.method === 'chat.update' || c.method === 'chat.postMessage') &&
            c.reply.body.ok === true &&
            String(c.reply.body.ts) === dm.messageTs,
        );
        const last = drawn.at(-1);
        return last && { where: `DM ${dm.messageTs}`, text: String(last.body.text ?? '') };
      }
      const mine = [card.cardUrl, ...card.clickUrls];
      const drawn = slack.responses.filter(
        (r) =>
          mine.includes(r.url) && r.accepted && (r.url === card.cardUrl || r.body.replace_original === true),
      );
      const last = drawn.at(-1);
      return last && { where: `private card ${card.cardUrl}`, text: last.body.text ?? '' };
    }

    const WORDS: Record<string, RegExp> = { succeeded: /— posted$/, failed: /— not posted$/ };

    it('keeps at most one record per card and shows each person the truth, whatever fails', async () => {
      const ticket = sim.state.ticketByNumber(TICKET_NUMBER)!;
      // Slack refuses some card updates (chat.update answers an error): the sweep draws them again.
      slack.respondWith('chat.update', () => (random() < 0.2 ? slackError('internal_error') : undefined));

      // Phase 1: faults, refused URLs and double clicks on both replicas, all cards at once.
      const cards = await Promise.all(Array.from({ length: CARDS }, (_, i) => propose(i % 2 ? a : b, i)));
      await Promise.all(cards.map((c) => postWithTrouble(c, ticket.id)));
      await settled(cards.map((c) => c.id));

      // A drawing Slack refused is retried by the replica that drew it (after growing pauses, or at its sweep,
      // every 30 s in production); that memory dies with the process, so once Slack accepts updates again let
      // both replicas' sweeps run once before the crash.
      slack.respondWith('chat.update', () => undefined);
      await a.bot.sweep();
      await b.bot.sweep();

      // Phase 2: replica A dies while its writes hang, and comes back under the same REPLICA_ID.
      const crashCards = await Promise.all(
        Array.from({ length: CRASH_CARDS }, (_, i) => propose(a, CARDS + i)),
      );
      sim.injectFault({
        method: 'POST',
        path: `/tickets/${ticket.id}/comment`,
        mode: 'hang',
        when: random() < 0.5 ? 'after_commit' : 'before_commit',
        times: CRASH_CARDS,
      });
      const isCommentPost = (r: { method: string; path: string }) =>
        r.method === 'POST' && r.path === `/tickets/${ticket.id}/comment`;
      const before = sim.requests.filter(isCommentPost).length;
      await Promise.all(
        crashCards.map((c) => {
          const url = slack.responseUrl('soak-crash');
          c.clickUrls.push(url);
          return a.click(USERS.howard, ACTION.post, c.value, { responseUrl: url });
        }),
      );
      await sim.waitForRequests(before + CRASH_CARDS, isCommentPost);
      await a.crash();
      closed.push(a);
      sim.releaseHangs();
      a = await replica('soak-a');

      // The sweeps: past every lease and back-off, until nothing is left executing or outcome_unknown.
      const all = [...cards, ...crashCards];
      const ids = all.map((c) => c.id);
      let rows: PendingAction[] = [];
      for (let round = 0; round < 6; round++) {
        skew += 61_000;
        await a.bot.sweep();
        await b.bot.sweep();
        rows = (await Promise.all(ids.map((id) => b.store.get(id)))) as PendingAction[];
        if (rows.every((r) => r.state !== 'executing' && r.state !== 'outcome_unknown')) break;
      }

      const problems: string[] = [];
      for (const [k, card] of all.entries()) {
        const row = rows[k]!;
        const records = sim.state.commentsOf(ticket.id).filter((c) => c.body === card.body);
        if (records.length > 1) problems.push(`${card.body}: ${records.length} records in Syncro`);
        if (row.state === 'executing' || row.state === 'outcome_unknown')
          problems.push(`${card.body}: stuck ${row.state}`);
        if (row.state === 'succeeded' && (records.length !== 1 || row.steps[0]?.resultId !== records[0]?.id))
          problems.push(`${card.body}: row posted, Syncro has ${records.length}`);
        if (row.state === 'failed' && records.length !== 0)
          problems.push(`${card.body}: row not posted, Syncro has ${records.length}`);
      }
      expect(problems, `seed ${seed}`).toEqual([]);
      // The run did meet trouble: Syncro answered unclearly or refused, and Slack refused drawings.
      expect(rows.some((r) => r.state === 'failed') || sim.writes().length > all.length).toBe(true);
      const refusedUpdates = slack.calls.filter(
        (c) => c.method === 'chat.update' && c.reply.body.ok === false,
      );
      expect(rows.filter((r) => r.slack.directMessage).length + refusedUpdates.length).toBeGreaterThan(0);

      // What each person sees settles on the row (drawings still on their way are waited for, with a deadline).
      const until = Date.now() + 10_000;
      let stale: string[] = [];
      for (;;) {
        stale = [];
        for (const [k, card] of all.entries()) {
          const row = rows[k]!;
          const seen = lastDrawing(card, row);
          const want = WORDS[row.state];
          if (!want || !seen || !want.test(seen.text))
            stale.push(
              `${card.body} (${row.state}): ${seen?.where ?? 'nothing'} shows "${seen?.text ?? ''}"`,
            );
        }
        if (stale.length === 0 || Date.now() > until) break;
        await a.bot.sweep();
        await b.bot.sweep();
      }
      expect(stale, `seed ${seed}`).toEqual([]);
      expect(sim.writes().length).toBeGreaterThanOrEqual(1);
    }, 60_000);
  });
}
