import type { HomeView, KnownBlock } from '@slack/types';
import { isSharedChannel } from '../../actions/billing-gate.js';
import type { AuditEntry, PendingAction } from '../../actions/types.js';
import type { Ticket } from '../../syncro/schemas.js';
import { elapsedText } from '../../timers/span.js';
import type { RunningTimer } from '../../timers/timer-store.js';
import { ACTION } from '../action-ids.js';
import {
  button,
  context,
  divider,
  escapeMrkdwn,
  header,
  LIMITS,
  link,
  mention,
  section,
  slackDate,
  truncate,
} from '../blocks.js';
import { summaryWords } from '../views/action-summary.js';
import { ticketNo, ticketUrl, webBase } from '../views/format.js';
import { ticketCustomerName } from '../views/ticket-list.js';
import type { HomeSyncro } from './home-data.js';

/**
 * App Home (pure): for one person, their running timers, open tickets, cards waiting for their approval, their
 * recent writes, and their Resolved/Closed tickets without a line item, each with links to the ticket (and the
 * card) and the next thing to do. At most HOME_MAX_BLOCKS blocks (Slack takes 100; one is left for the sandbox
 * banner, added where views leave the bot).
 */

export const HOME_MAX_BLOCKS = LIMITS.modalBlocks - 1;

/** How many items each section shows at most (the total stays well within the block limit). */
export const HOME_SHOWN = { timers: 10, open: 10, approvals: 5, writes: 8, unbilled: 10 } as const;

/** Where a card is, when it is a message that can be linked to. */
export interface CardPlace {
  channelId: string;
  messageTs: string;
}

export interface HomeParams {
  slackUserId: string;
  /** Whose key reads: the name Syncro gives it. */
  syncroName: string;
  now: number;
  webBaseUrl: string;
  /** How long Syncro data is kept before Home reads it again (stated on the page). */
  freshMs: number;
  timers: RunningTimer[];
  /** What Syncro said, or why it could not be read (plain words). */
  syncro: HomeSyncro | { error: string };
  approvals: PendingAction[];
  /** Each write with its card and, from the card's row, the number of the ticket it was about or made. */
  writes: Array<{ entry: AuditEntry; card?: CardPlace; ticketNumber?: string }>;
}

/**
 * The number of the ticket a card is about, or of the ticket it created (the create step's outcome), from the
 * card's row: what Home names a write by, never the ticket's internal id.
 */
export function cardTicketNumber(a: PendingAction): string | undefined {
  if (a.ticket?.number) return a.ticket.number;
  if (a.draft?.kind === 'session_log') return a.draft.ticket.number;
  for (const s of a.steps) {
    const o = s.outcome;
    if (o && (o.code === 'done' || o.code === 'found') && o.ticketNumber) return o.ticketNumber;
  }
  return undefined;
}

/** A link to a Slack message (Slack opens it in the reader's workspace). */
export function messageUrl(p: CardPlace): string {
  return `https://slack.com/archives/${encodeURIComponent(p.channelId)}/p${p.messageTs.replace('.', '')}`;
}

/** The message a card is drawn in when others can see it: a channel message (not a DM, nor a private card). */
export function sharedCardPlace(a: PendingAction): CardPlace | undefined {
  if (a.slack.directMessage || a.slack.ephemeral || !isSharedChannel(a.slack.channelId)) return undefined;
  return cardPlace(a);
}

/** The message a card is drawn in, if it is one (a private card shown through response_url has none). */
export function cardPlace(a: PendingAction): CardPlace | undefined {
  if (a.slack.directMessage) return a.slack.directMessage;
  return a.slack.messageTs ? { channelId: a.slack.channelId, messageTs: a.slack.messageTs } : undefined;
}

function ticketLink(webBaseUrl: string, id: number, number: string | number): string {
  return link(ticketUrl(webBaseUrl, id), ticketNo(number));
}

