import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { viewSubmission } from '../../src/playground/slack/signer.js';
import { ACTION, VIEW } from '../../src/slack/action-ids.js';
import { MODAL_ACTION, MODAL_BLOCK } from '../../src/slack/views/modal-ids.js';
import type { FaultySimulator } from '../support/faults.js';
import { gitIn } from '../support/git-repos.js';
import {
  askBot,
  BASE_YAML,
  buttonValue,
  type Harness,
  KEYS,
  mrkdwnTexts,
  SECRET,
  startE2eSimulator,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * /syncro connect: a technician pastes their own Syncro API token into a modal; the bot checks it with GET /me,
 * keeps it (sops vault or encrypted store), and uses it for their reads and writes. Each bot here logs at
 * `trace`, and every captured line, every message to Slack and the database are searched for the tokens.
 */

/** Distinctive tokens, so that a leak anywhere is found by a substring search. */
const TOKENS = {
  dana: 'syncro_tok_DANA_7f3e9a1c55b2d4e6',
  danaYaml: 'syncro_tok_DANA_YAML_0b1c2d3e4f',
  bad: 'syncro_tok_REVOKED_9e8d7c6b5a41',
};
const DANA = { user_id: 1780, user_name: 'Dana Okafor', user_email: 'dana@example.com' };
const OTHER = 'U0OTHER01';
const KEK = randomBytes(32).toString('base64');
const STORE_YAML = `${BASE_YAML}\nenrolment: { storage: store }\n`;

async function simulator(): Promise<FaultySimulator> {
  const sim = await startE2eSimulator();
  sim.addKey(TOKENS.dana, DANA);
  sim.addKey(TOKENS.danaYaml, DANA);
  return sim;
}

function tokenValues(token: string) {
  return { [MODAL_BLOCK.token]: { [MODAL_ACTION.token]: { type: 'plain_text_input', value: token } } };
}

/** Everything that left the bot or stayed in it, as text: logs, Slack calls and responses, the database. */
function everything(h: Harness): string {
  const db = ['actions.db', 'actions.db-wal']
    .filter((f) => existsSync(join(h.dir, f)))
    .map((f) => readFileSync(join(h.dir, f)).toString('latin1'))
    .join('\n');
  const slack = JSON.stringify([h.slack.responses.map((r) => r.body), h.slack.calls.map((c) => c.body)]);
  return [h.logLines.join('\n'), slack, db].join('\n');
}

function expectNoToken(h: Harness): void {
  const all = everything(h);
  for (const [name, token] of Object.entries(TOKENS)) {
    expect(all.includes(token), `the ${name} token leaked`).toBe(false);
    expect(all.includes(token.slice(11)), `the ${name} token's tail leaked`).toBe(false);
  }
  for (const line of h.logLines) for (const t of Object.values(TOKENS)) expect(line).not.toContain(t);
  // The bot logged below info (its logger is at trace): Bolt's and the WebClient's debug lines are in.
  expect(h.logLines.some((l) => l.includes('"level":20') && l.includes('"component":"bolt"'))).toBe(true);
}

/** `/syncro connect` then the modal's submission; resolves with the ack's body and the final modal text. */
async function connect(h: Harness, userId: string, token: string) {
  const opened = h.slack.callsTo('views.open').length;
  const cmd = await h.command(userId, 'connect');
  expect(cmd.status).toBe(200);
  const open = await h.slack.waitForCall('views.open', undefined, { nth: opened + 1 });
  const view = open.body.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
  expect(view.callback_id).toBe(VIEW.connect);
  const viewId = (open.reply.body.view as { id: string }).id;
  const updates = h.slack.callsTo('views.update').filter((c) => c.body.view_id === viewId).length;
  const res = await viewSubmission({
    url: h.eventsUrl,
    secret: SECRET,
    userId,
    callbackId: VIEW.connect,
    privateMetadata: view.private_metadata,
    values: tokenValues(token),
    viewId,
  });
  expect(res.status).toBe(200);
  const ack = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
  if (ack.response_action === 'errors') {
    return {
      ack,
      errors: (ack.errors as Record<string, string>)[MODAL_BLOCK.token] ?? '',
      final: '',
      modal: view,
    };
  }
  const final = await h.slack.waitForCall(
    'views.update',
    (c) => c.body.view_id === viewId && !/Keeping it in|Asking Syncro/.test(JSON.stringify(c.body.view)),
    { nth: 1 },
  );
  void updates;
  return { ack, errors: '', final: JSON.stringify(final.body.view), modal: view };
}

/** Opens the connect modal for `userId`; `submit` then pastes `token` and resolves with the final modal text. */
async function openConnect(h: Harness, userId: string) {
  const opened = h.slack.callsTo('views.open').length;
  await h.command(userId, 'connect');
  const open = await h.slack.waitForCall('views.open', undefined, { nth: opened + 1 });
  const view = open.body.view as { private_metadata: string };
  const viewId = (open.reply.body.view as { id: string }).id;
  return {
    async submit(token: string): Promise<string> {
      const res = await viewSubmission({
        url: h.eventsUrl,
        secret: SECRET,
        userId,
        callbackId: VIEW.connect,
        privateMetadata: view.private_metadata,
        values: tokenValues(token),
        viewId,
      });
      expect(res.status).toBe(200);
      const final = await h.slack.waitForCall(
        'views.update',
        (c) => c.body.view_id === viewId && !/Keeping it in|Asking Syncro/.test(JSON.stringify(c.body.view)),
        { nth: 1 },
      );
      return JSON.stringify(final.body.view);
    },
  };
}

async function postComment(h: Harness, userId: string, text: string) {
  const { reply } = await askBot(h, userId, `comment 32164 ${text}`);
  const post = buttonValue(reply.blocks, ACTION.post);
  expect(post, textOf(reply)).toBeDefined();
  const click = await h.click(userId, ACTION.post, post!);
  await h.slack.waitForResponse((r) => r.url === click.responseUrl && /— posted$/.test(r.body.text ?? ''));
  const ticket = h.sim.state.ticketByNumber(32164)!;
  return h.sim.state.commentsOf(ticket.id).find((c) => c.body === text);
}

describe('/syncro connect with the encrypted store', () => {
  let sim: FaultySimulator;
  let h: Harness;
  beforeEach(async () => {
    sim = await simulator();
    h = await startHarness({ sim, yaml: STORE_YAML, env: { KEY_ENCRYPTION_KEY: KEK }, logLevel: 'trace' });
  });
  afterEach(async () => {
    expectNoToken(h);
    await h.close();
    await sim.close();
  });

  it('should check a good key with GET /me, say whose it is, keep it encrypted, and sign reads and writes with it', async () => {
    const r = await connect(h, USERS.outsider, TOKENS.dana);
    // The modal carries the reference's steps for making a token, and never a token.
    expect(JSON.stringify(r.modal)).toMatch(/Admin → API Tokens → New/);
    expect(JSON.stringify(r.modal)).toMatch(/Integration API Token/);
    expect(r.ack.response_action).toBe('update');
    expect(JSON.stringify(r.ack)).toMatch(/belongs to \*Dana Okafor\* \(Syncro user 1780\)/);
    expect(r.final).toMatch(/Connected/);
    const row = await h.store.enrolments.get(USERS.outsider);
    expect(row).toMatchObject({
      syncroUserId: 1780,
      syncroName: 'Dana Okafor',
      state: 'active',
      storage: 'store',
    });
    expect(row!.ciphertext).toMatch(/^v1\./);

    const who = mrkdwnTexts((await askBot(h, USERS.outsider, 'whoami')).reply).join('\n');
    expect(who).toContain('Dana Okafor');
    expect(who).toContain('connected:store');
    expect(who).toMatch(/You can post/);
    const comment = await postComment(h, USERS.outsider, 'Posted with my connected key');
    expect(comment).toMatchObject({ user_id: 1780 });
    expect(sim.writes().at(-1)!.apiKey).toBe(TOKENS.dana);
  });

  it('should refuse, in the modal and keeping nothing, a key Syncro refuses (401)', async () => {
    const r = await connect(h, USERS.outsider, TOKENS.bad);
    expect(r.errors).toMatch(/Syncro did not accept this token \(401\)/);
    expect(await h.store.enrolments.get(USERS.outsider)).toBeUndefined();
    const shape = await connect(h, USERS.outsider, 'short one');
    expect(shape.errors).toMatch(/does not look like a Syncro API token/);
  });

  it('should refuse a sixth key tried within 10 minutes, saying how long to wait, without asking Syncro', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await connect(h, USERS.outsider, TOKENS.bad);
      expect(r.errors).toMatch(/Syncro did not accept this token \(401\)/);
    }
    const asked = sim.requests.filter((r) => r.path === '/me').length;
    const sixth = await connect(h, USERS.outsider, TOKENS.dana);
    expect(sixth.errors).toBe(
      'You have tried to connect a key 5 times in the last 10 minutes. Try again in 10 minutes; this one was not checked and nothing was kept.',
    );
    expect(sim.requests.filter((r) => r.path === '/me')).toHaveLength(asked);
    expect(await h.store.enrolments.get(USERS.outsider)).toBeUndefined();
    // Someone else is not held back by it.
    expect((await connect(h, OTHER, TOKENS.bad)).errors).toMatch(/\(401\)/);
  });

  it('should refuse a key of someone else: another Syncro user than configured, or one another Slack user connected', async () => {
    // Winter is configured as Syncro user 1737; Dana's key is 1780's.
    const winter = await connect(h, USERS.winter, TOKENS.dana);
    expect(winter.errors).toMatch(
      /belongs to Dana Okafor \(Syncro user 1780\), but you are set up as Winter \(Syncro user 1737\)/,
    );
    expect(await h.store.enrolments.get(USERS.winter)).toBeUndefined();
    // Howard's key pasted by someone else: Howard is configured for another Slack user.
    const howards = await connect(h, OTHER, KEYS.howard);
    expect(howards.errors).toMatch(
      /belongs to Howard Enos \(Syncro user 1750\), who is set up for another Slack user/,
    );
    // Dana connects; then another Slack user pastes a key of Dana's.
    expect((await connect(h, USERS.outsider, TOKENS.dana)).final).toMatch(/Connected/);
    const other = await connect(h, OTHER, TOKENS.danaYaml);
    expect(other.errors).toMatch(/already connected by another Slack user/);
    expect(await h.store.enrolments.get(OTHER)).toBeUndefined();
  });

  it('should remove the key on /syncro disconnect', async () => {
    await connect(h, USERS.outsider, TOKENS.dana);
    const { reply } = await askBot(h, USERS.outsider, 'disconnect');
    expect(reply.text).toMatch(/Disconnected: the Syncro key of Dana Okafor is removed/);
    expect(await h.store.enrolments.get(USERS.outsider)).toBeUndefined();
    const after = mrkdwnTexts((await askBot(h, USERS.outsider, 'ticket 32164')).reply).join('\n');
    expect(after).toMatch(/not set up to use Syncro from Slack/);
    expect(after).toMatch(/\/syncro connect/);
  });

  it('should prompt the owner once to reconnect when Syncro answers 401 for a stored key', async () => {
    await connect(h, USERS.outsider, TOKENS.dana);
    await askBot(h, USERS.outsider, 'ticket 32164');
    sim.revokeKey(TOKENS.dana);
    const refused = await askBot(h, USERS.outsider, 'search printer');
    expect(refused.reply.text).toMatch(/refused your API key|401/);
    const dm = await h.slack.waitForCall(
      'chat.postMessage',
      (c) => c.body.channel === USERS.outsider && /no longer accepts/.test(String(c.body.text)),
    );
    expect(buttonValue(dm.body.blocks as unknown[], ACTION.connectOpen)).toBeUndefined();
    expect(JSON.stringify(dm.body.blocks)).toContain(ACTION.connectOpen);
    expect((await h.store.enrolments.get(USERS.outsider))?.state).toBe('stale');
    const again = await askBot(h, USERS.outsider, 'ticket 32164');
    expect(again.reply.text).toMatch(/no longer accepts the key you connected/);
    const prompts = h.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.body.channel === USERS.outsider && /no longer accepts/.test(String(c.body.text)));
    expect(prompts).toHaveLength(1);
  });

  it('should mark the current key stale and prompt once on a 401 after a disconnect and a reconnect of the same token', async () => {
    await connect(h, USERS.outsider, TOKENS.dana);
    const first = await h.store.enrolments.get(USERS.outsider);
    await askBot(h, USERS.outsider, 'ticket 32164');
    await askBot(h, USERS.outsider, 'disconnect');
    await connect(h, USERS.outsider, TOKENS.dana);
    const second = await h.store.enrolments.get(USERS.outsider);
    expect(second?.requestedAt).not.toBe(first?.requestedAt);
    await askBot(h, USERS.outsider, 'ticket 32164');
    sim.revokeKey(TOKENS.dana);
    await askBot(h, USERS.outsider, 'search printer');
    await h.slack.waitForCall(
      'chat.postMessage',
      (c) => c.body.channel === USERS.outsider && /no longer accepts/.test(String(c.body.text)),
    );
    expect(await h.store.enrolments.get(USERS.outsider)).toMatchObject({
      state: 'stale',
      requestedAt: second?.requestedAt,
    });
    await askBot(h, USERS.outsider, 'search printer');
    const prompts = h.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.body.channel === USERS.outsider && /no longer accepts/.test(String(c.body.text)));
    expect(prompts).toHaveLength(1);
  });

  it('should tell a person whose key is set in the config file that it wins, without a form', async () => {
    await h.command(USERS.howard, 'connect');
    const open = await h.slack.waitForCall('views.open');
    const text = JSON.stringify(open.body.view);
    expect(text).toMatch(/already set by an admin in the bot’s config file \(env:SYNCRO_KEY_HOWARD\)/);
    expect(text).not.toContain(MODAL_ACTION.token);
  });
});

