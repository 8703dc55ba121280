import { describe, expect, it } from 'vitest';
import { diffTicket, snapshotOf, type TicketSnapshot } from '../../src/notifications/events.js';
import { fanOut, notBefore, type Person } from '../../src/notifications/fanout.js';
import type { Subscription } from '../../src/notifications/store.js';
import type { Comment, Ticket } from '../../src/syncro/schemas.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const STARTED = Date.parse('2026-12-06T09:00:00Z');

function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: 9001,
    number: 32164,
    subject: 'Printer offline',
    status: 'New',
    customer_id: 5,
    customer_business_then_name: 'Dataforth',
    user_id: null,
    created_at: '2026-12-06T10:00:00Z',
    updated_at: '2026-12-06T10:00:00Z',
    ...over,
  } as Ticket;
}

function comment(id: number, over: Partial<Comment> = {}): Comment {
  return {
    id,
    ticket_id: 9001,
    body: `comment ${id}`,
    created_at: '2026-12-06T11:00:00Z',
    ...over,
  } as Comment;
}

const prev = (over: Partial<Ticket> = {}): TicketSnapshot => snapshotOf(ticket(over), [], undefined, NOW);

describe('diffTicket', () => {
  it('announces a ticket first seen as new only when it was created after the feed started', () => {
    const fresh = snapshotOf(ticket(), [], undefined, NOW);
    expect(diffTicket(undefined, fresh, [], { feedStartedAt: STARTED }).map((e) => e.kind)).toEqual(['new']);
    const old = snapshotOf(ticket({ created_at: '2026-01-01T00:00:00Z' }), [], undefined, NOW);
    expect(diffTicket(undefined, old, [], { feedStartedAt: STARTED })).toEqual([]);
  });

  it('derives status, assignment, customer reply and technician note, each with a stable id', () => {
    const before = prev();
    const t = ticket({ status: 'In Progress', user_id: 1750, updated_at: '2026-12-06T11:05:00Z' });
    (t as { user?: unknown }).user = { id: 1750, full_name: 'Howard Enos' };
    const comments = [comment(11), comment(12, { user_id: 1735, tech: 'Michael Swanson', hidden: true })];
    const next = snapshotOf(t, comments, before, NOW);
    const events = diffTicket(before, next, comments, { feedStartedAt: STARTED });
    expect(events.map((e) => [e.kind, e.eventId])).toEqual([
      ['status', 'status:In Progress@2026-12-06T11:05:00Z'],
      ['assigned', 'assigned:1750@2026-12-06T11:05:00Z'],
      ['reply', 'comment:11'],
      ['note', 'comment:12'],
    ]);
    expect(events[2]!.actorSyncroId).toBeNull();
    expect(events[3]!.actorSyncroId).toBe(1735);
    expect(next.lastReply?.text).toBe('comment 11');
    // Derived again from the same snapshot (a replica killed before its commit): the same ids.
    expect(diffTicket(before, next, comments, { feedStartedAt: STARTED }).map((e) => e.eventId)).toEqual(
      events.map((e) => e.eventId),
    );
    // Comments already seen are not news again.
    expect(diffTicket(next, next, comments, { feedStartedAt: STARTED })).toEqual([]);
  });

  it('derives SLA trouble from Syncro flags or the due date, once per state', () => {
    const before = prev({ due_date: '2026-12-06T18:00:00Z' });
    expect(before.sla).toBe('ok');
    const soon = snapshotOf(ticket({ due_date: '2026-12-06T13:00:00Z' }), [], before, NOW);
    expect(diffTicket(before, soon, [], { feedStartedAt: STARTED }).map((e) => e.eventId)).toEqual([
      'sla:soon@2026-12-06T13:00:00Z',
    ]);
    const flagged = snapshotOf(ticket({ sla_breached: true } as Partial<Ticket>), [], soon, NOW);
    expect(diffTicket(soon, flagged, [], { feedStartedAt: STARTED }).map((e) => e.kind)).toEqual(['sla']);
    const resolved = snapshotOf(
      ticket({ status: 'Resolved', due_date: '2026-12-01T00:00:00Z' }),
      [],
      before,
      NOW,
    );
    expect(resolved.sla).toBe('ok');
  });
});

