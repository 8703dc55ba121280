import { json, type Reply } from '../http.js';
import { businessThenName } from '../state.js';
import { paginate, type RouteContext, route } from './context.js';

/**
 * `GET /appointments` (read-only): the simulator keeps no calendar, so each open ticket assigned to the key's owner
 * has one appointment, the day after the ticket was created at 10:00 UTC, shaped as the API document shows
 * (items wrapped as `{appointment: {…}}`, no assignee). `mine` and `date_from` / `date_to` (by start) filter.
 */
function listAppointments({ state, user, query: q }: RouteContext): Reply {
  const from = q.date_from ? Date.parse(q.date_from) : Number.NEGATIVE_INFINITY;
  const to = q.date_to ? Date.parse(q.date_to) : Number.POSITIVE_INFINITY;
  const items = state
    .ticketsNewestFirst()
    .filter((t) => !['Resolved', 'Closed', 'Invoiced'].includes(t.status))
    .filter((t) => q.mine !== 'true' || t.user_id === user.user_id)
    .map((t) => {
      const day = new Date(Date.parse(t.created_at) + 24 * 3600_000).toISOString().slice(0, 10);
      const start = `${day}T10:00:00.000Z`;
      const customer = state.customer(t.customer_id);
      return {
        id: t.id,
        summary: `Visit: ${t.subject}`,
        description: null,
        customer_id: t.customer_id,
        created_at: t.created_at,
        updated_at: t.updated_at,
        start_at: start,
        end_at: `${day}T11:00:00.000Z`,
        duration: 1,
        location: customer ? businessThenName(customer) : null,
        ticket_id: t.id,
        appointment_location_type: null,
        all_day: null,
        do_not_email: '1',
      };
    })
    .filter((a) => Date.parse(a.start_at) >= from && Date.parse(a.start_at) <= to);
  const { items: page, meta } = paginate(items, q.page);
  return json({ appointments: page.map((appointment) => ({ appointment })), meta });
}

export const appointmentRoutes = [route('GET', '/appointments', listAppointments)];
