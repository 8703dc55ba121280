import type { KnownBlock, RichTextBlock, RichTextElement, RichTextSection } from '@slack/types';
import { type BodyBlock, readBodyHtml, type StyledRun } from '../../text/slack-markup.js';
import { context } from '../blocks.js';

/**
 * "Preview": how Syncro will show a comment body the card sends (HTML), drawn as Slack rich text (bold, italics,
 * strike, code, links, code blocks, line breaks) beside the exact payload. Read from the payload itself
 * (src/text/slack-markup.ts `readBodyHtml`), so what is previewed is what is sent. Rich text is literal: nothing
 * in it is Slack markup, so a `<!channel>` in a body pings no one.
 */

/** At most this much text is previewed; the payload above it always holds all of it. */
export const PREVIEW_MAX = 2800;

export function bodyPreviewBlocks(html: string, what: string): KnownBlock[] {
  const blocks = readBodyHtml(html);
  const elements: RichTextBlock['elements'] = [];
  let left = PREVIEW_MAX;
  let cut = false;
  for (const b of blocks) {
    if (left <= 0) {
      cut = true;
      break;
    }
    const taken = take(b, left);
    left -= taken.length;
    cut ||= taken.cut;
    if (taken.element) elements.push(taken.element);
  }
  if (elements.length === 0) return [];
  return [
    context([
      `*Preview*: how Syncro will show ${what}${cut ? ' (the start; the payload above holds all of it)' : ''}`,
    ]),
    { type: 'rich_text', elements },
  ];
}

function take(
  b: BodyBlock,
  max: number,
): { element?: RichTextBlock['elements'][number]; length: number; cut: boolean } {
  if (b.kind === 'pre') {
    const text = b.text.length > max ? `${b.text.slice(0, max)}…` : b.text;
    return text
      ? {
          element: { type: 'rich_text_preformatted', elements: [{ type: 'text', text }] },
          length: text.length,
          cut: text !== b.text,
        }
      : { length: 0, cut: false };
  }
  const out: RichTextElement[] = [];
  let length = 0;
  let cut = false;
  for (const run of b.runs) {
    let text = run.text;
    if (length + text.length > max) {
      text = `${text.slice(0, Math.max(0, max - length))}…`;
      cut = true;
    }
    if (text) out.push(element(run, text));
    length += text.length;
    if (cut) break;
  }
  const section: RichTextSection = { type: 'rich_text_section', elements: out };
  return out.length > 0 ? { element: section, length, cut } : { length: 0, cut };
}

function element(run: StyledRun, text: string): RichTextElement {
  const style = {
    ...(run.bold ? { bold: true } : {}),
    ...(run.italic ? { italic: true } : {}),
    ...(run.strike ? { strike: true } : {}),
    ...(run.code ? { code: true } : {}),
  };
  const styled = Object.keys(style).length > 0 ? { style } : {};
  return run.href ? { type: 'link', url: run.href, text, ...styled } : { type: 'text', text, ...styled };
}
