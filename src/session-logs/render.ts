import { customerSlug } from './slug.js';

/**
 * A session log as Markdown: what a technician would write up after the work (the reference command's "session
 * log entry … documenting what was resolved"), from facts read from Syncro and from the action that finished.
 * Pure: the same facts always give the same file.
 */

export interface SessionLogComment {
  subject: string;
  /** Plain text (HTML already turned into text). */
  body: string;
  /** Who wrote it, as Syncro names them (may be unknown). */
  author?: string;
  /** Epoch ms. */
  at: number;
  hidden: boolean;
}

export interface SessionLogFacts {
  ticket: { number: string; subject: string; status?: string };
  customer: { id?: number; name: string };
  /** What was reported: the ticket's first comment (Syncro's "Initial Issue"), if any. */
  reported?: string;
  comments: SessionLogComment[];
  resolution?: string;
  /** Time billed by the action (a billing), with its invoice number once known. */
  billed?: { minutes: number; hours: number; labour: string; product: string; invoiceNumber?: string };
  /** Billable lines on the ticket (name, hours), for a close that billed nothing itself. */
  lines?: Array<{ name: string; quantity: number }>;
  technician: { name: string; email: string };
  /** A text longer than `maxChars` was cut (it ends with `…`): the log says so, and where the whole text is. */
  cut?: { maxChars: number };
  /** The day of the work (YYYY-MM-DD, in the configured time zone) and the instant it was logged. */
  date: string;
  loggedAt: number;
}

/** The day `at` falls on in `timeZone`, as YYYY-MM-DD. */
export function localDate(at: number, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));
}

/**
 * Where a session log goes in the repository: `clients/<customer-slug>/session-logs/<YYYY-MM-DD>-<number>.md`,
 * or `…-<number>-<n>.md` for the n-th log of the same ticket on the same day (a close, then a billing).
 */
export function sessionLogPath(
  customer: { id?: number; name: string },
  date: string,
  number: string,
  nth = 1,
): string {
  const suffix = nth > 1 ? `-${nth}` : '';
  return `clients/${customerSlug(customer.name, customer.id)}/session-logs/${date}-${fileSafe(number)}${suffix}.md`;
}

/** The file name alone (an upload to Slack). */
export function sessionLogFileName(date: string, number: string): string {
  return `${date}-${fileSafe(number)}.md`;
}

function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '-');
}

/** One line of Markdown text: no line breaks, and no character that would start a heading or a list. */
function inline(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** A block of text kept as written, quoted so that its own Markdown cannot break the log's headings. */
function quoted(s: string): string {
  const text = s.replace(/\r\n?/g, '\n').trim();
  if (!text) return '> (empty)';
  return text
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

function hoursText(h: number): string {
  return Number.isInteger(h) ? h.toFixed(1) : String(Math.round(h * 100) / 100);
}

function utcStamp(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function renderSessionLog(f: SessionLogFacts): string {
  const out: string[] = [];
  out.push(`# Session log: ticket #${inline(f.ticket.number)} — ${inline(f.ticket.subject)}`, '');
  out.push(`- **Date:** ${f.date}`);
  out.push(`- **Customer:** ${inline(f.customer.name)}`);
  out.push(`- **Ticket:** #${inline(f.ticket.number)} ${inline(f.ticket.subject)}`);
  if (f.ticket.status) out.push(`- **Status:** ${inline(f.ticket.status)}`);
  out.push(`- **Technician:** ${inline(f.technician.name)} <${inline(f.technician.email)}>`);
  out.push('');
  if (f.cut)
    out.push(
      `> **Cut:** a text below was longer than ${f.cut.maxChars.toLocaleString('en-US')} characters and ends with …;` +
        ` the whole text is on ticket #${inline(f.ticket.number)} in Syncro.`,
      '',
    );

  out.push('## Reported', '', f.reported ? quoted(f.reported) : '(nothing recorded)', '');

  out.push('## Comments', '');
  if (f.comments.length === 0) out.push('(none)', '');
  for (const c of [...f.comments].sort((a, b) => a.at - b.at)) {
    const who = c.author ? ` — ${inline(c.author)}` : '';
    const hidden = c.hidden ? ' (private)' : '';
    out.push(
      `### ${utcStamp(c.at)} · ${inline(c.subject) || 'Comment'}${hidden}${who}`,
      '',
      quoted(c.body),
      '',
    );
  }

  out.push('## Resolution', '', f.resolution ? quoted(f.resolution) : '(none recorded)', '');

  out.push('## Time billed', '');
  if (f.billed) {
    const b = f.billed;
    out.push(`- ${b.minutes} min (${hoursText(b.hours)} h) ${inline(b.labour)} — ${inline(b.product)}`);
    out.push(`- Invoice: ${b.invoiceNumber ? `#${inline(b.invoiceNumber)}` : '(no invoice number)'}`);
  } else if (f.lines && f.lines.length > 0) {
    for (const l of f.lines) out.push(`- ${hoursText(l.quantity)} × ${inline(l.name)} (on the ticket)`);
    out.push('- Invoice: (not invoiced by this close)');
  } else {
    out.push('- (no time billed)');
  }
  out.push('');
  out.push(`_Logged ${utcStamp(f.loggedAt)} by ${inline(f.technician.name)} from Slack._`, '');
  return out.join('\n');
}
