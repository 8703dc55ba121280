import { AppError } from '../errors.js';

/**
 * What the executor needs from wherever session logs are written (a git working copy: src/session-logs/git.ts):
 * the engine's side of that boundary, so that the core names no feature. git.ts implements it.
 */

export interface GitAuthor {
  name: string;
  email: string;
}

/** What became of the push after the commit: the commit stays whatever happens to the push. */
export type PushResult =
  | { code: 'pushed'; remote: string }
  | { code: 'not_configured' }
  | { code: 'push_failed'; remote: string; reason: string };

export interface GitSessionLogs {
  /** Whether a file is already committed at `path` (in HEAD's tree). */
  committed(path: string): Promise<boolean>;
  /** The commit (full hash) on HEAD that touched `path` and whose message carries `marker`, if any. */
  findCommit(path: string, marker: string): Promise<string | undefined>;
  /** Writes `content` to `path`, commits that file alone, and pushes when configured. */
  commit(input: { path: string; content: string; author: GitAuthor; message: string }): Promise<{
    commit: string;
    push: PushResult;
  }>;
}

/** git refused to write the log (nothing was committed). */
export class SessionLogNotWrittenError extends AppError {
  readonly code = 'SESSION_LOG_NOT_WRITTEN';
  constructor(
    readonly gitCommand: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`git ${gitCommand} failed: ${reason}`, options);
  }
}

/** git could not be asked (a read-back that failed): whether the log is committed is not known yet. */
export class SessionLogCheckError extends AppError {
  readonly code = 'SESSION_LOG_CHECK_FAILED';
}
