import { mayPress } from '../../actions/authorize.js';
import { billingPolicyOf } from '../../actions/billing-gate.js';
import { applyEdit } from '../../actions/propose.js';
import { ACTION, EDITABLE_FIELDS, type EditableField } from '../action-ids.js';
import type { BotContext } from '../context.js';
import { guard } from '../handlers/dispatch.js';
import type { ListenerApp } from '../listener-router.js';
import { refusalWords } from '../views/press-words.js';
import {
  type ActionArgs,
  actionValue,
  isOwnClickAgain,
  lostClickMessage,
  onCardButton,
  targetOf,
  tellClicker,
  withClickUrl,
} from './shared.js';

/** Post / Post again / Resume, Cancel, Check again, and the editable fields of a proposed card. */
export function registerCardButtons(app: ListenerApp, ctx: BotContext): void {
  // The only path to a write: the executor sends only after winning the claim.
  app.action(
    ACTION.post,
    onCardButton(ctx, 'post', async ({ action: a, attempt, to, decision, redelivery }) => {
      const res = await ctx.executor.post(a.id, to.userId, attempt, {
        approvedBy: decision.approvedBy,
        slack: a.slack.ephemeral
          ? { responseUrl: to.responseUrl, responseUrlIssuedAt: ctx.now() }
          : undefined,
      });
      if (res.won || isOwnClickAgain(res.action, to, redelivery)) return;
      // The requester's own private card: redraw it as it stands now, in place.
      if (res.action?.slack.ephemeral)
        await ctx.publishCard({ ...res.action, slack: withClickUrl(ctx, res.action, to) }, true);
      await tellClicker(ctx, to, lostClickMessage(res.action, ctx.now()));
    }),
  );

  app.action(
    ACTION.cancel,
    onCardButton(ctx, 'cancel', async ({ action: a, to }) => {
      if (a.slack.ephemeral)
        await ctx.store.update(a.id, { states: ['proposed', 'failed'] }, { slack: withClickUrl(ctx, a, to) });
      const done = await ctx.executor.cancel(a.id, to.userId);
      if (!done) await tellClicker(ctx, to, lostClickMessage(await ctx.store.get(a.id), ctx.now()));
    }),
  );

  // Only reads Syncro back; never sends.
  app.action(
    ACTION.recheck,
    onCardButton(ctx, 'recheck', async ({ action: a, to }) => {
      if (a.slack.ephemeral)
        await ctx.store.update(a.id, { states: ['outcome_unknown'] }, { slack: withClickUrl(ctx, a, to) });
      const after = await ctx.executor.recheck(a.id);
      if (after?.state === 'outcome_unknown' && after.leaseOwner && after.leaseOwner !== ctx.replicaId) {
        await tellClicker(ctx, to, 'The bot is already checking Syncro for this card.');
      }
    }),
  );

  // Editable fields: the payload is rebuilt, the card redrawn, and its attempt bumped so that a Post on the old
  // drawing loses (the payload shown is always the payload sent). The select's block_id is the action id.
  app.action(new RegExp(`^${ACTION.editPrefix}`), async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const field = action.action_id.slice(ACTION.editPrefix.length) as EditableField;
      const value = actionValue(action);
      if (!(EDITABLE_FIELDS as readonly string[]).includes(field) || value === undefined) return;
      const a = await ctx.store.get(action.block_id);
      if (a?.state !== 'proposed') return;
      const decision = mayPress(a, to.userId, 'edit', billingPolicyOf(ctx.file.billing.approval));
      if (!decision.ok) return tellClicker(ctx, to, refusalWords(decision));
      const edited = applyEdit(a, field, value);
      if (!edited) return;
      const saved = await ctx.store.update(
        a.id,
        { states: ['proposed'], attempt: a.attempt },
        {
          draft: edited.draft,
          steps: edited.steps,
          summary: edited.summary,
          attempt: a.attempt + 1,
          slack: withClickUrl(ctx, a, to),
        },
      );
      const current = saved ?? (await ctx.store.get(a.id));
      if (current) await ctx.publishCard(current, true);
    });
  });
}
