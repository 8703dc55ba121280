import { notFound, type Reply } from '../http.js';
import { accountRoutes } from './account.js';
import { appointmentRoutes } from './appointments.js';
import { billingRoutes } from './billing.js';
import type { Route, RouteContext } from './context.js';
import { ticketRoutes } from './tickets.js';

export type { RouteContext } from './context.js';

const ROUTES: Route[] = [...accountRoutes, ...ticketRoutes, ...billingRoutes, ...appointmentRoutes];

/** Runs the route for `method path` (path without /api/v1); unknown routes are a 404 like Syncro's. */
export function dispatch(method: string, path: string, ctx: Omit<RouteContext, 'params'>): Reply {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) return r.handle({ ...ctx, params: { ...m.groups } });
  }
  return notFound();
}
