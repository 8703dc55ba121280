import { AppError } from '../../errors.js';
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
   * Stores the token; resolves once it is durable. `note`: e.g. a push that failed (the commit is kept).
   * `replaces`: the person's recorded vault file, which may be rewritten; any other file already where the key
   * would go is never overwritten (VaultFileExistsError). The check and the write are one serialised step.
   */
  put(
    owner: KeyOwner,
    token: string,
    now: number,
    replaces?: string,
  ): Promise<StoredKeyRef & { note?: string }>;
  /** The token stored under `ref` for `owner`. */
  get(owner: KeyOwner, ref: StoredKeyRef): Promise<string>;
  /**
   * Removes the stored key (a vault commits its removal). A vault file that does not say it is `owner`'s key
   * (its `syncro_user_id`) is left in place, with a note saying so.
   */
  remove(owner: KeyOwner, ref: StoredKeyRef, why: string): Promise<{ note?: string }>;
}

/** The vault already holds the file a connect would write, and it is not the person's recorded key. */
export class VaultFileExistsError extends AppError {
  readonly code = 'VAULT_FILE_EXISTS';
  constructor(readonly file: string) {
    super(
      `the vault already holds ${file}, which the bot did not record for this person; nothing was stored`,
    );
  }
}
