import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeySourceError } from '../../src/errors.js';
import { describeKeySource, resolveKey } from '../../src/identity/key-sources.js';

const SECRET = 'T0k3n-sops-Secret-9f8e7d';

let dir: string;
let sops: string;
let calls: string;

/**
 * A stand-in for `sops`: records its arguments, then behaves according to the file name:
 * `*fail*` exits 1 with an error on stderr, `*slow*` hangs, anything else is printed as if decrypted.
 */
const FAKE_SOPS = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$(dirname "$0")/calls.log"
if [ "$1" != "--decrypt" ] || [ "$#" -ne 2 ]; then echo "usage: sops --decrypt FILE" >&2; exit 2; fi
case "$2" in
  *fail*)
    echo "" >&2
    echo "Failed to get the data key required to decrypt the SOPS file (see https://x.example/me?api_key=${SECRET})." >&2
    echo "Group 0: FAILED" >&2
    exit 1 ;;
  *slow*) exec sleep 10 ;;
esac
cat -- "$2"
`;

function fixture(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function callCount(): number {
  try {
    return readFileSync(calls, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncro-identity-sops-'));
  sops = join(dir, 'fake-sops');
  calls = join(dir, 'calls.log');
  writeFileSync(sops, FAKE_SOPS);
  chmodSync(sops, 0o755);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<KeySourceError> {
  const err = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeySourceError);
  const e = err as KeySourceError;
  expect(e.code).toBe('KEY_SOURCE_FAILED');
  expect(e.message).not.toContain(SECRET);
  expect(JSON.stringify({ ...e, message: e.message, cause: e.cause })).not.toContain(SECRET);
  return e;
}

describe('describeKeySource', () => {
  it('describes the source, never the key', () => {
    expect(describeKeySource({ env: 'SYNCRO_KEY_HOWARD' })).toBe('env:SYNCRO_KEY_HOWARD');
    expect(
      describeKeySource({ sops: 'vault/msp-tools/syncro-mike.sops.yaml', field: 'credentials.credential' }),
    ).toBe('sops:vault/msp-tools/syncro-mike.sops.yaml#credentials.credential');
    expect(describeKeySource({ sops: 'vault/x.sops.yaml' })).toBe(
      'sops:vault/x.sops.yaml#credentials.credential',
    );
  });
});

describe('env key source', () => {
  it('reads the variable', async () => {
    await expect(
      resolveKey({ env: 'SYNCRO_KEY_HOWARD' }, { env: { SYNCRO_KEY_HOWARD: 'abc123' } }),
    ).resolves.toBe('abc123');
  });

  it('refuses a missing or empty variable, naming it', async () => {
    for (const env of [{}, { SYNCRO_KEY_HOWARD: '' }, { SYNCRO_KEY_HOWARD: '   ' }]) {
      const e = await failure(resolveKey({ env: 'SYNCRO_KEY_HOWARD' }, { env }));
      expect(e.message).toBe('environment variable SYNCRO_KEY_HOWARD is not set');
    }
  });

  it('caches a resolved key per source, but not a failure', async () => {
    const env: Record<string, string | undefined> = {};
    await failure(resolveKey({ env: 'SYNCRO_KEY_A' }, { env }));
    env.SYNCRO_KEY_A = 'first';
    await expect(resolveKey({ env: 'SYNCRO_KEY_A' }, { env })).resolves.toBe('first');
    env.SYNCRO_KEY_A = 'second';
    await expect(resolveKey({ env: 'SYNCRO_KEY_A' }, { env })).resolves.toBe('first');
    // An explicit cache (what the resolver uses) is separate.
    await expect(resolveKey({ env: 'SYNCRO_KEY_A' }, { env, cache: new Map() })).resolves.toBe('second');
  });
});

describe('sops key source', () => {
  const yaml = (credential: string) =>
    [
      'kind: api-key',
      'name: Syncro (Mike Swanson)',
      'owner: mike',
      'syncro_user_id: 1735',
      'credentials:',
      `    credential: ${credential}`,
      'notes: Per-user Syncro API token.',
      '',
    ].join('\n');

  it('runs sops --decrypt on the file and reads credentials.credential', async () => {
    const file = fixture('syncro-mike.sops.yaml', yaml(SECRET));
    const before = callCount();
    const key = await resolveKey(
      { sops: file, field: 'credentials.credential' },
      { env: {}, sopsBinary: sops },
    );
    expect(key).toBe(SECRET);
    expect(callCount()).toBe(before + 1);
    expect(readFileSync(calls, 'utf8')).toContain(`--decrypt ${file}`);
  });

  it('defaults the field and reads other dotted fields', async () => {
    const file = fixture('nested.sops.yaml', `${yaml(SECRET)}other:\n  deep:\n    token: "x-1"\n`);
    await expect(resolveKey({ sops: file }, { env: {}, sopsBinary: sops, cache: new Map() })).resolves.toBe(
      SECRET,
    );
    await expect(
      resolveKey({ sops: file, field: 'other.deep.token' }, { env: {}, sopsBinary: sops, cache: new Map() }),
    ).resolves.toBe('x-1');
  });

  it('reads JSON output too (sops keeps the file format)', async () => {
    const file = fixture('k.sops.json', JSON.stringify({ credentials: { credential: SECRET } }));
    await expect(resolveKey({ sops: file }, { env: {}, sopsBinary: sops, cache: new Map() })).resolves.toBe(
      SECRET,
    );
  });

  it('caches per source: sops runs once for many calls, including concurrent ones', async () => {
    const file = fixture('cached.sops.yaml', yaml(SECRET));
    const cache = new Map<string, Promise<string>>();
    const before = callCount();
    const deps = { env: {}, sopsBinary: sops, cache };
    const keys = await Promise.all([1, 2, 3, 4, 5].map(() => resolveKey({ sops: file }, deps)));
    await resolveKey({ sops: file, field: 'credentials.credential' }, deps);
    expect(new Set(keys)).toEqual(new Set([SECRET]));
    expect(callCount()).toBe(before + 1);
  });

  it('passes the file name as one argument, with no shell', async () => {
    const file = fixture('we ird;echo PWNED $(id).sops.yaml', yaml(SECRET));
    await expect(resolveKey({ sops: file }, { env: {}, sopsBinary: sops, cache: new Map() })).resolves.toBe(
      SECRET,
    );
  });

  it('says so clearly when sops is not installed', async () => {
    const e = await failure(
      resolveKey(
        { sops: 'vault/x.sops.yaml' },
        { env: {}, sopsBinary: join(dir, 'no-such-sops'), cache: new Map() },
      ),
    );
    expect(e.message).toBe(
      `the sops command is not installed on this host (looked for ${join(dir, 'no-such-sops')}); ` +
        'install sops or use an {env: …} key source',
    );
  });

  it('uses `sops` from PATH by default', async () => {
    const cache = new Map<string, Promise<string>>();
    const ran: string[][] = [];
    const runSops = async (binary: string, args: readonly string[]) => {
      ran.push([binary, ...args]);
      return {
        exitCode: undefined,
        stdout: '',
        stderr: '',
        notFound: true,
        timedOut: false,
        spawnErrorCode: 'ENOENT',
      };
    };
    const e = await failure(resolveKey({ sops: 'v/k.sops.yaml' }, { env: {}, runSops, cache }));
    expect(ran).toEqual([['sops', '--decrypt', 'v/k.sops.yaml']]);
    expect(e.message).toBe(
      'the sops command is not installed on this host; install sops or use an {env: …} key source',
    );
  });

  it('names the file, the exit code and the first stderr line (redacted) when sops fails', async () => {
    const file = fixture('fail.sops.yaml', yaml(SECRET));
    const e = await failure(resolveKey({ sops: file }, { env: {}, sopsBinary: sops, cache: new Map() }));
    expect(e.message).toContain(file);
    expect(e.message).toContain('exit code 1');
    expect(e.message).toContain('Failed to get the data key required to decrypt the SOPS file');
    expect(e.message).toContain('api_key=[REDACTED]');
    expect(e.message).not.toContain('Group 0');
  });

  it('does not cache a failure', async () => {
    const cache = new Map<string, Promise<string>>();
    const file = join(dir, 'later.sops.yaml');
    rmSync(file, { force: true });
    const e = await failure(resolveKey({ sops: file }, { env: {}, sopsBinary: sops, cache }));
    expect(e.message).toContain('exit code 1'); // cat fails on a missing file
    fixture('later.sops.yaml', yaml(SECRET));
    await expect(resolveKey({ sops: file }, { env: {}, sopsBinary: sops, cache })).resolves.toBe(SECRET);
  });

  it('names the field when it is missing or not a string', async () => {
    const file = fixture(
      'nofield.sops.yaml',
      'kind: api-key\ncredentials:\n  other: x\nnumber:\n  n: 12345\n',
    );
    const e1 = await failure(resolveKey({ sops: file }, { env: {}, sopsBinary: sops, cache: new Map() }));
    expect(e1.message).toBe(`field credentials.credential is missing in ${file}`);
    const e2 = await failure(
      resolveKey({ sops: file, field: 'number.n' }, { env: {}, sopsBinary: sops, cache: new Map() }),
    );
    expect(e2.message).toBe(`field number.n in ${file} is not a string`);
    const e3 = await failure(
      resolveKey({ sops: file, field: 'credentials' }, { env: {}, sopsBinary: sops, cache: new Map() }),
    );
    expect(e3.message).toBe(`field credentials in ${file} is not a string`);
  });

  it('does not quote undecryptable output in the error', async () => {
    const file = fixture('garbage.sops.yaml', `credentials: [${SECRET}\n  : : {\n`);
    const e = await failure(resolveKey({ sops: file }, { env: {}, sopsBinary: sops, cache: new Map() }));
    expect(e.message).toBe(`the decrypted content of ${file} is not valid YAML or JSON`);
  });

  it('gives up after the timeout', async () => {
    const e = await failure(
      resolveKey(
        { sops: join(dir, 'slow.sops.yaml') },
        { env: {}, sopsBinary: sops, cache: new Map(), sopsTimeoutMs: 300 },
      ),
    );
    expect(e.message).toContain('did not finish decrypting');
  });
});
