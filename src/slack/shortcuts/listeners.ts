import type {
  GlobalShortcut,
  MessageShortcut,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { visibilityFlags } from '../../actions/visibility.js';
import { NotAllowedError } from '../../errors.js';
import { NotMappedError } from '../../identity/errors.js';
import type { Ticket } from '../../syncro/schemas.js';
import { OPTIONS, SHORTCUT, VIEW } from '../action-ids.js';
import { context, escapeMrkdwn, LIMITS, modal, section, truncate } from '../blocks.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { guard } from '../handlers/dispatch.js';
import { proposeCommentFor, proposeCreateFor, type ThreadTarget } from '../handlers/write-commands.js';
import type { ListenerApp } from '../listener-router.js';
import { ticketNo } from '../views/format.js';
import { notMappedReply, simpleReply } from '../views/replies.js';
import { bodyFromMessage, subjectFromMessage, withPermalink } from './message-text.js';
import {
  addToTicketModal,
  createTicketModal,
  readAddToTicketModal,
  readCreateTicketModal,
  readShortcutMetadata,
  type ShortcutMeta,
  type SourceMessage,
} from './modals.js';

/**
 * The shortcuts: "Create Syncro ticket" and "Add to Syncro ticket" on a message, "New Syncro ticket" in the ⚡
 * menu. Each opens its form at once with the shortcut's trigger_id (Slack allows 3 s, and nothing is read from
 * Syncro first); the form's typeaheads read Syncro while the person types; submitting shows the usual card, and
 * only Post writes.
 */

/** The first comment of a ticket made from a message: Syncro calls it the ticket's initial issue. */
export const FIRST_COMMENT_SUBJECT = 'Initial Issue';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction>;

function sourceOf(s: MessageShortcut): SourceMessage {
  const m = s.message as { ts: string; thread_ts?: string; user?: string };
  return {
    channelId: s.channel.id,
    ts: m.ts ?? s.message_ts,
    ...(m.thread_ts && m.thread_ts !== m.ts ? { threadTs: m.thread_ts } : {}),
    ...(m.user ? { author: m.user } : {}),
  };
}

/** The thread the bot answers in: the message's own thread, or a new one under it. */
function threadOf(m: SourceMessage | undefined): ThreadTarget | undefined {
  return m ? { channelId: m.channelId, ts: m.threadTs ?? m.ts } : undefined;
}

export function registerShortcuts(app: ListenerApp, ctx: BotContext): void {
  const log = ctx.logger.child({ component: 'shortcuts' });

  /**
   * views.open first, before anything else: the trigger_id lasts 3 s. Then the person's write identity is checked
   * (GET /me, once per key): someone who may not write is told so in the form before filling it in.
   */
  async function open(triggerId: string, view: ModalView, to: ReplyTarget): Promise<void> {
    let viewId: string | undefined;
    try {
      viewId = (await ctx.web.views.open({ trigger_id: triggerId, view })).view?.id;
    } catch (err) {
      log.warn({ err }, 'could not open the shortcut’s form');
      await ctx
        .reply(to, {
          ...simpleReply(
            'Slack did not open the form (it waits 3 seconds at most). Please try the shortcut again.',
          ),
          response_type: 'ephemeral',
        })
        .catch(() => undefined);
      return;
    }
    if (!viewId) return;
    const refusal = await ctx.identities.forWrite(to.userId).then(
      () => undefined,
      (err: unknown) => (err instanceof NotMappedError || err instanceof NotAllowedError ? err : undefined),
    );
    if (!refusal) return;
    const blocks =
      refusal instanceof NotMappedError
        ? notMappedReply(to.userId).blocks
        : [section(`⚠️ ${escapeMrkdwn(ctx.describeError(refusal))}`)];
    await ctx.web.views
      .update({
        view_id: viewId,
        view: modal({
          callbackId: view.callback_id ?? VIEW.createTicket,
          title: view.title.text,
          close: 'Close',
          blocks: [...blocks, context(['Nothing was sent to Syncro.'])],
        }),
      })
      .catch((err: unknown) => log.warn({ err }, 'could not show the refusal in the form'));
  }

  /** A message shortcut's message, and where replies to the person go (that message's channel). */
  const replyTargetOf = (shortcut: MessageShortcut) => {
    const message = sourceOf(shortcut);
    return {
      message,
      to: { userId: shortcut.user.id, channelId: message.channelId, responseUrl: shortcut.response_url },
    };
  };

  // A mention of someone the configuration names reads as their name (see src/text/slack-markup.ts).
  const people = (slackUserId: string) => ctx.file.users[slackUserId]?.name;

  const createModal = (meta: ShortcutMeta, text: string) =>
    createTicketModal({
      subject: subjectFromMessage(text, people),
      body: bodyFromMessage(text, people),
      priorities: ctx.file.tickets.priorities,
      defaultPriority: ctx.file.tickets.default_priority,
      meta,
    });

  app.shortcut(
    { callback_id: SHORTCUT.createFromMessage, type: 'message_action' },
    async ({ ack, shortcut }: SlackShortcutMiddlewareArgs<MessageShortcut>) => {
      await ack();
      const { message, to } = replyTargetOf(shortcut);
      await open(
        shortcut.trigger_id,
        createModal({ channelId: message.channelId, message }, shortcut.message.text ?? ''),
        to,
      );
    },
  );

  app.shortcut(
    { callback_id: SHORTCUT.newTicket, type: 'shortcut' },
    async ({ ack, shortcut }: SlackShortcutMiddlewareArgs<GlobalShortcut>) => {
      await ack();
      await open(shortcut.trigger_id, createModal({}, ''), {
        userId: shortcut.user.id,
        channelId: shortcut.user.id,
      });
    },
  );

  app.shortcut(
    { callback_id: SHORTCUT.addToTicket, type: 'message_action' },
    async ({ ack, shortcut }: SlackShortcutMiddlewareArgs<MessageShortcut>) => {
      await ack();
      const { message, to } = replyTargetOf(shortcut);
      await open(
        shortcut.trigger_id,
        addToTicketModal({
          body: bodyFromMessage(shortcut.message.text ?? '', people),
          meta: { channelId: message.channelId, message },
        }),
        to,
      );
    },
  );

  /** Where the card goes: the message's channel (privately), or a direct message for the global shortcut. */
  async function cardTarget(userId: string, meta: ShortcutMeta): Promise<ReplyTarget> {
    if (meta.channelId) return { userId, channelId: meta.channelId };
    const im = await ctx.web.conversations.open({ users: userId }).catch(() => undefined);
    return { userId, channelId: im?.channel?.id ?? userId };
  }

  async function permalinkOf(m: SourceMessage | undefined): Promise<string | undefined> {
    if (!m) return undefined;
    try {
      const r = await ctx.web.chat.getPermalink({ channel: m.channelId, message_ts: m.ts });
      return r.permalink;
    } catch (err) {
      log.warn({ err }, 'could not get the message’s permalink; the text goes without it');
      return undefined;
    }
  }

  /** A form that closed and then failed: the problem, with what the person wrote, so nothing is lost. */
  const keptText = (problem: string, written: string) =>
    simpleReply(
      `${problem}\nNothing was sent. What you wrote:\n${written
        .split('\n')
        .map((l) => `> ${escapeMrkdwn(l)}`)
        .join('\n')}`,
    );

  app.view(VIEW.createTicket, async ({ ack, body, view }: ViewArgs) => {
    const r = readCreateTicketModal(view.state.values, ctx.file.tickets.priorities);
    if (!r.ok) {
      await ack({ response_action: 'errors', errors: r.errors });
      return;
    }
    await ack();
    const meta = readShortcutMetadata(view.private_metadata);
    const v = r.value;
    const to = await cardTarget(body.user.id, meta);
    await guard(
      ctx,
      to,
      async () => {
        const text = withPermalink(v.body, await permalinkOf(meta.message));
        await proposeCreateFor(ctx, to, {
          customer: { id: v.customer.id },
          subject: v.subject,
          priority: v.priority,
          ...(text
            ? {
                comment: {
                  subject: FIRST_COMMENT_SUBJECT,
                  body: text,
                  ...visibilityFlags(ctx.file.comments.default_visibility),
                },
              }
            : {}),
          thread: threadOf(meta.message),
        });
      },
      (problem) => keptText(problem, `${v.subject}\n\n${v.body}`),
    );
  });

  app.view(VIEW.addToTicket, async ({ ack, body, view }: ViewArgs) => {
    const r = readAddToTicketModal(view.state.values);
    if (!r.ok) {
      await ack({ response_action: 'errors', errors: r.errors });
      return;
    }
    await ack();
    const meta = readShortcutMetadata(view.private_metadata);
    const v = r.value;
    const to = await cardTarget(body.user.id, meta);
    await guard(
      ctx,
      to,
      async () => {
        await proposeCommentFor(ctx, to, {
          number: v.number,
          body: withPermalink(v.body, await permalinkOf(meta.message)),
          visibility: ctx.file.comments.default_visibility,
          thread: threadOf(meta.message),
        });
      },
      (problem) => keptText(problem, v.body),
    );
  });

  // The ticket pick: a number finds that ticket; words search subjects and customers (the person's read key).
  app.options(OPTIONS.ticketSearch, async ({ ack, options, body }) => {
    const query = (options.value ?? '').trim().replace(/^#/, '');
    try {
      const { api } = await ctx.identities.forRead(body.user.id);
      let tickets: Ticket[] = [];
      if (/^\d{1,12}$/.test(query)) tickets = [await api.findTicketByNumber(query)];
      else if (query.length >= 2) tickets = (await api.listTickets({ query })).items;
      await ack({
        options: tickets.slice(0, LIMITS.options).map((t) => ({
          text: { type: 'plain_text' as const, text: truncate(`${ticketNo(t.number)} · ${t.subject}`, 75) },
          value: String(t.number),
        })),
      });
    } catch (err) {
      log.debug({ err }, 'ticket typeahead found nothing');
      await ack({ options: [] });
    }
  });
}
