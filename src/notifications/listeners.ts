import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { proposeAssign } from '../actions/propose.js';
import { divider } from '../slack/blocks.js';
import type { BotContext, ReplyTarget } from '../slack/context.js';
import { guard } from '../slack/handlers/dispatch.js';
import { proposalBase, propose, proposeCommentFor, ticketRef } from '../slack/handlers/write-commands.js';
import type { ListenerApp } from '../slack/listener-router.js';
import { type ActionArgs, actionValue, targetOf, tellClicker } from '../slack/listeners/shared.js';
import { isPersonsNewMessage, type MessageEventFields } from '../slack/message-event.js';
import { DM_KINDS } from './fanout.js';
import {
  commentOffer,
  NOTIFY_ACTION,
  notificationHomeBlocks,
  OFFER_MAX_TEXT,
  QUIET_CHOICES,
} from './views.js';

/**
 * Acting from a notification: "Assign to me" (a card for `PUT /tickets/{id}` with the requester's `user_id`), and
 * a person's reply in a ticket's thread gets a private offer to post it as a comment (the usual comment card).
 * Comment, Open ticket and Start timer are the ticket view's own buttons.
 */

export async function proposeAssignFor(ctx: BotContext, to: ReplyTarget, number: string): Promise<void> {
  const identity = await ctx.identities.forWrite(to.userId);
  const ticket = await identity.api.findTicketByNumber(number);
  if (ticket.user_id === identity.syncroUserId) {
    await tellClicker(ctx, to, `#${ticket.number} is already assigned to you (${identity.name}).`);
    return;
  }
  await propose(
    ctx,
    to,
    proposeAssign({
      ...proposalBase(ctx, identity, to),
      ticket: {
        ...ticketRef(ticket),
        userId: ticket.user_id ?? null,
        userName: ticket.user?.full_name ?? null,
      },
      userId: identity.syncroUserId,
      userName: identity.name,
    }),
  );
}

/** App Home's notification blocks for a person: their settings and the posts still failing for them. */
export async function notificationHome(ctx: BotContext, slackId: string): Promise<KnownBlock[]> {
  const store = ctx.store.notifications;
  const prefs = await store.prefs(slackId);
  const mine = new Set(
    (await store.subscriptions()).filter((s) => s.ownerSlackId === slackId).map((s) => s.channel),
  );
  const problems = (await store.problems(undefined, 50)).filter(
    (r) => r.target === slackId || mine.has(r.target),
  );
  return [divider(), ...notificationHomeBlocks({ prefs, problems })];
}

const offerValue = z.object({ n: z.string().regex(/^\d{1,12}$/), t: z.string().min(1).max(OFFER_MAX_TEXT) });

export function registerNotificationListeners(app: ListenerApp, ctx: BotContext): void {
  const log = ctx.logger.child({ component: 'notify-listeners' });

  app.action(NOTIFY_ACTION.assignToMe, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const number = actionValue(action);
      if (number) await proposeAssignFor(ctx, to, number);
    });
  });

  app.action(NOTIFY_ACTION.commentFromThread, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, async () => {
      const parsed = offerValue.safeParse(JSON.parse(actionValue(action) ?? 'null'));
      if (!parsed.success) return;
      await proposeCommentFor(ctx, to, { number: parsed.data.n, body: parsed.data.t });
    });
  });

  app.action(NOTIFY_ACTION.toggleKind, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const kind = actionValue(action);
    if (!kind || !(DM_KINDS as readonly string[]).includes(kind)) return;
    const store = ctx.store.notifications;
    const prefs = await store.prefs(body.user.id);
    const off = prefs.off.includes(kind) ? prefs.off.filter((k) => k !== kind) : [...prefs.off, kind];
    await store.setPrefs(body.user.id, { ...prefs, off });
  });

  app.action(NOTIFY_ACTION.quietHours, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const choice = actionValue(action);
    if (!choice || !(QUIET_CHOICES as readonly string[]).includes(choice)) return;
    const store = ctx.store.notifications;
    const { quiet: _old, ...prefs } = await store.prefs(body.user.id);
    if (choice === 'off') {
      await store.setPrefs(body.user.id, prefs);
      return;
    }
    // The person's own time zone, as Slack knows it (users:read).
    const timeZone = await ctx.web.users
      .info({ user: body.user.id })
      .then((r) => r.user?.tz || 'UTC')
      .catch(() => 'UTC');
    const [from = '22:00', to = '07:00'] = choice.split('-');
    await store.setPrefs(body.user.id, { ...prefs, quiet: { from, to, timeZone } });
  });

  // A person's reply in the thread of a notification's parent message: offer to post it to the ticket.
  if (!ctx.file.notifications) return;
  app.event('message', async ({ event }) => {
    const e = event as MessageEventFields;
    if (!e.thread_ts || e.thread_ts === e.ts || !isPersonsNewMessage(e) || !e.text) return;
    const ticketId = await ctx.store.notifications.ticketOfParent(e.channel, e.thread_ts);
    if (ticketId === undefined) return;
    const snap = await ctx.store.notifications.snapshot(ticketId);
    if (!snap) return;
    const text = e.text.trim();
    const m =
      text.length <= OFFER_MAX_TEXT
        ? commentOffer(snap.number, text)
        : {
            text: `That reply is too long to carry over; use /syncro comment ${snap.number} …`,
            blocks: [],
          };
    await ctx.web.chat
      .postEphemeral({
        channel: e.channel,
        user: e.user,
        thread_ts: e.thread_ts,
        text: m.text,
        blocks: m.blocks,
      })
      .catch((err) => log.warn({ err }, 'could not offer to post a thread reply'));
  });
}
