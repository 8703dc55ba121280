import type { EnrolmentConfig, FileConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Enrolment, EnrolmentTable } from './enrolment-table.js';
import { type KeyOwner, type KeyVault, VaultFileExistsError } from './key-vault.js';
import { type ConnectRefusal, connectRefusal } from './ownership.js';

/**
 * Key enrolment (`/syncro connect`): checks whose key it is, stores it (vault or encrypted store), records it,
 * and hands it back to the identity resolver. The token passes through `connect` once and is held in memory
 * only: in this call, and in a per-person cache of the decrypted key (dropped when the enrolment changes).
 * Log lines name people and files, never the token.
 */

export type ConnectResult =
  | { ok: true; enrolment: Enrolment; where: string; note?: string }
  | { ok: false; refusal: ConnectRefusal };

export interface Enrolments {
  readonly config: EnrolmentConfig;
  /** Where keys are kept, in words, for the modal ("the sops vault (msp-tools/syncro-howard.sops.yaml)"). */
  where(owner?: KeyOwner): string;
  get(slackUserId: string): Promise<Enrolment | undefined>;
  /** The refusal for this key, if any, before anything is stored. */
  check(slackUserId: string, me: { user_id: number; user_name: string }): Promise<ConnectRefusal | undefined>;
  connect(owner: KeyOwner, token: string): Promise<ConnectResult>;
  /** Activates a pending key (the approval card's click); undefined when it is no longer pending. */
  approve(slackUserId: string, requestedAt: number, by: string): Promise<Enrolment | undefined>;
  /** Deletes a pending key the admin refused; undefined when it is no longer that pending key. */
  reject(slackUserId: string, requestedAt: number, by: string): Promise<Enrolment | undefined>;
  /** Removes the person's key (row and storage); undefined when none was connected. */
  disconnect(slackUserId: string): Promise<{ removed: Enrolment; note?: string } | undefined>;
  /** The active key of a person and its row; undefined when none is active. */
  activeKey(slackUserId: string): Promise<{ enrolment: Enrolment; key: string } | undefined>;
  /** Syncro answered 401 for this enrolment's key: marks it stale; true for the one caller that did. */
  markStale(e: Enrolment): Promise<boolean>;
}

export interface EnrolmentsDeps {
  config: EnrolmentConfig;
  file: Pick<FileConfig, 'users' | 'shared_key_owner'>;
  table: EnrolmentTable;
  vault: KeyVault;
  logger: Logger;
  now?: () => number;
}

export function ownerOf(e: Enrolment): KeyOwner {
  return { slackUserId: e.slackUserId, syncroUserId: e.syncroUserId, syncroName: e.syncroName };
}

