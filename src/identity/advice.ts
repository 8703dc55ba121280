import { NotAllowedError } from '../errors.js';

/**
 * Why the resolver refuses a person (or warns them), as facts: a code and what the words need. The words live in
 * one view (`slack/views/identity-words.ts`), given to the resolver by the composition root as `adviceWords`.
 * `canConnect`: /syncro connect is turned on, so the person can connect a key themselves.
 */
export type IdentityAdvice =
  /** The Slack user is not set up (not under `users:`, no connected key); NotMappedError's words. */
  | { code: 'not_mapped'; slackUserId: string; canConnect: boolean }
  /** The person connected a key; an admin has not approved it yet. */
  | { code: 'key_pending_approval'; syncroName: string; approvalChannel?: string }
  /** Syncro answered 401 for the key the person connected. */
  | { code: 'key_stale'; syncroName: string; canConnect: boolean }
  /** A configured person with no key of their own, and no shared key. */
  | { code: 'no_key'; name: string; canConnect: boolean }
  /** No key of their own, and writes with the shared key are denied by policy. */
  | { code: 'shared_writes_denied'; who: string; sharedKeyOwner: string | null; canConnect: boolean }
  /** GET /me says the shared key is not `shared_key_owner`'s. */
  | { code: 'shared_key_owner_mismatch'; me: SyncroUser; configured: SyncroUser }
  /** GET /me says the person's key is someone else's. */
  | { code: 'key_owner_mismatch'; me: SyncroUser; configured: SyncroUser }
  /** A warning, not a refusal: writes go out under the shared key, attributed to its owner. */
  | { code: 'writes_with_shared_key'; as: SyncroUser; canConnect: boolean };

export interface SyncroUser {
  name: string;
  syncroUserId: number;
}

/** Words for an advice (plain text): `slack/views/identity-words.ts`. */
export type IdentityAdviceWords = (advice: IdentityAdvice) => string;

/** A refusal by the resolver: NotAllowedError whose message is the advice in words, and the advice as facts. */
export class IdentityRefusedError extends NotAllowedError {
  constructor(
    readonly advice: IdentityAdvice,
    words: IdentityAdviceWords,
    channelId?: string,
  ) {
    super(words(advice), channelId);
  }
}