function ticketText(webBaseUrl: string, t: Ticket): string {
  return (
    `*${ticketLink(webBaseUrl, t.id, t.number)}* · ${escapeMrkdwn(truncate(t.subject, 150))}\n` +
    `${escapeMrkdwn(truncate(ticketCustomerName(t), 80))} · ${escapeMrkdwn(t.status)}`
  );
}

function more(n: number, shown: number, how: string): KnownBlock[] {
  return n > shown ? [context([`… and ${n - shown} more: ${how}`])] : [];
}

function timerBlocks(p: HomeParams): KnownBlock[] {
  const out: KnownBlock[] = [header(`⏱ Running timers (${p.timers.length})`)];
  if (p.timers.length === 0) {
    out.push(section('No timer running. Start one with `/syncro timer start &lt;number&gt; [note]`.'));
    return out;
  }
  for (const t of p.timers.slice(0, HOME_SHOWN.timers)) {
    const note = t.note ? ` — ${escapeMrkdwn(truncate(t.note, 150))}` : '';
    out.push(
      section(
        `*${ticketLink(p.webBaseUrl, t.ticketId, t.ticketNumber)}* · ${escapeMrkdwn(truncate(t.ticketSubject, 150))}\n` +
          `running *${elapsedText(p.now - t.startedAt)}* (since ${slackDate(t.startedAt)})${note}`,
        {
          accessory: button({
            text: 'Stop',
            actionId: ACTION.timerStop,
            value: t.ticketNumber,
            style: 'primary',
          }),
        },
      ),
    );
  }
  out.push(...more(p.timers.length, HOME_SHOWN.timers, '`/syncro timer`'));
  return out;
}

function openBlocks(p: HomeParams): KnownBlock[] {
  if ('error' in p.syncro) {
    return [header('🎫 My open tickets'), section(`⚠️ ${escapeMrkdwn(p.syncro.error)}`)];
  }
  const { open } = p.syncro;
  const total = p.syncro.openTotal ?? open.length;
  const out: KnownBlock[] = [header(`🎫 My open tickets (${total})`)];
  if (open.length === 0) {
    out.push(section('No open ticket is assigned to you in Syncro.'));
    return out;
  }
  const running = new Set(p.timers.map((t) => t.ticketId));
  for (const t of open.slice(0, HOME_SHOWN.open)) {
    out.push(
      section(ticketText(p.webBaseUrl, t), {
        // The next thing to do on an open ticket: work it (a timer), unless one is running already.
        accessory: running.has(t.id)
          ? button({ text: 'Stop timer', actionId: ACTION.timerStop, value: String(t.number) })
          : button({ text: 'Start timer', actionId: ACTION.timerStart, value: String(t.number) }),
      }),
    );
  }
  out.push(
    ...more(
      total,
      Math.min(open.length, HOME_SHOWN.open),
      link(`${webBase(p.webBaseUrl)}/tickets`, 'in Syncro'),
    ),
  );
  return out;
}

function approvalBlocks(p: HomeParams): KnownBlock[] {
  const out: KnownBlock[] = [header(`✅ Waiting for your approval (${p.approvals.length})`)];
  if (p.approvals.length === 0) {
    out.push(section('No card is waiting for you.'));
    return out;
  }
  for (const a of p.approvals.slice(0, HOME_SHOWN.approvals)) {
    // Only a link the approver can open: a card in a channel, never one in the requester's DM.
    const place = sharedCardPlace(a);
    const ticket = a.ticket ? ` · ${ticketLink(p.webBaseUrl, a.ticket.id, a.ticket.number)}` : '';
    out.push(
      section(
        `*${escapeMrkdwn(truncate(summaryWords(a).title, 150))}*${ticket}\n` +
          `asked by ${mention(a.requesterSlackId)} · expires ${slackDate(a.expiresAt)}`,
        place
          ? {
              accessory: button({ text: 'Open the card', actionId: ACTION.openLink, url: messageUrl(place) }),
            }
          : {},
      ),
    );
  }
  out.push(...more(p.approvals.length, HOME_SHOWN.approvals, 'in the cards’ channels'));
  return out;
}

