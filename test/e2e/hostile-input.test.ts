import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, textOf, USERS } from './harness.js';

/**
 * Nothing a customer or a technician types can freeze the bot: a huge, hostile comment body (customers' e-mail
 * replies become comments) in a ticket view, and a 4,000-character `/syncro create`, are each answered within
 * Slack's ack budget while another person's command, sent at the same moment, is answered too.
 */

/** Slack shows an error when a command is not acknowledged within 3 seconds. */
const ACK_BUDGET_MS = 3_000;

/**
 * Sends both commands at the same moment and waits for both answers (at their response_urls); the times are
 * from the send to each ack and to each answer.
 */
async function together(h: Harness, a: { user: string; text: string }, b: { user: string; text: string }) {
  const t0 = performance.now();
  const run = async (c: { user: string; text: string }) => {
    const sent = await h.command(c.user, c.text);
    const ackMs = performance.now() - t0;
    const reply = await h.slack.waitForResponse((r) => r.url === sent.responseUrl, { timeoutMs: 15_000 });
    return { status: sent.status, ackMs, answerMs: performance.now() - t0, reply: reply.body };
  };
  return Promise.all([run(a), run(b)]);
}

describe('hostile input', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers a ticket view with a 100,000-character hostile comment, and another person’s command, within the ack budget', async () => {
    const ticket = h.sim.state.ticketByNumber(32164)!;
    // An e-mail reply of whitespace runs (a signature block pasted badly), and one of deeply nested markup.
    const runs = `Re: printer\n${' \t'.repeat(50_000)}x`;
    const nested = `${'<div><b>'.repeat(5_000)}deep${'</b></div>'.repeat(5_000)}`;
    expect(runs.length).toBeGreaterThanOrEqual(100_000);
    h.sim.state.addComment({ ticket_id: ticket.id, subject: 'Email reply', body: nested, tech: 'Customer' });
    h.sim.state.addComment({ ticket_id: ticket.id, subject: 'Email reply', body: runs, tech: 'Customer' });

    const [hostile, other] = await together(
      h,
      { user: USERS.howard, text: 'ticket 32164' },
      { user: USERS.mike, text: 'ticket 32163' },
    );
    for (const r of [hostile, other]) {
      expect(r.status).toBe(200);
      expect(r.ackMs).toBeLessThan(ACK_BUDGET_MS);
      expect(r.answerMs).toBeLessThan(ACK_BUDGET_MS);
    }
    // The ticket is shown, its comments cut to what a message holds; the other person got their own ticket.
    const shown = textOf(hostile.reply);
    expect(shown).toContain(ticket.subject);
    expect(shown).toContain('Re: printer');
    expect(shown).toMatch(/more in Syncro/);
    expect(textOf(other.reply)).toContain(h.sim.state.ticketByNumber(32163)!.subject);
  });

  it('answers a 4,000-character /syncro create, and another person’s command, within the ack budget', async () => {
    // Many customers match the first word: every one of them is compared with the leading words.
    h.sim.state.addCustomer({ business_name: 'Acme' });
    for (let i = 1; i < 25; i++) h.sim.state.addCustomer({ business_name: `Acme Branch ${i} Supply` });
    const subject = 'a '.repeat(2_000).trim();
    const text = `create Acme ${subject}`;
    expect(text.length).toBeGreaterThanOrEqual(4_000);

    const [create, other] = await together(
      h,
      { user: USERS.howard, text },
      { user: USERS.mike, text: 'ticket 32163' },
    );
    for (const r of [create, other]) {
      expect(r.status).toBe(200);
      expect(r.ackMs).toBeLessThan(ACK_BUDGET_MS);
      expect(r.answerMs).toBeLessThan(ACK_BUDGET_MS);
    }
    // The create got its answer (a card to check, or what to change), the other person their ticket.
    expect(textOf(create.reply)).toMatch(/Acme|subject/i);
    expect(textOf(other.reply)).toContain(h.sim.state.ticketByNumber(32163)!.subject);
  });
});
