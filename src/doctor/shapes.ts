import { z } from 'zod';
import { describeZodError } from '../syncro/request.js';
import type { Observation, ShapeIssue } from './facts.js';

/**
 * Parsing a real answer with the bot's own schema, listing every field the bot relies on that is missing or of
 * another type (not only the first, as a feature's read does). Paths name list items as `[]` and count them, so
 * that 25 tickets with the same difference are one line. zod's words name types, never values.
 */
export function shapeIssues(schema: z.ZodType, body: unknown): ShapeIssue[] {
  const r = schema.safeParse(body);
  if (r.success) return [];
  const byKey = new Map<string, ShapeIssue>();
  for (const issue of r.error.issues) {
    const { path, detail } = describeZodError({ issues: [issue] });
    const general = path.replace(/\[\d+\]/g, '[]');
    const key = `${general}\u0000${detail}`;
    const seen = byKey.get(key);
    if (seen) seen.count += 1;
    else byKey.set(key, { path: general, problem: detail, count: 1 });
  }
  return [...byKey.values()];
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** `body[key]` as a list, or []. */
export function listAt(body: unknown, key: string): unknown[] {
  const v = obj(body)?.[key];
  return Array.isArray(v) ? v : [];
}

/** A positive integer id at `record[key]`, if it is one. */
export function idAt(record: unknown, key: string): number | undefined {
  const v = obj(record)?.[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/** `record[key]` as a string, if it is one. */
export function stringAt(record: unknown, key: string): string | undefined {
  const v = obj(record)?.[key];
  return typeof v === 'string' ? v : undefined;
}

const ticketTypes = z.array(z.object({ id: z.number().int(), name: z.string() }).loose());

/** `GET /tickets/settings` → ticket_types: the API document shows only an empty list. */
export function observeTicketTypes(settings: unknown): Observation {
  const o = obj(settings);
  if (!o || !('ticket_types' in o) || o.ticket_types === null)
    return { code: 'ticket_types', value: 'absent' };
  if (Array.isArray(o.ticket_types) && o.ticket_types.length === 0)
    return { code: 'ticket_types', value: 'empty' };
  const issues = shapeIssues(ticketTypes, o.ticket_types);
  if (issues.length === 0) return { code: 'ticket_types', value: 'objects' };
  return { code: 'ticket_types', value: 'other', path: `ticket_types${issues[0]?.path ?? ''}` };
}

/** `GET /ticket_timers`: whether entries carry `billable` (the timer entry form relies on it when present). */
export function observeTimerBillable(list: unknown): Observation {
  const entries = listAt(list, 'ticket_timers');
  if (entries.length === 0) return { code: 'timer_billable', value: 'no_entries' };
  const typed = entries.some((e) => typeof obj(e)?.billable === 'boolean');
  return { code: 'timer_billable', value: typed ? 'boolean' : 'absent' };
}

/** `GET /customers`: whether a search's customers carry their contacts (or only `GET /customers/{id}` does). */
export function observeListContacts(list: unknown): Observation {
  const customers = listAt(list, 'customers');
  if (customers.length === 0) return { code: 'customer_list_contacts', value: 'no_customers' };
  const present = customers.some((c) => Array.isArray(obj(c)?.contacts));
  return { code: 'customer_list_contacts', value: present ? 'present' : 'absent' };
}

/** `GET /invoices/{id}` is seen both flat and wrapped. */
export function observeInvoiceWrapper(body: unknown): Observation {
  return { code: 'invoice_wrapper', value: obj(obj(body)?.invoice) ? 'wrapped' : 'flat' };
}
