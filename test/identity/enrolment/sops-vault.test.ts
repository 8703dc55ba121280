import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEnrolments } from '../../../src/identity/enrolment/enrolments.js';
import type { KeyOwner } from '../../../src/identity/enrolment/key-vault.js';
import { sopsVault, vaultKeyYaml, vaultProblems } from '../../../src/identity/enrolment/sops-vault.js';
import { createLogger } from '../../../src/logger.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { gitIn } from '../../support/git-repos.js';

/**
 * The sops vault against a real git working copy and the stand-in sops (test/support/fake-sops, which really
 * encrypts with age): its git steps are serialised, a failed commit leaves nothing staged and nobody locked out,
 * and the clear text is never in a file anyone else can read.
 */

const hasAge = (() => {
  try {
    execFileSync('age', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const FAKE_SOPS = new URL('../../support/fake-sops', import.meta.url).pathname;
const API = 'https://x.syncromsp.com/api/v1';
const NAMES = ['Ann', 'Ben', 'Cara', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana'];
const owners: KeyOwner[] = NAMES.map((n, i) => ({
  slackUserId: `U0${n.toUpperCase()}01`,
  syncroUserId: 1800 + i,
  syncroName: `${n} Tester`,
}));
const tokenOf = (o: KeyOwner) => `syncro_tok_VAULT_${o.syncroUserId}_9f8e7d6c`;

describe.runIf(hasAge || process.env.CI === 'true')('the sops vault on a real git working copy', () => {
  let root: string;
  let vault: string;
  let bin: string;
  const savedKeyFile = process.env.SOPS_AGE_KEY_FILE;
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'trace',
    format: 'json',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
  });
  const git = (...args: string[]) => gitIn(vault, ...args);
  const open = (sopsBinary = FAKE_SOPS) =>
    sopsVault({ root: vault, dir: 'msp-tools', push: false, apiBaseUrl: API, sopsBinary, logger });
  const hook = join('.git', 'hooks', 'pre-commit');

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sops-vault-'));
    const keyFile = join(root, 'age.key');
    execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
    const recipient = /public key: (age1\w+)/.exec(readFileSync(keyFile, 'utf8'))![1]!;
    process.env.SOPS_AGE_KEY_FILE = keyFile;
    bin = join(root, 'bin');
    mkdirSync(bin);
    vault = join(root, 'vault');
    mkdirSync(vault);
    git('init', '--quiet');
    writeFileSync(
      join(vault, '.sops.yaml'),
      `creation_rules:\n  - path_regex: .*\\.sops\\.yaml$\n    age: ${recipient}\n`,
    );
    git('add', '.sops.yaml');
    git('commit', '--quiet', '-m', 'vault');
  });
  afterAll(() => {
    if (savedKeyFile === undefined) delete process.env.SOPS_AGE_KEY_FILE;
    else process.env.SOPS_AGE_KEY_FILE = savedKeyFile;
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    logLines.length = 0;
    rmSync(join(vault, hook), { force: true });
  });

  it('should store and remove eight keys put at once, each in its own commit, with nothing left staged', async () => {
    const v = open();
    const before = Number(git('rev-list', '--count', 'HEAD').trim());
    const stored = await Promise.all(owners.map((o) => v.put(o, tokenOf(o), 0)));
    expect(stored.map((s) => s.vaultFile)).toEqual(
      NAMES.map((n, i) => `msp-tools/syncro-${n.toLowerCase()}-${1800 + i}.sops.yaml`),
    );
    expect(Number(git('rev-list', '--count', 'HEAD').trim())).toBe(before + 8);
    expect(git('status', '--porcelain')).toBe('');
    for (const [i, o] of owners.entries()) {
      expect(readFileSync(join(vault, stored[i]!.vaultFile!), 'utf8')).not.toContain(tokenOf(o));
      expect(await v.get(o, stored[i]!)).toBe(tokenOf(o));
    }
    await Promise.all(owners.map((o, i) => v.remove(o, stored[i]!, 'test')));
    expect(Number(git('rev-list', '--count', 'HEAD').trim())).toBe(before + 16);
    expect(git('status', '--porcelain')).toBe('');
    expect(git('ls-files', 'msp-tools')).toBe('');
  });

  it('should undo a key whose commit failed, so that the next connect works, and not show local paths', async () => {
    const file = mkdtempSync(join(root, 'db-'));
    const store = openSqliteStore(join(file, 'bot.db'));
    await store.migrate();
    const enrolments = createEnrolments({
      config: {
        storage: 'sops',
        vault: { path: vault, push: false, dir: 'msp-tools' },
        require_approval: false,
        approvers: [],
      },
      file: { users: {} },
      table: store.enrolments,
      vault: open(),
      logger,
    });
    const dana = { slackUserId: 'U0DANA001', syncroUserId: 1780, syncroName: 'Dana Okafor' };
    try {
      writeFileSync(join(vault, hook), '#!/bin/sh\necho "hook refused in $(pwd)" >&2\nexit 1\n');
      chmodSync(join(vault, hook), 0o755);
      const err = (await enrolments.connect(dana, 'syncro_tok_FIRST_1a2b3c4d').then(
        () => new Error('connected'),
        (e: unknown) => e,
      )) as Error;
      expect(err.message).toMatch(
        /git commit in the vault \(msp-tools\/syncro-dana-1780\.sops\.yaml\) failed/,
      );
      expect(err.message).not.toContain(root);
      expect(err.message).not.toContain('syncro_tok_');
      // The local detail is in the log, for the admin.
      expect(logLines.join('')).toContain('hook refused in');
      expect(git('status', '--porcelain')).toBe('');
      expect(existsSync(join(vault, 'msp-tools/syncro-dana-1780.sops.yaml'))).toBe(false);
      expect(await store.enrolments.get(dana.slackUserId)).toBeUndefined();

      // Once the hook is gone, connecting again works (no "the vault already holds …").
      unlinkSync(join(vault, hook));
      const first = await enrolments.connect(dana, 'syncro_tok_FIRST_1a2b3c4d');
      expect(first).toMatchObject({ ok: true, enrolment: { state: 'active' } });
      expect((await enrolments.activeKey(dana.slackUserId))?.key).toBe('syncro_tok_FIRST_1a2b3c4d');

      // A reconnect whose commit fails keeps the key that was there, committed and readable.
      writeFileSync(join(vault, hook), '#!/bin/sh\nexit 1\n');
      chmodSync(join(vault, hook), 0o755);
      await expect(enrolments.connect(dana, 'syncro_tok_SECOND_5e6f7a8b')).rejects.toThrow(/git commit/);
      expect(git('status', '--porcelain')).toBe('');
      expect((await enrolments.activeKey(dana.slackUserId))?.key).toBe('syncro_tok_FIRST_1a2b3c4d');
      unlinkSync(join(vault, hook));
      expect(await enrolments.connect(dana, 'syncro_tok_SECOND_5e6f7a8b')).toMatchObject({ ok: true });
      expect((await enrolments.activeKey(dana.slackUserId))?.key).toBe('syncro_tok_SECOND_5e6f7a8b');
      await enrolments.disconnect(dana.slackUserId);
      expect(git('status', '--porcelain')).toBe('');
    } finally {
      await store.close();
    }
  });

  it('should take a first key back out of the vault when the database cannot record it', async () => {
    const file = mkdtempSync(join(root, 'db-'));
    const store = openSqliteStore(join(file, 'bot.db'));
    await store.migrate();
    let failPut = true;
    const table = {
      ...store.enrolments,
      put: (...args: Parameters<typeof store.enrolments.put>) =>
        failPut ? Promise.reject(new Error('database is down')) : store.enrolments.put(...args),
    };
    const enrolments = createEnrolments({
      config: {
        storage: 'sops',
        vault: { path: vault, push: false, dir: 'msp-tools' },
        require_approval: false,
        approvers: [],
      },
      file: { users: {} },
      table,
      vault: open(),
      logger,
    });
    const erin = { slackUserId: 'U0ERIN001', syncroUserId: 1781, syncroName: 'Erin Vance' };
    try {
      await expect(enrolments.connect(erin, 'syncro_tok_ERIN_9c8d7e6f')).rejects.toThrow(/database is down/);
      expect(existsSync(join(vault, 'msp-tools/syncro-erin-1781.sops.yaml'))).toBe(false);
      expect(git('status', '--porcelain')).toBe('');
      // Once the database answers, the same person connects (no "the vault already holds …").
      failPut = false;
      expect(await enrolments.connect(erin, 'syncro_tok_ERIN_9c8d7e6f')).toMatchObject({ ok: true });
      await enrolments.disconnect(erin.slackUserId);
    } finally {
      await store.close();
    }
  });

  /** Enrolments on a fresh SQLite store over this vault (a new instance has no key cached in memory). */
  async function enrolmentsOn(dbDir?: string) {
    const dir = dbDir ?? mkdtempSync(join(root, 'db-'));
    const store = openSqliteStore(join(dir, 'bot.db'));
    await store.migrate();
    const enrolments = createEnrolments({
      config: {
        storage: 'sops',
        vault: { path: vault, push: false, dir: 'msp-tools' },
        require_approval: false,
        approvers: [],
      },
      file: { users: {} },
      table: store.enrolments,
      vault: open(),
      logger,
    });
    return { dir, store, enrolments };
  }

  it('should keep two technicians with one first name in two files, each using and removing only their own key', async () => {
    const okafor = { slackUserId: 'U0DANAOK1', syncroUserId: 1780, syncroName: 'Dana Okafor' };
    const smith = { slackUserId: 'U0DANASM1', syncroUserId: 1791, syncroName: 'Dana Smith' };
    const TOK_O = 'syncro_tok_OKAFOR_1a2b3c4d5e';
    const TOK_S = 'syncro_tok_SMITH_9f8e7d6c5b';
    const first = await enrolmentsOn();
    try {
      // Both at once: the check that the file is free and its write are one step of the vault's queue.
      const [a, b] = await Promise.all([
        first.enrolments.connect(okafor, TOK_O),
        first.enrolments.connect(smith, TOK_S),
      ]);
      expect(a).toMatchObject({ ok: true, enrolment: { vaultFile: 'msp-tools/syncro-dana-1780.sops.yaml' } });
      expect(b).toMatchObject({ ok: true, enrolment: { vaultFile: 'msp-tools/syncro-dana-1791.sops.yaml' } });
      expect(git('ls-files', 'msp-tools').trim().split('\n')).toEqual([
        'msp-tools/syncro-dana-1780.sops.yaml',
        'msp-tools/syncro-dana-1791.sops.yaml',
      ]);
      expect(git('status', '--porcelain')).toBe('');
    } finally {
      await first.store.close();
    }
    // Read back from the files (a restarted bot: nothing in memory), each person with their own token.
    const again = await enrolmentsOn(first.dir);
    try {
      expect((await again.enrolments.activeKey(okafor.slackUserId))?.key).toBe(TOK_O);
      expect((await again.enrolments.activeKey(smith.slackUserId))?.key).toBe(TOK_S);
      const gone = await again.enrolments.disconnect(okafor.slackUserId);
      expect(gone?.note).toBeUndefined();
      expect(existsSync(join(vault, 'msp-tools/syncro-dana-1780.sops.yaml'))).toBe(false);
      expect(existsSync(join(vault, 'msp-tools/syncro-dana-1791.sops.yaml'))).toBe(true);
    } finally {
      await again.store.close();
    }
    const third = await enrolmentsOn(first.dir);
    try {
      expect((await third.enrolments.activeKey(smith.slackUserId))?.key).toBe(TOK_S);
      await third.enrolments.disconnect(smith.slackUserId);
      expect(git('ls-files', 'msp-tools')).toBe('');
      expect(git('status', '--porcelain')).toBe('');
    } finally {
      await third.store.close();
    }
  });

  it('should still load a key file of the old naming, use a file only for the person it names, and delete it only for them', async () => {
    const okafor = { slackUserId: 'U0DANAOK1', syncroUserId: 1780, syncroName: 'Dana Okafor' };
    const smith = { slackUserId: 'U0DANASM1', syncroUserId: 1791, syncroName: 'Dana Smith' };
    const TOK_S = 'syncro_tok_SMITH_LEGACY_0f1e2d';
    // What an earlier release left: one first-name file holding Smith's key, recorded on both people's rows.
    const legacy = 'msp-tools/syncro-dana.sops.yaml';
    mkdirSync(join(vault, 'msp-tools'), { recursive: true });
    writeFileSync(join(vault, legacy), vaultKeyYaml(smith, TOK_S, { apiBaseUrl: API, now: 0 }), {
      mode: 0o600,
    });
    execFileSync(FAKE_SOPS, ['--encrypt', '--in-place', legacy], { cwd: vault });
    git('add', legacy);
    git('commit', '--quiet', '-m', 'an earlier release');
    const { dir, store, enrolments } = await enrolmentsOn();
    try {
      for (const [who, at] of [
        [okafor, 1],
        [smith, 2],
      ] as const) {
        await store.enrolments.put({
          ...who,
          storage: 'sops',
          vaultFile: legacy,
          state: 'active',
          requestedAt: at,
          updatedAt: at,
        });
      }
      // Smith's key is never used for Okafor.
      await expect(enrolments.activeKey(okafor.slackUserId)).rejects.toThrow(
        /holds the key of Syncro user 1791, not of Dana Okafor \(user 1780\)/,
      );
      // Smith's own file of the old naming still loads.
      expect((await enrolments.activeKey(smith.slackUserId))?.key).toBe(TOK_S);
      // Okafor's disconnect removes Okafor's row and leaves Smith's file.
      const out = await enrolments.disconnect(okafor.slackUserId);
      expect(out?.note).toMatch(
        /syncro-dana\.sops\.yaml holds the key of Syncro user 1791.*left in the vault/,
      );
      expect(existsSync(join(vault, legacy))).toBe(true);
      expect(git('status', '--porcelain')).toBe('');
      // Smith's next connect moves the key to the new name; the old file goes with a commit.
      expect(await enrolments.connect(smith, `${TOK_S}_2`)).toMatchObject({
        ok: true,
        enrolment: { vaultFile: 'msp-tools/syncro-dana-1791.sops.yaml' },
      });
      expect(git('ls-files', 'msp-tools')).toBe('msp-tools/syncro-dana-1791.sops.yaml\n');
      await enrolments.disconnect(smith.slackUserId);
      expect(git('status', '--porcelain')).toBe('');
      void dir;
    } finally {
      await store.close();
    }
  });

  it('should never write the clear token into a file others can read, on a reconnect over a 0644 file', async () => {
    // A sops that notes the file's mode before encrypting it.
    const modes = join(root, 'modes.log');
    const noting = join(bin, 'sops-noting');
    writeFileSync(noting, `#!/bin/sh\nstat -c %a "$3" >> "${modes}"\nexec "${FAKE_SOPS}" "$@"\n`);
    chmodSync(noting, 0o755);
    const v = open(noting);
    const o = owners[0]!;
    const first = await v.put(o, tokenOf(o), 0);
    const abs = join(vault, first.vaultFile!);
    chmodSync(abs, 0o644); // as a checkout with umask 022 leaves it
    const again = await v.put(o, `${tokenOf(o)}_2`, 1, first.vaultFile);
    expect(readFileSync(modes, 'utf8').trim().split('\n')).toEqual(['600', '600']);
    expect(statSync(abs).mode & 0o077).toBe(0);
    expect(await v.get(o, again)).toBe(`${tokenOf(o)}_2`);
    expect(git('status', '--porcelain')).toBe('');
    await v.remove(o, again, 'test');
  });

  it('should name, at start-up, a key file left in clear text, without its content', () => {
    expect(vaultProblems(vault, 'msp-tools')).toEqual([]);
    mkdirSync(join(vault, 'msp-tools'), { recursive: true });
    writeFileSync(join(vault, 'msp-tools/syncro-ann.sops.yaml'), 'sops:\n  fake: true\n');
    writeFileSync(join(vault, 'msp-tools/notes.md'), 'not a key file\n');
    writeFileSync(
      join(vault, 'msp-tools/syncro-zed.sops.yaml'),
      'kind: api-key\ncredentials:\n    credential: "syncro_tok_LEFT_0a0b0c0d"\n',
    );
    writeFileSync(
      join(vault, 'msp-tools/.syncro-yan.sops.yaml.0a1b2c3d4e5f.tmp'),
      'credential: "syncro_tok_TMP"\n',
    );
    try {
      const problems = vaultProblems(vault, 'msp-tools');
      expect(problems).toHaveLength(2);
      expect(problems.join('\n')).toContain('msp-tools/syncro-zed.sops.yaml');
      expect(problems.join('\n')).toContain('msp-tools/.syncro-yan.sops.yaml.0a1b2c3d4e5f.tmp');
      expect(problems.join('\n')).not.toContain('syncro_tok_');
      expect(problems.join('\n')).not.toContain('syncro-ann');
    } finally {
      for (const f of [
        'syncro-ann.sops.yaml',
        'notes.md',
        'syncro-zed.sops.yaml',
        '.syncro-yan.sops.yaml.0a1b2c3d4e5f.tmp',
      ])
        rmSync(join(vault, 'msp-tools', f), { force: true });
    }
  });
});
