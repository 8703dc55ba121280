import type { Comment, Ticket } from '../syncro/schemas.js';

/**
 * What the notifier knows of a ticket and what changed on it: facts only (ids, codes, Syncro's own words as data).
 * `diffTicket` is pure: the previous snapshot, the ticket as read now and its new comments → events, each with an
 * id that is the same however often it is derived again (a replica killed before its commit derives the same ids,
 * and the outbox's unique key makes the second insert a no-op).
 */

export const EVENT_KINDS = ['new', 'reply', 'note', 'status', 'assigned', 'sla'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export type SlaState = 'ok' | 'soon' | 'breached';

export interface LastComment {
  id: number;
  /** Syncro's `tech` name, or null for a customer's reply. */
  by: string | null;
  customer: boolean;
  text: string;
  at: string;
}

export interface TicketSnapshot {
  id: number;
  number: string;
  subject: string;
  status: string;
  userId: number | null;
  userName: string | null;
  customerId: number | null;
  customerName: string | null;
  createdAt: string;
  updatedAt: string | null;
  dueDate: string | null;
  sla: SlaState;
  /** The highest comment id seen (comments newer than it are news). */
  lastCommentId: number;
  /** The newest comment's time, for `created_after` on the next read. */
  lastCommentAt: string | null;
  /** The latest customer reply, shown on the parent message. */
  lastReply: LastComment | null;
}

export interface TicketEvent {
  ticketId: number;
  /** Unique per ticket and stable across re-derivation: `new`, `comment:<id>`, `status:<to>@<updated_at>`, … */
  eventId: string;
  kind: EventKind;
  /** The Syncro user who made the change, when known (a technician's comment; the bot's own writes). */
  actorSyncroId: number | null;
  /** The Slack user whose card made this change through the bot (the actions' audit knows). */
  actorSlackId?: string;
  /** status: from/to; assigned: from/to user ids (as strings) and the new assignee's name. */
  from?: string | null;
  to?: string | null;
  toUserId?: number | null;
  comment?: LastComment & { hidden: boolean };
  sla?: Exclude<SlaState, 'ok'>;
}

/** Statuses after which a ticket is done: `Resolved` is also sent to the channel. */
export const DONE_STATUSES = ['Resolved', 'Closed'];

/** A ticket "breaching soon" when its due date is this close (when Syncro gives no flag). */
export const SLA_SOON_MS = 2 * 60 * 60_000;

/** The SLA state from Syncro's flags when it sends them, else from the due date. */
export function slaOf(t: Ticket, now: number): SlaState {
  const x = t as Ticket & { sla_breached?: unknown; sla_breaching_soon?: unknown };
  if (DONE_STATUSES.includes(t.status)) return 'ok';
  if (x.sla_breached === true) return 'breached';
  if (x.sla_breaching_soon === true) return 'soon';
  const due = t.due_date ? Date.parse(t.due_date) : Number.NaN;
  if (Number.isNaN(due)) return 'ok';
  if (due <= now) return 'breached';
  if (due - now <= SLA_SOON_MS) return 'soon';
  return 'ok';
}

/** A comment with no `user_id` is a customer's reply (e-mail or portal). */
export function isCustomerComment(c: Comment): boolean {
  return c.user_id === null || c.user_id === undefined;
}

function lastCommentOf(c: Comment): LastComment {
  const customer = isCustomerComment(c);
  const text = (c.body ?? '').replace(/\s+/g, ' ').trim();
  return {
    id: c.id,
    by: customer ? null : (c.tech ?? null),
    customer,
    text: text.length > 300 ? `${text.slice(0, 299)}…` : text,
    at: c.created_at,
  };
}

/** The snapshot of `t` as read now, given the comments read since `prev` (or the ticket's own, first time). */
export function snapshotOf(
  t: Ticket,
  newComments: readonly Comment[],
  prev: TicketSnapshot | undefined,
  now: number,
): TicketSnapshot {
  const comments = [...newComments, ...(prev ? [] : (t.comments ?? []))].sort((a, b) => a.id - b.id);
  const newest = comments.at(-1);
  const replies = comments.filter(isCustomerComment);
  const lastReplyNow = replies.at(-1);
  const lastCommentId = Math.max(prev?.lastCommentId ?? 0, newest?.id ?? 0);
  return {
    id: t.id,
    number: String(t.number),
    subject: t.subject,
    status: t.status,
    userId: t.user_id ?? null,
    userName: t.user?.full_name ?? null,
    customerId: t.customer_id ?? null,
    customerName: t.customer_business_then_name ?? null,
    createdAt: t.created_at,
    updatedAt: t.updated_at ?? null,
    dueDate: t.due_date ?? null,
    sla: slaOf(t, now),
    lastCommentId,
    lastCommentAt:
      newest && newest.id >= (prev?.lastCommentId ?? 0) ? newest.created_at : (prev?.lastCommentAt ?? null),
    lastReply: lastReplyNow ? lastCommentOf(lastReplyNow) : (prev?.lastReply ?? null),
  };
}

export interface DiffOptions {
  /** When the feed took its first snapshot: a ticket first seen now but created before is not `new`. */
  feedStartedAt: number;
}

/**
 * Events between `prev` and `next` (the snapshot just made with `comments`, the comments read since). A ticket
 * seen for the first time is `new` only when it was created after the feed started (the first run is silent).
 */
export function diffTicket(
  prev: TicketSnapshot | undefined,
  next: TicketSnapshot,
  comments: readonly Comment[],
  opts: DiffOptions,
): TicketEvent[] {
  const events: TicketEvent[] = [];
  const base = { ticketId: next.id };
  if (prev === undefined) {
    const created = Date.parse(next.createdAt);
    if (!Number.isNaN(created) && created >= opts.feedStartedAt) {
      events.push({ ...base, eventId: 'new', kind: 'new', actorSyncroId: null, to: next.status });
    }
    return events;
  }
  const at = next.updatedAt ?? '';
  if (next.status !== prev.status) {
    events.push({
      ...base,
      eventId: `status:${next.status}@${at}`,
      kind: 'status',
      actorSyncroId: null,
      from: prev.status,
      to: next.status,
    });
  }
  if (next.userId !== prev.userId && next.userId !== null) {
    events.push({
      ...base,
      eventId: `assigned:${next.userId}@${at}`,
      kind: 'assigned',
      actorSyncroId: null,
      from: prev.userName,
      to: next.userName,
      toUserId: next.userId,
    });
  }
  if (next.sla !== 'ok' && next.sla !== prev.sla && !(prev.sla === 'breached' && next.sla === 'soon')) {
    events.push({
      ...base,
      eventId: `sla:${next.sla}@${next.dueDate ?? ''}`,
      kind: 'sla',
      actorSyncroId: null,
      sla: next.sla,
    });
  }
  const fresh = comments.filter((c) => c.id > prev.lastCommentId).sort((a, b) => a.id - b.id);
  for (const c of fresh) {
    const last = lastCommentOf(c);
    events.push({
      ...base,
      eventId: `comment:${c.id}`,
      kind: last.customer ? 'reply' : 'note',
      actorSyncroId: c.user_id ?? null,
      comment: { ...last, hidden: c.hidden === true },
    });
  }
  return events;
}
