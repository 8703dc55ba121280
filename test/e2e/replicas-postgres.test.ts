import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_MS } from '../../src/bot.js';
import { type RecordedResponse, type SlackFake, startSlackFake } from '../../src/playground/slack/server.js';
import type { RecordedRequest } from '../../src/sandbox/types.js';
import { ACTION } from '../../src/slack/action-ids.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import {
  createTestDatabase,
  postgresUnavailable,
  reportPostgresUnavailable,
  type TestDatabase,
} from '../support/postgres.js';
import { buttonValue, KEYS, type Replica, startReplica, textOf, USERS } from './harness.js';

/**
 * Two replicas of the bot on one PostgreSQL database (each with its own pool), one Syncro and one Slack: the
 * claim is won once across replicas, and a replica that dies mid-write is taken over by the other's sweep,
 * which reconciles by reading Syncro back. Each run creates its own database and drops it at the end.
 */

const TICKET_NUMBER = 32164;
const isCommentPost = (r: RecordedRequest) => r.method === 'POST' && /^\/tickets\/\d+\/comment$/.test(r.path);

const unreachable = await postgresUnavailable();

if (unreachable !== undefined) {
  reportPostgresUnavailable('replicas on PostgreSQL', unreachable);
} else {
  describe('replicas on PostgreSQL', () => {
    let db: TestDatabase | undefined;
    let dbUrl: string;
    let sim: FaultySimulator;
    let slack: SlackFake;
    let a: Replica;
    let b: Replica;
    /** Replica B's clock runs this far ahead of the wall clock (to pass a lease without waiting). */
    let bAhead = 0;

    beforeAll(async () => {
      db = await createTestDatabase('syncro_slack_e2e');
      dbUrl = db.url;
      sim = await startFaultySimulator({
        keys: { [KEYS.howard]: { user_id: 1750, user_name: 'Howard Enos' } },
      });
      slack = await startSlackFake();
    });
    afterAll(async () => {
      await slack?.close();
      await sim?.close();
      await db?.drop();
    });
    beforeEach(async () => {
      sim.reset();
      slack.reset();
      bAhead = 0;
      // Both start (and migrate) at once: the migration lock lets one apply it and the other find it done.
      [a, b] = await Promise.all([
        startReplica({ sim, slack, store: openPostgresStore(dbUrl), replicaId: 'replica-a' }),
        startReplica({
          sim,
          slack,
          store: openPostgresStore(dbUrl),
          replicaId: 'replica-b',
          now: () => Date.now() + bAhead,
        }),
      ]);
    });
    afterEach(async () => {
      sim.releaseHangs();
      await Promise.all([a?.close(), b?.close()]);
    });

    async function proposeThroughA(body: string): Promise<{ id: string; value: string }> {
      const res = await a.command(USERS.howard, `comment #${TICKET_NUMBER} ${body}`);
      expect(res.status).toBe(200);
      const card = await slack.waitForResponse((r) => r.url === res.responseUrl);
      const value = buttonValue(card.body.blocks, ACTION.post);
      expect(value).toBeDefined();
      return { id: (JSON.parse(value!) as { id: string }).id, value: value! };
    }

    const isPostedCard = (r: RecordedResponse) =>
      r.body.replace_original === true && /— posted$/.test(r.body.text ?? '');
    const isLoserNote = (r: RecordedResponse) =>
      r.body.replace_original === false && /not sent again/.test(r.body.text ?? '');

    it('should send exactly one write for 20 concurrent Post clicks split between two replicas', async () => {
      const body = 'Replicas: twenty clicks, one comment';
      const { id, value } = await proposeThroughA(body);
      expect(sim.writes()).toHaveLength(0);

      const clicks = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).click(USERS.howard, ACTION.post, value)),
      );
      expect(clicks.every((c) => c.status === 200)).toBe(true);
      const urls = clicks.map((c) => c.responseUrl);

      // The winner is the click whose response_url the row took at its claim; every other click is a loser.
      // (A late loser is also shown the posted card, so the card alone does not tell who won.)
      await slack.waitForResponse((r) => urls.includes(r.url) && isPostedCard(r));
      const settledRow = await b.store.get(id);
      expect(settledRow?.state).toBe('succeeded');
      const winnerUrl = settledRow!.slack.responseUrl!;
      expect(urls).toContain(winnerUrl);
      const final = await slack.waitForResponse((r) => r.url === winnerUrl && isPostedCard(r));
      expect(textOf(final.body)).toMatch(/Posted\*? by <@U0HOWARD1>/);
      const notes = await Promise.all(
        urls
          .filter((u) => u !== winnerUrl)
          .map((u) => slack.waitForResponse((r) => r.url === u && isLoserNote(r))),
      );
      expect(notes).toHaveLength(19);
      for (const n of notes) expect(n.body.text).toMatch(/(being posted right now|Already posted)/);
      expect(slack.responses.filter((r) => r.url === winnerUrl && r.body.replace_original === false)).toEqual(
        [],
      );

      expect(sim.writes()).toHaveLength(1);
      const ticket = sim.state.ticketByNumber(TICKET_NUMBER)!;
      const stored = sim.state.commentsOf(ticket.id).filter((c) => c.body === body);
      expect(stored).toHaveLength(1);
      const row = await a.store.get(id);
      expect(row?.state).toBe('succeeded');
      expect(row?.attempt).toBe(1);
      expect(row?.steps[0]?.resultId).toBe(stored[0]!.id);
      const audit = await b.store.listAudit(ticket.id, 50);
      expect(audit.filter((e) => e.actionId === id)).toHaveLength(1);
      // Exactly one replica claimed it.
      const claims = [...a.logLines, ...b.logLines].filter((l) => l.msg === 'claimed action');
      expect(claims).toHaveLength(1);
    });

    it("should let replica B's sweep take over a write left by a dead replica A, reconciling by reading back", async () => {
      const body = 'Replicas: replica A dies while posting';
      const { id, value } = await proposeThroughA(body);
      sim.injectFault({
        method: 'POST',
        path: /^\/tickets\/\d+\/comment$/,
        mode: 'hang',
        when: 'after_commit',
      });
      const click = await a.click(USERS.howard, ACTION.post, value);
      expect(click.status).toBe(200);
      await sim.waitForRequests(1, isCommentPost);

      // While A's lease runs, B's sweep leaves the action alone.
      await b.bot.sweep();
      const held = await b.store.get(id);
      expect(held?.state).toBe('executing');
      expect(held?.leaseOwner).toBe('replica-a');
      expect(held?.steps[0]?.status).toBe('sending');

      // A dies: its receiver and store go away, then its hung request is released (it can record nothing).
      await a.crash();
      sim.releaseHangs();
      await a.waitForLog((l) => l.msg === 'write outcome unknown; reconciling by reading Syncro back');
      // What the dying replica could still say must not claim that nothing changed: the comment IS in Syncro.
      const lastWords = await slack.waitForResponse(
        (r) => r.url === click.responseUrl && r.body.replace_original === undefined,
      );
      expect(lastWords.body.text).toMatch(/not yet known whether it reached Syncro/);
      expect(lastWords.body.text).not.toMatch(/nothing was changed/);
      const afterDeath = await b.store.get(id);
      expect(afterDeath?.state).toBe('executing');
      expect(afterDeath?.leaseOwner).toBe('replica-a');

      // Past A's lease, B's sweep takes the action and reads Syncro back; it sends nothing.
      bAhead = DEFAULT_LEASE_MS + 1_000;
      await b.bot.sweep();
      expect(sim.writes()).toHaveLength(1);
      const ticket = sim.state.ticketByNumber(TICKET_NUMBER)!;
      const stored = sim.state.commentsOf(ticket.id).filter((c) => c.body === body);
      expect(stored).toHaveLength(1);
      const row = await b.store.get(id);
      expect(row?.state).toBe('succeeded');
      expect(row?.steps[0]?.status).toBe('succeeded');
      expect(row?.steps[0]?.resultId).toBe(stored[0]!.id);
      expect(row?.leaseOwner).toBeUndefined();
      const audit = (await b.store.listAudit(ticket.id, 50)).filter((e) => e.actionId === id);
      expect(audit.map((e) => e.outcome)).toEqual(['found_after_unknown']);
      expect(b.logLines.some((l) => l.msg === 'recovering an action left mid-write')).toBe(true);

      // The card at the Post click's response_url shows the truth, drawn by B.
      const done = await slack.waitForResponse(
        (r) => r.url === click.responseUrl && /— posted$/.test(r.body.text ?? ''),
      );
      expect(done.accepted).toBe(true);
      expect(textOf(done.body)).toMatch(/Posted\*? by <@U0HOWARD1>/);
      expect(slack.responseUrlUses(click.responseUrl)).toBeLessThanOrEqual(5);
    });
  });
}
