import type { FileConfig, KeySource } from '../config.js';
import { KeySourceError } from '../errors.js';
import { type Logger, redactText } from '../logger.js';
import type { SyncroApi, SyncroClient } from '../syncro/api.js';
import { SyncroUnauthorizedError } from '../syncro/errors.js';
import { actingFor } from '../syncro/priority.js';
import { type IdentityAdvice, type IdentityAdviceWords, IdentityRefusedError } from './advice.js';
import type { Enrolment } from './enrolment/enrolment-table.js';
import type { Enrolments } from './enrolment/enrolments.js';
import { NoOwnKeyError, NotMappedError } from './errors.js';
import { describeKeySource, resolveKey, type SopsRunner } from './key-sources.js';

/**
 * Who a Slack user is in Syncro, and which key acts for them. Syncro attributes every write to the owner of
 * the API key, so writes need the person's own key, checked against GET /me. Keys stay inside this module:
 * an Identity carries an `api` that closes over its key, never the key.
 */

export type KeyKind = 'own' | 'shared';

export interface Identity {
  slackUserId: string;
  /** The name Syncro gives the key's owner (GET /me): the name writes carry. For writes it is checked to be this person. */
  name: string;
  syncroUserId: number;
  keyKind: KeyKind;
  /** Description of the key source (`env:NAME`, `sops:file#field`, `connected:store`, `sandbox`), never the key. */
  keySource: string;
  /** Syncro as seen by this key. Not enumerable, so it never shows up in JSON or logs of an Identity. */
  api: SyncroApi;
  /** What GET /me says about the key (checked once per key, then cached); the email where Syncro gives one. */
  me: { user_id: number; user_name: string; user_email?: string };
}

export interface WhoAmI {
  slackUserId: string;
  mapped: boolean;
  /** The identity comes from the sandbox (simulator), not from the config file. */
  sandbox: boolean;
  /** The person as configured under `users:` (or as the sandbox names them). */
  configured: { name: string; syncroUserId: number } | null;
  /** The key reads use. */
  key: { kind: KeyKind | 'none'; source: string | null };
  /** What Syncro's GET /me says about that key, or why it could not be asked. */
  me: { user_id: number; user_name: string } | null;
  meError: string | null;
  reads: { allowed: boolean; reason: string | null };
  writes: {
    allowed: boolean;
    keyKind: KeyKind | null;
    /** Who Syncro will attribute writes to. */
    as: { name: string; syncroUserId: number } | null;
    reason: string | null;
    /** Set when writes are allowed but go out under the shared key (`writes_with_shared_key`). */
    warning: IdentityAdvice | null;
  };
}

export interface IdentityResolver {
  /**
   * Own key if configured, else the shared key (reads may use it). `ownKeyOnly`: never the shared key (an unfurl
   * shows what the sharer may see); a person without an own key gets NoOwnKeyError before any Syncro request.
   */
  forRead(slackUserId: string, opts?: { ownKeyOnly?: boolean }): Promise<Identity>;
  /** Own key, verified against GET /me; or the shared key when policy.shared_key_writes is `warn`. */
  forWrite(slackUserId: string): Promise<Identity>;
  /** For /syncro whoami. Never throws for the expected failures; never contains a key. */
  describe(slackUserId: string): Promise<WhoAmI>;
}

export interface SandboxIdentities {
  keyFor(slackUserId: string): { key: string; name: string; syncroUserId: number };
}

export interface IdentityResolverDeps {
  file: FileConfig;
  env: Record<string, string | undefined>;
  client: SyncroClient;
  logger: Logger;
  sopsBinary?: string;
  runSops?: SopsRunner;
  sandbox?: SandboxIdentities;
  /** Keys people connected with /syncro connect (consulted after the config file's api_key, which wins). */
  enrolments?: Enrolments;
  /** Syncro answered 401 for a connected key: called once per key, to prompt its owner to reconnect. */
  onStaleKey?: (enrolment: Enrolment) => void;
  /** The words of a refusal (`slack/views/identity-words.ts`): the resolver speaks facts. */
  adviceWords: IdentityAdviceWords;
}

type Plan =
  | { kind: 'own'; source: KeySource; name: string; syncroUserId: number }
  /** A key the person connected (/syncro connect); `key` stays inside this module. */
  | { kind: 'connected'; enrolment: Enrolment; key: string; name: string; syncroUserId: number }
  | { kind: 'shared'; source: KeySource }
  | { kind: 'sandbox'; name: string; syncroUserId: number };

