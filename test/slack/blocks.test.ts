import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  actions,
  button,
  codeBlock,
  context,
  escapeMrkdwn,
  fields,
  finalizeMessage,
  header,
  mention,
  modal,
  option,
  section,
  sections,
  splitText,
  staticSelect,
  truncate,
  truncateMrkdwn,
  unescapeMrkdwn,
} from '../../src/slack/blocks.js';
import { codeChunks, expectMessageLimits, findShown } from './views/helpers.js';

describe('escapeMrkdwn', () => {
  const scenarios = [
    { name: 'broadcast mention', input: '<!channel> now', want: '&lt;!channel&gt; now' },
    { name: 'user mention', input: 'ping <@U123>', want: 'ping &lt;@U123&gt;' },
    { name: 'ampersand first', input: 'R&D &lt;', want: 'R&amp;D &amp;lt;' },
    { name: 'leaves markdown alone', input: '*bold* _it_ `code`', want: '*bold* _it_ `code`' },
  ];
  for (const s of scenarios) {
    it(`should escape only & < > (${s.name})`, () => {
      expect(escapeMrkdwn(s.input)).toBe(s.want);
      expect(unescapeMrkdwn(escapeMrkdwn(s.input))).toBe(s.input);
    });
  }
});

describe('truncate', () => {
  const scenarios = [
    { name: 'short text unchanged', input: 'abc', max: 5, want: 'abc' },
    { name: 'cut with ellipsis', input: 'abcdef', max: 4, want: 'abc…' },
    { name: 'never half an emoji', input: 'ab😀cd', max: 4, want: 'ab…' },
  ];
  for (const s of scenarios) {
    it(`should cut to the limit (${s.name})`, () => {
      expect(truncate(s.input, s.max)).toBe(s.want);
      expect(truncate(s.input, s.max).length).toBeLessThanOrEqual(s.max);
    });
  }

  it('should not cut inside an entity or a mention in mrkdwn', () => {
    expect(truncateMrkdwn('abc &amp; def', 7)).toBe('abc …');
    expect(truncateMrkdwn('hi <@U12345> there', 9)).toBe('hi …');
  });
});

describe('mention', () => {
  it('should mention a well-formed user id and escape anything else', () => {
    expect(mention('U0123ABC')).toBe('<@U0123ABC>');
    expect(mention('!channel')).toBe('!channel');
    expect(mention('<!here>')).toBe('&lt;!here&gt;');
  });
});

