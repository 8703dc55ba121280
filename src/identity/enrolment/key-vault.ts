import type { EnrolmentStorage } from './enrolment-table.js';

/**
 * Where a connected Syncro key is kept: the sops vault the terminal command reads (sops-vault.ts), or the bot's
 * store under AES-256-GCM (encrypted-store.ts). A vault receives the token once, from the connect modal's
 * submission, and hands it back only to the identity resolver. No method puts the token in an error message.
 */

/** What the enrolment row records about a stored key (never the token in clear). */
export interface StoredKeyRef {
  ciphertext?: string;
  vaultFile?: string;
}

/** The person and key owner a key is stored for (GET /me's answer, and who pasted it). */
export interface KeyOwner {
  slackUserId: string;
  syncroUserId: number;
  syncroName: string;
  syncroEmail?: string | undefined;
  /** Syncro subdomain (GET /me), for the vault file. */
  subdomain?: string | undefined;
}

export interface KeyVault {
  readonly kind: EnrolmentStorage;
  /** Where a key for `owner` is kept, for messages ("the sops vault (msp-tools/syncro-howard.sops.yaml)"); without an owner, in general. */
  describe(owner?: KeyOwner): string;
  /**
   * A file the vault already holds for `owner` that this bot did not record (a key added by hand): it is not
   * overwritten. Undefined when there is none (or the vault has no files).
   */
  occupied(owner: KeyOwner): Promise<string | undefined>;
  /** Stores the token; resolves once it is durable. `note`: e.g. a push that failed (the commit is kept). */
  put(owner: KeyOwner, token: string, now: number): Promise<StoredKeyRef & { note?: string }>;
  /** The token stored under `ref` for `owner`. */
  get(owner: KeyOwner, ref: StoredKeyRef): Promise<string>;
  /** Removes the stored key (a vault commits its removal). */
  remove(owner: KeyOwner, ref: StoredKeyRef, why: string): Promise<{ note?: string }>;
}
