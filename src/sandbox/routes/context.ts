import type { Reply } from '../http.js';
import type { SimState } from '../state.js';
import type { SimUser } from '../types.js';

export interface RouteContext {
  state: SimState;
  /** The key's user: what writes are attributed to. */
  user: SimUser;
  userToken: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body when it is an object, else {}. */
  body: Record<string, unknown>;
  invoiceGetShape: 'flat' | 'wrapped';
}

export interface Route {
  method: string;
  pattern: RegExp;
  handle(ctx: RouteContext): Reply;
}

/** `'/tickets/:id/comment'` → a route whose `:params` match digits only (a non-numeric id is a 404). */
export function route(method: string, path: string, handle: (ctx: RouteContext) => Reply): Route {
  const source = path.replace(/:(\w+)/g, '(?<$1>\\d+)');
  return { method, pattern: new RegExp(`^${source}$`), handle };
}

export function paramId(ctx: RouteContext, name = 'id'): number {
  return Number(ctx.params[name]);
}

// Rails-style casting of body and query values: numbers may arrive as strings and booleans as "true"/"false".

export function int(value: unknown): number | undefined {
  const n = decimal(value);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

export function decimal(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  return undefined;
}

export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function isBlank(value: unknown): boolean {
  return !text(value)?.trim();
}

/** Syncro pages lists 25 at a time (not reliably settable); total_pages is 0 for an empty list. */
export const PAGE_SIZE = 25;

export function paginate<T>(items: T[], pageParam: string | undefined, perPage = PAGE_SIZE) {
  const page = Math.max(1, int(pageParam) ?? 1);
  const total_pages = Math.ceil(items.length / perPage);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return { items: slice, meta: { total_pages, total_entries: items.length, per_page: perPage, page } };
}
