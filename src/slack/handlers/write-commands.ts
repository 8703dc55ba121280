import type { CreateTicketDraft } from '../../actions/kinds/create-ticket.js';
import {
  type ProposalBase,
  proposeClose,
  proposeComment,
  proposeCreateTicket,
  proposeUpdateStatus,
} from '../../actions/propose.js';
import type { PendingAction, Signer, TicketRef } from '../../actions/types.js';
import type { Visibility } from '../../actions/visibility.js';
import { matchStatus } from '../../commands/status-match.js';
import type { CustomerRef } from '../../commands/types.js';
import { UserInputError } from '../../errors.js';
import type { Identity } from '../../identity/resolver.js';
import type { SyncroApi } from '../../syncro/api.js';
import { type Customer, customerName, type Ticket } from '../../syncro/schemas.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { customerPickView } from '../views/customer-pick.js';
import { insertNewCard } from './billing-card.js';

/**
 * Write commands never write: each builds a proposed action (the exact request) and shows its card.
 * The write identity is resolved first, so a person who may not write learns it before filling anything in.
 */

export function signerOf(identity: Identity): Signer {
  return {
    slackUserId: identity.slackUserId,
    syncroUserId: identity.syncroUserId,
    syncroName: identity.name,
    keyKind: identity.keyKind,
    keySource: identity.keySource,
  };
}

export function ticketRef(t: Ticket): TicketRef {
  return {
    id: t.id,
    number: String(t.number),
    subject: t.subject,
    customerId: t.customer_id ?? undefined,
    customerName: t.customer_business_then_name ?? (t.customer ? customerName(t.customer) : undefined),
  };
}

export function proposalBase(
  ctx: BotContext,
  identity: Identity,
  to: ReplyTarget,
  ephemeral = true,
): ProposalBase {
  return {
    id: ctx.newId(),
    now: ctx.now(),
    ttlMs: ctx.file.cards.ttl_minutes * 60_000,
    requesterSlackId: to.userId,
    signer: signerOf(identity),
    // The command's response_url can update this card in place (until it is used up or 30 minutes pass).
    slack: {
      channelId: to.channelId,
      ephemeral,
      responseUrl: to.responseUrl,
      responseUrlIssuedAt: to.issuedAt,
    },
  };
}

export async function propose(ctx: BotContext, to: ReplyTarget, action: PendingAction): Promise<void> {
  // Stored through insertNewCard: a card whose steps put money on a ticket follows the billing card's rules.
  await ctx.showNewCard(await insertNewCard(ctx, to, action), to);
}

/** The Slack message an action was made from (a message shortcut): the bot replies in its thread after success. */
export type ThreadTarget = NonNullable<PendingAction['slack']['thread']>;

function withThread(base: ProposalBase, thread: ThreadTarget | undefined): ProposalBase {
  return thread ? { ...base, slack: { ...base.slack, thread } } : base;
}

export async function proposeCommentFor(
  ctx: BotContext,
  to: ReplyTarget,
  input: { number: string; subject?: string; body: string; visibility?: Visibility; thread?: ThreadTarget },
): Promise<void> {
  const identity = await ctx.identities.forWrite(to.userId);
  const ticket = await identity.api.findTicketByNumber(input.number);
  await propose(
    ctx,
    to,
    proposeComment({
      ...withThread(proposalBase(ctx, identity, to), input.thread),
      ticket: ticketRef(ticket),
      subject: input.subject?.trim() || 'Update',
      body: input.body,
      visibility: input.visibility ?? ctx.file.comments.default_visibility,
    }),
  );
}

export async function proposeStatusFor(
  ctx: BotContext,
  to: ReplyTarget,
  number: string,
  typed: string,
): Promise<void> {
  const identity = await ctx.identities.forWrite(to.userId);
  const statuses = await ctx.statuses(identity.api);
  const m = matchStatus(typed, statuses);
  if (!m.ok) throw new UserInputError(m.message, 'update <number> <status>');
  const ticket = await identity.api.findTicketByNumber(number);
  await propose(
    ctx,
    to,
    proposeUpdateStatus({
      ...proposalBase(ctx, identity, to),
      ticket: { ...ticketRef(ticket), status: ticket.status },
      status: m.status,
      statuses,
    }),
  );
}

export async function proposeCloseFor(
  ctx: BotContext,
  to: ReplyTarget,
  input: { number: string; resolution?: { subject?: string; body: string; visibility?: Visibility } },
): Promise<void> {
  const identity = await ctx.identities.forWrite(to.userId);
  const ticket = await identity.api.findTicketByNumber(input.number);
  const r = input.resolution;
  await propose(
    ctx,
    to,
    proposeClose({
      ...proposalBase(ctx, identity, to),
      ticket: { ...ticketRef(ticket), status: ticket.status },
      closeStatus: ctx.file.tickets.close_status,
      resolution: r
        ? {
            subject: r.subject?.trim() || 'Resolution',
            body: r.body,
            visibility: r.visibility ?? ctx.file.comments.default_visibility,
          }
        : undefined,
    }),
  );
}

/** A customer name as people know it, compared loosely. */
function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

