import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { KeyOwner, KeyVault, StoredKeyRef } from './key-vault.js';

/**
 * Connected keys kept in the bot's own store, encrypted with AES-256-GCM under KEY_ENCRYPTION_KEY: a random
 * 12-byte IV per key, the 16-byte auth tag, and the Slack and Syncro user as additional data, so that a row's
 * ciphertext copied onto another person's row does not decrypt. Format: `v1.<iv>.<tag>.<ciphertext>` (base64).
 */

export class KeyDecryptError extends AppError {
  readonly code = 'KEY_DECRYPT_FAILED';
}

const VERSION = 'v1';
const IV_BYTES = 12;
/** Node accepts shorter GCM tags (down to 4 bytes) unless told the length: a forger then has far fewer bits to guess. */
const TAG_BYTES = 16;

function aad(owner: Pick<KeyOwner, 'slackUserId' | 'syncroUserId'>): Buffer {
  return Buffer.from(`syncro-slack:enrolled-key:${VERSION}:${owner.slackUserId}:${owner.syncroUserId}`);
}

export function encryptKey(kek: Buffer, owner: KeyOwner, token: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(owner));
  const ct = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join('.');
}

export function decryptKey(kek: Buffer, owner: KeyOwner, sealed: string): string {
  const [version, iv, tag, ct] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ct === undefined) {
    throw new KeyDecryptError('the stored key is not in a format this release knows');
  }
  try {
    const ivBytes = Buffer.from(iv, 'base64');
    const tagBytes = Buffer.from(tag, 'base64');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
      throw new Error('wrong IV or tag length');
    const decipher = createDecipheriv('aes-256-gcm', kek, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(owner));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    // Wrong KEY_ENCRYPTION_KEY, or a row that was changed: GCM's tag check refuses both. No detail (no cause).
    throw new KeyDecryptError(
      'the stored key could not be decrypted (KEY_ENCRYPTION_KEY changed, or the row was altered); connect again',
    );
  }
}

export function encryptedStoreVault(kek: Buffer): KeyVault {
  if (kek.length !== 32) throw new Error('KEY_ENCRYPTION_KEY must be 32 bytes');
  return {
    kind: 'store',
    describe: () => 'the bot’s store (encrypted)',
    async put(owner, token) {
      return { ciphertext: encryptKey(kek, owner, token) };
    },
    async get(owner, ref: StoredKeyRef) {
      if (!ref.ciphertext) throw new KeyDecryptError('no stored key');
      return decryptKey(kek, owner, ref.ciphertext);
    },
    // The row holding the ciphertext is deleted by the caller.
    async remove() {
      return {};
    },
  };
}
