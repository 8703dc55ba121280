import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderBody } from '../../src/sandbox/render.js';
import { htmlToText, sameText } from '../../src/text/html.js';
import {
  decodeSlack,
  plainLine,
  readBodyHtml,
  slackToHtml,
  typedToHtml,
  typedToPlain,
} from '../../src/text/slack-markup.js';

/** Slack escapes these three in message and command text. */
const slackEscaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('decodeSlack: Slack’s text as the words typed (the one decoder)', () => {
  const people = (id: string) => (id === 'U0MIKE001' ? 'Michael Swanson' : undefined);
  const cases: Array<{ name: string; text: string; want: string }> = [
    { name: 'decodes the three entities', text: '&lt;b&gt; &amp; co', want: '<b> & co' },
    { name: 'decodes once only', text: '&amp;amp; &amp;gt;', want: '&amp; &gt;' },
    { name: 'keeps other entities', text: '&quot;x&quot; &#39;', want: '&quot;x&quot; &#39;' },
    {
      name: 'a link whose words are its address keeps the address',
      text: '<http://a.b/c|a.b/c>',
      want: 'http://a.b/c',
    },
    { name: 'a bare link', text: '<https://a.b>', want: 'https://a.b' },
    {
      name: 'a link with other words: both',
      text: '<https://a.b/doc|the doc>',
      want: 'the doc (https://a.b/doc)',
    },
    { name: 'mailto shows the address', text: '<mailto:jim@x.com|jim@x.com>', want: 'jim@x.com' },
    { name: 'a link with an entity in it', text: '<https://a.b/?x=1&amp;y=2>', want: 'https://a.b/?x=1&y=2' },
    { name: 'a configured person by name', text: '<@U0MIKE001> ping', want: '@Michael Swanson ping' },
    { name: 'someone else by Slack’s label', text: '<@U123|jim>', want: '@jim' },
    { name: 'someone else without a label', text: '<@U123>', want: '@user' },
    { name: 'a channel', text: '<#C1|helpdesk> <#C2>', want: '#helpdesk #channel' },
    {
      name: 'special mentions are harmless words',
      text: '<!here> <!channel> <!everyone|@everyone>',
      want: '@here @channel @everyone',
    },
    { name: 'a user group with label', text: '<!subteam^S1|@techs>', want: '@techs' },
    { name: 'a user group without label', text: '<!subteam^S1>', want: '@group' },
    { name: 'a date: its words', text: '<!date^1700000000^{date}|Nov 14>', want: 'Nov 14' },
    { name: 'non-markup angle text is kept', text: '<b>', want: '<b>' },
    { name: 'a lone bracket is kept', text: 'a < b <https://a.b> c >', want: 'a < b https://a.b c >' },
    {
      name: 'formatting marks are kept (they are what was typed)',
      text: '*bold* _it_ ~st~ `c`',
      want: '*bold* _it_ ~st~ `c`',
    },
  ];
  for (const c of cases) it(c.name, () => expect(decodeSlack(c.text, people)).toBe(c.want));

  it('gives back any typed text Slack escaped, unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (t) => decodeSlack(slackEscaped(t)) === t),
      {
        numRuns: 2000,
      },
    );
  });
});

