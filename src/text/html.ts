import { createRequire } from 'node:module';
import type { compile as Compile, HtmlToTextOptions } from 'html-to-text';

/**
 * Text that comes from Syncro, whatever its rendering: rich text (`<p>`, `<br>`, `&amp;`, `&nbsp;`), plain text
 * (tags stripped, entities decoded) or the body as it was posted, and HTML error pages. The HTML is read by one
 * library (html-to-text, over htmlparser2 and entities); this module only decides what counts as a tag.
 *
 * Bodies come from anyone (a customer's e-mail reply becomes a comment), so the work per text is bounded: at most
 * `MAX_RENDERED` characters are read for display and `MAX_COMPARED` for a comparison, elements nest at most
 * `MAX_DEPTH` deep, and every step after the parser is a linear scan (no regular expression here backtracks over
 * a run of characters it may fail on). `npm run bench:text` renders 1 MB of hostile input.
 */

/**
 * The most of a text rendered for reading: 20,000 characters of input. Slack shows a comment in a 3,000-character
 * section (a ticket view shows the first 1,200 characters of each); beyond this the text ends with `…` and the
 * rest stays in Syncro. A session log keeps more (`SESSION_LOG_MAX_TEXT`, src/session-logs/facts.ts).
 */
export const MAX_RENDERED = 20_000;

/**
 * The longest text compared as HTML: 100,000 characters, far above anything the bot posts (Slack's inputs stop at
 * 3,000–4,000 characters; Syncro's rich rendering of them, every character escaped, stays under 40,000). A longer
 * text is compared literally (whitespace ignored), never parsed: it cannot be a rendering of what we sent.
 */
export const MAX_COMPARED = 100_000;

/**
 * How much longer a rendering can be than the text rendered: Syncro's rich text escapes a character into at most
 * six (`&quot;`, `&nbsp;`) and adds paragraph tags. In `sameText`, a side more than this many times as long as
 * the other (plus 1,000) is compared literally only, so a customer's huge body costs nothing to compare with ours.
 */
export const RENDER_GROWTH = 10;

/**
 * Elements nested deeper than this are left out (`…`). E-mail HTML (quoted replies in tables in quotes) stays far
 * shallower; a body of thousands of nested tags would exhaust the converter's stack.
 */
export const MAX_DEPTH = 200;

/** Elements Syncro's rich text and error pages use. Anything else between `<` and `>` is someone's words. */
const KNOWN_TAGS = [
  'a',
  'abbr',
  'address',
  'article',
  'aside',
  'b',
  'big',
  'blockquote',
  'body',
  'br',
  'center',
  'cite',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'div',
  'dl',
  'dt',
  'em',
  'font',
  'footer',
  'h[1-6]',
  'head',
  'header',
  'hr',
  'html',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'main',
  'mark',
  'meta',
  'nav',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'samp',
  'script',
  'section',
  'small',
  'span',
  'strike',
  'strong',
  'style',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'title',
  'tr',
  'tt',
  'u',
  'ul',
  'wbr',
];

/**
 * A `<` that opens no known element (nor a comment or doctype) is text: `<error 6123>` in a customer's words,
 * Slack's `<!channel>`, `a<b`. An HTML parser would swallow those as unknown tags.
 */
const NOT_A_TAG = new RegExp(`<(?!/?(?:${KNOWN_TAGS.join('|')})(?=[\\s/>])|!--|!doctype)`, 'gi');

const BASE: HtmlToTextOptions = {
  wordwrap: false,
  // An error page's title and body; a fragment (a comment) has neither and is read whole.
  baseElements: { selectors: ['title', 'body'], returnDomByDefault: true },
  limits: { maxDepth: MAX_DEPTH, ellipsis: '…' },
};
const SELECTORS = [
  { selector: 'img', format: 'skip' },
  { selector: 'script', format: 'skip' },
  { selector: 'style', format: 'skip' },
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  { selector: 'table', options: { uppercaseHeaderCells: false } },
  { selector: 'ul', options: { itemPrefix: '• ' } },
];

type Convert = (html: string) => string;
let converters: { readable: Convert; forMatch: Convert } | undefined;

/**
 * The library is loaded (and its converters compiled) on the first text that has a tag or an entity: it and its
 * parser are a tenth of the idle bot's memory, and most text never needs them.
 */
function compiled(): { readable: Convert; forMatch: Convert } {
  if (converters) return converters;
  const { compile } = createRequire(import.meta.url)('html-to-text') as { compile: typeof Compile };
  converters = {
    readable: compile({
      ...BASE,
      // A plain-text body keeps its line breaks.
      preserveNewlines: true,
      selectors: [...SELECTORS, { selector: 'a', options: { hideLinkHrefIfSameAsText: true } }],
    }),
    // Link targets are left out: Syncro may turn a URL in a posted comment into a link, and the words are the
    // same.
    forMatch: compile({
      ...BASE,
      selectors: [...SELECTORS, { selector: 'a', options: { ignoreHref: true } }],
    }),
  };
  return converters;
}
const readable: Convert = (html) => compiled().readable(html);
const forMatch: Convert = (html) => compiled().forMatch(html);

