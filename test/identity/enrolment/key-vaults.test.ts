import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decryptKey,
  encryptedStoreVault,
  encryptKey,
} from '../../../src/identity/enrolment/encrypted-store.js';
import { sopsVault, vaultKeyYaml } from '../../../src/identity/enrolment/sops-vault.js';
import { gitIn } from '../../support/git-repos.js';

const TOKEN = 'syncro_tok_UNIT_5a6b7c8d9e0f';
const owner = { slackUserId: 'U0DANA001', syncroUserId: 1780, syncroName: 'Dana Okafor' };

describe('the encrypted store (AES-256-GCM under KEY_ENCRYPTION_KEY)', () => {
  const kek = randomBytes(32);

  it('should give the token back, with a fresh IV each time, and never hold it in clear', async () => {
    const vault = encryptedStoreVault(kek);
    const a = await vault.put(owner, TOKEN, 0);
    const b = await vault.put(owner, TOKEN, 0);
    expect(a.ciphertext).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    const [, iv, tag] = a.ciphertext!.split('.');
    expect(Buffer.from(iv!, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64')).toHaveLength(16);
    expect(a.ciphertext).not.toContain(TOKEN);
    expect(Buffer.from(a.ciphertext!.split('.')[3]!, 'base64').toString('latin1')).not.toContain('UNIT');
    expect(await vault.get(owner, a)).toBe(TOKEN);
  });

  it('should refuse another KEY_ENCRYPTION_KEY, another person’s row, and a changed ciphertext, without saying more', () => {
    const sealed = encryptKey(kek, owner, TOKEN);
    const refused = /could not be decrypted/;
    expect(() => decryptKey(randomBytes(32), owner, sealed)).toThrow(refused);
    expect(() => decryptKey(kek, { ...owner, slackUserId: 'U0OTHER01' }, sealed)).toThrow(refused);
    expect(() => decryptKey(kek, { ...owner, syncroUserId: 1781 }, sealed)).toThrow(refused);
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3]!, 'base64');
    ct[0] = ct[0]! ^ 1;
    expect(() => decryptKey(kek, owner, [...parts.slice(0, 3), ct.toString('base64')].join('.'))).toThrow(
      refused,
    );
    expect(() => decryptKey(kek, owner, 'v0.x')).toThrow(/format/);
  });

  it('should refuse a truncated auth tag and an IV that is not 12 bytes', () => {
    const sealed = encryptKey(kek, owner, TOKEN);
    const [v, iv, tag, ct] = sealed.split('.') as [string, string, string, string];
    const short = Buffer.from(tag, 'base64').subarray(0, 4).toString('base64');
    expect(() => decryptKey(kek, owner, [v, iv, short, ct].join('.'))).toThrow(/could not be decrypted/);
    const longIv = Buffer.concat([Buffer.from(iv, 'base64'), Buffer.alloc(4)]).toString('base64');
    expect(() => decryptKey(kek, owner, [v, longIv, tag, ct].join('.'))).toThrow(/could not be decrypted/);
    const shortIv = Buffer.from(iv, 'base64').subarray(0, 8).toString('base64');
    expect(() => decryptKey(kek, owner, [v, shortIv, tag, ct].join('.'))).toThrow(/could not be decrypted/);
    expect(decryptKey(kek, owner, sealed)).toBe(TOKEN);
  });
});

describe('the reference’s vault file', () => {
  it('should have the shape of syncro-command.md’s step 4', () => {
    const yaml = vaultKeyYaml({ ...owner, subdomain: 'computerguru' }, TOKEN, {
      apiBaseUrl: 'https://computerguru.syncromsp.com/api/v1',
      now: Date.UTC(2026, 11, 1),
    });
    expect(yaml).toBe(
      [
        'kind: api-key',
        'name: Syncro (Dana Okafor)',
        'subdomain: computerguru',
        'api-base-url: https://computerguru.syncromsp.com/api/v1',
        'api-docs: https://api-docs.syncromsp.com/',
        'status: active',
        'owner: dana-1780',
        'syncro_user_id: 1780',
        'tags: [msp-tools, per-user]',
        'credentials:',
        `    credential: "${TOKEN}"`,
        'notes: Per-user Syncro API token for Dana Okafor. Created 2026-12-01 with /syncro connect (Slack U0DANA001).',
        '',
      ].join('\n'),
    );
  });
});

describe('the sops vault when sops or git fails', () => {
  let root: string;
  let vault: string;
  let bin: string;
  const git = gitIn;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vault-fail-'));
    vault = join(root, 'vault');
    mkdirSync(vault);
    git(vault, 'init', '--quiet');
    writeFileSync(join(vault, '.sops.yaml'), 'creation_rules: []\n');
    git(vault, 'add', '.sops.yaml');
    git(vault, 'commit', '--quiet', '-m', 'vault');
    bin = join(root, 'bin');
    mkdirSync(bin);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A sops that prints what it was given (the file's content, as a careless sops might) and fails, or succeeds without encrypting. */
  function stubSops(name: string, script: string): string {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('should remove the clear-text file and commit nothing when sops fails, with no sops output in the error', async () => {
    const sops = stubSops('sops-fails', 'cat "$3" >&2; exit 1');
    const v = sopsVault({
      root: vault,
      dir: 'msp-tools',
      push: false,
      apiBaseUrl: 'https://x.syncromsp.com/api/v1',
      sopsBinary: sops,
    });
    const err = (await v.put(owner, TOKEN, 0).then(
      () => new Error('stored'),
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(
      /sops --encrypt failed \(exit code 1; check \.sops\.yaml in the vault root\); nothing was stored/,
    );
    expect(err.message).not.toContain(TOKEN);
    expect(existsSync(join(vault, 'msp-tools/syncro-dana-1780.sops.yaml'))).toBe(false);
    expect(git(vault, 'log', '--oneline')).toMatch(/^\w+ vault\n$/);
  });

  it('should refuse a file sops left in clear text, removing it', async () => {
    const sops = stubSops('sops-noop', 'exit 0');
    const v = sopsVault({
      root: vault,
      dir: 'msp-tools',
      push: false,
      apiBaseUrl: 'https://x.syncromsp.com/api/v1',
      sopsBinary: sops,
    });
    await expect(v.put(owner, TOKEN, 0)).rejects.toThrow(
      /left msp-tools\/syncro-dana-1780\.sops\.yaml unencrypted/,
    );
    expect(existsSync(join(vault, 'msp-tools/syncro-dana-1780.sops.yaml'))).toBe(false);
    expect(git(vault, 'status', '--porcelain')).toBe('');
  });

  it('should keep the commit and say so when the push fails', async () => {
    const sops = stubSops('sops-rot13', 'tr "A-Za-z" "N-ZA-Mn-za-m" < "$3" > "$3.x" && mv "$3.x" "$3"');
    const v = sopsVault({
      root: vault,
      dir: 'msp-tools',
      push: true,
      apiBaseUrl: 'https://x.syncromsp.com/api/v1',
      sopsBinary: sops,
    });
    const r = await v.put(owner, TOKEN, 0);
    expect(r.vaultFile).toBe('msp-tools/syncro-dana-1780.sops.yaml');
    expect(r.note).toMatch(/git push of the vault failed .*the commit is kept/);
    expect(git(vault, 'log', '--format=%s', '-1')).toMatch(
      /^Add Syncro API key for Dana Okafor \(user 1780\)/,
    );
    expect(readFileSync(join(vault, r.vaultFile!), 'utf8')).not.toContain(TOKEN);
  });
});
