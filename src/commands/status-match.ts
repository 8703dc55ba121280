/**
 * Matching a typed ticket status against the account's status list (`GET /tickets/settings`). Only an exact match
 * (ignoring case, spacing, `-` and `_`) is accepted; anything else yields "did you mean" suggestions and is never
 * guessed, because a wrong status on a customer's ticket is a visible mistake.
 */

import { editDistance, prefixEditDistance } from '../text/edit-distance.js';

/** The one edit distance (src/text/edit-distance.ts), where `parse.ts` has always imported it. */
export { editDistance };

export type StatusMatch =
  | { ok: true; status: string }
  | { ok: false; suggestions: string[]; message: string };

/** At most this many suggestions are offered. */
const MAX_SUGGESTIONS = 5;

/** Lower case, `-`/`_` as spaces, whitespace collapsed and trimmed. */
export function normaliseStatus(s: string): string {
  return s.toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Every typed word is the start of a word of the status, in order, words may be skipped:
 * 'in prog' → 'in progress', 'wait cust' → 'waiting on customer', 'waiting' → both waiting statuses.
 */
function wordPrefixMatch(input: string, status: string): boolean {
  const want = input.split(' ');
  const have = status.split(' ');
  let h = 0;
  for (const w of want) {
    while (h < have.length && !have[h]!.startsWith(w)) h++;
    if (h === have.length) return false;
    h++;
  }
  return true;
}

function quoteList(items: readonly string[]): string {
  return items.map((s) => `“${s}”`).join(', ');
}

/**
 * Finds `input` in `statuses`. Exact (normalised) match → `ok`. Otherwise suggestions, best first: statuses the
 * input is a word-prefix of, then close spellings by edit distance. Several suggestions are listed, never chosen.
 * `message` always lists the valid statuses.
 */
export function matchStatus(input: string, statuses: string[]): StatusMatch {
  const valid = [...new Set(statuses.filter((s) => normaliseStatus(s) !== ''))];
  const list = valid.length > 0 ? `Valid statuses: ${quoteList(valid)}.` : 'Syncro lists no ticket statuses.';
  const typed = normaliseStatus(input);
  if (typed === '') return { ok: false, suggestions: [], message: `Give a status. ${list}` };

  const exact = valid.filter((s) => normaliseStatus(s) === typed);
  if (exact.length === 1) return { ok: true, status: exact[0]! };
  if (exact.length > 1) {
    // Two statuses that differ only in case or spacing: prefer the one typed character for character.
    const verbatim = exact.filter((s) => s === input.trim());
    if (verbatim.length === 1) return { ok: true, status: verbatim[0]! };
    return {
      ok: false,
      suggestions: exact.slice(0, MAX_SUGGESTIONS),
      message: `“${input.trim()}” matches more than one status: ${quoteList(exact)}. Type one exactly.`,
    };
  }

  const ranked: Array<{ status: string; score: number; index: number }> = [];
  valid.forEach((status, index) => {
    const norm = normaliseStatus(status);
    let score: number | undefined;
    if (wordPrefixMatch(typed, norm)) score = 0;
    else {
      const full = editDistance(typed, norm);
      // A typo of the whole name: about one edit in three characters.
      if (full <= Math.max(1, Math.floor(typed.length / 3))) score = 1 + full;
      // A typo of the start of the name ('waitng', 'in porg'): stricter, and only for 3+ characters.
      else if (typed.length >= 3) {
        const pre = prefixEditDistance(typed, norm);
        if (pre <= Math.max(1, Math.floor(typed.length / 4))) score = 1 + pre + 0.5;
      }
    }
    if (score !== undefined) ranked.push({ status, score, index });
  });
  ranked.sort((a, b) => a.score - b.score || a.index - b.index);
  const suggestions = ranked.slice(0, MAX_SUGGESTIONS).map((r) => r.status);

  const shown = input.trim().replace(/\s+/g, ' ');
  let message: string;
  if (suggestions.length === 0) message = `“${shown}” is not a ticket status. ${list}`;
  else if (suggestions.length === 1)
    message = `“${shown}” is not a ticket status. Did you mean “${suggestions[0]}”? ${list}`;
  else message = `“${shown}” could be ${quoteList(suggestions)}: which one? ${list}`;
  return { ok: false, suggestions, message };
}
