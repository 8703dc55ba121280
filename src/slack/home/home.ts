import { mayPress } from '../../actions/authorize.js';
import { billingPolicyOf } from '../../actions/billing-gate.js';
import type { AuditEntry } from '../../actions/types.js';
import { NotAllowedError } from '../../errors.js';
import { NoOwnKeyError, NotMappedError } from '../../identity/errors.js';
import type { Identity } from '../../identity/resolver.js';
import { notificationHome } from '../../notifications/listeners.js';
import { SyncroUnauthorizedError } from '../../syncro/errors.js';
import { withRequestPriority } from '../../syncro/priority.js';
import { ACTION } from '../action-ids.js';
import type { BotContext } from '../context.js';
import type { ListenerApp } from '../listener-router.js';
import { type HomeSyncro, readHomeSyncro } from './home-data.js';
import {
  type CardPlace,
  cardPlace,
  cardTicketNumber,
  HOME_SHOWN,
  homeNotSetUpView,
  homeView,
  type NotSetUpReason,
} from './home-view.js';

/**
 * App Home: published for the person who opens the tab (`app_home_opened`), read with their own key. Syncro is
 * read at background priority (a person's command waiting for the rate limit goes first) and at most once per
 * HOME_FRESH_MS per person; the bot's own records (timers, cards, audit) are read on every open.
 */

export const HOME_FRESH_MS = 60_000;
/** People whose Syncro reads are kept (the oldest are dropped beyond this). */
const CACHE_PEOPLE = 500;

export interface HomePublisher {
  /** Reads what the person's Home shows and publishes it (views.publish). Never throws. */
  publish(slackUserId: string): Promise<void>;
}

