import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SessionLogStep, sessionLogStep, writeSessionLog } from '../../src/actions/kinds/session-log.js';
import type { StepContext } from '../../src/actions/kinds/step.js';
import {
  checkSessionLogRepo,
  createGitSessionLogs,
  redactGitText,
  SessionLogNotWrittenError,
} from '../../src/session-logs/git.js';
import { type TempRepos, tempRepos } from '../support/git-repos.js';

const AUTHOR = { name: 'Howard Enos', email: 'howard@example.com' };
const FILE = 'clients/lens-auto-brokerage/session-logs/2026-12-01-32164.md';

describe('git session logs (real temporary repositories)', () => {
  let repos: TempRepos;
  beforeEach(async () => {
    repos = await tempRepos();
  });
  afterEach(() => repos.remove());

  it('should commit only the log, with the technician as author, and push it to the remote', async () => {
    // Something else staged in the working copy is left alone.
    writeFileSync(join(repos.work, 'notes.txt'), 'staged, not ours\n');
    await repos.git(repos.work, 'add', 'notes.txt');
    const git = createGitSessionLogs({ repo: repos.work, push: true, remote: 'origin' });
    const res = await git.commit({
      path: FILE,
      content: '# log\n',
      author: AUTHOR,
      message: 'Session log\n\nX: 1',
    });
    expect(res.push).toEqual({ code: 'pushed', remote: 'origin' });
    expect(await repos.git(repos.work, 'log', '-1', '--format=%an <%ae>|%cn <%ce>')).toBe(
      'Howard Enos <howard@example.com>|Howard Enos <howard@example.com>',
    );
    expect(await repos.git(repos.work, 'show', '--name-only', '--format=', 'HEAD')).toBe(FILE);
    expect(await repos.git(repos.work, 'diff', '--cached', '--name-only')).toBe('notes.txt');
    expect(await repos.commits(repos.bare, 'main')).toEqual([res.commit]);
    expect(await git.committed(FILE)).toBe(true);
    expect(await git.findCommit(FILE, 'X: 1')).toBe(res.commit);
    expect(await git.findCommit(FILE, 'X: 2')).toBeUndefined();
  });

  it('should keep the commit when the push fails, and say why without a credential', async () => {
    await repos.git(
      repos.work,
      'remote',
      'set-url',
      'origin',
      `https://bot:s3cr3t-token@127.0.0.1:1/${'x'}.git`,
    );
    const git = createGitSessionLogs({ repo: repos.work, push: true, remote: 'origin', timeoutMs: 20_000 });
    const res = await git.commit({ path: FILE, content: '# log\n', author: AUTHOR, message: 'm' });
    expect(res.push.code).toBe('push_failed');
    expect(JSON.stringify(res.push)).not.toContain('s3cr3t-token');
    expect(await repos.commits(repos.work, 'HEAD')).toEqual([res.commit]);
  });

  it('should put the log on top of what others pushed meanwhile, and push it', async () => {
    // Another technician's clone pushes first, twice: once before the bot's working copy caught up, once after.
    const other = join(repos.work, '..', 'other');
    await execa('git', ['clone', '--quiet', repos.bare, other]);
    const commitIn = async (dir: string, name: string) => {
      writeFileSync(join(dir, name), `${name}\n`);
      await repos.git(dir, 'add', name);
      await repos.git(
        dir,
        '-c',
        'user.name=Mike',
        '-c',
        'user.email=mike@example.com',
        'commit',
        '-qm',
        name,
      );
      await repos.git(dir, 'push', '-q', 'origin', 'HEAD:main');
    };
    await commitIn(other, 'README.md');
    await repos.git(repos.work, 'pull', '-q', 'origin', 'main');
    await commitIn(other, 'tenants.md');

    const git = createGitSessionLogs({ repo: repos.work, push: true, remote: 'origin' });
    const res = await git.commit({
      path: FILE,
      content: '# log\n',
      author: AUTHOR,
      message: 'Session log\n\nX: 9',
    });
    expect(res.push).toEqual({ code: 'pushed', remote: 'origin' });
    const onRemote = await repos.commits(repos.bare, 'main');
    expect(onRemote).toHaveLength(3);
    expect(onRemote[0]).toBe(res.commit);
    expect(await git.findCommit(FILE, 'X: 9')).toBe(res.commit);
    expect(await repos.git(repos.work, 'log', '-1', '--format=%an <%ae>')).toBe(
      'Howard Enos <howard@example.com>',
    );
  });

  it('should know nothing of a log in a repository without commits', async () => {
    const git = createGitSessionLogs({ repo: repos.work, push: false, remote: 'origin' });
    expect(await git.committed(FILE)).toBe(false);
    expect(await git.findCommit(FILE, 'X: 1')).toBeUndefined();
  });

  it('should refuse a path outside the working copy, writing nothing', async () => {
    const git = createGitSessionLogs({ repo: repos.work, push: false, remote: 'origin' });
    await expect(
      git.commit({ path: '../escape.md', content: 'x', author: AUTHOR, message: 'm' }),
    ).rejects.toBeInstanceOf(SessionLogNotWrittenError);
    expect(existsSync(join(repos.work, '..', 'escape.md'))).toBe(false);
  });

  it('should read a log back after an unclear answer: found by its marker, absent otherwise', async () => {
    const git = createGitSessionLogs({ repo: repos.work, push: false, remote: 'origin' });
    const step: SessionLogStep = {
      ...sessionLogStep({
        markdown: '# log\n',
        marker: 'Syncro-Slack-Action: a1.session-log',
        target: {
          kind: 'git',
          file: FILE,
          author: AUTHOR,
          message: 'm\n\nSyncro-Slack-Action: a1.session-log',
          push: false,
          remote: 'origin',
        },
      }),
      status: 'unknown',
      sentAt: Date.now(),
    };
    const ctx = { sessionLogs: { git } } as unknown as StepContext;
    if (writeSessionLog.readBack !== 'state') throw new Error('expected a state read-back');
    expect((await writeSessionLog.check(ctx, step)).found).toBe(false);
    // The commit landed (the bot crashed before journaling it): it is found, so Post again sends nothing.
    await writeSessionLog.send(ctx, step);
    const again = await writeSessionLog.check(ctx, step);
    expect(again.found).toBe(true);
    // And a second send is refused before it writes: a log is committed at that path.
    expect(await writeSessionLog.refuseBeforeSend!(ctx, step)).toEqual({
      code: 'SESSION_LOG_EXISTS',
      endpoint: FILE,
    });
  });

  it('should check at start-up that the repository is a working copy with its push remote', async () => {
    expect(await checkSessionLogRepo({ repo: repos.work, push: true, remote: 'origin' })).toEqual([]);
    expect(await checkSessionLogRepo({ repo: repos.work, push: true, remote: 'backup' })).toEqual([
      expect.stringMatching(/no remote named backup/),
    ]);
    const plain = join(repos.work, '..', 'plain');
    mkdirSync(plain);
    expect(await checkSessionLogRepo({ repo: plain, push: false, remote: 'origin' })).toEqual([
      expect.stringMatching(/is not a git working copy/),
    ]);
    rmSync(plain, { recursive: true });
    expect(
      await checkSessionLogRepo({ repo: join(repos.work, 'missing'), push: false, remote: 'origin' }),
    ).toEqual([expect.stringMatching(/is not a git working copy/)]);
  });
});

describe('redactGitText', () => {
  it('should hide the user and token of a remote URL', () => {
    expect(redactGitText("fatal: unable to access 'https://bot:tok@github.com/acme/logs.git/'")).toBe(
      "fatal: unable to access 'https://***@github.com/acme/logs.git/'",
    );
  });
});
