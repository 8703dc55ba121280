import type { SyncroApi } from '../../syncro/api.js';
import type { Ticket } from '../../syncro/schemas.js';

/**
 * What App Home reads from Syncro for one person, with their own key. The budget, per refresh (at most once per
 * HOME_FRESH_MS per person, at background priority):
 * - three list calls: `GET /tickets?mine=true&status=Not Closed` (my open tickets), `…&status=Resolved` and
 *   `…&status=Closed` (page 1 of each: the newest), whose tickets carry their line items;
 * - only for a listed ticket whose line items the list left out, `GET /tickets/{id}`, for at most
 *   UNBILLED_READ_CAP tickets; the others are counted as "not checked", never guessed.
 */

export const HOME_STATUSES = { open: 'Not Closed', resolved: 'Resolved', closed: 'Closed' } as const;
/** Per-ticket reads Home may spend when a list leaves line items out. */
export const UNBILLED_READ_CAP = 3;

export interface HomeSyncro {
  /** My open tickets (page 1), in Syncro's order. */
  open: Ticket[];
  /** All my open tickets, when Syncro says (total_entries). */
  openTotal?: number;
  /** My Resolved or Closed tickets without a line item: time that would never be invoiced. */
  unbilled: Ticket[];
  /** Resolved/Closed tickets whose line items could not be checked within the budget. */
  unchecked: number;
  /** When this was read (epoch ms). */
  readAt: number;
}

export async function readHomeSyncro(api: SyncroApi, now: () => number): Promise<HomeSyncro> {
  const [open, resolved, closed] = await Promise.all([
    api.listTickets({ mine: true, status: HOME_STATUSES.open }),
    api.listTickets({ mine: true, status: HOME_STATUSES.resolved }),
    api.listTickets({ mine: true, status: HOME_STATUSES.closed }),
  ]);
  const done = [...resolved.items, ...closed.items];
  const unbilled: Ticket[] = [];
  const toRead: Ticket[] = [];
  for (const t of done) {
    if (Array.isArray(t.line_items)) {
      if (t.line_items.length === 0) unbilled.push(t);
    } else toRead.push(t);
  }
  const read = await Promise.all(toRead.slice(0, UNBILLED_READ_CAP).map((t) => api.getTicket(t.id)));
  for (const t of read) if (Array.isArray(t.line_items) && t.line_items.length === 0) unbilled.push(t);
  const unchecked =
    Math.max(0, toRead.length - UNBILLED_READ_CAP) + read.filter((t) => !Array.isArray(t.line_items)).length;
  return {
    open: open.items,
    ...(typeof open.meta?.total_entries === 'number' ? { openTotal: open.meta.total_entries } : {}),
    unbilled,
    unchecked,
    readAt: now(),
  };
}