function read(convert: (html: string) => string, s: string): string {
  // Text with neither a tag nor an entity is already what it says.
  if (!s.includes('<') && !s.includes('&')) return s;
  return convert(s.replace(NOT_A_TAG, '&lt;'));
}

/**
 * For reading in Slack or in an error message: tags dropped, entities decoded, line breaks kept, at most one blank
 * line in a row. The result is plain text: escape it before showing. Payloads are never passed through this.
 */
export function htmlToText(s: string | null | undefined): string {
  return readHtml(s).text;
}

/**
 * `htmlToText`, and whether the input was longer than `max` (default `MAX_RENDERED`; the text then ends with `…`:
 * say "more in Syncro" rather than count what was not read). A reader that keeps more (a session log) passes its own
 * bound; the work stays linear in it.
 */
export function readHtml(
  s: string | null | undefined,
  max = MAX_RENDERED,
): { text: string; clipped: boolean } {
  const input = s ?? '';
  const clipped = input.length > max;
  const head = clipped ? input.slice(0, cutBefore(input, max)) : input;
  const text = tidyLines(read(readable, head.replace(/\r\n?/g, '\n').replace(BR_THEN_NEWLINE, '$1')));
  return { text: clipped ? `${text}…` : text, clipped };
}

/**
 * A `<br>` and the newline written right after it are one line break, not two: our bodies (and many editors) write
 * `<br>` and a newline so that a tags-stripped rendering keeps the lines, while a reader that keeps newlines would
 * make each of them a break and every line of a close would come back with a blank line after it.
 */
const BR_THEN_NEWLINE = /(<br\s*\/?>)[ \t]*\n/gi;

/**
 * Where to cut `s` at most `max` characters in: not inside a tag left open there (it would be read as text, or
 * swallow what follows), nor between the halves of a surrogate pair.
 */
function cutBefore(s: string, max: number): number {
  let cut = max;
  const lt = s.lastIndexOf('<', cut - 1);
  if (lt >= 0 && s.lastIndexOf('>', cut - 1) < lt) cut = lt;
  const code = s.charCodeAt(cut - 1);
  if (cut > 0 && code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return cut;
}

/**
 * Spaces and tabs at the end of each line dropped, at most one blank line in a row, trimmed. One pass over the
 * text: `/[ \t]+\n/g` did the same in time quadratic in a run of spaces (each start scanned the rest of the run).
 */
function tidyLines(s: string): string {
  const out: string[] = [];
  let blanks = 0;
  for (const raw of s.split('\n')) {
    let end = raw.length;
    while (end > 0 && (raw.charCodeAt(end - 1) === 32 || raw.charCodeAt(end - 1) === 9)) end--;
    const line = end === raw.length ? raw : raw.slice(0, end);
    if (line === '') {
      blanks++;
      continue;
    }
    if (out.length > 0) out.push(blanks > 0 ? '\n\n' : '\n');
    blanks = 0;
    out.push(line);
  }
  return out.join('').trim();
}

/** Whitespace (and the invisible joiners) is not compared at all: every rendering moves it. */
const SPACE = /[\s\u200b-\u200d\u2060\ufeff]+/g;

function squeeze(s: string): string {
  return s.normalize('NFC').replace(SPACE, '');
}

/**
 * The text as compared with what we posted: read as HTML (tags, entities), then without whitespace (paragraphs,
 * `<br>`, `&nbsp;`, trimmed or re-wrapped lines all compare equal).
 */
export function normaliseForMatch(s: string | null | undefined): string {
  const text = s ?? '';
  return text.length > MAX_COMPARED ? squeeze(text) : squeeze(read(forMatch, text));
}

/**
 * Whether Syncro's `stored` is the text we `sent`, however Syncro rendered it. Each side is read three ways,
 * because either may be either: as literal text; as HTML with only real tags (the text `<b>` or `&amp;` we posted
 * comes back escaped in rich text: `&lt;b&gt;`, `&amp;amp;`); and as HTML where anything in angle brackets is a tag
 * (a plain rendering made by stripping tags drops `<error 6123>` too). A shared reading is a match. A text longer
 * than `MAX_COMPARED` is read literally only.
 */
export function sameText(stored: string | null | undefined, sent: string | null | undefined): boolean {
  const x = stored ?? '';
  const y = sent ?? '';
  const a = readings(x, asHtml(x, y));
  const b = readings(y, asHtml(y, x));
  return a.some((r) => b.includes(r));
}

/** Whether `s` is read as HTML when compared with `other` (see MAX_COMPARED and RENDER_GROWTH). */
function asHtml(s: string, other: string): boolean {
  return s.length <= Math.min(MAX_COMPARED, RENDER_GROWTH * other.length + 1_000);
}

function readings(s: string, html: boolean): string[] {
  const literal = squeeze(s);
  const out = [literal];
  if (!html) return out;
  for (const html of [normaliseForMatch(s), squeeze(s.includes('<') ? forMatch(s) : s)]) {
    // A text that is all tags (`<br>`) reads as empty HTML; that must not match every other empty reading.
    if ((html !== '' || literal === '') && !out.includes(html)) out.push(html);
  }
  return out;
}
