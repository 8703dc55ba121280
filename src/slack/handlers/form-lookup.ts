import type { ModalView } from '@slack/types';
import { SNAPSHOT_FRESH_MS } from '../../actions/reconcile.js';
import { asAppError } from '../../errors.js';
import { context, escapeMrkdwn, modal, section } from '../blocks.js';
import type { BotContext } from '../context.js';

/**
 * Forms that act on a ticket open at once (Slack's trigger id lasts 3 s) and look the ticket up while the person
 * starts typing. When the lookup shows the form cannot work (no such ticket, no key), the opened form turns into
 * the error at once (views.update): nobody fills in a whole form to be told only afterwards that it cannot work.
 * A temporary failure (Syncro busy or down) keeps the form and what was typed, with the problem on top.
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
    // The person may have started typing: the form is replaced only when it cannot work; a temporary failure
    // (rate limit, Syncro down or slow) keeps it as it is (same blocks, so Slack keeps what was typed) and says
    // the problem on top. Submitting checks the ticket again.
    next = formCannotWork(err)
      ? lookupFailedModal(opts.view, ctx.describeError(err))
      : lookupNotYetModal(opts.view, ctx.describeError(err));
  }
  ctx.logger
    .child({ component: 'forms' })
    .debug({ viewId, redrawn: next !== undefined }, 'a form looked its ticket up');
  if (!next) return;
  // The person may have closed or submitted the form meanwhile: then there is nothing left to redraw.
  await ctx.web.views.update({ view_id: viewId, view: next }).catch((err: unknown) => {
    ctx.logger.child({ component: 'forms' }).info({ err }, 'a form could not be redrawn after its lookup');
  });
}

/**
 * Failures after which the form cannot work however long the person waits: no such ticket, no key or not
 * allowed, a key Syncro refuses. Anything else (429, 5xx, a timeout, a network error) may pass.
 */
const CANNOT_WORK = new Set([
  'SYNCRO_NOT_FOUND',
  'SYNCRO_UNAUTHORIZED',
  'NOT_ALLOWED',
  'NOT_MAPPED',
  'KEY_SOURCE_FAILED',
  'USER_INPUT_INVALID',
]);

function formCannotWork(err: unknown): boolean {
  return CANNOT_WORK.has(asAppError(err).code);
}

/**
 * The form as it was (inputs, submit, metadata), with the temporary problem on top: what the person typed stays,
 * and submit still works once Syncro answers again.
 */
export function lookupNotYetModal(form: ModalView, problem: string): ModalView {
  const note = section(
    `⚠️ The ticket could not be checked yet: ${escapeMrkdwn(problem)} What you type is kept; the ticket is checked again when you submit.`,
  );
  return { ...form, blocks: [note, ...form.blocks] };
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

/**
 * The lookup of a form that writes to a ticket: the person may write, and the ticket exists. `readAt`: when the
 * ticket was last read for the message the form was opened from (the ticket view); within SNAPSHOT_FRESH_MS that
 * read is trusted and Syncro is not asked again.
 */
export function ticketLookup(
  ctx: BotContext,
  slackUserId: string,
  number: string,
  readAt?: number,
): () => Promise<unknown> {
  return async () => {
    const identity = await ctx.identities.forWrite(slackUserId);
    if (readAt !== undefined && ctx.now() - readAt >= 0 && ctx.now() - readAt <= SNAPSHOT_FRESH_MS)
      return undefined;
    return identity.api.findTicketByNumber(number);
  };
}
