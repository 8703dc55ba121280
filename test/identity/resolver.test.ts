import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FileConfig, loadConfig } from '../../src/config.js';
import { KeySourceError, NotAllowedError } from '../../src/errors.js';
import { IdentityRefusedError } from '../../src/identity/advice.js';
import { NotMappedError } from '../../src/identity/errors.js';
import { createIdentityResolver } from '../../src/identity/resolver.js';
import { createLogger } from '../../src/logger.js';
import { identityAdviceWords } from '../../src/slack/views/identity-words.js';
import type { SyncroApi, SyncroClient } from '../../src/syncro/api.js';
import { SyncroUnauthorizedError } from '../../src/syncro/errors.js';

const HOWARD = 'U0HOWARD';
const MIKE = 'U0MIKE';
const WINTER = 'U0WINTER'; // mapped, no own key
const BROKEN = 'U0BROKEN'; // mapped, env variable not set
const STRANGER = 'U0STRANGER';

const KEYS = {
  howard: 'KEY-howard-6a1f0c9e',
  mikeWrong: 'KEY-mike-actually-howards-77d2', // Mike's configured key belongs to Howard
  shared: 'KEY-shared-mike-31bb',
  sandbox: 'KEY-sandbox-0042',
  sops: 'KEY-from-sops-5c5c',
};
const ALL_KEYS = Object.values(KEYS);

type MeAnswer = { user_id: number; user_name: string } | Error;

function stubClient(answers: Record<string, MeAnswer | MeAnswer[]>) {
  const asCalls: string[] = [];
  const meCalls = new Map<string, number>();
  const client: SyncroClient = {
    webBaseUrl: 'https://acme.syncromsp.com',
    async close() {},
    as(key: string) {
      asCalls.push(key);
      // The key is a plain property here on purpose: an Identity must still not show it.
      const api = {
        key,
        async me() {
          const n = meCalls.get(key) ?? 0;
          meCalls.set(key, n + 1);
          await new Promise((r) => setTimeout(r, 5));
          const a = answers[key];
          const answer = Array.isArray(a) ? a[Math.min(n, a.length - 1)] : a;
          if (!answer) throw new SyncroUnauthorizedError('Syncro refused the API key', 'GET /me');
          if (answer instanceof Error) throw answer;
          return { ...answer, user_email: null };
        },
      };
      return api as unknown as SyncroApi;
    },
  };
  return { client, asCalls, meCalls };
}

const ENV = {
  SYNCRO_KEY_HOWARD: KEYS.howard,
  SYNCRO_KEY_MIKE: KEYS.mikeWrong,
  SYNCRO_KEY_SHARED: KEYS.shared,
};

function fileConfig(extra = ''): FileConfig {
  const yaml = `
users:
  ${HOWARD}: { name: Howard Enos, syncro_user_id: 1750, api_key: { env: SYNCRO_KEY_HOWARD } }
  ${MIKE}: { name: Michael Swanson, syncro_user_id: 1735, api_key: { env: SYNCRO_KEY_MIKE } }
  ${WINTER}: { name: Winter, syncro_user_id: 1737 }
  ${BROKEN}: { name: Rob, syncro_user_id: 1760, api_key: { env: SYNCRO_KEY_ROB } }
${extra}`;
  return loadConfig(
    { SYNCRO_SANDBOX: '1', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-test' },
    { path: 'syncro-bot.yml', text: yaml },
  ).file;
}

const SHARED = `
shared_key: { env: SYNCRO_KEY_SHARED }
shared_key_owner: { name: Michael Swanson, syncro_user_id: 1735 }
`;

const DEFAULT_ANSWERS: Record<string, MeAnswer> = {
  [KEYS.howard]: { user_id: 1750, user_name: 'Howard Enos' },
  [KEYS.mikeWrong]: { user_id: 1750, user_name: 'Howard Enos' },
  [KEYS.shared]: { user_id: 1735, user_name: 'Michael Swanson' },
  [KEYS.sandbox]: { user_id: 9001, user_name: 'Sandbox Tech' },
  [KEYS.sops]: { user_id: 1737, user_name: 'Winter' },
};

let logLines: string[] = [];
/** Everything that left the resolver: results, error messages, log lines. None may contain a key. */
let seen: string[] = [];

function setup(opts: {
  extra?: string;
  answers?: Record<string, MeAnswer | MeAnswer[]>;
  sandbox?: boolean;
  env?: Record<string, string | undefined>;
  sopsBinary?: string;
}) {
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ level: 'trace', format: 'json', destination });
  const stub = stubClient(opts.answers ?? DEFAULT_ANSWERS);
  const resolver = createIdentityResolver({
    file: fileConfig(opts.extra),
    env: opts.env ?? { ...ENV },
    client: stub.client,
    logger,
    sopsBinary: opts.sopsBinary,
    sandbox: opts.sandbox
      ? { keyFor: (id) => ({ key: KEYS.sandbox, name: `Sandbox ${id}`, syncroUserId: 9001 }) }
      : undefined,
    adviceWords: identityAdviceWords,
  });
  return { resolver, ...stub };
}

