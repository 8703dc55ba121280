import type { WebClient } from '@slack/web-api';
import type { ActionStore } from '../actions/store.js';
import type { PendingAction } from '../actions/types.js';
import { CardNotPostedError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LimiterTimers } from '../syncro/rate-limiter.js';
import type { Message } from './blocks.js';
import type { ReplyTarget } from './context.js';
import {
  postToResponseUrl,
  RESPONSE_URL_TTL_MS,
  type ResponseMessage,
  ResponseUrlBudget,
} from './response-url.js';

/**
 * The one place that puts replies and cards in front of people: response_url (with its budget of 5 uses in
 * 30 minutes), chat.update, and the fallbacks when Slack refuses one of them. Two promises:
 *
 * - **Never an older drawing over a newer one.** Every drawing is rendered from the row as re-read just before
 *   sending, drawings of one card are sent one at a time in this process, and after each send the row is read
 *   again: if it changed meanwhile (another replica finished the action while a losing click was redrawing the
 *   card), the card is drawn again. The last drawing Slack receives is therefore the row as it stands.
 * - **Updates reach the message the person is looking at.** A private (ephemeral) card cannot be chat.update'd,
 *   and a new ephemeral message cannot be updated either; so when a private card's response_url is refused or
 *   used up, the card moves to a direct message from the bot (chat.postMessage, the row records where) and every
 *   later drawing updates that message. A channel card whose message was deleted is posted again as a new
 *   message, and the row then points at it.
 * - **A refused drawing is tried again, a bounded number of times.** After `CARD_RETRY_PAUSES_MS` (1 s, 4 s,
 *   15 s, 1 min, 4 min), each time from the row as it then stands, and given up with a log line after the last
 *   (at once for a refusal no retry can fix, e.g. `invalid_blocks`). A drawing that lands takes the place of a
 *   waiting retry; the sweep (`retryRefused`) leaves a card whose retry waits (or runs) alone, so the pauses
 *   hold whatever the sweep's period.
 */

export interface CardPublisherDeps {
  web: WebClient;
  store: ActionStore;
  logger: Logger;
  now: () => number;
  /** The card's Block Kit drawing (chosen at composition, decorations included). */
  render: (action: PendingAction) => Message;
  /** Post "✅ … posted" in the channel when a private card succeeds (`cards.post_results_to_channel`). */
  postResultsToChannel: boolean;
  /** Plain words for an error, for the message when a card cannot be posted. */
  describeError: (err: unknown) => string;
  /** The transport for response_url posts (tests and the playground keep the default). */
  postToResponseUrl?: typeof postToResponseUrl;
  /** Timers for the pauses before a refused drawing is tried again (tests pass a fake clock). */
  timers?: Pick<LimiterTimers, 'setTimeout' | 'clearTimeout'>;
  /** The pauses before each retry of a refused drawing (default CARD_RETRY_PAUSES_MS). */
  retryPausesMs?: readonly number[];
}

export interface CardPublisher {
  /** A reply to a person: the interaction's response_url while usable, else an ephemeral message, else a DM. */
  reply(to: ReplyTarget, message: ResponseMessage): Promise<void>;
  /**
   * Draws the card for the row (the executor's onChange). `milestone` is false for per-step progress, which
   * private cards skip to spare the response_url's five uses. `action.slack` may carry a click's fresh
   * response_url; everything else is drawn from the row as re-read.
   */
  publish(action: PendingAction, milestone: boolean): Promise<void>;
  /**
   * Draws the card again for a click that did not change it through the executor (a losing click, an edit):
   * like publish, but never announces the result in the channel (the executor's drawing did).
   */
  redraw(action: PendingAction, milestone: boolean): Promise<void>;
  /** Posts a proposed card for the first time and records where it is. */
  showNew(action: PendingAction, to: ReplyTarget): Promise<void>;
  /**
   * Draws again, now, the refused cards with no retry waiting or running (called by the sweep; counts as a try).
   * A card whose retry waits keeps its pause.
   */
  retryRefused(): Promise<void>;
  /** Cancels the waiting retries (the bot is stopping). */
  stop(): void;
}

/** How often one publish redraws a card that keeps changing under it before leaving it to the next event. */
const MAX_ROUNDS = 4;

/**
 * What a drawing shows and where: the row without the lease's heartbeat, and the message it is drawn on (a card
 * that moved to a DM, or was posted again, meanwhile is drawn again where it now is).
 */