describe('fanOut', () => {
  const sub = (over: Partial<Subscription>): Subscription => ({
    id: 1,
    channel: 'C1',
    scope: 'all',
    customer: null,
    ownerSlackId: 'U1',
    ownerSyncroId: 1750,
    kinds: ['new', 'reply', 'status'],
    createdAt: STARTED,
    ...over,
  });
  const howard: Person = { slackId: 'UHOWARD', syncroUserId: 1750, prefs: { off: [] } };
  const base = { people: [howard], digestAfter: 5, catchUp: false, now: NOW, digestKey: 'k' };

  it('posts an event once per channel however many subscriptions overlap', () => {
    const snap = prev({ user_id: 1750 });
    const event = { ticketId: snap.id, eventId: 'comment:1', kind: 'reply' as const, actorSyncroId: null };
    const out = fanOut({
      ...base,
      events: [event],
      snapshots: new Map([[snap.id, snap]]),
      subscriptions: [
        sub({ id: 1 }),
        sub({ id: 2, scope: 'mine' }),
        sub({ id: 3, scope: 'customer', customer: 'dataforth' }),
        sub({ id: 4, channel: 'C2', scope: 'customer', customer: 'Other' }),
      ],
    });
    expect(out.outbox.filter((r) => r.kind === 'channel').map((r) => r.target)).toEqual(['C1']);
    // Howard's ticket: the customer's reply is also his DM.
    expect(out.outbox.filter((r) => r.kind === 'dm').map((r) => r.target)).toEqual(['UHOWARD']);
  });

  it('sends nobody a DM of their own change, nor of a kind they turned off', () => {
    const snap = prev({ user_id: 1750 });
    const mine = {
      ticketId: snap.id,
      eventId: 'a',
      kind: 'assigned' as const,
      actorSyncroId: 1750,
      toUserId: 1750,
    };
    const viaBot = { ...mine, eventId: 'b', actorSyncroId: null, actorSlackId: 'UHOWARD' };
    const byOther = { ...mine, eventId: 'c', actorSyncroId: 1735 };
    const out = fanOut({
      ...base,
      events: [mine, viaBot, byOther],
      snapshots: new Map([[snap.id, snap]]),
      subscriptions: [],
    });
    expect(out.outbox.map((r) => r.eventId)).toEqual(['c']);
    const off = fanOut({
      ...base,
      people: [{ ...howard, prefs: { off: ['assigned'] } }],
      events: [byOther],
      snapshots: new Map([[snap.id, snap]]),
      subscriptions: [],
    });
    expect(off.outbox).toEqual([]);
  });

  it('turns a burst, or a catch-up, into one digest per channel', () => {
    const snaps = new Map<number, TicketSnapshot>();
    const events = Array.from({ length: 6 }, (_, i) => {
      const s = snapshotOf(ticket({ id: 100 + i }), [], undefined, NOW);
      snaps.set(s.id, s);
      return { ticketId: s.id, eventId: 'new', kind: 'new' as const, actorSyncroId: null };
    });
    const burst = fanOut({ ...base, events, snapshots: snaps, subscriptions: [sub({})] });
    expect(burst.outbox).toEqual([]);
    expect(burst.digests).toHaveLength(1);
    expect(burst.digests[0]!.rows).toHaveLength(6);
    const few = fanOut({ ...base, events: events.slice(0, 5), snapshots: snaps, subscriptions: [sub({})] });
    expect(few.digests).toEqual([]);
    const catchUp = fanOut({
      ...base,
      catchUp: true,
      events: events.slice(0, 1),
      snapshots: snaps,
      subscriptions: [sub({})],
    });
    expect(catchUp.digests).toHaveLength(1);
  });

  it('announces new tickets only to subscriptions older than the ticket', () => {
    const snap = prev();
    const event = { ticketId: snap.id, eventId: 'new', kind: 'new' as const, actorSyncroId: null };
    const later = sub({ createdAt: Date.parse('2026-12-06T11:00:00Z') });
    expect(
      fanOut({ ...base, events: [event], snapshots: new Map([[snap.id, snap]]), subscriptions: [later] })
        .outbox,
    ).toEqual([]);
  });

  it('defers a DM due in quiet hours to their end', () => {
    const quiet = { off: [], quiet: { from: '22:00', to: '07:00', timeZone: 'UTC' } };
    const at = Date.parse('2026-12-06T23:30:00Z');
    expect(notBefore(at, quiet)).toBe(Date.parse('2026-12-07T07:00:00Z'));
    expect(notBefore(NOW, quiet)).toBe(NOW);
  });
});
