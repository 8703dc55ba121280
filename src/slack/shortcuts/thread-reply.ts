import type { WebClient } from '@slack/web-api';
import type { PendingAction } from '../../actions/types.js';
import type { Logger } from '../../logger.js';
import { link, mention } from '../blocks.js';
import { ticketNo, ticketUrl } from '../views/format.js';

/**
 * After an action made from a Slack message (a message shortcut) succeeds, the bot says so in that message's
 * thread, so the conversation keeps the link: "Ticket #32201 created by @x".
 *
 * Once: it hangs on the executor's drawing of the `succeeded` row, which happens once per action in whichever
 * replica wins the conditional transition to `succeeded` (executor.finish). A crash between that transition and
 * the chat.postMessage loses the reply (at most once, never twice); a refused post is logged, not retried.
 */

/** The thread reply's words for a succeeded action, or undefined when it has nothing to say. */
export function threadReplyText(a: PendingAction, webBaseUrl: string): string | undefined {
  const who = mention(a.clickedBy ?? a.requesterSlackId);
  if (a.kind === 'create_ticket') {
    const step = a.steps[0];
    const number = step?.outcome && 'ticketNumber' in step.outcome ? step.outcome.ticketNumber : undefined;
    if (!step?.resultId || !number) return undefined;
    return `Ticket ${link(ticketUrl(webBaseUrl, step.resultId), ticketNo(number))} created by ${who}`;
  }
  if (a.kind === 'comment' && a.ticket) {
    return `Comment added to ${link(ticketUrl(webBaseUrl, a.ticket.id), ticketNo(a.ticket.number))} by ${who}`;
  }
  return undefined;
}

export interface ThreadReplies {
  /** The executor's onChange, after the card is drawn: replies once for a row that just succeeded. */
  onChange(a: PendingAction): Promise<void>;
}

export function createThreadReplies(deps: {
  web: WebClient;
  logger: Logger;
  webBaseUrl: string;
}): ThreadReplies {
  const log = deps.logger.child({ component: 'thread-reply' });
  return {
    async onChange(a) {
      const thread = a.slack.thread;
      if (a.state !== 'succeeded' || !thread) return;
      const text = threadReplyText(a, deps.webBaseUrl);
      if (!text) return;
      try {
        await deps.web.chat.postMessage({ channel: thread.channelId, thread_ts: thread.ts, text });
      } catch (err) {
        log.warn({ err, actionId: a.id }, 'could not reply in the message’s thread');
      }
    },
  };
}
