import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import type { FaultMode } from '../support/faults.js';
import {
  buttonValue,
  clickAndSettle,
  type Harness,
  KEYS,
  latestAction,
  privateNoteTo,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * Every way Syncro can fail to give a usable answer to a write, before and after the write is stored: exactly one
 * request is sent, the bot reads Syncro back and records what it found (posted, with its id) or not there (failed,
 * "Post again"), and only a new click sends again — once.
 */

type Card = { text?: string; blocks?: unknown[] };
type When = 'before_commit' | 'after_commit';

/** Short, so a 'hang' becomes a timeout quickly; loopback reads answer well within it. */
const TIMEOUT_MS = 300;

const MODES: FaultMode[] = [
  'hang',
  'reset',
  'null_body',
  'empty_body',
  'garbage_body',
  'status_500',
  'status_502',
  'unwrapped',
];
const CASES = MODES.flatMap((mode) =>
  (['before_commit', 'after_commit'] as When[]).map((when) => ({ mode, when })),
);

/** 'unwrapped' answers an object that exists, so it is always after the commit. */
function commits(mode: FaultMode, when: When): boolean {
  return mode === 'unwrapped' || when === 'after_commit';
}

function buttonText(card: Card, actionId: string): string | undefined {
  for (const b of card.blocks ?? []) {
    const els = (b as { elements?: Array<{ action_id?: string; text?: { text?: string } }> }).elements ?? [];
    for (const e of els) if (e.action_id === actionId) return e.text?.text;
  }
  return undefined;
}

/** Proposes a write with a slash command and returns its card. */
async function propose(h: Harness, text: string): Promise<Card> {
  const cmd = await h.command(USERS.howard, text);
  return (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
}

/** Post; the card must pass through "checking Syncro" before it settles. */
async function postThroughUnknown(h: Harness, card: Card): Promise<Card> {
  const { responseUrl, card: done } = await clickAndSettle(
    h,
    USERS.howard,
    ACTION.post,
    buttonValue(card.blocks, ACTION.post)!,
  );
  expect(
    h.slack.responses.some((r) => r.url === responseUrl && /— checking Syncro$/.test(r.body.text ?? '')),
  ).toBe(true);
  return done;
}

/** "Post again" on a card that was checked and found absent: one more request, and it is posted. */
async function postAgain(h: Harness, failedCard: Card, writesBefore: number): Promise<Card> {
  expect(buttonText(failedCard, ACTION.post)).toBe('Post again');
  const again = buttonValue(failedCard.blocks, ACTION.post)!;
  const { card } = await clickAndSettle(h, USERS.howard, ACTION.post, again);
  expect(h.sim.writes()).toHaveLength(writesBefore + 1);
  expect(textOf(card)).toMatch(/Posted\*? by <@U0HOWARD1>/);
  expect((await latestAction(h)).state).toBe('succeeded');
  return card;
}

describe('faults on POST comment: reconciled by reading back, never re-sent', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ timeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(CASES)(
    'sends one request and ends in the true state when Syncro answers $mode $when',
    async ({ mode, when }) => {
      const ticket = h.sim.state.ticketByNumber(32164)!;
      const body = `Fault ${mode} ${when}`;
      const card = await propose(h, `comment 32164 ${body}`);
      h.sim.injectFault({ method: 'POST', path: `/tickets/${ticket.id}/comment`, mode, when });

      const done = await postThroughUnknown(h, card);
      expect(h.sim.writes()).toHaveLength(1);
      expect(h.sim.writes()[0]!.apiKey).toBe(KEYS.howard);
      const stored = () => h.sim.state.commentsOf(ticket.id).filter((c) => c.body === body);
      const action = await latestAction(h);

      if (commits(mode, when)) {
        expect(stored()).toHaveLength(1);
        expect(action.state).toBe('succeeded');
        expect(action.steps[0]).toMatchObject({ status: 'succeeded', resultId: stored()[0]!.id });
        expect(textOf(done)).toMatch(/Posted\*? by <@U0HOWARD1>/);
        expect(textOf(done)).toContain('comment on <');
        expect(buttonValue(done.blocks, ACTION.post)).toBeUndefined();
      } else {
        expect(stored()).toHaveLength(0);
        expect(action).toMatchObject({ state: 'failed', resumable: true });
        expect(action.steps[0]!.status).toBe('absent');
        expect(textOf(done)).toContain('Syncro was checked: the comment is not there');
        // The first drawing's Post (an older attempt) does not send it again; only "Post again" does.
        const stale = await h.click(USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
        expect(await privateNoteTo(h, stale.responseUrl)).toMatch(/changed since you saw it/);
        expect(h.sim.writes()).toHaveLength(1);
        await postAgain(h, done, 1);
        expect(stored()).toHaveLength(1);
        expect((await latestAction(h)).steps[0]!.resultId).toBe(stored()[0]!.id);
      }
    },
  );
});

describe('reading back after an unclear answer, with an identical comment already on the ticket', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ timeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await h.close();
  });

  // The reconciler looks back `CLOCK_SKEW_MS` (5 min) for a matching comment, so an identical comment posted
  // minutes earlier would match: the ids read just before the send (`preexistingIds`) keep it from being taken
  // for the one whose outcome is unknown.
  it('does not take an identical comment posted minutes earlier for the one that was never stored', async () => {
    const ticket = h.sim.state.ticketByNumber(32164)!;
    const first = await propose(h, 'comment 32164 Called, left a voicemail');
    await clickAndSettle(h, USERS.howard, ACTION.post, buttonValue(first.blocks, ACTION.post)!);
    const earlier = h.sim.state.commentsOf(ticket.id)[0]!;

    const second = await propose(h, 'comment 32164 Called, left a voicemail');
    h.sim.injectFault({
      method: 'POST',
      path: `/tickets/${ticket.id}/comment`,
      mode: 'status_500',
      when: 'before_commit',
    });
    await postThroughUnknown(h, second);
    expect(h.sim.state.commentsOf(ticket.id).filter((c) => c.body === earlier.body)).toHaveLength(1);
    const action = await latestAction(h);
    expect(action.steps[0]!.resultId).not.toBe(earlier.id);
    expect(action.state).toBe('failed');
  });
});

