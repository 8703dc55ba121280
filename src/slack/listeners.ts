import type {
  App,
  BlockAction,
  BlockElementAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { mayPress } from '../actions/authorize.js';
import { applyEdit } from '../actions/propose.js';
import type { PendingAction } from '../actions/types.js';
import { ACTION, COMMAND, EDITABLE_FIELDS, type EditableField, OPTIONS, VIEW } from './action-ids.js';
import type { BotContext, ReplyTarget } from './context.js';
import { type BillModalMeta, openBillModal, proposeBillFor } from './handlers/bill.js';
import { guard, runCommand } from './handlers/dispatch.js';
import { showCustomers, showSearch, showSummary } from './handlers/read-commands.js';
import {
  proposeCloseFor,
  proposeCommentFor,
  proposeCreateFor,
  proposeStatusFor,
} from './handlers/write-commands.js';
import {
  closeModal,
  commentModal,
  readBillModal,
  readCloseModal,
  readCommentModal,
  readStatusModal,
  statusModal,
} from './views/modals.js';
import { simpleReply } from './views/replies.js';

/**
 * Every Slack listener. Each acknowledges at once (Slack allows 3 s) and then does its work; results go back
 * through response_url, chat.update or chat.postEphemeral. Ids come from action-ids.ts (checked against the
 * manifest by a test).
 */

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<BlockElementAction>>;

function targetOf(ctx: BotContext, body: BlockAction): ReplyTarget {
  return {
    userId: body.user.id,
    channelId: body.channel?.id ?? body.container?.channel_id ?? body.user.id,
    responseUrl: body.response_url,
    issuedAt: ctx.now(),
  };
}

function actionValue(action: BlockElementAction): string | undefined {
  if ('value' in action && typeof action.value === 'string') return action.value;
  if ('selected_option' in action && action.selected_option) return action.selected_option.value;
  return undefined;
}

function cardRef(raw: string | undefined): { id: string; attempt: number } | undefined {
  try {
    const v = JSON.parse(raw ?? '') as { id?: unknown; attempt?: unknown };
    if (typeof v.id === 'string' && typeof v.attempt === 'number') return { id: v.id, attempt: v.attempt };
  } catch {
    // fall through
  }
  return undefined;
}

function when(ms: number | undefined): string {
  if (!ms) return '';
  const s = Math.floor(ms / 1000);
  return ` at <!date^${s}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

/** Why a click lost the claim, in words, from the row's current state. */
export function lostClickMessage(a: PendingAction | undefined, now?: number): string {
  if (!a) return 'This card is no longer known to the bot; nothing was sent.';
  switch (a.state) {
    case 'executing':
      return `This is being posted right now (pressed by <@${a.clickedBy}>${when(a.clickedAt)}); it was not sent again.`;
    case 'outcome_unknown':
      return 'Syncro gave no clear answer, so the bot is checking Syncro; nothing is sent again meanwhile.';
    case 'succeeded':
      return `Already posted by <@${a.clickedBy}>${when(a.clickedAt)}; it was not sent again.`;
    case 'cancelled':
      return `This card was cancelled${a.cancelledBy ? ` by <@${a.cancelledBy}>` : ''}; nothing more was sent.`;
    case 'expired': {
      // A half-done saga: "run it again" would send the done steps a second time.
      const done = a.steps.filter((s) => s.status === 'succeeded').length;
      if (done > 0)
        return `This card expired after ${done === 1 ? 'step 1 was' : `steps 1–${done} were`} done in Syncro; nothing more was sent. Finish the rest in Syncro: running the command again would send ${done === 1 ? 'it' : 'them'} again.`;
      return 'This card expired; nothing was sent. Run the command again for a new card.';
    }
    case 'failed':
    case 'proposed':
      // Past its expiry (a proposed card not yet swept, or a failed one): the claim refused it for that.
      if (now !== undefined && now >= a.expiresAt)
        return `This card expired; nothing ${a.state === 'failed' ? 'more ' : ''}was sent. Run the command again for a new card.`;
      return 'This card changed since you saw it (or is out of date); here it is as it stands now. Nothing was sent.';
  }
}

export function registerListeners(app: App, ctx: BotContext): void {
  app.command(COMMAND, async ({ ack, command }) => {
    await ack();
    const to: ReplyTarget = {
      userId: command.user_id,
      channelId: command.channel_id,
      responseUrl: command.response_url,
      issuedAt: ctx.now(),
    };
    await runCommand(ctx, to, command.text ?? '', command.trigger_id);
  });

  // Post, Post again and Resume: the only path to a write.
  app.action(ACTION.post, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const ref = cardRef(actionValue(action));
      const a = ref ? await ctx.store.get(ref.id) : undefined;
      if (!ref || !a) {
        await ctx.reply(to, {
          ...simpleReply(lostClickMessage(undefined), ctx.sandbox),
          replace_original: false,
        });
        return;
      }
      const decision = mayPress(a, to.userId, 'post');
      if (!decision.ok) {
        await ctx.reply(to, {
          ...simpleReply(decision.reason, ctx.sandbox),
          response_type: 'ephemeral',
          replace_original: false,
        });
        return;
      }
      const res = await ctx.executor.post(a.id, to.userId, ref.attempt, {
        approvedBy: decision.approvedBy,
        slack: a.slack.ephemeral
          ? { responseUrl: to.responseUrl, responseUrlIssuedAt: ctx.now() }
          : undefined,
      });
      if (!res.won) {
        if (res.action?.slack.ephemeral) {
          // The requester's own card: show it as it stands now, in place.
          await ctx.publishCard(
            {
              ...res.action,
              slack: { ...res.action.slack, responseUrl: to.responseUrl, responseUrlIssuedAt: ctx.now() },
            },
            true,
          );
        }
        await ctx.reply(to, {
          ...simpleReply(lostClickMessage(res.action, ctx.now()), ctx.sandbox),
          response_type: 'ephemeral',
          replace_original: false,
        });
      }
    });
  });

  app.action(ACTION.cancel, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const ref = cardRef(actionValue(action));
      const a = ref ? await ctx.store.get(ref.id) : undefined;
      if (!a) return;
      const decision = mayPress(a, to.userId, 'cancel');
      if (!decision.ok) {
        await ctx.reply(to, {
          ...simpleReply(decision.reason, ctx.sandbox),
          response_type: 'ephemeral',
          replace_original: false,
        });
        return;
      }
      if (a.slack.ephemeral) {
        await ctx.store.update(
          a.id,
          { states: ['proposed', 'failed'] },
          { slack: { ...a.slack, responseUrl: to.responseUrl, responseUrlIssuedAt: ctx.now() } },
        );
      }
      const done = await ctx.executor.cancel(a.id, to.userId);
      if (!done)
        await ctx.reply(to, {
          ...simpleReply(lostClickMessage(await ctx.store.get(a.id)), ctx.sandbox),
          replace_original: false,
        });
    });
  });

  app.action(ACTION.recheck, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const ref = cardRef(actionValue(action));
      const a = ref ? await ctx.store.get(ref.id) : undefined;
      if (!a) return;
      const decision = mayPress(a, to.userId, 'recheck');
      if (!decision.ok) {
        await ctx.reply(to, {
          ...simpleReply(decision.reason, ctx.sandbox),
          response_type: 'ephemeral',
          replace_original: false,
        });
        return;
      }
      if (a.slack.ephemeral) {
        await ctx.store.update(
          a.id,
          { states: ['outcome_unknown'] },
          { slack: { ...a.slack, responseUrl: to.responseUrl, responseUrlIssuedAt: ctx.now() } },
        );
      }
      const after = await ctx.executor.recheck(a.id);
      if (
        after &&
        after.state === 'outcome_unknown' &&
        after.leaseOwner &&
        after.leaseOwner !== ctx.replicaId
      ) {
        await ctx.reply(to, {
          ...simpleReply('The bot is already checking Syncro for this card.', ctx.sandbox),
          replace_original: false,
        });
      }
    });
  });

  // Editable fields on a proposed card: the payload is rebuilt, the card redrawn, and its version bumped so a
  // Post on the old drawing loses (the payload shown is always the payload sent).
  app.action(new RegExp(`^${ACTION.editPrefix}`), async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const field = action.action_id.slice(ACTION.editPrefix.length) as EditableField;
      const id = action.block_id;
      const value = actionValue(action);
      if (!(EDITABLE_FIELDS as readonly string[]).includes(field) || value === undefined) return;
      const a = await ctx.store.get(id);
      if (a?.state !== 'proposed') return;
      const decision = mayPress(a, to.userId, 'edit');
      if (!decision.ok) {
        await ctx.reply(to, {
          ...simpleReply(decision.reason, ctx.sandbox),
          response_type: 'ephemeral',
          replace_original: false,
        });
        return;
      }
      const edited = applyEdit(a, field, value);
      if (!edited) return;
      const saved = await ctx.store.update(
        a.id,
        { states: ['proposed'], attempt: a.attempt },
        {
          steps: edited.steps,
          summary: edited.summary,
          attempt: a.attempt + 1,
          slack: a.slack.ephemeral
            ? { ...a.slack, responseUrl: to.responseUrl, responseUrlIssuedAt: ctx.now() }
            : a.slack,
        },
      );
      const current = saved ?? (await ctx.store.get(a.id));
      if (current) await ctx.publishCard(current, true);
    });
  });

  app.action(ACTION.pickCustomer, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = { ...targetOf(ctx, body), replace: true };
    await guard(ctx, to, async () => {
      const v = JSON.parse(actionValue(action) ?? '{}') as {
        draft?: { subject?: string };
        customerId?: number;
      };
      if (!v.customerId || !v.draft?.subject) return;
      await proposeCreateFor(ctx, to, { customer: { id: v.customerId }, subject: v.draft.subject }, true);
    });
  });

  // The typeahead's choice: the subject travels in the block id (see customer-pick view).
  app.action(OPTIONS.customerSearch, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = { ...targetOf(ctx, body), replace: true };
    await guard(ctx, to, async () => {
      const customerId = Number(actionValue(action));
      const draft = JSON.parse(action.block_id) as { subject?: string };
      if (!customerId || !draft.subject) return;
      await proposeCreateFor(ctx, to, { customer: { id: customerId }, subject: draft.subject }, true);
    });
  });

  app.options(OPTIONS.customerSearch, async ({ ack, options, body }) => {
    const query = options.value ?? '';
    try {
      const { api } = await ctx.identities.forRead(body.user.id);
      const res = query.trim().length < 2 ? { items: [] } : await api.searchCustomers(query.trim());
      await ack({
        options: res.items.slice(0, 100).map((c) => ({
          text: {
            type: 'plain_text' as const,
            text: (c.business_then_name || c.fullname || `Customer ${c.id}`).slice(0, 75),
          },
          value: String(c.id),
        })),
      });
    } catch (err) {
      ctx.logger.warn({ err }, 'customer typeahead failed');
      await ack({ options: [] });
    }
  });

  app.action(ACTION.page, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const v = JSON.parse(actionValue(action) ?? '{}') as { kind?: string; query?: string; page?: number };
      const page = Math.max(1, Number(v.page) || 1);
      if (v.kind === 'summary') await showSummary(ctx, to, page, true);
      else if (v.kind === 'search' && v.query) await showSearch(ctx, to, v.query, page, true);
      else if (v.kind === 'customers' && v.query) await showCustomers(ctx, to, v.query, page, true);
    });
  });

  app.action(ACTION.openLink, async ({ ack }) => {
    await ack();
  });

  // Ticket view buttons open the write flows (modals); the card still needs a Post click.
  const ticketButton =
    (open: (to: ReplyTarget, number: string, triggerId: string) => Promise<void>) =>
    async ({ ack, body, action }: ActionArgs) => {
      await ack();
      const to = targetOf(ctx, body);
      await guard(ctx, to, async () => {
        const number = actionValue(action);
        if (!number) return;
        await open(to, number, body.trigger_id);
      });
    };
  const meta = (to: ReplyTarget, number: string) => JSON.stringify({ number, channelId: to.channelId });
  app.action(
    ACTION.ticketComment,
    ticketButton(async (to, number, triggerId) => {
      await ctx.web.views.open({
        trigger_id: triggerId,
        view: commentModal({
          ticketNumber: number,
          defaultVisibility: ctx.file.comments.default_visibility,
          meta: meta(to, number),
          sandbox: ctx.sandbox,
        }),
      });
    }),
  );
  app.action(
    ACTION.ticketStatus,
    ticketButton(async (to, number, triggerId) => {
      const { api } = await ctx.identities.forRead(to.userId);
      const statuses = await ctx.statuses(api);
      await ctx.web.views.open({
        trigger_id: triggerId,
        view: statusModal({ ticketNumber: number, statuses, meta: meta(to, number), sandbox: ctx.sandbox }),
      });
    }),
  );
  app.action(
    ACTION.ticketClose,
    ticketButton(async (to, number, triggerId) => {
      await ctx.web.views.open({
        trigger_id: triggerId,
        view: closeModal({
          ticketNumber: number,
          closeStatus: ctx.file.tickets.close_status,
          defaultVisibility: ctx.file.comments.default_visibility,
          meta: meta(to, number),
          sandbox: ctx.sandbox,
        }),
      });
    }),
  );
  app.action(
    ACTION.ticketBill,
    ticketButton((to, number, triggerId) => openBillModal(ctx, triggerId, to, number)),
  );

  // Modal submissions: validate the form (errors shown in the modal), close it, then show the card.
  type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction>;
  const metaOf = (view: ViewSubmitAction['view']) =>
    JSON.parse(view.private_metadata || '{}') as BillModalMeta;
  const targetOfView = (body: ViewSubmitAction, m: BillModalMeta): ReplyTarget => ({
    userId: body.user.id,
    channelId: m.channelId || body.user.id,
  });

  app.view(VIEW.comment, async ({ ack, body, view }: ViewArgs) => {
    const r = readCommentModal(view.state.values);
    if (!r.ok) return void (await ack({ response_action: 'errors', errors: r.errors }));
    await ack();
    const m = metaOf(view);
    const to = targetOfView(body, m);
    await guard(ctx, to, () => proposeCommentFor(ctx, to, { number: m.number, ...r.value }));
  });

  app.view(VIEW.status, async ({ ack, body, view }: ViewArgs) => {
    const r = readStatusModal(view.state.values);
    if (!r.ok) return void (await ack({ response_action: 'errors', errors: r.errors }));
    await ack();
    const m = metaOf(view);
    const to = targetOfView(body, m);
    await guard(ctx, to, () => proposeStatusFor(ctx, to, m.number, r.value.status));
  });

  app.view(VIEW.close, async ({ ack, body, view }: ViewArgs) => {
    const r = readCloseModal(view.state.values);
    if (!r.ok) return void (await ack({ response_action: 'errors', errors: r.errors }));
    await ack();
    const m = metaOf(view);
    const to = targetOfView(body, m);
    await guard(ctx, to, () =>
      proposeCloseFor(ctx, to, { number: m.number, resolution: r.value.resolution }),
    );
  });

  app.view(VIEW.bill, async ({ ack, body, view }: ViewArgs) => {
    const r = readBillModal(view.state.values);
    if (!r.ok) return void (await ack({ response_action: 'errors', errors: r.errors }));
    await ack();
    const m = metaOf(view);
    const to = targetOfView(body, m);
    await guard(ctx, to, () => proposeBillFor(ctx, to, m, r.value));
  });
}
