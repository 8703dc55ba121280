import type { KnownBlock } from '@slack/types';
import { customerName, type Ticket } from '../../syncro/schemas.js';
import { ACTION } from '../action-ids.js';
import {
  actions,
  codeBlock,
  escapeMrkdwn,
  finalizeMessage,
  header,
  type Message,
  option,
  section,
  staticSelect,
  truncate,
} from '../blocks.js';
import { noSuchPageText, pageSummary, paginationBlocks } from './pagination.js';

export interface TicketListParams {
  title: string;
  /** The tickets of this page, in the order Syncro gave them. */
  tickets: Ticket[];
  page: number;
  totalPages: number;
  /** What the page buttons re-run; without it the list shows its page number but offers no buttons. */
  pageAction?: { kind: string; query?: string };
  /** All matching tickets (Syncro's total_entries), when known: "31 open tickets, page 1 of 2". */
  total?: number;
  /** What the list counts: `open ticket` (default `ticket`). */
  noun?: string;
  /** How to ask for the last page, shown when a page past it was asked for, e.g. `/syncro summary 2`. */
  lastPageCommand?: (lastPage: number) => string;
  /** Shown instead of the list when it is empty. */
  emptyText?: string;
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
  const noun = p.noun ?? 'ticket';
  if (p.tickets.length === 0) {
    // Past the last page Syncro answers an empty list: say that the page does not exist, not that nothing does.
    const pastTheEnd = p.page > 1 && p.totalPages >= 1 && p.page > p.totalPages;
    const text = pastTheEnd
      ? noSuchPageText({
          page: p.page,
          totalPages: p.totalPages,
          total: p.total,
          noun,
          command: p.lastPageCommand?.(p.totalPages),
        })
      : (p.emptyText ?? 'No open tickets. 🎉');
    blocks.push(section(pastTheEnd ? text : escapeMrkdwn(text)));
    return finalizeMessage(blocks, `${p.title}: ${pastTheEnd ? text : (p.emptyText ?? 'No open tickets.')}`);
  }
  blocks.push(...codeBlock(formatTicketLines(p.tickets).join('\n')));
  blocks.push(openTicketBlock(p.tickets));
  blocks.push(...paginationBlocks({ ...p, count: p.tickets.length, noun }));
  const summary = pageSummary({ ...p, count: p.tickets.length, noun });
  return finalizeMessage(blocks, `${p.title}: ${summary}`);
}

/** One pick opens any ticket of the page (its detail view), so nobody has to retype a number from the list. */
export function openTicketBlock(tickets: Ticket[]): KnownBlock {
  return actions(
    [
      staticSelect({
        actionId: ACTION.openTicket,
        placeholder: 'Open a ticket…',
        options: tickets.map((t) => {
          const number = String(t.number).replace(/^#/, '');
          return option(`#${number} · ${oneLine(t.subject)}`, number);
        }),
      }),
    ],
    'ticket_list_open',
  );
}

function fitColumn(s: string, width: number): string {
  return truncate(oneLine(s), width).padEnd(width);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
