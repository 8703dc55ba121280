import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomRoute } from '@slack/bolt';
import type { ComposeDeps } from '../compose.js';
import type { Config } from '../config.js';
import { type SyncroSimulator, startSyncroSimulator } from '../sandbox/simulator.js';
import { playgroundHostCheck } from './host-check.js';
import { createInteractions } from './interactions.js';
import { createPageApi } from './page-api.js';
import { loadPageFiles, readManifestCommands, readManifestShortcuts } from './page-files.js';
import { type Cast, configuredCast, demoCast } from './people.js';
import { pageRoutes } from './routes.js';
import { type Simulation, simulate } from './simulate.js';
import { type SlackFake, startSlackFake } from './slack/server.js';
import { type SyncroRecorder, startSyncroRecorder } from './syncro-recorder.js';
import { Workspace } from './workspace.js';

/**
 * The playground: a local page that is Slack for the real bot. It starts the fake Slack (the same one the tests
 * use), the Syncro simulator when no Syncro is configured, and the request recorder in front of Syncro, and
 * hands composeApp what the bot needs to run unchanged: a configuration (its Slack settings: API URL, token, a
 * fresh signing secret; the people; the Syncro address; a fresh store) and the page's routes. After the bot
 * listens, `attach` tells the playground where to send the signed requests.
 */

export const PLAYGROUND_BOT_TOKEN = 'xoxb-playground-local';
export const PLAYGROUND_CHANNEL = { id: 'C0PLTICKETS', name: 'tickets' } as const;

export interface Playground {
  /**
   * The configuration the bot runs with: the playground's Slack, its people, Syncro through the recorder, a fresh
   * SQLite store (the playground keeps nothing between runs, like its demo data), loopback unless HOST is set.
   */
  config: Config;
  /** For composeApp: where the people's keys are, the page's routes, and whether Syncro is the simulator. */
  composeDeps: {
    env: Record<string, string | undefined>;
    routes: CustomRoute[];
    simulated: boolean;
    notifications?: ComposeDeps['notifications'];
  };
  cast: Cast;
  fake: SlackFake;
  simulator: SyncroSimulator | undefined;
  recorder: SyncroRecorder;
  workspace: Workspace;
  /** The bot listens on `port`: where Slack's requests go. Returns the line that tells a person where to look. */
  attach(port: number): string;
  /** The page's address, once attached. */
  readonly url: string;
  /** Puts the demo data back and forgets every message and request (between browser tests). */
  resetForTest(): Promise<void>;
  /** Ends the page's event streams, so that the bot's server can stop. */
  closeStreams(): void;
  close(): Promise<void>;
}

export interface PlaygroundOptions {
  config: Config;
  env: Record<string, string | undefined>;
}

