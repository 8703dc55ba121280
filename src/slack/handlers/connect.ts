import type { Enrolment } from '../../identity/enrolment/enrolment-table.js';
import { ownerOf } from '../../identity/enrolment/enrolments.js';
import { connectRefusal } from '../../identity/enrolment/ownership.js';
import type { BotContext, ReplyTarget } from '../context.js';
import {
  approvalCard,
  approvedDm,
  connectModal,
  reconnectPrompt,
  refusalWords,
  refusedDm,
} from '../views/connect.js';
import { simpleReply } from '../views/replies.js';

/**
 * /syncro connect and disconnect, and the approval card's buttons. Nothing here writes to Syncro: the key is
 * checked with GET /me and kept in the bot's storage (listeners/connect.ts takes the modal's submission).
 */

export const CONNECT_OFF =
  'Connecting your own Syncro key is not turned on in this workspace: an admin adds `enrolment:` to the bot’s ' +
  'config file (see the README), or adds your key under `users:`.';

function tell(ctx: BotContext, to: ReplyTarget, text: string): Promise<void> {
  return ctx.reply(to, { ...simpleReply(text), response_type: 'ephemeral', replace_original: false });
}

/** Opens the connect modal (the trigger id lasts 3 s, so nothing slow comes first). */
export async function openConnectModal(
  ctx: BotContext,
  triggerId: string | undefined,
  to: ReplyTarget,
): Promise<void> {
  const enrolments = ctx.enrolments;
  if (!triggerId) return tell(ctx, to, 'Connecting needs a form; run `/syncro connect` again.');
  const privateMetadata = JSON.stringify({ channelId: to.channelId });
  // A key in the config file wins: say so at once rather than take a key that would never be used.
  const fixed = enrolments
    ? connectRefusal({
        slackUserId: to.userId,
        me: { user_id: -1, user_name: '' },
        file: ctx.file,
        enrolledForSyncroUser: undefined,
      })
    : undefined;
  const unavailable = !enrolments
    ? CONNECT_OFF
    : fixed?.code === 'yaml_key_wins'
      ? refusalWords(fixed)
      : undefined;
  await ctx.web.views.open({
    trigger_id: triggerId,
    view: connectModal({
      webBaseUrl: ctx.client.webBaseUrl,
      where: enrolments ? enrolments.where() : '',
      ...(enrolments?.config.require_approval && enrolments.config.approval_channel
        ? { approvalChannel: enrolments.config.approval_channel }
        : {}),
      ...(unavailable ? { unavailable } : {}),
      privateMetadata,
    }),
  });
}

export async function disconnectFor(ctx: BotContext, to: ReplyTarget): Promise<void> {
  if (!ctx.enrolments) return tell(ctx, to, CONNECT_OFF);
  const r = await ctx.enrolments.disconnect(to.userId);
  if (!r) {
    return tell(
      ctx,
      to,
      'You have no connected Syncro key (a key set in the config file is removed by an admin).',
    );
  }
  const note = r.note ? `\n⚠️ ${r.note}` : '';
  await tell(
    ctx,
    to,
    `🔌 Disconnected: the Syncro key of ${r.removed.syncroName} is removed from ${ctx.enrolments.where(ownerOf(r.removed))}. ` +
      `The bot no longer uses it. The token itself still works in Syncro until you revoke it there (Admin → API Tokens).${note}`,
  );
}

/** The value of an approval card's buttons: who, and which connect (an old card cannot approve a newer key). */
export function approvalValue(e: Pick<Enrolment, 'slackUserId' | 'requestedAt'>): string {
  return JSON.stringify({ u: e.slackUserId, at: e.requestedAt });
}

export function parseApprovalValue(v: string | undefined): { u: string; at: number } | undefined {
  try {
    const o = JSON.parse(v ?? '') as { u?: unknown; at?: unknown };
    return typeof o.u === 'string' && typeof o.at === 'number' ? { u: o.u, at: o.at } : undefined;
  } catch {
    return undefined;
  }
}

/** Posts the approval card for a pending key to the configured admin channel. */
export async function postApprovalCard(ctx: BotContext, e: Enrolment): Promise<void> {
  const channel = ctx.enrolments?.config.approval_channel;
  if (!channel || !ctx.enrolments) return;
  await ctx.web.chat.postMessage({
    channel,
    ...approvalCard({
      slackUserId: e.slackUserId,
      owner: { name: e.syncroName, syncroUserId: e.syncroUserId },
      where: ctx.enrolments.where(ownerOf(e)),
      value: approvalValue(e),
      state: 'pending',
    }),
  });
}

/** Approve or Refuse on the approval card. Only an approver (or, without a list, anyone but the technician). */
export async function decideApproval(
  ctx: BotContext,
  to: ReplyTarget,
  value: string | undefined,
  decision: 'approve' | 'reject',
): Promise<void> {
  const enrolments = ctx.enrolments;
  const ref = parseApprovalValue(value);
  if (!enrolments || !ref) return tell(ctx, to, 'This approval is no longer known to the bot.');
  const approvers = enrolments.config.approvers;
  if (to.userId === ref.u) return tell(ctx, to, 'You cannot approve your own key: another admin does.');
  if (approvers.length > 0 && !approvers.includes(to.userId)) {
    return tell(
      ctx,
      to,
      'Only the approvers listed under enrolment.approvers in the bot’s config may decide this.',
    );
  }
  const e =
    decision === 'approve'
      ? await enrolments.approve(ref.u, ref.at, to.userId)
      : await enrolments.reject(ref.u, ref.at, to.userId);
  const current = e ?? (await enrolments.get(ref.u));
  const owner = current ?? { syncroName: 'someone', syncroUserId: 0 };
  await ctx.reply(to, {
    ...approvalCard({
      slackUserId: ref.u,
      owner: { name: owner.syncroName, syncroUserId: owner.syncroUserId },
      where: current ? enrolments.where(ownerOf(current)) : 'the bot’s storage',
      value: value ?? '',
      state: e ? (decision === 'approve' ? 'approved' : 'refused') : 'gone',
      by: to.userId,
    }),
    replace_original: true,
  });
  if (!e) return;
  const words = { name: e.syncroName, syncroUserId: e.syncroUserId };
  await ctx.web.chat
    .postMessage({
      channel: e.slackUserId,
      ...simpleReply(decision === 'approve' ? approvedDm(words, to.userId) : refusedDm(words, to.userId)),
    })
    .catch((err: unknown) => ctx.logger.warn({ err, user: e.slackUserId }, 'could not tell the technician'));
}

/** Syncro answered 401 for a connected key: its owner is told once (the key was marked stale). */
export async function promptReconnect(ctx: BotContext, e: Enrolment): Promise<void> {
  try {
    await ctx.web.chat.postMessage({
      channel: e.slackUserId,
      ...reconnectPrompt({ name: e.syncroName, syncroUserId: e.syncroUserId }),
    });
  } catch (err) {
    ctx.logger.warn({ err, user: e.slackUserId }, 'reconnect prompt not sent');
  }
}
