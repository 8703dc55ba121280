import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import type { FaultMode, FaultySimulator } from '../support/faults.js';
import {
  BILLED_ONCE,
  billedRecords,
  cardText,
  clickOnCard,
  GOOD_BILL,
  type Harness,
  lastSeq,
  proposeBillCard,
  startE2eSimulator,
  startHarness,
  stepLine,
  USERS,
  waitForCard,
  writeCounts,
} from './harness.js';

/**
 * The billing saga under faults: every way a write can end without a clear answer, at every write step, followed
 * by the Resume the card offers. Whatever happened, Syncro ends with exactly one comment, one line item and one
 * invoice, the ticket is Invoiced, and no step that landed is ever sent again.
 */

const NUMBER = '32164';

function ticketId(sim: FaultySimulator): number {
  return sim.state.ticketByNumber(Number(NUMBER))!.id;
}

/** The write of saga step k (1, 2, 3 or 5). */
function stepWrite(k: number, tid: number): { method: string; path: string } {
  switch (k) {
    case 1:
      return { method: 'POST', path: `/tickets/${tid}/comment` };
    case 2:
      return { method: 'POST', path: `/tickets/${tid}/add_line_item` };
    case 3:
      return { method: 'POST', path: '/invoices' };
    case 5:
      return { method: 'PUT', path: `/tickets/${tid}` };
    default:
      throw new Error(`step ${k} is not a write`);
  }
}

/** Exactly one record per step in Syncro, and the ticket Invoiced. */
function expectBilledOnce(sim: FaultySimulator): void {
  expect(billedRecords(sim, NUMBER)).toEqual(BILLED_ONCE);
}

const STEP_NAMES: Record<number, string> = {
  1: 'comment',
  2: 'add_line_item',
  3: 'create invoice',
  5: 'status Invoiced',
};
const MODES: FaultMode[] = ['hang', 'reset', 'null_body', 'status_500'];
const WHENS = ['before_commit', 'after_commit'] as const;
const MATRIX = [1, 2, 3, 5].flatMap((k) =>
  MODES.flatMap((mode) => WHENS.map((when) => ({ k, step: STEP_NAMES[k]!, mode, when }))),
);

