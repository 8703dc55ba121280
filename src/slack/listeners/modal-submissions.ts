import type { App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { VIEW } from '../action-ids.js';
import type { BotContext, ModalMeta, ReplyTarget } from '../context.js';
import { proposeBillFor } from '../handlers/bill.js';
import { guard } from '../handlers/dispatch.js';
import { proposeCloseFor, proposeCommentFor, proposeStatusFor } from '../handlers/write-commands.js';
import {
  type ModalRead,
  readBillModal,
  readCloseModal,
  readCommentModal,
  readStatusModal,
} from '../views/modals.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction>;

/**
 * Modal submissions: the form is validated first (errors are shown in the modal and nothing is proposed), the
 * modal closes, then the card is shown. Nothing here writes to Syncro.
 */
export function registerModalSubmissions(app: App, ctx: BotContext): void {
  function onSubmit<T>(
    callbackId: string,
    read: (values: ViewSubmitAction['view']['state']['values']) => ModalRead<T>,
    propose: (to: ReplyTarget, meta: ModalMeta, value: T) => Promise<void>,
  ): void {
    app.view(callbackId, async ({ ack, body, view }: ViewArgs) => {
      const r = read(view.state.values);
      if (!r.ok) {
        await ack({ response_action: 'errors', errors: r.errors });
        return;
      }
      await ack();
      const meta = JSON.parse(view.private_metadata || '{}') as ModalMeta;
      const to: ReplyTarget = { userId: body.user.id, channelId: meta.channelId || body.user.id };
      await guard(ctx, to, () => propose(to, meta, r.value));
    });
  }

  onSubmit(VIEW.comment, readCommentModal, (to, m, v) =>
    proposeCommentFor(ctx, to, { number: m.number, ...v }),
  );
  onSubmit(VIEW.status, readStatusModal, (to, m, v) => proposeStatusFor(ctx, to, m.number, v.status));
  onSubmit(VIEW.close, readCloseModal, (to, m, v) =>
    proposeCloseFor(ctx, to, { number: m.number, resolution: v.resolution }),
  );
  onSubmit(VIEW.bill, readBillModal, (to, m, v) => proposeBillFor(ctx, to, m, v));
}
