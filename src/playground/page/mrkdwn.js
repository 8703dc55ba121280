/**
 * Slack mrkdwn → HTML, as the Slack client shows it. The sender escapes `&`, `<` and `>` as `&amp;` `&lt;`
 * `&gt;`; a raw `<…>` is a control sequence: a link `<url|label>`, a mention `<@U…>`, a channel `<#C…|name>`,
 * `<!here>`, or a date `<!date^seconds^format|fallback>` shown in the reader's time. Then *bold*, _italic_,
 * ~strike~, `code`, ```pre```, `>` quotes and a few emoji. Everything else is text (HTML-escaped).
 */

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Undoes Slack's three escapes (the only entities Slack text contains). */
export function decodeSlack(text) {
  return String(text).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  lock: '🔒',
  unlock: '🔓',
  memo: '📝',
  receipt: '🧾',
  moneybag: '💰',
  dollar: '💵',
  ticket: '🎫',
  bust_in_silhouette: '👤',
  busts_in_silhouette: '👥',
  information_source: 'ℹ️',
  mag: '🔍',
  link: '🔗',
  pencil: '✏️',
  pencil2: '✏️',
  clock3: '🕒',
  stopwatch: '⏱️',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  construction: '🚧',
  test_tube: '🧪',
  question: '❓',
  speech_balloon: '💬',
  email: '📧',
  envelope: '✉️',
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  large_blue_circle: '🔵',
  white_circle: '⚪',
  arrows_counterclockwise: '🔄',
  eyes: '👀',
  tada: '🎉',
  rotating_light: '🚨',
  card_index_dividers: '🗂️',
  clipboard: '📋',
  bulb: '💡',
};

