import type { Identity } from '../../identity/resolver.js';
import { withRequestPriority } from '../../syncro/priority.js';
import type { Ticket } from '../../syncro/schemas.js';
import type { BotContext } from '../context.js';
import type { ListenerApp } from '../listener-router.js';
import { isPersonsNewMessage, type MessageEventFields } from '../message-event.js';
import { ticketLinks, ticketNumbersIn } from './links.js';
import { ticketPreviewBlocks, ticketPreviewMessage } from './preview.js';

/**
 * Ticket previews where people talk:
 * - `link_shared` (a link to a ticket in this Syncro account) → chat.unfurl with the ticket's compact preview;
 * - in the channels listed in `unfurls.ticket_numbers_in`, a message that writes `#32164` → the same preview in
 *   the message's thread.
 * Each is read with the sharer's OWN key (a preview shows what that person may see): no own key, no preview and
 * no Syncro request; the shared key is never used. At most once per ticket per channel per hour, across replicas
 * (the store's shown_links: one conditional statement takes a key). Reads queue at background priority: a preview never delays a command.
 */
export function registerUnfurls(app: ListenerApp, ctx: BotContext): void {
  const log = ctx.logger.child({ component: 'unfurls' });
  const WINDOW_MS = 60 * 60_000;
  const shown = ctx.store.shownLinks;
  const shownLately = async (key: string) => shown.has(key, ctx.now(), WINDOW_MS).catch(() => false);
  /** The keys not shown lately, in order. */
  async function notShownLately<K>(items: K[], keyOf: (k: K) => string): Promise<K[]> {
    const out: K[] = [];
    for (const item of items) if (!(await shownLately(keyOf(item)))) out.push(item);
    return out;
  }

  /** The sharer's own identity, or undefined (not set up, no own key, key refused): then nothing is shown. */
  async function ownReader(userId: string | undefined): Promise<Identity | undefined> {
    if (!userId) return undefined;
    try {
      return await ctx.identities.forRead(userId, { ownKeyOnly: true });
    } catch (err) {
      log.debug({ reason: 'no_own_key', errCode: (err as { code?: unknown }).code }, 'no preview');
      return undefined;
    }
  }

  async function assigneeName(identity: Identity, t: Ticket): Promise<string | undefined> {
    if (t.user?.full_name || !t.user_id) return undefined;
    const users = await ctx.users(identity.api).catch(() => []);
    return users.find((u) => u.id === t.user_id)?.name;
  }

  /** Reads each ticket of `keys` not previewed lately; a failed read gives its key back. */
  async function readFresh<K>(
    identity: Identity,
    items: K[],
    keyOf: (k: K) => string,
    read: (k: K) => Promise<Ticket>,
  ): Promise<Array<{ item: K; ticket: Ticket; assignee?: string }>> {
    const out: Array<{ item: K; ticket: Ticket; assignee?: string }> = [];
    for (const item of items) {
      const takenAt = ctx.now();
      if (!(await shown.take(keyOf(item), takenAt, WINDOW_MS))) continue;
      try {
        const ticket = await withRequestPriority('background', () => read(item));
        out.push({
          item,
          ticket,
          assignee: await withRequestPriority('background', () => assigneeName(identity, ticket)),
        });
      } catch (err) {
        await shown.forget(keyOf(item), takenAt).catch(() => undefined);
        log.debug({ reason: 'read_failed', errCode: (err as { code?: unknown }).code }, 'no preview');
      }
    }
    return out;
  }

  app.event('link_shared', async ({ event }) => {
    // A link being typed (the composer) is previewed once it is posted; only posted messages are counted.
    if ((event as { source?: string }).source === 'composer') return;
    const all = ticketLinks(
      event.links.map((l) => l.url),
      ctx.client.webBaseUrl,
    );
    const links = await notShownLately(all, (l) => `${event.channel} ${l.ticketId}`);
    if (links.length === 0) {
      const reason = all.length === 0 ? 'not_a_ticket_link' : 'shown_lately';
      log.debug({ reason, channel: event.channel }, 'no preview');
      return;
    }
    const identity = await ownReader(event.user);
    if (!identity) return;
    const read = await readFresh(
      identity,
      links,
      (l) => `${event.channel} ${l.ticketId}`,
      (l) => identity.api.getTicket(l.ticketId),
    );
    if (read.length === 0) return;
    const unfurls = Object.fromEntries(
      read.map(({ item, ticket, assignee }) => [
        item.url,
        {
          blocks: ticketPreviewBlocks(ticket, { webBaseUrl: ctx.client.webBaseUrl, assigneeName: assignee }),
        },
      ]),
    );
    try {
      await ctx.web.chat.unfurl({ channel: event.channel, ts: event.message_ts, unfurls });
    } catch (err) {
      log.warn({ err }, 'chat.unfurl refused the preview');
    }
  });

  const optedIn = new Set(ctx.file.unfurls.ticket_numbers_in);

  app.event('message', async ({ event }) => {
    const e = event as MessageEventFields;
    if (!e.text) return;
    const all = ticketNumbersIn(e.text);
    if (all.length === 0) return;
    if (!optedIn.has(e.channel)) {
      log.debug({ reason: 'not_opted_in', channel: e.channel }, 'no preview');
      return;
    }
    // People's new messages only: no edits, deletions, joins or bot messages (the bot's own cards say #32164).
    if (!isPersonsNewMessage(e)) {
      log.debug({ reason: 'not_a_new_message', channel: e.channel, subtype: e.subtype }, 'no preview');
      return;
    }
    const numbers = await notShownLately(all, (n) => `${e.channel} #${n}`);
    if (numbers.length === 0) {
      log.debug({ reason: 'shown_lately', channel: e.channel }, 'no preview');
      return;
    }
    const identity = await ownReader(e.user);
    if (!identity) return;
    const read = await readFresh(
      identity,
      numbers,
      (n) => `${e.channel} #${n}`,
      (n) => identity.api.findTicketByNumber(n),
    );
    for (const { ticket, assignee } of read) {
      const m = ticketPreviewMessage(ticket, { webBaseUrl: ctx.client.webBaseUrl, assigneeName: assignee });
      await ctx.web.chat
        .postMessage({
          channel: e.channel,
          thread_ts: e.thread_ts ?? e.ts,
          text: m.text,
          blocks: m.blocks,
          unfurl_links: false,
        })
        .catch((err: unknown) => log.warn({ err }, 'could not post the ticket preview in the thread'));
    }
  });
}
