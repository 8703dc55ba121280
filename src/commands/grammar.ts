import type { SpecParse } from './spec.js';

/**
 * The words of the `/syncro` grammar that several subcommands share: ticket numbers, quotes, one-line text.
 * Pure: no I/O, no clock, no globals.
 */

export const DOUBLE_QUOTES = '"“”„';
export const SINGLE_QUOTES = "'‘’";

export type Taken<T> = { ok: true; value: T; rest: string } | { ok: false; error: string };

export function ok<C>(command: C): SpecParse<C> {
  return { ok: true, command };
}

export function refuse<C>(error: string): SpecParse<C> {
  return { ok: false, error };
}

/** A piece of what the person typed, short enough to quote back. */
export function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 39)}…` : one;
}

/** Collapses all whitespace (line breaks included) to single spaces and trims. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Removes one pair of quotes around the whole of `s` when no quote of that kind is inside. */
export function unquote(s: string): string {
  if (s.length < 2) return s;
  for (const family of [DOUBLE_QUOTES, SINGLE_QUOTES]) {
    const inner = s.slice(1, -1);
    if (
      family.includes(s[0]!) &&
      family.includes(s[s.length - 1]!) &&
      ![...inner].some((c) => family.includes(c))
    ) {
      return inner.trim();
    }
  }
  return s;
}

/** The first whitespace-separated word of `s` and everything after it (leading whitespace of the rest kept). */
export function splitWord(s: string): { word: string; rest: string } {
  const t = s.trimStart();
  const i = t.search(/\s/);
  return i === -1 ? { word: t, rest: '' } : { word: t.slice(0, i), rest: t.slice(i) };
}

export function takeTicketNumber(s: string, name: string): Taken<string> {
  let { word, rest } = splitWord(s);
  if (word === '') return { ok: false, error: `Give a ticket number, e.g. \`/syncro ${name} 32164\`.` };
  if (word === '#') {
    // "# 32164": the number was typed after a space.
    const next = splitWord(rest);
    word = `#${next.word}`;
    rest = next.rest;
  }
  const digits = /^#?(\d+)[:,]?$/.exec(word)?.[1];
  if (digits === undefined) {
    return {
      ok: false,
      error: `“${clip(word)}” is not a ticket number: use digits only, e.g. 32164 or #32164.`,
    };
  }
  const canonical = digits.replace(/^0+/, '');
  if (canonical === '') return { ok: false, error: 'Ticket numbers start at 1.' };
  if (canonical.length > 12) return { ok: false, error: `“${clip(word)}” is too long for a ticket number.` };
  return { ok: true, value: canonical, rest };
}

/** `<number>` followed by nothing (ticket, bill, audit). */
export function numberOnly<N extends string>(
  rest: string,
  name: N,
  extra: string,
): SpecParse<{ name: N; number: string }> {
  const n = takeTicketNumber(rest, name);
  if (!n.ok) return refuse(n.error);
  if (n.rest.trim() !== '') return refuse(`\`${name}\` takes only a ticket number. ${extra}`);
  return ok({ name, number: n.value });
}

/** A subcommand that takes nothing after it. */
export function nothingAfter<N extends string>(
  rest: string,
  name: N,
  error?: string,
): SpecParse<{ name: N }> {
  return rest.trim() === '' ? ok({ name }) : refuse(error ?? `\`${name}\` takes nothing after it.`);
}

/** A quoted customer name at the start of `s` (which starts with a quote): its text and what follows. */
export function takeQuoted(s: string): Taken<string> | undefined {
  const open = s[0]!;
  let close = -1;
  if (DOUBLE_QUOTES.includes(open)) {
    for (let i = 1; i < s.length && close === -1; i++) if (DOUBLE_QUOTES.includes(s[i]!)) close = i;
  } else if (SINGLE_QUOTES.includes(open)) {
    // An apostrophe inside the name ('Len's Auto') is followed by a letter; the closing quote is not.
    for (let i = 1; i < s.length && close === -1; i++) {
      if (SINGLE_QUOTES.includes(s[i]!) && (i + 1 === s.length || /\s/.test(s[i + 1]!))) close = i;
    }
  } else return undefined;
  if (close === -1) {
    return {
      ok: false,
      error:
        'The customer name has no closing quote, e.g. `/syncro create "Len\'s Auto Brokerage" Server upgrade`.',
    };
  }
  return { ok: true, value: oneLine(s.slice(1, close)), rest: s.slice(close + 1) };
}