describe('typedToHtml: Syncro’s body for what a person typed', () => {
  const cases: Array<{ name: string; typed: string; html: string; plain: string }> = [
    {
      name: 'the issue’s comment',
      typed: '*front desk* a < b & c <script>',
      html: '<strong>front desk</strong> a &lt; b &amp; c &lt;script&gt;',
      plain: 'front desk a < b & c <script>',
    },
    {
      name: 'italics, strike and code',
      typed: '_slow_ ~fast~ `ipconfig /all` and *_both_*',
      html: '<em>slow</em> <s>fast</s> <code>ipconfig /all</code> and <strong><em>both</em></strong>',
      plain: 'slow fast ipconfig /all and both',
    },
    {
      name: 'marks inside words or with spaces inside are characters',
      typed: 'snake_case_name 2*3*4 * not bold * a_b',
      html: 'snake_case_name 2*3*4 * not bold * a_b',
      plain: 'snake_case_name 2*3*4 * not bold * a_b',
    },
    {
      name: 'line breaks and paragraphs',
      typed: 'one\ntwo\n\nthree',
      html: 'one<br>\ntwo<br>\n<br>\nthree',
      plain: 'one\ntwo\n\nthree',
    },
    {
      name: 'lists keep their own bullets and numbers, one line each',
      typed: 'Steps:\n1. reboot\n2. *check* the tray\n- done\n• also',
      html: 'Steps:<br>\n1. reboot<br>\n2. <strong>check</strong> the tray<br>\n- done<br>\n• also',
      plain: 'Steps:\n1. reboot\n2. check the tray\n- done\n• also',
    },
    {
      name: 'a code block keeps everything as typed',
      typed: 'Run:\n```\nGet-Service *spool* | ft\n<b>x</b>\n```\nthen reboot',
      html: 'Run:\n<pre>Get-Service *spool* | ft\n&lt;b&gt;x&lt;/b&gt;</pre>\nthen reboot',
      plain: 'Run:\nGet-Service *spool* | ft\n<b>x</b>\nthen reboot',
    },
    {
      name: 'addresses become links, without the sentence’s punctuation',
      typed: 'See https://x.example/a_b?q=1&r=2. Or (https://y.example/c).',
      html:
        'See <a href="https://x.example/a_b?q=1&amp;r=2">https://x.example/a_b?q=1&amp;r=2</a>. ' +
        'Or (<a href="https://y.example/c">https://y.example/c</a>).',
      plain: 'See https://x.example/a_b?q=1&r=2. Or (https://y.example/c).',
    },
    {
      name: 'a quote attempt stays a line',
      typed: '> what they said\n"quoted" & \'single\'',
      html: '&gt; what they said<br>\n"quoted" &amp; \'single\'',
      plain: '> what they said\n"quoted" & \'single\'',
    },
    {
      name: 'runs of spaces keep their width',
      typed: '  indented   text',
      html: '&nbsp;&nbsp;indented &nbsp;&nbsp;text',
      plain: '  indented   text',
    },
    { name: 'nothing', typed: '', html: '', plain: '' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(typedToHtml(c.typed)).toBe(c.html);
      expect(typedToPlain(c.typed)).toBe(c.plain);
    });
  }

  it('reads Slack’s own text straight through (a message shortcut, a command)', () => {
    expect(slackToHtml('*front desk* a &lt; b &amp; c &lt;script&gt; <!channel> <https://a.b/x|docs>')).toBe(
      '<strong>front desk</strong> a &lt; b &amp; c &lt;script&gt; @channel docs (<a href="https://a.b/x">https://a.b/x</a>)',
    );
  });

  it('makes one plain line for a subject: no marks, no breaks', () => {
    expect(plainLine('*Printer* _down_ at `front`\nsecond')).toBe('Printer down at front second');
    expect(plainLine('  a < b & c  ')).toBe('a < b & c');
  });
});

