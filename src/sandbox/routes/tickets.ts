import { json, notFound, type Reply, unprocessable } from '../http.js';
import { commentJson, ticketJson } from '../render.js';
import { businessThenName, type CommentRendering, type SimState, type SimTicket } from '../state.js';
import { bool, int, isBlank, paginate, paramId, type RouteContext, route, text } from './context.js';

const invalidStatus = (status: string): Reply =>
  unprocessable({ success: false, message: [`Status ${status} is not a valid ticket status`] });
const blankSubject = (): Reply => unprocessable({ success: false, message: ["Subject can't be blank"] });

/** `status=Not Closed` is Syncro's "open tickets" filter; everything else matches exactly. */
function statusMatches(status: string, wanted: string | undefined): boolean {
  if (!wanted) return true;
  if (wanted === 'Not Closed') return status !== 'Closed' && status !== 'Resolved';
  return status === wanted;
}

function listTickets(ctx: RouteContext): Reply {
  const { state, query: q } = ctx;
  const needle = q.query?.trim().toLowerCase() || undefined;
  const customerId = int(q.customer_id);
  const userId = int(q.user_id) ?? (bool(q.mine) ? ctx.user.user_id : undefined);
  const since = q.since_updated_at ? Date.parse(q.since_updated_at) : Number.NaN;
  const customerName = (t: SimTicket) => {
    const c = state.customer(t.customer_id);
    return c ? businessThenName(c).toLowerCase() : '';
  };
  const matching = state
    .ticketsNewestFirst()
    .filter(
      (t) =>
        (!q.number || String(t.number) === q.number.trim()) &&
        statusMatches(t.status, q.status) &&
        (customerId === undefined || t.customer_id === customerId) &&
        (userId === undefined || t.user_id === userId) &&
        (Number.isNaN(since) || Date.parse(t.updated_at) >= since) &&
        (!needle || t.subject.toLowerCase().includes(needle) || customerName(t).includes(needle)),
    );
  const { items, meta } = paginate(matching, q.page);
  return json({
    tickets: items.map((t) => ticketJson(state, t)),
    meta: { total_pages: meta.total_pages, total_entries: meta.total_entries, page: meta.page },
  });
}

function createTicket({ state, body: b }: RouteContext): Reply {
  const customerId = int(b.customer_id);
  if (customerId === undefined || !state.customer(customerId))
    return unprocessable({ error: 'Customer required field' });
  if (isBlank(b.subject)) return blankSubject();
  const status = text(b.status) || 'New';
  if (!state.statuses.includes(status)) return invalidStatus(status);
  const ticket = state.addTicket({
    customer_id: customerId,
    subject: text(b.subject) ?? '',
    status,
    priority: text(b.priority) ?? null,
    problem_type: text(b.problem_type) ?? null,
    user_id: int(b.user_id) ?? null,
    contact_id: int(b.contact_id) ?? null,
    due_date: text(b.due_date) ?? null,
    ticket_type_id: int(b.ticket_type_id) ?? null,
  });
  // comments_attributes: the ticket's first comment(s), created in the same request.
  const first = Array.isArray(b.comments_attributes) ? b.comments_attributes : [];
  for (const c of first) {
    if (typeof c !== 'object' || c === null) continue;
    const x = c as Record<string, unknown>;
    state.addComment({
      ticket_id: ticket.id,
      subject: text(x.subject) ?? '',
      body: text(x.body) ?? '',
      hidden: x.hidden === true,
      do_not_email: x.do_not_email === true,
    });
  }
  return json({ ticket: ticketJson(state, ticket) });
}

