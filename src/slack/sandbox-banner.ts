import type { KnownBlock, View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { context, LIMITS, SANDBOX_TEXT, sections, truncateMrkdwn } from './blocks.js';
import type { ResponseMessage } from './response-url.js';

/**
 * The sandbox's banner, applied where messages and views leave the bot (the Web API client and response_url), so
 * that no view or handler needs to know whether Syncro is simulated. Views stay one block under Slack's limits
 * (finalizeMessage, modal) to leave the banner its place.
 */

export const SANDBOX_BLOCK_ID = 'sandbox_banner';
const TEXT_PREFIX = '🧪 SANDBOX: ';

function banner(): KnownBlock {
  return { ...context([SANDBOX_TEXT]), block_id: SANDBOX_BLOCK_ID };
}

function withBannerBlock(blocks: readonly KnownBlock[] | undefined): KnownBlock[] {
  const list = blocks ?? [];
  return list[0]?.block_id === SANDBOX_BLOCK_ID ? [...list] : [banner(), ...list];
}

/**
 * The blocks of a message with the banner first. A text-only message gets its text as a section after the banner:
 * Slack shows a message's blocks instead of its text, so the banner alone would hide what it says.
 */
function messageBlocks(message: { text?: string; blocks?: KnownBlock[] }): KnownBlock[] {
  if ((message.blocks?.length ?? 0) > 0 || !message.text) return withBannerBlock(message.blocks);
  return [banner(), ...sections(message.text).slice(0, LIMITS.messageBlocks - 1)];
}

/** A message (text and blocks) as the sandbox shows it: the banner first, the fallback text prefixed. */
export function bannerMessage<M extends { text?: string; blocks?: KnownBlock[] }>(message: M): M {
  const text =
    message.text === undefined || message.text.startsWith(TEXT_PREFIX)
      ? message.text
      : truncateMrkdwn(`${TEXT_PREFIX}${message.text}`, LIMITS.fallbackText);
  return { ...message, ...(text !== undefined ? { text } : {}), blocks: messageBlocks(message) };
}

/** A view (modal or Home) with the banner as its first block. */
export function bannerView<V extends View>(view: V): V {
  return { ...view, blocks: withBannerBlock(view.blocks as KnownBlock[]) };
}

type Args<F> = F extends (args: infer A) => unknown ? A : never;

/**
 * The Web API client the bot's handlers use, with every message and view it sends bannered. Everything else is
 * the client itself.
 */
export function bannerWebClient(web: WebClient): WebClient {
  const chat = Object.assign(Object.create(web.chat) as WebClient['chat'], {
    postMessage: (a: Args<WebClient['chat']['postMessage']>) => web.chat.postMessage(bannerArgs(a)),
    postEphemeral: (a: Args<WebClient['chat']['postEphemeral']>) => web.chat.postEphemeral(bannerArgs(a)),
    update: (a: Args<WebClient['chat']['update']>) => web.chat.update(bannerArgs(a)),
  });
  const views = Object.assign(Object.create(web.views) as WebClient['views'], {
    open: (a: Args<WebClient['views']['open']>) => web.views.open({ ...a, view: bannerView(a.view) }),
    update: (a: Args<WebClient['views']['update']>) => web.views.update({ ...a, view: bannerView(a.view) }),
    push: (a: Args<WebClient['views']['push']>) => web.views.push({ ...a, view: bannerView(a.view) }),
    publish: (a: Args<WebClient['views']['publish']>) =>
      web.views.publish({ ...a, view: bannerView(a.view) }),
  });
  return Object.assign(Object.create(web) as WebClient, { chat, views });
}

function bannerArgs<A>(args: A): A {
  const m = args as { text?: string; blocks?: KnownBlock[] };
  return bannerMessage(m) as A;
}

/** response_url posts, bannered. */
export function bannerResponse(send: (url: string, m: ResponseMessage) => Promise<void>) {
  return (url: string, m: ResponseMessage) => send(url, bannerMessage(m));
}
