import { dirname } from 'node:path';
import { StoreOpenError } from './errors.js';
import { redactText } from './logger.js';

/**
 * A failure while starting (after the configuration was read) in words that name the setting to fix. Slack's
 * auth.test answers `invalid_auth` and friends for a bad bot token: that is SLACK_BOT_TOKEN. Never the token.
 */
const TOKEN_ERRORS: Record<string, string> = {
  invalid_auth: 'Slack refused the bot token (invalid_auth)',
  not_authed: 'Slack received no bot token (not_authed)',
  account_inactive: 'the bot token belongs to a deleted app or an inactive workspace (account_inactive)',
  token_revoked: 'the bot token was revoked (token_revoked)',
  token_expired: 'the bot token has expired (token_expired)',
};

/** What main.ts knows about where the failure happened: never a secret. */
export interface StartupContext {
  /** SLACK_API_URL, when set (otherwise Slack itself, https://slack.com/api/). */
  slackApiUrl?: string;
  /** The uid and gid this process runs as (process.getuid/getgid; undefined on Windows). */
  uid?: number;
  gid?: number;
}

export const SLACK_DEFAULT_API_URL = 'https://slack.com/api/';

export function explainStartupFailure(err: unknown, context: StartupContext = {}): string {
  const slackError = slackErrorCode(err);
  if (slackError && TOKEN_ERRORS[slackError]) {
    return `SLACK_BOT_TOKEN: ${TOKEN_ERRORS[slackError]}. Copy the Bot User OAuth Token (xoxb-…) again from the app's OAuth & Permissions page (reinstall the app if it was removed).`;
  }
  if (err instanceof StoreOpenError) return explainStoreOpen(err, context);
  const unreachable = slackRequestFailure(err);
  if (unreachable !== undefined) return explainSlackUnreachable(unreachable, context);
  return redactText(err instanceof Error ? err.message : String(err));
}

/** The SQLite file cannot be created or written: the path, why, and the uid that must be able to write it. */
function explainStoreOpen(err: StoreOpenError, context: StartupContext): string {
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const why = redactText(typeof cause?.message === 'string' ? cause.message : String(err.cause));
  const folder = dirname(err.file);
  const what =
    code === 'ENOTDIR' || code === 'EEXIST'
      ? `a part of ${folder} is a file, not a folder`
      : code === 'EROFS' || code.startsWith('SQLITE_READONLY')
        ? `${folder} is read-only for this process`
        : code === 'ENOSPC' || code === 'SQLITE_FULL'
          ? 'the disk is full'
          : code.startsWith('SQLITE_CANTOPEN')
            ? 'SQLite cannot create or open it there'
            : `${folder} is not a folder this process can write`;
  const who =
    context.uid === undefined
      ? `the user this process runs as must be able to create and write files in ${folder}`
      : `this process runs as uid ${context.uid}${context.gid === undefined ? '' : ` (gid ${context.gid})`}, so ${folder} must be a folder that uid ${context.uid} can write (and ${err.file}, if it exists, a file it can write)`;
  return (
    `${err.setting}: cannot open the SQLite database ${err.file}: ${what} (${why}). ` +
    `${who[0]?.toUpperCase()}${who.slice(1)}. ` +
    'In Docker the image runs as uid 1000 (the user node): use a named volume, or give the mounted host folder to uid 1000 (chown -R 1000:1000 <host folder>); ' +
    `or set ${err.setting === 'DATA_DIR' ? 'DATA_DIR to a writable folder, or ' : ''}DATABASE_URL=postgres://… to keep the store in PostgreSQL.`
  );
}

/** Slack could not be reached at all (no HTTP answer): where the bot looked, and what to check. */
function explainSlackUnreachable(detail: string, context: StartupContext): string {
  const url = context.slackApiUrl ? withoutCredentials(context.slackApiUrl) : SLACK_DEFAULT_API_URL;
  const where = context.slackApiUrl
    ? `${url} (SLACK_API_URL)`
    : `${url} (SLACK_API_URL is not set, so this is Slack itself)`;
  return (
    `Slack cannot be reached at ${where}: ${detail}. ` +
    `${context.slackApiUrl ? 'Check SLACK_API_URL (unset it to use Slack itself), and that' : 'Check that'} this machine or container can reach it: network, DNS, a proxy or a firewall.`
  );
}

function withoutCredentials(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    return redactText(u.toString());
  } catch {
    return redactText(raw);
  }
}

/**
 * The Web API's request error (no HTTP answer: refused, DNS, TLS, timeout), from auth.test or
 * apps.connections.open, alone or wrapped by Bolt: the innermost cause in words ("connect ECONNREFUSED …").
 */
function slackRequestFailure(err: unknown): string | undefined {
  let found = false;
  let detail: string | undefined;
  for (let e: unknown = err, depth = 0; e && depth < 8; depth++) {
    const x = e as {
      code?: unknown;
      message?: unknown;
      original?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (x.code === 'slack_webapi_request_error') found = true;
    else if (found) detail = wordsOf(x) ?? detail;
    e = x.original ?? x.cause;
  }
  return found ? redactText(detail ?? 'no answer') : undefined;
}

/** An error's own words; "fetch failed" says nothing (its cause does), an AggregateError speaks through its first. */
function wordsOf(x: { code?: unknown; message?: unknown; errors?: unknown }): string | undefined {
  let text = typeof x.message === 'string' && x.message !== 'fetch failed' ? x.message : '';
  const first: unknown = Array.isArray(x.errors) ? x.errors[0] : undefined;
  if (!text && typeof first === 'object' && first !== null) text = wordsOf(first) ?? '';
  if (typeof x.code === 'string' && !text.includes(x.code)) text = `${text} (${x.code})`.trim();
  return text || undefined;
}

/** Slack's error code, from a Web API error or one Bolt wrapped around it. */
function slackErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const data = (e as { data?: { error?: unknown } }).data;
    if (typeof data?.error === 'string') return data.error;
    const m = /An API error occurred: (\w+)/.exec(String((e as { message?: unknown }).message ?? ''));
    if (m) return m[1];
    e = (e as { cause?: unknown; original?: unknown }).cause ?? (e as { original?: unknown }).original;
  }
  return undefined;
}
