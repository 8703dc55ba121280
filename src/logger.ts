import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino removes from every log object. The Syncro client also strips `api_key=` from URLs and never logs
 * headers; these paths are the second line of defence for anything that reaches a log call.
 */
export const REDACT_PATHS = [
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'api_key',
  '*.api_key',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'user_token',
  '*.user_token',
  'credentials',
  '*.credentials',
  '*.*.credentials',
];

const SECRET_IN_TEXT = [
  /([?&]api_key=)[^&\s"']+/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
  /\bxox[abpors]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
];

/** Removes key-looking substrings (api_key=…, Bearer …, Slack tokens) from free text. */
export function redactText(text: string): string {
  let out = text;
  for (const re of SECRET_IN_TEXT) {
    out = out.replace(re, (_m, prefix?: string) => `${typeof prefix === 'string' ? prefix : ''}[REDACTED]`);
  }
  return out;
}

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  /** Tests pass a stream to capture JSON lines. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  const base = {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: {
      log(obj: Record<string, unknown>) {
        // Error messages and free text may carry a URL with a key; scrub strings at the top level and in err.
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) out[k] = typeof v === 'string' ? redactText(v) : v;
        return out;
      },
    },
    serializers: {
      err: (err: unknown) => {
        // NOTE: a log call must never throw (it would lose the reply being sent): `err` may be a string or any
        // value, and pino's serializer hands non-errors back as they are. Strings are scrubbed; objects copied,
        // never changed in place.
        if (typeof err === 'string') return redactText(err);
        if (typeof err !== 'object' || err === null) return err;
        const s: Record<string, unknown> = { ...pino.stdSerializers.err(err as Error) };
        for (const k of Object.keys(s)) if (typeof s[k] === 'string') s[k] = redactText(s[k] as string);
        return s;
      },
    },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        const out = args.map((a) => (typeof a === 'string' ? redactText(a) : a));
        // pino uses err.message as the line's msg when none is given: give it the redacted one.
        const first = out[0] as { err?: unknown } | undefined;
        if (out.length === 1 && first && typeof first === 'object' && first.err instanceof Error) {
          out.push(redactText(first.err.message));
        }
        method.apply(this, out);
      },
    },
  };
  if (opts.destination) return pino(base, opts.destination as pino.DestinationStream);
  if (opts.format === 'pretty') {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino(base);
}
