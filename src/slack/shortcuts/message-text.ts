import { decodeSlack, type PeopleNames, plainLine } from '../../text/slack-markup.js';
import { truncate } from '../blocks.js';

/**
 * A Slack message as text for Syncro (pure): what a ticket's subject and body are made of when it is created from
 * a message. Slack sends message text with its markup (`<@U123>`, `<https://x|label>`, `&amp;`); the one decoder
 * (src/text/slack-markup.ts) makes it the words as typed, formatting marks kept for the body (`*bold*` becomes bold
 * in Syncro), none in the subject.
 */

/** Syncro's subject field; longer first lines are cut with '…'. */
export const SUBJECT_MAX = 255;
/** What the modal's body input takes (Slack's plain_text_input limit). */
export const BODY_MAX = 3000;

/** The subject a ticket made from this message starts with: its first non-blank line, as plain words. */
export function subjectFromMessage(text: string, people?: PeopleNames): string {
  const first = decodeSlack(text, people)
    .split('\n')
    .map((l) => plainLine(l))
    .find((l) => l.length > 0);
  return truncate(first ?? '', SUBJECT_MAX);
}

/** The body a ticket or comment made from this message starts with: the whole message, as typed. */
export function bodyFromMessage(text: string, people?: PeopleNames): string {
  return truncate(decodeSlack(text, people).trim(), BODY_MAX);
}

/** What is sent: the body as the person left it, then the message's permalink (so Syncro links back to Slack). */
export function withPermalink(body: string, permalink: string | undefined): string {
  const b = body.trim();
  if (!permalink) return b;
  return b ? `${b}\n\nFrom Slack: ${permalink}` : `From Slack: ${permalink}`;
}
