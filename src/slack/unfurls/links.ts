/**
 * Which shared text refers to a Syncro ticket (pure). Only links to this bot's own Syncro account are taken (the
 * configured web base URL's host, `https://acme.syncromsp.com/tickets/<id>`): a link to another account, or to
 * anything but a ticket, is not ours to preview.
 */

/** At most this many previews per message: a pasted list of links does not become a burst of Syncro reads. */
export const MAX_PER_MESSAGE = 5;

export interface TicketLink {
  /** The URL exactly as shared (chat.unfurl is keyed by it). */
  url: string;
  ticketId: number;
}

/** The links in `urls` that point at a ticket in the Syncro account at `webBaseUrl`, each ticket once. */
export function ticketLinks(urls: readonly string[], webBaseUrl: string): TicketLink[] {
  let host: string;
  try {
    host = new URL(webBaseUrl).host.toLowerCase();
  } catch {
    return [];
  }
  const out: TicketLink[] = [];
  const seen = new Set<number>();
  for (const url of urls) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      continue;
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') continue;
    if (u.host.toLowerCase() !== host || u.username || u.password) continue;
    const m = /^\/tickets\/(\d{1,12})\/?$/.exec(u.pathname);
    if (!m) continue;
    const ticketId = Number(m[1]);
    if (!Number.isSafeInteger(ticketId) || ticketId <= 0 || seen.has(ticketId)) continue;
    seen.add(ticketId);
    out.push({ url, ticketId });
    if (out.length >= MAX_PER_MESSAGE) break;
  }
  return out;
}

/**
 * Ticket numbers written as `#32164` in a message's text (Slack's markup: links, mentions and channel
 * references `<…>` are left out, so a link's label is not previewed twice). Each number once, at most 3.
 */
export function ticketNumbersIn(text: string): string[] {
  const plain = text.replace(/<[^<>]*>/g, ' ').replace(/```[\s\S]*?```|`[^`\n]*`/g, ' ');
  const out: string[] = [];
  for (const m of plain.matchAll(/(?<![\w&#;/])#(\d{3,10})(?![\w#])/g)) {
    const n = String(Number(m[1]));
    if (!out.includes(n)) out.push(n);
    if (out.length >= 3) break;
  }
  return out;
}
