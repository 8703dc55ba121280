import { ACTION } from '../action-ids.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { openBillModal } from '../handlers/bill.js';
import { guard } from '../handlers/dispatch.js';
import { openFormCheckingTicket, ticketLookup } from '../handlers/form-lookup.js';
import { proposeRemoveLineFor } from '../handlers/line-items.js';
import { showCustomers, showSearch, showSummary, showTicket } from '../handlers/read-commands.js';
import type { ListenerApp } from '../listener-router.js';
import { closeModal, commentModal, statusModal } from '../views/modals.js';
import { parsePageValue } from '../views/pagination.js';
import { parseRemoveLineValue } from '../views/ticket-detail.js';
import { type ActionArgs, actionValue, targetOf } from './shared.js';

/**
 * The ticket view's buttons open the write flows (modals; the card still needs a Post click), list pagination
 * redraws the list, and link buttons are only acknowledged.
 */
export function registerTicketButtons(app: ListenerApp, ctx: BotContext): void {
  // The ticket view was posted right after its read of the ticket: its message's time is when the ticket was
  // read, so a form opened from it soon after needs no read of its own (see ticketLookup).
  const ticketButton =
    (open: (to: ReplyTarget, number: string, triggerId: string, readAt?: number) => Promise<void>) =>
    async ({ ack, body, action }: ActionArgs) => {
      await ack();
      const to = targetOf(ctx, body);
      await guard(ctx, to, async () => {
        const number = actionValue(action);
        const ts = Number(body.container?.message_ts);
        if (number)
          await open(to, number, body.trigger_id, Number.isFinite(ts) && ts > 0 ? ts * 1000 : undefined);
      });
    };
  const meta = (to: ReplyTarget, number: string) => JSON.stringify({ number, channelId: to.channelId });
  const base = { defaultVisibility: ctx.file.comments.default_visibility };

  app.action(
    ACTION.ticketComment,
    ticketButton(async (to, number, triggerId, readAt) => {
      await openFormCheckingTicket(ctx, {
        triggerId,
        view: commentModal({ ...base, ticketNumber: number, meta: meta(to, number) }),
        lookup: ticketLookup(ctx, to.userId, number, readAt),
      });
    }),
  );
  app.action(
    ACTION.ticketStatus,
    ticketButton(async (to, number, triggerId, readAt) => {
      // The account's statuses are cached after the first read, so the trigger id (3 s) is still good.
      const { api } = await ctx.identities.forRead(to.userId);
      const statuses = await ctx.statuses(api);
      await openFormCheckingTicket(ctx, {
        triggerId,
        view: statusModal({ ticketNumber: number, statuses, meta: meta(to, number) }),
        lookup: ticketLookup(ctx, to.userId, number, readAt),
      });
    }),
  );
  app.action(
    ACTION.ticketClose,
    ticketButton(async (to, number, triggerId, readAt) => {
      await openFormCheckingTicket(ctx, {
        triggerId,
        view: closeModal({
          ...base,
          ticketNumber: number,
          closeStatus: ctx.file.tickets.close_status,
          meta: meta(to, number),
        }),
        lookup: ticketLookup(ctx, to.userId, number, readAt),
      });
    }),
  );
  app.action(
    ACTION.ticketBill,
    ticketButton((to, number, triggerId) => openBillModal(ctx, triggerId, to, number)),
  );

  // Remove on a line item: the value is only a pointer; the handler reads the line again and refuses an invoiced one.
  app.action(ACTION.ticketRemoveLine, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const ref = parseRemoveLineValue(actionValue(action) ?? '');
      if (ref) await proposeRemoveLineFor(ctx, to, ref);
    });
  });

  app.action(ACTION.openTicket, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const number = actionValue(action);
      if (number) await showTicket(ctx, to, number);
    });
  });

  app.action(ACTION.page, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const v = parsePageValue(actionValue(action) ?? '');
      if (!v) return;
      const { page } = v;
      if (v.kind === 'summary') await showSummary(ctx, to, page, true);
      else if (v.kind === 'search' && v.query) await showSearch(ctx, to, v.query, page, true);
      else if (v.kind === 'customers' && v.query) await showCustomers(ctx, to, v.query, page, true);
    });
  });

  app.action(ACTION.openLink, async ({ ack }) => {
    await ack();
  });
}
