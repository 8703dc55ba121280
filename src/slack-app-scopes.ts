/**
 * The bot token scopes the app requests. manifest.yml must list exactly these (test/manifest.test.ts checks it),
 * so adding a Web API call that needs a new scope means adding it here, with the reason, and to the manifest.
 */
export const BOT_SCOPES = [
  /** The `/syncro` slash command (COMMAND in action-ids.ts) and the shortcuts (SHORTCUT). */
  'commands',
  /**
   * chat.postMessage / chat.update: posting and updating billing cards and command results, and the reply in a
   * message's thread after a card made from it was posted.
   */
  'chat:write',
  /** Posting billing cards in public channels the bot was not invited to. */
  'chat:write.public',
  /** users.info: a person who is not set up yet gets the config snippet pre-filled with their name. */
  'users:read',
  /** conversations.open: the App Home (messages tab) DM with a technician. */
  'im:write',
  /** filesUploadV2 (files.getUploadURLExternal + completeUploadExternal): a session log uploaded to a card's thread. */
  'files:write',
  /** files.list: reading back whether a session log upload with no clear answer reached the channel. */
  'files:read',
  /** link_shared events: a link to the Syncro account (manifest unfurl_domains) was posted. */
  'links:read',
  /** chat.unfurl: the ticket preview under such a link. */
  'links:write',
  /** message.channels events: `#32164` in public channels listed in `unfurls.ticket_numbers_in`. */
  'channels:history',
  /** message.groups events: the same in listed private channels. */
  'groups:history',
  /** conversations.info: the doctor checks that the bot is a member of each configured public channel. */
  'channels:read',
  /** conversations.info: the same for configured private channels (visible only once the bot is invited). */
  'groups:read',
] as const;

/** The Events API events the bot subscribes to (manifest settings.event_subscriptions.bot_events). */
export const BOT_EVENTS = [
  'link_shared',
  'message.channels',
  'message.groups',
  /** The Home tab was opened: publish that person's Home (views.publish needs no scope of its own). */
  'app_home_opened',
] as const;

export type BotScope = (typeof BOT_SCOPES)[number];
