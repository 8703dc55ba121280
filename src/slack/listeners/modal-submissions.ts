import type { SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { parseSpan } from '../../timers/span.js';
import { VIEW } from '../action-ids.js';
import type { BotContext, ModalMeta, ReplyTarget } from '../context.js';
import type { DraftValues, FormDraft, FormKind } from '../form-drafts.js';
import { proposeBillFor } from '../handlers/bill.js';
import { guard } from '../handlers/dispatch.js';
import { proposeTimerEntryFor } from '../handlers/timer-entry.js';
import { proposeCloseFor, proposeCommentFor, proposeStatusFor } from '../handlers/write-commands.js';
import type { ListenerApp } from '../listener-router.js';
import { draftReply } from '../views/draft-reply.js';
import {
  type ModalRead,
  readBillModal,
  readCloseModal,
  readCommentModal,
  readModalMetadata,
  readStatusModal,
} from '../views/modals.js';
import { readTimerEntryModal } from '../views/timer-entry-modal.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction>;
type Values = ViewSubmitAction['view']['state']['values'];

/**
 * Modal submissions: the form is validated first (errors are shown in the modal and nothing is proposed), the
 * modal closes, then the card is shown. What fails after the modal closed (Syncro down, a product lookup, the
 * card cannot be posted) is answered with the person's text and a "Reopen form" button (see draft-reply.ts).
 * Nothing here writes to Syncro.
 */
export function registerModalSubmissions(app: ListenerApp, ctx: BotContext): void {
  function onSubmit<F extends FormKind>(
    callbackId: string,
    form: F,
    read: (values: Values) => ModalRead<DraftValues[F]>,
    propose: (to: ReplyTarget, meta: ModalMeta, value: DraftValues[F]) => Promise<void>,
  ): void {
    app.view(callbackId, async ({ ack, body, view }: ViewArgs) => {
      const r = read(view.state.values);
      if (!r.ok) {
        await ack({ response_action: 'errors', errors: r.errors });
        return;
      }
      await ack();
      const meta = modalMeta(view.private_metadata);
      const to: ReplyTarget = { userId: body.user.id, channelId: meta.channelId || body.user.id };
      const draft = { form, meta, values: r.value } as FormDraft;
      await guard(
        ctx,
        to,
        () => propose(to, meta, r.value),
        (problem) => draftReply({ problem, draft }),
      );
    });
  }

  onSubmit(VIEW.comment, 'comment', readCommentModal, (to, m, v) =>
    proposeCommentFor(ctx, to, { number: m.number, ...v }),
  );
  onSubmit(VIEW.status, 'status', readStatusModal, (to, m, v) =>
    proposeStatusFor(ctx, to, m.number, v.status),
  );
  onSubmit(VIEW.close, 'close', readCloseModal, (to, m, v) =>
    proposeCloseFor(ctx, to, { number: m.number, resolution: v.resolution }),
  );
  const laborTypes = Object.keys(ctx.file.labor_types);
  onSubmit(
    VIEW.bill,
    'bill',
    (values) => readBillModal(values, { laborTypes }),
    (to, m, v) => proposeBillFor(ctx, to, m, v),
  );
  onSubmit(
    VIEW.timerEntry,
    'timer_entry',
    (values) => readTimerEntryModal(values, { laborTypes, now: ctx.now() }),
    (to, m, v) => proposeTimerEntryFor(ctx, to, m, v),
  );
}

/** The ticket and channel a form was opened for; a bad metadata string gives an empty number. */
function modalMeta(privateMetadata: string | undefined): ModalMeta {
  const m = readModalMetadata(privateMetadata);
  return {
    number: typeof m.number === 'string' ? m.number : String(m.number ?? ''),
    channelId: typeof m.channelId === 'string' ? m.channelId : '',
    ...(typeof m.ticketId === 'number' ? { ticketId: m.ticketId } : {}),
    ...(parseSpan(m.timer) ? { timer: parseSpan(m.timer) } : {}),
  };
}
