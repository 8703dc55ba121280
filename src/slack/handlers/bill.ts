import { type BillingInput, BillingRefusedError, computeBillingLine } from '../../actions/billing-rules.js';
import type { BillingComputation } from '../../actions/billing-types.js';
import { proposeBill } from '../../actions/propose.js';
import { primeSnapshots } from '../../actions/reconcile.js';
import type { PendingAction } from '../../actions/types.js';
import { UserInputError } from '../../errors.js';
import { customerName } from '../../syncro/schemas.js';
import { measuredMinutes, type TimerSpan } from '../../timers/span.js';
import type { BotContext, ModalMeta, ReplyTarget } from '../context.js';
import { billingPlaceWords, billingProblemWords, noBillingChannelWords } from '../views/billing-words.js';
import type { BillModalValues } from '../views/modal-readers.js';
import { type BillModalParams, billModal } from '../views/modals.js';
import { billingFormPlace, insertNewCard } from './billing-card.js';
import { openFormCheckingTicket } from './form-lookup.js';
import { insertTimerCard } from './timer-cards.js';
import { signerOf, ticketRef } from './write-commands.js';

/**
 * Billing: a modal (opened at once: the trigger id lasts 3 s) asks for minutes, labour type, description and
 * the comment; the Syncro data is loaded after opening. Submitting posts a billing card in the channel.
 */

export function laborChoices(ctx: BotContext): Array<{ key: string; label: string }> {
  return Object.entries(ctx.file.labor_types).map(([key, l]) => ({ key, label: l.label ?? key }));
}

/**
 * Opens the bill modal immediately, then fills it from Syncro (ticket, customer's prepaid hours), or turns it into
 * the error when the ticket cannot be read. `defaults`: what the person typed before, when a failed form is reopened.
 */
export async function openBillModal(
  ctx: BotContext,
  triggerId: string,
  to: ReplyTarget,
  number: string,
  defaults?: BillModalParams['defaults'],
  timer?: TimerSpan,
): Promise<void> {
  const meta: ModalMeta = { number, channelId: to.channelId, ...(timer ? { timer } : {}) };
  // Said on the form: where a card that needs an approver will go (or, at once, that it cannot be made here).
  const place = billingFormPlace(ctx, to);
  const placeNote = place.ok
    ? billingPlaceWords({ channelId: place.channelId, approval: place.approval, askedIn: to.channelId })
    : undefined;
  const base = {
    laborTypes: laborChoices(ctx),
    commentSubject: ctx.file.billing.comment_subject,
    defaultVisibility: ctx.file.comments.default_visibility,
    // Until Syncro is read (and if it cannot be), the form still names the ticket being billed.
    ticketNumber: number,
    defaults,
    ...(timer ? { timer: { ...timer, minutes: measuredMinutes(timer) } } : {}),
    ...(placeNote ? { placeNote } : {}),
  };
  await openFormCheckingTicket(ctx, {
    triggerId,
    view: billModal({
      ...base,
      ticket: undefined,
      loading: true,
      prepaidHours: undefined,
      meta: JSON.stringify(meta),
    }),
    lookup: async () => {
      if (!place.ok) throw new UserInputError(noBillingChannelWords());
      if (base.laborTypes.length === 0) {
        throw new UserInputError(
          'No labour types are configured (labor_types in the bot’s config file); ask your admin to add them.',
        );
      }
      const identity = await ctx.identities.forWrite(to.userId);
      const ticket = await identity.api.findTicketByNumber(number);
      const customer = ticket.customer_id ? await identity.api.getCustomer(ticket.customer_id) : undefined;
      return { ticket, customer };
    },
    filled: ({ ticket, customer }) =>
      billModal({
        ...base,
        ticket: {
          id: ticket.id,
          number: String(ticket.number),
          subject: ticket.subject,
          customerName: customer ? customerName(customer) : (ticket.customer_business_then_name ?? ''),
        },
        loading: false,
        prepaidHours: customer?.prepay_hours == null ? null : Number(customer.prepay_hours),
        meta: JSON.stringify({ ...meta, ticketId: ticket.id } satisfies ModalMeta),
      }),
  });
}

/** The billing rules' line; a refusal (facts) becomes the words the person reads. */
function billingLine(input: BillingInput): BillingComputation {
  try {
    return computeBillingLine(input);
  } catch (err) {
    if (err instanceof BillingRefusedError) throw new UserInputError(billingProblemWords(err.problem));
    throw err;
  }
}

/** After the modal closed: reads Syncro live (product rate, prepaid hours), computes the line, posts the card. */
export async function proposeBillFor(
  ctx: BotContext,
  to: ReplyTarget,
  meta: ModalMeta,
  input: BillModalValues,
): Promise<void> {
  const identity = await ctx.identities.forWrite(to.userId);
  const readAt = ctx.now();
  const ticket = meta.ticketId
    ? await identity.api.getTicket(meta.ticketId)
    : await identity.api.findTicketByNumber(meta.number);
  if (!ticket.customer_id)
    throw new UserInputError(`Ticket #${ticket.number} has no customer, so it cannot be invoiced.`);
  const customerId = ticket.customer_id;
  const customer = await identity.api.getCustomer(customerId);
  const labor = ctx.file.labor_types[input.laborType.toLowerCase()];
  if (!labor) throw new UserInputError(`Unknown labour type “${input.laborType}”.`);
  const product = await identity.api.getProduct(labor.product_id);
  const billing = billingLine({
    minutes: input.minutes,
    laborType: input.laborType,
    laborTypes: ctx.file.labor_types,
    product,
    customerPrepaidHours: customer.prepay_hours == null ? null : Number(customer.prepay_hours),
    description: input.description,
    pricePolicy: ctx.file.billing.price,
  });
  const make = async (id: string) => {
    const action = proposeBill({
      id,
      now: ctx.now(),
      ttlMs: ctx.file.billing.card_ttl_minutes * 60_000,
      requesterSlackId: to.userId,
      signer: signerOf(identity),
      slack: { channelId: to.channelId, ephemeral: false },
      ticket: { ...ticketRef(ticket), customerId, customerName: customerName(customer) },
      billing,
      comment: { subject: input.commentSubject, body: input.commentBody, visibility: input.visibility },
      ...(meta.timer
        ? {
            timer: {
              startedAt: meta.timer.startedAt,
              stoppedAt: meta.timer.stoppedAt,
              minutes: measuredMinutes(meta.timer),
            },
          }
        : {}),
      invoiceCategory: ctx.file.billing.invoice_category,
      invoicedStatus: ctx.file.billing.invoiced_status,
    });
    // The ticket just read (GET /tickets/{id}, with its comments and line items) serves as the comment's and the
    // line's snapshot if Post comes within SNAPSHOT_FRESH_MS; a ticket found by number (a list entry) does not.
    if (meta.ticketId) action.steps = await primeSnapshots(action.steps, ticket, readAt);
    // The billing card's rules (where an approver can act, or a clear refusal before it is made) are applied as it
    // is stored (insertNewCard), as for every card whose steps put money on a ticket.
    return action;
  };
  // A stopped timer's time goes to Syncro from one card at a time (see timer-cards.ts).
  let action: PendingAction;
  if (meta.timer) {
    action = await insertTimerCard(ctx, to, meta.timer, make);
  } else {
    action = await insertNewCard(ctx, to, await make(ctx.newId()));
  }
  await ctx.showNewCard(action, to);
}
