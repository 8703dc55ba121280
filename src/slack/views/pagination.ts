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

/** "Page 2 of 5" and, when there is more than one page and a list to re-run, Previous / Next buttons. */
export function paginationBlocks(p: {
  page: number;
  totalPages: number;
  pageAction?: { kind: string; query?: string };
  count: number;
  noun: string;
}): KnownBlock[] {
  const out: KnownBlock[] = [
    context([
      `Page ${p.page} of ${Math.max(1, p.totalPages)} · ${p.count} ${p.noun}${p.count === 1 ? '' : 's'} here`,
    ]),
  ];
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
