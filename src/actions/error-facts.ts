import {
  asAppError,
  CardNotPostedError,
  ConfigError,
  NotAllowedError,
  SignerChangedError,
  UserInputError,
} from '../errors.js';
import {
  SyncroError,
  SyncroListNotReadToEndError,
  SyncroRateLimitedError,
  SyncroSchemaMismatchError,
  SyncroServerError,
  SyncroValidationError,
  SyncroWriteOutcomeUnknownError,
} from '../syncro/errors.js';
import { SessionLogCheckError, SessionLogNotWrittenError } from './session-log-writer.js';

/**
 * An error as data: its code and the fields a view needs to word it (Syncro's own messages included). The core
 * keeps these on rows and outcomes; views (src/slack/views/error-words.ts) turn them into words.
 */
export interface ErrorFacts {
  code: string;
  endpoint?: string;
  status?: number;
  /** Syncro's own words (422), or our error's message for codes whose message is meant for people. */
  messages?: string[];
  retryAfterMs?: number;
  /** Rate limited: when Syncro takes requests again (epoch ms), so a later drawing says the real remaining wait. */
  retryAt?: number;
  /** Syncro answered with a web page, not JSON (a wrong SYNCRO_BASE_URL). */
  webPage?: boolean;
  /** Slack's error code (the card could not be posted). */
  slackError?: string;
  /** The channel the card could not be posted in. */
  channelId?: string;
  /** The right form of a command typed wrongly. */
  usage?: string;
  /** Schema mismatch: the field that was wrong. */
  path?: string;
  /** Signer changed: whose name the card promised, and whose the key now carries. */
  signer?: { promised: string; actual: string };
  /** A short reference to find the log line. */
  ref?: string;
  /** A list that was not read to its end: how many pages were read. */
  pages?: number;
}

/** Codes whose message is written for people (identity and policy refusals): the message is kept as data. */
const MESSAGE_FOR_PEOPLE = new Set(['NOT_ALLOWED', 'NOT_MAPPED', 'USER_INPUT_INVALID', 'KEY_SOURCE_FAILED']);

/**
 * An error as the facts a row keeps: its code and the fields that word it (Syncro's own messages, the endpoint,
 * the status). The message of an error we did not expect is never kept (it could hold anything): a reference
 * to its log line is.
 */
export function errorFacts(err: unknown): ErrorFacts {
  const e = asAppError(err);
  const facts: ErrorFacts = { code: e.code };
  if (e instanceof SyncroError) facts.endpoint = e.endpoint;
  if (e instanceof SyncroValidationError) {
    facts.status = e.status;
    facts.messages = [...e.messages];
  } else if (e instanceof SyncroServerError) facts.status = e.status;
  else if (e instanceof SyncroRateLimitedError) {
    facts.retryAfterMs = e.retryAfterMs;
    facts.retryAt = e.retryAt;
  } else if (e instanceof SyncroSchemaMismatchError) {
    facts.path = e.path;
    if (e.webPage) facts.webPage = true;
  } else if (e instanceof SyncroWriteOutcomeUnknownError && e.webPage) facts.webPage = true;
  else if (e instanceof CardNotPostedError) {
    if (e.slackError) facts.slackError = e.slackError;
    if (e.channelId) facts.channelId = e.channelId;
  } else if (e instanceof SyncroListNotReadToEndError) facts.pages = e.pages;
  else if (e instanceof ConfigError) facts.messages = [...e.problems];
  else if (e instanceof SignerChangedError) facts.signer = { promised: e.promised, actual: e.actual };
  else if (e instanceof SessionLogNotWrittenError) {
    // git's own first line of stderr, redacted of any credential in a remote URL (session-logs/git.ts).
    facts.endpoint = e.gitCommand === 'files.uploadV2' ? e.gitCommand : `git ${e.gitCommand}`;
    facts.messages = [e.reason];
  } else if (e instanceof SessionLogCheckError) facts.messages = [e.message];
  else if (MESSAGE_FOR_PEOPLE.has(e.code)) {
    facts.messages = [e.message];
    if (e instanceof UserInputError && e.usage) facts.usage = e.usage;
    if (e instanceof NotAllowedError && e.channelId) facts.channelId = e.channelId;
  } else if (!(e instanceof SyncroError)) facts.ref = errorRef(err);
  return facts;
}

/** A short, stable reference for an error, to match what a card shows with its log line. */
export function errorRef(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  let h = 0x811c9dc5;
  for (const ch of `${e.name}:${e.message}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