interface Opened {
  api: SyncroApi;
  me: { user_id: number; user_name: string; user_email?: string };
}

function planSource(plan: Plan): string {
  if (plan.kind === 'sandbox') return 'sandbox';
  if (plan.kind === 'connected') {
    const e = plan.enrolment;
    return e.vaultFile ? `connected:sops:${e.vaultFile}` : `connected:${e.storage}`;
  }
  return describeKeySource(plan.source);
}

function messageOf(err: unknown): string {
  return redactText(err instanceof Error ? err.message : String(err));
}

export function createIdentityResolver(deps: IdentityResolverDeps): IdentityResolver {
  const { file, client } = deps;
  /** /syncro connect is on: a person can connect a key themselves. */
  const canConnect = deps.enrolments !== undefined;
  const refuse = (advice: IdentityAdvice, channelId?: string): never => {
    throw new IdentityRefusedError(advice, deps.adviceWords, channelId);
  };
  const log = deps.logger.child({ component: 'identity' });
  const keyCache = new Map<string, Promise<string>>();
  /**
   * Per key (in memory only): its api, and its verified /me once known. A connected key's entry is per connect
   * (its 401 watcher marks that enrolment stale), so a disconnect and reconnect of the same token gets a new one.
   */
  const byKey = new Map<string, { api: SyncroApi; me?: Promise<Opened['me']> }>();
  /** The byKey entry of each person's current connect, dropped when they connect again. */
  const connectedEntry = new Map<string, string>();

  function mapped(slackUserId: string) {
    return Object.hasOwn(file.users, slackUserId) ? file.users[slackUserId] : undefined;
  }

  /** The person's connected key, if one is active; a pending or stale one is a refusal in words. */
  async function connectedPlan(slackUserId: string, fallback: boolean): Promise<Plan | undefined> {
    const enrolments = deps.enrolments;
    if (!enrolments) return undefined;
    let active: Awaited<ReturnType<Enrolments['activeKey']>>;
    try {
      active = await enrolments.activeKey(slackUserId);
    } catch (err) {
      throw new KeySourceError(`your connected Syncro key could not be read: ${messageOf(err)}`);
    }
    if (active) {
      const e = active.enrolment;
      return {
        kind: 'connected',
        enrolment: e,
        key: active.key,
        name: e.syncroName,
        syncroUserId: e.syncroUserId,
      };
    }
    if (fallback) return undefined;
    const e = await enrolments.get(slackUserId);
    if (e?.state === 'pending') {
      const channel = enrolments.config.approval_channel;
      refuse(
        {
          code: 'key_pending_approval',
          syncroName: e.syncroName,
          ...(channel ? { approvalChannel: channel } : {}),
        },
        channel,
      );
    }
    if (e?.state === 'stale') refuse({ code: 'key_stale', syncroName: e.syncroName, canConnect: true });
    return undefined;
  }

  async function readPlan(slackUserId: string): Promise<Plan> {
    const user = mapped(slackUserId);
    // A key in the config file wins; then a connected key; then the shared key (mapped people) or the sandbox.
    if (user?.api_key)
      return { kind: 'own', source: user.api_key, name: user.name, syncroUserId: user.syncro_user_id };
    const connected = await connectedPlan(slackUserId, user !== undefined && file.shared_key !== undefined);
    if (connected) return connected;
    if (!user) {
      if (deps.sandbox) {
        const s = deps.sandbox.keyFor(slackUserId);
        return { kind: 'sandbox', name: s.name, syncroUserId: s.syncroUserId };
      }
      throw new NotMappedError(slackUserId, canConnect, deps.adviceWords);
    }
    if (file.shared_key) return { kind: 'shared', source: file.shared_key };
    return refuse({ code: 'no_key', name: user.name, canConnect });
  }

  async function writePlan(slackUserId: string): Promise<Plan> {
    const plan = await readPlan(slackUserId);
    if (plan.kind !== 'shared') return plan;
    const user = mapped(slackUserId);
    const who = user ? user.name : slackUserId;
    if (file.policy.shared_key_writes === 'deny') {
      refuse({
        code: 'shared_writes_denied',
        who,
        sharedKeyOwner: file.shared_key_owner?.name ?? null,
        canConnect,
      });
    }
    return plan;
  }

  async function keyOf(plan: Plan, slackUserId: string): Promise<string> {
    if (plan.kind === 'sandbox') return deps.sandbox!.keyFor(slackUserId).key;
    if (plan.kind === 'connected') return plan.key;
    return resolveKey(plan.source, {
      env: deps.env,
      sopsBinary: deps.sopsBinary,
      runSops: deps.runSops,
      cache: keyCache,
    });
  }

  async function open(plan: Plan, slackUserId: string): Promise<Opened> {
    const key = await keyOf(plan, slackUserId);
    const cacheKey =
      plan.kind === 'connected'
        ? `${key}\u0000connected:${plan.enrolment.slackUserId}:${plan.enrolment.requestedAt}`
        : key;
    let entry = byKey.get(cacheKey);
    if (!entry) {
      const api = client.as(key);
      entry = { api: plan.kind === 'connected' ? watch401(api, plan.enrolment) : api };
      byKey.set(cacheKey, entry);
      if (plan.kind === 'connected') {
        const before = connectedEntry.get(plan.enrolment.slackUserId);
        if (before !== undefined && before !== cacheKey) byKey.delete(before);
        connectedEntry.set(plan.enrolment.slackUserId, cacheKey);
      }
    }
    let mePromise = entry.me;
    if (!mePromise) {
      const e = entry;
      const source = planSource(plan);
      const pending = Promise.resolve()
        .then(() => e.api.me())
        .then((me) => {
          log.info(
            { keySource: source, syncroUserId: me.user_id, syncroUserName: me.user_name },
            'Syncro key verified',
          );
          return {
            user_id: me.user_id,
            user_name: me.user_name,
            ...(me.user_email ? { user_email: me.user_email } : {}),
          };
        });
      e.me = pending;
      mePromise = pending;
      // Only successes are cached, so a key fixed in Syncro works without a restart.
      pending.catch((err: unknown) => {
        if (e.me === pending) e.me = undefined;
        log.warn(
          { keySource: source, errCode: (err as { code?: unknown })?.code },
          'GET /me failed for a Syncro key',
        );
      });
    }
    return { api: entry.api, me: await mePromise };
  }

  /** A connected key's Syncro: a 401 marks the key stale (once) and prompts its owner to reconnect. */
  function watch401(api: SyncroApi, enrolment: Enrolment): SyncroApi {
    const stale = () => {
      const enrolments = deps.enrolments;
      if (!enrolments) return;
      void enrolments
        .markStale(enrolment)
        .then((first) => {
          if (first) deps.onStaleKey?.(enrolment);
        })
        .catch((err: unknown) => log.error({ err }, 'could not mark a connected key stale'));
    };
    return new Proxy(api, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const out = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (out instanceof Promise) {
            return out.catch((err: unknown) => {
              if (err instanceof SyncroUnauthorizedError) stale();
              throw err;
            });
          }
          return out;
        };
      },
    });
  }

  /** One api per key and person (the same object each time), acting for that person. */
  const acting = new WeakMap<SyncroApi, Map<string, SyncroApi>>();
  function apiFor(api: SyncroApi, slackUserId: string): SyncroApi {
    let byPerson = acting.get(api);
    if (!byPerson) {
      byPerson = new Map();
      acting.set(api, byPerson);
    }
    let out = byPerson.get(slackUserId);
    if (!out) {
      out = actingFor(api, slackUserId);
      byPerson.set(slackUserId, out);
    }
    return out;
  }

  function identity(slackUserId: string, plan: Plan, opened: Opened): Identity {
    const shared = plan.kind === 'shared';
    const base: Omit<Identity, 'api'> = {
      slackUserId,
      // The name Syncro will put on the write is the key owner's name in Syncro (checked to be this person).
      name: opened.me.user_name,
      syncroUserId: shared ? opened.me.user_id : plan.syncroUserId,
      keyKind: shared ? 'shared' : 'own',
      keySource: planSource(plan),
      me: opened.me,
    };
    return Object.defineProperty(base, 'api', {
      // Every request made through it counts against this person's share of the account's rate limit.
      value: apiFor(opened.api, slackUserId),
      enumerable: false,
      writable: false,
    }) as Identity;
  }

  /** Throws NotAllowedError when writes would be attributed to someone else. */
  function checkAttribution(plan: Plan, me: Opened['me']): void {
    if (plan.kind === 'shared') {
      const owner = file.shared_key_owner;
      if (owner && me.user_id !== owner.syncro_user_id) {
        refuse({
          code: 'shared_key_owner_mismatch',
          me: { name: me.user_name, syncroUserId: me.user_id },
          configured: { name: owner.name, syncroUserId: owner.syncro_user_id },
        });
      }
      return;
    }
    if (me.user_id !== plan.syncroUserId) {
      refuse({
        code: 'key_owner_mismatch',
        me: { name: me.user_name, syncroUserId: me.user_id },
        configured: { name: plan.name, syncroUserId: plan.syncroUserId },
      });
    }
  }

  return {
    async forRead(slackUserId, opts = {}) {
      const plan = await readPlan(slackUserId);
      if (opts.ownKeyOnly && plan.kind === 'shared') throw new NoOwnKeyError(slackUserId);
      const opened = await open(plan, slackUserId);
      return identity(slackUserId, plan, opened);
    },

    async forWrite(slackUserId) {
      const plan = await writePlan(slackUserId);
      const opened = await open(plan, slackUserId);
      try {
        checkAttribution(plan, opened.me);
      } catch (err) {
        log.warn(
          { slackUserId, keySource: planSource(plan), syncroUserId: opened.me.user_id },
          'write refused: Syncro key belongs to someone else',
        );
        throw err;
      }
      if (plan.kind === 'shared') {
        log.warn(
          { slackUserId, keySource: planSource(plan), syncroUserId: opened.me.user_id },
          'write with the shared key (policy.shared_key_writes: warn)',
        );
      }
      return identity(slackUserId, plan, opened);
    },

    async describe(slackUserId) {
      const user = mapped(slackUserId);
      const out: WhoAmI = {
        slackUserId,
        mapped: user !== undefined,
        sandbox: false,
        configured: user ? { name: user.name, syncroUserId: user.syncro_user_id } : null,
        key: { kind: 'none', source: null },
        me: null,
        meError: null,
        reads: { allowed: false, reason: null },
        writes: { allowed: false, keyKind: null, as: null, reason: null, warning: null },
      };

      let rPlan: Plan | undefined;
      let rOpened: Opened | undefined;
      let rError: string | undefined;
      try {
        rPlan = await readPlan(slackUserId);
      } catch (err) {
        out.reads.reason = messageOf(err);
      }
      if (rPlan) {
        if (rPlan.kind === 'sandbox') {
          out.sandbox = true;
          out.configured = { name: rPlan.name, syncroUserId: rPlan.syncroUserId };
        }
        if (rPlan.kind === 'connected') {
          // Known through /syncro connect: the key's owner as Syncro named it then.
          out.mapped = true;
          out.configured ??= { name: rPlan.name, syncroUserId: rPlan.syncroUserId };
        }
        out.key = { kind: rPlan.kind === 'shared' ? 'shared' : 'own', source: planSource(rPlan) };
        try {
          rOpened = await open(rPlan, slackUserId);
          out.me = { user_id: rOpened.me.user_id, user_name: rOpened.me.user_name };
          out.reads.allowed = true;
        } catch (err) {
          rError = messageOf(err);
          out.meError = rError;
          out.reads.reason = rError;
        }
      }

      let wPlan: Plan | undefined;
      try {
        wPlan = await writePlan(slackUserId);
      } catch (err) {
        out.writes.reason = messageOf(err);
      }
      if (wPlan) {
        out.writes.keyKind = wPlan.kind === 'shared' ? 'shared' : 'own';
        const same = rPlan !== undefined && planSource(rPlan) === planSource(wPlan);
        let wOpened: Opened | undefined = same ? rOpened : undefined;
        if (same && !wOpened) out.writes.reason = rError ?? 'the key could not be checked';
        if (!same) {
          try {
            wOpened = await open(wPlan, slackUserId);
          } catch (err) {
            out.writes.reason = messageOf(err);
          }
        }
        if (wOpened) {
          try {
            checkAttribution(wPlan, wOpened.me);
            const who = identity(slackUserId, wPlan, wOpened);
            out.writes.allowed = true;
            out.writes.as = { name: who.name, syncroUserId: who.syncroUserId };
            if (wPlan.kind === 'shared') {
              out.writes.warning = {
                code: 'writes_with_shared_key',
                as: { name: who.name, syncroUserId: who.syncroUserId },
                canConnect,
              };
            }
          } catch (err) {
            out.writes.reason = messageOf(err);
          }
        }
      }
      return out;
    },
  };
}
