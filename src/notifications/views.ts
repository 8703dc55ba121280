import type { KnownBlock } from '@slack/types';
import { ACTION } from '../slack/action-ids.js';
import {
  actions,
  button,
  context,
  escapeMrkdwn,
  finalizeMessage,
  link,
  type Message,
  mention,
  option,
  section,
  slackDate,
  staticSelect,
  truncate,
} from '../slack/blocks.js';
import type { TicketEvent, TicketSnapshot } from './events.js';
import type { ChannelPayload, DmKind, DmPayload } from './fanout.js';
import type { PersonPrefs, Subscription } from './store.js';

/**
 * The notifier's words: pure functions from facts (snapshots, events, subscriptions) to Slack messages. Every text
 * from Syncro is escaped (a subject with `<!channel>` pings nobody).
 */

/** Notification-only action ids (the parent message's buttons also reuse the ticket view's). */
export const NOTIFY_ACTION = {
  /** "Assign to me" on a parent message; value = ticket number. */
  assignToMe: ACTION.notifyAssignMe,
  /** "Post this to Syncro as a comment?" under a thread reply; value = JSON {n, t}. */
  commentFromThread: ACTION.notifyThreadComment,
  /** App Home: a DM kind on/off; value = the kind. */
  toggleKind: ACTION.notifyToggle,
  /** App Home: quiet hours (static select); value = `from-to` or `off`. */
  quietHours: ACTION.notifyQuiet,
} as const;

function ticketUrl(webBaseUrl: string, id: number): string {
  return `${webBaseUrl}/tickets/${id}`;
}

function ticketLabel(t: TicketSnapshot): string {
  return `#${t.number} ${t.subject}`;
}

const STATUS_EMOJI: Record<string, string> = {
  New: '🆕',
  'In Progress': '🔧',
  Resolved: '✅',
  Closed: '✅',
  'Customer Reply': '💬',
  'Waiting on Customer': '⏳',
};

/** The one message per ticket per channel, always its latest state, with the buttons to act. */
export function parentMessage(t: TicketSnapshot, webBaseUrl: string): Message {
  const title = `*${link(ticketUrl(webBaseUrl, t.id), ticketLabel(t))}*`;
  const facts = [
    `${STATUS_EMOJI[t.status] ?? '•'} *${escapeMrkdwn(t.status)}*`,
    escapeMrkdwn(t.customerName ?? 'no customer'),
    t.userName ? `assigned to ${escapeMrkdwn(t.userName)}` : 'unassigned',
  ];
  if (t.sla === 'breached') facts.push('🔴 SLA breached');
  else if (t.sla === 'soon') facts.push('🟠 SLA due soon');
  const blocks: KnownBlock[] = [section(`${title}\n${facts.join(' · ')}`)];
  if (t.lastReply) {
    const at = Date.parse(t.lastReply.at);
    blocks.push(
      context([
        `Last reply${Number.isNaN(at) ? '' : ` ${slackDate(at)}`}: “${escapeMrkdwn(truncate(t.lastReply.text, 200))}”`,
      ]),
    );
  }
  blocks.push(
    actions([
      button({ text: 'Open ticket', actionId: ACTION.openLink, url: ticketUrl(webBaseUrl, t.id) }),
      button({ text: 'Comment', actionId: ACTION.ticketComment, value: t.number }),
      button({ text: 'Assign to me', actionId: NOTIFY_ACTION.assignToMe, value: t.number }),
      button({ text: 'Start timer', actionId: ACTION.timerStart, value: t.number }),
    ]),
  );
  return finalizeMessage(blocks, `#${t.number} ${t.subject} — ${t.status}`);
}

/** One line for an event (a thread reply, a digest line, a DM). */
export function eventLine(e: TicketEvent, t: TicketSnapshot): string {
  const by = e.actorSlackId ? ` (by ${mention(e.actorSlackId)} in Slack)` : '';
  switch (e.kind) {
    case 'new':
      return `🆕 New ticket for ${escapeMrkdwn(t.customerName ?? 'no customer')}${by}`;
    case 'reply':
      return `💬 ${escapeMrkdwn(t.customerName ?? 'The customer')} replied: “${escapeMrkdwn(truncate(e.comment?.text ?? '', 500))}”`;
    case 'note':
      return `📝 ${escapeMrkdwn(e.comment?.by ?? 'A technician')} ${e.comment?.hidden ? 'added a private note' : 'commented'}: “${escapeMrkdwn(truncate(e.comment?.text ?? '', 500))}”${by}`;
    case 'status':
      return `${STATUS_EMOJI[e.to ?? ''] ?? '🔁'} Status: ${escapeMrkdwn(e.from ?? '?')} → *${escapeMrkdwn(e.to ?? '?')}*${by}`;
    case 'assigned':
      return `👤 Assigned to *${escapeMrkdwn(e.to ?? `user ${e.toUserId}`)}*${e.from ? ` (was ${escapeMrkdwn(e.from)})` : ''}${by}`;
    case 'sla':
      return e.sla === 'breached'
        ? `🔴 SLA breached${t.dueDate ? ` (due ${escapeMrkdwn(t.dueDate)})` : ''}`
        : `🟠 SLA due soon${t.dueDate ? ` (due ${escapeMrkdwn(t.dueDate)})` : ''}`;
  }
}