function updateTicket(ctx: RouteContext): Reply {
  const { state, body: b } = ctx;
  const ticket = state.ticket(paramId(ctx));
  if (!ticket) return notFound();
  const patch: Parameters<SimState['updateTicket']>[1] = {};
  if ('subject' in b) {
    if (isBlank(b.subject)) return blankSubject();
    patch.subject = text(b.subject);
  }
  if ('status' in b) {
    const status = text(b.status) ?? '';
    if (!state.statuses.includes(status)) return invalidStatus(status);
    patch.status = status;
  }
  if ('customer_id' in b) {
    const customerId = int(b.customer_id);
    if (customerId === undefined || !state.customer(customerId))
      return unprocessable({ error: 'Customer required field' });
    patch.customer_id = customerId;
  }
  if ('priority' in b) patch.priority = text(b.priority) ?? null;
  if ('problem_type' in b) patch.problem_type = text(b.problem_type) ?? null;
  if ('user_id' in b) patch.user_id = int(b.user_id) ?? null;
  if ('contact_id' in b) patch.contact_id = int(b.contact_id) ?? null;
  if ('due_date' in b) patch.due_date = text(b.due_date) ?? null;
  state.updateTicket(ticket, patch);
  return json({ ticket: ticketJson(state, ticket) });
}

/**
 * Flat body only. A body wrapped as `{"comment": {...}}` has no top-level `body`, so it is refused with
 * "Body can't be blank" — the practitioners' observation. product_id, minutes_spent, bill_time_now and the
 * Idempotency-Key header are accepted and ignored: every call creates one more comment.
 */
function addComment(ctx: RouteContext): Reply {
  const { state, body: b, user } = ctx;
  const ticket = state.ticket(paramId(ctx));
  if (!ticket) return notFound();
  if (isBlank(b.body)) return unprocessable({ success: false, message: ["Body can't be blank"] });
  if (isBlank(b.subject)) return blankSubject();
  const comment = state.addComment({
    ticket_id: ticket.id,
    subject: text(b.subject) ?? '',
    body: text(b.body) ?? '',
    hidden: bool(b.hidden) ?? false,
    do_not_email: bool(b.do_not_email) ?? false,
    tech: text(b.tech) || user.user_name,
    user_id: user.user_id,
  });
  return json({ comment: commentJson(comment) });
}

const FORMATS: Record<string, CommentRendering> = {
  plaintext: 'plain',
  richtext: 'rich',
  original: 'original',
};
/** Comments per page: 10 unless `per_page` says otherwise (the swagger's default; the cap is ours). */
const COMMENTS_PER_PAGE = 10;
const MAX_COMMENTS_PER_PAGE = 100;

/** Newest first unless `sort_direction=ASC`; `comment_format` picks the rendering (see CommentReads). */
function listComments(ctx: RouteContext): Reply {
  const { state, query: q } = ctx;
  const ticket = state.ticket(paramId(ctx));
  if (!ticket) return notFound();
  const after = q.created_after ? Date.parse(q.created_after) : Number.NaN;
  let comments = state.commentsOf(ticket.id);
  if (!Number.isNaN(after)) comments = comments.filter((c) => Date.parse(c.created_at) > after);
  if (q.sort_direction?.toLowerCase() === 'asc') comments.reverse();
  const perPage = Math.min(MAX_COMMENTS_PER_PAGE, Math.max(1, int(q.per_page) ?? COMMENTS_PER_PAGE));
  const { items, meta } = paginate(comments, q.page, perPage);
  const rendering = state.commentReads.rendering ?? FORMATS[q.comment_format?.toLowerCase() ?? ''] ?? 'plain';
  return json({
    comments: items.map((c) => commentJson(c, rendering)),
    meta: { total_pages: meta.total_pages, page: meta.page, per_page: meta.per_page },
  });
}

function settings({ state }: RouteContext): Reply {
  return json({
    ticket_status_list: [...state.statuses],
    default_labor_product_id: null,
    ticket_timer_charge_by_default: null,
    saved_searches: [],
    ticket_types: state.ticketTypes.map((t) => ({ ...t })),
    users: state.users.map((u) => ({ id: u.id, name: u.full_name })),
    require_ticket_type: null,
  });
}

export const ticketRoutes = [
  route('GET', '/tickets', listTickets),
  route('POST', '/tickets', createTicket),
  route('GET', '/tickets/settings', settings),
  route('GET', '/tickets/:id', (ctx) => {
    const ticket = ctx.state.ticket(paramId(ctx));
    return ticket ? json({ ticket: ticketJson(ctx.state, ticket) }) : notFound();
  }),
  route('PUT', '/tickets/:id', updateTicket),
  route('POST', '/tickets/:id/comment', addComment),
  route('GET', '/tickets/:id/comments', listComments),
];
