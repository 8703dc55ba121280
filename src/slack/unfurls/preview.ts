import type { KnownBlock } from '@slack/types';
import type { Ticket } from '../../syncro/schemas.js';
import { context, escapeMrkdwn, link, type Message, section, truncate } from '../blocks.js';
import { ticketNo, ticketUrl } from '../views/format.js';

/**
 * A ticket's compact preview (pure): its number (the link; the id only in the address), subject, status,
 * customer and assignee. The same blocks serve chat.unfurl and the thread reply to `#32164`.
 */

export interface PreviewFacts {
  webBaseUrl: string;
  /** The assignee's name when the ticket itself does not say (the account's users, by id). */
  assigneeName?: string;
}

export function ticketPreviewBlocks(t: Ticket, f: PreviewFacts): KnownBlock[] {
  const number = ticketNo(String(t.number));
  const subject = escapeMrkdwn(truncate(t.subject, 200));
  const customer = t.customer_business_then_name ?? undefined;
  const assignee = t.user?.full_name ?? f.assigneeName;
  const facts = [
    `Status: *${escapeMrkdwn(t.status)}*`,
    `Customer: ${customer ? escapeMrkdwn(truncate(customer, 100)) : '—'}`,
    `Assignee: ${assignee ? escapeMrkdwn(truncate(assignee, 100)) : 'nobody'}`,
    ...(t.priority ? [`Priority: ${escapeMrkdwn(truncate(t.priority, 40))}`] : []),
  ];
  return [
    section(`*${link(ticketUrl(f.webBaseUrl, t.id), number)}* · ${subject}`),
    context([facts.join(' · ')]),
  ];
}

/** The thread reply to a message that wrote `#32164`. */
export function ticketPreviewMessage(t: Ticket, f: PreviewFacts): Message {
  return {
    text: escapeMrkdwn(`${ticketNo(String(t.number))} · ${truncate(t.subject, 200)} (${t.status})`),
    blocks: ticketPreviewBlocks(t, f),
  };
}
