import { json, type Reply } from '../http.js';
import { bool, paginate, type Route, type RouteContext, route } from './context.js';

/**
 * `GET /appointments` as Syncro answers it: by start time (`date_from`, `date_to`), `mine=true` for the key's
 * owner, 25 a page, each item wrapped (`{appointment: {…}}`) and without an assignee field. The appointments live
 * on the state (`state.appointments`); the simulator's "Simulate" menu adds them.
 */

export interface SimAppointment {
  id: number;
  summary: string;
  description: string | null;
  start_at: string;
  end_at: string;
  customer_id: number | null;
  ticket_id: number | null;
  location: string | null;
  /** Whose it is (Syncro keeps this on the appointment's owner/attendees; the API shows none of it). */
  user_id: number;
}

/** The appointments kept beside a state (not part of its seeds). */
const byState = new WeakMap<object, SimAppointment[]>();

export function appointmentsOf(state: object): SimAppointment[] {
  let list = byState.get(state);
  if (!list) {
    list = [];
    byState.set(state, list);
  }
  return list;
}

let nextId = 880_000;

export function addAppointment(state: object, a: Omit<SimAppointment, 'id'>): SimAppointment {
  const appointment = { ...a, id: ++nextId };
  appointmentsOf(state).push(appointment);
  return appointment;
}

function listAppointments(ctx: RouteContext): Reply {
  const q = ctx.query;
  const from = q.date_from ? Date.parse(q.date_from) : Number.NaN;
  const to = q.date_to ? Date.parse(q.date_to) : Number.NaN;
  const mine = bool(q.mine) === true;
  const matching = appointmentsOf(ctx.state)
    .filter((a) => {
      const start = Date.parse(a.start_at);
      return (
        (Number.isNaN(from) || start >= from) &&
        (Number.isNaN(to) || start <= to) &&
        (!mine || a.user_id === ctx.user.user_id)
      );
    })
    .sort((a, b) => Date.parse(a.start_at) - Date.parse(b.start_at));
  const { items, meta } = paginate(matching, q.page);
  return json({
    appointments: items.map(({ user_id: _hidden, ...a }) => ({ appointment: a })),
    meta: { total_pages: meta.total_pages, total_entries: meta.total_entries, page: meta.page },
  });
}

export const appointmentRoutes: Route[] = [route('GET', '/appointments', listAppointments)];
