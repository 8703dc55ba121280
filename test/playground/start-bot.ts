import { Writable } from 'node:stream';
import type { Bot } from '../../src/bot.js';
import { type ComposedApp, composeApp } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type Playground, startPlayground } from '../../src/playground/start.js';
import { rapidTestRetryPolicy } from '../../src/syncro/retry-policies.js';

/**
 * The playground with the real bot behind it, in this process, as `npm start` composes it with nothing
 * configured (no Slack credential, no Syncro address): the simulator, the fake Slack and the page.
 */

export interface RunningPlayground {
  url: string;
  playground: Playground;
  app: ComposedApp;
  bot: Bot;
  logLines: string[];
  close(): Promise<void>;
}

export async function startPlaygroundBot(env: Record<string, string> = {}): Promise<RunningPlayground> {
  const config = loadConfig({ PORT: '0', ...env }, { path: 'syncro-bot.yml', text: undefined });
  if (config.mode !== 'playground') throw new Error('expected the playground mode with nothing configured');
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'info',
    format: 'json',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    }),
  });
  const playground = await startPlayground({ config, env });
  const app = await composeApp(playground.config, {
    ...playground.composeDeps,
    // The notifier is driven by the tests that look at it (no timer: nothing posts by itself mid-test).
    notifications: { ...playground.composeDeps.notifications, tickMs: 0 },
    logger,
    sweepIntervalMs: 0,
    syncro: { readRetryPolicy: rapidTestRetryPolicy },
  });
  const port = await app.start();
  if (port === undefined) throw new Error('the bot did not listen');
  playground.attach(port);
  return {
    url: playground.url,
    playground,
    app,
    bot: app.bot,
    logLines,
    async close() {
      playground.closeStreams();
      await app.stop(0);
      await playground.close();
    },
  };
}
