import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { PendingAction } from '../../src/actions/types.js';
import { ACTION } from '../../src/slack/action-ids.js';
import { cardButtonValue } from '../../src/slack/views/action-card.js';
import { type TempRepos, tempRepos } from '../support/git-repos.js';
import {
  BASE_YAML,
  buttonValue,
  clickAndSettle,
  clickOnCard,
  type Harness,
  isFinalCard,
  lastSeq,
  latestAction,
  privateNoteTo,
  proposeBillCard,
  shownPayloads,
  startHarness,
  textOf,
  USERS,
  waitForCard,
} from './harness.js';

/**
 * Session logs end to end: a finished close (or billing) card offers "Write session log"; its card shows the
 * Markdown and where it goes; Post writes it once: a commit in a real temporary git working copy, with the
 * technician as author, pushed to a bare remote, or (without a repository) one file uploaded to the card's thread
 * through the Slack fake.
 */

type Card = { text?: string; blocks?: unknown[] };

const CLOSE_TEXT = 'Replaced the toner, printing again';

function yamlWith(sessionLogs: string): string {
  return `${BASE_YAML}session_logs: ${sessionLogs}\n`;
}

/** `/syncro close 32164 …` → Post → the final card (which offers Write session log). */
async function closeTicket(h: Harness): Promise<Card> {
  const cmd = await h.command(USERS.howard, `close 32164 ${CLOSE_TEXT}`);
  const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
  const { card: done } = await clickAndSettle(
    h,
    USERS.howard,
    ACTION.post,
    buttonValue(card.blocks, ACTION.post)!,
  );
  return done;
}

/** Clicks Write session log on a finished card and returns the session log's own card. */
async function openSessionLogCard(h: Harness, finished: Card): Promise<{ card: Card; responseUrl: string }> {
  const value = buttonValue(finished.blocks, ACTION.sessionLog);
  if (!value) throw new Error(`the finished card offers no Write session log: ${textOf(finished)}`);
  const click = await h.click(USERS.howard, ACTION.sessionLog, value);
  const r = await h.slack.waitForResponse((x) => x.url === click.responseUrl);
  return { card: r.body, responseUrl: click.responseUrl };
}

/** Rewrites a row as a crash during its send leaves it: executing, the step journaled as sending, lease expired. */
async function leftMidWrite(h: Harness, a: PendingAction): Promise<void> {
  const { resultId: _r, outcome: _o, finishedAt: _f, ...step } = a.steps[0]!;
  const ok = await h.store.update(
    a.id,
    {},
    {
      state: 'executing',
      attempt: a.attempt + (a.state === 'proposed' ? 1 : 0),
      clickedBy: USERS.howard,
      steps: [{ ...step, status: 'sending', sentAt: Date.now() }],
      leaseOwner: 'a-replica-that-crashed',
      leaseUntil: 1,
    },
  );
  if (!ok) throw new Error('could not rewrite the row');
}

