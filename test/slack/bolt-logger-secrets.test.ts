import { Writable } from 'node:stream';
import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { boltLogger, scrubSecretInputs } from '../../src/slack/bolt-logger.js';

const TOKEN = 'syncro_tok_LOGGED_1234567890';

describe('Bolt logging a view_submission of the connect modal', () => {
  it('should never print the token input’s value, at any level down to trace', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _e, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = boltLogger(createLogger({ level: 'trace', format: 'json', destination }));
    log.setLevel(LogLevel.DEBUG);
    const body = {
      type: 'view_submission',
      view: {
        state: {
          values: {
            syncro_token: { syncro_token_input: { type: 'plain_text_input', value: TOKEN } },
            other: { other_input: { type: 'plain_text_input', value: 'kept' } },
          },
        },
      },
    };
    // Bolt's developer mode logs JSON.stringify(body); other paths pass objects.
    log.debug(JSON.stringify(body));
    log.debug('event', body);
    log.info(JSON.stringify(body, null, 2));
    expect(lines.length).toBe(3);
    for (const l of lines) {
      expect(l).not.toContain(TOKEN);
      expect(l).toContain('kept');
    }
    expect(
      scrubSecretInputs(`{"syncro_token_input":{"value":"a\\"b${TOKEN}","type":"plain_text_input"}}`),
    ).toBe('{"syncro_token_input":{"value":"[REDACTED]","type":"plain_text_input"}}');
  });
});
