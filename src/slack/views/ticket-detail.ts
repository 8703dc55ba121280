import type { KnownBlock } from '@slack/types';
import { lineBilling } from '../../actions/kinds/remove-line-item.js';
import type { Comment, Invoice, LineItem, Ticket } from '../../syncro/schemas.js';
import { htmlToText, readHtml } from '../../text/html.js';
import type { RunningTimer } from '../../timers/timer-store.js';
import { ACTION } from '../action-ids.js';
import {
  actions,
  button,
  context,
  divider,
  escapeMrkdwn,
  fields,
  finalizeMessage,
  header,
  link,
  type Message,
  section,
  sections,
  truncate,
} from '../blocks.js';
import { hours, invoiceUrl, money, syncroDate, ticketNo, ticketUrl } from './format.js';
import { ticketCustomerName } from './ticket-list.js';
import { ticketTimerBlocks } from './timers.js';

export interface TicketDetailParams {
  ticket: Ticket;
  /** Syncro's web address, e.g. https://acme.syncromsp.com */
  webBaseUrl: string;
  now: number;
  /** The ticket's running timers (kept by the bot) and who is looking: "⏱ running 0:32 for you". */
  timers?: RunningTimer[];
  viewer?: string;
  /**
   * The ticket's invoices (`GET /invoices?ticket_id=`), when they were read: `more` when Syncro has further pages;
   * 'unavailable' when the read failed. Not given: not read (no line item invoiced), and no section is shown.
   */
  invoices?: { items: Invoice[]; more: boolean } | 'unavailable';
}

/** What a line's Remove button carries: the ticket's id and the line's (read again before anything is proposed). */
export interface RemoveLineRef {
  ticketId: number;
  lineItemId: number;
}

export function removeLineValue(ref: RemoveLineRef): string {
  return JSON.stringify({ ticketId: ref.ticketId, lineItemId: ref.lineItemId });
}

/** Reads a Remove button's value; undefined when it is not one of ours. */
export function parseRemoveLineValue(value: string): RemoveLineRef | undefined {
  try {
    const v: unknown = JSON.parse(value);
    if (typeof v !== 'object' || v === null) return undefined;
    const { ticketId, lineItemId } = v as Record<string, unknown>;
    const isId = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;
    return isId(ticketId) && isId(lineItemId) ? { ticketId, lineItemId } : undefined;
  } catch {
    return undefined;
  }
}

/** How many comments the view shows (most recent first), like the terminal command. */
export const COMMENTS_SHOWN = 5;
const COMMENT_BODY_MAX = 1200;
const LINE_ITEMS_SHOWN = 20;
const CLOSED_STATUSES = /^(resolved|closed|invoiced)$/i;

/**
 * One ticket: number, subject, status, priority, customer and contact, dates, assignee, the last five comments
 * newest first, line items with their billing status, and the buttons that start a write (each opens a modal or
 * a card; nothing is written from here).
 */