async function ok<T>(p: Promise<T>): Promise<T> {
  const v = await p;
  seen.push(JSON.stringify(v));
  return v;
}

async function refused(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    (v) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e as Error,
  );
  seen.push(err.message, JSON.stringify(err));
  return err;
}

afterEach(() => {
  const everything = [...seen, ...logLines].join('\n');
  for (const key of ALL_KEYS) expect(everything).not.toContain(key);
  seen = [];
  logLines = [];
});

describe('own key', () => {
  it('gives reads and writes, attributed to the configured person', async () => {
    const { resolver } = setup({});
    const r = await ok(resolver.forRead(HOWARD));
    const w = await ok(resolver.forWrite(HOWARD));
    for (const id of [r, w]) {
      expect(id).toMatchObject({
        slackUserId: HOWARD,
        name: 'Howard Enos',
        syncroUserId: 1750,
        keyKind: 'own',
        keySource: 'env:SYNCRO_KEY_HOWARD',
        me: { user_id: 1750, user_name: 'Howard Enos' },
      });
      await expect(id.api.me()).resolves.toMatchObject({ user_id: 1750 });
    }
    expect(r.api).toBe(w.api);
    // The api object is reachable but never serialised.
    expect(Object.keys(w)).not.toContain('api');
  });

  it('a key that belongs to someone else allows reads but refuses writes', async () => {
    const { resolver } = setup({ extra: SHARED });
    const r = await ok(resolver.forRead(MIKE));
    // Reads say who the key really acts as in Syncro.
    expect(r).toMatchObject({ keyKind: 'own', name: 'Howard Enos', me: { user_id: 1750 } });
    const err = await refused(resolver.forWrite(MIKE));
    expect(err).toBeInstanceOf(NotAllowedError);
    expect(err.message).toBe(
      'Syncro says this key belongs to Howard Enos (user 1750), not to Michael Swanson (1735); ' +
        'writes are refused because attribution would be wrong',
    );
    expect(logLines.some((l) => l.includes('write refused'))).toBe(true);
  });

  it('a key source that fails is reported as KeySourceError', async () => {
    const { resolver } = setup({ extra: SHARED });
    const err = await refused(resolver.forRead(BROKEN));
    expect(err).toBeInstanceOf(KeySourceError);
    expect(err.message).toBe('environment variable SYNCRO_KEY_ROB is not set');
  });
});

describe('no own key', () => {
  it('reads use the shared key, named after its owner', async () => {
    const { resolver } = setup({ extra: SHARED });
    const r = await ok(resolver.forRead(WINTER));
    expect(r).toMatchObject({
      slackUserId: WINTER,
      keyKind: 'shared',
      keySource: 'env:SYNCRO_KEY_SHARED',
      name: 'Michael Swanson',
      syncroUserId: 1735,
    });
  });

  it('policy deny (the default) refuses writes and says how to get a key', async () => {
    const { resolver } = setup({ extra: SHARED });
    const err = await refused(resolver.forWrite(WINTER));
    expect(err).toBeInstanceOf(NotAllowedError);
    expect(err.message).toContain('Winter has no personal Syncro API key');
    expect(err.message).toContain('policy.shared_key_writes: deny');
    expect(err.message).toContain('/api_tokens/new');
  });

  it('policy warn writes with the shared key, checked against shared_key_owner', async () => {
    const { resolver } = setup({ extra: `${SHARED}policy: { shared_key_writes: warn }\n` });
    const w = await ok(resolver.forWrite(WINTER));
    expect(w).toMatchObject({ keyKind: 'shared', name: 'Michael Swanson', syncroUserId: 1735 });
    expect(logLines.some((l) => l.includes('"level":40') && l.includes('shared key'))).toBe(true);
  });

  it('policy warn refuses writes when the shared key is not its configured owner’s', async () => {
    const { resolver } = setup({
      extra: `${SHARED}policy: { shared_key_writes: warn }\n`,
      answers: { ...DEFAULT_ANSWERS, [KEYS.shared]: { user_id: 1760, user_name: 'Rob' } },
    });
    await ok(resolver.forRead(WINTER));
    const err = await refused(resolver.forWrite(WINTER));
    expect(err).toBeInstanceOf(NotAllowedError);
    expect(err.message).toContain(
      'Syncro says the shared key belongs to Rob (user 1760), not to Michael Swanson (1735)',
    );
  });

  it('policy warn without shared_key_owner takes the owner from /me', async () => {
    const { resolver } = setup({
      extra: 'shared_key: { env: SYNCRO_KEY_SHARED }\npolicy: { shared_key_writes: warn }\n',
    });
    const w = await ok(resolver.forWrite(WINTER));
    expect(w).toMatchObject({ keyKind: 'shared', name: 'Michael Swanson', syncroUserId: 1735 });
  });

  it('no key at all is refused with a friendly message', async () => {
    const { resolver } = setup({});
    for (const p of [resolver.forRead(WINTER), resolver.forWrite(WINTER)]) {
      const err = await refused(p);
      expect(err).toBeInstanceOf(NotAllowedError);
      expect(err.message).toContain('No Syncro API key is configured for Winter');
    }
  });

  it('refuses with facts (a code and what the words need), worded by the view it is given', async () => {
    const { resolver } = setup({ extra: SHARED });
    const err = await refused(resolver.forWrite(WINTER));
    expect(err).toBeInstanceOf(IdentityRefusedError);
    expect((err as IdentityRefusedError).advice).toEqual({
      code: 'shared_writes_denied',
      who: 'Winter',
      sharedKeyOwner: 'Michael Swanson',
      canConnect: false,
    });
    expect(err.message).toBe(identityAdviceWords((err as IdentityRefusedError).advice));
  });
});

