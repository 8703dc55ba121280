import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { redactText } from '../logger.js';

const toPino: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

function message(parts: unknown[]): string {
  return redactText(
    parts
      .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
      .join(' '),
  );
}

/** Lets Bolt (and its WebClient) log through our pino logger, with the same redaction. */
export function boltLogger(logger: Logger): SlackLogger {
  let child = logger.child({ component: 'bolt' });
  return {
    debug: (...m: unknown[]) => child.debug(message(m)),
    info: (...m: unknown[]) => child.info(message(m)),
    warn: (...m: unknown[]) => child.warn(message(m)),
    error: (...m: unknown[]) => child.error(message(m)),
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
