import { lineBilling } from '../../actions/kinds/remove-line-item.js';
import { HELP_TOPICS, helpCommandNames, USAGE } from '../../commands/parse.js';
import type { CommandOf } from '../../commands/types.js';
import type { Page, SyncroApi } from '../../syncro/api.js';
import type { Invoice, Ticket } from '../../syncro/schemas.js';
import type { Message } from '../blocks.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { customerListView } from '../views/customer-list.js';
import { auditView, helpView, whoamiView } from '../views/replies.js';
import { ticketDetailView } from '../views/ticket-detail.js';
import { ticketListView } from '../views/ticket-list.js';

/**
 * Read commands: answered privately to the person who asked, with their read identity (own key, else the
 * shared key). Errors are thrown to the dispatcher, which turns them into plain replies.
 */

/** Syncro's own filter for everything not Resolved/Closed (the reference's "open tickets summary"). */
export const OPEN_STATUS_FILTER = 'Not Closed';

/** Where a list page stands, as Syncro said (or the page asked for, when it said nothing). */
interface PageFacts {
  page: number;
  totalPages: number;
  total: number | undefined;
}

/**
 * The one shape of every paginated list reply: read one page with the person's read key, show it privately, and
 * replace the list in place when a page button asked for it.
 */
async function replyWithPage<T>(
  ctx: BotContext,
  to: ReplyTarget,
  p: { page: number; replace: boolean },
  read: (api: SyncroApi) => Promise<Page<T>>,
  view: (items: T[], facts: PageFacts) => Message,
): Promise<void> {
  const { api } = await ctx.identities.forRead(to.userId);
  const res = await read(api);
  const facts: PageFacts = {
    page: res.meta?.page ?? p.page,
    totalPages: res.meta?.total_pages ?? 1,
    total: res.meta?.total_entries ?? undefined,
  };
  await ctx.reply(to, { ...view(res.items, facts), response_type: 'ephemeral', replace_original: p.replace });
}

export function showSummary(ctx: BotContext, to: ReplyTarget, page = 1, replace = false): Promise<void> {
  return replyWithPage(
    ctx,
    to,
    { page, replace },
    (api) => api.listTickets({ status: OPEN_STATUS_FILTER, page }),
    (tickets, facts) =>
      ticketListView({
        title: 'Open tickets',
        tickets,
        ...facts,
        noun: 'open ticket',
        lastPageCommand: (last) => `/syncro summary ${last}`,
        pageAction: { kind: 'summary' },
      }),
  );
}

export function showSearch(
  ctx: BotContext,
  to: ReplyTarget,
  query: string,
  page = 1,
  replace = false,
): Promise<void> {
  return replyWithPage(
    ctx,
    to,
    { page, replace },
    (api) => api.listTickets({ query, page }),
    (tickets, facts) =>
      ticketListView({
        title: `Tickets matching “${query}”`,
        tickets,
        ...facts,
        pageAction: { kind: 'search', query },
        // The list view's default ("No open tickets") would be wrong here: a search covers every status.
        emptyText: `No ticket matches “${query}”.`,
      }),
  );
}

export function showCustomers(
  ctx: BotContext,
  to: ReplyTarget,
  query: string,
  page = 1,
  replace = false,
): Promise<void> {
  return replyWithPage(
    ctx,
    to,
    { page, replace },
    (api) => api.searchCustomers(query, page),
    (customers, facts) => customerListView({ customers, query, ...facts }),
  );
}

export async function showTicket(ctx: BotContext, to: ReplyTarget, number: string): Promise<void> {
  const { api } = await ctx.identities.forRead(to.userId);
  const found = await api.findTicketByNumber(number);
  // The list answer may omit comments and line items: read the ticket itself.
  const ticket = await api.getTicket(found.id);
  const timers = await ctx.store.timers.listForTicket(ticket.id);
  const invoices = hasBeenInvoiced(ticket, ctx.file.billing.invoiced_status)
    ? await readInvoices(ctx, api, ticket.id)
    : undefined;
  await ctx.reply(to, {
    ...ticketDetailView({
      ticket,
      webBaseUrl: ctx.client.webBaseUrl,
      now: ctx.now(),
      timers,
      viewer: to.userId,
      ...(invoices ? { invoices } : {}),
    }),
    response_type: 'ephemeral',
  });
}

/**
 * Whether the ticket view reads the ticket's invoices (one more Syncro call): only when a line item has been
 * invoiced or the ticket has the invoiced status. A ticket with neither has nothing to show, and the common view
 * stays at two calls.
 */
export function hasBeenInvoiced(ticket: Ticket, invoicedStatus: string): boolean {
  return (
    ticket.status.toLowerCase() === invoicedStatus.toLowerCase() ||
    (ticket.line_items ?? []).some((li) => lineBilling(li) === 'invoiced')
  );
}

/** The first page of the ticket's invoices; a failed read leaves the rest of the view as it is. */
async function readInvoices(
  ctx: BotContext,
  api: SyncroApi,
  ticketId: number,
): Promise<{ items: Invoice[]; more: boolean } | 'unavailable'> {
  try {
    const res = await api.listInvoices({ ticketId });
    return { items: res.items, more: (res.meta?.total_pages ?? 1) > (res.meta?.page ?? 1) };
  } catch (err) {
    ctx.logger
      .child({ component: 'handler' })
      .warn({ err, ticketId }, "could not read the ticket's invoices");
    return 'unavailable';
  }
}

export async function showAudit(ctx: BotContext, to: ReplyTarget, number: string): Promise<void> {
  const { api } = await ctx.identities.forRead(to.userId);
  const ticket = await api.findTicketByNumber(number);
  const entries = await ctx.store.listAudit(ticket.id, 20);
  await ctx.reply(to, {
    ...auditView({ ticketNumber: number, entries, webBaseUrl: ctx.client.webBaseUrl }),
    response_type: 'ephemeral',
  });
}

export async function showHelp(ctx: BotContext, to: ReplyTarget, cmd: CommandOf<'help'>): Promise<void> {
  // A topic: its usage line as code, then the words about it (mrkdwn with `code` spans).
  const view = cmd.topic
    ? helpView({ usageLines: [USAGE[cmd.topic]], about: HELP_TOPICS[cmd.topic] })
    : helpView({
        usageLines: helpCommandNames({ enrolment: ctx.enrolments !== undefined }).map((n) => USAGE[n]),
      });
  await ctx.reply(to, { ...view, response_type: 'ephemeral' });
}

export async function showWhoami(ctx: BotContext, to: ReplyTarget): Promise<void> {
  const who = await ctx.identities.describe(to.userId);
  await ctx.reply(to, { ...whoamiView({ who }), response_type: 'ephemeral' });
}
