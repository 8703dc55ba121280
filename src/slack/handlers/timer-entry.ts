import type { ProposalBase } from '../../actions/kinds/action.js';
import { proposeWith } from '../../actions/kinds/action.js';
import { type TimerEntryDraft, timerEntryAction } from '../../actions/kinds/timer-entry.js';
import { UserInputError } from '../../errors.js';
import { measuredMinutes, type TimerSpan } from '../../timers/span.js';
import type { BotContext, ModalMeta, ReplyTarget } from '../context.js';
import { chargePlaceWords } from '../views/billing-words.js';
import { type TimerEntryModalValues, timerEntryModal } from '../views/timer-entry-modal.js';
import { laborChoices } from './bill.js';
import { billingFormPlace } from './billing-card.js';
import { openFormCheckingTicket } from './form-lookup.js';
import { insertTimerCard } from './timer-cards.js';
import { signerOf, ticketRef } from './write-commands.js';

/** Opens the timer entry form at once, and turns it into the error when the timer's ticket cannot be read. */
export async function openTimerEntryModal(
  ctx: BotContext,
  triggerId: string,
  to: ReplyTarget,
  span: TimerSpan,
  defaults?: Partial<TimerEntryModalValues>,
): Promise<void> {
  const meta: ModalMeta = {
    number: span.number,
    channelId: to.channelId,
    ticketId: span.ticketId,
    timer: span,
  };
  await openFormCheckingTicket(ctx, {
    triggerId,
    view: timerEntryModal({
      span,
      laborTypes: laborChoices(ctx),
      ...chargeNoteFor(ctx, to),
      ...(defaults ? { defaults } : {}),
      meta: JSON.stringify(meta),
    }),
    // The ticket the timer ran on must still be there, under the same number, and the person able to write.
    lookup: async () => {
      const identity = await ctx.identities.forWrite(to.userId);
      const ticket = await identity.api.getTicket(span.ticketId);
      if (String(ticket.number) !== span.number)
        throw new UserInputError(`The timer's ticket is now #${ticket.number}, not #${span.number}.`);
      return ticket;
    },
  });
}

/** What the form says about charging: a charged entry is billing, so its card goes where an approver can act. */
function chargeNoteFor(ctx: BotContext, to: ReplyTarget): { chargeNote?: string } {
  const place = billingFormPlace(ctx, to);
  const note = chargePlaceWords(place.ok ? { ...place, askedIn: to.channelId } : { ok: false });
  return note ? { chargeNote: note } : {};
}

/** After the form closed: reads the ticket and the labour product, then shows the card (nothing is sent). */
export async function proposeTimerEntryFor(
  ctx: BotContext,
  to: ReplyTarget,
  meta: ModalMeta,
  input: TimerEntryModalValues,
): Promise<void> {
  const span = meta.timer;
  if (!span)
    throw new UserInputError('This form lost its timer; stop the timer again or use `/syncro bill`.');
  const labor = ctx.file.labor_types[input.laborType.toLowerCase()];
  if (!labor) throw new UserInputError(`Unknown labour type “${input.laborType}”.`);
  const identity = await ctx.identities.forWrite(to.userId);
  const ticket = await identity.api.getTicket(span.ticketId);
  if (String(ticket.number) !== span.number)
    throw new UserInputError(
      `The timer's ticket is now #${ticket.number}, not #${span.number}; nothing was proposed.`,
    );
  const product = await identity.api.getProduct(labor.product_id);
  const signer = signerOf(identity);
  const draft: TimerEntryDraft = {
    kind: 'timer_entry',
    ticket: ticketRef(ticket),
    // The time is the person's: with the shared key (whose owner signs), the entry still names their own user.
    technician:
      signer.keyKind === 'shared' && ctx.file.users[to.userId]
        ? { syncroUserId: ctx.file.users[to.userId]!.syncro_user_id, name: ctx.file.users[to.userId]!.name }
        : { syncroUserId: signer.syncroUserId, name: signer.syncroName },
    labor: {
      key: input.laborType.toLowerCase(),
      label: labor.label ?? input.laborType,
      productId: labor.product_id,
      productName: product.name,
      rate: product.price_retail == null ? null : Number(product.price_retail),
      taxable: labor.taxable,
    },
    startAt: input.startAt,
    endAt: input.endAt,
    notes: input.notes,
    charge: input.charge,
    timer: { startedAt: span.startedAt, stoppedAt: span.stoppedAt, minutes: measuredMinutes(span) },
  };
  const action = await insertTimerCard(ctx, to, span, (id) => {
    const base: ProposalBase = {
      id,
      now: ctx.now(),
      ttlMs: ctx.file.cards.ttl_minutes * 60_000,
      requesterSlackId: to.userId,
      signer,
      slack: { channelId: to.channelId, ephemeral: false },
    };
    // Charged, its steps put money on the ticket: stored with the billing card's rules, as Bill's (insertNewCard).
    return proposeWith(timerEntryAction, base, draft);
  });
  await ctx.showNewCard(action, to);
}