describe('faults on create ticket and update status', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ timeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    { mode: 'status_502', when: 'after_commit' },
    { mode: 'hang', when: 'after_commit' },
    { mode: 'reset', when: 'before_commit' },
    { mode: 'empty_body', when: 'before_commit' },
  ] as Array<{ mode: FaultMode; when: When }>)(
    'creates exactly one ticket when POST /tickets meets $mode $when',
    async ({ mode, when }) => {
      const subject = `Create fault ${mode} ${when}`;
      const card = await propose(h, `create "Acme Dental" ${subject}`);
      h.sim.injectFault({ method: 'POST', path: '/tickets', mode, when });

      const done = await postThroughUnknown(h, card);
      expect(h.sim.writes()).toHaveLength(1);
      const created = () => h.sim.state.tickets.filter((t) => t.subject === subject);
      if (commits(mode, when)) {
        expect(created()).toHaveLength(1);
        const action = await latestAction(h);
        expect(action.state).toBe('succeeded');
        expect(action.steps[0]!.resultId).toBe(created()[0]!.id);
        expect(textOf(done)).toContain(`found ticket #${created()[0]!.number} in Syncro`);
        expect(textOf(done)).toContain(`${h.sim.webUrl}/tickets/${created()[0]!.id}`);
      } else {
        expect(created()).toHaveLength(0);
        expect(await latestAction(h)).toMatchObject({ state: 'failed', resumable: true });
        expect(textOf(done)).toContain('Syncro was checked: the ticket is not there');
        await postAgain(h, done, 1);
        expect(created()).toHaveLength(1);
      }
    },
  );

  it.each([
    { mode: 'null_body', when: 'after_commit' },
    { mode: 'unwrapped', when: 'after_commit' },
    { mode: 'status_500', when: 'before_commit' },
    { mode: 'hang', when: 'before_commit' },
  ] as Array<{ mode: FaultMode; when: When }>)(
    'sets the status once when PUT /tickets/{id} meets $mode $when',
    async ({ mode, when }) => {
      const ticket = h.sim.state.ticketByNumber(32164)!;
      expect(ticket.status).toBe('New');
      const card = await propose(h, 'update 32164 waiting on customer');
      h.sim.injectFault({ method: 'PUT', path: `/tickets/${ticket.id}`, mode, when });

      const done = await postThroughUnknown(h, card);
      expect(h.sim.writes()).toHaveLength(1);
      if (commits(mode, when)) {
        expect(ticket.status).toBe('Waiting on Customer');
        expect(await latestAction(h)).toMatchObject({ state: 'succeeded' });
        expect(textOf(done)).toContain('ticket #32164 shows the change');
      } else {
        expect(ticket.status).toBe('New');
        expect(await latestAction(h)).toMatchObject({ state: 'failed', resumable: true });
        expect(textOf(done)).toContain('Syncro was checked: the ticket still has status');
        await postAgain(h, done, 1);
        expect(ticket.status).toBe('Waiting on Customer');
      }
    },
  );
});

