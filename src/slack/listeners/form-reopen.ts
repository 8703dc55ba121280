import { ACTION } from '../action-ids.js';
import type { BotContext } from '../context.js';
import { decodeDraft, type FormDraft } from '../form-drafts.js';
import { openBillModal } from '../handlers/bill.js';
import { guard } from '../handlers/dispatch.js';
import { openFormCheckingTicket, ticketLookup } from '../handlers/form-lookup.js';
import { openTimerEntryModal } from '../handlers/timer-entry.js';
import type { ListenerApp } from '../listener-router.js';
import { closeModal, commentModal, statusModal } from '../views/modals.js';
import { type ActionArgs, actionValue, targetOf, tellClicker } from './shared.js';

/**
 * "Reopen form" on the reply to a form that failed after it closed: opens the same form, filled in with the
 * draft the button carries. Submitting it is an ordinary submission (validated, then a card, then Post).
 */
export function registerFormReopen(app: ListenerApp, ctx: BotContext): void {
  app.action(ACTION.reopenForm, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const draft = decodeDraft(actionValue(action));
      if (!draft)
        return tellClicker(ctx, to, 'This form can no longer be reopened; copy your text from above.');
      await reopen(ctx, draft, body.trigger_id, to);
    });
  });
}

async function reopen(
  ctx: BotContext,
  d: FormDraft,
  triggerId: string,
  to: ReturnType<typeof targetOf>,
): Promise<void> {
  // The card goes where the form was first opened for (the channel kept in the draft).
  const meta = JSON.stringify(d.meta);
  const base = {
    ticketNumber: d.meta.number,
    meta,
    defaultVisibility: ctx.file.comments.default_visibility,
  };
  switch (d.form) {
    case 'comment':
      await openFormCheckingTicket(ctx, {
        triggerId,
        view: commentModal({ ...base, defaults: d.values }),
        lookup: ticketLookup(ctx, to.userId, d.meta.number),
      });
      return;
    case 'close': {
      const r = d.values.resolution;
      await openFormCheckingTicket(ctx, {
        triggerId,
        view: closeModal({ ...base, closeStatus: ctx.file.tickets.close_status, defaults: r }),
        lookup: ticketLookup(ctx, to.userId, d.meta.number),
      });
      return;
    }
    case 'status': {
      // The account's statuses are cached after the first read; without them the form takes the status as text.
      const statuses = await ctx.identities
        .forRead(to.userId)
        .then(({ api }) => ctx.statuses(api))
        .catch(() => [] as string[]);
      await openFormCheckingTicket(ctx, {
        triggerId,
        view: statusModal({ ...base, statuses, chosen: d.values.status }),
        lookup: ticketLookup(ctx, to.userId, d.meta.number),
      });
      return;
    }
    case 'bill':
      await openBillModal(
        ctx,
        triggerId,
        { ...to, channelId: d.meta.channelId || to.channelId },
        d.meta.number,
        d.values,
        d.meta.timer,
      );
      return;
    case 'timer_entry':
      if (!d.meta.timer)
        return tellClicker(ctx, to, 'This form can no longer be reopened; copy your text from above.');
      await openTimerEntryModal(
        ctx,
        triggerId,
        { ...to, channelId: d.meta.channelId || to.channelId },
        d.meta.timer,
        d.values,
      );
      return;
  }
}
