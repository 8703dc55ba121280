import { truncate } from '../blocks.js';

/**
 * A Slack message as text for Syncro (pure): what a ticket's subject and body are made of when it is created from
 * a message. Slack sends message text with its markup (`<@U123>`, `<https://x|label>`, `&amp;`); Syncro shows
 * text as typed, so the markup becomes readable words.
 */

/** Syncro's subject field; longer first lines are cut with '…'. */
export const SUBJECT_MAX = 255;
/** What the modal's body input takes (Slack's plain_text_input limit). */
export const BODY_MAX = 3000;

/** Slack's message markup as plain text: links keep their address, mentions become @names. */
export function slackTextToPlain(text: string): string {
  return text
    .replace(/<([^<>|]+)\|([^<>]*)>/g, (_m, target: string, label: string) => markup(target, label))
    .replace(/<([^<>|]+)>/g, (_m, target: string) => markup(target, undefined))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function markup(target: string, label: string | undefined): string {
  if (target.startsWith('@')) return label ? `@${label}` : target;
  if (target.startsWith('#')) return label ? `#${label}` : target;
  if (target.startsWith('!subteam^')) return label ?? '@group';
  if (target.startsWith('!')) return label ?? `@${target.slice(1).split('^')[0]}`;
  if (label && label !== target && label !== target.replace(/^mailto:/, '')) return `${label} (${target})`;
  return target.replace(/^mailto:/, '');
}

/** The subject a ticket made from this message starts with: its first non-blank line. */
export function subjectFromMessage(text: string): string {
  const first = slackTextToPlain(text)
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return truncate(first ?? '', SUBJECT_MAX);
}

/** The body a ticket or comment made from this message starts with: the whole message, as text. */
export function bodyFromMessage(text: string): string {
  return truncate(slackTextToPlain(text).trim(), BODY_MAX);
}

/** What is sent: the body as the person left it, then the message's permalink (so Syncro links back to Slack). */
export function withPermalink(body: string, permalink: string | undefined): string {
  const b = body.trim();
  if (!permalink) return b;
  return b ? `${b}\n\nFrom Slack: ${permalink}` : `From Slack: ${permalink}`;
}
