/**
 * What a person types in Slack, and what Syncro receives: the one converter between them (pure, linear time: every
 * scan moves forward, and no regular expression here can backtrack over what a person typed).
 *
 * Three forms of the same words:
 * - **Slack's text** (a message's `text`, a slash command's text): `&`, `<`, `>` arrive as `&amp;`, `&lt;`, `&gt;`,
 *   and `<…>` is markup (links `<https://x|label>`, mentions `<@U123>`, `<#C123|name>`, `<!here>`).
 *   `decodeSlack` turns it into typed text.
 * - **Typed text**: the characters as the person sees them (`a < b & c`), with Slack's formatting marks:
 *   `*bold*`, `_italics_`, `~strike~`, `` `code` ``, ```` ```block``` ````. What a plain-text input in a form holds.
 * - **Syncro's comment body**: HTML (`typedToHtml`). Syncro reads a body as HTML, so every character a person
 *   typed is escaped; only the formatting becomes tags. `typedToPlain` / `plainLine` are the same words without
 *   the marks (a ticket's subject, what a plain-text rendering of the body shows), and `readBodyHtml` reads a body
 *   back as styled runs (the card's preview).
 *
 * Decisions (the README's "Comments" says the same):
 * - a mention of a person becomes `@Their Name` when the configuration names them, else Slack's own label, else
 *   `@user`; a channel `#name` (or `#channel`); `<!here>`, `<!channel>`, `<!everyone>` the harmless words
 *   `@here`, `@channel`, `@everyone`; a user group its handle (or `@group`); a date its fallback words;
 * - a link becomes its address when its words are the address (`<http://a.b|a.b>` → `http://a.b`), else
 *   `words (address)`; in the body, any `http(s)://` address is a link (`<a href>`);
 * - lists (`- `, `• `, `1. `) and quotes (`> `) stay the lines the person typed, with their own bullets and numbers,
 *   each line ending in `<br>`: every rendering (HTML, e-mail, Syncro's plain text, which strips tags) then shows the
 *   same list, where `<ul>`/`<ol>` would lose the markers and numbers when tags are stripped;
 * - each line break is `<br>` followed by a newline (HTML shows the `<br>`; a rendering that strips tags keeps the
 *   newline); two or more spaces keep their width (`&nbsp;`), so indented lines stay indented.
 */

/** Names of the people the bot knows (the configuration's users), by Slack user id. */
export type PeopleNames = (slackUserId: string) => string | undefined;

// ---------------------------------------------------------------------------------------------------------------
// Slack's text → typed text

/**
 * Slack's three entities, each decoded once (`&amp;lt;` is the typed `&lt;`): `&lt;` and `&gt;` first, `&amp;`
 * last, which is one pass's result (decoding `&lt;` cannot make a new `&amp;`, and nothing is read after `&amp;`).
 */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Slack's text as typed text: links and mentions become readable words (see the module's decisions), entities
 * become the characters typed. A `<…>` that is no Slack markup (`<b>` in text that was not escaped) is kept.
 */
export function decodeSlack(text: string, people?: PeopleNames): string {
  const s = typeof text === 'string' ? text : '';
  let out = '';
  let i = 0;
  let nextGt = -1;
  let nextLt = -1;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt === -1) break;
    out += decodeEntities(s.slice(i, lt));
    if (nextGt <= lt) nextGt = s.indexOf('>', lt + 1);
    if (nextGt === -1) {
      i = lt;
      break;
    }
    if (nextLt <= lt) nextLt = s.indexOf('<', lt + 1);
    const words = nextLt !== -1 && nextLt < nextGt ? undefined : markupWords(s.slice(lt + 1, nextGt), people);
    if (words === undefined) {
      // Not markup: the `<` is a character like any other.
      out += '<';
      i = lt + 1;
    } else {
      out += words;
      i = nextGt + 1;
    }
  }
  return out + decodeEntities(s.slice(i));
}

