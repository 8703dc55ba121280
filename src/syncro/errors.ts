import { AppError } from '../errors.js';

/** Every failure of a Syncro call. `endpoint` is `METHOD /path` with ids, never with a key or query. */
export abstract class SyncroError extends AppError {
  constructor(
    message: string,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 401: the key was refused or has expired. */
export class SyncroUnauthorizedError extends SyncroError {
  readonly code = 'SYNCRO_UNAUTHORIZED';
}

/** 404: no such record. */
export class SyncroNotFoundError extends SyncroError {
  readonly code = 'SYNCRO_NOT_FOUND';
}

/** 422 (or 400): Syncro refused the request; `messages` are Syncro's own words, from any of its body shapes. */
export class SyncroValidationError extends SyncroError {
  readonly code = 'SYNCRO_VALIDATION';
  constructor(
    endpoint: string,
    readonly status: number,
    readonly messages: string[],
  ) {
    super(`Syncro refused ${endpoint}: ${messages.join('; ') || `HTTP ${status}`}`, endpoint);
  }
}

/** 429 that we gave up waiting for (reads), or that the caller must know about. */
export class SyncroRateLimitedError extends SyncroError {
  readonly code = 'SYNCRO_RATE_LIMITED';
  /** When Syncro said it will take requests again (epoch ms), so a message shown later can say what is left. */
  readonly retryAt: number;
  constructor(
    endpoint: string,
    readonly retryAfterMs: number,
    now: number = Date.now(),
  ) {
    super(
      `Syncro rate limit reached on ${endpoint}; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
      endpoint,
    );
    this.retryAt = now + retryAfterMs;
  }
}

/** 5xx on a read (on a write it becomes SyncroWriteOutcomeUnknownError). */
export class SyncroServerError extends SyncroError {
  readonly code = 'SYNCRO_SERVER';
  constructor(
    endpoint: string,
    readonly status: number,
  ) {
    super(`Syncro answered HTTP ${status} on ${endpoint}`, endpoint);
  }
}

/** The connection failed before anything could be sent (read), or any network failure on a read. */
export class SyncroNetworkError extends SyncroError {
  readonly code = 'SYNCRO_NETWORK';
}

/** A read took longer than the configured timeout. */
export class SyncroTimeoutError extends SyncroError {
  readonly code = 'SYNCRO_TIMEOUT';
}

/** The answer did not have the expected shape. `path` names the missing or wrong field, e.g. `comment.id`. */
export class SyncroSchemaMismatchError extends SyncroError {
  readonly code = 'SYNCRO_SCHEMA_MISMATCH';
  /** The answer was a web page (HTML), not JSON: a wrong SYNCRO_BASE_URL or a login page. */
  readonly webPage: boolean;
  constructor(
    endpoint: string,
    readonly path: string,
    readonly detail: string,
    options?: { webPage?: boolean },
  ) {
    super(`Unexpected answer from Syncro on ${endpoint}: ${path}: ${detail}`, endpoint);
    this.webPage = options?.webPage === true;
  }

  /** Syncro answered a web page where JSON was expected. */
  static webPage(endpoint: string): SyncroSchemaMismatchError {
    return new SyncroSchemaMismatchError(endpoint, '(body)', WEB_PAGE_ANSWER, { webPage: true });
  }
}

/** What a 200 with an HTML page means (a login page, a wrong SYNCRO_BASE_URL); shown to people as it is. */
export const WEB_PAGE_ANSWER = 'Syncro answered with a web page, not JSON: check SYNCRO_BASE_URL';

export type UnknownOutcomeReason =
  | 'timeout'
  | 'connection_reset'
  | 'server_error'
  | 'empty_body'
  | 'null_body'
  | 'unparseable_body'
  | 'schema_mismatch'
  /** The write was answered, but the read that verifies it (part of the same step) failed. */
  | 'read_back_failed';

/**
 * A POST/PUT/DELETE may have reached Syncro, but we have no usable answer. It must NEVER be retried blindly:
 * the caller reads Syncro back to find out what happened.
 */
export class SyncroWriteOutcomeUnknownError extends SyncroError {
  readonly code = 'SYNCRO_WRITE_OUTCOME_UNKNOWN';
  constructor(
    endpoint: string,
    readonly reason: UnknownOutcomeReason,
    options?: { cause?: unknown; status?: number; detail?: string; webPage?: boolean },
  ) {
    const why = options?.detail ? `${reason}: ${options.detail}` : reason;
    super(
      `The outcome of ${endpoint} is unknown (${why}); Syncro must be read back before anything else`,
      endpoint,
      options,
    );
    this.status = options?.status;
    this.detail = options?.detail;
    this.webPage = options?.webPage === true;
  }
  /** HTTP status when one was received (5xx, or a 2xx whose body was unusable). */
  readonly status: number | undefined;
  /** What was wrong, e.g. `comment: expected object, received undefined`. Never carries a key. */
  readonly detail: string | undefined;
  /** The answer was a web page (HTML), not JSON: a wrong SYNCRO_BASE_URL or a login page. */
  readonly webPage: boolean;
}

/**
 * A list read page by page has more pages than the reader reads (e.g. a ticket's comments since a send, when
 * Syncro ignores `created_after`): what it did not read is unknown, so nothing can be concluded from it.
 */
export class SyncroListNotReadToEndError extends SyncroError {
  readonly code = 'SYNCRO_LIST_NOT_READ_TO_END';
  constructor(
    endpoint: string,
    readonly pages: number,
  ) {
    super(`${endpoint} has more than ${pages} pages; stopped reading`, endpoint);
  }
}
