import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { AppError } from '../../errors.js';
import { execa } from '../../execa-lazy.js';
import { type Logger, redactText } from '../../logger.js';
import { type KeyOwner, type KeyVault, type StoredKeyRef, VaultFileExistsError } from './key-vault.js';

/**
 * Connected keys in the sops vault the terminal `/syncro` command reads (shared/reference/syncro-command.md,
 * "Adding a per-user key"), by the reference's five manual steps: write `msp-tools/syncro-<user>.sops.yaml` in the
 * reference's shape in the vault's working copy, `sops --encrypt --in-place <file>` from the vault root (so sops
 * finds .sops.yaml), `git add` + `git commit`, and `git push` when configured. Read back with `sops --decrypt`.
 *
 * The clear text exists on disk only between the write and sops's in-place encryption, in a file only this user
 * can read: written to a new temporary file (mode 0600) in the same folder and renamed over the target, so a
 * reconnect never writes into an existing, maybe world-readable file. If sops fails, the file is removed (or the
 * previous version restored) before anything else happens, and nothing is committed. The encrypted file is
 * checked not to contain the token before it is committed; a failed `git add` or `git commit` unstages it and
 * restores the previous version, so no half-done key blocks the next connect. One vault's git steps run one at a
 * time (concurrent connects would collide on .git/index.lock). No error carries sops's output, nor git's (it
 * names local paths): git's is logged.
 */

export class VaultError extends AppError {
  readonly code = 'VAULT_FAILED';
}

export interface SopsVaultOptions {
  /** The vault's git working copy; its root holds .sops.yaml. */
  root: string;
  /** Folder of the key files (the reference: msp-tools). */
  dir: string;
  push: boolean;
  /** Syncro's API base, for the file's `api-base-url`. */
  apiBaseUrl: string;
  /** The sops executable (default `sops` on PATH). */
  sopsBinary?: string;
  timeoutMs?: number;
  /** Where git's own words go (they name local paths, so people are not shown them). */
  logger?: Logger;
}

const BOT_IDENTITY = { name: 'syncro-slack', email: 'syncro-slack@localhost' };

/**
 * `<user>` of the file name: the key owner's first name in lower case, then their Syncro user id
 * (`dana-1780`), so that two people with one first name never share a file. (Releases before this named the
 * file by the first name alone, `syncro-dana`; such files still load, as their rows record their path, and go
 * on the owner's next connect.)
 */
export function vaultUserSlug(syncroName: string, syncroUserId: number): string {
  const first = (syncroName.trim().split(/\s+/)[0] ?? '')
    .normalize('NFKD')
    .replace(/[^\w-]/g, '')
    .toLowerCase()
    .replace(/_/g, '-');
  return `${first || 'user'}-${syncroUserId}`;
}

/** The Syncro user a decrypted key file says it belongs to (`syncro_user_id`), if it says so. */
function fileOwnerId(doc: unknown): number | undefined {
  const id = (doc as { syncro_user_id?: unknown } | null)?.syncro_user_id;
  const n = typeof id === 'string' && /^\d+$/.test(id.trim()) ? Number(id) : id;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}

function yamlScalar(s: string): string {
  return /^[A-Za-z0-9][\w.@/()+ -]*$/.test(s) && !/ $/.test(s) ? s : JSON.stringify(s);
}

/** The key file in the reference's shape (its clear text, before sops encrypts it). */
export function vaultKeyYaml(owner: KeyOwner, token: string, o: { apiBaseUrl: string; now: number }): string {
  const subdomain = owner.subdomain || /^https?:\/\/([^.]+)\./.exec(o.apiBaseUrl)?.[1] || '';
  const user = vaultUserSlug(owner.syncroName, owner.syncroUserId);
  const date = new Date(o.now).toISOString().slice(0, 10);
  return [
    'kind: api-key',
    `name: ${yamlScalar(`Syncro (${owner.syncroName})`)}`,
    `subdomain: ${yamlScalar(subdomain)}`,
    `api-base-url: ${o.apiBaseUrl}`,
    'api-docs: https://api-docs.syncromsp.com/',
    'status: active',
    `owner: ${user}`,
    `syncro_user_id: ${owner.syncroUserId}`,
    'tags: [msp-tools, per-user]',
    'credentials:',
    `    credential: ${JSON.stringify(token)}`,
    `notes: ${yamlScalar(`Per-user Syncro API token for ${owner.syncroName}. Created ${date} with /syncro connect (Slack ${owner.slackUserId}).`)}`,
    '',
  ].join('\n');
}

