import { hostname } from 'node:os';
import { type Bot, type BotDeps, createBot } from './bot.js';
import type { Config } from './config.js';
import { ConfigError, StoreOpenError } from './errors.js';
import { encryptedStoreVault } from './identity/enrolment/encrypted-store.js';
import type { Enrolment } from './identity/enrolment/enrolment-table.js';
import { createEnrolments, type Enrolments } from './identity/enrolment/enrolments.js';
import { sopsVault, vaultProblems } from './identity/enrolment/sops-vault.js';
import { resolveKey } from './identity/key-sources.js';
import { createIdentityResolver } from './identity/resolver.js';
import { createLogger, type Logger } from './logger.js';
import { createNotifier, type Notifier } from './notifications/notifier.js';
import { webhookRoute } from './notifications/webhook.js';
import type { SandboxMode } from './sandbox/sandbox-mode.js';
import { checkSessionLogRepo, createGitSessionLogs, type GitSessionLogs } from './session-logs/git.js';
import { promptReconnect } from './slack/handlers/connect.js';
import { identityAdviceWords } from './slack/views/identity-words.js';
import type { AppStore } from './store/app-store.js';
import { openSqliteStore } from './store/sqlite-store.js';
import { openAccountRateLimiter } from './syncro/account-rate-limiter.js';
import { createSyncroClient, type SyncroClientOptions } from './syncro/client.js';

/**
 * The one composition root: everything the running bot is made of, built from configuration. main.ts, the
 * end-to-end tests and the playground all call composeApp, so the tests run the wiring that ships; `deps` holds
 * only what a caller must be able to swap (the store, the clock, ids, where logs go, test retry policies).
 */

export interface ComposeDeps {
  /** Where key sources (`api_key: {env: …}`) are looked up; main.ts passes process.env. */
  env: Record<string, string | undefined>;
  /** The logger to use; otherwise one is built from `config.log`, writing to `logDestination` when given. */
  logger?: Logger;
  logDestination?: NodeJS.WritableStream;
  /** An already opened store (tests, replicas sharing a database); otherwise opened from `config.store`. */
  store?: AppStore;
  now?: () => number;
  newId?: () => string;
  /** Executing lease (default bot.ts DEFAULT_LEASE_MS). */
  leaseMs?: number;
  /** How often the sweep runs (default 30 s; 0 = never, tests call sweep()). */
  sweepIntervalMs?: number;
  /** The pauses before each retry of a card drawing Slack refused (default: the card publisher's, 1 s … 4 min). */
  cardRetryPausesMs?: BotDeps['cardRetryPausesMs'];
  /** Syncro client settings a test replaces (a fast read-retry policy). */
  syncro?: Pick<SyncroClientOptions, 'readRetryPolicy' | 'sleep'>;
  /** Receiver tuning (tests: a short Socket Mode ping timeout). */
  receiver?: BotDeps['receiver'];
  /** This process, for the default replica id with PostgreSQL. */
  processId?: string;
  /** More HTTP routes on the bot's server (the playground's page). */
  routes?: BotDeps['routes'];
  /** Syncro is a simulator the caller started (the playground's): every reply says SANDBOX. */
  simulated?: boolean;
  /** The notifier's loop (default 1 s; 0 = never: tests call `notifier.tick()`), its clock's wait, its key. */
  notifications?: {
    tickMs?: number;
    sleep?: (ms: number) => Promise<void>;
    fallbackKey?: string;
    /** Channels subscribed (`all`, default kinds) at start when they have no subscription (the playground's #tickets). */
    subscribe?: Array<{ channel: string; owner: string }>;
  };
}

export interface ComposedApp {
  config: Config;
  logger: Logger;
  bot: Bot;
  store: AppStore;
  client: ReturnType<typeof createSyncroClient>;
  sandbox: SandboxMode | undefined;
  replicaId: string;
  /** Syncro → Slack (with `notifications:` in the configuration). */
  notifier: Notifier | undefined;
  /** Starts Bolt (and recovers this replica's actions left mid-write). Returns the HTTP port (HTTP mode). */
  start(): Promise<number | undefined>;
  /** Stops receiving, waits up to `drainMs` for writes in flight, then closes the client, store and sandbox. */
  stop(drainMs?: number): Promise<void>;
}

