import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import { type Harness, openBillModalFor, startHarness, USERS } from './harness.js';

/**
 * Issue 16, item 16: fail before the form, not after. A form that acts on a ticket opens at once (the trigger id
 * lasts 3 s) and looks the ticket up; when the lookup shows the form cannot work, the opened form turns into the
 * error (views.update) at once: no inputs left to fill in, nothing to submit. A temporary failure keeps the form
 * and what was typed. A form opened from a ticket view drawn moments ago trusts that view's read.
 */

interface View {
  callback_id?: string;
  title?: { text: string };
  submit?: unknown;
  blocks: Array<{ type: string }>;
}

function viewOf(call: { body: Record<string, unknown> }): View {
  return call.body.view as View;
}

function expectTurnedIntoError(v: View, title: string): void {
  expect(v.title?.text).toBe(title);
  expect(v.blocks.filter((b) => b.type === 'input')).toEqual([]);
  expect(v.submit).toBeUndefined();
  const text = JSON.stringify(v.blocks);
  expect(text).toContain('⚠️ No such ticket in Syncro.');
  expect(text).toContain('Nothing was sent to Syncro.');
}

describe('forms that look a ticket up', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ logLevel: 'debug' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('/syncro bill 99999: the opened form becomes the error, with nothing to fill in', async () => {
    const { opened, filled } = await openBillModalFor(h, USERS.howard, '99999');
    expect(viewOf(opened).blocks.some((b) => b.type === 'input')).toBe(true);
    expectTurnedIntoError(viewOf(filled), 'Bill #99999');
    expect(await h.actions()).toHaveLength(0);
    expect(h.sim.writes()).toHaveLength(0);
  });

  it.each([
    [ACTION.ticketClose, 'Close #99999'],
    [ACTION.ticketComment, 'Comment on #99999'],
    [ACTION.ticketStatus, 'Status of #99999'],
  ])('%s on a ticket that is gone: the form becomes the error', async (actionId, title) => {
    const triggerId = `trig-${actionId}`;
    await h.click(USERS.howard, actionId, '99999', { triggerId });
    const opened = await h.slack.waitForCall('views.open', (c) => c.body.trigger_id === triggerId);
    const viewId = (opened.reply.body.view as { id: string }).id;
    const updated = await h.slack.waitForCall('views.update', (c) => c.body.view_id === viewId);
    expect(viewOf(opened).blocks.some((b) => b.type === 'input')).toBe(true);
    expectTurnedIntoError(viewOf(updated), title);
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('Syncro down while the form looks the ticket up: the form and what was typed stay, the problem on top', async () => {
    h.sim.injectFault({ method: 'GET', path: '/tickets', mode: 'status_503', times: 20 });
    try {
      const triggerId = 'trig-comment-503';
      await h.click(USERS.howard, ACTION.ticketComment, '32164', { triggerId });
      const opened = await h.slack.waitForCall('views.open', (c) => c.body.trigger_id === triggerId);
      const viewId = (opened.reply.body.view as { id: string }).id;
      const updated = viewOf(await h.slack.waitForCall('views.update', (c) => c.body.view_id === viewId));
      const before = viewOf(opened);
      // Same inputs (same block ids: Slack keeps what was typed), still submittable, the problem first.
      expect(updated.blocks.slice(1)).toEqual(before.blocks);
      expect(updated.submit).toEqual(before.submit);
      expect(updated.callback_id).toBe(before.callback_id);
      expect(JSON.stringify(updated.blocks[0])).toContain('Syncro is not answering right now');
      expect(JSON.stringify(updated.blocks[0])).toContain('What you type is kept');
    } finally {
      h.sim.clearFaults();
    }
  });

  it('a button on a ticket view drawn moments ago opens its form without reading the ticket again', async () => {
    const triggerId = 'trig-comment-fresh';
    const before = h.sim.requests.length;
    await h.click(USERS.howard, ACTION.ticketComment, '32164', {
      triggerId,
      messageTs: `${Math.floor(Date.now() / 1000)}.000100`,
    });
    const opened = await h.slack.waitForCall('views.open', (c) => c.body.trigger_id === triggerId);
    const viewId = (opened.reply.body.view as { id: string }).id;
    // The lookup ran (the person may write) but sent nothing to Syncro: the view's read is seconds old.
    await h.waitForLog((l) => l.msg === 'a form looked its ticket up' && l.viewId === viewId);
    expect(
      h.sim.requests.slice(before).filter((r) => r.method === 'GET' && r.path.startsWith('/tickets')),
    ).toEqual([]);
  });

  it('a ticket that exists: the bill form is filled in, not replaced by an error', async () => {
    const { filled } = await openBillModalFor(h, USERS.howard, '32164');
    const v = viewOf(filled);
    expect(v.blocks.some((b) => b.type === 'input')).toBe(true);
    expect(v.submit).toBeDefined();
  });
});
