import { type ComposedApp, composeApp } from './compose.js';
import type { Config } from './config.js';
import { readConfig } from './config-file.js';
import { ConfigError } from './errors.js';
import type { Playground } from './playground/start.js';
import { explainStartupFailure } from './startup-errors.js';

/**
 * The entry point: the only module that reads process.env. Loads and validates configuration (stopping with one
 * list of every problem), composes the bot (compose.ts), starts it and shuts it down cleanly on a signal, at any
 * moment: also while it is still starting (waiting for Slack), since Node as PID 1 in a container ignores a
 * signal it has no handler for.
 */

/** How long a stop during start-up waits for a step that is opening things (the store, the playground). */
const OPENING_WAIT_MS = 3_000;

/** What start-up has opened so far: a stop closes it. */
const opened: { playground?: Playground; app?: ComposedApp } = {};
/** A step that opens something: a stop lets it finish (bounded), so that what it opened is closed too. */
let opening: Promise<unknown> = Promise.resolve();
let running = false;
let stopping = false;
let config: Config | undefined;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const during = running ? undefined : 'start-up';
  if (opened.app) opened.app.logger.info({ signal, during }, 'shutting down');
  else process.stdout.write(`syncro-slack: ${signal} during start-up, stopping\n`);
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    opening.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), OPENING_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  const { app, playground } = opened;
  try {
    playground?.closeStreams();
    // Running: writes in flight may finish (drain). Starting: none were taken, and Slack's connection attempt
    // (Socket Mode's WebSocket, auth.test) is abandoned by stopping the receiver.
    await app?.stop(running ? undefined : 0);
    await playground?.close();
  } catch (err) {
    process.stderr.write(`syncro-slack: while stopping: ${explainStartupFailure(err)}\n`);
    process.exit(1);
  }
  if (!settled) {
    process.stderr.write(
      `syncro-slack: stopped while start-up was still opening the store or the playground (over ${OPENING_WAIT_MS} ms); it was not closed\n`,
    );
  }
  process.exit(0);
}

async function main(): Promise<void> {
  // First of all: a stop during start-up (docker stop while Slack is unreachable) ends the process at once.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  let cfg: Config;
  try {
    cfg = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`syncro-slack cannot start.\n${err.message}\nSee README.md, "Configuration".\n`);
      process.exit(2);
    }
    throw err;
  }
  config = cfg;
  // The playground (PLAYGROUND=1, or nothing configured at all): it is Slack (and, without a Syncro address, the
  // simulator) for the bot. loadConfig refuses to choose it by itself in production or beside a real Syncro.
  if (cfg.mode === 'playground') {
    opening = import('./playground/start.js')
      .then((m) => m.startPlayground({ config: cfg, env: process.env }))
      .then((p) => {
        opened.playground = p;
      });
    await opening;
    if (stopping) return;
  }
  const playground = opened.playground;
  opening = composeApp(playground?.config ?? cfg, { env: process.env, ...playground?.composeDeps }).then(
    (a) => {
      opened.app = a;
    },
  );
  await opening;
  if (stopping || !opened.app) return;
  // Not an `opening` step: a stop does not wait for Slack, it stops the receiver, which ends the attempt.
  const port = await opened.app.start();
  if (stopping) return;
  running = true;
  if (playground && port !== undefined) process.stdout.write(playground.attach(port));
}

main().catch((err: unknown) => {
  // A stop during start-up makes the start fail (the connection attempt was abandoned): that is the stop's to end.
  if (stopping) return;
  process.stderr.write(
    `syncro-slack stopped: ${explainStartupFailure(err, {
      slackApiUrl: config?.slack.apiUrl,
      uid: process.getuid?.(),
      gid: process.getgid?.(),
    })}\n`,
  );
  process.exit(1);
});
