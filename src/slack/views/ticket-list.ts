import type { KnownBlock } from '@slack/types';
import { customerName, type Ticket } from '../../syncro/schemas.js';
import {
  codeBlock,
  escapeMrkdwn,
  finalizeMessage,
  header,
  type Message,
  section,
  truncate,
} from '../blocks.js';
import { paginationBlocks } from './pagination.js';

export interface TicketListParams {
  title: string;
  /** The tickets of this page, in the order Syncro gave them. */
  tickets: Ticket[];
  page: number;
  totalPages: number;
  /** What the page buttons re-run; without it the list shows its page number but offers no buttons. */
  pageAction?: { kind: string; query?: string };
  /** Shown instead of the list when it is empty. */
  emptyText?: string;
  sandbox: boolean;
}

const STATUS_MIN = 10;
const STATUS_MAX = 20;
const CUSTOMER_WIDTH = 22;
const SUBJECT_MAX = 80;

/** The name a ticket's customer is known by. */
export function ticketCustomerName(t: Ticket): string {
  if (t.customer_business_then_name) return t.customer_business_then_name;
  return t.customer ? customerName(t.customer) : '—';
}

/**
 * The list as aligned plain-text lines, like the terminal command:
 * `#32164  New        Jerry Burger           Own cloud thing again`.
 * Columns are padded on the raw text (escape afterwards), so what a person sees lines up.
 */
export function formatTicketLines(tickets: Ticket[]): string[] {
  const numbers = tickets.map((t) => `#${String(t.number).replace(/^#/, '')}`);
  const numberWidth = Math.max(0, ...numbers.map((n) => n.length));
  const statusWidth = Math.min(STATUS_MAX, Math.max(STATUS_MIN, ...tickets.map((t) => t.status.length)));
  return tickets.map((t, i) =>
    [
      (numbers[i] ?? '').padEnd(numberWidth),
      '  ',
      fitColumn(t.status, statusWidth),
      ' ',
      fitColumn(ticketCustomerName(t), CUSTOMER_WIDTH),
      ' ',
      truncate(oneLine(t.subject), SUBJECT_MAX),
    ]
      .join('')
      .trimEnd(),
  );
}

/** A page of tickets in one aligned code block (split into several sections when long), with page buttons. */
export function ticketListView(p: TicketListParams): Message {
  const blocks: KnownBlock[] = [header(p.title)];
  if (p.tickets.length === 0) {
    blocks.push(section(escapeMrkdwn(p.emptyText ?? 'No open tickets. 🎉')));
    return finalizeMessage(blocks, `${p.title}: ${p.emptyText ?? 'No open tickets.'}`, {
      sandbox: p.sandbox,
    });
  }
  blocks.push(...codeBlock(formatTicketLines(p.tickets).join('\n')));
  blocks.push(...paginationBlocks({ ...p, count: p.tickets.length, noun: 'ticket' }));
  return finalizeMessage(
    blocks,
    `${p.title}: ${p.tickets.length} ticket(s), page ${p.page} of ${p.totalPages}`,
    {
      sandbox: p.sandbox,
    },
  );
}

function fitColumn(s: string, width: number): string {
  return truncate(oneLine(s), width).padEnd(width);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
