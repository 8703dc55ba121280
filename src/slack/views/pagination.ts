import type { KnownBlock } from '@slack/types';
import { ACTION } from '../action-ids.js';
import { actions, button, context, LIMITS } from '../blocks.js';

/** What a page button carries (ACTION.page): the list to re-run and the page to show. */
export interface PageValue {
  kind: string;
  query?: string;
  page: number;
}

export function pageValue(v: PageValue): string {
  return JSON.stringify({ kind: v.kind, query: v.query, page: v.page });
}

/** Reads a page button's value; undefined when it is not one of ours. */
export function parsePageValue(value: string): PageValue | undefined {
  try {
    const v: unknown = JSON.parse(value);
    if (typeof v !== 'object' || v === null) return undefined;
    const { kind, query, page } = v as Record<string, unknown>;
    if (typeof kind !== 'string' || !Number.isInteger(page) || (page as number) < 1) return undefined;
    if (query !== undefined && typeof query !== 'string') return undefined;
    return query === undefined ? { kind, page: page as number } : { kind, query, page: page as number };
  } catch {
    return undefined;
  }
}

/** "31 open tickets, page 1 of 2" (or "Page 1 of 2 · 25 tickets here" when Syncro gave no total). */
export function pageSummary(p: {
  page: number;
  totalPages: number;
  count: number;
  total?: number;
  noun: string;
}): string {
  const pages = Math.max(1, p.totalPages);
  if (p.total !== undefined) return `${plural(p.total, p.noun)}, page ${p.page} of ${pages}`;
  return `Page ${p.page} of ${pages} · ${plural(p.count, p.noun)} here`;
}

/** `1 ticket`, `31 open tickets` (the noun's last word takes the s). */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A page past the last one: there is no such page, and how many there are (Syncro answers an empty list).
 * `command` is how to ask for the last page, e.g. `/syncro summary 2`.
 */
export function noSuchPageText(p: {
  page: number;
  totalPages: number;
  total?: number;
  noun: string;
  command?: string;
}): string {
  const all = p.total !== undefined ? ` (${plural(p.total, p.noun)})` : '';
  const pages = p.totalPages === 1 ? 'one page' : `${p.totalPages} pages`;
  const last = p.command ? ` \`${p.command}\` shows the last one.` : '';
  return `There is no page ${p.page}: there ${p.totalPages === 1 ? 'is' : 'are'} ${pages}${all}.${last}`;
}

/** The page summary and, when there is more than one page and a list to re-run, Previous / Next buttons. */
export function paginationBlocks(p: {
  page: number;
  totalPages: number;
  pageAction?: { kind: string; query?: string };
  count: number;
  /** All matching records (Syncro's total_entries), when known. */
  total?: number;
  noun: string;
}): KnownBlock[] {
  const out: KnownBlock[] = [context([pageSummary(p)])];
  if (p.totalPages <= 1 || !p.pageAction) return out;
  const targets: Array<{ text: string; page: number }> = [];
  if (p.page > 1) targets.push({ text: '◀ Previous', page: p.page - 1 });
  if (p.page < p.totalPages) targets.push({ text: 'Next ▶', page: p.page + 1 });
  const values = targets.map((t) => pageValue({ ...p.pageAction!, page: t.page }));
  if (values.some((v) => v.length > LIMITS.buttonValue)) {
    // NOTE: a cut query would page through a different search; say so instead.
    out.push(context(['The search is too long to page through here: narrow it and search again.']));
    return out;
  }
  // NOTE: Slack wants action ids unique within a block, and both buttons are ACTION.page: one block each.
  targets.forEach((t, i) => {
    out.push(actions([button({ text: t.text, actionId: ACTION.page, value: values[i] })]));
  });
  return out;
}
