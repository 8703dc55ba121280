import { createRequire } from 'node:module';
import type { compile as Compile, HtmlToTextOptions } from 'html-to-text';

/**
 * Text that comes from Syncro, whatever its rendering: rich text (`<p>`, `<br>`, `&amp;`, `&nbsp;`), plain text
 * (tags stripped, entities decoded) or the body as it was posted, and HTML error pages. The HTML is read by one
 * library (html-to-text, over htmlparser2 and entities); this module only decides what counts as a tag.
 */

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
  return read(readable, (s ?? '').replace(/\r\n?/g, '\n'))
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
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
  return squeeze(read(forMatch, s ?? ''));
}

/**
 * Whether Syncro's `stored` is the text we `sent`, however Syncro rendered it. Each side is read three ways,
 * because either may be either: as literal text; as HTML with only real tags (the text `<b>` or `&amp;` we posted
 * comes back escaped in rich text: `&lt;b&gt;`, `&amp;amp;`); and as HTML where anything in angle brackets is a tag
 * (a plain rendering made by stripping tags drops `<error 6123>` too). A shared reading is a match.
 */
export function sameText(stored: string | null | undefined, sent: string | null | undefined): boolean {
  const a = readings(stored ?? '');
  const b = readings(sent ?? '');
  return a.some((x) => b.includes(x));
}

function readings(s: string): string[] {
  const literal = squeeze(s);
  const out = [literal];
  for (const html of [normaliseForMatch(s), squeeze(s.includes('<') ? forMatch(s) : s)]) {
    // A text that is all tags (`<br>`) reads as empty HTML; that must not match every other empty reading.
    if ((html !== '' || literal === '') && !out.includes(html)) out.push(html);
  }
  return out;
}
