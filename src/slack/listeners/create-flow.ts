import { customerName } from '../../syncro/schemas.js';
import { ACTION, OPTIONS } from '../action-ids.js';
import type { BotContext } from '../context.js';
import { guard } from '../handlers/dispatch.js';
import { proposeCreateFor } from '../handlers/write-commands.js';
import type { ListenerApp } from '../listener-router.js';
import { parseCustomerPickBlockId } from '../views/customer-pick.js';
import { type ActionArgs, actionValue, targetOf } from './shared.js';

/** An ambiguous `create`: the person picks the customer (button or typeahead); the bot never guesses. */
export function registerCreateFlow(app: ListenerApp, ctx: BotContext): void {
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

  // The typeahead's choice: the subject travels in the block id (see the customer-pick view).
  app.action(OPTIONS.customerSearch, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = { ...targetOf(ctx, body), replace: true };
    await guard(ctx, to, async () => {
      const customerId = Number(actionValue(action));
      const draft = parseCustomerPickBlockId(action.block_id);
      if (!customerId || !draft?.subject) return;
      await proposeCreateFor(ctx, to, { customer: { id: customerId }, subject: draft.subject }, true);
    });
  });

  app.options(OPTIONS.customerSearch, async ({ ack, options, body }) => {
    const query = (options.value ?? '').trim();
    try {
      const { api } = await ctx.identities.forRead(body.user.id);
      const res = query.length < 2 ? { items: [] } : await api.searchCustomers(query);
      await ack({
        options: res.items.slice(0, 100).map((c) => ({
          text: { type: 'plain_text' as const, text: customerName(c).slice(0, 75) },
          value: String(c.id),
        })),
      });
    } catch (err) {
      ctx.logger.warn({ err }, 'customer typeahead failed');
      await ack({ options: [] });
    }
  });
}
