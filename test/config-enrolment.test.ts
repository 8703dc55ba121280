import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

/** `enrolment:` (/syncro connect) and KEY_ENCRYPTION_KEY at start-up. */

const env = {
  SYNCRO_BASE_URL: 'https://acme.syncromsp.com/api/v1',
  SLACK_BOT_TOKEN: 'xoxb-1-secret-token',
  SLACK_SIGNING_SECRET: 'signing-secret-value-123',
};
const load = (text: string, extra: Record<string, string> = {}) =>
  loadConfig({ ...env, ...extra }, { path: 'bot.yml', text });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('enrolment settings', () => {
  it('should read the store backend with a 32-byte KEY_ENCRYPTION_KEY in base64 or hex, and keep the key out of JSON', () => {
    const raw = randomBytes(32);
    for (const kek of [raw.toString('base64'), raw.toString('hex'), raw.toString('base64url')]) {
      const c = load('enrolment: { storage: store }', { KEY_ENCRYPTION_KEY: kek });
      expect(c.file.enrolment).toEqual({ storage: 'store', require_approval: false, approvers: [] });
      expect(c.keyEncryptionKey?.equals(raw)).toBe(true);
      expect(JSON.stringify(c)).not.toContain(kek);
      expect(Object.keys(c)).not.toContain('keyEncryptionKey');
    }
  });

  it('should refuse the store backend without a valid KEY_ENCRYPTION_KEY, never echoing it', () => {
    expect(problemsOf(() => load('enrolment: { storage: store }')).join('\n')).toMatch(
      /KEY_ENCRYPTION_KEY: required by bot\.yml\.enrolment\.storage: store .*openssl rand -base64 32/,
    );
    const short = 'c2hvcnQta2V5LW9mLTE2Yg==';
    const p = problemsOf(() => load('enrolment: { storage: store }', { KEY_ENCRYPTION_KEY: short })).join(
      '\n',
    );
    expect(p).toMatch(/KEY_ENCRYPTION_KEY: must be 32 bytes written as 64 hex digits or as base64/);
    expect(p).not.toContain(short);
  });

  it('should read the sops vault settings and check the rules that span fields', () => {
    const c = load('enrolment: { storage: sops, vault: { path: /srv/vault, push: true } }');
    expect(c.file.enrolment?.vault).toEqual({ path: '/srv/vault', push: true, dir: 'msp-tools' });
    expect(problemsOf(() => load('enrolment: { storage: sops }')).join()).toMatch(
      /bot\.yml\.enrolment\.vault: storage: sops needs vault/,
    );
    expect(
      problemsOf(() =>
        load('enrolment: { storage: sops, vault: { path: /v }, require_approval: true }'),
      ).join(),
    ).toMatch(/enrolment\.approval_channel: require_approval needs the channel id/);
    expect(
      problemsOf(() =>
        load('enrolment: { storage: sops, vault: { path: /v }, approval_channel: general }'),
      ).join(),
    ).toMatch(/approval_channel: must be a Slack channel id/);
  });

  it('should suggest the right key for a typo, and take the American spelling', () => {
    expect(
      problemsOf(() => load('enrolment: { storage: sops, vault: { path: /v }, requre_approval: true }')),
    ).toEqual(['bot.yml.enrolment.requre_approval: unknown setting; did you mean require_approval?']);
    const c = load('enrollment: { storage: sops, vault: { path: /v } }');
    expect(c.file.enrolment?.storage).toBe('sops');
  });
});
