/**
 * The application's error vocabulary. Every failure a caller may branch on is a class with a stable `code`;
 * callers test `code` (or `instanceof`), never message text. `cause` keeps the original error.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Start-up configuration is wrong; `problems` lists every one of them, by setting name. */
export class ConfigError extends AppError {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * The SQLite store could not be opened or written at start-up (a folder that is not writable by this process, a
 * path through a regular file, a read-only file system). `file` is the database path, `setting` the variable that
 * chose it; `cause` keeps the original error (its `code`: EACCES, ENOTDIR, SQLITE_CANTOPEN, SQLITE_READONLY, …).
 */
export class StoreOpenError extends AppError {
  readonly code = 'STORE_OPEN_FAILED';
  constructor(
    readonly file: string,
    readonly setting: 'DATA_DIR' | 'DATABASE_URL',
    cause: unknown,
  ) {
    super(`cannot open the SQLite database ${file}`, { cause });
  }
}

/** A key source (env variable, sops file) could not produce a key. Never carries the key itself. */
export class KeySourceError extends AppError {
  readonly code = 'KEY_SOURCE_FAILED';
}

/** The person's input cannot be understood; `usage` is the right form. Nothing was changed. */
export class UserInputError extends AppError {
  readonly code = 'USER_INPUT_INVALID';
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** The person may not do this (not mapped, key refused by policy, not the requester or an approver). */
export class NotAllowedError extends AppError {
  readonly code = 'NOT_ALLOWED';
  /**
   * @param channelId A channel the person is pointed to (where approvals are posted), as a fact: the view makes
   *   the mention, the message only says "the approval channel" (words are escaped, so a `<#C…>` would show raw).
   */
  constructor(
    message: string,
    readonly channelId?: string,
  ) {
    super(message);
  }
}

/**
 * The key a card's write would be signed with now acts as someone other than the card said (the person's mapping
 * or key changed after the card was drawn): refused rather than misattributed. Nothing was sent.
 */
export class SignerChangedError extends AppError {
  readonly code = 'SIGNER_CHANGED';
  constructor(
    readonly promised: string,
    readonly actual: string,
  ) {
    super(`the card was for ${promised}, the key now acts as ${actual}`);
  }
}

/** Slack refused to post a channel card (e.g. `not_in_channel`); `slackError` is Slack's code. Nothing was sent. */
export class CardNotPostedError extends AppError {
  readonly code = 'CARD_NOT_POSTED';
  /** The channel the card was to be posted in (a billing card may go elsewhere than where it was asked). */
  readonly channelId: string | undefined;
  constructor(
    readonly slackError: string | undefined,
    options?: { cause?: unknown; channelId?: string },
  ) {
    super(`Slack refused to post the card${slackError ? ` (${slackError})` : ''}`, options);
    this.channelId = options?.channelId;
  }
}

/** Wraps anything unknown so that every thrown value has a `code`. */
export class UnexpectedError extends AppError {
  readonly code = 'UNEXPECTED';
}

export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new UnexpectedError(message, { cause: err });
}
