import { describe, expect, it } from 'vitest';
import { formatSlackDate, mrkdwn } from '../../../src/playground/page/mrkdwn.js';

describe('mrkdwn', () => {
  const scenarios: Array<{ name: string; text: string; want: string[]; not?: string[] }> = [
    {
      name: 'formats bold, italic, strike and code, and leaves code alone',
      text: '*Ticket* _new_ ~old~ `a *b* c`',
      want: ['<b>Ticket</b>', '<i>new</i>', '<s>old</s>', '<code>a *b* c</code>'],
    },
    {
      name: "undoes Slack's escapes once and escapes for HTML (no markup gets through)",
      text: 'a &lt;b&gt; &amp;amp; <script>',
      want: ['a &lt;b&gt; &amp;amp;'],
      not: ['<script>', '<b>'],
    },
    {
      name: 'links with labels, mentions named, channels and special mentions',
      text: '<https://acme.example/t/1|#32164> <@U1> <#C1|tickets> <!here>',
      want: ['href="https://acme.example/t/1"', '>#32164</a>', '@Howard', '#tickets', '@here'],
    },
    {
      name: 'neutralises links that are not web or mail',
      text: '<javascript:alert(1)|click>',
      want: ['href="#"'],
      not: ['javascript:'],
    },
    {
      name: 'keeps preformatted blocks verbatim and quotes lines',
      text: '```{"a": "<1>"}```\n&gt; quoted',
      want: ['<pre>{&quot;a&quot;: &quot;&lt;1&gt;&quot;}</pre>', '<blockquote>quoted</blockquote>'],
    },
    { name: 'turns emoji shortcodes into emoji', text: ':white_check_mark: done', want: ['✅ done'] },
  ];
  for (const s of scenarios) {
    it(`should ${s.name}`, () => {
      const html = mrkdwn(s.text, { people: { U1: 'Howard' } });
      for (const w of s.want) expect(html).toContain(w);
      for (const n of s.not ?? []) expect(html).not.toContain(n);
    });
  }

  it('should show <!date^…> as a date in the reader’s time, not the fallback', () => {
    const secs = Date.UTC(2026, 10, 29, 15, 4) / 1000;
    const html = mrkdwn(`<!date^${secs}^{date_short} {time}|fallback text>`);
    expect(html).toContain(formatSlackDate(secs, '{date_short} {time}'));
    expect(html).toContain('datetime="2026-11-29T15:04:00.000Z"');
    expect(html).not.toContain('fallback text');
  });

  it('should say Today and Yesterday for the pretty formats', () => {
    const now = new Date(2026, 11, 1, 12, 0);
    expect(formatSlackDate(new Date(2026, 11, 1, 9, 5).getTime() / 1000, '{date_pretty} {time}', now)).toBe(
      'Today 9:05 AM',
    );
    expect(formatSlackDate(new Date(2026, 10, 30, 21, 0).getTime() / 1000, '{date_short_pretty}', now)).toBe(
      'Yesterday',
    );
    expect(formatSlackDate(new Date(2026, 0, 2).getTime() / 1000, '{date_num} {date}', now)).toBe(
      '2026-01-02 January 2nd, 2026',
    );
  });
});