function drawingKey(a: PendingAction): string {
  const { slack, leaseUntil: _lu, leaseOwner: _lo, updatedAt: _u, ...shown } = a;
  const where = slack.directMessage?.messageTs ?? slack.messageTs ?? 'private';
  return JSON.stringify({ ...shown, where });
}

/** Slack's error code of a Web API failure (`message_not_found`, …), if it is one. */
function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/**
 * Where to draw: the row's coordinates, except that a click's response_url newer than the row's is used (a
 * losing click does not store its URL, and the URL is the only way to redraw the message it came from).
 */
function target(passed: PendingAction['slack'], stored: PendingAction['slack']): PendingAction['slack'] {
  const newer = (passed.responseUrlIssuedAt ?? -1) > (stored.responseUrlIssuedAt ?? -1);
  return newer
    ? { ...stored, responseUrl: passed.responseUrl, responseUrlIssuedAt: passed.responseUrlIssuedAt }
    : stored;
}

/**
 * The pauses before each new try of a drawing Slack refused (backoff, about 5 minutes in all: a Slack incident
 * of that length is ridden out); after the last refused try the drawing is given up with a log line.
 */
export const CARD_RETRY_PAUSES_MS: readonly number[] = [1_000, 4_000, 15_000, 60_000, 240_000];

/** Refusals that no retry can fix (the drawing, the message or the token is wrong): given up at once. */
const FINAL_REFUSALS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'too_many_attachments',
  'invalid_arguments',
  'cant_update_message',
  'edit_window_closed',
  'is_archived',
  'channel_not_found',
  'not_in_channel',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
]);

/** Real timers that do not keep the process alive for a retry. */
const unrefTimers: Pick<LimiterTimers, 'setTimeout' | 'clearTimeout'> = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** A card whose last drawing Slack refused: refused tries in a row, the waiting retry, a result to announce. */
interface Refused {
  tries: number;
  handle?: unknown;
  /** Its retry is drawing it now. */
  retrying?: boolean;
  announce: boolean;
}