/** A thread reply for one event. */
export function threadReply(p: ChannelPayload): Message {
  return finalizeMessage([section(eventLine(p.event, p.ticket))], `#${p.ticket.number}: ${p.event.kind}`);
}

/** Resolved (or Closed) is also sent to the channel (reply_broadcast). */
export function broadcastsToChannel(p: ChannelPayload): boolean {
  return p.event.kind === 'status' && (p.event.to === 'Resolved' || p.event.to === 'Closed');
}

const DM_INTRO: Record<DmKind, string> = {
  assigned: 'A ticket was assigned to you',
  reply: 'A customer replied on your ticket',
  sla: 'SLA trouble on your ticket',
  appointment: 'Appointment soon',
};

export function dmMessage(p: DmPayload, webBaseUrl: string): Message {
  const t = p.ticket;
  return finalizeMessage(
    [
      section(
        `*${DM_INTRO[p.reason]}:* ${link(ticketUrl(webBaseUrl, t.id), ticketLabel(t))}\n${eventLine(p.event, t)}`,
      ),
      actions([
        button({ text: 'Open ticket', actionId: ACTION.openLink, url: ticketUrl(webBaseUrl, t.id) }),
        button({ text: 'Comment', actionId: ACTION.ticketComment, value: t.number }),
        button({ text: 'Start timer', actionId: ACTION.timerStart, value: t.number }),
      ]),
    ],
    `${DM_INTRO[p.reason]}: #${t.number} ${t.subject}`,
  );
}

/** One message for a burst (or a catch-up after downtime). */
export function digestMessage(items: readonly ChannelPayload[], webBaseUrl: string): Message {
  const lines = items.map(
    (p) =>
      `• ${link(ticketUrl(webBaseUrl, p.ticket.id), `#${p.ticket.number}`)} ${escapeMrkdwn(truncate(p.ticket.subject, 80))} — ${eventLine(p.event, p.ticket)}`,
  );
  const tickets = new Set(items.map((p) => p.ticket.id)).size;
  const head = `*${items.length} updates on ${tickets} ticket${tickets === 1 ? '' : 's'}* (in one message instead of ${items.length})`;
  const shown = lines.slice(0, 40);
  const more = lines.length > shown.length ? `\n… and ${lines.length - shown.length} more` : '';
  return finalizeMessage([section(`${head}\n${shown.join('\n')}${more}`)], `${items.length} Syncro updates`);
}

export interface AppointmentFacts {
  id: number;
  summary: string;
  startAt: number;
  location: string | null;
  ticketId: number | null;
  /** The ticket's number, when the feed's snapshot knows the ticket (older rows have none). */
  ticketNumber?: string | null;
}

export function appointmentReminder(a: AppointmentFacts, webBaseUrl: string): Message {
  const where = a.location ? ` · ${escapeMrkdwn(a.location)}` : '';
  const ticket = a.ticketId
    ? ` · ${link(ticketUrl(webBaseUrl, a.ticketId), a.ticketNumber ? `#${a.ticketNumber}` : 'ticket')}`
    : '';
  return finalizeMessage(
    [section(`⏰ *${escapeMrkdwn(a.summary)}* starts ${slackDate(a.startAt)}${where}${ticket}`)],
    `Appointment soon: ${a.summary}`,
  );
}

const KIND_WORDS: Record<string, string> = {
  new: 'new tickets',
  reply: 'customer replies',
  note: 'technician notes',
  status: 'status changes',
  assigned: 'assignments',
  sla: 'SLA warnings',
};

