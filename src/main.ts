import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { openPostgresStore } from './actions/postgres-store.js';
import { openSqliteStore } from './actions/sqlite-store.js';
import type { ActionStore } from './actions/store.js';
import { createBot } from './bot.js';
import { type Config, DEFAULT_CONFIG_PATH, loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { createIdentityResolver } from './identity/resolver.js';
import { createLogger } from './logger.js';
import { startSandbox } from './sandbox/sandbox-mode.js';
import { createSyncroClient } from './syncro/client.js';

/**
 * Composition root: the only module that reads process.env. Loads and validates configuration (stopping with
 * one list of every problem), opens the store, starts Syncro (or the sandbox) and Bolt, and shuts down cleanly.
 */

function readConfig(env: NodeJS.ProcessEnv): Config {
  const path = env.SYNCRO_BOT_CONFIG ?? DEFAULT_CONFIG_PATH;
  let text: string | undefined;
  if (existsSync(path)) text = readFileSync(path, 'utf8');
  else if (env.SYNCRO_BOT_CONFIG)
    throw new ConfigError([`SYNCRO_BOT_CONFIG: the file ${path} does not exist`]);
  return loadConfig(env, { path, text });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`syncro-slack cannot start.\n${err.message}\nSee README.md, "Configuration".\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.log);
  const sandbox = config.syncro.sandbox ? await startSandbox(config.file) : undefined;
  const file = sandbox?.file ?? config.file;
  if (sandbox)
    logger.warn(
      { syncro: sandbox.simulator.url },
      'SANDBOX mode: using the built-in Syncro simulator; nothing touches a real PSA',
    );
  if (!sandbox && Object.keys(file.users).length === 0) {
    logger.warn(
      `no users are configured in ${config.configPath}: nobody can use the bot until they are added`,
    );
  }

  const client = createSyncroClient({
    baseUrl: sandbox?.simulator.url ?? (config.syncro.baseUrl as string),
    timeoutMs: config.syncro.timeoutMs,
    connectTimeoutMs: config.syncro.connectTimeoutMs,
    rateLimitPerMinute: config.syncro.rateLimitPerMinute,
    retryAfterCapMs: config.syncro.retryAfterCapMs,
    logger,
  });
  const store: ActionStore =
    config.store.kind === 'postgres'
      ? openPostgresStore(config.store.url, { logger })
      : openSqliteStore(config.store.file, { logger });
  await store.migrate();

  const identities = createIdentityResolver({
    file,
    env: process.env,
    client,
    logger,
    sandbox: sandbox?.identities,
  });
  // SQLite serves one process, so its id is fixed. With PostgreSQL the default id is unique to this process; an
  // explicit REPLICA_ID (unique per replica, stable across restarts) lets a restart reconcile its own actions
  // at once instead of after the lease.
  const replicaId =
    config.replicaId ?? (config.store.kind === 'sqlite' ? 'local' : `${hostname()}-${process.pid}`);
  const recoverOwnOnStart = config.store.kind === 'sqlite' || config.replicaId !== undefined;
  const bot = createBot({
    file,
    slack: config.slack,
    logger,
    store,
    identities,
    client,
    sandbox: Boolean(sandbox),
    replicaId,
    recoverOwnOnStart,
    rateLimitWaitMs: () => client.limiter.waitingMs(),
  });
  const port = await bot.start(config.slack.port, config.slack.host);
  logger.info(
    {
      port,
      mode: config.slack.appToken ? 'socket' : 'http',
      store: config.store.kind,
      replicaId,
      sandbox: Boolean(sandbox),
    },
    'syncro-slack is running',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await bot.stop();
    await client.close();
    await store.close();
    await sandbox?.simulator.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`syncro-slack stopped: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
