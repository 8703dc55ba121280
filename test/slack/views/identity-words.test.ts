import { describe, expect, it } from 'vitest';
import { identityAdviceWords, keyHowToWords } from '../../../src/slack/views/identity-words.js';

/** The key how-to is written once; whether /syncro connect is on decides who sets the key up. */
describe('identity advice words', () => {
  it('should say the same how-to for a missing key and a stale connected key (a new one)', () => {
    const stale = identityAdviceWords({ code: 'key_stale', syncroName: 'Winter', canConnect: true });
    const missing = identityAdviceWords({ code: 'no_key', name: 'Winter', canConnect: true });
    expect(stale).toContain(keyHowToWords(true, true));
    expect(missing).toContain(keyHowToWords(true));
    expect(keyHowToWords(true, true).replace('a new personal', 'a personal')).toBe(keyHowToWords(true));
    expect(stale).toMatch(/^Syncro no longer accepts the key you connected for Winter/);
  });

  it('should send people to /syncro connect only when it is on', () => {
    expect(keyHowToWords(true)).toMatch(/Admin → API Tokens → New .*`\/syncro connect`/);
    expect(keyHowToWords(false)).not.toContain('/syncro connect');
    expect(keyHowToWords(false)).toMatch(/Admin → API Tokens → New .*ask your admin/);
  });

  it('should word the shared-key warning with who Syncro records writes under', () => {
    const words = identityAdviceWords({
      code: 'writes_with_shared_key',
      as: { name: 'Michael Swanson', syncroUserId: 1735 },
      canConnect: false,
    });
    expect(words).toMatch(/^You have no personal Syncro key: .* under Michael Swanson \(user 1735\)\./);
  });
});
