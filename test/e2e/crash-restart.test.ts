import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PendingAction } from '../../src/actions/types.js';
import { type SlackFake, startSlackFake } from '../../src/playground/slack/server.js';
import { blockAction, slashCommand } from '../../src/playground/slack/signer.js';
import type { RecordedRequest } from '../../src/sandbox/types.js';
import { ACTION } from '../../src/slack/action-ids.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { type FaultySimulator, startFaultySimulator } from '../support/faults.js';
import { BOT_TOKEN, buttonValue, KEYS, SECRET, textOf, USERS } from './harness.js';

/**
 * Crash safety with a REAL process: the bot runs as `node --import tsx src/main.ts`, is killed with SIGKILL while
 * its write to Syncro hangs, and a second process on the same DATA_DIR must reconcile at start-up by reading
 * Syncro back — never by sending again — and update the card with the truth.
 */

const CWD = join(import.meta.dirname, '..', '..');
const TICKET_NUMBER = 32164;

const YAML = `
users:
  ${USERS.howard}: { name: Howard Enos, syncro_user_id: 1750, api_key: { env: SYNCRO_KEY_HOWARD } }
`;

interface BotProcess {
  child: ChildProcess;
  port: number;
  eventsUrl: string;
  /** Every JSON log line the process has written to stdout so far. */
  logs: Array<Record<string, unknown>>;
  stderr: string[];
  exited: Promise<void>;
}

const isCommentPost = (r: RecordedRequest) => r.method === 'POST' && /^\/tickets\/\d+\/comment$/.test(r.path);