describe('readBodyHtml: the body as Syncro shows it (the card’s preview)', () => {
  it('reads the formatting back as styled runs', () => {
    expect(
      readBodyHtml(typedToHtml('*front desk* a < b\n_see_ https://x.example\n```\ncode  here\n```')),
    ).toEqual([
      {
        kind: 'text',
        runs: [
          { text: 'front desk', bold: true },
          { text: ' a < b\n' },
          { text: 'see', italic: true },
          { text: ' ' },
          { text: 'https://x.example', href: 'https://x.example' },
        ],
      },
      { kind: 'pre', text: 'code  here' },
    ]);
  });

  it('collapses whitespace as HTML does, and reads rich text and stray brackets', () => {
    expect(
      readBodyHtml('<p>Tom &amp; Jerry\n  <b>bold</b></p><p>a < b <a href="javascript:x">x</a></p>'),
    ).toEqual([
      {
        kind: 'text',
        runs: [{ text: 'Tom & Jerry ' }, { text: 'bold', bold: true }, { text: '\na < b x' }],
      },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The round trip: typed → body → Syncro's plain-text rendering equals what the person meant

/** Typed text of the pieces that matter: marks, code, addresses, HTML's characters, spaces, lines, lists. */
const piece = fc.oneof(
  fc.constantFrom(
    '*',
    '_',
    '~',
    '`',
    '```',
    '<',
    '>',
    '&',
    '&amp;',
    '&lt;',
    '"',
    "'",
    ' ',
    '  ',
    '\n',
    '\n\n',
  ),
  fc.constantFrom(
    '- ',
    '• ',
    '1. ',
    '> ',
    'https://x.example/a_b',
    'http://y.example/(c)',
    '<script>',
    '<b>',
    '<!channel>',
  ),
  fc.constantFrom('front', 'desk', 'a', 'b', 'é', '🎉', 'snake_case', '2*3', '.', ',', ')', '(', '\t'),
  fc.string({ maxLength: 4 }),
);
const typedText = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));

/** A plain-text rendering shows `&nbsp;` as a no-break space: the same space to a reader. */
const asRead = (s: string) => s.replace(/\u00a0/g, ' ').trim();
const squeeze = (s: string) => s.replace(/\s+/g, '');
/** The line structure: each line's words with whitespace squeezed, a run of blank lines as one, ends trimmed. */
const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.replace(/\s+/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');

describe('the round trip: typed text → body → Syncro’s plain rendering is what the person meant', () => {
  it('Syncro’s plain text (tags stripped, entities decoded) shows the words typed, marks gone, lines kept', () => {
    fc.assert(
      fc.property(typedText, (t) => {
        const html = typedToHtml(t);
        expect(asRead(renderBody(html, 'plain'))).toBe(asRead(typedToPlain(t)));
      }),
      { numRuns: 3000 },
    );
  });

  it('an HTML-to-text rendering shows the same words', () => {
    fc.assert(
      fc.property(typedText, (t) => {
        expect(squeeze(htmlToText(typedToHtml(t)))).toBe(squeeze(typedToPlain(t)));
      }),
      { numRuns: 1000 },
    );
  });

  it('the read-back keeps the lines as typed: a line break is one break, not a blank line', () => {
    expect(htmlToText(typedToHtml('Replaced the fan.\nTested for an hour.\nClosing.'))).toBe(
      'Replaced the fan.\nTested for an hour.\nClosing.',
    );
    expect(htmlToText(typedToHtml('a\n\nb'))).toBe('a\n\nb');
    expect(htmlToText('one<br/>\r\ntwo<BR>  \nthree')).toBe('one\ntwo\nthree');
    fc.assert(
      // A ``` block is a block of its own in any reader (a blank line around it): lines of text are compared here.
      fc.property(
        typedText.filter((t) => !t.includes('```')),
        (t) => {
          expect(lines(htmlToText(typedToHtml(t)))).toEqual(lines(typedToPlain(t)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('the card’s preview shows the same words', () => {
    fc.assert(
      fc.property(typedText, (t) => {
        const shown = readBodyHtml(typedToHtml(t))
          .map((b) => (b.kind === 'pre' ? b.text : b.runs.map((r) => r.text).join('')))
          .join('\n');
        expect(squeeze(shown)).toBe(squeeze(typedToPlain(t)));
      }),
      { numRuns: 2000 },
    );
  });

  it('every character typed is escaped: the only tags are the formatting’s', () => {
    fc.assert(
      fc.property(typedText, (t) => {
        const html = typedToHtml(t);
        const rest = html.replace(/<\/?(strong|em|s|code|pre)>|<br>|<a href="[^"<>]*">|<\/a>/g, '');
        expect(rest).not.toMatch(/[<>]/);
        expect(rest).not.toMatch(/&(?!amp;|lt;|gt;|quot;|nbsp;)/);
      }),
      { numRuns: 3000 },
    );
  });

  it('the read-back recognises the body however Syncro renders it', () => {
    fc.assert(
      // A blank comment is refused before any card is made.
      fc.property(
        typedText.filter((t) => t.trim() !== ''),
        (t) => {
          const html = typedToHtml(t);
          for (const r of ['plain', 'rich', 'original'] as const)
            expect(sameText(renderBody(html, r), html)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('hostile input is converted in linear time (128 KB in well under 2 s each; quadratic would take minutes)', () => {
    const mb = 1 << 17;
    const inputs = [
      '*_~'.repeat(mb / 3),
      '`'.repeat(mb),
      ' '.repeat(mb),
      'https://'.repeat(mb / 8),
      `${'*a '.repeat(mb / 6)}${' b*'.repeat(mb / 6)}`,
      '<'.repeat(mb),
      `<${'a|'.repeat(mb / 2)}`,
      '&lt;'.repeat(mb / 4),
      '```'.repeat(mb / 3),
    ];
    for (const input of inputs) {
      const t0 = performance.now();
      const html = typedToHtml(decodeSlack(input));
      readBodyHtml(html);
      typedToPlain(input);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });
});
