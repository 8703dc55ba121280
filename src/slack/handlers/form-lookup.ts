import type { ModalView } from '@slack/types';
import { context, escapeMrkdwn, modal, section } from '../blocks.js';
import type { BotContext } from '../context.js';

/**
 * Forms that act on a ticket open at once (Slack's trigger id lasts 3 s) and look the ticket up while the person
 * starts typing. When the lookup fails (no such ticket, no key, Syncro down), the opened form turns into the
 * error at once (views.update): nobody fills in a whole form to be told only afterwards that it cannot work.
 * When it succeeds, `filled` may redraw the form with what was found.
 */
export async function openFormCheckingTicket<T>(
  ctx: BotContext,
  opts: {
    triggerId: string;
    /** The form as it opens (it may say that the ticket is being looked up). */
    view: ModalView;
    /** Reads what the form needs from Syncro; throws when the form cannot work. */
    lookup: () => Promise<T>;
    /** The form filled from what was found; undefined leaves the opened form as it is. */
    filled?: (found: T) => ModalView | undefined;
  },
): Promise<void> {
  const opened = await ctx.web.views.open({ trigger_id: opts.triggerId, view: opts.view });
  const viewId = opened.view?.id;
  if (!viewId) return;
  let next: ModalView | undefined;
  try {
    const found = await opts.lookup();
    next = opts.filled?.(found);
  } catch (err) {
    next = lookupFailedModal(opts.view, ctx.describeError(err));
  }
  if (!next) return;
  // The person may have closed or submitted the form meanwhile: then there is nothing left to redraw.
  await ctx.web.views.update({ view_id: viewId, view: next }).catch((err: unknown) => {
    ctx.logger.child({ component: 'forms' }).info({ err }, 'a form could not be redrawn after its lookup');
  });
}

/** What a form becomes when its ticket cannot be looked up: the problem, and nothing to submit. */
export function lookupFailedModal(form: ModalView, problem: string): ModalView {
  return modal({
    callbackId: form.callback_id ?? 'syncro_form',
    title: form.title.text,
    close: 'Close',
    blocks: [section(`⚠️ ${escapeMrkdwn(problem)}`), context(['Nothing was sent to Syncro.'])],
  });
}

/** The lookup of a form that writes to a ticket: the person may write, and the ticket exists. */
export function ticketLookup(ctx: BotContext, slackUserId: string, number: string): () => Promise<unknown> {
  return async () => {
    const identity = await ctx.identities.forWrite(slackUserId);
    return identity.api.findTicketByNumber(number);
  };
}
