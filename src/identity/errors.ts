import { AppError } from '../errors.js';

/** The Slack user is not listed under `users:` in the config file (and the bot is not in sandbox mode). */
export class NotMappedError extends AppError {
  readonly code = 'NOT_MAPPED';
  /** `canConnect`: /syncro connect is turned on, so the person can set themselves up. */
  constructor(
    readonly slackUserId: string,
    readonly canConnect = false,
  ) {
    super(
      // Words for a technician: the configuration's details are for the admin (who sees them in the reply).
      `You are not set up to use Syncro from Slack yet. Ask your admin to set you up, and to add your Slack user id (${slackUserId}).`,
    );
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
