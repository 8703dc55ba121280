import type { AuditEntry } from '../actions/types.js';
import type { Logger } from '../logger.js';
import type { SyncroApi } from '../syncro/api.js';
import type { Comment, Ticket } from '../syncro/schemas.js';
import { diffTicket, slaOf, snapshotOf, type TicketEvent, type TicketSnapshot } from './events.js';
import { fanOut, type Person } from './fanout.js';
import type { NotifyStore, Subscription } from './store.js';

/**
 * The change feed: reads what changed in Syncro and turns it into outbox rows, within the notifier's budget.
 *
 * - poll: `GET /tickets?since_updated_at=<cursor − overlap>` (all pages); every `fullReadMs` also the open
 *   tickets (`status=Not Closed`), which catches what the date filter may miss and time-based SLA changes;
 * - only for a ticket that changed (`updated_at`, status, assignee or SLA differ from its snapshot): its new
 *   comments (`GET /tickets/{id}/comments?created_after=`);
 * - diff against the snapshot → events → fan-out → ONE transaction: snapshots + cursor + outbox rows (after
 *   renewing the lease, so a replica that lost it writes nothing). A kill before it re-derives the same events
 *   from the old snapshots next time (same ids: the unique key keeps them once).
 * - the first run only takes the snapshot (silent); after downtime each channel gets one digest.
 */

/** The reads the feed makes (the Syncro client as the notifier's key, budgeted and at background priority). */
export type FeedApi = Pick<SyncroApi, 'listTickets' | 'getTicket' | 'listComments'>;

export interface FeedDeps {
  store: NotifyStore;
  api: () => Promise<FeedApi>;
  holder: string;
  now: () => number;
  pollMs: number;
  leaseMs: number;
  /** Re-read this far before the cursor (Syncro may honour only the date; duplicates are harmless). */
  overlapMs?: number;
  /** Every this long, also read every open ticket (default 15 min). */
  fullReadMs?: number;
  digestAfter: number;
  people: () => Promise<Person[]>;
  /** This bot's writes on a ticket (the audit): a change the bot made is attributed to its author. */
  audit?: (ticketId: number) => Promise<AuditEntry[]>;
  logger?: Logger;
  /** Requests left in the budget's window: the open-ticket re-read only takes what leaves room for the doorbell. */
  spare?: () => number;
}

/** Requests kept free in the budget for the doorbell's reads (a ticket and its comments, twice). */
export const DOORBELL_RESERVE = 4;

export interface PollResult {
  /** Not the lease holder: nothing read. */
  skipped?: boolean;
  firstRun?: boolean;
  catchUp?: boolean;
  tickets: number;
  events: TicketEvent[];
  /** Outbox rows newly taken (digests count once). */
  queued: number;
}

export const META = {
  cursor: 'cursor',
  startedAt: 'started_at',
  lastPollAt: 'last_poll_at',
  lastFullAt: 'last_full_at',
  /** The next page of the open tickets to re-read, and how many pages there were. */
  openPage: 'open_page',
  openPages: 'open_pages',
} as const;

const MAX_PAGES = 200;

export interface Feed {
  /** One poll (if this replica holds or takes the lease). */
  poll(): Promise<PollResult>;
  /** Reads the named tickets now (the webhook's doorbell) and derives their events; the cursor is not moved. */
  readTickets(ids: readonly number[]): Promise<PollResult>;
  /** Whether this replica holds the lease (takes or renews it). */
  lead(): Promise<boolean>;
}