/** One queue per vault working copy in this process: its git steps (and the files they stage) run one at a time. */
const vaultQueues = new Map<string, Promise<unknown>>();

function serialised<T>(root: string, job: () => Promise<T>): Promise<T> {
  const key = resolve(root);
  const run = (vaultQueues.get(key) ?? Promise.resolve()).then(job, job);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  vaultQueues.set(key, settled);
  void settled.then(() => {
    if (vaultQueues.get(key) === settled) vaultQueues.delete(key);
  });
  return run;
}

/** A temporary file of the vault (clear text until renamed and encrypted): `.syncro-dana.sops.yaml.<hex>.tmp`. */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

export function sopsVault(o: SopsVaultOptions): KeyVault {
  const sops = o.sopsBinary ?? 'sops';
  const log = o.logger?.child({ component: 'sops-vault' });
  const timeout = o.timeoutMs ?? 20_000;
  const fileFor = (owner: KeyOwner) =>
    `${o.dir.replace(/\/+$/, '')}/syncro-${vaultUserSlug(owner.syncroName, owner.syncroUserId)}.sops.yaml`;

  async function git(args: string[], owner?: KeyOwner) {
    const author = owner
      ? {
          GIT_AUTHOR_NAME: owner.syncroName,
          GIT_AUTHOR_EMAIL: owner.syncroEmail || `${owner.slackUserId}@slack.invalid`,
        }
      : {};
    return execa('git', args, {
      cwd: o.root,
      reject: false,
      timeout,
      stdin: 'ignore',
      env: {
        GIT_COMMITTER_NAME: BOT_IDENTITY.name,
        GIT_COMMITTER_EMAIL: BOT_IDENTITY.email,
        GIT_AUTHOR_NAME: BOT_IDENTITY.name,
        GIT_AUTHOR_EMAIL: BOT_IDENTITY.email,
        ...author,
        GIT_TERMINAL_PROMPT: '0',
      },
    });
  }

  /** `what failed (exit n)` for people; git's first line of stderr (local paths) goes to the log only. */
  function gitProblem(what: string, r: { exitCode?: number; stderr?: unknown }): string {
    const line = String(r.stderr ?? '')
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean);
    const problem = `${what} failed (exit ${r.exitCode ?? '?'})`;
    log?.warn({ git: line ? redactText(line.slice(0, 500)) : undefined, exitCode: r.exitCode }, problem);
    return problem;
  }

  /** Takes `file` out of the index again (back to HEAD's version, or untracked). */
  async function unstage(file: string): Promise<void> {
    const r = await git(['reset', '--quiet', '--', file]);
    if (r.exitCode !== 0) await git(['rm', '--cached', '--quiet', '--ignore-unmatch', '--', file]);
  }

  /** Commits `file` (added or removed), then pushes when configured. A failed push keeps the commit. */
  async function commit(file: string, message: string, owner: KeyOwner): Promise<{ note?: string }> {
    const c = await git(['commit', '--quiet', '-m', message, '--', file], owner);
    if (c.exitCode !== 0) {
      const problem = gitProblem(`git commit in the vault (${file})`, c);
      await unstage(file);
      throw new VaultError(problem);
    }
    if (!o.push) return {};
    const p = await git(['push', '--quiet']);
    if (p.exitCode !== 0) {
      return {
        note: `${gitProblem('git push of the vault', p)}; the commit is kept and goes out with the next push`,
      };
    }
    return {};
  }

  async function tracked(file: string): Promise<boolean> {
    const r = await git(['ls-files', '--error-unmatch', '--', file]);
    return r.exitCode === 0;
  }

  /**
   * Runs inside the vault's queue, so that the check that the file is free and its write are one step: two
   * connects at once never both find it free. `replaces`: the person's recorded file, which may be rewritten.
   */
  async function put(
    owner: KeyOwner,
    token: string,
    now: number,
    replaces: string | undefined,
  ): Promise<StoredKeyRef & { note?: string }> {
    const file = fileFor(owner);
    const abs = join(o.root, file);
    if (file !== replaces && existsSync(abs)) throw new VaultFileExistsError(file);
    const wasTracked = await tracked(file);
    await mkdir(dirname(abs), { recursive: true });
    // Step 1: the reference's file, in a new file only this user can read (never into an existing one, whose mode
    // may let others read it), then renamed over the person's own file, or linked as a new one: a link fails
    // when the name is taken, so another process writing the same working copy cannot be overwritten either.
    const temp = join(dirname(abs), `.${basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, vaultKeyYaml(owner, token, { apiBaseUrl: o.apiBaseUrl, now }), {
        flag: 'wx',
        mode: 0o600,
      });
      if (file === replaces) await rename(temp, abs);
      else {
        await link(temp, abs);
        await unlink(temp);
      }
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new VaultFileExistsError(file);
      log?.warn({ err, file }, 'the vault file could not be written');
      throw new VaultError(`${file} could not be written in the vault; nothing was stored`);
    }
    const undo = async () => {
      if (wasTracked) await git(['checkout', '--', file]);
      else await unlink(abs).catch(() => undefined);
    };
    // Step 2: from the vault root, so that sops picks up .sops.yaml.
    let encrypted: { exitCode?: number; failed?: boolean; code?: string; timedOut?: boolean };
    try {
      encrypted = await execa(sops, ['--encrypt', '--in-place', file], {
        cwd: o.root,
        reject: false,
        timeout,
        stdin: 'ignore',
      });
    } catch {
      encrypted = { failed: true };
    }
    if (encrypted.exitCode !== 0) {
      await undo();
      const why =
        encrypted.code === 'ENOENT'
          ? `the sops command is not installed on this host (looked for ${sops})`
          : encrypted.timedOut
            ? 'sops did not finish in time'
            : `sops --encrypt failed (exit code ${encrypted.exitCode ?? 'unknown'}; check .sops.yaml in the vault root)`;
      throw new VaultError(`${why}; nothing was stored`);
    }
    const after = await readFile(abs, 'utf8').catch(() => '');
    if (after === '' || after.includes(token)) {
      await undo();
      throw new VaultError(
        `sops left ${file} unencrypted (check the creation rule in .sops.yaml); nothing was stored`,
      );
    }
    // Steps 3–5: add, commit, push.
    const add = await git(['add', '--', file]);
    if (add.exitCode !== 0) {
      const problem = gitProblem(`git add in the vault (${file})`, add);
      await unstage(file);
      await undo();
      throw new VaultError(problem);
    }
    let note: string | undefined;
    try {
      ({ note } = await commit(
        file,
        `${wasTracked ? 'Replace' : 'Add'} Syncro API key for ${owner.syncroName} (user ${owner.syncroUserId}) via /syncro connect`,
        owner,
      ));
    } catch (err) {
      // commit() unstaged the file; the previous version (or none) comes back, so the next connect is not refused.
      await undo();
      throw err;
    }
    return { vaultFile: file, ...(note ? { note } : {}) };
  }

  /** The decrypted key file (`sops --decrypt`, from the vault root), parsed. No error carries sops's output. */
  async function decrypt(file: string): Promise<unknown> {
    let r: { exitCode?: number; stdout?: unknown; code?: string };
    try {
      r = await execa(sops, ['--decrypt', file], {
        cwd: o.root,
        reject: false,
        timeout,
        stdin: 'ignore',
        maxBuffer: 1024 * 1024,
      });
    } catch {
      r = { exitCode: undefined };
    }
    if (r.exitCode !== 0) {
      const why =
        r.code === 'ENOENT'
          ? `the sops command is not installed (looked for ${sops})`
          : `exit code ${r.exitCode ?? 'unknown'}`;
      // sops's stderr is not passed on: it may quote the file.
      throw new VaultError(`sops could not decrypt ${file} (${why})`);
    }
    try {
      return parseYaml(String(r.stdout ?? '')) as unknown;
    } catch {
      throw new VaultError(`the decrypted ${file} is not valid YAML`);
    }
  }

  /** Why `doc` (the decrypted `file`) is not `owner`'s key, or undefined when its syncro_user_id is theirs. */
  function notTheirs(file: string, doc: unknown, owner: KeyOwner): string | undefined {
    const id = fileOwnerId(doc);
    if (id === owner.syncroUserId) return undefined;
    return id === undefined
      ? `${file} does not say whose key it is (no syncro_user_id)`
      : `${file} holds the key of Syncro user ${id}, not of ${owner.syncroName} (user ${owner.syncroUserId})`;
  }

  return {
    kind: 'sops',
    describe: (owner) =>
      `the sops vault (${owner ? fileFor(owner) : `${o.dir.replace(/\/+$/, '')}/syncro-<your first name>-<your Syncro user id>.sops.yaml`})`,

    put: (owner, token, now, replaces) => serialised(o.root, () => put(owner, token, now, replaces)),

    async get(owner, ref: StoredKeyRef) {
      if (!ref.vaultFile) throw new VaultError('no vault file is recorded for this key');
      const doc = await decrypt(ref.vaultFile);
      // A file that is someone else's key is never used for this person (a vault file shared by mistake).
      const wrong = notTheirs(ref.vaultFile, doc, owner);
      if (wrong) {
        log?.warn(
          { file: ref.vaultFile, syncroUserId: owner.syncroUserId },
          'a vault file is not its owner’s key',
        );
        throw new VaultError(`${wrong}; connect your key again with /syncro connect`);
      }
      const cred = (doc as { credentials?: { credential?: unknown } } | null)?.credentials?.credential;
      if (typeof cred !== 'string' || cred.trim() === '') {
        throw new VaultError(`${ref.vaultFile} has no credentials.credential`);
      }
      return cred.trim();
    },

    remove: (owner, ref, why) =>
      serialised(o.root, async () => {
        const file = ref.vaultFile;
        if (!file || !existsSync(join(o.root, file))) return {};
        // Only the owner's own key goes: the file must say it is theirs (checked in the queue, before the rm).
        let wrong: string | undefined;
        try {
          wrong = notTheirs(file, await decrypt(file), owner);
        } catch (err) {
          wrong = `${file} could not be read to check whose key it is (${(err as Error).message})`;
        }
        if (wrong) {
          log?.warn(
            { file, syncroUserId: owner.syncroUserId },
            'a vault file was left: not this person’s key',
          );
          return { note: `${wrong}; it was left in the vault for an admin to check` };
        }
        if (await tracked(file)) {
          const r = await git(['rm', '--quiet', '--', file]);
          if (r.exitCode !== 0) throw new VaultError(gitProblem(`git rm in the vault (${file})`, r));
          // A failed commit unstages the removal; the file stays deleted from the working copy (its row is gone).
          return commit(
            file,
            `Remove Syncro API key for ${owner.syncroName} (user ${owner.syncroUserId}): ${why}`,
            owner,
          );
        }
        await unlink(join(o.root, file)).catch(() => undefined);
        return {};
      }),
  };
}

/**
 * Start-up check of the vault: a git working copy whose root holds .sops.yaml, and no key file of `dir` in clear
 * text (a `*.sops.yaml` without a top-level `sops:` key, or a temporary file of an interrupted connect). Returns
 * the problems; they name files, never their content.
 */
export function vaultProblems(root: string, dir?: string): string[] {
  if (!existsSync(root)) return [`enrolment.vault.path: ${root} does not exist`];
  const out: string[] = [];
  if (!existsSync(join(root, '.sops.yaml')))
    out.push(
      `enrolment.vault.path: ${root} has no .sops.yaml at its root (sops needs its creation rules there)`,
    );
  if (!existsSync(join(root, '.git'))) out.push(`enrolment.vault.path: ${root} is not a git working copy`);
  if (dir !== undefined) out.push(...clearTextFiles(root, dir.replace(/\/+$/, '')));
  return out;
}

function clearTextFiles(root: string, dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return []; // no key connected yet
  }
  const out: string[] = [];
  for (const name of names.sort()) {
    const file = `${dir}/${name}`;
    const abs = join(root, dir, name);
    const temp = TEMP_FILE.test(name);
    if (!temp && !/\.sops\.ya?ml$/.test(name)) continue;
    try {
      if (!statSync(abs).isFile()) continue;
      if (!temp && /^sops:/m.test(readFileSync(abs, 'utf8'))) continue;
    } catch {
      continue;
    }
    out.push(
      `enrolment.vault: ${file} in ${root} holds clear text (${temp ? 'left by an interrupted /syncro connect' : 'no top-level sops: key'}); encrypt it with sops --encrypt --in-place or remove it`,
    );
  }
  return out;
}
