import { existsSync, readFileSync } from 'node:fs';
import { composeApp } from './compose.js';
import { type Config, DEFAULT_CONFIG_PATH, loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { explainStartupFailure } from './startup-errors.js';

/**
 * The entry point: the only module that reads process.env. Loads and validates configuration (stopping with one
 * list of every problem), composes the bot (compose.ts), starts it and shuts it down cleanly on a signal.
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
  // No Slack credentials: the playground is Slack (and, without a Syncro address, the simulator) for the bot.
  const playground =
    config.mode === 'playground'
      ? await (await import('./playground/start.js')).startPlayground({ config, env: process.env })
      : undefined;
  const app = await composeApp(playground?.config ?? config, {
    env: process.env,
    ...playground?.composeDeps,
  });
  const port = await app.start();
  if (playground && port !== undefined) process.stdout.write(playground.attach(port));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    playground?.closeStreams();
    await app.stop();
    await playground?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`syncro-slack stopped: ${explainStartupFailure(err)}\n`);
  process.exit(1);
});