export function createFeed(deps: FeedDeps): Feed {
  const overlapMs = deps.overlapMs ?? 2 * 60_000;
  const fullReadMs = deps.fullReadMs ?? 15 * 60_000;
  const log = deps.logger?.child({ component: 'notify-feed' });

  async function allPages(api: FeedApi, q: Parameters<FeedApi['listTickets']>[0]): Promise<Ticket[]> {
    const out: Ticket[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const r = await api.listTickets({ ...q, page });
      out.push(...r.items);
      const total = r.meta?.total_pages ?? 1;
      if (page >= total || r.items.length === 0) break;
    }
    return out;
  }

  function changed(prev: TicketSnapshot | undefined, t: Ticket, now: number): boolean {
    if (!prev) return true;
    return (
      prev.updatedAt !== (t.updated_at ?? null) ||
      prev.status !== t.status ||
      prev.userId !== (t.user_id ?? null) ||
      prev.sla !== slaOf(t, now)
    );
  }

  /** Attributes status and assignment changes (and comments) the bot itself wrote to the person who posted them. */
  async function attribute(events: TicketEvent[], since: number): Promise<void> {
    if (!deps.audit || events.length === 0) return;
    const byTicket = new Map<number, AuditEntry[]>();
    for (const e of events) {
      if (!byTicket.has(e.ticketId)) byTicket.set(e.ticketId, await deps.audit(e.ticketId));
      const entries = (byTicket.get(e.ticketId) ?? []).filter(
        (a) => a.finishedAt >= since && (a.outcome === 'succeeded' || a.outcome === 'found_after_unknown'),
      );
      const match = entries.find((a) => {
        const body = a.payload ?? {};
        if (e.kind === 'status') return a.method === 'PUT' && body.status === e.to;
        if (e.kind === 'assigned') return a.method === 'PUT' && body.user_id === e.toUserId;
        if (e.kind === 'note' || e.kind === 'reply')
          return a.resultId !== undefined && `comment:${a.resultId}` === e.eventId;
        if (e.kind === 'new') return a.method === 'POST' && a.resultId === e.ticketId;
        return false;
      });
      if (match) {
        e.actorSlackId = match.requesterSlackId;
        e.actorSyncroId = match.syncroUserId;
      }
    }
  }

  async function derive(
    api: FeedApi,
    tickets: readonly Ticket[],
    now: number,
    feedStartedAt: number,
  ): Promise<{ snapshots: TicketSnapshot[]; events: TicketEvent[] }> {
    const unique = [...new Map(tickets.map((t) => [t.id, t])).values()];
    const prevs = await deps.store.snapshots(unique.map((t) => t.id));
    const snapshots: TicketSnapshot[] = [];
    const events: TicketEvent[] = [];
    for (const t of unique) {
      const prev = prevs.get(t.id);
      if (!changed(prev, t, now)) continue;
      let comments: Comment[] = [];
      if (prev) {
        const after = prev.lastCommentAt ?? prev.updatedAt ?? t.created_at;
        comments = (await api.listComments(t.id, { createdAfter: after, perPage: 100 })).items;
      }
      const next = snapshotOf(t, comments, prev, now);
      snapshots.push(next);
      events.push(...diffTicket(prev, next, comments, { feedStartedAt }));
    }
    return { snapshots, events };
  }

  async function commitEvents(
    req: {
      now: number;
      snapshots: TicketSnapshot[];
      events: TicketEvent[];
      meta: Record<string, string>;
      catchUp: boolean;
    },
    subscriptions: Subscription[],
  ): Promise<number> {
    const latest = new Map(req.snapshots.map((s) => [s.id, s]));
    const people = req.events.length > 0 ? await deps.people() : [];
    const fan = fanOut({
      events: req.events,
      snapshots: latest,
      subscriptions,
      people,
      digestAfter: deps.digestAfter,
      catchUp: req.catchUp,
      now: req.now,
      digestKey: String(req.now),
    });
    return deps.store.commit({
      holder: deps.holder,
      now: req.now,
      leaseMs: deps.leaseMs,
      snapshots: req.snapshots,
      meta: req.meta,
      outbox: fan.outbox,
      digests: fan.digests,
    });
  }

  async function lead(): Promise<boolean> {
    return deps.store.takeLease('feed', deps.holder, deps.now(), deps.leaseMs);
  }

  return {
    lead,

    async poll() {
      if (!(await lead())) return { skipped: true, tickets: 0, events: [], queued: 0 };
      const api = await deps.api();
      const now = deps.now();
      const cursor = await deps.store.meta(META.cursor);
      if (cursor === undefined) {
        // First run: the snapshot only. Nothing is announced.
        const open = await allPages(api, { status: 'Not Closed' });
        const snapshots = open.map((t) => snapshotOf(t, [], undefined, now));
        const newest = maxUpdated(open) ?? new Date(now).toISOString();
        await deps.store.commit({
          holder: deps.holder,
          now,
          leaseMs: deps.leaseMs,
          snapshots,
          meta: {
            [META.cursor]: newest,
            [META.startedAt]: String(now),
            [META.lastPollAt]: String(now),
            [META.lastFullAt]: String(now),
            [META.openPages]: String(Math.max(1, Math.ceil(open.length / 25))),
          },
          outbox: [],
          digests: [],
        });
        log?.info({ tickets: open.length }, 'notifications: first run, snapshot taken (nothing announced)');
        return { firstRun: true, tickets: open.length, events: [], queued: 0 };
      }
      const startedAt = Number((await deps.store.meta(META.startedAt)) ?? now);
      const lastPoll = Number((await deps.store.meta(META.lastPollAt)) ?? now);
      const catchUp = now - lastPoll > 3 * deps.pollMs + 60_000;
      const since = new Date(Date.parse(cursor) - overlapMs).toISOString();
      const tickets = await allPages(api, { sinceUpdatedAt: since });
      // The open tickets are re-read a few pages per poll, all of them every `fullReadMs` (what the date filter
      // missed, SLA by the clock) — spread out, so that the budget never has to wait for a burst of pages.
      const pagesKnown = Number((await deps.store.meta(META.openPages)) ?? 1);
      const perPoll = Math.max(1, Math.ceil(pagesKnown / Math.max(1, Math.floor(fullReadMs / deps.pollMs))));
      let page = Number((await deps.store.meta(META.openPage)) ?? 1);
      let pages = pagesKnown;
      let full = false;
      for (let i = 0; i < perPoll; i++) {
        if ((deps.spare?.() ?? Number.POSITIVE_INFINITY) <= DOORBELL_RESERVE) break;
        const r = await api.listTickets({ status: 'Not Closed', page });
        tickets.push(...r.items);
        pages = Math.max(1, r.meta?.total_pages ?? 1);
        page += 1;
        if (page > pages) {
          page = 1;
          full = true;
          break;
        }
      }
      const { snapshots, events } = await derive(api, tickets, now, startedAt);
      await attribute(events, lastPoll - overlapMs - 60_000);
      const newest = maxUpdated(tickets);
      const meta: Record<string, string> = { [META.lastPollAt]: String(now) };
      if (newest && newest > cursor) meta[META.cursor] = newest;
      if (full) meta[META.lastFullAt] = String(now);
      meta[META.openPage] = String(page);
      meta[META.openPages] = String(pages);
      const subscriptions = await deps.store.subscriptions();
      const queued = await commitEvents({ now, snapshots, events, meta, catchUp }, subscriptions);
      if (events.length > 0) log?.debug({ events: events.length, queued, catchUp }, 'notifications: polled');
      return { catchUp, tickets: tickets.length, events, queued };
    },

    async readTickets(ids) {
      if (!(await lead())) return { skipped: true, tickets: 0, events: [], queued: 0 };
      const now = deps.now();
      const cursor = await deps.store.meta(META.cursor);
      // Before the first snapshot there is nothing to compare with: the next poll takes it.
      if (cursor === undefined) return { tickets: 0, events: [], queued: 0 };
      const api = await deps.api();
      const tickets: Ticket[] = [];
      for (const id of ids) {
        try {
          tickets.push(await api.getTicket(id));
        } catch (err) {
          log?.warn(
            { err, ticketId: id },
            'notifications: the doorbell named a ticket that could not be read',
          );
        }
      }
      const startedAt = Number((await deps.store.meta(META.startedAt)) ?? now);
      const { snapshots, events } = await derive(api, tickets, now, startedAt);
      await attribute(events, now - 15 * 60_000);
      const subscriptions = await deps.store.subscriptions();
      const queued = await commitEvents({ now, snapshots, events, meta: {}, catchUp: false }, subscriptions);
      return { tickets: tickets.length, events, queued };
    },
  };
}

/** The newest `updated_at` (ISO strings of one zone compare as text; parsed to be safe). */
function maxUpdated(tickets: readonly Ticket[]): string | undefined {
  let best: { at: number; iso: string } | undefined;
  for (const t of tickets) {
    const at = t.updated_at ? Date.parse(t.updated_at) : Number.NaN;
    if (Number.isNaN(at)) continue;
    if (!best || at > best.at) best = { at, iso: new Date(at).toISOString() };
  }
  return best?.iso;
}