describe('builders', () => {
  it('should truncate the header to 150 characters', () => {
    expect(header('x'.repeat(400)).text.text.length).toBe(150);
  });

  it('should split fields into sections of at most 10', () => {
    const out = fields(Array.from({ length: 23 }, (_, i) => `f${i}`));
    expect(out.map((s) => s.fields?.length)).toEqual([10, 10, 3]);
  });

  it('should cut a field over 2000 characters', () => {
    expect(fields(['y'.repeat(2500)])[0]!.fields![0]!.text.length).toBe(2000);
  });

  it('should keep at most 10 context elements, joining the rest into the last', () => {
    const c = context(Array.from({ length: 14 }, (_, i) => `e${i}`));
    expect(c.elements).toHaveLength(10);
    expect((c.elements[9] as { text: string }).text).toBe('e9 · e10 · e11 · e12 · e13');
  });

  it('should throw for more than 25 action elements', () => {
    const b = button({ text: 'x', actionId: 'a' });
    expect(() => actions(Array.from({ length: 26 }, () => b))).toThrow(RangeError);
  });

  it('should truncate button text but refuse a value over 2000 characters', () => {
    expect(button({ text: 'x'.repeat(100), actionId: 'a' }).text.text).toHaveLength(75);
    expect(() => button({ text: 'x', actionId: 'a', value: 'v'.repeat(2001) })).toThrow(/2000/);
    expect(() => button({ text: 'x', actionId: 'a'.repeat(256) })).toThrow(/255/);
  });

  it('should truncate option text and refuse an option value over 150', () => {
    expect(option('t'.repeat(90), 'v').text.text).toHaveLength(75);
    expect(() => option('t', 'v'.repeat(151))).toThrow(/150/);
  });

  it('should keep at most 100 options and always the initial one', () => {
    const opts = Array.from({ length: 150 }, (_, i) => option(`o${i}`, `v${i}`));
    const s = staticSelect({ actionId: 'a', placeholder: 'p', options: opts, initial: 'v120' });
    expect(s.options).toHaveLength(100);
    expect(s.initial_option?.value).toBe('v120');
    expect(s.options?.some((o) => o.value === 'v120')).toBe(true);
  });

  it('should split long mrkdwn into sections at line breaks, keeping every line', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'z'.repeat(40)}`);
    const out = sections(lines.join('\n'));
    expect(out.length).toBeGreaterThan(1);
    for (const s of out) expect(s.text!.text.length).toBeLessThanOrEqual(3000);
    expect(out.map((s) => s.text!.text).join('\n')).toBe(lines.join('\n'));
  });

  it('should never split inside a mention', () => {
    const text = `${'a'.repeat(2995)}<@U12345>`;
    const parts = splitText(text, 3000);
    expect(parts.join('')).toBe(text);
    expect(parts[1]).toBe('<@U12345>');
  });

  it('should cut a single section to 3000 characters', () => {
    expect(section('q'.repeat(5000)).text!.text.length).toBe(3000);
  });
});

describe('codeBlock', () => {
  const scenarios = [
    { name: 'short JSON', text: JSON.stringify({ a: 1, b: 'x' }, null, 2), sections: 1 },
    {
      name: 'many lines',
      text: Array.from({ length: 400 }, (_, i) => `"k${i}": "${'v'.repeat(20)}",`).join('\n'),
      sections: 5,
    },
    { name: 'one 10,000-character line', text: `"body": "${'w'.repeat(10_000)}"`, sections: 4 },
    { name: 'characters that grow when escaped', text: '<&>'.repeat(2000), sections: 6 },
    { name: 'backticks in the text', text: 'a ``` b ```` c', sections: 1 },
  ];
  for (const s of scenarios) {
    it(`should show the text in full within 3000 characters per section (${s.name})`, () => {
      const blocks = codeBlock(s.text);
      expect(blocks.length).toBeGreaterThanOrEqual(s.sections);
      for (const b of blocks) expect(b.text!.text.length).toBeLessThanOrEqual(3000);
      const chunks = codeChunks(blocks);
      expect(chunks).toHaveLength(blocks.length);
      expect(findShown(chunks, s.text)).toBe(chunks.length);
    });
  }

  it('should not count a text as shown when a character differs or is missing', () => {
    const text = `{\n  "body": "${'w'.repeat(7000)}"\n}`;
    const chunks = codeChunks(codeBlock(text));
    expect(findShown(chunks, text.replace('www', 'wxw'))).toBe(-1);
    expect(findShown(chunks.slice(0, -1), text)).toBe(-1);
  });

  it('should put the title above the first fence only', () => {
    const blocks = codeBlock('x'.repeat(6000), { title: '*1. POST /tickets/5/comment*' });
    expect(blocks[0]!.text!.text.startsWith('*1. POST /tickets/5/comment*\n```')).toBe(true);
    expect(blocks[1]!.text!.text.startsWith('```')).toBe(true);
  });

  it('should keep a payload containing ``` inside its fence', () => {
    const [b] = codeBlock('before ``` after');
    expect(b!.text!.text.match(/```/g)).toHaveLength(2);
  });
});

describe('finalizeMessage', () => {
  const many = (n: number): KnownBlock[] => Array.from({ length: n }, (_, i) => section(`b${i}`));
  const scenarios = [
    { name: 'under the limit', blocks: 10, want: { count: 10, more: undefined } },
    { name: 'exactly 49, one left for the banner', blocks: 49, want: { count: 49, more: undefined } },
    { name: '50', blocks: 50, want: { count: 49, more: '… 2 more not shown' } },
    { name: 'over the limit', blocks: 80, want: { count: 49, more: '… 32 more not shown' } },
  ];
  for (const s of scenarios) {
    it(`should hold 49 blocks (${s.name})`, () => {
      const m = finalizeMessage(many(s.blocks), 'fallback');
      expect(m.blocks).toHaveLength(s.want.count);
      const last = m.blocks[m.blocks.length - 1] as { type: string; elements?: Array<{ text: string }> };
      if (s.want.more) expect(last.elements?.[0]?.text).toBe(s.want.more);
      else expect(last.type).toBe('section');
      expectMessageLimits(m);
    });
  }

  it('should escape and cut the fallback text', () => {
    const m = finalizeMessage([], `<!channel> ${'x'.repeat(5000)}`);
    expect(m.text.startsWith('&lt;!channel&gt;')).toBe(true);
    expect(m.text.length).toBeLessThanOrEqual(3000);
  });
});

describe('modal', () => {
  const base = { callbackId: 'cb', title: 'Title', blocks: [] as KnownBlock[] };
  const scenarios = [
    { name: 'title over 24', over: { title: 'x'.repeat(25) }, error: /modal title/ },
    { name: 'submit over 24', over: { submit: 'x'.repeat(25) }, error: /modal submit/ },
    { name: 'close over 24', over: { close: 'x'.repeat(25) }, error: /modal close/ },
    { name: 'metadata over 3000', over: { privateMetadata: 'm'.repeat(3001) }, error: /private_metadata/ },
    {
      name: '100 blocks (one is left for the sandbox banner)',
      over: { blocks: Array.from({ length: 100 }, () => section('x')) },
      error: /99 blocks/,
    },
  ];
  for (const s of scenarios) {
    it(`should throw when a limit is exceeded (${s.name})`, () => {
      expect(() => modal({ ...base, ...s.over })).toThrow(s.error);
    });
  }

  it('should build a modal within the limits', () => {
    const v = modal({ ...base, submit: 'Preview', close: 'Cancel', privateMetadata: '{}' });
    expect(v.type).toBe('modal');
    expect(v.submit?.text).toBe('Preview');
    expect(v.private_metadata).toBe('{}');
  });
});
