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

export function explainStartupFailure(err: unknown): string {
  const slackError = slackErrorCode(err);
  if (slackError && TOKEN_ERRORS[slackError]) {
    return `SLACK_BOT_TOKEN: ${TOKEN_ERRORS[slackError]}. Copy the Bot User OAuth Token (xoxb-…) again from the app's OAuth & Permissions page (reinstall the app if it was removed).`;
  }
  return redactText(err instanceof Error ? err.message : String(err));
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
