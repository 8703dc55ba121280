import type { EventKind, TicketEvent, TicketSnapshot } from './events.js';
import type { DigestDraft, OutboxDraft, PersonPrefs, Subscription } from './store.js';

/**
 * Events → outbox rows, a pure function. One row per (channel, ticket, event) however many subscriptions of a
 * channel match (overlapping subscriptions never post twice); one row per (person, ticket, event) for direct
 * messages. A burst (more than `digestAfter` events for one channel in one poll), or a catch-up after downtime,
 * becomes one digest per channel. Nobody gets a DM about their own change.
 */

export const DEFAULT_KINDS: readonly EventKind[] = ['new', 'reply', 'status'];

/** What a person can get by DM (App Home turns each on or off). */
export const DM_KINDS = ['assigned', 'reply', 'sla', 'appointment'] as const;
export type DmKind = (typeof DM_KINDS)[number];

export interface Person {
  slackId: string;
  syncroUserId: number;
  prefs: PersonPrefs;
}

export interface ChannelPayload {
  event: TicketEvent;
  ticket: TicketSnapshot;
}
export interface DmPayload extends ChannelPayload {
  reason: DmKind;
}

export interface FanOutInput {
  events: readonly TicketEvent[];
  snapshots: ReadonlyMap<number, TicketSnapshot>;
  subscriptions: readonly Subscription[];
  people: readonly Person[];
  digestAfter: number;
  /** After downtime: every channel's events become one digest. */
  catchUp: boolean;
  now: number;
  /** Names this poll's digests (unique per poll). */
  digestKey: string;
}

export interface FanOut {
  outbox: OutboxDraft[];
  digests: DigestDraft[];
}

function norm(s: string | null | undefined): string {
  return (s ?? '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Whether `sub` wants `event` on `ticket`. */
export function subscriptionMatches(sub: Subscription, event: TicketEvent, ticket: TicketSnapshot): boolean {
  if (!sub.kinds.includes(event.kind)) return false;
  if (event.kind === 'new' && Date.parse(ticket.createdAt) < sub.createdAt) return false;
  switch (sub.scope) {
    case 'all':
      return true;
    case 'mine':
      return sub.ownerSyncroId !== null && ticket.userId === sub.ownerSyncroId;
    case 'customer': {
      const want = norm(sub.customer);
      return want !== '' && norm(ticket.customerName).includes(want);
    }
  }
}

/** Why `person` gets a DM about `event`, or undefined. Never for their own change. */
export function dmReason(person: Person, event: TicketEvent, ticket: TicketSnapshot): DmKind | undefined {
  if (event.actorSyncroId === person.syncroUserId || event.actorSlackId === person.slackId) return undefined;
  let reason: DmKind | undefined;
  if (event.kind === 'assigned' && event.toUserId === person.syncroUserId) reason = 'assigned';
  else if (event.kind === 'reply' && ticket.userId === person.syncroUserId) reason = 'reply';
  else if (event.kind === 'sla' && ticket.userId === person.syncroUserId) reason = 'sla';
  if (reason === undefined || person.prefs.off.includes(reason)) return undefined;
  return reason;
}

/** Minutes since midnight of `at` in `timeZone`. */
function localMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

function hhmm(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** When a DM due at `now` may be sent: now, or the end of the person's quiet hours. */
export function notBefore(now: number, prefs: PersonPrefs): number {
  const q = prefs.quiet;
  if (!q) return now;
  let local: number;
  try {
    local = localMinutes(now, q.timeZone);
  } catch {
    return now;
  }
  const from = hhmm(q.from);
  const to = hhmm(q.to);
  const inside = from <= to ? local >= from && local < to : local >= from || local < to;
  if (!inside) return now;
  const wait = (to - local + 24 * 60) % (24 * 60);
  return now + wait * 60_000 - (now % 60_000);
}

export function fanOut(input: FanOutInput): FanOut {
  const perChannel = new Map<string, OutboxDraft[]>();
  const dms: OutboxDraft[] = [];
  const byChannel = new Map<string, Subscription[]>();
  for (const s of input.subscriptions) byChannel.set(s.channel, [...(byChannel.get(s.channel) ?? []), s]);

  for (const event of input.events) {
    const ticket = input.snapshots.get(event.ticketId);
    if (!ticket) continue;
    for (const [channel, subs] of byChannel) {
      if (!subs.some((s) => subscriptionMatches(s, event, ticket))) continue;
      const payload: ChannelPayload = { event, ticket };
      const rows = perChannel.get(channel) ?? [];
      rows.push({
        target: channel,
        ticketId: event.ticketId,
        eventId: event.eventId,
        kind: 'channel',
        payload,
        nextAt: input.now,
      });
      perChannel.set(channel, rows);
    }
    for (const person of input.people) {
      const reason = dmReason(person, event, ticket);
      if (!reason) continue;
      const payload: DmPayload = { event, ticket, reason };
      dms.push({
        target: person.slackId,
        ticketId: event.ticketId,
        eventId: event.eventId,
        kind: 'dm',
        payload,
        nextAt: notBefore(input.now, person.prefs),
      });
    }
  }

  const outbox: OutboxDraft[] = [...dms];
  const digests: DigestDraft[] = [];
  for (const [channel, rows] of perChannel) {
    if (input.catchUp || rows.length > input.digestAfter) {
      digests.push({ channel, key: input.digestKey, rows, nextAt: input.now });
    } else {
      outbox.push(...rows);
    }
  }
  return { outbox, digests };
}