describe('session logs in a git working copy', () => {
  let h: Harness | undefined;
  let repos: TempRepos | undefined;
  afterEach(async () => {
    await h?.close();
    repos?.remove();
    h = undefined;
    repos = undefined;
  });

  it('writes the log shown on the card once: one commit at the customer path, the technician as author, pushed', async () => {
    repos = await tempRepos();
    h = await startHarness({ yaml: yamlWith(`{ repo: ${repos.work}, push: true }`) });
    const finished = await closeTicket(h);
    const { card } = await openSessionLogCard(h, finished);
    const writesBefore = h.sim.writes().length;

    // The card: the Markdown exactly as it will be written, where it goes, and nothing written yet.
    const [markdown] = shownPayloads(card.blocks);
    const proposed = await latestAction(h);
    expect(proposed.kind).toBe('session_log');
    expect(markdown).toBe((proposed.steps[0]!.body as { markdown: string }).markdown);
    expect(markdown).toContain('# Session log: ticket #32164');
    expect(markdown).toContain(`> ${CLOSE_TEXT}`);
    expect(markdown).toContain('Howard Enos');
    const file = proposed.steps[0]!.path;
    expect(file).toMatch(/^clients\/[a-z0-9-]+\/session-logs\/\d{4}-\d{2}-\d{2}-32164\.md$/);
    expect(textOf(card)).toContain(file);
    expect(textOf(card)).toContain('pushed to origin');
    expect(await repos.commits(repos.work, 'HEAD')).toEqual([]);

    // Two Post clicks at once: one wins the claim, one commit.
    const post = buttonValue(card.blocks, ACTION.post)!;
    const [first] = await Promise.all([
      clickAndSettle(h, USERS.howard, ACTION.post, post),
      h.click(USERS.howard, ACTION.post, post),
    ]);
    const done = await latestAction(h);
    expect(done.state).toBe('succeeded');
    const commits = await repos.commits(repos.work, 'HEAD', file);
    expect(commits).toHaveLength(1);
    expect(await repos.commits(repos.work, 'HEAD')).toHaveLength(1);
    const author = await repos.git(repos.work, 'log', '-1', '--format=%an <%ae>');
    expect(author).toMatch(/^Howard Enos <[^>]+@[^>]+>$/);
    expect(await repos.git(repos.work, 'show', `HEAD:${file}`)).toBe(markdown!.replace(/\n$/, ''));
    // Pushed: the bare remote has the same commit on main.
    expect(await repos.commits(repos.bare, 'main')).toEqual(commits);
    expect(textOf(first.card)).toMatch(/pushed to origin/);
    // Nothing was sent to Syncro for the log.
    expect(h.sim.writes()).toHaveLength(writesBefore);

    // The finished card's button again: the log is not written twice.
    const again = await h.click(
      USERS.howard,
      ACTION.sessionLog,
      buttonValue(finished.blocks, ACTION.sessionLog)!,
    );
    expect(await privateNoteTo(h, again.responseUrl)).toMatch(/already written/);
    expect(await repos.commits(repos.work, 'HEAD')).toHaveLength(1);
  });

  it('logs every comment, read from the comments endpoint, when the ticket lists only some', async () => {
    repos = await tempRepos();
    h = await startHarness({ yaml: yamlWith(`{ repo: ${repos.work}, push: false }`) });
    const ticket = h.sim.state.ticketByNumber(32164)!;
    h.sim.state.addComment({
      ticket_id: ticket.id,
      subject: 'Update',
      body: 'Called Jerry: the sync icon is green on his laptop too',
      tech: 'Howard Enos',
    });
    // Syncro's ticket answer carries only the oldest comment ("what was reported").
    h.sim.state.commentReads = { ticketShows: 1 };
    const finished = await closeTicket(h);
    const { card } = await openSessionLogCard(h, finished);
    const [markdown] = shownPayloads(card.blocks);
    expect(markdown).toContain('The ownCloud sync icon is red again.');
    expect(markdown).toContain('Called Jerry: the sync icon is green on his laptop too');
    // The resolution is its own section, not repeated among the comments.
    expect(markdown!.split(CLOSE_TEXT)).toHaveLength(2);
  });

  it('keeps the commit when the push fails, and the card says so', async () => {
    repos = await tempRepos();
    h = await startHarness({ yaml: yamlWith(`{ repo: ${repos.work}, push: true }`) });
    // The remote is gone after start-up (a server down, a deleted repository).
    rmSync(repos.bare, { recursive: true, force: true });
    const finished = await closeTicket(h);
    const { card } = await openSessionLogCard(h, finished);
    const { card: done } = await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.blocks, ACTION.post)!,
    );
    const action = await latestAction(h);
    expect(action.state).toBe('succeeded');
    expect(await repos.commits(repos.work, 'HEAD', action.steps[0]!.path)).toHaveLength(1);
    expect(textOf(done)).toMatch(/push to origin failed/);
    expect(textOf(done)).toMatch(/the commit is kept/);
  });

  it('after a crash between the commit and its journal entry, reads the commit back and never commits twice', async () => {
    repos = await tempRepos();
    h = await startHarness({ yaml: yamlWith(`{ repo: ${repos.work}, push: true }`) });
    const finished = await closeTicket(h);
    const { card } = await openSessionLogCard(h, finished);
    const post = buttonValue(card.blocks, ACTION.post)!;
    await clickAndSettle(h, USERS.howard, ACTION.post, post);
    const written = await latestAction(h);
    // The row as a crash left it: the commit made, the step still journaled as sending, the lease run out.
    await leftMidWrite(h, written);
    await h.bot.sweep();
    const recovered = (await h.store.get(written.id))!;
    expect(recovered.state).toBe('succeeded');
    expect(recovered.steps[0]).toMatchObject({
      status: 'succeeded',
      outcome: { code: 'found', what: 'session_log' },
    });
    expect(await repos.commits(repos.work, 'HEAD')).toHaveLength(1);
    const late = await h.click(USERS.howard, ACTION.post, cardButtonValue(recovered));
    expect(await privateNoteTo(h, late.responseUrl)).toMatch(/Already posted/);
    expect(await repos.commits(repos.work, 'HEAD')).toHaveLength(1);
  });

  it('after a crash before the commit, reads back "not there" and writes it once on Post again', async () => {
    repos = await tempRepos();
    h = await startHarness({ yaml: yamlWith(`{ repo: ${repos.work} }`) });
    const finished = await closeTicket(h);
    await openSessionLogCard(h, finished);
    const proposed = await latestAction(h);
    await leftMidWrite(h, proposed);
    await h.bot.sweep();
    const checked = (await h.store.get(proposed.id))!;
    expect(checked.state).toBe('failed');
    expect(checked.steps[0]).toMatchObject({
      status: 'absent',
      outcome: { code: 'absent', what: 'session_log' },
    });
    expect(await repos.commits(repos.work, 'HEAD')).toEqual([]);
    await clickAndSettle(h, USERS.howard, ACTION.post, cardButtonValue(checked));
    expect((await h.store.get(proposed.id))!.state).toBe('succeeded');
    expect(await repos.commits(repos.work, 'HEAD')).toHaveLength(1);
  });

  it('writes a log for someone without a key of their own under their own name, not the shared key owner', async () => {
    repos = await tempRepos();
    h = await startHarness({
      yaml: yamlWith(`{ repo: ${repos.work}, author_email_domain: example.com }`).replace(
        'shared_key_writes: deny',
        'shared_key_writes: warn',
      ),
    });
    const cmd = await h.command(USERS.winter, `close 32164 ${CLOSE_TEXT}`);
    const closeCard = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    const { card: finished } = await clickAndSettle(
      h,
      USERS.winter,
      ACTION.post,
      buttonValue(closeCard.blocks, ACTION.post)!,
    );
    const click = await h.click(
      USERS.winter,
      ACTION.sessionLog,
      buttonValue(finished.blocks, ACTION.sessionLog)!,
    );
    const card = (await h.slack.waitForResponse((x) => x.url === click.responseUrl)).body;
    await clickAndSettle(h, USERS.winter, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    expect(await repos.git(repos.work, 'log', '-1', '--format=%an <%ae>')).toBe(
      'Winter <winter@example.com>',
    );
  });

  it('commits without pushing when push is off', async () => {
    repos = await tempRepos();
    h = await startHarness({ yaml: yamlWith(`{ repo: ${repos.work} }`) });
    const finished = await closeTicket(h);
    const { card } = await openSessionLogCard(h, finished);
    expect(textOf(card)).toContain('not pushed');
    await clickAndSettle(h, USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    expect(await repos.commits(repos.work, 'HEAD')).toHaveLength(1);
    expect(await repos.commits(repos.bare, 'main')).toEqual([]);
  });
});

