import type { IdentityAdvice } from '../../identity/advice.js';

/**
 * The identity resolver's advice in words (plain text: the reply or card escapes it). Written once: the resolver
 * speaks facts (`identity/advice.ts`) and is given `identityAdviceWords` by the composition root.
 */

/**
 * How to get a personal Syncro key: the one wording. With /syncro connect on, the person connects it themselves;
 * otherwise their admin sets it up. `replace`: the person's key stopped working, so the key is a new one.
 */
export function keyHowToWords(canConnect: boolean, replace = false): string {
  const make =
    `To get a ${replace ? 'new ' : ''}personal key: in Syncro open Admin → API Tokens → New (/api_tokens/new), ` +
    'choose Integration API Token ';
  return canConnect
    ? `${make}(Syncro shows the token only once, so copy it) and run \`/syncro connect\` to paste it into its form ` +
        '(never into a message).'
    : `${make}(Syncro shows the token only once, so copy it; never paste it into Slack) and ask your admin to set it ` +
        'up as your key for the bot.';
}

export function identityAdviceWords(a: IdentityAdvice): string {
  switch (a.code) {
    case 'not_mapped':
      // Words for a technician: the configuration's details are for the admin (who sees them in the reply).
      return (
        'You are not set up to use Syncro from Slack yet. Ask your admin to set you up, and to add your Slack user ' +
        `id (${a.slackUserId}).`
      );
    case 'key_pending_approval':
      return `Your Syncro key (${a.syncroName}) is waiting for an admin's approval; you are told when it is approved.`;
    case 'key_stale':
      return (
        `Syncro no longer accepts the key you connected for ${a.syncroName} (it answered 401: revoked or expired). ` +
        keyHowToWords(a.canConnect, true)
      );
    case 'no_key':
      return (
        `No Syncro API key is configured for ${a.name}, and there is no shared key to fall back on. ` +
        keyHowToWords(a.canConnect)
      );
    case 'shared_writes_denied': {
      const owner = a.sharedKeyOwner ? ` and would be attributed to ${a.sharedKeyOwner}` : '';
      return (
        `${a.who} has no personal Syncro API key. Writes with the shared key are turned off ` +
        `(policy.shared_key_writes: deny), because Syncro records every write under the key's owner${owner}. ` +
        keyHowToWords(a.canConnect)
      );
    }
    case 'shared_key_owner_mismatch':
      return (
        `Syncro says the shared key belongs to ${a.me.name} (user ${a.me.syncroUserId}), not to ${a.configured.name} ` +
        `(${a.configured.syncroUserId}) as configured in shared_key_owner; writes are refused because attribution would be wrong`
      );
    case 'key_owner_mismatch':
      return (
        `Syncro says this key belongs to ${a.me.name} (user ${a.me.syncroUserId}), not to ${a.configured.name} ` +
        `(${a.configured.syncroUserId}); writes are refused because attribution would be wrong`
      );
    case 'writes_with_shared_key':
      return (
        `You have no personal Syncro key: your writes use the shared key and Syncro will record them under ` +
        `${a.as.name} (user ${a.as.syncroUserId}). ${keyHowToWords(a.canConnect)}`
      );
  }
}
