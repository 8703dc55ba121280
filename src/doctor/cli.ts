import { hostname } from 'node:os';
import { WebClient } from '@slack/web-api';
import { type Config, DEFAULT_CONFIG_PATH } from '../config.js';
import { readConfig } from '../config-file.js';
import { ConfigError } from '../errors.js';
import { createLogger } from '../logger.js';
import { explainStartupFailure } from '../startup-errors.js';
import { openAccountRateLimiter } from '../syncro/account-rate-limiter.js';
import { createSyncroClient } from '../syncro/client.js';
import { type DoctorReport, reportOf } from './facts.js';
import { runDoctor } from './run.js';
import { webClientReader } from './slack-checks.js';
import { DEFAULT_REQUEST_CAP } from './syncro-checks.js';
import { reportJson, reportText } from './text.js';

/**
 * `npm run doctor [-- --json] [--max-requests N]` (in the image: `node dist/doctor/cli.js`): the configuration the
 * bot would start with (the same environment and YAML, the same loader), checked read-only against the real Slack
 * workspace and Syncro account. Prints a checklist (or JSON) and exits 1 when anything is wrong. Like main.ts, an
 * entry point: it reads process.env and hands it down.
 */

const USAGE = `Usage: npm run doctor [-- --json] [--max-requests N]
  Checks the configuration (environment + ${DEFAULT_CONFIG_PATH} or SYNCRO_BOT_CONFIG) against Slack and Syncro,
  read-only. Exit code 0: all good (warnings allowed); 1: something is wrong; 2: bad arguments.
  --json            the facts as JSON (each check with its words and fix)
  --max-requests N  the most Syncro requests to spend (default ${DEFAULT_REQUEST_CAP})`;

interface Args {
  json: boolean;
  cap: number;
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { json: false, cap: DEFAULT_REQUEST_CAP };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--max-requests') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 1000)
        return '--max-requests takes a whole number from 1 to 1000';
      args.cap = n;
    } else if (a === '--help' || a === '-h') return '';
    else return `unknown argument: ${String(a).slice(0, 40)}`;
  }
  return args;
}

/** Slack's Web API client logs through its own logger: keep it quiet (the checklist says what went wrong). */
const quietSlackLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => 'error' as never,
  setName() {},
};

export async function doctorMain(
  env: NodeJS.ProcessEnv,
  argv: string[],
): Promise<{ code: number; out: string }> {
  const args = parseArgs(argv);
  if (typeof args === 'string')
    return { code: args === '' ? 0 : 2, out: args === '' ? `${USAGE}\n` : `${args}\n${USAGE}\n` };
  const print = (r: DoctorReport) => (args.json ? reportJson(r) : reportText(r));

  let config: Config;
  try {
    config = readConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const report = reportOf(env.SYNCRO_BOT_CONFIG ?? DEFAULT_CONFIG_PATH, null, [
      {
        id: 'config',
        section: 'config',
        status: 'fail',
        facts: { kind: 'config_invalid', problems: err.problems },
      },
    ]);
    return { code: 1, out: print(report) };
  }

  // Log lines (never a secret) go to stderr, so that --json on stdout stays JSON; quiet unless LOG_LEVEL is set.
  const logger = createLogger({
    level: env.LOG_LEVEL ? config.log.level : 'error',
    format: 'json',
    destination: process.stderr,
  });
  const slack =
    config.mode === 'playground'
      ? undefined
      : webClientReader(
          new WebClient(config.slack.botToken, {
            ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
            retryConfig: { retries: 1, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
            timeout: 10_000,
            logger: quietSlackLogger,
          }),
        );

  let syncro: Parameters<typeof runDoctor>[0]['syncro'];
  let close = async () => {};
  if (!config.syncro.sandbox && config.syncro.baseUrl) {
    // The account's own limiter: with PostgreSQL, the doctor's requests count in the replicas' shared window.
    const limiter = await openAccountRateLimiter({
      store: config.store.kind === 'postgres' ? config.store : { kind: 'sqlite' },
      limit: config.syncro.rateLimitPerMinute,
      requestTimeoutMs: config.syncro.timeoutMs + config.syncro.connectTimeoutMs,
      holder: `doctor-${hostname()}-${process.pid}`,
      logger,
    });
    const client = createSyncroClient({
      limiter,
      baseUrl: config.syncro.baseUrl,
      timeoutMs: config.syncro.timeoutMs,
      connectTimeoutMs: config.syncro.connectTimeoutMs,
      rateLimitPerMinute: config.syncro.rateLimitPerMinute,
      retryAfterCapMs: config.syncro.retryAfterCapMs,
      logger,
    });
    syncro = {
      client,
      baseUrl: config.syncro.baseUrl,
      limitPerMinute: config.syncro.rateLimitPerMinute,
      cap: args.cap,
      // With SQLite the limiter above is this process's own: the running bot's count is in the bot's process.
      ownLimiter: config.store.kind !== 'postgres',
    };
    close = async () => {
      await client.close();
      await limiter.close();
    };
  }
  try {
    const report = await runDoctor({ file: config.file, configPath: config.configPath, env, slack, syncro });
    return { code: report.ok ? 0 : 1, out: print(report) };
  } finally {
    await close();
  }
}

// Run when started as a program (tsx src/doctor/cli.ts, node dist/doctor/cli.js), not when imported by a test.
if (process.argv[1] && /doctor[\\/]cli\.[jt]s$/.test(process.argv[1])) {
  doctorMain(process.env, process.argv.slice(2)).then(
    ({ code, out }) => {
      // Bad arguments (2) are said on stderr; the checklist or the JSON on stdout.
      (code === 2 ? process.stderr : process.stdout).write(out, () => process.exit(code));
    },
    (err: unknown) => {
      process.stderr.write(`syncro-slack doctor stopped: ${explainStartupFailure(err)}\n`);
      process.exit(1);
    },
  );
}