describe('billing saga: a fault at each write step, then Resume, leaves exactly one record per step', () => {
  // One bot for the matrix (Syncro and Slack are reset between cases); hangs go to one with a short client
  // timeout, so that a hung request becomes an unknown outcome quickly.
  let normal: Harness;
  let quick: Harness;
  beforeAll(async () => {
    [normal, quick] = await Promise.all([startHarness(), startHarness({ timeoutMs: 250 })]);
  });
  afterAll(async () => {
    await Promise.all([normal.close(), quick.close()]);
  });

  it.each(MATRIX)(
    'step $k ($step) with $mode $when: reconciles by reading back, then Resume finishes it once',
    async ({ k, mode, when }) => {
      const h = mode === 'hang' ? quick : normal;
      h.sim.reset();
      h.slack.reset();
      const { card } = await proposeBillCard(h, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
      const tid = ticketId(h.sim);
      const target = stepWrite(k, tid);
      h.sim.injectFault({ ...target, mode, when });
      const landed = when === 'after_commit';

      let since = lastSeq(h);
      await clickOnCard(h, USERS.howard, card, ACTION.post);

      if (landed && k === 5) {
        // The last step was found done by reading the ticket back: nothing is left to resume.
        const done = await waitForCard(h, /— posted$/, { after: since });
        expect(stepLine(done, 5)).toMatch(/^✅ done — .*ticket #32164 shows the change/);
      } else {
        const failed = await waitForCard(h, /— not posted$/, { after: since });
        const next = landed ? k + 1 : k;
        const text = cardText(failed);
        expect(text).toContain(`Resume from step ${next}`);
        expect(stepLine(failed, k)).toMatch(landed ? /^✅ done — .*found/ : /^∅ not in Syncro \(checked\)/);
        for (let j = next; j <= 5; j++) if (j !== k) expect(stepLine(failed, j)).toBe('○ not sent');
        // Nothing after the unclear step was sent before the person resumed.
        const laterWrites = [1, 2, 3, 5].filter((j) => j > k).map((j) => stepWrite(j, tid));
        for (const w of laterWrites) {
          expect(h.sim.writes().filter((r) => r.method === w.method && r.path === w.path)).toHaveLength(0);
        }

        since = lastSeq(h);
        await clickOnCard(h, USERS.howard, failed, ACTION.post);
        await waitForCard(h, /— posted$/, { after: since });
      }

      expectBilledOnce(h.sim);
      const expected: Record<string, number> = {};
      for (const j of [1, 2, 3, 5]) {
        const w = stepWrite(j, tid);
        // The faulted step is sent a second time only when reading back proved it had not landed.
        expected[`${w.method} ${w.path}`] = j === k && !landed ? 2 : 1;
      }
      expect(writeCounts(h.sim)).toEqual(expected);
      const [action] = await h.actions();
      expect(action!.state).toBe('succeeded');
    },
  );
});

describe('billing saga: the invoice check', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    {
      what: 'a quantity that differs',
      tamper: (l: { quantity: string }) => {
        l.quantity = '1.5';
      },
      says: /does not hold the line "Labor - Remote Business" \(product 1190473, quantity 0\.75\); it holds: .*\(product 1190473, qty 1\.5\)/,
    },
    {
      what: 'a product that differs',
      tamper: (l: { product_id: number | null }) => {
        l.product_id = 26118;
      },
      says: /does not hold the line "Labor - Remote Business" \(product 1190473, quantity 0\.75\); it holds: .*\(product 26118, qty 0\.75\)/,
    },
  ])(
    'stops before the status change and says what differs when the invoice holds $what',
    async ({ tamper, says }) => {
      const { card } = await proposeBillCard(h, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
      const tid = ticketId(h.sim);
      // Between step 3 and step 4: the invoice is changed in Syncro right after it is created (before the bot
      // even reads the answer to the POST, so before its GET).
      void h.sim
        .waitForRequests(1, (r) => r.method === 'POST' && r.path === '/invoices')
        .then(() => {
          const inv = h.sim.state.invoices.find((i) => i.ticket_id === tid)!;
          tamper(inv.line_items[0]! as never);
        });
      const since = lastSeq(h);
      await clickOnCard(h, USERS.howard, card, ACTION.post);
      const failed = await waitForCard(h, /— not posted$/, { after: since });

      const text = cardText(failed);
      expect(text).toMatch(says);
      expect(stepLine(failed, 4)).toMatch(/^❌ failed: .*does not hold the line/);
      expect(stepLine(failed, 5)).toBe('○ not sent');
      expect(text).toContain('Steps 1–3 were done in Syncro and will not be sent again.');
      expect(text).toContain('Resume from step 4');
      expect(h.sim.writes().filter((w) => w.method === 'PUT')).toHaveLength(0);
      expect(h.sim.state.ticket(tid)!.status).toBe('New');
    },
  );

  it('stops when an older identical line stands in for ours on the invoice, because ours was not taken', async () => {
    // #32161 already has an uninvoiced 0.75 h remote line: the same product and quantity as this bill.
    const t = h.sim.state.ticketByNumber(32161)!;
    const older = h.sim.state.lineItemsOf(t.id).find((li) => li.quantity === '0.75')!;
    expect(older.converted).toBe(false);
    const { card, action } = await proposeBillCard(h, USERS.howard, '32161', GOOD_BILL, { skipModal: true });
    expect(action.steps[1]!.body).toMatchObject({ product_id: older.product_id, quantity: 0.75 });
    // Syncro's invoice takes the older line but not ours (ours stays unconverted on the ticket).
    void h.sim
      .waitForRequests(1, (r) => r.method === 'POST' && r.path === '/invoices')
      .then(() => {
        const inv = h.sim.state.invoices.find((i) => i.ticket_id === t.id)!;
        const ours = h.sim.state
          .lineItemsOf(t.id)
          .find((li) => li.id !== older.id && li.quantity === '0.75')!;
        ours.converted = false;
        inv.line_items = inv.line_items.filter((l) => l.name !== ours.description);
      });
    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const failed = await waitForCard(h, /— not posted$/, { after: since });
    expect(cardText(failed)).toMatch(/was not taken into the invoice: Syncro still shows it as not invoiced/);
    expect(h.sim.writes().filter((w) => w.method === 'PUT')).toHaveLength(0);
    expect(h.sim.state.ticket(t.id)!.status).not.toBe('Invoiced');
  });

  it('finishes with Resume from step 4 once the invoice is put right, sending nothing twice', async () => {
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
    const tid = ticketId(h.sim);
    void h.sim
      .waitForRequests(1, (r) => r.method === 'POST' && r.path === '/invoices')
      .then(() => {
        h.sim.state.invoices.find((i) => i.ticket_id === tid)!.line_items[0]!.quantity = '2.0';
      });
    let since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const failed = await waitForCard(h, /— not posted$/, { after: since });

    h.sim.state.invoices.find((i) => i.ticket_id === tid)!.line_items[0]!.quantity = '0.75';
    since = lastSeq(h);
    await clickOnCard(h, USERS.howard, failed, ACTION.post);
    await waitForCard(h, /— posted$/, { after: since });
    expectBilledOnce(h.sim);
    expect(Object.values(writeCounts(h.sim))).toEqual([1, 1, 1, 1]);
    const invoiceId = h.sim.state.invoices.find((i) => i.ticket_id === tid)!.id;
    expect(
      h.sim.requests.filter((r) => r.method === 'GET' && r.path === `/invoices/${invoiceId}`),
    ).toHaveLength(2);
  });
});

