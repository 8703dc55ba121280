import { proposeWith } from '../../actions/kinds/action.js';
import type { BillDraft } from '../../actions/kinds/billing.js';
import type { CloseDraft } from '../../actions/kinds/close.js';
import { type SessionLogTarget, sessionLogAction } from '../../actions/kinds/session-log.js';
import { allCommentsOf } from '../../actions/reconcile.js';
import type { PendingAction, TicketRef } from '../../actions/types.js';
import { authorEmail, sessionLogFacts } from '../../session-logs/facts.js';
import { renderSessionLog, sessionLogFileName, sessionLogPath } from '../../session-logs/render.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { simpleReply } from '../views/replies.js';
import { proposalBase, propose, ticketRef } from './write-commands.js';

/**
 * "Write session log" on a finished close or billing: the log is rendered from the finished action and one read
 * of the ticket, and shown on a card of its own (the Markdown as the payload, where it goes), which writes it
 * only after Post, at most once. One log per finished action: the card's id is derived from the action's, so a
 * second click shows the card that exists instead of making another.
 */

type Source = PendingAction & { draft: CloseDraft | BillDraft; ticket: TicketRef };

/** The id of the session-log card for a finished action (the n-th, after earlier ones were cancelled or expired). */
export function sessionLogCardId(sourceId: string, n: number): string {
  return n === 1 ? `${sourceId}.session-log` : `${sourceId}.session-log-${n}`;
}

/** Cards tried per finished action before giving up (each earlier one cancelled or expired). */
const MAX_CARDS = 10;

function tell(ctx: BotContext, to: ReplyTarget, text: string): Promise<void> {
  return ctx.reply(to, { ...simpleReply(text), response_type: 'ephemeral', replace_original: false });
}

function isSource(a: PendingAction | undefined): a is Source {
  return (
    a?.state === 'succeeded' &&
    (a.draft?.kind === 'close_ticket' || a.draft?.kind === 'bill') &&
    a.ticket !== undefined
  );
}

export async function proposeSessionLogFor(
  ctx: BotContext,
  to: ReplyTarget,
  sourceId: string,
): Promise<void> {
  const source = await ctx.store.get(sourceId);
  if (!isSource(source))
    return tell(ctx, to, 'There is no finished close or billing here to write a session log for.');
  // The technician who did the work writes it up: the one who asked, or the one who pressed Post.
  if (to.userId !== source.requesterSlackId && to.userId !== source.clickedBy)
    return tell(
      ctx,
      to,
      `Only <@${source.requesterSlackId}>${source.clickedBy && source.clickedBy !== source.requesterSlackId ? ` or <@${source.clickedBy}>` : ''} can write the session log for this.`,
    );

  let id: string | undefined;
  for (let n = 1; n <= MAX_CARDS && !id; n++) {
    const candidate = sessionLogCardId(sourceId, n);
    const existing = await ctx.store.get(candidate);
    if (!existing) id = candidate;
    else if (existing.state === 'cancelled' || existing.state === 'expired') continue;
    else if (existing.state === 'succeeded')
      return tell(
        ctx,
        to,
        `The session log for this was already written (by <@${existing.clickedBy}>); it is not written twice.`,
      );
    else if (existing.state === 'failed' && !existing.resumable) continue;
    else if (existing.requesterSlackId === to.userId) {
      // The card is still open: show it again here rather than make a second one.
      await ctx.publishCard(
        {
          ...existing,
          slack: { ...existing.slack, responseUrl: to.responseUrl, responseUrlIssuedAt: ctx.now() },
        },
        true,
      );
      return;
    } else return tell(ctx, to, `<@${existing.requesterSlackId}> has the session log card for this open.`);
  }
  if (!id) return tell(ctx, to, 'Too many session log cards were started for this; write it by hand.');

  const identity = await ctx.identities.forWrite(to.userId);
  const read = await identity.api.getTicket(source.ticket.id);
  // What was reported and every comment since: the ticket's own list may be partial.
  const ticket = { ...read, comments: await allCommentsOf(identity.api, read) };
  const sl = ctx.file.session_logs;
  // The author is the person: with their own key, Syncro's name and email for it; with the shared key (which
  // carries its owner's name), the name configured for them under `users`, never the key owner's.
  const own = identity.keyKind === 'own';
  const name = own ? identity.name : (ctx.file.users[to.userId]?.name ?? identity.name);
  const technician = {
    name,
    email: authorEmail(name, own ? identity.me.user_email : undefined, sl.author_email_domain),
  };
  const facts = sessionLogFacts({
    action: source,
    ticket,
    technician,
    timeZone: sl.time_zone,
    now: ctx.now(),
  });
  const markdown = renderSessionLog(facts);
  const marker = `Syncro-Slack-Action: ${id}`;
  const git = ctx.sessionLogGit;
  let target: SessionLogTarget;
  if (git) {
    // The n-th log of a ticket on one day gets -n: a log already committed is never overwritten.
    let file = sessionLogPath(facts.customer, facts.date, facts.ticket.number);
    for (let n = 2; (await git.committed(file)) && n <= 50; n++)
      file = sessionLogPath(facts.customer, facts.date, facts.ticket.number, n);
    const what = source.draft.kind === 'bill' ? 'billed' : 'closed';
    target = {
      kind: 'git',
      file,
      author: technician,
      message: `Session log: #${facts.ticket.number} ${facts.ticket.subject} (${facts.customer.name})\n\nTicket #${facts.ticket.number} ${what} by ${technician.name} on ${facts.date}.\n\n${marker}`,
      push: sl.push,
      remote: sl.remote,
    };
  } else {
    // Without a repository the log goes to the card's thread (a channel card), else to the card's channel.
    const where =
      source.slack.directMessage ??
      (source.slack.messageTs
        ? { channelId: source.slack.channelId, messageTs: source.slack.messageTs }
        : undefined);
    target = {
      kind: 'slack',
      channelId: where?.channelId ?? source.slack.channelId,
      ...(where ? { threadTs: where.messageTs } : {}),
      filename: sessionLogFileName(facts.date, facts.ticket.number),
      title: `Session log #${facts.ticket.number} (${facts.date})`,
    };
  }
  const base = proposalBase(ctx, identity, to);
  const action = proposeWith(
    sessionLogAction,
    // A card of its own: the click's response_url belongs to the finished card, so it is not kept for redraws.
    { ...base, id, slack: { channelId: to.channelId, ephemeral: true } },
    {
      kind: 'session_log',
      ticket: ticketRef(ticket),
      source: { actionId: source.id, kind: source.draft.kind },
      markdown,
      target,
      marker,
    },
  );
  await propose(ctx, { ...to, replace: false }, action);
}