const OUTCOME: Record<AuditEntry['outcome'], string> = {
  succeeded: '✅',
  failed: '❌ failed',
  outcome_unknown: '❓ no clear answer',
  found_after_unknown: '✅ (found after an unclear answer)',
  absent_after_unknown: '∅ not in Syncro',
};

/**
 * What a write was, in a technician's words, from its request (`POST /tickets/90000015/comment` → "Comment"):
 * Home names tickets by number in the link beside it, so the path and its id are not shown (`/syncro audit`
 * keeps the exact requests).
 */
export function writeWords(method: string, endpoint: string): string {
  const path = endpoint.replace(/^[A-Z]+\s+/, '').split('?')[0] ?? '';
  const last = path.split('/').filter(Boolean).pop() ?? '';
  const words: Record<string, string> = {
    comment: 'Comment',
    add_line_item: 'Line item added',
    remove_line_item: 'Line item removed',
    timer_entry: 'Timer entry',
    charge_timer_entry: 'Timer entry charged',
    invoices: 'Invoice created',
  };
  if (words[last]) return words[last] as string;
  if (method === 'POST' && /^\/tickets\/?$/.test(path)) return 'Ticket created';
  if (method === 'PUT' && /^\/tickets\/\d+$/.test(path)) return 'Ticket updated';
  // Session logs are not Syncro requests: a commit in the log repository, or a file uploaded to Slack.
  if (method === 'GIT') return 'Session log committed';
  if (method === 'UPLOAD') return 'Session log uploaded';
  return 'Write';
}

function writeBlocks(p: HomeParams): KnownBlock[] {
  const out: KnownBlock[] = [header('✍️ My recent writes')];
  if (p.writes.length === 0) {
    out.push(section('Nothing written from Slack yet.'));
    return out;
  }
  const lines = p.writes.slice(0, HOME_SHOWN.writes).map(({ entry: e, card, ticketNumber }) => {
    // A ticket is named by its number; with none known, the link says what it is in words (never the id).
    const number = e.ticketNumber ?? ticketNumber;
    const created = e.method === 'POST' && /^\/tickets\/?$/.test(e.endpoint);
    const ticketId = e.ticketId ?? (created ? e.resultId : undefined);
    const ticket =
      ticketId === undefined
        ? ''
        : number !== undefined
          ? ` · ${ticketLink(p.webBaseUrl, ticketId, number)}`
          : ` · ${link(ticketUrl(p.webBaseUrl, ticketId), created ? 'the new ticket' : 'the ticket')}`;
    const cardLink = card ? ` · ${link(messageUrl(card), 'the card')}` : '';
    return `• ${slackDate(e.startedAt)} *${escapeMrkdwn(writeWords(e.method, e.endpoint))}* ${OUTCOME[e.outcome]}${ticket}${cardLink}`;
  });
  out.push(section(lines.join('\n')));
  out.push(context(['The whole record of a ticket: `/syncro audit &lt;number&gt;`.']));
  return out;
}

function unbilledBlocks(p: HomeParams): KnownBlock[] {
  if ('error' in p.syncro) return [header('💸 Resolved, not billed'), section('⚠️ Not read (see above).')];
  const { unbilled, unchecked } = p.syncro;
  const out: KnownBlock[] = [header(`💸 Resolved, not billed (${unbilled.length})`)];
  if (unbilled.length === 0)
    out.push(section('None of your Resolved or Closed tickets is without a line item.'));
  for (const t of unbilled.slice(0, HOME_SHOWN.unbilled)) {
    out.push(
      section(`${ticketText(p.webBaseUrl, t)} · no line item: this time would never be invoiced`, {
        accessory: button({
          text: 'Bill',
          actionId: ACTION.ticketBill,
          value: String(t.number),
          style: 'primary',
        }),
      }),
    );
  }
  out.push(...more(unbilled.length, HOME_SHOWN.unbilled, 'in Syncro'));
  if (unchecked > 0) {
    out.push(context([`${unchecked} more Resolved or Closed ticket(s) were not checked for line items.`]));
  }
  return out;
}