export function createEnrolments(deps: EnrolmentsDeps): Enrolments {
  const { table, vault } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ component: 'enrolment', storage: vault.kind });
  /** Decrypted keys by Slack user, valid for one connect (its requestedAt). In memory only. */
  const cache = new Map<string, { requestedAt: number; key: Promise<string> }>();

  async function removeStored(e: Enrolment, why: string): Promise<string | undefined> {
    cache.delete(e.slackUserId);
    const { note } = await vault.remove(ownerOf(e), e, why);
    return note;
  }

  return {
    config: deps.config,
    where: (owner) => vault.describe(owner),
    get: (slackUserId) => table.get(slackUserId),

    async check(slackUserId, me) {
      return connectRefusal({
        slackUserId,
        me,
        file: deps.file,
        enrolledForSyncroUser: await table.bySyncroUser(me.user_id),
      });
    },

    async connect(owner, token) {
      const refusal = await this.check(owner.slackUserId, {
        user_id: owner.syncroUserId,
        user_name: owner.syncroName,
      });
      if (refusal) return { ok: false, refusal };
      const previous = await table.get(owner.slackUserId);
      const at = now();
      let stored: Awaited<ReturnType<KeyVault['put']>>;
      try {
        stored = await vault.put(owner, token, at, previous?.vaultFile);
      } catch (err) {
        if (err instanceof VaultFileExistsError)
          return { ok: false, refusal: { code: 'vault_file_exists', file: err.file } };
        throw err;
      }
      const pending = deps.config.require_approval;
      const row: Enrolment = {
        slackUserId: owner.slackUserId,
        syncroUserId: owner.syncroUserId,
        syncroName: owner.syncroName,
        storage: vault.kind,
        ...(stored.ciphertext ? { ciphertext: stored.ciphertext } : {}),
        ...(stored.vaultFile ? { vaultFile: stored.vaultFile } : {}),
        state: pending ? 'pending' : 'active',
        requestedAt: at,
        updatedAt: at,
      };
      let put: Awaited<ReturnType<typeof table.put>>;
      try {
        put = await table.put(row);
      } catch (err) {
        // The key is stored but not recorded: for a first connect, take it back out, or the person's next
        // connect would be refused as a file the bot did not write. (A reconnect's file already had its row.)
        if (!previous) await vault.remove(owner, stored, 'could not be recorded').catch(() => undefined);
        throw err;
      }
      if (!put.inserted) {
        // Another Slack user connected this Syncro user at the same moment: undo what was stored.
        await vault.remove(owner, stored, 'connected by another Slack user meanwhile').catch(() => undefined);
        return {
          ok: false,
          refusal: {
            code: 'connected_by_other',
            keyOwner: { name: owner.syncroName, syncroUserId: owner.syncroUserId },
            otherSlackUserId: put.takenBy.slackUserId,
          },
        };
      }
      cache.delete(owner.slackUserId);
      // A previous key of another Syncro user, kept elsewhere in the vault, goes.
      if (previous?.vaultFile && previous.vaultFile !== stored.vaultFile) {
        await vault
          .remove(ownerOf(previous), previous, 'replaced by /syncro connect')
          .catch((err: unknown) => {
            log.warn({ err, file: previous.vaultFile }, 'the previous vault file could not be removed');
          });
      }
      log.info(
        {
          slackUserId: owner.slackUserId,
          syncroUserId: owner.syncroUserId,
          state: row.state,
          vaultFile: stored.vaultFile,
        },
        'Syncro key connected',
      );
      return {
        ok: true,
        enrolment: put.enrolment,
        where: vault.describe(owner),
        ...(stored.note ? { note: stored.note } : {}),
      };
    },

    async approve(slackUserId, requestedAt, by) {
      const e = await table.approve(slackUserId, requestedAt, by, now());
      if (e) log.info({ slackUserId, syncroUserId: e.syncroUserId, approvedBy: by }, 'Syncro key approved');
      return e;
    },

    async reject(slackUserId, requestedAt, by) {
      // One statement: an approval racing this refusal either happened first (nothing is deleted) or not at all.
      const e = await table.removePending(slackUserId, requestedAt);
      if (!e) return undefined;
      await removeStored(e, `refused by ${by}`);
      log.info({ slackUserId, syncroUserId: e.syncroUserId, rejectedBy: by }, 'Syncro key refused');
      return e;
    },

    async disconnect(slackUserId) {
      const e = await table.remove(slackUserId);
      if (!e) return undefined;
      const note = await removeStored(e, '/syncro disconnect');
      log.info({ slackUserId, syncroUserId: e.syncroUserId }, 'Syncro key disconnected');
      return { removed: e, ...(note ? { note } : {}) };
    },

    async activeKey(slackUserId) {
      const e = await table.get(slackUserId);
      if (e?.state !== 'active') return undefined;
      let hit = cache.get(slackUserId);
      if (!hit || hit.requestedAt !== e.requestedAt) {
        const key = vault.get(ownerOf(e), e);
        hit = { requestedAt: e.requestedAt, key };
        cache.set(slackUserId, hit);
        const h = hit;
        key.catch(() => {
          if (cache.get(slackUserId) === h) cache.delete(slackUserId);
        });
      }
      return { enrolment: e, key: await hit.key };
    },

    async markStale(e) {
      const stale = await table.markStale(e.slackUserId, e.requestedAt, now());
      cache.delete(e.slackUserId);
      if (stale)
        log.warn(
          { slackUserId: e.slackUserId, syncroUserId: e.syncroUserId },
          'Syncro refused a connected key (401); marked stale',
        );
      return stale !== undefined;
    },
  };
}
