import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactText } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'trace', format: 'json', destination }) };
}

const KEY = 'sk_live_TOPSECRET_123456';

describe('logger redaction', () => {
  const scenarios: Array<{
    name: string;
    log: (l: ReturnType<typeof capture>['logger']) => void;
    secret: string;
  }> = [
    {
      name: 'an Authorization header',
      log: (l) => l.info({ headers: { authorization: `Bearer ${KEY}` } }, 'req'),
      secret: KEY,
    },
    {
      name: 'an api_key in a URL inside the message',
      log: (l) => l.warn(`GET https://x/api/v1/me?api_key=${KEY}&a=1`),
      secret: KEY,
    },
    { name: 'an api_key in a logged object', log: (l) => l.info({ api_key: KEY }), secret: KEY },
    {
      name: 'a nested credentials object',
      log: (l) => l.info({ vault: { credentials: { credential: KEY } } }),
      secret: KEY,
    },
    {
      name: 'a Slack bot token in an error',
      log: (l) => l.error({ err: new Error('bad token xoxb-123-456-abcDEF') }),
      secret: 'xoxb-123-456-abcDEF',
    },
    { name: 'a signing secret field', log: (l) => l.info({ slack: { signingSecret: KEY } }), secret: KEY },
    {
      name: 'a /me user_token',
      log: (l) => l.debug({ me: { user_token: KEY, user_name: 'Joe' } }),
      secret: KEY,
    },
    {
      name: 'a Slack token in an err that is a string (not an Error)',
      log: (l) => l.debug({ err: 'An API error occurred: invalid_auth xoxb-123-456-abcDEF' }, 'failed'),
      secret: 'xoxb-123-456-abcDEF',
    },
    {
      name: 'a Bearer token in a string field',
      log: (l) => l.info({ detail: `Authorization: Bearer ${KEY}` }),
      secret: KEY,
    },
  ];
  for (const s of scenarios) {
    it(`should not write ${s.name} to the log`, () => {
      const { lines, logger } = capture();
      s.log(logger);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain(s.secret);
    });
  }

  it('should write a line, never throw, whatever `err` holds (a string, a number, an object, null)', () => {
    const { lines, logger } = capture();
    const plain = { code: 'x', detail: 'y' };
    for (const err of ['a string', 42, plain, null, undefined])
      expect(() => logger.debug({ err }, 'fallback')).not.toThrow();
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0]!).err).toBe('a string');
    // The caller's object is not changed by the serializer.
    expect(plain).toEqual({ code: 'x', detail: 'y' });
  });

  it('should keep the rest of the text readable', () => {
    expect(redactText('POST /tickets/5/comment?api_key=abc&x=1 failed')).toBe(
      'POST /tickets/5/comment?api_key=[REDACTED]&x=1 failed',
    );
  });
});
