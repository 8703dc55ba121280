import { proposeWith } from '../../actions/kinds/action.js';
import {
  removalRefusal,
  removeLineItemAction,
  removeLineItemDraft,
} from '../../actions/kinds/remove-line-item.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { removalRefusalWords } from '../views/error-words.js';
import { simpleReply } from '../views/replies.js';
import type { RemoveLineRef } from '../views/ticket-detail.js';
import { proposalBase, propose, ticketRef } from './write-commands.js';

/**
 * Remove on a line of the ticket view: the ticket is read again with the person's write key, and a line that has
 * been invoiced (or is gone) is refused with the reason, whatever the button said — nothing is proposed, nothing
 * sent. Otherwise the card (which replaces the ticket view it came from) names the line and shows the payload.
 */
export async function proposeRemoveLineFor(
  ctx: BotContext,
  to: ReplyTarget,
  ref: RemoveLineRef,
): Promise<void> {
  const identity = await ctx.identities.forWrite(to.userId);
  const ticket = await identity.api.getTicket(ref.ticketId);
  const refusal = removalRefusal(ticket, ref.lineItemId);
  const line = ticket.line_items?.find((li) => li.id === ref.lineItemId);
  if (refusal || !line) {
    ctx.logger
      .child({ component: 'handler', user: to.userId })
      .warn(
        { ticketId: ticket.id, lineItemId: ref.lineItemId, code: refusal?.code },
        'line item removal refused',
      );
    await ctx.reply(to, {
      ...simpleReply(`⚠️ ${removalRefusalWords(refusal?.code ?? 'LINE_GONE')}`),
      response_type: 'ephemeral',
      replace_original: false,
    });
    return;
  }
  const action = proposeWith(
    removeLineItemAction,
    proposalBase(ctx, identity, to),
    removeLineItemDraft(ticketRef(ticket), line),
  );
  await propose(ctx, { ...to, replace: true }, action);
}