export function createCardPublisher(deps: CardPublisherDeps): CardPublisher {
  const { web, store, now } = deps;
  const log = deps.logger.child({ component: 'cards' });
  const budget = new ResponseUrlBudget(now);
  const send = deps.postToResponseUrl ?? postToResponseUrl;
  /** Per card, the tail of its drawings in this process (one at a time, in order). */
  const queues = new Map<string, Promise<void>>();
  const timers = deps.timers ?? unrefTimers;
  const pauses = deps.retryPausesMs ?? CARD_RETRY_PAUSES_MS;
  /** Cards whose last drawing Slack refused, until one lands or they are given up. */
  const refused = new Map<string, Refused>();

  async function ephemeralOrDm(to: ReplyTarget, message: ResponseMessage): Promise<void> {
    try {
      await web.chat.postEphemeral({
        channel: to.channelId,
        user: to.userId,
        text: message.text,
        blocks: message.blocks,
      });
    } catch (err) {
      // Not in the channel (or a DM the bot cannot see): write to the person directly.
      log.debug({ err }, 'postEphemeral failed; sending a direct message');
      await postDirect(to.userId, message);
    }
  }

  async function postDirect(
    userId: string,
    message: { text: string; blocks?: Message['blocks'] },
  ): Promise<{ channel: string; ts: string }> {
    const im = await web.conversations.open({ users: userId });
    const channel = im.channel?.id ?? userId;
    const res = await web.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
    if (!res.ts) throw new Error('Slack did not return the message timestamp');
    return { channel: res.channel ?? channel, ts: res.ts };
  }

  async function viaResponseUrl(url: string | undefined, issuedAt: number | undefined, m: ResponseMessage) {
    if (!url || !budget.take(url, issuedAt)) return false;
    try {
      await send(url, m);
      return true;
    } catch (err) {
      log.warn({ err }, 'response_url refused the message');
      return false;
    }
  }

  async function reply(to: ReplyTarget, message: ResponseMessage): Promise<void> {
    if (await viaResponseUrl(to.responseUrl, to.issuedAt, message)) return;
    await ephemeralOrDm(to, message);
  }

  /** A private card whose response_url is no longer usable moves to a DM that later drawings update. */
  async function moveToDirectMessage(a: PendingAction, view: Message): Promise<void> {
    // Another replica may have moved it a moment ago: draw there rather than open a second DM.
    const moved = (await store.get(a.id))?.slack.directMessage;
    if (moved) {
      await updateMessage(a, moved, view, (to) => ({ directMessage: { ...moved, ...to } }));
      return;
    }
    const dm = await postDirect(a.requesterSlackId, view);
    await store.update(
      a.id,
      {},
      { slack: { ...a.slack, directMessage: { channelId: dm.channel, messageTs: dm.ts, movedAt: now() } } },
    );
    log.info({ actionId: a.id }, 'the private card moved to a direct message');
  }

  /** chat.update of a card message; a deleted message is posted again and the row pointed at the new one. */
  async function updateMessage(
    a: PendingAction,
    where: { channelId: string; messageTs: string },
    view: Message,
    repoint: (to: { channelId: string; messageTs: string }) => Partial<PendingAction['slack']>,
  ): Promise<void> {
    try {
      await web.chat.update({
        channel: where.channelId,
        ts: where.messageTs,
        text: view.text,
        blocks: view.blocks,
      });
    } catch (err) {
      if (slackErrorCode(err) !== 'message_not_found') throw err;
      const res = await web.chat.postMessage({
        channel: where.channelId,
        text: view.text,
        blocks: view.blocks,
      });
      if (!res.ts) throw new Error('Slack did not return the message timestamp');
      await store.update(
        a.id,
        {},
        {
          slack: { ...a.slack, ...repoint({ channelId: res.channel ?? where.channelId, messageTs: res.ts }) },
        },
      );
      log.info({ actionId: a.id }, 'the card message was deleted; posted it again');
    }
  }

  /** One drawing of the row to wherever it is shown. */
  async function draw(a: PendingAction, milestone: boolean): Promise<void> {
    const view = deps.render(a);
    const s = a.slack;
    if (s.directMessage) {
      const dm = s.directMessage;
      await updateMessage(a, dm, view, (to) => ({ directMessage: { ...dm, ...to } }));
      // A click on the old private card after the move gave a fresh response_url: redraw that one too.
      if (milestone && s.responseUrlIssuedAt !== undefined && s.responseUrlIssuedAt > dm.movedAt)
        await viaResponseUrl(s.responseUrl, s.responseUrlIssuedAt, {
          ...view,
          response_type: 'ephemeral',
          replace_original: true,
        });
      return;
    }
    if (!s.ephemeral && s.messageTs) {
      await updateMessage(a, { channelId: s.channelId, messageTs: s.messageTs }, view, (to) => to);
      return;
    }
    if (!milestone) return;
    const fresh =
      s.responseUrl !== undefined &&
      s.responseUrlIssuedAt !== undefined &&
      now() - s.responseUrlIssuedAt < RESPONSE_URL_TTL_MS;
    // An expired private card that cannot be redrawn in place is left alone: its buttons answer "expired".
    if (a.state === 'expired' && !fresh) return;
    const m: ResponseMessage = { ...view, response_type: 'ephemeral', replace_original: true };
    if (await viaResponseUrl(s.responseUrl, s.responseUrlIssuedAt, m)) return;
    await moveToDirectMessage(a, view);
  }

  /** Draws until the row stops changing under the drawing (bounded), each time from the row as re-read. */
  async function drawCurrent(passed: PendingAction, milestone: boolean): Promise<PendingAction> {
    let drawn: string | undefined;
    let last = passed;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const row = await store.get(passed.id).catch(() => undefined);
      const current = row ? { ...row, slack: target(passed.slack, row.slack) } : passed;
      const key = drawingKey(current);
      if (key === drawn) return current;
      // A later round redraws what changed meanwhile: that is a milestone even for per-step progress.
      await draw(current, milestone || round > 0);
      drawn = key;
      last = current;
    }
    return last;
  }

  function enqueue(a: PendingAction, milestone: boolean, announce: boolean): Promise<void> {
    const previous = queues.get(a.id) ?? Promise.resolve();
    const run = previous.then(async () => {
      try {
        const shown = await drawCurrent(a, milestone);
        // A result a refused drawing should have announced is announced by the drawing that lands.
        const owed = landed(a.id);
        // Said once: only by the drawing that finished the action (the executor's), never by a redraw.
        if (
          (announce || owed) &&
          milestone &&
          a.state === 'succeeded' &&
          deps.postResultsToChannel &&
          a.slack.ephemeral
        ) {
          await web.chat
            .postMessage({
              channel: a.slack.channelId,
              text: `✅ <@${a.clickedBy ?? a.requesterSlackId}>: ${deps.render(shown).text}`,
            })
            .catch((err: unknown) => log.warn({ err }, 'could not post the result to the channel'));
        }
      } catch (err) {
        refusedDrawing(a.id, err, announce && milestone);
        throw err;
      }
    });
    const tail = run.catch(() => undefined);
    queues.set(a.id, tail);
    void tail.then(() => {
      if (queues.get(a.id) === tail) queues.delete(a.id);
    });
    return run;
  }

  /** A drawing landed: no retry is needed (it drew the row as it stands). Whether a result was still owed. */
  function landed(id: string): boolean {
    const r = refused.get(id);
    if (!r) return false;
    if (r.handle !== undefined) timers.clearTimeout(r.handle);
    refused.delete(id);
    return r.announce;
  }

  /** Slack refused a drawing: try again after the next pause, or give up with a log line. */
  function refusedDrawing(id: string, err: unknown, announce: boolean): void {
    const r = refused.get(id) ?? { tries: 0, announce: false };
    r.announce ||= announce;
    // A retry is already waiting: it draws the row as it will then stand, this refusal included.
    if (r.handle !== undefined) return;
    r.tries += 1;
    const code = slackErrorCode(err);
    const pause = code !== undefined && FINAL_REFUSALS.has(code) ? undefined : pauses[r.tries - 1];
    if (pause === undefined) {
      refused.delete(id);
      log.error(
        { err, actionId: id, tries: r.tries, slackError: code },
        'gave up drawing the card: Slack refused it; it shows its last drawing until the card changes again',
      );
      return;
    }
    refused.set(id, r);
    log.warn(
      { err, actionId: id, tries: r.tries, slackError: code, retryInMs: pause },
      'Slack refused the card drawing; trying again after a pause',
    );
    r.handle = timers.setTimeout(() => {
      r.handle = undefined;
      r.retrying = true;
      void retry(id).finally(() => {
        r.retrying = false;
      });
    }, pause);
  }

  /** One more try of a refused card, from the row as it stands now. */
  async function retry(id: string): Promise<void> {
    const r = refused.get(id);
    const a = await store.get(id).catch((err: unknown) => {
      log.warn({ err, actionId: id }, 'could not read the card to draw it again');
      return undefined;
    });
    if (!a) {
      if (r?.handle === undefined) refused.delete(id);
      return;
    }
    // A failure is counted (and the next try scheduled, or the card given up) by enqueue.
    await enqueue(a, true, r?.announce ?? false).catch(() => undefined);
  }

  async function showNew(a: PendingAction, to: ReplyTarget): Promise<void> {
    const view = deps.render(a);
    if (a.slack.ephemeral) {
      await reply(to, { ...view, response_type: 'ephemeral', replace_original: to.replace ?? false });
      return;
    }
    try {
      const res = await web.chat.postMessage({
        channel: a.slack.channelId,
        text: view.text,
        blocks: view.blocks,
      });
      if (!res.ts) throw new Error('Slack did not return the message timestamp');
      await store.update(
        a.id,
        { states: ['proposed'] },
        { slack: { ...a.slack, channelId: res.channel ?? a.slack.channelId, messageTs: res.ts } },
      );
    } catch (err) {
      await store.update(
        a.id,
        { states: ['proposed'] },
        { state: 'cancelled', cancelledBy: 'bot', problem: { code: 'card_not_posted' } },
      );
      // The caller (a form's submission) answers with the person's draft and how to fix it.
      throw new CardNotPostedError((err as { data?: { error?: string } }).data?.error, {
        cause: err,
        channelId: a.slack.channelId,
      });
    }
  }

  async function retryRefused(): Promise<void> {
    for (const [id, r] of [...refused]) {
      // Its retry waits (or runs): the sweep must not cut the pause short, nor count a try of its own.
      if (r.handle !== undefined || r.retrying) continue;
      await retry(id);
    }
  }

  function stop(): void {
    for (const r of refused.values()) if (r.handle !== undefined) timers.clearTimeout(r.handle);
    refused.clear();
  }

  return {
    reply,
    publish: (a, milestone) => enqueue(a, milestone, true),
    redraw: (a, milestone) => enqueue(a, milestone, false),
    showNew,
    retryRefused,
    stop,
  };
}