export function emoji(text) {
  return String(text).replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function ordinal(n) {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function time(d, secs) {
  const h = d.getHours() % 12 || 12;
  return `${h}:${pad(d.getMinutes())}${secs ? `:${pad(d.getSeconds())}` : ''} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

function pretty(d, now, otherwise) {
  if (sameDay(d, now)) return 'Today';
  const y = new Date(now);
  y.setDate(y.getDate() - 1);
  if (sameDay(d, y)) return 'Yesterday';
  const t = new Date(now);
  t.setDate(t.getDate() + 1);
  if (sameDay(d, t)) return 'Tomorrow';
  return otherwise;
}

function ago(d, now) {
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  const abs = Math.abs(s);
  const [n, unit] =
    abs < 60
      ? [abs, 'second']
      : abs < 3600
        ? [Math.round(abs / 60), 'minute']
        : abs < 86400
          ? [Math.round(abs / 3600), 'hour']
          : [Math.round(abs / 86400), 'day'];
  const words = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return s >= 0 ? `${words} ago` : `in ${words}`;
}

/** Slack's `<!date^…>` format tokens, in the reader's local time. */
export function formatSlackDate(seconds, format, now = new Date()) {
  const d = new Date(seconds * 1000);
  const dateNum = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const date = `${MONTHS[d.getMonth()]} ${ordinal(d.getDate())}, ${d.getFullYear()}`;
  const dateShort = `${MONTHS[d.getMonth()].slice(0, 3)} ${d.getDate()}, ${d.getFullYear()}`;
  const dateLong = `${DAYS[d.getDay()]}, ${date}`;
  const tokens = {
    date_num: dateNum,
    date,
    date_short: dateShort,
    date_long: dateLong,
    date_pretty: pretty(d, now, date),
    date_short_pretty: pretty(d, now, dateShort),
    date_long_pretty: pretty(d, now, dateLong),
    time: time(d, false),
    time_secs: time(d, true),
    ago: ago(d, now),
  };
  return format.replace(/\{([a-z_]+)\}/g, (m, name) => tokens[name] ?? m);
}

/**
 * One control sequence `<…>` (without the brackets) → HTML. `people` maps user ids to names.
 */
function control(inner, ctx) {
  const bar = inner.indexOf('|');
  const head = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  if (head.startsWith('@')) {
    const id = head.slice(1);
    const name = ctx.people?.[id] ?? label ?? id;
    return `<span class="mention">@${escapeHtml(decodeSlack(name))}</span>`;
  }
  if (head.startsWith('#')) {
    return `<span class="mention">#${escapeHtml(decodeSlack(label ?? head.slice(1)))}</span>`;
  }
  if (head.startsWith('!date^')) {
    const [, secs, format, link] = head.split('^');
    const n = Number(secs);
    if (!Number.isFinite(n) || format === undefined) return escapeHtml(decodeSlack(label ?? inner));
    const text = escapeHtml(formatSlackDate(n, decodeSlack(format), ctx.now ?? new Date()));
    const iso = new Date(n * 1000).toISOString();
    const shown = `<time datetime="${iso}" title="${iso}">${text}</time>`;
    return link
      ? `<a href="${escapeHtml(safeUrl(decodeSlack(link)))}" target="_blank" rel="noreferrer">${shown}</a>`
      : shown;
  }
  if (head.startsWith('!')) {
    const what = head.slice(1).split('^')[0];
    return `<span class="mention">@${escapeHtml(label ?? what)}</span>`;
  }
  const url = decodeSlack(head);
  const text = label === undefined ? url.replace(/^mailto:/, '') : decodeSlack(label);
  return `<a href="${escapeHtml(safeUrl(url))}" target="_blank" rel="noreferrer">${escapeHtml(text)}</a>`;
}

/** Only web and mail links are followed; anything else (javascript:, data:) becomes inert. */
export function safeUrl(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : '#';
}

const BOLD = /(^|[\s(>_~"'\uE000])\*(?=\S)([^*\n]*?[^\s*])\*(?=$|[\s.,:;!?)<_~"'\uE000])/g;
const ITALIC = /(^|[\s(>*~"'\uE000])_(?=\S)([^_\n]*?[^\s_])_(?=$|[\s.,:;!?)<*~"'\uE000])/g;
const STRIKE = /(^|[\s(>*_"'\uE000])~(?=\S)([^~\n]*?[^\s~])~(?=$|[\s.,:;!?)<*_"'\uE000])/g;

function inline(text, ctx) {
  // Pull out code and control sequences first, so that formatting never reaches inside them.
  const held = [];
  const hold = (html) => {
    held.push(html);
    return `\uE000${held.length - 1}\uE000`;
  };
  let t = text.replace(/`([^`\n]+)`/g, (_m, code) => hold(`<code>${escapeHtml(decodeSlack(code))}</code>`));
  t = t.replace(/<([^<>\n]+)>/g, (_m, inner) => hold(control(inner, ctx)));
  t = escapeHtml(decodeSlack(t));
  for (let i = 0; i < 2; i++) {
    t = t.replace(BOLD, '$1<b>$2</b>').replace(ITALIC, '$1<i>$2</i>').replace(STRIKE, '$1<s>$2</s>');
  }
  t = emoji(t);
  return t.replace(/\uE000(\d+)\uE000/g, (_m, i) => held[Number(i)]);
}

/** mrkdwn → HTML. `ctx.people` names users for mentions; `ctx.now` is "now" for relative dates. */
export function mrkdwn(text, ctx = {}) {
  const parts = String(text ?? '').split(/```/);
  let html = '';
  parts.forEach((part, i) => {
    if (i % 2 === 1 && i < parts.length - 1) {
      html += `<pre>${escapeHtml(decodeSlack(part.replace(/^\n/, '')))}</pre>`;
      return;
    }
    const chunk = i % 2 === 1 ? `\`\`\`${part}` : part;
    const lines = chunk.split('\n');
    let quote = [];
    const out = [];
    const flush = () => {
      if (quote.length) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
      quote = [];
    };
    for (const line of lines) {
      const q = /^(&gt;|>)\s?(.*)$/.exec(line);
      if (q) quote.push(inline(q[2], ctx));
      else {
        flush();
        out.push(inline(line, ctx));
      }
    }
    flush();
    html += out
      .join('<br>')
      .replace(/<br>(<blockquote>)/g, '$1')
      .replace(/(<\/blockquote>)<br>/g, '$1');
  });
  return html;
}

/** plain_text → HTML (`emoji: true` turns :shortcodes: into emoji, as Slack does). */
export function plainText(obj) {
  if (!obj) return '';
  const text = typeof obj === 'string' ? obj : (obj.text ?? '');
  const escaped = escapeHtml(text);
  return obj.emoji === false ? escaped : emoji(escaped);
}

/** A text object (plain_text or mrkdwn) → HTML. */
export function textObject(obj, ctx = {}) {
  if (!obj) return '';
  if (obj.type === 'mrkdwn')
    return obj.verbatim ? escapeHtml(decodeSlack(obj.text)).replace(/\n/g, '<br>') : mrkdwn(obj.text, ctx);
  return plainText(obj).replace(/\n/g, '<br>');
}