function nameKey(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * `create Len's Auto Brokerage Server upgrade` without quotes: the longest run of leading words that is exactly
 * one customer's name (among the search results for the first word) is the customer, the rest the subject.
 * At least one word is left for the subject; two customers with that name → no split (the person picks).
 * Linear in the text and the names: each name is read once, and only the lengths that some name has are tried
 * (trying every run of leading words against every name took seconds on a 4,000-character command).
 */
export function splitByCustomerName(
  text: string,
  customers: Customer[],
): { customer: Customer; subject: string } | undefined {
  const words = text.trim().split(/\s+/);
  // The customers by the number of words in their name, then by the name as compared (see sameName).
  const byLength = new Map<number, Map<string, Customer[]>>();
  for (const c of customers) {
    const key = nameKey(customerName(c));
    if (key === '') continue;
    const length = key.split(' ').length;
    const names = byLength.get(length) ?? new Map<string, Customer[]>();
    byLength.set(length, names);
    names.set(key, [...(names.get(key) ?? []), c]);
  }
  const lengths = [...byLength.keys()].filter((n) => n < words.length).sort((a, b) => b - a);
  for (const n of lengths) {
    const hits = byLength.get(n)?.get(nameKey(words.slice(0, n).join(' '))) ?? [];
    if (hits.length === 1) return { customer: hits[0]!, subject: words.slice(n).join(' ') };
    if (hits.length > 1) return undefined;
  }
  return undefined;
}

/**
 * Resolves the customer of a `create`: one exact (case-insensitive) name match, the longest leading words that
 * name exactly one customer (unquoted names), or a single search result. Anything else is shown as a pick list:
 * the bot never guesses.
 */
export async function resolveCustomer(
  api: SyncroApi,
  ref: CustomerRef,
  subject: string,
): Promise<{ one: Customer; subject: string } | { many: Customer[] }> {
  const res = await api.searchCustomers(ref.text);
  const exact = res.items.filter((c) => sameName(customerName(c), ref.text));
  if (ref.kind === 'words') {
    const split = splitByCustomerName(`${ref.text} ${subject}`, res.items);
    if (split) return { one: split.customer, subject: split.subject };
  }
  if (exact.length === 1) return { one: exact[0]!, subject };
  if (res.items.length === 1 && exact.length === 0) return { one: res.items[0]!, subject };
  if (res.items.length === 0) {
    throw new UserInputError(
      `No Syncro customer matches “${ref.text}”. Check the name with \`/syncro customers ${ref.text}\`.`,
      'create "<customer name>" <subject>',
    );
  }
  return { many: exact.length > 1 ? exact : res.items };
}

export async function proposeCreateFor(
  ctx: BotContext,
  to: ReplyTarget,
  input: {
    customer: CustomerRef | { id: number };
    subject: string;
    /** Chosen in a form (the shortcuts' modal); else the configured default. */
    priority?: string;
    /** The ticket's first comment (a ticket made from a Slack message). */
    comment?: CreateTicketDraft['comment'];
    thread?: ThreadTarget;
  },
  replace = false,
): Promise<void> {
  const identity = await ctx.identities.forWrite(to.userId);
  let customer: Customer;
  let subject = input.subject;
  if ('id' in input.customer) {
    customer = await identity.api.getCustomer(input.customer.id);
  } else {
    const r = await resolveCustomer(identity.api, input.customer, input.subject);
    if ('many' in r) {
      await ctx.reply(to, {
        ...customerPickView({
          query: input.customer.text,
          customers: r.many,
          draft: { subject: input.subject },
        }),
        response_type: 'ephemeral',
        replace_original: replace,
      });
      return;
    }
    customer = r.one;
    subject = r.subject;
  }
  // The assignee is the person asking (their Syncro user), unless they change it on the card.
  const mappedUser = ctx.file.users[to.userId];
  const assigneeId = mappedUser?.syncro_user_id ?? identity.syncroUserId;
  const assigneeName = mappedUser?.name ?? identity.name;
  const users = await ctx.users(identity.api).catch(() => []);
  // The card's optional fields: the customer's contacts (the record read above carries them; one read of it when
  // it came from a search that did not), and the account's ticket types (the cached settings).
  const contacts = await contactsOf(identity.api, customer).catch(() => []);
  const ticketTypes = await ctx.ticketTypes(identity.api).catch(() => []);
  await propose(
    ctx,
    to,
    proposeCreateTicket({
      ...withThread(proposalBase(ctx, identity, to), input.thread),
      customer: { id: customer.id, name: customerName(customer) },
      subject,
      priority: input.priority ?? ctx.file.tickets.default_priority,
      ...(input.comment ? { comment: input.comment } : {}),
      priorities: ctx.file.tickets.priorities,
      status: ctx.file.tickets.new_status,
      assignee: { id: assigneeId, name: assigneeName },
      assignees: users,
      problemTypes: ctx.file.tickets.problem_types,
      contacts,
      ticketTypes,
    }),
  );
}

async function contactsOf(api: SyncroApi, c: Customer): Promise<Array<{ id: number; name: string }>> {
  const list = c.contacts ?? (await api.getCustomer(c.id)).contacts ?? [];
  return list.map((x) => ({ id: x.id, name: x.name || `Contact ${x.id}` }));
}