// Each test starts, kills and restarts a bot process (tsx compiles it at each start): give it room on a busy machine.
describe('crash and restart of the bot process during a write', { timeout: 90_000 }, () => {
  let sim: FaultySimulator;
  let slack: SlackFake;
  let dir: string;
  const children: BotProcess[] = [];

  beforeAll(async () => {
    sim = await startFaultySimulator({
      keys: { [KEYS.howard]: { user_id: 1750, user_name: 'Howard Enos' } },
    });
    slack = await startSlackFake();
  });
  afterAll(async () => {
    await slack?.close();
    await sim?.close();
  });
  beforeEach(() => {
    sim.reset();
    slack.reset();
    dir = mkdtempSync(join(tmpdir(), 'syncro-slack-crash-'));
    writeFileSync(join(dir, 'syncro-bot.yml'), YAML);
  });
  afterEach(async () => {
    // No orphans: every child this test started is killed and reaped.
    await Promise.all(children.splice(0).map(kill));
    sim.releaseHangs();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the bot as a child process; resolves once its log says it is listening (no sleeps). */
  async function startBot(): Promise<BotProcess> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SYNCRO_BASE_URL: sim.url,
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      DATA_DIR: dir,
      SYNCRO_BOT_CONFIG: join(dir, 'syncro-bot.yml'),
      SYNCRO_KEY_HOWARD: KEYS.howard,
      // The hung write must hang until the process is killed, not time out.
      SYNCRO_TIMEOUT_MS: '300000',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: CWD,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const logs: Array<Record<string, unknown>> = [];
    const stderr: string[] = [];
    const proc = { child, port: 0, eventsUrl: '', logs, stderr, exited };
    children.push(proc);
    createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        logs.push(entry);
        if (entry.msg === 'syncro-slack is running' && typeof entry.port === 'number') resolve(entry.port);
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`the bot exited before listening (${code ?? signal}):\n${stderr.join('\n')}`)),
      );
    });
    proc.port = port;
    proc.eventsUrl = `http://127.0.0.1:${port}/slack/events`;
    return proc;
  }

  async function kill(p: BotProcess): Promise<void> {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }

  async function command(bot: BotProcess, text: string) {
    const responseUrl = slack.responseUrl('cmd');
    const res = await slashCommand({
      url: bot.eventsUrl,
      secret: SECRET,
      userId: USERS.howard,
      text,
      responseUrl,
      channelId: 'C0TICKETS',
    });
    expect(res.status).toBe(200);
    return responseUrl;
  }

  async function click(bot: BotProcess, value: string) {
    const responseUrl = slack.responseUrl('click');
    const res = await blockAction({
      url: bot.eventsUrl,
      secret: SECRET,
      userId: USERS.howard,
      actionId: ACTION.post,
      value,
      responseUrl,
      channelId: 'C0TICKETS',
    });
    expect(res.status).toBe(200);
    return responseUrl;
  }

  /** Reads the action row from the SQLite file the processes share. */
  async function readAction(id: string): Promise<{ action: PendingAction | undefined; audit: string[] }> {
    const store = openSqliteStore(join(dir, 'syncro-slack.db'));
    try {
      const action = await store.get(id);
      const audit = (await store.listAudit(action?.ticket?.id ?? -1, 10)).map((e) => e.outcome);
      return { action, audit };
    } finally {
      await store.close();
    }
  }

  /** Proposes a comment through the first process, clicks Post while the write hangs, and kills it -9. */
  async function crashDuringWrite(body: string, when: 'before_commit' | 'after_commit') {
    const first = await startBot();
    const cmdUrl = await command(first, `comment #${TICKET_NUMBER} ${body}`);
    const card = await slack.waitForResponse((r) => r.url === cmdUrl);
    const value = buttonValue(card.body.blocks, ACTION.post);
    expect(value).toBeDefined();
    const { id } = JSON.parse(value!) as { id: string; attempt: number };
    expect(sim.writes()).toHaveLength(0);

    sim.injectFault({ method: 'POST', path: /^\/tickets\/\d+\/comment$/, mode: 'hang', when });
    const clickUrl = await click(first, value!);
    await sim.waitForRequests(1, isCommentPost);
    // The row says "sending" (journaled before the request left); the process dies with the request open.
    await kill(first);
    expect(sim.writes()).toHaveLength(1);
    expect(first.child.signalCode).toBe('SIGKILL');
    return { id, clickUrl };
  }

  it('should reconcile a write that reached Syncro as posted, after kill -9, without sending it again', async () => {
    const body = 'Crash test: replaced the PSU and ran diagnostics';
    const { id, clickUrl } = await crashDuringWrite(body, 'after_commit');
    const ticket = sim.state.ticketByNumber(TICKET_NUMBER)!;
    const stored = sim.state.commentsOf(ticket.id).filter((c) => c.body === body);
    expect(stored).toHaveLength(1);

    const second = await startBot();
    // Recovery runs at start-up, before the process listens; the card on the Post click's response_url
    // is rewritten with the truth.
    const done = await slack.waitForResponse(
      (r) => r.url === clickUrl && /— posted$/.test(r.body.text ?? ''),
    );
    expect(done.accepted).toBe(true);
    expect(done.body.replace_original).toBe(true);
    expect(textOf(done.body)).toMatch(/Posted\*? by <@U0HOWARD1>/);
    expect(buttonValue(done.body.blocks, ACTION.post)).toBeUndefined();
    // "Checking Syncro…" was shown first, on the same response_url.
    expect(slack.responses.some((r) => r.url === clickUrl && /checking Syncro/i.test(textOf(r.body)))).toBe(
      true,
    );
    expect(slack.responseUrlUses(clickUrl)).toBeLessThanOrEqual(5);

    expect(sim.writes()).toHaveLength(1);
    expect(sim.requests.filter(isCommentPost)).toHaveLength(1);
    expect(sim.state.commentsOf(ticket.id).filter((c) => c.body === body)).toHaveLength(1);

    const { action, audit } = await readAction(id);
    expect(action?.state).toBe('succeeded');
    expect(action?.steps[0]?.status).toBe('succeeded');
    expect(action?.steps[0]?.resultId).toBe(stored[0]!.id);
    expect(action?.leaseOwner).toBeUndefined();
    expect(audit).toContain('found_after_unknown');
    expect(second.logs.some((l) => l.msg === 'recovering an action left mid-write')).toBe(true);
  });

  it('should find nothing when the write never landed, and post exactly once on "Post again"', async () => {
    const body = 'Crash test: the write that never landed';
    const { id, clickUrl } = await crashDuringWrite(body, 'before_commit');
    const ticket = sim.state.ticketByNumber(TICKET_NUMBER)!;
    expect(sim.state.commentsOf(ticket.id).filter((c) => c.body === body)).toHaveLength(0);

    const second = await startBot();
    const absent = await slack.waitForResponse(
      (r) => r.url === clickUrl && /— not posted$/.test(r.body.text ?? ''),
    );
    expect(textOf(absent.body)).toMatch(/not there/);
    const again = buttonValue(absent.body.blocks, ACTION.post);
    expect(again).toBeDefined();
    expect(JSON.parse(again!)).toEqual({ id, attempt: 1 });
    // Nothing was sent by the recovery.
    expect(sim.writes()).toHaveLength(1);
    const recovered = await readAction(id);
    expect(recovered.action?.state).toBe('failed');
    expect(recovered.action?.resumable).toBe(true);
    expect(recovered.action?.steps[0]?.status).toBe('absent');
    expect(recovered.audit).toContain('absent_after_unknown');

    // "Post again" is a new, explicit confirmation: exactly one more request.
    const againUrl = await click(second, again!);
    const done = await slack.waitForResponse(
      (r) => r.url === againUrl && /— posted$/.test(r.body.text ?? ''),
    );
    expect(textOf(done.body)).toMatch(/Posted\*? by <@U0HOWARD1>/);
    expect(sim.writes()).toHaveLength(2);
    const stored = sim.state.commentsOf(ticket.id).filter((c) => c.body === body);
    expect(stored).toHaveLength(1);
    const { action } = await readAction(id);
    expect(action?.state).toBe('succeeded');
    expect(action?.attempt).toBe(2);
    expect(action?.steps[0]?.resultId).toBe(stored[0]!.id);
  });
});
