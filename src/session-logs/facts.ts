import type { BillDraft } from '../actions/kinds/billing.js';
import type { CloseDraft } from '../actions/kinds/close.js';
import { isSentComment } from '../actions/kinds/comment.js';
import type { PendingAction } from '../actions/types.js';
import { type Comment, customerName, type Ticket } from '../syncro/schemas.js';
import { readHtml } from '../text/html.js';
import { localDate, type SessionLogFacts } from './render.js';

/**
 * The facts of a session log, from the finished action (its resolution, what it billed, the invoice number its
 * create_invoice step got back) and one read of the ticket (GET /tickets/{id} holds its comments and lines).
 * Pure.
 */

/**
 * The most of each text (a comment, what was reported, the resolution) a session log keeps: 200,000 characters of
 * input, far more than the 20,000 a Slack view reads (a log is the record), still bounded. A longer text ends with
 * `…` and the log says it was cut, pointing at the ticket.
 */
export const SESSION_LOG_MAX_TEXT = 200_000;

export interface SessionLogSource {
  action: PendingAction & { draft: CloseDraft | BillDraft };
  ticket: Ticket;
  technician: { name: string; email: string };
  timeZone: string;
  now: number;
}

/** When the action finished (its last step), for the log's date. */
export function finishedAt(a: PendingAction): number {
  const times = a.steps.map((s) => s.finishedAt).filter((t): t is number => typeof t === 'number');
  return times.length > 0 ? Math.max(...times) : a.updatedAt;
}

function invoiceNumberOf(a: PendingAction): string | undefined {
  const o = a.steps.find((s) => s.op === 'create_invoice')?.outcome;
  return o && (o.code === 'done' || o.code === 'found') ? o.invoiceNumber : undefined;
}

/** The comment the action itself posted (the resolution), so that it is not listed twice. */
function ownCommentId(a: PendingAction): number | undefined {
  return a.steps.find((s) => s.op === 'add_comment')?.resultId;
}

/** The resolution as it was sent (Syncro's HTML body), not as typed: the log says what the ticket says. */
function sentResolution(a: PendingAction): string | undefined {
  const step = a.steps.find((s) => s.op === 'add_comment');
  return step?.op === 'add_comment' ? step.body.body : undefined;
}

export function sessionLogFacts(src: SessionLogSource): SessionLogFacts {
  const { action: a, ticket: t } = src;
  const d = a.draft;
  const own = ownCommentId(a);
  let cut = false;
  const htmlToText = (html: string | null | undefined): string => {
    const r = readHtml(html, SESSION_LOG_MAX_TEXT);
    cut ||= r.clipped;
    return r.text;
  };
  const resolution = sentResolution(a) ?? (d.kind === 'close_ticket' ? d.resolution?.body : d.comment.body);
  const step = a.steps.find((s) => s.op === 'add_comment');
  // The comment this action posted is the log's Resolution: never what was reported, nor listed again. Known by
  // its id, or (an id not read back) as the comment step's read-back knows it: the subject and body it sent.
  const isOwn = (c: Comment) =>
    c.id === own || (own === undefined && step?.op === 'add_comment' && isSentComment(c, step));
  const comments = [...(t.comments ?? [])]
    .filter((c) => !isOwn(c))
    .sort((x, y) => Date.parse(x.created_at) - Date.parse(y.created_at) || x.id - y.id);
  // What was reported is the ticket's "Initial Issue" (Syncro's first comment on a ticket made with a
  // description); a ticket made without one has none, and its other comments are all listed as comments.
  const first = comments.find((c) => (c.subject ?? '').trim().toLowerCase() === 'initial issue');
  const rest = comments.filter((c) => c !== first);
  const customer = t.customer_business_then_name ?? (t.customer ? customerName(t.customer) : undefined);
  const facts: SessionLogFacts = {
    ticket: { number: String(t.number), subject: t.subject, status: t.status },
    customer: {
      ...(t.customer_id != null ? { id: t.customer_id } : {}),
      name: customer ?? a.ticket?.customerName ?? '(unknown customer)',
    },
    ...(first ? { reported: htmlToText(first.body) } : {}),
    comments: rest.map((c) => ({
      subject: c.subject ?? '',
      body: htmlToText(c.body),
      ...(c.tech ? { author: c.tech } : {}),
      at: Date.parse(c.created_at),
      hidden: c.hidden === true,
    })),
    ...(resolution ? { resolution: htmlToText(resolution) } : {}),
    ...(d.kind === 'bill'
      ? {
          billed: {
            minutes: d.billing.billableMinutes ?? d.billing.minutes,
            hours: d.billing.quantity,
            labour: d.billing.laborLabel,
            product: d.billing.productName,
            ...(invoiceNumberOf(a) ? { invoiceNumber: invoiceNumberOf(a) } : {}),
          },
        }
      : {
          lines: (t.line_items ?? []).map((l) => ({
            name: l.name ?? '(no name)',
            quantity: Number(l.quantity),
          })),
        }),
    technician: src.technician,
    date: localDate(finishedAt(a), src.timeZone),
    loggedAt: src.now,
  };
  return cut ? { ...facts, cut: { maxChars: SESSION_LOG_MAX_TEXT } } : facts;
}

/** The author's email: Syncro's for the technician, else name@domain, else a local placeholder. */
export function authorEmail(
  name: string,
  syncroEmail: string | undefined,
  domain: string | undefined,
): string {
  if (syncroEmail) return syncroEmail;
  const local =
    name
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.+|\.+$/g, '') || 'technician';
  return `${local}@${domain ?? 'syncro-slack.invalid'}`;
}