export async function composeApp(config: Config, deps: ComposeDeps): Promise<ComposedApp> {
  const logger = deps.logger ?? createLogger({ ...config.log, destination: deps.logDestination });
  const sessionLogGit = await openSessionLogRepo(config);
  // The simulator, PostgreSQL's driver and the playground are loaded only when configured (idle memory).
  const sandbox = config.syncro.sandbox
    ? await (await import('./sandbox/sandbox-mode.js')).startSandbox(config.file)
    : undefined;
  const file = sandbox?.file ?? config.file;
  if (sandbox)
    logger.warn(
      { syncro: sandbox.simulator.url },
      'SANDBOX mode: using the built-in Syncro simulator; nothing touches a real PSA',
    );
  // Start-up warnings from the configuration (e.g. a person's key variable is unset): named, never a secret.
  for (const warning of config.warnings ?? []) logger.warn(warning);
  if (!sandbox && Object.keys(file.users).length === 0) {
    logger.warn(
      `no users are configured in ${config.configPath}: nobody can use the bot until they are added`,
    );
  }

  // One limit for the account: shared by every replica through PostgreSQL, in-process with SQLite.
  const limiter = await openAccountRateLimiter({
    store: config.store.kind === 'postgres' ? config.store : { kind: 'sqlite' },
    limit: config.syncro.rateLimitPerMinute,
    requestTimeoutMs: config.syncro.timeoutMs + config.syncro.connectTimeoutMs,
    holder: config.replicaId ?? `${hostname()}-${deps.processId ?? process.pid}`,
    logger,
  });
  const client = createSyncroClient({
    limiter,
    baseUrl: sandbox?.simulator.url ?? (config.syncro.baseUrl as string),
    timeoutMs: config.syncro.timeoutMs,
    connectTimeoutMs: config.syncro.connectTimeoutMs,
    rateLimitPerMinute: config.syncro.rateLimitPerMinute,
    retryAfterCapMs: config.syncro.retryAfterCapMs,
    logger,
    ...deps.syncro,
  });
  const ownStore = deps.store === undefined;
  // A SQLite file this process cannot create or write (an unwritable volume) stops start-up naming the path.
  const sqliteFile = ownStore && config.store.kind === 'sqlite' ? config.store.file : undefined;
  const asOpenError = (err: unknown) =>
    sqliteFile !== undefined && isFileAccessError(err)
      ? new StoreOpenError(sqliteFile, deps.env.DATABASE_URL ? 'DATABASE_URL' : 'DATA_DIR', err)
      : err;
  let store: AppStore;
  try {
    store =
      deps.store ??
      (config.store.kind === 'postgres'
        ? (await import('./store/postgres-store.js')).openPostgresStore(config.store.url, { logger })
        : openSqliteStore(config.store.file, { logger }));
  } catch (err) {
    throw asOpenError(err);
  }
  try {
    await store.migrate();
  } catch (err) {
    if (ownStore) await store.close().catch(() => undefined);
    throw asOpenError(err);
  }

  const enrolments = openEnrolments(config, file, store, logger, deps.now);
  // The resolver prompts a stale key's owner through the bot, which is built after it.
  let onStaleKey: ((e: Enrolment) => void) | undefined;
  const identities = createIdentityResolver({
    file,
    env: deps.env,
    client,
    logger,
    sandbox: sandbox?.identities,
    ...(enrolments ? { enrolments, onStaleKey: (e: Enrolment) => onStaleKey?.(e) } : {}),
    adviceWords: identityAdviceWords,
  });
  // SQLite serves one process, so its id is fixed. With PostgreSQL the default id is unique to this process; an
  // explicit REPLICA_ID (unique per replica, stable across restarts) lets a restart reconcile its own actions
  // at once instead of after the lease.
  const replicaId =
    config.replicaId ??
    (config.store.kind === 'sqlite' ? 'local' : `${hostname()}-${deps.processId ?? process.pid}`);
  // Syncro is a simulator (the sandbox, or the playground's): every reply, /healthz and the start log say so.
  const simulated = Boolean(sandbox) || deps.simulated === true;
  const recoverOwnOnStart = config.store.kind === 'sqlite' || config.replicaId !== undefined;
  // The webhook's doorbell rings the notifier, which is built with the bot (it posts through its Web API client).
  let notifier: Notifier | undefined;
  const notify = config.file.notifications;
  const webhookSecret = notify?.webhook_secret;
  const notifyRoutes = webhookSecret
    ? [
        webhookRoute({
          secret: () => resolveKey(webhookSecret, { env: deps.env }),
          ring: async (id) => notifier?.ring(id),
          onError: (err) => logger.warn({ err }, 'notifications: the webhook failed'),
        }),
      ]
    : [];
  const bot = createBot({
    file,
    slack: config.slack,
    logger,
    store,
    identities,
    ...(enrolments ? { enrolments } : {}),
    client,
    sandbox: simulated,
    replicaId,
    recoverOwnOnStart,
    rateLimitWaitMs: () => client.limiter.waitingMs(),
    leaseMs: deps.leaseMs,
    now: deps.now,
    newId: deps.newId,
    sweepIntervalMs: deps.sweepIntervalMs,
    ...(deps.cardRetryPausesMs ? { cardRetryPausesMs: deps.cardRetryPausesMs } : {}),
    receiver: deps.receiver,
    routes: [...(deps.routes ?? []), ...notifyRoutes],
    sessionLogGit,
    onTicketWritten: (ticketId) => {
      notifier
        ?.ring(ticketId)
        .then(() =>
          logger.debug({ ticketId }, 'notifications: a ticket written through the bot is read next'),
        )
        .catch((err: unknown) => {
          logger.warn(
            { err },
            'notifications: a ticket written through the bot could not be queued for a read',
          );
        });
    },
    // `/syncro doctor` (loaded when first asked): the running bot's configuration, key sources, client and limiter.
    doctor: async (web) => {
      const [{ runDoctor }, { webClientReader }] = await Promise.all([
        import('./doctor/run.js'),
        import('./doctor/slack-checks.js'),
      ]);
      const subscribedChannels = file.notifications
        ? (await store.notifications.subscriptions()).map((s) => s.channel)
        : undefined;
      return runDoctor({
        file,
        configPath: config.configPath,
        env: deps.env,
        slack: webClientReader(web),
        ...(subscribedChannels ? { subscribedChannels } : {}),
        syncro: sandbox
          ? undefined
          : {
              client,
              baseUrl: config.syncro.baseUrl ?? client.webBaseUrl,
              limitPerMinute: config.syncro.rateLimitPerMinute,
            },
      });
    },
  });
  if (notify) {
    notifier = createNotifier({
      config: notify,
      file,
      store,
      client,
      web: bot.ctx.web,
      env: deps.env,
      holder: replicaId,
      logger,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.notifications?.sleep ? { sleep: deps.notifications.sleep } : {}),
      fallbackKey:
        deps.notifications?.fallbackKey ??
        (sandbox ? Object.keys((await import('./sandbox/demo-data.js')).DEMO_KEYS)[0] : undefined),
      ...(deps.notifications?.tickMs ? { tickMs: deps.notifications.tickMs } : {}),
      // Appointments are read with each technician's own key, never the shared one.
      ownApi: async (slackId) => {
        try {
          return (await identities.forRead(slackId, { ownKeyOnly: true })).api;
        } catch {
          return undefined;
        }
      },
    });
  }

  onStaleKey = (e) => void promptReconnect(bot.ctx, e);

  return {
    config,
    logger,
    bot,
    store,
    client,
    sandbox,
    replicaId,
    notifier,
    async start() {
      const port = await bot.start(config.slack.port, config.slack.host);
      if (notifier) {
        for (const s of deps.notifications?.subscribe ?? []) {
          if ((await store.notifications.subscriptions(s.channel)).length > 0) continue;
          await store.notifications.addSubscription({
            channel: s.channel,
            scope: 'all',
            customer: null,
            ownerSlackId: s.owner,
            ownerSyncroId: file.users[s.owner]?.syncro_user_id ?? null,
            kinds: ['new', 'reply', 'status', 'assigned'],
            createdAt: deps.now?.() ?? Date.now(),
          });
        }
      }
      const tickMs = deps.notifications?.tickMs ?? 1000;
      if (notifier && tickMs > 0) notifier.start();
      logger.info(
        {
          port,
          mode: config.slack.appToken ? 'socket' : 'http',
          store: config.store.kind,
          replicaId,
          sandbox: simulated,
        },
        'syncro-slack is running',
      );
      return port;
    },
    async stop(drainMs?: number) {
      await notifier?.stop();
      await bot.stop(drainMs);
      await client.close();
      await limiter.close();
      // A store the caller opened is the caller's to close (replicas close theirs when they "crash").
      if (ownStore) await store.close();
      await sandbox?.simulator.close();
    },
  };
}

