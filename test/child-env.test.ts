import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv } from '../src/child-env.js';
import { sopsVault } from '../src/identity/enrolment/sops-vault.js';
import { resolveKey } from '../src/identity/key-sources.js';
import { createGitSessionLogs } from '../src/session-logs/git.js';
import { gitIn, tempRepos } from './support/git-repos.js';

/**
 * git and sops, run as real child processes, get only the allow-listed environment (src/child-env.ts): a
 * stand-in sops and a git hook write down the environment they were given, and none of the bot's secrets is in
 * it, while what they need (PATH, HOME, SOPS_AGE_KEY_FILE, the commit's author) is.
 */

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-CHILDENV-bot-token-1234',
  SLACK_SIGNING_SECRET: 'signing-CHILDENV-5678',
  SLACK_APP_TOKEN: 'xapp-CHILDENV-app-token',
  KEY_ENCRYPTION_KEY: 'kek-CHILDENV-base64-AAAA',
  SYNCRO_KEY_HOWARD: 'syncro_tok_CHILDENV_howard',
  SYNCRO_API_KEY: 'syncro_tok_CHILDENV_shared',
  DATABASE_URL: 'postgres://bot:CHILDENV-db-password@db/bot',
};

const hasAge = (() => {
  try {
    execFileSync('age', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const FAKE_SOPS = new URL('./support/fake-sops', import.meta.url).pathname;

/** Environment dumps (`env -0`) written by the stand-ins, as objects. */
function dumps(dir: string, prefix: string): Array<Record<string, string>> {
  const names = execFileSync('ls', [dir])
    .toString()
    .split('\n')
    .filter((n) => n.startsWith(prefix));
  return names.map((n) =>
    Object.fromEntries(
      readFileSync(join(dir, n), 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),
  );
}

function expectNoSecret(env: Record<string, string>): void {
  const all = JSON.stringify(env);
  for (const [name, value] of Object.entries(SECRETS)) {
    expect(env[name], name).toBeUndefined();
    expect(all.includes(value), `${name}'s value`).toBe(false);
  }
}

describe('the environment of child processes', () => {
  let root: string;
  let dumpDir: string;
  let dumpingSops: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'child-env-'));
    dumpDir = join(root, 'dumps');
    mkdirSync(dumpDir);
    // A sops that writes down its environment, then does what the stand-in sops does.
    dumpingSops = join(root, 'sops-dumping');
    writeFileSync(dumpingSops, `#!/bin/sh\nenv -0 > "${dumpDir}/sops-$$"\nexec "${FAKE_SOPS}" "$@"\n`);
    chmodSync(dumpingSops, 0o755);
    for (const [k, v] of Object.entries(SECRETS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('should pass the allow-list and the caller’s own variables, nothing else', () => {
    const env = childEnv(
      { GIT_AUTHOR_NAME: 'Dana' },
      {
        ...SECRETS,
        PATH: '/usr/bin',
        HOME: '/home/bot',
        SOPS_AGE_KEY_FILE: '/k',
        GNUPGHOME: '/g',
        SSH_AUTH_SOCK: '/s',
        GIT_SSH_COMMAND: 'ssh',
        LC_ALL: 'C',
        NODE_OPTIONS: '--x',
      },
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/bot',
      SOPS_AGE_KEY_FILE: '/k',
      GNUPGHOME: '/g',
      SSH_AUTH_SOCK: '/s',
      GIT_SSH_COMMAND: 'ssh',
      LC_ALL: 'C',
      GIT_AUTHOR_NAME: 'Dana',
    });
  });

  it('should give a sops key source’s sops none of the bot’s secrets', async () => {
    const file = join(root, 'missing.sops.yaml');
    await expect(
      resolveKey({ sops: file }, { env: {}, sopsBinary: dumpingSops, cache: new Map() }),
    ).rejects.toThrow();
    const [env] = dumps(dumpDir, 'sops-');
    expect(env).toBeDefined();
    expectNoSecret(env!);
    expect(env!.PATH).toBe(process.env.PATH);
    rmSync(dumpDir, { recursive: true, force: true });
    mkdirSync(dumpDir);
  });

  it('should give session-log git (and its hooks) none of the bot’s secrets', async () => {
    const repos = await tempRepos();
    try {
      const hook = join(repos.work, '.git', 'hooks', 'pre-commit');
      writeFileSync(hook, `#!/bin/sh\nenv -0 > "${dumpDir}/git-log-$$"\n`);
      chmodSync(hook, 0o755);
      const git = createGitSessionLogs({ repo: repos.work, push: false, remote: 'origin' });
      await git.commit({
        path: 'log.md',
        content: '# log\n',
        author: { name: 'Howard Enos', email: 'howard@example.com' },
        message: 'm',
      });
      const [env] = dumps(dumpDir, 'git-log-');
      expect(env).toBeDefined();
      expectNoSecret(env!);
      expect(env!.GIT_COMMITTER_NAME).toBe('Howard Enos');
    } finally {
      repos.remove();
    }
  });

  describe.runIf(hasAge || process.env.CI === 'true')('the sops vault', () => {
    it('should give the vault’s sops and git none of the bot’s secrets, and sops still its key', async () => {
      const keyFile = join(root, 'age.key');
      execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
      const recipient = /public key: (age1\w+)/.exec(readFileSync(keyFile, 'utf8'))![1]!;
      saved.SOPS_AGE_KEY_FILE = process.env.SOPS_AGE_KEY_FILE;
      process.env.SOPS_AGE_KEY_FILE = keyFile;
      const vault = join(root, 'vault');
      mkdirSync(vault);
      gitIn(vault, 'init', '--quiet');
      writeFileSync(
        join(vault, '.sops.yaml'),
        `creation_rules:\n  - path_regex: .*\\.sops\\.yaml$\n    age: ${recipient}\n`,
      );
      gitIn(vault, 'add', '.sops.yaml');
      gitIn(vault, 'commit', '--quiet', '-m', 'vault');
      const hook = join(vault, '.git', 'hooks', 'pre-commit');
      writeFileSync(hook, `#!/bin/sh\nenv -0 > "${dumpDir}/git-vault-$$"\n`);
      chmodSync(hook, 0o755);
      const v = sopsVault({
        root: vault,
        dir: 'msp-tools',
        push: false,
        apiBaseUrl: 'https://x.syncromsp.com/api/v1',
        sopsBinary: dumpingSops,
      });
      const owner = { slackUserId: 'U0DANA001', syncroUserId: 1780, syncroName: 'Dana Okafor' };
      const ref = await v.put(owner, 'syncro_tok_CHILDENV_dana_0a1b2c', 0);
      expect(await v.get(owner, ref)).toBe('syncro_tok_CHILDENV_dana_0a1b2c');
      const sops = dumps(dumpDir, 'sops-');
      expect(sops).toHaveLength(2); // --encrypt, --decrypt
      for (const env of sops) {
        expectNoSecret(env);
        expect(env.SOPS_AGE_KEY_FILE).toBe(keyFile);
        expect(env.HOME).toBe(process.env.HOME);
      }
      const [git] = dumps(dumpDir, 'git-vault-');
      expect(git).toBeDefined();
      expectNoSecret(git!);
      expect(git!.GIT_AUTHOR_NAME).toBe('Dana Okafor');
    });
  });
});