export async function startPlayground(o: PlaygroundOptions): Promise<Playground> {
  const { config } = o;
  const simulator = config.syncro.sandbox ? await startSyncroSimulator({ seed: 'demo' }) : undefined;
  const recorder = await startSyncroRecorder({
    target: simulator?.url ?? (config.syncro.baseUrl as string),
    allowWrites: config.playground.allowWrites,
  });
  const sandboxKey = (syncroUserId: number) => `sandbox-key-${syncroUserId}`;
  const cast = simulator ? demoCast(config.file, sandboxKey) : configuredCast(config.file, o.env);
  if (simulator) {
    for (const p of cast.people) {
      const u = cast.file.users[p.slackId];
      if (u) recorder.knowKey(sandboxKey(u.syncro_user_id), u.name);
    }
  }

  // With the simulator, Syncro comes to Slack: #tickets starts subscribed, and the page's Simulate menu changes
  // Syncro and rings the bot's webhook as the Notification Center would.
  const webhookSecret = randomBytes(18).toString('hex');
  if (simulator) {
    cast.file.notifications = {
      poll_seconds: 60,
      budget_per_minute: 10,
      digest_after: 5,
      appointment_minutes: 15,
      webhook_secret: { env: 'PLAYGROUND_WEBHOOK_SECRET' },
    };
  }
  const fake = await startSlackFake();
  const workspace = new Workspace([
    { id: PLAYGROUND_CHANNEL.id, name: PLAYGROUND_CHANNEL.name, kind: 'channel' },
    ...cast.people.map((p) => ({
      id: `D${p.slackId.slice(1)}`,
      name: 'Syncro (app)',
      kind: 'dm' as const,
      userId: p.slackId,
    })),
  ]);
  for (const p of cast.people) {
    fake.setUser(p.slackId, { name: p.name.toLowerCase().replace(/\W+/g, '.'), realName: p.name });
  }
  fake.subscribe((event) => workspace.apply(event));

  const secret = randomBytes(24).toString('hex');
  let eventsUrl = '';
  const interactions = createInteractions({
    fake,
    workspace,
    secret,
    eventsUrl: () => eventsUrl,
    userName: (id) =>
      cast.people
        .find((p) => p.slackId === id)
        ?.name.toLowerCase()
        .replace(/\W+/g, '.') ?? id,
  });
  const api = createPageApi({
    info: {
      syncro: simulator ? 'simulator' : 'syncro',
      target: simulator ? 'built-in simulator' : new URL(config.syncro.baseUrl as string).host,
      allowWrites: config.playground.allowWrites,
    },
    people: cast.people,
    commands: readManifestCommands(),
    shortcuts: readManifestShortcuts(),
    workspace,
    recorder,
    interactions,
    resetDemo: simulator ? () => simulator.reset() : undefined,
    ...(simulator
      ? {
          simulate: (userId: string, what: string) =>
            simulate(
              {
                simulator,
                webhookUrl: () => (url ? `${url}syncro/webhook/${webhookSecret}` : undefined),
                syncroUserOf: (id) => cast.file.users[id]?.syncro_user_id,
              },
              userId,
              what as Simulation,
            ),
        }
      : {}),
  });
  // The page lets anyone who reaches it act as anyone: loopback names only, unless HOST was set on purpose.
  const page = pageRoutes(api, loadPageFiles(), playgroundHostCheck(config.slack.host));
  const dataDir = mkdtempSync(join(tmpdir(), 'syncro-playground-'));

  // The page lets anyone who reaches it act as anyone: loopback only, unless HOST says otherwise.
  const host = config.slack.host ?? '127.0.0.1';
  let url = '';
  return {
    config: {
      ...config,
      syncro: { ...config.syncro, baseUrl: recorder.url, sandbox: false },
      slack: {
        ...config.slack,
        botToken: PLAYGROUND_BOT_TOKEN,
        signingSecret: secret,
        appToken: undefined,
        apiUrl: fake.apiUrl,
        host,
      },
      store: { kind: 'sqlite', file: join(dataDir, 'actions.db') },
      file: cast.file,
    },
    composeDeps: {
      env: { ...o.env, ...cast.env, PLAYGROUND_WEBHOOK_SECRET: webhookSecret },
      routes: page.routes,
      simulated: Boolean(simulator),
      ...(simulator
        ? {
            notifications: {
              // The feed reads with the demo admin's key (the playground has no shared key).
              fallbackKey: sandboxKey(1735),
              subscribe: [{ channel: PLAYGROUND_CHANNEL.id, owner: cast.people[0]?.slackId ?? 'U0PLAYGRND' }],
            },
          }
        : {}),
    },
    cast,
    fake,
    simulator,
    recorder,
    workspace,
    get url() {
      return url;
    },
    attach(port) {
      const shown =
        host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      url = `http://${shown}:${port}/`;
      eventsUrl = `${url}slack/events`;
      const syncro = simulator
        ? 'the built-in Syncro simulator (demo data)'
        : `${config.syncro.baseUrl} (${config.playground.allowWrites ? 'writes ALLOWED' : 'read-only'})`;
      return (
        `\nPlayground: open ${url} — Slack is simulated on that page; Syncro is ${syncro}.\n` +
        'Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see README.md) to run the real bot in Slack.\n\n'
      );
    },
    async resetForTest() {
      await api.run('reset-demo', {});
    },
    closeStreams() {
      page.close();
    },
    async close() {
      page.close();
      await fake.close();
      await recorder.close();
      await simulator?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