describe('a configured mapping wins over a connected key', () => {
  it('should read with the YAML key once the person is mapped with one', async () => {
    const sim = await simulator();
    const dir = mkdtempSync(join(tmpdir(), 'syncro-connect-yaml-'));
    try {
      const env = { KEY_ENCRYPTION_KEY: KEK, SYNCRO_KEY_DANA: TOKENS.danaYaml };
      const h1 = await startHarness({ sim, dir, yaml: STORE_YAML, env, logLevel: 'trace' });
      expect((await connect(h1, USERS.outsider, TOKENS.dana)).final).toMatch(/Connected/);
      expectNoToken(h1);
      await h1.close();
      const mapped = STORE_YAML.replace(
        'users:\n',
        `users:\n  ${USERS.outsider}: { name: Dana Okafor, syncro_user_id: 1780, api_key: { env: SYNCRO_KEY_DANA } }\n`,
      );
      const h2 = await startHarness({ sim, dir, yaml: mapped, env, logLevel: 'trace' });
      const before = sim.requests.length;
      await askBot(h2, USERS.outsider, 'ticket 32164');
      const keys = new Set(sim.requests.slice(before).map((r) => r.apiKey));
      expect(keys).toEqual(new Set([TOKENS.danaYaml]));
      expectNoToken(h2);
      await h2.close();
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('approval by an admin', () => {
  it('should keep a connected key unused until an approver approves it in the admin channel, then tell the technician', async () => {
    const sim = await simulator();
    const yaml = `${BASE_YAML}\nenrolment: { storage: store, require_approval: true, approval_channel: C0ADMINS1, approvers: [${USERS.approver}] }\n`;
    const h = await startHarness({ sim, yaml, env: { KEY_ENCRYPTION_KEY: KEK }, logLevel: 'trace' });
    try {
      const r = await connect(h, USERS.outsider, TOKENS.dana);
      expect(r.final).toMatch(/waiting for an admin’s approval/);
      const card = await h.slack.waitForCall('chat.postMessage', (c) => c.body.channel === 'C0ADMINS1');
      expect(String(card.body.text)).toMatch(/Dana Okafor/);
      const approve = buttonValue(card.body.blocks as unknown[], ACTION.connectApprove)!;
      expect(approve).toBeDefined();
      // Not used while pending.
      const pending = await askBot(h, USERS.outsider, 'ticket 32164');
      expect(pending.reply.text).toMatch(/waiting for an admin's approval/);
      // The approval channel is a mention Slack draws, not an escaped id shown as typed.
      expect(JSON.stringify(pending.reply.blocks)).toContain('Approvals are posted in <#C0ADMINS1>.');
      expect(JSON.stringify(pending.reply)).not.toContain('&lt;#');
      // The technician cannot approve their own key; someone not listed cannot either.
      const own = await h.click(USERS.outsider, ACTION.connectApprove, approve, { channelId: 'C0ADMINS1' });
      await h.slack.waitForResponse(
        (x) => x.url === own.responseUrl && /cannot approve your own/.test(x.body.text ?? ''),
      );
      expect((await h.store.enrolments.get(USERS.outsider))?.state).toBe('pending');
      const ok = await h.click(USERS.approver, ACTION.connectApprove, approve, { channelId: 'C0ADMINS1' });
      await h.slack.waitForResponse(
        (x) => x.url === ok.responseUrl && /Approved by/.test(JSON.stringify(x.body)),
      );
      await h.slack.waitForCall(
        'chat.postMessage',
        (c) => c.body.channel === USERS.outsider && /approved/.test(String(c.body.text)),
      );
      expect(await h.store.enrolments.get(USERS.outsider)).toMatchObject({
        state: 'active',
        approvedBy: USERS.approver,
      });
      const reads = await askBot(h, USERS.outsider, 'ticket 32164');
      expect(reads.reply.text).toMatch(/^#32164/);
      expectNoToken(h);
    } finally {
      await h.close();
      await sim.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The sops vault, through a stand-in sops (test/support/fake-sops) that really encrypts with age

const hasAge = (() => {
  try {
    execFileSync('age', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// Without age the vault test is skipped locally; CI installs age (.ci/run), so there it must run.
describe.runIf(hasAge || process.env.CI === 'true')('/syncro connect with the sops vault', () => {
  let root: string;
  let vault: string;
  let remote: string;
  let sopsLog: string;
  const saved = {
    PATH: process.env.PATH,
    SOPS_AGE_KEY_FILE: process.env.SOPS_AGE_KEY_FILE,
    SOPS_FAKE_LOG: process.env.SOPS_FAKE_LOG,
  };
  const git = gitIn;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'syncro-vault-'));
    // age key made for the test; sops (and the stand-in) find it through SOPS_AGE_KEY_FILE.
    const keyFile = join(root, 'age.key');
    execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
    const recipient = /public key: (age1\w+)/.exec(readFileSync(keyFile, 'utf8'))![1]!;
    remote = join(root, 'remote.git');
    git(root, 'init', '--quiet', '--bare', remote);
    vault = join(root, 'vault');
    git(root, 'clone', '--quiet', remote, vault);
    writeFileSync(
      join(vault, '.sops.yaml'),
      `creation_rules:\n  - path_regex: .*\\.sops\\.yaml$\n    age: ${recipient}\n`,
    );
    git(vault, 'add', '.sops.yaml');
    git(vault, 'commit', '--quiet', '-m', 'vault');
    git(vault, 'push', '--quiet', 'origin', 'HEAD');
    const bin = join(root, 'bin');
    mkdirSync(bin);
    symlinkSync(new URL('../support/fake-sops', import.meta.url).pathname, join(bin, 'sops'));
    sopsLog = join(root, 'sops.log');
    process.env.PATH = `${bin}:${process.env.PATH}`;
    process.env.SOPS_AGE_KEY_FILE = keyFile;
    process.env.SOPS_FAKE_LOG = sopsLog;
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('should keep two technicians called Dana, connecting at once, in two files: each reads with their own key, and one’s disconnect leaves the other’s', async () => {
    const sim = await simulator();
    const SMITH = { user_id: 1791, user_name: 'Dana Smith', user_email: 'dana.smith@example.com' };
    const smithToken = 'syncro_tok_DANASMITH_4c5d6e7f80';
    sim.addKey(smithToken, SMITH);
    const yaml = `${BASE_YAML}\nenrolment: { storage: sops, vault: { path: ${vault}, push: true } }\n`;
    const h = await startHarness({ sim, yaml, logLevel: 'trace' });
    try {
      const okafor = await openConnect(h, USERS.outsider);
      const smith = await openConnect(h, OTHER);
      // Both submissions at once.
      const [o, m] = await Promise.all([okafor.submit(TOKENS.dana), smith.submit(smithToken)]);
      expect(o).toMatch(/Connected/);
      expect(m).toMatch(/Connected/);
      const fileOf = (text: string) => /msp-tools\/syncro-[\w-]+\.sops\.yaml/.exec(text)?.[0];
      expect(fileOf(o)).not.toBe(fileOf(m));
      expect(fileOf(o)).toBe('msp-tools/syncro-dana-1780.sops.yaml');
      expect(fileOf(m)).toBe('msp-tools/syncro-dana-1791.sops.yaml');
      expect(git(remote, 'ls-tree', '--name-only', 'HEAD', 'msp-tools/')).toBe(
        'msp-tools/syncro-dana-1780.sops.yaml\nmsp-tools/syncro-dana-1791.sops.yaml\n',
      );
      // Each person's search runs with their own token.
      const keysOf = async (userId: string) => {
        const before = sim.requests.length;
        const { reply } = await askBot(h, userId, 'search printer');
        expect(reply.text ?? '').not.toMatch(/could not|error/i);
        return new Set(sim.requests.slice(before).map((r) => r.apiKey));
      };
      expect(await keysOf(USERS.outsider)).toEqual(new Set([TOKENS.dana]));
      expect(await keysOf(OTHER)).toEqual(new Set([smithToken]));
      // Okafor disconnects: Smith's key stays, and still works.
      const { reply } = await askBot(h, USERS.outsider, 'disconnect');
      expect(reply.text).toMatch(/Disconnected/);
      expect(existsSync(join(vault, 'msp-tools/syncro-dana-1780.sops.yaml'))).toBe(false);
      expect(existsSync(join(vault, 'msp-tools/syncro-dana-1791.sops.yaml'))).toBe(true);
      expect(await keysOf(OTHER)).toEqual(new Set([smithToken]));
      await askBot(h, OTHER, 'disconnect');
      expect(git(vault, 'status', '--porcelain')).toBe('');
    } finally {
      await h.close();
      await sim.close();
    }
  });

  it('should not start when the vault is not a git working copy with .sops.yaml at its root', async () => {
    const sim = await simulator();
    try {
      const empty = join(root, 'not-a-vault');
      mkdirSync(empty, { recursive: true });
      const yaml = `${BASE_YAML}\nenrolment: { storage: sops, vault: { path: ${empty} } }\n`;
      await expect(startHarness({ sim, yaml })).rejects.toThrow(/has no \.sops\.yaml at its root/);
    } finally {
      await sim.close();
    }
  });

  it('should not start while a key file in the vault is clear text, naming the file and not its content', async () => {
    const sim = await simulator();
    const left = join(vault, 'msp-tools/syncro-left.sops.yaml');
    mkdirSync(join(vault, 'msp-tools'), { recursive: true });
    writeFileSync(left, `kind: api-key\ncredentials:\n    credential: "${TOKENS.dana}"\n`);
    try {
      const yaml = `${BASE_YAML}\nenrolment: { storage: sops, vault: { path: ${vault} } }\n`;
      const err = (await startHarness({ sim, yaml }).then(
        () => new Error('started'),
        (e: unknown) => e,
      )) as Error;
      expect(err.message).toMatch(/msp-tools\/syncro-left\.sops\.yaml .*holds clear text/);
      expect(err.message).not.toContain(TOKENS.dana);
    } finally {
      rmSync(left, { force: true });
      await sim.close();
    }
  });

  it('should write the reference’s file, encrypt it in place from the vault root, commit and push it, read it back with sops, and remove it on disconnect', async () => {
    const sim = await simulator();
    const yaml = `${BASE_YAML}\nenrolment: { storage: sops, vault: { path: ${vault}, push: true } }\n`;
    const h = await startHarness({ sim, yaml, logLevel: 'trace' });
    try {
      const r = await connect(h, USERS.outsider, TOKENS.dana);
      expect(r.final).toMatch(/Connected/);
      expect(r.final).toContain('msp-tools/syncro-dana-1780.sops.yaml');
      expect(JSON.stringify(r.modal)).toContain(
        'the sops vault (msp-tools/syncro-&lt;your first name&gt;-&lt;your Syncro user id&gt;.sops.yaml)',
      );
      const file = join(vault, 'msp-tools/syncro-dana-1780.sops.yaml');
      const stored = readFileSync(file, 'utf8');
      expect(stored).toContain('BEGIN AGE ENCRYPTED FILE');
      expect(stored).not.toContain(TOKENS.dana);
      // The reference's step 4: `sops --encrypt --in-place msp-tools/syncro-<user>.sops.yaml` from the vault root.
      const calls = readFileSync(sopsLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { argv: string[]; cwd: string });
      expect(calls[0]).toEqual({
        argv: ['--encrypt', '--in-place', 'msp-tools/syncro-dana-1780.sops.yaml'],
        cwd: vault,
      });
      // Step 5: committed and pushed.
      expect(git(remote, 'log', '--format=%an|%s', '-1')).toMatch(
        /^Dana Okafor\|Add Syncro API key for Dana Okafor \(user 1780\)/,
      );
      expect(git(remote, 'show', 'HEAD:msp-tools/syncro-dana-1780.sops.yaml')).not.toContain(TOKENS.dana);
      // The file decrypts (as the terminal command reads it) to the reference's shape.
      const clear = execFileSync('sops', ['-d', 'msp-tools/syncro-dana-1780.sops.yaml'], {
        cwd: vault,
      }).toString();
      expect(clear).toMatch(/^kind: api-key\nname: Syncro \(Dana Okafor\)\n/);
      expect(clear).toContain(
        'owner: dana-1780\nsyncro_user_id: 1780\ntags: [msp-tools, per-user]\ncredentials:\n    credential:',
      );
      expect(clear).toContain(TOKENS.dana);

      // Reads and writes use it, read back with sops --decrypt.
      const comment = await postComment(h, USERS.outsider, 'Posted with the vault key');
      expect(comment).toMatchObject({ user_id: 1780 });
      expect(calls.length).toBeGreaterThanOrEqual(1);
      const after = readFileSync(sopsLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { argv: string[]; cwd: string });
      expect(
        after.some(
          (c) =>
            c.argv[0] === '--decrypt' &&
            c.argv[1] === 'msp-tools/syncro-dana-1780.sops.yaml' &&
            c.cwd === vault,
        ),
      ).toBe(true);

      const { reply } = await askBot(h, USERS.outsider, 'disconnect');
      expect(reply.text).toMatch(/Disconnected/);
      expect(existsSync(file)).toBe(false);
      expect(git(remote, 'log', '--format=%s', '-1')).toMatch(
        /^Remove Syncro API key for Dana Okafor \(user 1780\): \/syncro disconnect/,
      );
      expectNoToken(h);
    } finally {
      await h.close();
      await sim.close();
    }
  });
});
