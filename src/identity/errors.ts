import { AppError } from '../errors.js';

/** The Slack user is not listed under `users:` in the config file (and the bot is not in sandbox mode). */
export class NotMappedError extends AppError {
  readonly code = 'NOT_MAPPED';
  constructor(readonly slackUserId: string) {
    super(
      `You are not set up to use Syncro from Slack yet. Ask an admin to add your Slack user id (${slackUserId}) ` +
        'under users: in the bot’s config file, with your name, syncro_user_id and a personal api_key source.',
    );
  }
}