function markupWords(inner: string, people: PeopleNames | undefined): string | undefined {
  const bar = inner.indexOf('|');
  const target = decodeEntities(bar === -1 ? inner : inner.slice(0, bar));
  const label = bar === -1 ? '' : decodeEntities(inner.slice(bar + 1)).trim();
  if (target.startsWith('@')) return `@${people?.(target.slice(1)) ?? (withoutPrefix(label, '@') || 'user')}`;
  if (target.startsWith('#')) return `#${withoutPrefix(label, '#') || 'channel'}`;
  if (target.startsWith('!')) return specialWords(target.slice(1), label);
  if (SCHEME.test(target)) return linkWords(target, label);
  return undefined;
}

function withoutPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

/** `<!here>`, `<!channel>`, `<!everyone>`: words that notify no one; a user group, a date: their words. */
function specialWords(special: string, label: string): string {
  const name = special.split('^')[0]!;
  if (name === 'here' || name === 'channel' || name === 'everyone') return `@${name}`;
  if (name === 'subteam') return label ? `@${withoutPrefix(label, '@')}` : '@group';
  if (name === 'date') return label;
  return label || `@${name}`;
}

function linkWords(target: string, label: string): string {
  const address = /^mailto:/i.test(target) ? target.slice('mailto:'.length) : target;
  const bare = target.replace(SCHEME, '').replace(/^\/\//, '');
  if (!label || label === target || label === address || label === bare) return address;
  return `${label} (${address})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Typed text → tokens (the formatting marks Slack knows)

type Mark = '*' | '_' | '~';
const TAG: Record<Mark, string> = { '*': 'strong', _: 'em', '~': 's' };

type Token =
  | { t: 'text'; s: string }
  | { t: 'mark'; ch: Mark; open: boolean; close: boolean; pair?: 'open' | 'close' }
  | { t: 'code'; s: string }
  | { t: 'url'; s: string };

type Segment = { kind: 'lines'; lines: Token[][] } | { kind: 'pre'; text: string };

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
function isWordChar(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return LETTER_OR_DIGIT.test(ch);
}
const isSpace = (ch: string | undefined) =>
  ch !== undefined && (ch === ' ' || ch === '\t' || ch === '\u00a0');

/** Characters that end a sentence rather than an address: `see https://x.example.` links without the dot. */
const URL_TAIL = new Set(['.', ',', ';', ':', '!', '?', '*', '_', '~', "'", '"', '>', ']', '`']);

function urlEnd(line: string, start: number): number {
  let end = start;
  while (end < line.length && !isSpace(line[end]) && line[end] !== '<') end++;
  let opens = 0;
  let closes = 0;
  for (let k = start; k < end; k++) {
    if (line[k] === '(') opens++;
    else if (line[k] === ')') closes++;
  }
  for (;;) {
    const last = line[end - 1]!;
    if (URL_TAIL.has(last)) end--;
    else if (last === ')' && closes > opens) {
      end--;
      closes--;
    } else break;
  }
  return end;
}

function urlAt(line: string, i: number): number | undefined {
  if (line[i] !== 'h' || isWordChar(line[i - 1])) return undefined;
  const scheme = line.startsWith('https://', i) ? 8 : line.startsWith('http://', i) ? 7 : 0;
  if (scheme === 0) return undefined;
  const end = urlEnd(line, i);
  return end > i + scheme ? end : undefined;
}

function tokenizeLine(line: string): Token[] {
  const toks: Token[] = [];
  // Characters as typed run from textStart to i; a token ends them.
  let textStart = 0;
  const flush = (i: number) => {
    if (i > textStart) toks.push({ t: 'text', s: line.slice(textStart, i) });
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '`') {
      const j = line.indexOf('`', i + 1);
      if (j > i + 1) {
        flush(i);
        toks.push({ t: 'code', s: line.slice(i + 1, j) });
        i = textStart = j + 1;
        continue;
      }
      // No closing backtick after this one (or "``"): the characters as typed.
      i = j === -1 ? i + 1 : j + 1;
      continue;
    }
    if (c === 'h') {
      const url = urlAt(line, i);
      if (url !== undefined) {
        flush(i);
        toks.push({ t: 'url', s: line.slice(i, url) });
        i = textStart = url;
        continue;
      }
    }
    if (c === '*' || c === '_' || c === '~') {
      const prev = line[i - 1];
      const next = line[i + 1];
      const open = next !== undefined && !isSpace(next) && next !== c && !isWordChar(prev);
      const close = prev !== undefined && !isSpace(prev) && prev !== c && !isWordChar(next);
      if (open || close) {
        flush(i);
        toks.push({ t: 'mark', ch: c, open, close });
        i = textStart = i + 1;
        continue;
      }
    }
    i++;
  }
  flush(i);
  pairMarks(toks);
  return toks;
}

/**
 * Pairs opening and closing marks, innermost first, so that pairs nest: a closing mark takes the nearest open mark
 * of its kind, and open marks between them stay text (`*a _b* c_`: bold "a _b", then "c_"). Linear: each mark is
 * pushed and popped at most once, and the stack is searched only when it holds a mark of that kind.
 */
function pairMarks(toks: Token[]): void {
  const stack: number[] = [];
  const open: Record<Mark, number> = { '*': 0, _: 0, '~': 0 };
  toks.forEach((tok, k) => {
    if (tok.t !== 'mark') return;
    if (tok.close && open[tok.ch] > 0) {
      for (;;) {
        const top = toks[stack.pop()!] as Extract<Token, { t: 'mark' }>;
        open[top.ch]--;
        if (top.ch === tok.ch) {
          top.pair = 'open';
          tok.pair = 'close';
          return;
        }
      }
    }
    if (tok.open) {
      stack.push(k);
      open[tok.ch]++;
    }
  });
}

/** Code blocks (```…```, over several lines or within one) and, between them, lines of tokens. */
function parse(typed: string): Segment[] {
  const s = (typeof typed === 'string' ? typed : '').replace(/\r\n?/g, '\n');
  const segments: Segment[] = [];
  let text = '';
  const flushText = (beforePre: boolean) => {
    let t = text;
    const last = segments[segments.length - 1];
    // A code block is a block of its own: the line break (and spaces) typed next to its fences go with them.
    if (last?.kind === 'pre') {
      let k = 0;
      while (t[k] === ' ' || t[k] === '\t') k++;
      t = t.slice(t[k] === '\n' ? k + 1 : k);
    }
    if (beforePre) {
      let k = t.length;
      while (t[k - 1] === ' ' || t[k - 1] === '\t') k--;
      t = t.slice(0, t[k - 1] === '\n' ? k - 1 : k);
    }
    if (t !== '' || (!beforePre && last === undefined)) {
      segments.push({ kind: 'lines', lines: t.split('\n').map(tokenizeLine) });
    }
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf('```', i);
    const close = open === -1 ? -1 : s.indexOf('```', open + 3);
    if (close === -1) break;
    let body = s.slice(open + 3, close);
    if (body.trim() === '') {
      text += s.slice(i, close + 3);
      i = close + 3;
      continue;
    }
    text += s.slice(i, open);
    flushText(true);
    if (body.startsWith('\n')) body = body.slice(1);
    if (body.endsWith('\n')) body = body.slice(0, -1);
    segments.push({ kind: 'pre', text: body });
    i = close + 3;
  }
  text += s.slice(i);
  if (text !== '' || segments.length === 0) flushText(false);
  return segments;
}

// ---------------------------------------------------------------------------------------------------------------
// Typed text → Syncro's body (HTML), and → plain words

function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function escapeAttribute(s: string): string {
  return escapeHtml(s).replaceAll('"', '&quot;');
}

/** Spaces that HTML would collapse keep their width: a run of n spaces is one space and n-1 `&nbsp;`. */
function keepSpaces(lineHtml: string): string {
  const kept = lineHtml.replace(/ {2,}/g, (run) => ` ${'&nbsp;'.repeat(run.length - 1)}`);
  return kept.startsWith(' ') ? `&nbsp;${kept.slice(1)}` : kept;
}

function lineHtml(toks: Token[]): string {
  let out = '';
  for (const tok of toks) {
    switch (tok.t) {
      case 'text':
        out += escapeHtml(tok.s);
        break;
      case 'code':
        out += `<code>${escapeHtml(tok.s)}</code>`;
        break;
      case 'url':
        out += `<a href="${escapeAttribute(tok.s)}">${escapeHtml(tok.s)}</a>`;
        break;
      case 'mark':
        out += tok.pair === 'open' ? `<${TAG[tok.ch]}>` : tok.pair === 'close' ? `</${TAG[tok.ch]}>` : tok.ch;
        break;
    }
  }
  return keepSpaces(out);
}

function linePlain(toks: Token[]): string {
  let out = '';
  for (const tok of toks) out += tok.t === 'mark' ? (tok.pair ? '' : tok.ch) : tok.s;
  return out;
}

/**
 * Syncro's comment body (HTML) for what a person typed: every character escaped, Slack's formatting as tags
 * (`<strong>`, `<em>`, `<s>`, `<code>`, `<pre>`), addresses as links, each line break `<br>` and a newline.
 */
export function typedToHtml(typed: string): string {
  return parse(typed)
    .map((seg) =>
      seg.kind === 'pre' ? `<pre>${escapeHtml(seg.text)}</pre>` : seg.lines.map(lineHtml).join('<br>\n'),
    )
    .join('\n');
}

/** The typed words without Slack's formatting marks, lines kept: what a plain-text rendering of the body shows. */
export function typedToPlain(typed: string): string {
  return parse(typed)
    .map((seg) => (seg.kind === 'pre' ? seg.text : seg.lines.map(linePlain).join('\n')))
    .join('\n');
}

/** One line of plain words (a ticket's or a comment's subject): no formatting marks, line breaks as spaces. */
export function plainLine(typed: string): string {
  return typedToPlain(typed).replace(/\s+/g, ' ').trim();
}

/** Slack's text straight to Syncro's body: `typedToHtml(decodeSlack(text))`. */
export function slackToHtml(text: string, people?: PeopleNames): string {
  return typedToHtml(decodeSlack(text, people));
}

// ---------------------------------------------------------------------------------------------------------------
// A body read back (the card's preview of how Syncro shows it)

export interface StyledRun {
  text: string;
  bold?: true;
  italic?: true;
  strike?: true;
  code?: true;
  href?: string;
}

export type BodyBlock = { kind: 'text'; runs: StyledRun[] } | { kind: 'pre'; text: string };

const NUMERIC_OR_AMP = /&(?:#(x[0-9a-f]{1,6}|\d{1,7})|amp);/gi;

/**
 * The entities an HTML body uses, each decoded once: all but `&amp;` first, `&amp;` last (as `decodeEntities`).
 * Other named entities are left as written.
 */
function decodeHtmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  const t = s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&nbsp;', '\u00a0');
  if (!t.includes('&#')) return t.replaceAll('&amp;', '&');
  // Numbers and `&amp;` in one pass, so that neither decodes what the other made (`&#38;lt;`, `&amp;#60;`).
  return t.replace(NUMERIC_OR_AMP, (whole, n: string | undefined) => {
    if (n === undefined) return '&';
    const code = n[0] === 'x' || n[0] === 'X' ? Number.parseInt(n.slice(1), 16) : Number(n);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'ul',
  'ol',
  'li',
  'blockquote',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'table',
  'hr',
]);
const STYLE_OF = new Map<string, 'bold' | 'italic' | 'strike' | 'code'>([
  ['strong', 'bold'],
  ['b', 'bold'],
  ['em', 'italic'],
  ['i', 'italic'],
  ['s', 'strike'],
  ['del', 'strike'],
  ['strike', 'strike'],
  ['code', 'code'],
]);
const TAG_NAME = /^\/?([a-z][a-z0-9]*)/i;
const HREF = /\shref="([^"]*)"/i;

