import { describe, expect, it } from 'vitest';
import {
  bodyFromMessage,
  SUBJECT_MAX,
  subjectFromMessage,
  withPermalink,
} from '../../../src/slack/shortcuts/message-text.js';
import { decodeSlack } from '../../../src/text/slack-markup.js';

describe('a Slack message as ticket text', () => {
  it('turns Slack markup into readable text (the one decoder, src/text/slack-markup.ts)', () => {
    expect(
      decodeSlack(
        'Hi <@U123|mike> in <#C1|helpdesk>, <!here>: see <https://x.example/a|the docs>, <https://x.example/b>, <mailto:a@b.c|a@b.c> &amp; 1 &lt; 2 &gt; 0',
      ),
    ).toBe(
      'Hi @mike in #helpdesk, @here: see the docs (https://x.example/a), https://x.example/b, a@b.c & 1 < 2 > 0',
    );
    // A person the configuration names reads as their name; anyone else without Slack's label as "@user".
    expect(decodeSlack('<@U0MIKE001> ping')).toBe('@user ping');
    expect(
      decodeSlack('<@U0MIKE001> ping', (id) => (id === 'U0MIKE001' ? 'Michael Swanson' : undefined)),
    ).toBe('@Michael Swanson ping');
  });

  it('makes the subject plain words and keeps the formatting marks in the body (Syncro makes them bold)', () => {
    const text = '*Printer* down &amp; _jammed_ &lt;tray 2&gt; <!channel>\nsecond *line*';
    expect(subjectFromMessage(text)).toBe('Printer down & jammed <tray 2> @channel');
    expect(bodyFromMessage(text)).toBe('*Printer* down & _jammed_ <tray 2> @channel\nsecond *line*');
  });

  it('takes the first non-blank line as the subject, cut to Syncro’s length', () => {
    expect(subjectFromMessage('\n\n  Printer jammed  \nmore')).toBe('Printer jammed');
    expect(subjectFromMessage('')).toBe('');
    expect(subjectFromMessage('x'.repeat(400))).toHaveLength(SUBJECT_MAX);
  });

  it('keeps the whole message as the body and adds the permalink after what the person left', () => {
    expect(bodyFromMessage('  a\nb  ')).toBe('a\nb');
    expect(withPermalink('a\nb', 'https://s/p1')).toBe('a\nb\n\nFrom Slack: https://s/p1');
    expect(withPermalink('  ', 'https://s/p1')).toBe('From Slack: https://s/p1');
    expect(withPermalink('a', undefined)).toBe('a');
  });
});