export function homeView(p: HomeParams): HomeView {
  const readAt = 'error' in p.syncro ? p.now : p.syncro.readAt;
  const blocks: KnownBlock[] = [
    header('Syncro'),
    context([
      `For ${mention(p.slackUserId)}, read with your own Syncro key (*${escapeMrkdwn(p.syncroName)}*). ` +
        `Syncro read ${slackDate(readAt)}; it is read again at most once every ${Math.round(p.freshMs / 1000)} s.`,
    ]),
    ...timerBlocks(p),
    divider(),
    ...openBlocks(p),
    divider(),
    ...approvalBlocks(p),
    divider(),
    ...writeBlocks(p),
    divider(),
    ...unbilledBlocks(p),
  ];
  return { type: 'home', blocks: fitHome(blocks) };
}

/** Keeps a Home within HOME_MAX_BLOCKS (the sections' caps keep it there; this is the last guard). */
function fitHome(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= HOME_MAX_BLOCKS) return blocks;
  return [
    ...blocks.slice(0, HOME_MAX_BLOCKS - 1),
    context([`… ${blocks.length - HOME_MAX_BLOCKS + 1} more not shown`]),
  ];
}

export type NotSetUpReason = 'not_mapped' | 'no_own_key' | 'key_pending' | 'key_stale' | 'key_refused';

/** For a person Home cannot read Syncro for: how to get connected. */
export function homeNotSetUpView(p: {
  slackUserId: string;
  reason: NotSetUpReason;
  /** Plain words of what went wrong, for `key_refused`. */
  detail?: string;
  /** The connect button's action id, when the bot has one. */
  connectActionId?: string;
}): HomeView {
  const why: Record<NotSetUpReason, string> = {
    not_mapped: '👋 *You are not connected to Syncro yet.*',
    no_own_key:
      '👋 *You have no Syncro key of your own yet.* Home shows only what is yours, read with your own key ' +
      '(never the shared one).',
    key_pending:
      '⏳ *Your Syncro key is waiting for an admin’s approval.* Home shows what is yours once it is approved ' +
      '(until then nothing is read with the shared key here).',
    key_stale:
      '⚠️ *Syncro no longer accepts the key you connected* (it may have been revoked or expired). Connect a new ' +
      'one to see your Home again.',
    key_refused: `⚠️ *Home cannot read Syncro with your key.*${p.detail ? ` ${escapeMrkdwn(truncate(p.detail, 400))}` : ''}`,
  };
  const blocks: KnownBlock[] = [
    header('Syncro'),
    section(why[p.reason]),
    section(
      'Once connected, this tab shows your running timers, your open tickets, cards waiting for your approval, ' +
        'your recent writes, and your Resolved tickets that were never billed. Every write is signed with your ' +
        'own Syncro key, so that comments and time carry your name.',
    ),
    // `/syncro connect` exists only with `enrolment:` configured; without it, only an admin can set a person up.
    p.connectActionId
      ? section(
          '*How to connect*\n' +
            '1. In Syncro open *Admin → API Tokens → New* (Integration API Token) and create a token for yourself. ' +
            'Syncro shows it only once: copy it.\n' +
            '2. Run `/syncro connect` and paste it into the form (never into a message).',
          { accessory: button({ text: 'Connect', actionId: p.connectActionId, style: 'primary' }) },
        )
      : section(
          '*How to get set up*\nAsk your admin to set you up for the Syncro bot with your own Syncro key. ' +
            'Never paste a Syncro key into Slack.',
        ),
    context([`Your Slack user id is \`${escapeMrkdwn(p.slackUserId)}\` (your admin may ask for it).`]),
  ];
  return { type: 'home', blocks };
}
