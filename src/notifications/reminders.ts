import type { Logger } from '../logger.js';
import type { SyncroApi } from '../syncro/api.js';
import type { Appointment } from '../syncro/schemas.js';
import { notBefore, type Person } from './fanout.js';
import { DOORBELL_RESERVE } from './feed.js';
import type { NotifyStore, OutboxDraft } from './store.js';
import type { AppointmentFacts } from './views.js';

/**
 * Appointment reminders: `GET /appointments?mine=true&date_from=…&date_to=…` with each technician's OWN key (an
 * appointment carries no assignee), at most every `readEveryMs` (5 min) per person; one DM `minutesBefore` the
 * start, once (the outbox key `appointment:<id>@<start>` is unique; a moved appointment is reminded again).
 */

export interface RemindersDeps {
  store: NotifyStore;
  holder: string;
  now: () => number;
  leaseMs: number;
  minutesBefore: number;
  people: () => Promise<Person[]>;
  apiFor: (slackId: string) => Promise<Pick<SyncroApi, 'listAppointments'> | undefined>;
  readEveryMs?: number;
  logger?: Logger;
  /** Requests left in the budget's window: a read is made only while the doorbell keeps its reserve. */
  spare?: () => number;
}

export interface Reminders {
  /** Reads whose turn it is, and queues the reminders now due. */
  due(): Promise<number>;
}

/** Reads this far ahead. */
const HORIZON_MS = 6 * 60 * 60_000;

export function appointmentFacts(a: Appointment): AppointmentFacts | undefined {
  const startAt = Date.parse(a.start_at);
  if (Number.isNaN(startAt)) return undefined;
  return {
    id: a.id,
    summary: a.summary ?? 'Appointment',
    startAt,
    location: a.location ?? null,
    ticketId: a.ticket_id ?? null,
  };
}

export function createReminders(deps: RemindersDeps): Reminders {
  const readEveryMs = deps.readEveryMs ?? 5 * 60_000;
  const lead = deps.minutesBefore * 60_000;
  const known = new Map<string, { at: number; items: AppointmentFacts[] }>();
  const log = deps.logger?.child({ component: 'notify-reminders' });
  let lastRead = Number.NEGATIVE_INFINITY;

  return {
    async due() {
      const now = deps.now();
      const people = await deps.people();
      const rows: OutboxDraft[] = [];
      let readThisPass = false;
      for (const p of people) {
        if (p.prefs.off.includes('appointment')) continue;
        const cached = known.get(p.slackId);
        // One read at a time, spaced evenly over `readEveryMs` (never a burst), and only while the budget keeps
        // room for the doorbell.
        const gap = readEveryMs / Math.max(1, people.length);
        const roomy = (deps.spare?.() ?? Number.POSITIVE_INFINITY) > DOORBELL_RESERVE;
        if ((!cached || now - cached.at >= readEveryMs) && !readThisPass && roomy && now - lastRead >= gap) {
          readThisPass = true;
          lastRead = now;
          const api = await deps.apiFor(p.slackId).catch(() => undefined);
          if (!api) continue;
          try {
            const r = await api.listAppointments({
              mine: true,
              dateFrom: new Date(now - 60_000).toISOString(),
              dateTo: new Date(now + HORIZON_MS).toISOString(),
            });
            known.set(p.slackId, {
              at: now,
              items: r.items.map(appointmentFacts).filter((a) => a !== undefined),
            });
          } catch (err) {
            log?.warn({ err, user: p.slackId }, 'appointments could not be read');
            continue;
          }
        }
        // Quiet hours: a reminder is not deferred past the appointment, it is not sent.
        if (notBefore(now, p.prefs) !== now) continue;
        for (const a of known.get(p.slackId)?.items ?? []) {
          if (now < a.startAt - lead || now >= a.startAt) continue;
          // The ticket named by its number when the feed has seen it (an appointment carries only its id); looked
          // up once per read of the appointments.
          if (a.ticketId && a.ticketNumber === undefined)
            a.ticketNumber = (await deps.store.snapshot(a.ticketId).catch(() => undefined))?.number ?? null;
          rows.push({
            target: p.slackId,
            ticketId: 0,
            eventId: `appointment:${a.id}@${new Date(a.startAt).toISOString()}`,
            kind: 'dm',
            payload: { appointment: a },
            nextAt: now,
          });
        }
      }
      if (rows.length === 0) return 0;
      return deps.store.commit({
        holder: deps.holder,
        now,
        leaseMs: deps.leaseMs,
        snapshots: [],
        meta: {},
        outbox: rows,
        digests: [],
      });
    },
  };
}
