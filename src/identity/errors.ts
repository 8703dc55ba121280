import { AppError } from '../errors.js';
import type { IdentityAdviceWords } from './advice.js';

/**
 * The Slack user is not listed under `users:` in the config file (and the bot is not in sandbox mode). Its message
 * is the `not_mapped` advice in the words it is given (`slack/views/identity-words.ts`).
 */
export class NotMappedError extends AppError {
  readonly code = 'NOT_MAPPED';
  /** `canConnect`: /syncro connect is turned on, so the person can set themselves up. */
  constructor(
    readonly slackUserId: string,
    readonly canConnect: boolean,
    words: IdentityAdviceWords,
  ) {
    super(words({ code: 'not_mapped', slackUserId, canConnect }));
  }
}

/** The person has no Syncro key of their own, and the read asked for one (forRead `ownKeyOnly`: unfurls). */
export class NoOwnKeyError extends AppError {
  readonly code = 'NO_OWN_KEY';
  constructor(readonly slackUserId: string) {
    super(
      `Slack user ${slackUserId} has no Syncro API key of their own; the shared key is not used for this.`,
    );
  }
}
