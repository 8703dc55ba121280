import type { WebClient } from '@slack/web-api';
import type { Executor } from '../actions/executor.js';
import type { PendingAction } from '../actions/types.js';
import type { FileConfig } from '../config.js';
import type { DoctorReport } from '../doctor/facts.js';
import type { Enrolments } from '../identity/enrolment/enrolments.js';
import type { IdentityResolver } from '../identity/resolver.js';
import type { Logger } from '../logger.js';
import type { GitSessionLogs } from '../session-logs/git.js';
import type { AppStore } from '../store/app-store.js';
import type { SyncroApi, SyncroClient } from '../syncro/api.js';
import type { TimerSpan } from '../timers/span.js';
import type { ResponseMessage } from './response-url.js';

/** Where a reply goes: the interaction's response_url, else an ephemeral message to the person. */
export interface ReplyTarget {
  userId: string;
  channelId: string;
  responseUrl?: string;
  /** When the response_url was issued (the interaction's time). */
  issuedAt?: number;
  /** Replace the message the interaction came from (pick list → card) instead of adding one. */
  replace?: boolean;
}

/** What every write modal carries in private_metadata: the ticket, and the channel the card goes to. */
export interface ModalMeta {
  number: string;
  channelId: string;
  /** Known once Syncro was read (the bill modal). */
  ticketId?: number;
  /** The stopped timer this form bills or records (its start, end and note). */
  timer?: TimerSpan;
}

/** Everything the Slack handlers need; built once by createBot(). */
export interface BotContext {
  file: FileConfig;
  logger: Logger;
  store: AppStore;
  identities: IdentityResolver;
  /** /syncro connect's keys; undefined when `enrolment:` is not configured. */
  enrolments?: Enrolments;
  client: SyncroClient;
  executor: Executor;
  /** The Web API client; in the sandbox it banners every message and view it sends (sandbox-banner.ts). */
  web: WebClient;
  replicaId: string;
  now: () => number;
  newId: () => string;
  /** Syncro's ticket statuses for this account (GET /tickets/settings, cached). */
  statuses: (api: SyncroApi) => Promise<string[]>;
  /** The account's ticket types (GET /tickets/settings → ticket_types, the same cached read as `statuses`). */
  ticketTypes: (api: SyncroApi) => Promise<Array<{ id: number; name: string }>>;
  /** Syncro users (id, name) for the assignee select (cached). */
  users: (api: SyncroApi) => Promise<Array<{ id: number; name: string }>>;
  /** How long a new Syncro request would wait for the account's rate limit (ms); 0 when not queued. */
  rateLimitWaitMs: () => number;
  /** Sends a reply to a person (response_url when usable, else chat.postEphemeral / DM). */
  reply: (to: ReplyTarget, message: ResponseMessage) => Promise<void>;
  /** Turns any error into plain words for a card or reply (never a key, never a stack). */
  describeError: (err: unknown) => string;
  /** Renders and publishes an action's card (first post, or update in place). */
  publishCard: (action: PendingAction, milestone: boolean) => Promise<void>;
  /** The session-log working copy (`session_logs.repo`), when configured; otherwise logs go to Slack. */
  sessionLogGit?: GitSessionLogs;
  /** Posts a proposed card for the first time and records where it is. */
  showNewCard: (action: PendingAction, to: ReplyTarget) => Promise<void>;
  /** `/syncro doctor`: the configuration checked against Slack and Syncro (src/doctor/), when composed with it. */
  doctor?: () => Promise<DoctorReport>;
}