/**
 * A comment body (HTML) read as a browser shows it: styled runs of text and preformatted blocks. Whitespace
 * collapses as HTML collapses it (`&nbsp;` stays), tags other than the formatting ones are dropped (block tags
 * break the line), and a `<` that opens no tag is text. Linear: one pass, the next `>` found once per tag.
 */
export function readBodyHtml(html: string): BodyBlock[] {
  const blocks: BodyBlock[] = [];
  let runs: StyledRun[] = [];
  const depth = { bold: 0, italic: 0, strike: 0, code: 0 };
  const hrefs: Array<string | undefined> = [];
  let atLineStart = true;

  const push = (text: string) => {
    if (text === '') return;
    const run: StyledRun = { text };
    if (depth.bold) run.bold = true;
    if (depth.italic) run.italic = true;
    if (depth.strike) run.strike = true;
    if (depth.code) run.code = true;
    const href = hrefs[hrefs.length - 1];
    if (href) run.href = href;
    const last = runs[runs.length - 1];
    if (last && sameStyle(last, run)) last.text += text;
    else runs.push(run);
  };
  const addText = (raw: string) => {
    let t = decodeHtmlEntities(raw.replace(/[ \t\n\r\f]+/g, ' '));
    if (atLineStart) t = t.replace(/^ /, '');
    if (t === '') return;
    push(t);
    atLineStart = false;
  };
  const trimLineEnd = () => {
    const last = runs[runs.length - 1];
    if (last?.text.endsWith(' ')) {
      let end = last.text.length;
      while (end > 0 && last.text[end - 1] === ' ') end--;
      last.text = last.text.slice(0, end);
      if (last.text === '') runs.pop();
    }
  };
  const lineBreak = () => {
    trimLineEnd();
    push('\n');
    atLineStart = true;
  };
  const blockBreak = () => {
    if (runs.length > 0 && !atLineStart) lineBreak();
  };
  const endRuns = () => {
    trimLineEnd();
    while (runs.length > 0 && runs[runs.length - 1]!.text.endsWith('\n')) {
      const last = runs[runs.length - 1]!;
      last.text = last.text.slice(0, -1);
      if (last.text === '') runs.pop();
    }
    if (runs.length > 0) blocks.push({ kind: 'text', runs });
    runs = [];
    atLineStart = true;
  };

  const s = typeof html === 'string' ? html : '';
  let i = 0;
  let nextGt = -1;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt === -1) break;
    addText(s.slice(i, lt));
    const name = TAG_NAME.exec(s.slice(lt + 1, lt + 12))?.[1]?.toLowerCase();
    if (nextGt <= lt) nextGt = s.indexOf('>', lt + 1);
    if (name === undefined || nextGt === -1) {
      addText('&lt;');
      i = lt + 1;
      continue;
    }
    const tag = s.slice(lt + 1, nextGt);
    const closing = tag.startsWith('/');
    i = nextGt + 1;
    if (name === 'pre' && !closing) {
      const end = s.indexOf('</pre', i);
      const body = end === -1 ? s.slice(i) : s.slice(i, end);
      endRuns();
      blocks.push({
        kind: 'pre',
        text: decodeHtmlEntities(body.replace(/<[^<>]*>/g, '')).replace(/^\n/, ''),
      });
      if (end === -1) return blocks;
      const gt = s.indexOf('>', end);
      i = gt === -1 ? s.length : gt + 1;
      continue;
    }
    const style = STYLE_OF.get(name);
    if (name === 'br') lineBreak();
    else if (BLOCK_TAGS.has(name)) blockBreak();
    else if (style) depth[style] = Math.max(0, depth[style] + (closing ? -1 : 1));
    else if (name === 'a') {
      if (closing) hrefs.pop();
      else hrefs.push(safeHref(decodeHtmlEntities(HREF.exec(tag)?.[1] ?? '')));
    }
  }
  addText(s.slice(i));
  endRuns();
  return blocks;
}

function sameStyle(a: StyledRun, b: StyledRun): boolean {
  return (
    a.bold === b.bold &&
    a.italic === b.italic &&
    a.strike === b.strike &&
    a.code === b.code &&
    a.href === b.href
  );
}

function safeHref(href: string): string | undefined {
  return /^(https?:|mailto:)/i.test(href) ? href : undefined;
}