describe('faults in a two-step close: a resume sends only the steps not yet in Syncro', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ timeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    { path: 'comment', mode: 'status_502', when: 'after_commit' },
    { path: 'status', mode: 'reset', when: 'before_commit' },
  ] as Array<{ path: 'comment' | 'status'; mode: FaultMode; when: When }>)(
    'resumes from step 2 without re-sending the comment when the $path step meets $mode $when',
    async ({ path, mode, when }) => {
      const ticket = h.sim.state.ticketByNumber(32164)!;
      const body = `Close fault on ${path}`;
      const card = await propose(h, `close 32164 ${body}`);
      h.sim.injectFault(
        path === 'comment'
          ? { method: 'POST', path: `/tickets/${ticket.id}/comment`, mode, when }
          : { method: 'PUT', path: `/tickets/${ticket.id}`, mode, when },
      );

      const done = await postThroughUnknown(h, card);
      const action = await latestAction(h);
      expect(action).toMatchObject({ state: 'failed', resumable: true });
      expect(action.steps[0]!.status).toBe('succeeded');
      expect(h.sim.state.commentsOf(ticket.id).filter((c) => c.body === body)).toHaveLength(1);
      if (path === 'comment') {
        // Step 1 was found after the unclear answer; step 2 was never sent.
        expect(h.sim.writes()).toHaveLength(1);
        expect(action.steps[1]!.status).toBe('pending');
        expect(textOf(done)).toContain('Step 1 was found in Syncro after an unclear answer');
      } else {
        expect(h.sim.writes()).toHaveLength(2);
        expect(action.steps[1]!.status).toBe('absent');
        expect(ticket.status).toBe('New');
      }
      expect(buttonText(done, ACTION.post)).toBe('Resume from step 2');

      const writesBefore = h.sim.writes().length;
      const { card: resumed } = await clickAndSettle(
        h,
        USERS.howard,
        ACTION.post,
        buttonValue(done.blocks, ACTION.post)!,
      );
      const sent = h.sim.writes().slice(writesBefore);
      expect(sent.map((w) => `${w.method} ${w.path}`)).toEqual([`PUT /tickets/${ticket.id}`]);
      expect(sent[0]!.rawBody).toBe(JSON.stringify({ status: 'Resolved' }));
      expect(textOf(resumed)).toMatch(/Posted\*? by <@U0HOWARD1>/);
      expect(ticket.status).toBe('Resolved');
      expect(h.sim.state.commentsOf(ticket.id).filter((c) => c.body === body)).toHaveLength(1);
    },
  );
});

describe('a refusal by Syncro (422) is a known failure', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ timeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await h.close();
  });

  it('shows the refusal in Syncro’s words, reads nothing back and sends nothing more', async () => {
    const ticket = h.sim.state.ticketByNumber(32164)!;
    const card = await propose(h, 'update 32164 in progress');
    // The account's status list changed after the card was drawn: Syncro now refuses the status.
    h.sim.state.statuses.splice(h.sim.state.statuses.indexOf('In Progress'), 1);
    const readsBefore = h.sim.requests.filter((r) => r.method === 'GET').length;

    const { responseUrl, card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    expect(h.sim.writes()).toHaveLength(1);
    expect(h.sim.requests.filter((r) => r.method === 'GET').length).toBe(readsBefore);
    expect(
      h.slack.responses.some((r) => r.url === responseUrl && /checking Syncro/.test(r.body.text ?? '')),
    ).toBe(false);
    expect(textOf(done)).toContain('Syncro refused it: Status In Progress is not a valid ticket status');
    // Nothing was read back, so the card must not claim Syncro was checked.
    expect(textOf(done)).not.toContain('Syncro was checked');
    expect(textOf(done)).toContain('Nothing was written to Syncro');
    expect(ticket.status).toBe('New');
    const action = await latestAction(h);
    expect(action.state).toBe('failed');
    expect(action.steps[0]).toMatchObject({ status: 'failed' });
    const audit = await h.store.listAudit(ticket.id, 10);
    expect(audit.map((e) => e.outcome)).toEqual(['failed']);
  });
});
