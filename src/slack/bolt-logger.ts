import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { redactText } from '../logger.js';
import { MODAL_ACTION } from './views/modal-ids.js';

/**
 * Inputs whose value is a secret (the connect modal's API token). Slack sends the value in every view_submission;
 * Bolt logs whole payloads at debug in some modes, so a logged payload has the value replaced.
 */
const SECRET_INPUT_VALUE = new RegExp(
  `("${MODAL_ACTION.token}"\\s*:\\s*\\{[^{}]*?"value"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`,
  'g',
);

/** Removes secret input values from a logged payload (JSON text). */
export function scrubSecretInputs(text: string): string {
  return text.includes(MODAL_ACTION.token) ? text.replace(SECRET_INPUT_VALUE, '$1"[REDACTED]"') : text;
}

const toPino: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

function message(parts: unknown[]): string {
  return scrubSecretInputs(
    redactText(
      parts
        .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
        .join(' '),
    ),
  );
}

/** Lets Bolt (and its WebClient) log through our pino logger, with the same redaction. */
export function boltLogger(logger: Logger): SlackLogger {
  let child = logger.child({ component: 'bolt' });
  // Bolt and its WebClient log several debug lines per request (each ack: two); at info, formatting and
  // redacting them was wasted work before every ack. The level is checked first.
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...m: unknown[]) => {
      if (child.isLevelEnabled(level)) child[level](message(m));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: (level: LogLevel) => {
      // Our LOG_LEVEL governs; Bolt may only make its own child quieter, never louder.
      const wanted = toPino[level];
      if (logger.levels.values[wanted]! > logger.levels.values[logger.level]!) child.level = wanted;
    },
    getLevel: () => {
      const l = child.level;
      if (l === 'debug' || l === 'trace') return LogLevel.DEBUG;
      if (l === 'info') return LogLevel.INFO;
      if (l === 'warn') return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: (name: string) => {
      child = logger.child({ component: name });
    },
  };
}