/** A file-system refusal (permissions, a path through a regular file, a read-only or full disk), Node's or SQLite's. */
function isFileAccessError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' &&
    /^(EACCES|EPERM|EROFS|ENOTDIR|EEXIST|ENOENT|ENOSPC|ELOOP|ENAMETOOLONG|SQLITE_(CANTOPEN|READONLY|PERM|IOERR|FULL))/.test(
      code,
    )
  );
}

/** `session_logs.repo`, checked at start-up (a git working copy, with its push remote): stops with the problem. */
async function openSessionLogRepo(config: Config): Promise<GitSessionLogs | undefined> {
  const sl = config.file.session_logs;
  if (!sl.repo) return undefined;
  const problems = await checkSessionLogRepo({ repo: sl.repo, push: sl.push, remote: sl.remote });
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${config.configPath}.${p}`));
  return createGitSessionLogs({ repo: sl.repo, push: sl.push, remote: sl.remote });
}

/** /syncro connect's storage, when `enrolment:` is configured; the vault is checked here (a start-up error). */
function openEnrolments(
  config: Config,
  file: Config['file'],
  store: AppStore,
  logger: Logger,
  now: (() => number) | undefined,
): Enrolments | undefined {
  const e = file.enrolment;
  if (!e) return undefined;
  let vault: ReturnType<typeof encryptedStoreVault>;
  if (e.storage === 'sops') {
    const v = e.vault!;
    const problems = vaultProblems(v.path, v.dir);
    if (problems.length > 0) throw new ConfigError(problems.map((p) => `${config.configPath}.${p}`));
    vault = sopsVault({
      root: v.path,
      dir: v.dir,
      push: v.push,
      apiBaseUrl: config.syncro.baseUrl ?? 'https://sandbox.syncromsp.com/api/v1',
      logger,
    });
  } else {
    // loadConfig refused storage: store without a valid KEY_ENCRYPTION_KEY.
    vault = encryptedStoreVault(config.keyEncryptionKey!);
  }
  return createEnrolments({
    config: e,
    file,
    table: store.enrolments,
    vault,
    logger,
    ...(now ? { now } : {}),
  });
}