export function createHomePublisher(ctx: BotContext): HomePublisher {
  const log = ctx.logger.child({ component: 'home' });
  const cache = new Map<string, { at: number; data: Promise<HomeSyncro> }>();

  /** One read per person per HOME_FRESH_MS; opens at the same time share it; a failed read is not kept. */
  function syncroFor(slackUserId: string, identity: Identity): Promise<HomeSyncro> {
    const hit = cache.get(slackUserId);
    if (hit && ctx.now() - hit.at < HOME_FRESH_MS) return hit.data;
    const data = readHomeSyncro(identity.api, ctx.now);
    const entry = { at: ctx.now(), data };
    cache.delete(slackUserId);
    cache.set(slackUserId, entry);
    if (cache.size > CACHE_PEOPLE) cache.delete(cache.keys().next().value as string);
    data.catch(() => {
      if (cache.get(slackUserId) === entry) cache.delete(slackUserId);
    });
    return data;
  }

  type Who =
    | { kind: 'ok'; identity: Identity }
    | { kind: 'not_set_up'; reason: NotSetUpReason; detail?: string }
    | { kind: 'error'; error: string };

  /** Why a person has no key of their own to read with: none connected, or one pending or stale. */
  async function noOwnKey(slackUserId: string): Promise<Who> {
    const e = await ctx.enrolments?.get(slackUserId).catch(() => undefined);
    if (e?.state === 'pending') return { kind: 'not_set_up', reason: 'key_pending' };
    if (e?.state === 'stale') return { kind: 'not_set_up', reason: 'key_stale' };
    return { kind: 'not_set_up', reason: 'no_own_key' };
  }

  async function identityFor(slackUserId: string): Promise<Who> {
    try {
      // Home is the person's own: never read with the shared key.
      const identity = await ctx.identities.forRead(slackUserId, { ownKeyOnly: true });
      return identity.keyKind === 'own' ? { kind: 'ok', identity } : await noOwnKey(slackUserId);
    } catch (err) {
      if (err instanceof NotMappedError) return { kind: 'not_set_up', reason: 'not_mapped' };
      if (err instanceof NoOwnKeyError) return noOwnKey(slackUserId);
      // A connected key waiting for approval or no longer accepted, no key and no shared key: in its words.
      if (err instanceof NotAllowedError)
        return { kind: 'not_set_up', reason: 'key_refused', detail: ctx.describeError(err) };
      if (err instanceof SyncroUnauthorizedError)
        return { kind: 'not_set_up', reason: 'key_refused', detail: ctx.describeError(err) };
      return { kind: 'error', error: ctx.describeError(err) };
    }
  }

  async function writesOf(slackUserId: string) {
    const entries = await ctx.store.listAuditBy(slackUserId, HOME_SHOWN.writes);
    const rows = new Map<string, { card?: CardPlace; ticketNumber?: string }>();
    for (const id of new Set(entries.map((e) => e.actionId))) {
      const a = await ctx.store.get(id).catch(() => undefined);
      const card = a ? cardPlace(a) : undefined;
      const ticketNumber = a ? cardTicketNumber(a) : undefined;
      rows.set(id, { ...(card ? { card } : {}), ...(ticketNumber ? { ticketNumber } : {}) });
    }
    return entries.map((entry: AuditEntry) => ({ entry, ...rows.get(entry.actionId) }));
  }

  /** Billing cards of others this person may post now, under the policy as configured now (not as on the card). */
  async function approvalsOf(slackUserId: string, now: number) {
    const policy = billingPolicyOf(ctx.file.billing.approval);
    if (!policy.approvers.includes(slackUserId)) return [];
    const cards = await ctx.store.listAwaitingApproval(slackUserId, now, 50);
    return cards.filter((a) => mayPress(a, slackUserId, 'post', policy).ok);
  }

  async function build(slackUserId: string) {
    const who = await identityFor(slackUserId);
    if (who.kind === 'not_set_up') {
      return homeNotSetUpView({
        slackUserId,
        reason: who.reason,
        ...(who.detail ? { detail: who.detail } : {}),
        // The Connect button, where /syncro connect is turned on (`enrolment:` configured).
        ...(ctx.enrolments ? { connectActionId: ACTION.connectOpen } : {}),
      });
    }
    const now = ctx.now();
    const [timers, approvals, writes, syncro] = await Promise.all([
      ctx.store.timers.listFor(slackUserId),
      approvalsOf(slackUserId, now),
      writesOf(slackUserId),
      who.kind === 'ok'
        ? syncroFor(slackUserId, who.identity).catch((err: unknown) => ({ error: ctx.describeError(err) }))
        : Promise.resolve({ error: who.error }),
    ]);
    const view = homeView({
      slackUserId,
      syncroName: who.kind === 'ok' ? who.identity.name : (ctx.file.users[slackUserId]?.name ?? ''),
      now,
      webBaseUrl: ctx.client.webBaseUrl,
      freshMs: HOME_FRESH_MS,
      timers,
      syncro,
      approvals,
      writes,
    });
    // Notification settings (src/notifications), when notifications are on.
    if (ctx.file.notifications) view.blocks.push(...(await notificationHome(ctx, slackUserId)));
    return view;
  }

  return {
    publish(slackUserId) {
      // Everything Home asks Syncro queues behind people's commands.
      return withRequestPriority('background', async () => {
        try {
          const view = await build(slackUserId);
          await ctx.web.views.publish({ user_id: slackUserId, view });
        } catch (err) {
          log.warn({ err, user: slackUserId }, 'App Home could not be published');
        }
      });
    },
  };
}

/** Clicks on Home after which what it shows has changed (the person's timers, kept by the bot). */
const REFRESHING_ACTIONS: ReadonlySet<string> = new Set([
  ACTION.timerStart,
  ACTION.timerStop,
  ACTION.timerCancel,
  ACTION.notifyToggle,
  ACTION.notifyQuiet,
]);

/** The person who clicked a Home button that changes what Home shows, if this request is one. */
export function homeClicker(body: unknown): string | undefined {
  const b = body as {
    type?: unknown;
    user?: { id?: unknown };
    view?: { type?: unknown };
    actions?: Array<{ action_id?: unknown }>;
  };
  if (b?.type !== 'block_actions' || b.view?.type !== 'home' || typeof b.user?.id !== 'string')
    return undefined;
  return b.actions?.some((a) => typeof a.action_id === 'string' && REFRESHING_ACTIONS.has(a.action_id))
    ? b.user.id
    : undefined;
}

/**
 * `app_home_opened` (the Home tab only; the Messages tab opens the DM), and Home drawn again after a timer button
 * on it has done its work (Slack does not redraw a Home by itself; Syncro is not read again within the freshness).
 */
export function registerHome(app: ListenerApp, ctx: BotContext): HomePublisher {
  const home = createHomePublisher(ctx);
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await home.publish(event.user);
  });
  app.use(async ({ body, next }) => {
    // Resolves once every listener for this request has finished (Bolt runs them inside the global chain).
    await next();
    const user = homeClicker(body);
    if (user) await home.publish(user);
  });
  return home;
}
