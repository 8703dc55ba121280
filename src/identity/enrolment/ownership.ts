import type { FileConfig } from '../../config.js';
import type { Enrolment } from './enrolment-table.js';

/**
 * Whether a pasted key may be connected for a Slack user: the rules, as a pure function of what GET /me said,
 * the config file and the existing enrolments. "A key of someone else" means: the config file places this Slack
 * user at another Syncro user, or places this Syncro user at another Slack user (or is the shared key's owner),
 * or another Slack user already connected a key of this Syncro user. Each is refused (nothing is stored); the
 * words are the view's (views/connect-words.ts).
 */

export type ConnectRefusal =
  /** The config file already gives this person a key; it wins, so a connected one would never be used. */
  | { code: 'yaml_key_wins'; keySource: string }
  /** The config file maps this Slack user to another Syncro user than the key's owner. */
  | { code: 'not_your_key'; keyOwner: Owner; configured: Owner }
  /** The config file maps the key's Syncro user to another Slack user. */
  | { code: 'configured_for_other'; keyOwner: Owner; otherSlackUserId: string }
  /** The key's owner is the shared key's owner (shared_key_owner). */
  | { code: 'shared_key_owner'; keyOwner: Owner }
  /** Another Slack user already connected a key of this Syncro user. */
  | { code: 'connected_by_other'; keyOwner: Owner; otherSlackUserId: string }
  /** The vault holds a file for this person that the bot did not write (added by hand). */
  | { code: 'vault_file_exists'; file: string };

export interface Owner {
  name: string;
  syncroUserId: number;
}

export function connectRefusal(input: {
  slackUserId: string;
  me: { user_id: number; user_name: string };
  file: Pick<FileConfig, 'users' | 'shared_key_owner'>;
  /** The enrolment of the key's Syncro user, if any (anyone's). */
  enrolledForSyncroUser: Enrolment | undefined;
}): ConnectRefusal | undefined {
  const { slackUserId, me, file } = input;
  const keyOwner = { name: me.user_name, syncroUserId: me.user_id };
  const mine = Object.hasOwn(file.users, slackUserId) ? file.users[slackUserId] : undefined;
  if (mine?.api_key) {
    const s = mine.api_key;
    return { code: 'yaml_key_wins', keySource: 'env' in s ? `env:${s.env}` : `sops:${s.sops}` };
  }
  if (mine && mine.syncro_user_id !== me.user_id) {
    return {
      code: 'not_your_key',
      keyOwner,
      configured: { name: mine.name, syncroUserId: mine.syncro_user_id },
    };
  }
  const other = Object.entries(file.users).find(
    ([id, u]) => id !== slackUserId && u.syncro_user_id === me.user_id,
  );
  if (other && !mine) return { code: 'configured_for_other', keyOwner, otherSlackUserId: other[0] };
  if (!mine && file.shared_key_owner?.syncro_user_id === me.user_id)
    return { code: 'shared_key_owner', keyOwner };
  const taken = input.enrolledForSyncroUser;
  if (taken && taken.slackUserId !== slackUserId) {
    return { code: 'connected_by_other', keyOwner, otherSlackUserId: taken.slackUserId };
  }
  return undefined;
}
