import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** Real temporary git repositories for session-log tests: a working copy and a bare one as its push remote. */

export interface TempRepos {
  /** The working copy (session_logs.repo). */
  work: string;
  /** The bare repository `origin` points at. */
  bare: string;
  git(repo: string, ...args: string[]): Promise<string>;
  /** Commits (full hashes, newest first) on `ref` of `repo` that touched `path` (all paths when omitted). */
  commits(repo: string, ref: string, path?: string): Promise<string[]>;
  remove(): void;
}

export async function tempRepos(): Promise<TempRepos> {
  const root = mkdtempSync(join(tmpdir(), 'syncro-slack-logs-'));
  const work = join(root, 'work');
  const bare = join(root, 'origin.git');
  const git = async (repo: string, ...args: string[]) => {
    const r = await execa('git', ['-C', repo, ...args], { env: { GIT_TERMINAL_PROMPT: '0' } });
    return String(r.stdout);
  };
  await execa('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  await execa('git', ['init', '--quiet', '--initial-branch=main', work]);
  await git(work, 'remote', 'add', 'origin', bare);
  return {
    work,
    bare,
    git,
    async commits(repo, ref, path) {
      const r = await execa('git', ['-C', repo, 'log', '--format=%H', ref, ...(path ? ['--', path] : [])], {
        reject: false,
      });
      return r.exitCode === 0 ? String(r.stdout).split('\n').filter(Boolean) : [];
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs git in `cwd` as a test identity (no global git config needed) and returns what it printed. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  }).toString();
}
