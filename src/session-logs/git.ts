import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import {
  type GitAuthor,
  type GitSessionLogs,
  type PushResult,
  SessionLogCheckError,
  SessionLogNotWrittenError,
} from '../actions/session-log-writer.js';
import { execa } from '../execa-lazy.js';

export {
  type GitAuthor,
  type GitSessionLogs,
  type PushResult,
  SessionLogCheckError,
  SessionLogNotWrittenError,
};

/**
 * Session logs in a local git working copy: the file is written, added and committed with the technician as
 * author, then pushed when configured. git runs through execa with an argument list (never a shell string), with
 * no terminal prompt (a push that would ask for a password fails instead of hanging), one command at a time per
 * repository (git's index lock allows no more).
 */

export interface GitSessionLogsOptions {
  repo: string;
  push: boolean;
  remote: string;
  /** Longest a git command may run (a push over a slow network); default 60 s. */
  timeoutMs?: number;
}

/** A git remote's URL may carry a token (https://user:token@host/…): never let it into a card or a log line. */
export function redactGitText(text: string): string {
  // Found from its `://`, the scheme checked behind it: starting from the scheme tried every suffix of a long
  // word that has no `://` (quadratic).
  return text.replace(/:\/\/(?<=[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '://***@');
}

function firstLine(text: string): string {
  return redactGitText(text.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 300);
}

interface Ran {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function createGitSessionLogs(opts: GitSessionLogsOptions): GitSessionLogs {
  const repo = resolve(opts.repo);
  const timeout = opts.timeoutMs ?? 60_000;
  let queue: Promise<unknown> = Promise.resolve();
  /** One git operation at a time on this working copy. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const git = async (args: string[], env: Record<string, string> = {}): Promise<Ran> => {
    const r = await execa('git', ['-C', repo, ...args], {
      reject: false,
      timeout,
      env: { GIT_TERMINAL_PROMPT: '0', ...env },
    });
    return {
      exitCode: r.exitCode,
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      timedOut: r.timedOut === true,
    };
  };

  const failed = (push: Ran): PushResult => ({
    code: 'push_failed',
    remote: opts.remote,
    reason: push.timedOut ? 'timed out' : firstLine(push.stderr) || `exit ${push.exitCode}`,
  });

  /**
   * `git pull --rebase <remote> <branch>`: our unpushed commits (this log, earlier ones whose push failed) go on
   * top of the remote's; the commits keep their author and message (the read-back marker). A rebase that stops is
   * aborted, leaving the working copy as it was. False when it did not work out.
   */
  const catchUp = async (committer: Record<string, string>): Promise<boolean> => {
    const branch = (await git(['rev-parse', '--abbrev-ref', 'HEAD'])).stdout.trim();
    if (!branch || branch === 'HEAD') return false;
    const pull = await git(['pull', '--rebase', '--autostash', '--quiet', opts.remote, branch], committer);
    if (pull.exitCode === 0) return true;
    await git(['rebase', '--abort']);
    return false;
  };

  /** The repository-relative path, refused if it would leave the working copy. */
  const inside = (path: string): string => {
    const abs = resolve(repo, path);
    const rel = relative(repo, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
      throw new SessionLogNotWrittenError('add', `${path} is outside the repository`);
    return rel;
  };

  return {
    committed: (path) =>
      serial(async () => {
        const r = await git(['cat-file', '-e', `HEAD:${inside(path)}`]);
        return r.exitCode === 0;
      }),

    findCommit: (path, marker) =>
      serial(async () => {
        const r = await git([
          'log',
          '--format=%H',
          '--fixed-strings',
          `--grep=${marker}`,
          '--',
          inside(path),
        ]);
        if (r.exitCode === 0)
          return r.stdout
            .split('\n')
            .find((l) => /^[0-9a-f]{40,64}$/.test(l.trim()))
            ?.trim();
        // A repository without any commit yet holds no session log.
        if (/does not have any commits|unknown revision|bad default revision/i.test(r.stderr))
          return undefined;
        throw new SessionLogCheckError(`git log failed: ${firstLine(r.stderr) || `exit ${r.exitCode}`}`);
      }),

    commit: ({ path, content, author, message }) =>
      serial(async () => {
        const rel = inside(path);
        try {
          await mkdir(dirname(resolve(repo, rel)), { recursive: true });
          await writeFile(resolve(repo, rel), content, 'utf8');
        } catch (err) {
          throw new SessionLogNotWrittenError('add', (err as Error).message, { cause: err });
        }
        const add = await git(['add', '--', rel]);
        if (add.exitCode !== 0)
          throw new SessionLogNotWrittenError('add', firstLine(add.stderr) || `exit ${add.exitCode}`);
        // The technician is the author; the committer is the same person, so that a working copy without a git
        // identity of its own still commits. The pathspec commits this file alone, whatever else is staged.
        const who = `${author.name} <${author.email}>`;
        const commit = await git(['commit', '--quiet', `--author=${who}`, '-m', message, '--', rel], {
          GIT_COMMITTER_NAME: author.name,
          GIT_COMMITTER_EMAIL: author.email,
        });
        if (commit.timedOut) throw new Error('git commit did not finish in time');
        if (commit.exitCode !== 0)
          throw new SessionLogNotWrittenError(
            'commit',
            firstLine(commit.stderr) || firstLine(commit.stdout) || `exit ${commit.exitCode}`,
          );
        const committer = { GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email };
        const headOf = async () => (await git(['rev-parse', 'HEAD'])).stdout.trim();
        const sha = await headOf();
        if (!opts.push) return { commit: sha, push: { code: 'not_configured' } };
        let push = await git(['push', '--quiet', opts.remote, 'HEAD']);
        if (push.exitCode === 0) return { commit: sha, push: { code: 'pushed', remote: opts.remote } };
        // Someone else pushed first (a shared logs repository): put our commits on top of theirs, push once more.
        if (!push.timedOut && /rejected|non-fast-forward|fetch first/i.test(push.stderr)) {
          const caughtUp = await catchUp(committer);
          if (caughtUp) {
            const rebased = await headOf();
            push = await git(['push', '--quiet', opts.remote, 'HEAD']);
            if (push.exitCode === 0)
              return { commit: rebased, push: { code: 'pushed', remote: opts.remote } };
            return { commit: rebased, push: failed(push) };
          }
        }
        return { commit: sha, push: failed(push) };
      }),
  };
}

/**
 * Start-up check of `session_logs.repo`: a git working copy, with the push remote when pushing is configured.
 * Returns the problems in words (empty when all is well).
 */
export async function checkSessionLogRepo(opts: {
  repo: string;
  push: boolean;
  remote: string;
}): Promise<string[]> {
  const run = (args: string[]) =>
    execa('git', ['-C', resolve(opts.repo), ...args], { reject: false, timeout: 10_000 }).catch(
      (err: unknown) => ({ exitCode: -1, stdout: '', stderr: String((err as Error).message) }),
    );
  const work = await run(['rev-parse', '--is-inside-work-tree']);
  if (work.exitCode !== 0 || String(work.stdout).trim() !== 'true')
    return [
      `session_logs.repo: ${opts.repo} is not a git working copy (git init it, or clone the logs repository there)`,
    ];
  if (opts.push) {
    const remote = await run(['remote', 'get-url', opts.remote]);
    if (remote.exitCode !== 0)
      return [
        `session_logs.push: the repository at ${opts.repo} has no remote named ${opts.remote} (add it with git remote add, or set session_logs.remote)`,
      ];
  }
  return [];
}