export function subscriptionLine(s: Subscription, n: number): string {
  const scope =
    s.scope === 'all'
      ? 'all tickets'
      : s.scope === 'mine'
        ? `tickets assigned to ${mention(s.ownerSlackId)}`
        : `tickets of customers matching “${escapeMrkdwn(s.customer ?? '')}”`;
  return `${n}. ${scope}: ${s.kinds.map((k) => KIND_WORDS[k] ?? k).join(', ')} (by ${mention(s.ownerSlackId)})`;
}

export function subscriptionsText(subs: readonly Subscription[]): string {
  if (subs.length === 0)
    return 'This channel has no Syncro subscriptions. `/syncro subscribe all` posts new tickets, customer replies and status changes here.';
  return ['*Syncro subscriptions in this channel:*', ...subs.map((s, i) => subscriptionLine(s, i + 1))].join(
    '\n',
  );
}

/** The words for a Slack error a post met (the subscriber is told, and it is retried). */
export function deliveryProblemText(channel: string, error: string, willRetry: boolean): string {
  const hint =
    error === 'not_in_channel' || error === 'channel_not_found'
      ? ' Invite the bot to the channel (`/invite @syncro`), or `/syncro unsubscribe all` there.'
      : '';
  return `⚠️ Syncro notifications for <#${channel}> could not be posted (Slack said \`${escapeMrkdwn(error)}\`).${hint} ${willRetry ? 'They are kept and tried again.' : 'They were given up after many tries.'}`;
}

/** The longest thread reply carried in the offer's button (Slack's button value limit is 2000). */
export const OFFER_MAX_TEXT = 1800;

/** The private offer under a person's reply in a ticket's thread. */
export function commentOffer(number: string, text: string): Message {
  const value = JSON.stringify({ n: number, t: text });
  return finalizeMessage(
    [
      section(
        `Post this to Syncro as a comment on #${escapeMrkdwn(number)}? You will see the card first (private or public).`,
      ),
      actions([button({ text: 'Post to Syncro…', actionId: NOTIFY_ACTION.commentFromThread, value })]),
    ],
    `Post this to Syncro as a comment on #${number}?`,
  );
}

const DM_KIND_WORDS: Record<DmKind, string> = {
  assigned: 'Assigned to me',
  reply: 'Customer replied on mine',
  sla: 'SLA trouble on mine',
  appointment: 'Appointment reminders',
};

export const QUIET_CHOICES = ['off', '22:00-07:00', '20:00-08:00', '18:00-09:00'] as const;

/** App Home's notification settings: each DM kind on/off, quiet hours, and posts that failed. */
export function notificationHomeBlocks(p: {
  prefs: PersonPrefs;
  problems: readonly { target: string; error: string | null; state: string }[];
}): KnownBlock[] {
  const quiet = p.prefs.quiet ? `${p.prefs.quiet.from}-${p.prefs.quiet.to}` : 'off';
  const blocks: KnownBlock[] = [
    section('*Notifications by DM* (a change you made yourself is never sent to you)'),
    actions(
      (['assigned', 'reply', 'sla', 'appointment'] as const).map((k) =>
        button({
          text: `${p.prefs.off.includes(k) ? '🔕' : '🔔'} ${DM_KIND_WORDS[k]}`,
          actionId: NOTIFY_ACTION.toggleKind,
          value: k,
          ...(p.prefs.off.includes(k) ? {} : { style: 'primary' as const }),
        }),
      ),
      'notify_kinds',
    ),
    section(
      `Quiet hours: *${quiet === 'off' ? 'none' : escapeMrkdwn(quiet)}*${p.prefs.quiet ? ` (${escapeMrkdwn(p.prefs.quiet.timeZone)}; DMs wait until they end, reminders inside them are skipped)` : ''}`,
      {
        accessory: staticSelect({
          actionId: NOTIFY_ACTION.quietHours,
          placeholder: 'Quiet hours',
          options: QUIET_CHOICES.map((q) =>
            option(q === 'off' ? 'No quiet hours' : q.replace('-', ' – '), q),
          ),
          initial: quiet,
        }),
      },
    ),
  ];
  if (p.problems.length > 0) {
    blocks.push(
      context([
        `⚠️ ${p.problems.length} notification${p.problems.length === 1 ? '' : 's'} not posted yet: ${p.problems
          .slice(0, 3)
          .map(
            (x) =>
              `${x.target.startsWith('C') || x.target.startsWith('G') ? `<#${x.target}>` : 'your DM'} (${escapeMrkdwn(x.error ?? x.state)})`,
          )
          .join(', ')}`,
      ]),
    );
  }
  return blocks;
}