describe('unmapped user', () => {
  it('is refused with NotMappedError', async () => {
    const { resolver, meCalls } = setup({ extra: SHARED });
    for (const p of [resolver.forRead(STRANGER), resolver.forWrite(STRANGER)]) {
      const err = await refused(p);
      expect(err).toBeInstanceOf(NotMappedError);
      expect((err as NotMappedError).code).toBe('NOT_MAPPED');
      expect(err.message).toContain(STRANGER);
    }
    expect(meCalls.size).toBe(0);
  });

  it('gets a sandbox identity in sandbox mode; mapped users keep their keys', async () => {
    const { resolver } = setup({ extra: SHARED, sandbox: true });
    const s = await ok(resolver.forWrite(STRANGER));
    expect(s).toMatchObject({
      slackUserId: STRANGER,
      name: 'Sandbox Tech', // the name Syncro (GET /me) gives the sandbox key
      syncroUserId: 9001,
      keyKind: 'own',
      keySource: 'sandbox',
    });
    const h = await ok(resolver.forWrite(HOWARD));
    expect(h).toMatchObject({ keySource: 'env:SYNCRO_KEY_HOWARD', syncroUserId: 1750 });
    const d = await ok(resolver.describe(STRANGER));
    expect(d).toMatchObject({ mapped: false, sandbox: true, writes: { allowed: true } });
  });
});

describe('GET /me', () => {
  it('is called once per key, and each key gets one SyncroApi', async () => {
    const { resolver, asCalls, meCalls } = setup({ extra: `${SHARED}policy: { shared_key_writes: warn }\n` });
    await Promise.all(
      Array.from({ length: 5 }, () => [
        resolver.forRead(HOWARD),
        resolver.forWrite(HOWARD),
        resolver.forRead(WINTER),
        resolver.forWrite(WINTER),
        resolver.describe(HOWARD),
        resolver.describe(WINTER),
      ]).flat(),
    ).then((all) => seen.push(JSON.stringify(all)));
    await ok(resolver.forWrite(HOWARD));
    expect(meCalls.get(KEYS.howard)).toBe(1);
    expect(meCalls.get(KEYS.shared)).toBe(1);
    expect(asCalls.filter((k) => k === KEYS.howard)).toHaveLength(1);
    expect(asCalls.filter((k) => k === KEYS.shared)).toHaveLength(1);
  });

  it('passes Syncro errors through and does not cache them', async () => {
    const unauthorized = new SyncroUnauthorizedError('Syncro refused the API key (401)', 'GET /me');
    const { resolver, meCalls } = setup({
      answers: {
        ...DEFAULT_ANSWERS,
        [KEYS.howard]: [unauthorized, { user_id: 1750, user_name: 'Howard Enos' }],
      },
    });
    const err = await refused(resolver.forWrite(HOWARD));
    expect(err).toBe(unauthorized);
    const w = await ok(resolver.forWrite(HOWARD));
    expect(w.syncroUserId).toBe(1750);
    await ok(resolver.forRead(HOWARD));
    expect(meCalls.get(KEYS.howard)).toBe(2);
  });
});