describe('session logs without a repository: uploaded to the card thread', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('uploads one file to the billing card thread with filesUploadV2', async () => {
    h = await startHarness();
    const { card: billCard } = await proposeBillCard(h, USERS.howard, '32164');
    const since = lastSeq(h);
    await clickOnCard(h, USERS.howard, billCard, ACTION.post);
    const billed = await waitForCard(h, /— posted$/, { after: since });
    const cardTs = String(billCard.body.ts ?? billCard.reply.body.ts);

    const click = await clickOnCard(h, USERS.howard, billed, ACTION.sessionLog);
    const logCard = (await h.slack.waitForResponse((x) => x.url === click.responseUrl)).body;
    const [markdown] = shownPayloads(logCard.blocks);
    expect(markdown).toMatch(/Invoice: #\d+/);
    expect(textOf(logCard)).toContain('card thread');

    const post = buttonValue(logCard.blocks, ACTION.post)!;
    const [done] = await Promise.all([
      clickAndSettle(h, USERS.howard, ACTION.post, post),
      h.click(USERS.howard, ACTION.post, post),
    ]);
    expect(isFinalCard(done.card)).toBe(true);
    const completes = h.slack.callsTo('files.completeUploadExternal');
    expect(completes).toHaveLength(1);
    expect(completes[0]!.body).toMatchObject({ channel_id: 'C0TICKETS', thread_ts: cardTs });
    const shared = [...h.slack.files.values()].filter((f) => f.shared);
    expect(shared).toHaveLength(1);
    expect(shared[0]!.filename).toMatch(/^\d{4}-\d{2}-\d{2}-32164\.md$/);
    expect(shared[0]!.content).toContain(markdown!);
    expect(h.slack.callsTo('files.upload')).toHaveLength(0);
  });
});