describe('billing saga: when reading back fails too', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('offers “Check Syncro again”, which only reads, then Resume from the next step finishes it once', async () => {
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
    h.sim.injectFault({ method: 'POST', path: '/invoices', mode: 'status_500', when: 'after_commit' });
    // Once the invoice is stored, the search that would find it fails on every attempt (first and both retries).
    void h.sim
      .waitForRequests(1, (r) => r.method === 'POST' && r.path === '/invoices')
      .then(() => h.sim.injectFault({ method: 'GET', path: '/invoices', mode: 'status_503', times: 3 }));
    let since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const unknown = await h.slack.waitFor(() =>
      h.slack
        .callsTo('chat.update')
        .find((c) => c.seq > since && cardText(c).includes('Could not check Syncro yet')),
    );
    expect(unknown.body.text).toMatch(/— checking Syncro$/);
    expect(stepLine(unknown, 3)).toMatch(/^❓ unknown/);
    const writes = h.sim.writes().length;

    since = lastSeq(h);
    await clickOnCard(h, USERS.howard, unknown, ACTION.recheck);
    const found = await waitForCard(h, /— not posted$/, { after: since });
    expect(h.sim.writes()).toHaveLength(writes);
    expect(stepLine(found, 3)).toMatch(/^✅ done — .*found invoice/);
    expect(cardText(found)).toContain('Resume from step 4');

    since = lastSeq(h);
    await clickOnCard(h, USERS.howard, found, ACTION.post);
    await waitForCard(h, /— posted$/, { after: since });
    expectBilledOnce(h.sim);
    expect(Object.values(writeCounts(h.sim))).toEqual([1, 1, 1, 1]);
  });

  it('reads the invoice again on Resume when the check itself could not read it, sending no write twice', async () => {
    const { card } = await proposeBillCard(h, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
    h.sim.injectFault({ method: 'GET', path: /^\/invoices\/\d+$/, mode: 'status_500', times: 3 });
    let since = lastSeq(h);
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    const failed = await waitForCard(h, /— not posted$/, { after: since });
    expect(cardText(failed)).toContain('Resume from step 4');
    expect(stepLine(failed, 5)).toBe('○ not sent');

    since = lastSeq(h);
    await clickOnCard(h, USERS.howard, failed, ACTION.post);
    await waitForCard(h, /— posted$/, { after: since });
    expectBilledOnce(h.sim);
    expect(Object.values(writeCounts(h.sim))).toEqual([1, 1, 1, 1]);
  });
});

