import { describe, expect, it } from 'vitest';
import { htmlToText, normaliseForMatch, sameText } from '../../src/text/html.js';

describe('htmlToText', () => {
  const scenarios: Array<{ name: string; html: string; want: string }> = [
    { name: 'plain text with line breaks', html: 'one\ntwo\r\n\r\n\r\n\r\nthree', want: 'one\ntwo\n\nthree' },
    {
      name: 'rich text paragraphs, breaks and entities',
      html: '<p>Tom &amp; Jerry &lt;3<br>next&nbsp;line</p>\n<p>second &quot;para&quot; &#39;x&#39;</p>',
      want: 'Tom & Jerry <3\nnext\u00a0line\n\nsecond "para" \'x\'',
    },
    {
      name: 'words in angle brackets that are no HTML tag',
      html: 'QuickBooks shows <error 6123> & <!channel>',
      want: 'QuickBooks shows <error 6123> & <!channel>',
    },
    { name: 'a list', html: '<ul><li>one</li><li>two</li></ul>', want: '• one\n• two' },
    {
      name: 'links, keeping a target that differs from the words',
      html: '<a href="https://a.example">https://a.example</a> and <a href="https://b.example">docs</a>',
      want: 'https://a.example and docs [https://b.example]',
    },
    {
      name: 'an error page (title and body; no style, no script)',
      html: '<!DOCTYPE html><html><head><title>Bad Gateway</title><style>h1{}</style></head><body><h1>502</h1><script>x()</script></body></html>',
      want: 'Bad Gateway\n\n502',
    },
    { name: 'nothing', html: '', want: '' },
  ];
  for (const s of scenarios) {
    it(`should read ${s.name}`, () => expect(htmlToText(s.html)).toBe(s.want));
  }
});

describe('sameText', () => {
  const posted = 'Replaced the <b>router</b> & rebooted;\nAT&T line  up\n\nNext: <error 6123>';
  const renderings: Array<{ name: string; stored: string }> = [
    { name: 'as posted', stored: posted },
    {
      name: 'as rich text',
      stored:
        '<p>Replaced the &lt;b&gt;router&lt;/b&gt; &amp; rebooted;<br />\nAT&amp;T line &nbsp;up</p>\n\n<p>Next: &lt;error 6123&gt;</p>',
    },
    {
      name: 'as plain text with non-breaking spaces and trimmed lines',
      stored: 'Replaced the <b>router</b> & rebooted;\nAT&T line \u00a0up\nNext: <error 6123>',
    },
    {
      name: 'as plain text with what looked like tags stripped and lines glued',
      stored: 'Replaced the router & rebooted;AT&T line upNext: ',
    },
  ];
  for (const r of renderings) {
    it(`should recognise a comment read back ${r.name}`, () => expect(sameText(r.stored, posted)).toBe(true));
  }

  it('should recognise text posted with a literal entity, read back escaped', () => {
    expect(sameText('Use &amp;amp; not &amp;', 'Use &amp; not &')).toBe(true);
  });

  it('should tell different words apart', () => {
    expect(sameText('Replaced the router & rebooted', 'Replaced the switch & rebooted')).toBe(false);
    expect(sameText('<p>Update</p>', 'Diagnosis')).toBe(false);
    expect(sameText('a &lt; b', 'a > b')).toBe(false);
  });

  it('should not match a body that is only tags with other text', () => {
    expect(sameText('<br>', 'something')).toBe(false);
    expect(sameText(null, 'something')).toBe(false);
  });

  it('should compare Unicode in one normal form', () => {
    expect(sameText('Cafe\u0301', 'Café')).toBe(true);
  });
});

describe('normaliseForMatch', () => {
  it('should drop tags, decode entities and ignore whitespace', () => {
    expect(normaliseForMatch('<p>Tom &amp; Jerry</p>\n<p>x&nbsp; y</p>')).toBe(
      normaliseForMatch('Tom & Jerry x y'),
    );
  });
});
