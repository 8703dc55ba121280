/**
 * The fields of Slack's `message` event the bot reads (Bolt types it as a union of every subtype). Both readers of
 * people's messages (previews of `#32164`, a reply in a notification's thread) take it from here.
 */
export interface MessageEventFields {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
}

/** A person's new message (no edit, deletion, join, nor a bot's message). */
export function isPersonsNewMessage(e: MessageEventFields): e is MessageEventFields & { user: string } {
  return e.subtype === undefined && !e.bot_id && !!e.user;
}