describe('billing saga: a half-done bill left to expire', () => {
  it('keeps a half-done bill resumable past the card lifetime, and when it expires says which steps were done', async () => {
    let t = Date.now();
    const h = await startHarness({ now: () => t });
    try {
      const { card } = await proposeBillCard(h, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
      h.sim.injectFault({ method: 'POST', path: '/invoices', mode: 'status_500', when: 'before_commit' });
      let since = lastSeq(h);
      await clickOnCard(h, USERS.howard, card, ACTION.post);
      const failed = await waitForCard(h, /— not posted$/, { after: since });

      // Past the billing card's lifetime (24 h) a half-done bill is still resumable: a new card would repeat steps.
      t += 25 * 60 * 60_000;
      await h.bot.sweep();
      expect((await h.actions())[0]?.state).toBe('failed');
      // Nobody resumes it for a week; the sweep expires it.
      t += 7 * 24 * 60 * 60_000;
      since = lastSeq(h);
      await h.bot.sweep();
      const expired = await waitForCard(h, /— expired/, { after: since });
      const text = cardText(expired);
      expect(text).not.toMatch(/nothing was sent|Run the command again/);
      expect(text).toContain('steps 1–2 were done in Syncro; nothing more was sent');
      expect(stepLine(expired, 1)).toMatch(/^✅ done/);

      const click = await clickOnCard(h, USERS.howard, failed, ACTION.post);
      const reply = await h.slack.waitForResponse((r) => r.url === click.responseUrl);
      expect(reply.body.text).toContain('steps 1–2 were done in Syncro');
      expect(reply.body.text).not.toMatch(/nothing was sent|Run the command again/);
      expect(writeCounts(h.sim)['POST /invoices']).toBe(1);
      expect(h.sim.writes()).toHaveLength(3);
    } finally {
      await h.close();
    }
  });
});

describe('billing saga: the bot crashes while the invoice is being created', () => {
  let sim: FaultySimulator;
  let dir: string | undefined;
  const open: Harness[] = [];
  beforeEach(async () => {
    sim = await startE2eSimulator();
  });
  afterEach(async () => {
    for (const x of open.splice(0)) await x.close();
    await sim.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /**
   * Posts, lets the invoice POST hang, and "crashes" the first bot: its Slack endpoint and its database go away
   * while the request is in flight, so it can record nothing more (as if the process had died). Then a new bot
   * starts on the same database with the same replica id.
   */
  async function crashDuringInvoice(when: 'before_commit' | 'after_commit'): Promise<Harness> {
    const first = await startHarness({ sim, keepDir: true, replicaId: 'replica-a', timeoutMs: 10_000 });
    dir = first.dir;
    const { card } = await proposeBillCard(first, USERS.howard, NUMBER, GOOD_BILL, { skipModal: true });
    sim.injectFault({ method: 'POST', path: '/invoices', mode: 'hang', when });
    const click = await clickOnCard(first, USERS.howard, card, ACTION.post);
    await sim.waitForRequests(1, (r) => r.method === 'POST' && r.path === '/invoices');

    await first.bot.stop(0); // a crash: no draining
    await first.store.close();
    sim.releaseHangs();
    // The old executor learns of the dropped connection but cannot journal it: its click ends in an error reply.
    await first.slack.waitForResponse((r) => r.url === click.responseUrl);
    await first.close();

    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dir, 'actions.db'), { readonly: true });
    const row = db.prepare('SELECT state, data FROM actions').get() as { state: string; data: string };
    db.close();
    const saved = JSON.parse(row.data) as { steps: Array<{ status: string }> };
    expect(row.state).toBe('executing');
    // The database says what a crash leaves behind: step 3 journaled as being sent, its answer never recorded.
    expect(saved.steps.map((s) => s.status)).toEqual([
      'succeeded',
      'succeeded',
      'sending',
      'pending',
      'pending',
    ]);

    const second = await startHarness({ sim, dir, replicaId: 'replica-a' });
    open.push(second);
    return second;
  }

  it('finds the invoice that landed by reading back, sends nothing on restart, and Resume finishes the rest once', async () => {
    const h = await crashDuringInvoice('after_commit');
    const writesAtRestart = sim.writes().length;
    // bot.start() recovered the action before returning: the card shows the truth.
    const recovered = h.slack.callsTo('chat.update').at(-1)!;
    expect(recovered.body.text).toMatch(/— not posted$/);
    const text = cardText(recovered);
    expect(stepLine(recovered, 3)).toMatch(/^✅ done — .*invoice #\d+/);
    expect(text).toContain('Resume from step 4');
    expect(sim.writes()).toHaveLength(writesAtRestart);
    expect(sim.state.invoices.filter((i) => i.ticket_id === ticketId(sim))).toHaveLength(1);

    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, recovered, ACTION.post);
    await waitForCard(h, /— posted$/, { after: since });
    expectBilledOnce(sim);
    expect(Object.values(writeCounts(sim))).toEqual([1, 1, 1, 1]);
  });

  it('finds that the invoice did not land, sends nothing on restart, and Resume creates it once', async () => {
    const h = await crashDuringInvoice('before_commit');
    const writesAtRestart = sim.writes().length;
    const recovered = h.slack.callsTo('chat.update').at(-1)!;
    expect(recovered.body.text).toMatch(/— not posted$/);
    expect(stepLine(recovered, 3)).toMatch(/^∅ not in Syncro \(checked\)/);
    expect(cardText(recovered)).toContain('Resume from step 3');
    expect(sim.writes()).toHaveLength(writesAtRestart);
    expect(sim.state.invoices.filter((i) => i.ticket_id === ticketId(sim))).toHaveLength(0);

    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, recovered, ACTION.post);
    await waitForCard(h, /— posted$/, { after: since });
    expectBilledOnce(sim);
    const tid = ticketId(sim);
    expect(writeCounts(sim)).toEqual({
      [`POST /tickets/${tid}/comment`]: 1,
      [`POST /tickets/${tid}/add_line_item`]: 1,
      'POST /invoices': 2,
      [`PUT /tickets/${tid}`]: 1,
    });
  });
});
