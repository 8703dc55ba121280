import type { GitAuthor, GitSessionLogs } from '../session-log-writer.js';
import type { TicketRef } from '../types.js';
import type { ActionKindDef } from './action.js';
import type { ErrorFacts, StepBase, StepContext, StepKind } from './step.js';

/**
 * A session log (the reference command's "offer to create a session log entry" on close): a Markdown file about
 * a finished close or billing, written once. Its step is not a Syncro request: it is a commit in the configured
 * git working copy (`GIT <file>`), or, without one, a file uploaded to the card's thread (`UPLOAD slack:<channel>`).
 * The card shows the Markdown as the payload, and where it goes.
 */

/** Where the log goes, decided when the card is proposed (so that the card can say it). */
export type SessionLogTarget =
  | {
      kind: 'git';
      /** Repository-relative: clients/<customer-slug>/session-logs/<YYYY-MM-DD>-<number>.md */
      file: string;
      author: GitAuthor;
      message: string;
      push: boolean;
      remote: string;
    }
  | { kind: 'slack'; channelId: string; threadTs?: string; filename: string; title: string };

export interface SessionLogStep extends StepBase {
  op: 'write_session_log';
  method: 'GIT' | 'UPLOAD';
  body: {
    markdown: string;
    target: SessionLogTarget;
    /** What identifies this log on read-back: a trailer of the commit message, the upload's file name. */
    marker: string;
  };
}

/** Uploads a file to a Slack channel (or thread) and finds one uploaded there since a time. */
export interface SessionLogUploader {
  upload(input: {
    channelId: string;
    threadTs?: string;
    filename: string;
    title: string;
    content: string;
  }): Promise<{ fileId: string }>;
  /** The id of a file named `filename` shared in `channelId` since `since` (epoch ms), if any. */
  find(input: { channelId: string; filename: string; since: number }): Promise<string | undefined>;
}

/** The capability a session log step is given (StepContext.sessionLogs): git when configured, else Slack. */
export interface SessionLogWriter {
  git?: GitSessionLogs;
  slack?: SessionLogUploader;
}

/** Codes of a session log that is not written (views/error-words.ts words them). */
export const SESSION_LOG_REFUSED = {
  /** A log is already committed at that path (written since the card was drawn). */
  exists: 'SESSION_LOG_EXISTS',
  /** The bot has no writer for the card's target any more (configuration changed). */
  notConfigured: 'SESSION_LOG_NOT_CONFIGURED',
} as const;

export function sessionLogStep(body: SessionLogStep['body']): SessionLogStep {
  const t = body.target;
  return t.kind === 'git'
    ? { op: 'write_session_log', method: 'GIT', path: t.file, status: 'pending', body }
    : {
        op: 'write_session_log',
        method: 'UPLOAD',
        path: `slack:${t.channelId}${t.threadTs ? `/${t.threadTs}` : ''}`,
        status: 'pending',
        body,
      };
}

function gitOf(ctx: StepContext): GitSessionLogs {
  const git = ctx.sessionLogs?.git;
  if (!git) throw new Error('session_logs.repo is not configured on this bot');
  return git;
}

function slackOf(ctx: StepContext): SessionLogUploader {
  const slack = ctx.sessionLogs?.slack;
  if (!slack) throw new Error('this bot cannot upload session logs to Slack');
  return slack;
}

/**
 * A log has no Syncro id: its result id is 0, and what it made (the commit, the file) is in the outcome's facts.
 */
const NO_SYNCRO_ID = 0;

export const writeSessionLog: StepKind<SessionLogStep> = {
  op: 'write_session_log',
  putsMoneyOnTicket: false,
  async refuseBeforeSend(ctx, step): Promise<ErrorFacts | undefined> {
    const t = step.body.target;
    if (t.kind === 'git') {
      if (!ctx.sessionLogs?.git) return { code: SESSION_LOG_REFUSED.notConfigured };
      // Never overwrite a log: one committed at this path since the card was drawn stops this one.
      if (await ctx.sessionLogs.git.committed(t.file))
        return { code: SESSION_LOG_REFUSED.exists, endpoint: t.file };
      return undefined;
    }
    return ctx.sessionLogs?.slack ? undefined : { code: SESSION_LOG_REFUSED.notConfigured };
  },
  async send(ctx, step) {
    const { markdown, target: t } = step.body;
    if (t.kind === 'git') {
      const done = await gitOf(ctx).commit({
        path: t.file,
        content: markdown,
        author: t.author,
        message: t.message,
      });
      return {
        resultId: NO_SYNCRO_ID,
        outcome: { code: 'done', sessionLog: { where: 'git', commit: done.commit, push: done.push } },
      };
    }
    const up = await slackOf(ctx).upload({
      channelId: t.channelId,
      ...(t.threadTs ? { threadTs: t.threadTs } : {}),
      filename: t.filename,
      title: t.title,
      content: markdown,
    });
    return {
      resultId: NO_SYNCRO_ID,
      outcome: { code: 'done', sessionLog: { where: 'slack', fileId: up.fileId } },
    };
  },
  // After an unclear answer: the commit carrying this log's marker (or the uploaded file) is there, or not.
  readBack: 'state',
  async check(ctx, step) {
    const t = step.body.target;
    const since = step.sentAt ?? 0;
    if (t.kind === 'git') {
      const commit = await gitOf(ctx).findCommit(t.file, step.body.marker);
      if (commit)
        return {
          found: true,
          resultId: NO_SYNCRO_ID,
          outcome: { code: 'found', what: 'session_log', sessionLog: { where: 'git', commit } },
        };
      return { found: false, outcome: { code: 'absent', what: 'session_log', searched: { since } } };
    }
    const fileId = await slackOf(ctx).find({
      channelId: t.channelId,
      filename: t.filename,
      since: since - 5 * 60_000,
    });
    if (fileId)
      return {
        found: true,
        resultId: NO_SYNCRO_ID,
        outcome: { code: 'found', what: 'session_log', sessionLog: { where: 'slack', fileId } },
      };
    return { found: false, outcome: { code: 'absent', what: 'session_log', searched: { since } } };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The action: a session log for a finished close or billing

export interface SessionLogDraft {
  kind: 'session_log';
  ticket: TicketRef;
  /** The finished action the log is about. */
  source: { actionId: string; kind: 'close_ticket' | 'bill' };
  markdown: string;
  target: SessionLogTarget;
  marker: string;
}

export const sessionLogAction: ActionKindDef<SessionLogDraft> = {
  kind: 'session_log',
  build: (d) => ({
    ticket: d.ticket,
    summary: {},
    steps: [sessionLogStep({ markdown: d.markdown, target: d.target, marker: d.marker })],
  }),
};
