import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineItemStep } from '../../../src/actions/kinds/line-item.js';
import { proposeComment } from '../../../src/actions/propose.js';
import type { ActionStore } from '../../../src/actions/store.js';
import type { PendingAction } from '../../../src/actions/types.js';
import { UserInputError } from '../../../src/errors.js';
import type { BotContext, ReplyTarget } from '../../../src/slack/context.js';
import { propose } from '../../../src/slack/handlers/write-commands.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { base } from '../../actions/proposal-base.js';

/**
 * The billing card's rules are decided by a card's steps where every new card is stored, not by each form: a card
 * from a form that knows nothing of billing, but whose steps put money on a ticket, still goes where an approver
 * can act (or is refused before it is made), as Bill's does.
 */

const DM: ReplyTarget = { userId: 'U0HOWARD1', channelId: 'D0HOWARD1' };

describe('a new card whose steps put money on a ticket', () => {
  let store: ActionStore;
  let shown: PendingAction[];

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    await store.migrate();
    shown = [];
  });
  afterEach(async () => {
    await store.close();
  });

  function ctxWith(channel: string | undefined): BotContext {
    return {
      store,
      file: {
        billing: {
          card_ttl_minutes: 24 * 60,
          approval: { requester_may_post: false, approvers: ['U0PAT0001'], require_second_person: false },
          ...(channel ? { channel } : {}),
        },
      },
      showNewCard: async (a: PendingAction) => {
        shown.push(a);
      },
    } as unknown as BotContext;
  }

  /** A card a future form might make: a comment and a priced line, asked for privately in a DM. */
  function billingCard(): PendingAction {
    const a = proposeComment({
      ...base,
      id: 'future-form',
      slack: { channelId: DM.channelId, ephemeral: true },
      ticket: { id: 1, number: '32164', subject: 'Printer' },
      subject: 'Update',
      body: 'Fixed',
      visibility: 'public_note',
    });
    const line = lineItemStep(1, {
      product_id: 1190473,
      name: 'Labor',
      description: 'Remote support',
      quantity: 1,
      taxable: false,
    });
    return { ...a, steps: [...a.steps, line] };
  }

  it('goes to the billing channel as a channel card living billing.card_ttl_minutes', async () => {
    await propose(ctxWith('C0BILLING'), DM, billingCard());
    expect(shown).toHaveLength(1);
    expect(shown[0]!.slack).toMatchObject({ channelId: 'C0BILLING', ephemeral: false });
    expect(shown[0]!.expiresAt).toBe(shown[0]!.createdAt + 24 * 60 * 60_000);
    const stored = await store.get('future-form');
    expect(stored?.slack).toMatchObject({ channelId: 'C0BILLING', ephemeral: false });
  });

  it('is refused before it is made when no approver could see it', async () => {
    await expect(propose(ctxWith(undefined), DM, billingCard())).rejects.toBeInstanceOf(UserInputError);
    expect(shown).toEqual([]);
    expect(await store.get('future-form')).toBeUndefined();
  });

  it('leaves a card with no billing step as its form made it', async () => {
    const a = billingCard();
    await propose(ctxWith('C0BILLING'), DM, { ...a, steps: a.steps.slice(0, 1) });
    expect(shown[0]!.slack).toMatchObject({ channelId: DM.channelId, ephemeral: true });
  });
});