describe('describe (whoami)', () => {
  it('own key, verified', async () => {
    const { resolver } = setup({});
    const d = await ok(resolver.describe(HOWARD));
    expect(d).toEqual({
      slackUserId: HOWARD,
      mapped: true,
      sandbox: false,
      configured: { name: 'Howard Enos', syncroUserId: 1750 },
      key: { kind: 'own', source: 'env:SYNCRO_KEY_HOWARD' },
      me: { user_id: 1750, user_name: 'Howard Enos' },
      meError: null,
      reads: { allowed: true, reason: null },
      writes: {
        allowed: true,
        keyKind: 'own',
        as: { name: 'Howard Enos', syncroUserId: 1750 },
        reason: null,
        warning: null,
      },
    });
  });

  it('mismatched key: reads yes, writes no, and why', async () => {
    const { resolver } = setup({ extra: SHARED });
    const d = await ok(resolver.describe(MIKE));
    expect(d.reads.allowed).toBe(true);
    expect(d.me).toEqual({ user_id: 1750, user_name: 'Howard Enos' });
    expect(d.writes.allowed).toBe(false);
    expect(d.writes.reason).toContain('Syncro says this key belongs to Howard Enos (user 1750)');
  });

  it('shared key: deny and warn', async () => {
    const deny = await ok(setup({ extra: SHARED }).resolver.describe(WINTER));
    expect(deny).toMatchObject({
      key: { kind: 'shared', source: 'env:SYNCRO_KEY_SHARED' },
      me: { user_id: 1735 },
      reads: { allowed: true },
      writes: { allowed: false, keyKind: null },
    });
    expect(deny.writes.reason).toContain('/api_tokens/new');

    const warn = await ok(
      setup({ extra: `${SHARED}policy: { shared_key_writes: warn }\n` }).resolver.describe(WINTER),
    );
    expect(warn.writes).toMatchObject({
      allowed: true,
      keyKind: 'shared',
      as: { name: 'Michael Swanson', syncroUserId: 1735 },
    });
    expect(warn.writes.warning).toMatchObject({ code: 'writes_with_shared_key', canConnect: false });
    expect(identityAdviceWords(warn.writes.warning!)).toContain('shared key');
  });

  it('reports key source and /me failures as plain messages', async () => {
    const { resolver } = setup({
      answers: {
        ...DEFAULT_ANSWERS,
        [KEYS.howard]: new SyncroUnauthorizedError('Syncro refused the API key', 'GET /me'),
      },
    });
    const broken = await ok(resolver.describe(BROKEN));
    expect(broken).toMatchObject({
      key: { kind: 'own', source: 'env:SYNCRO_KEY_ROB' },
      me: null,
      meError: 'environment variable SYNCRO_KEY_ROB is not set',
      reads: { allowed: false },
      writes: { allowed: false, reason: 'environment variable SYNCRO_KEY_ROB is not set' },
    });
    const refusedKey = await ok(resolver.describe(HOWARD));
    expect(refusedKey.meError).toBe('Syncro refused the API key');
    expect(refusedKey.writes.allowed).toBe(false);
  });

  it('unmapped and keyless users', async () => {
    const { resolver } = setup({});
    const stranger = await ok(resolver.describe(STRANGER));
    expect(stranger).toMatchObject({ mapped: false, configured: null, key: { kind: 'none', source: null } });
    expect(stranger.reads.reason).toContain('not set up');
    const winter = await ok(resolver.describe(WINTER));
    expect(winter).toMatchObject({ mapped: true, key: { kind: 'none' }, reads: { allowed: false } });
    expect(winter.writes.reason).toContain('No Syncro API key is configured for Winter');
  });
});

describe('with a sops key source', () => {
  let dir: string;
  let sops: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'syncro-identity-resolver-'));
    sops = join(dir, 'sops');
    writeFileSync(sops, '#!/usr/bin/env bash\n[ "$1" = --decrypt ] || exit 2\ncat -- "$2"\n');
    chmodSync(sops, 0o755);
    writeFileSync(
      join(dir, 'syncro-winter.sops.yaml'),
      `kind: api-key\ncredentials:\n  credential: ${KEYS.sops}\n`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves, verifies and describes without showing the key', async () => {
    const file = join(dir, 'syncro-winter.sops.yaml');
    const { resolver } = setup({
      extra: `  U0WINTER2: { name: Winter, syncro_user_id: 1737, api_key: { sops: "${file}" } }\n`,
      sopsBinary: sops,
    });
    const w = await ok(resolver.forWrite('U0WINTER2'));
    expect(w).toMatchObject({
      keyKind: 'own',
      keySource: `sops:${file}#credentials.credential`,
      syncroUserId: 1737,
    });
    const d = await ok(resolver.describe('U0WINTER2'));
    expect(d.writes.allowed).toBe(true);
  });
});