export function ticketDetailView(p: TicketDetailParams): Message {
  const t = p.ticket;
  const number = String(t.number).replace(/^#/, '');
  const blocks: KnownBlock[] = [header(`${ticketNo(number)} · ${t.subject}`)];

  const due = t.due_date ? Date.parse(t.due_date) : Number.NaN;
  const overdue = !Number.isNaN(due) && due < p.now && !CLOSED_STATUSES.test(t.status) ? ' ⚠️ overdue' : '';
  const summary: Array<[string, string]> = [
    ['Status', t.status],
    ['Priority', t.priority || '—'],
    ['Customer', ticketCustomerName(t)],
    ['Contact', t.contact?.name || '—'],
  ];
  const billingStatus = (t as Record<string, unknown>).billing_status;
  blocks.push(
    ...fields([
      ...summary.map(([label, value]) => `*${label}*\n${escapeMrkdwn(value)}`),
      `*Created*\n${syncroDate(t.created_at)}`,
      `*Due*\n${syncroDate(t.due_date)}${overdue}`,
      `*Updated*\n${syncroDate(t.updated_at)}`,
      `*Assigned tech*\n${escapeMrkdwn(assignee(t))}`,
      ...(t.problem_type ? [`*Problem type*\n${escapeMrkdwn(t.problem_type)}`] : []),
      ...(typeof billingStatus === 'string' && billingStatus
        ? [`*Billing*\n${escapeMrkdwn(billingStatus)}`]
        : []),
    ]),
  );

  blocks.push(divider(), ...commentBlocks(t.comments ?? []));
  const invoices = p.invoices === 'unavailable' ? [] : (p.invoices?.items ?? []);
  blocks.push(divider(), ...lineItemBlocks(t, p.webBaseUrl, invoices));
  if (p.invoices) blocks.push(...invoiceBlocks(p.invoices, p.webBaseUrl));

  blocks.push(
    actions([
      button({ text: 'Open in Syncro', actionId: ACTION.openLink, url: ticketUrl(p.webBaseUrl, t.id) }),
      button({ text: 'Comment', actionId: ACTION.ticketComment, value: number }),
      button({ text: 'Update status', actionId: ACTION.ticketStatus, value: number }),
      button({ text: 'Close', actionId: ACTION.ticketClose, value: number }),
      button({ text: 'Bill', actionId: ACTION.ticketBill, value: number }),
    ]),
  );
  blocks.push(...timerSection(p, number));
  return finalizeMessage(blocks, `${ticketNo(number)} ${t.status}: ${t.subject}`);
}

/** Timers: the viewer's own ("⏱ running 0:32 for you"), others', and Start or Stop. */
function timerSection(p: TicketDetailParams, number: string): KnownBlock[] {
  if (!p.timers) return [];
  return ticketTimerBlocks({
    ticketNumber: number,
    timers: p.timers,
    now: p.now,
    ...(p.viewer ? { viewer: p.viewer } : {}),
  });
}

function assignee(t: Ticket): string {
  if (t.user?.full_name) return t.user.full_name;
  // Syncro gave the assignee's id without a name: the id means nothing to a person.
  if (t.user_id) return 'someone not known to the bot';
  return 'Unassigned';
}

/** The most recent comments first; a comment without a readable date sorts last. */
export function latestComments(comments: Comment[], n = COMMENTS_SHOWN): Comment[] {
  const at = (c: Comment) => {
    const ms = Date.parse(c.created_at);
    return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
  };
  return [...comments].sort((a, b) => at(b) - at(a)).slice(0, n);
}

function commentBlocks(comments: Comment[]): KnownBlock[] {
  if (comments.length === 0) return [section('*Comments*\nNo comments yet.')];
  const shown = latestComments(comments);
  const out: KnownBlock[] = [
    section(
      comments.length > shown.length
        ? `*Comments* — the ${shown.length} most recent of ${comments.length}, newest first`
        : `*Comments* — newest first`,
    ),
  ];
  for (const c of shown) {
    const head = [
      `*${escapeMrkdwn(c.subject || '(no subject)')}*`,
      c.tech ? escapeMrkdwn(c.tech) : undefined,
      syncroDate(c.created_at),
      c.hidden ? '🔒 private' : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    const { text, clipped } = readHtml(c.body ?? '');
    const cut = text.length > COMMENT_BODY_MAX;
    // A body longer than what is read (MAX_RENDERED) has more than can be counted here.
    const more = clipped
      ? ' _(more in Syncro)_'
      : cut
        ? ` _(${text.length - COMMENT_BODY_MAX + 1} more characters in Syncro)_`
        : '';
    const body = `${escapeMrkdwn(cut ? truncate(text, COMMENT_BODY_MAX) : text)}${more}`;
    out.push(section(body ? `${head}\n${body}` : head));
  }
  return out;
}

/**
 * One section per line (the first carries the heading); a line not yet invoiced has Remove, an invoiced one has
 * none: invoiced lines stay on the ticket.
 */
function lineItemBlocks(t: Ticket, webBaseUrl: string, invoices: Invoice[]): KnownBlock[] {
  const items = t.line_items ?? [];
  if (items.length === 0) return [section('*Line items*\nNo line items.')];
  const shown = items.slice(0, LINE_ITEMS_SHOWN);
  const out: KnownBlock[] = shown.map((li, i) => {
    const text = `${i === 0 ? '*Line items*\n' : ''}${lineItemLine(li, webBaseUrl, invoices)}`;
    if (lineBilling(li) !== 'not_invoiced') return section(text);
    return section(text, {
      accessory: button({
        text: 'Remove',
        actionId: ACTION.ticketRemoveLine,
        value: removeLineValue({ ticketId: t.id, lineItemId: li.id }),
      }),
    });
  });
  const notes: string[] = [];
  if (items.length > LINE_ITEMS_SHOWN) notes.push(`… and ${items.length - LINE_ITEMS_SHOWN} more in Syncro`);
  if (shown.some((li) => lineBilling(li) === 'invoiced'))
    notes.push('Invoiced line items have no Remove: they stay on the ticket.');
  if (notes.length > 0) out.push(context(notes));
  return out;
}

function lineItemLine(li: LineItem, webBaseUrl: string, invoices: Invoice[]): string {
  const name = escapeMrkdwn(truncate(li.name || '(no name)', 150));
  const qty = hours(li.quantity);
  const rate = li.price_retail ?? null;
  const amount =
    rate === null ? `${qty} × (rate not set)` : `${qty} × ${money(rate)} = ${money(li.quantity * rate)}`;
  const parts = [`• *${name}* — ${amount}`];
  if (li.taxable !== null && li.taxable !== undefined) parts.push(li.taxable ? 'taxable' : 'not taxable');
  const billing = lineItemBilling(li, webBaseUrl, invoices);
  if (billing) parts.push(billing);
  const description = li.description
    ? `\n    ${escapeMrkdwn(truncate(htmlToText(li.description), 300))}`
    : '';
  return `${parts.join(' · ')}${description}`;
}

/** Billing status from the line item's own fields, when Syncro sent them. */
function lineItemBilling(li: LineItem, webBaseUrl: string, invoices: Invoice[]): string | undefined {
  const raw = li as Record<string, unknown>;
  // A line item knows its invoice's id, not its number: the id stays inside the link.
  if (typeof li.invoice_id === 'number') {
    const inv = invoices.find((i) => i.id === li.invoice_id);
    const label = inv?.number != null ? `invoice #${inv.number}` : 'open the invoice';
    return `invoiced (${link(invoiceUrl(webBaseUrl, li.invoice_id), label)})`;
  }
  if (li.invoice_id === null) return 'not invoiced yet';
  if (typeof raw.invoiced === 'boolean') return raw.invoiced ? 'invoiced' : 'not invoiced yet';
  // Syncro marks a ticket line item `converted` once it has been pulled into an invoice.
  if (typeof li.converted === 'boolean') return li.converted ? 'invoiced' : 'not invoiced yet';
  return undefined;
}

/** The ticket's invoices: number (linked; the id stays inside the link), date and total. */
function invoiceBlocks(
  invoices: NonNullable<TicketDetailParams['invoices']>,
  webBaseUrl: string,
): KnownBlock[] {
  if (invoices === 'unavailable')
    return [section('*Invoices*\nSyncro could not be read for the invoices just now.')];
  if (invoices.items.length === 0) return [section('*Invoices*\nNo invoices for this ticket.')];
  const lines = invoices.items.map((inv) => {
    const label = inv.number != null ? `Invoice #${inv.number}` : 'Invoice (no number)';
    const total = inv.total != null ? money(inv.total) : 'total not given';
    return `• ${link(invoiceUrl(webBaseUrl, inv.id), label)} · ${invoiceDate(inv)} · ${total}`;
  });
  if (invoices.more) lines.push('… more in Syncro');
  return sections(`*Invoices*\n${lines.join('\n')}`);
}

/** An invoice's date is a day (midnight UTC): shown as that day, not moved into the reader's time zone. */
function invoiceDate(inv: Invoice): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(inv.date ?? '')?.[0];
  if (day) return day;
  return syncroDate(inv.date || inv.created_at, '{date_short}');
}
