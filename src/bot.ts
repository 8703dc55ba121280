import { randomUUID } from 'node:crypto';
import { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { billingPolicyOf } from './actions/billing-gate.js';
import { Executor } from './actions/executor.js';
import type { Config, FileConfig } from './config.js';
import type { DoctorReport } from './doctor/facts.js';
import { SignerChangedError } from './errors.js';
import type { Enrolments } from './identity/enrolment/enrolments.js';
import type { IdentityResolver } from './identity/resolver.js';
import type { Logger } from './logger.js';
import type { GitSessionLogs } from './session-logs/git.js';
import { boltLogger } from './slack/bolt-logger.js';
import { createCardPublisher } from './slack/card-publisher.js';
import type { BotContext } from './slack/context.js';
import { remindLongTimers } from './slack/handlers/timers.js';
import { registerListeners } from './slack/listeners/index.js';
import { createReceiver, type ReceiverOptions } from './slack/receiver.js';
import { postToResponseUrl } from './slack/response-url.js';
import { bannerResponse, bannerWebClient } from './slack/sandbox-banner.js';
import { slackSessionLogUploader } from './slack/session-log-upload.js';
import { createThreadReplies } from './slack/shortcuts/thread-reply.js';
import { actionCardView } from './slack/views/action-card.js';
import { describeErrorPlain } from './slack/views/replies.js';
import type { AppStore } from './store/app-store.js';
import type { SyncroApi, SyncroClient } from './syncro/api.js';
import { SyncroNotFoundError } from './syncro/errors.js';
import type { TicketSettings } from './syncro/schemas.js';
import { STANDARD_STATUSES } from './syncro/statuses.js';

/**
 * Composition of the Slack side: Bolt (HTTP receiver with signature verification, or Socket Mode), the
 * executor, card publishing, and the periodic sweep (expiry and recovery of actions left mid-write).
 * main.ts builds the parts from configuration; tests build them against loopback fakes.
 */

export interface BotDeps {
  file: FileConfig;
  slack: Config['slack'];
  logger: Logger;
  store: AppStore;
  identities: IdentityResolver;
  /** /syncro connect's keys (absent: connect is off). */
  enrolments?: Enrolments;
  client: SyncroClient;
  sandbox: boolean;
  replicaId: string;
  /** Executing lease; a crashed replica's actions are recovered after it runs out. */
  leaseMs?: number;
  now?: () => number;
  newId?: () => string;
  /** How long a Syncro request would queue for the rate limit (ms), to tell people they are waiting. */
  rateLimitWaitMs?: () => number;
  /**
   * Reconcile, at start-up, actions this replica id left executing (its previous life). Only safe when the id
   * is this process's alone: SQLite (one process), or an explicit, unique REPLICA_ID.
   */
  recoverOwnOnStart?: boolean;
  /** How often expiry and stale-lease recovery run (0 = never; tests call sweep()). */
  sweepIntervalMs?: number;
  /** The pauses before each retry of a card drawing Slack refused (default CARD_RETRY_PAUSES_MS). */
  cardRetryPausesMs?: readonly number[];
  /** Receiver tuning (tests: a short Socket Mode ping timeout, which also paces reconnects). */
  receiver?: Pick<ReceiverOptions, 'socketPingTimeoutMs' | 'probeTimeoutMs'>;
  /** More HTTP routes on the bot's server (the playground's page). */
  routes?: ReceiverOptions['routes'];
  /** The session-log working copy (`session_logs.repo`); without it, logs are uploaded to Slack. */
  sessionLogGit?: GitSessionLogs;
  /**
   * Told of a ticket a write through the bot changed (an action that succeeded): the notifier reads it at once, as
   * if Syncro's webhook had rung, so a channel's ticket message does not wait for the next poll.
   */
  onTicketWritten?: (ticketId: number) => void;
  /** `/syncro doctor`, given the bot's Web API client (compose.ts builds it from the configuration). */
  doctor?: (web: WebClient) => Promise<DoctorReport>;
}

export interface Bot {
  app: App;
  ctx: BotContext;
  executor: Executor;
  /** Starts listening on `port` (0 = any) and `host`, and recovers actions left mid-write. Returns the HTTP port. */
  start(port?: number, host?: string): Promise<number | undefined>;
  /** Expires due cards and recovers stale executing actions. */
  sweep(): Promise<void>;
  /** Stops receiving, then waits up to `drainMs` for writes in flight. */
  stop(drainMs?: number): Promise<void>;
}

export const DEFAULT_LEASE_MS = 5 * 60_000;

export function createBot(deps: BotDeps): Bot {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => randomUUID());
  const log = deps.logger.child({ component: 'slack' });
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;

  // HTTP receiver or Socket Mode, with /healthz and /readyz on HOST:PORT (src/slack/receiver.ts).
  const receiver = createReceiver({
    slack: deps.slack,
    logger: deps.logger,
    store: deps.store,
    about: { sandbox: deps.sandbox, replica: deps.replicaId },
    ...deps.receiver,
    routes: deps.routes,
  });

  const app = new App({
    token: deps.slack.botToken,
    receiver,
    logger: boltLogger(deps.logger),
    clientOptions: {
      ...(deps.slack.apiUrl ? { slackApiUrl: deps.slack.apiUrl } : {}),
      // Card updates are awaited by the executor while it holds a lease: a Slack outage must not stall it for the
      // WebClient's default half hour of retries.
      retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 3_000 },
      timeout: 10_000,
    },
    deferInitialization: true,
    // The bot keeps no per-conversation state in Bolt; its default store costs every request (before the ack) a
    // lookup that fails with a new Error.
    convoStore: false,
  });
  // The sandbox banner is added where messages leave the bot, so that no view needs to know about it.
  const web: WebClient = deps.sandbox ? bannerWebClient(app.client) : app.client;

  const settingsCache = new Map<string, { at: number; list: TicketSettings | null }>();
  const userCache = new Map<string, { at: number; list: Array<{ id: number; name: string }> }>();
  const CACHE_MS = 10 * 60_000;

  const cards = createCardPublisher({
    web,
    store: deps.store,
    logger: deps.logger,
    now,
    render: (a) =>
      actionCardView(a, {
        now: now(),
        webBaseUrl: deps.client.webBaseUrl,
        billingPolicy: billingPolicyOf(deps.file.billing.approval),
      }),
    ...(deps.sandbox ? { postToResponseUrl: bannerResponse(postToResponseUrl) } : {}),
    postResultsToChannel: deps.file.cards.post_results_to_channel,
    describeError: describeErrorPlain,
    ...(deps.cardRetryPausesMs ? { retryPausesMs: deps.cardRetryPausesMs } : {}),
  });

  const threadReplies = createThreadReplies({ web, logger: deps.logger, webBaseUrl: deps.client.webBaseUrl });

  function cached<T>(cache: Map<string, { at: number; list: T }>, load: (api: SyncroApi) => Promise<T>) {
    return async (api: SyncroApi): Promise<T> => {
      const hit = cache.get('account');
      if (hit && now() - hit.at < CACHE_MS) return hit.list;
      const list = await load(api);
      cache.set('account', { at: now(), list });
      return list;
    };
  }

  const executor = new Executor({
    store: deps.store,
    writerApi: async (a) => {
      const identity = await deps.identities.forWrite(a.requesterSlackId);
      // The card promised a name; if the key now maps to someone else, refuse rather than misattribute.
      if (identity.syncroUserId !== a.signer.syncroUserId || identity.keyKind !== a.signer.keyKind) {
        throw new SignerChangedError(a.signer.syncroName, identity.name);
      }
      return identity.api;
    },
    readerApi: async (a) => (await deps.identities.forRead(a.requesterSlackId)).api,
    logger: deps.logger.child({ component: 'executor' }),
    now,
    replicaId: deps.replicaId,
    leaseMs,
    // The card first; then, for an action made from a Slack message, the one reply in that message's thread.
    onChange: async (a, milestone) => {
      try {
        await cards.publish(a, milestone);
      } finally {
        await threadReplies.onChange(a);
        if (a.state === 'succeeded' && a.ticket) deps.onTicketWritten?.(a.ticket.id);
      }
    },
    sessionLogs: { git: deps.sessionLogGit, slack: slackSessionLogUploader(web) },
  });

  // GET /tickets/settings, read once per CACHE_MS for the statuses and the ticket types alike.
  const settings = cached(settingsCache, async (api) => {
    try {
      return await api.ticketSettings();
    } catch (err) {
      // An account (or proxy) without the settings endpoint: fall back to Syncro's standard statuses, which
      // Syncro itself still validates when the update is posted, and no ticket types.
      if (!(err instanceof SyncroNotFoundError)) throw err;
      log.warn('GET /tickets/settings is not available; using the standard ticket statuses');
      return null;
    }
  });

  const ctx: BotContext = {
    file: deps.file,
    logger: deps.logger,
    store: deps.store,
    identities: deps.identities,
    ...(deps.enrolments ? { enrolments: deps.enrolments } : {}),
    client: deps.client,
    executor,
    web,
    replicaId: deps.replicaId,
    now,
    newId,
    statuses: async (api) => (await settings(api))?.ticket_status_list ?? [...STANDARD_STATUSES],
    ticketTypes: async (api) =>
      ((await settings(api))?.ticket_types ?? []).map((t) => ({ id: t.id, name: t.name })),
    users: cached(userCache, (api) => api.listUsers()),
    rateLimitWaitMs: deps.rateLimitWaitMs ?? (() => 0),
    reply: cards.reply,
    describeError: describeErrorPlain,
    publishCard: cards.redraw,
    showNewCard: cards.showNew,
    sessionLogGit: deps.sessionLogGit,
    ...(deps.doctor ? { doctor: () => deps.doctor!(app.client) } : {}),
  };
  registerListeners(app, ctx);

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  async function sweep(): Promise<void> {
    try {
      await executor.expireDue();
      await executor.recoverStale();
      await cards.retryRefused();
    } catch (err) {
      log.error({ err }, 'sweep failed');
    }
    await remindLongTimers(ctx).catch((err) => log.error({ err }, 'timer reminders failed'));
  }

  return {
    app,
    ctx,
    executor,
    async start(port?: number, host?: string) {
      // Checks the bot token with auth.test (a refused token stops start-up with Slack's error).
      await app.init();
      // Stopped while Slack answered (a signal during start-up): open nothing more.
      if (stopped) throw new Error('stopped during start-up');
      // Actions this replica left executing before a restart are ours to reconcile now.
      await executor.recoverStale({
        alsoOwnedBy: deps.recoverOwnOnStart === false ? undefined : deps.replicaId,
      });
      const interval = deps.sweepIntervalMs ?? 30_000;
      if (interval > 0) {
        timer = setInterval(() => void sweep(), interval);
        timer.unref();
      }
      return receiver.start(port ?? deps.slack.port, host ?? deps.slack.host);
    },
    sweep,
    async stop(drainMs = 20_000) {
      stopped = true;
      if (timer) clearInterval(timer);
      await app.stop().catch(() => undefined);
      const left = await executor.drain(drainMs);
      cards.stop();
      if (left > 0)
        log.warn(
          { left },
          'stopping with writes in flight; they are reconciled by reading back at the next start',
        );
    },
  };
}
