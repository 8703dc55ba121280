import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderBody } from '../../src/sandbox/render.js';
import { redactGitText } from '../../src/session-logs/git.js';
import { splitByCustomerName } from '../../src/slack/handlers/write-commands.js';
import { neutraliseBroadcasts } from '../../src/slack/views/replies.js';
import type { Customer } from '../../src/syncro/schemas.js';
import { htmlToText, MAX_RENDERED, readHtml, sameText } from '../../src/text/html.js';

/**
 * Text from customers (comment bodies), technicians (commands) and Slack is read in time linear in its length,
 * and what is rendered is bounded. Each input here took seconds to minutes before (a regular expression that
 * rescanned a run from every start, or work in words × names); the bound is far above the linear time, so a
 * loaded machine does not make these flaky.
 */

/** Generous: the linear versions take a few milliseconds. */
const BOUND_MS = 1_000;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

describe('hostile comment bodies', () => {
  // The HTML library is loaded on the first text with a tag: not part of what is measured.
  beforeAll(() => htmlToText('<b>warm</b>'));

  it('reads a 100,000-character body of whitespace runs within the bound, cut to MAX_RENDERED', () => {
    const body = `Re: printer\n${' \t'.repeat(50_000)}x`;
    const { value, ms } = timed(() => readHtml(body));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(value).toEqual({ text: 'Re: printer…', clipped: true });
  });

  it('reads at most MAX_RENDERED characters of 1 MB, whatever it holds', () => {
    for (const body of [
      'x'.repeat(1_000_000),
      '<p>a</p>'.repeat(125_000),
      '&amp;'.repeat(200_000),
      '<a<a'.repeat(250_000),
    ]) {
      const { value, ms } = timed(() => readHtml(body));
      expect(ms).toBeLessThan(BOUND_MS);
      expect(value.clipped).toBe(true);
      expect(value.text.length).toBeLessThanOrEqual(MAX_RENDERED + 1);
      expect(value.text.endsWith('…')).toBe(true);
    }
  });

  it('keeps line breaks and drops trailing blanks as before, one blank line at most', () => {
    expect(htmlToText('one  \t\ntwo\t\n\n\n\n  three \n')).toBe('one\ntwo\n\n  three');
    expect(htmlToText('a\n \n\t\nb')).toBe('a\n\nb');
  });

  it('reads 5,000 nested elements without exhausting the stack (the deep part is left out)', () => {
    const body = `top ${'<div><b>'.repeat(5_000)}deep${'</b></div>'.repeat(5_000)}`;
    expect(() => htmlToText(body)).not.toThrow();
    expect(htmlToText(body)).toMatch(/^top/);
    expect(htmlToText('<div><div><p>shallow <b>enough</b></p></div></div>')).toBe('shallow enough');
  });

  it('cuts a long body before a tag it would split, never inside it', () => {
    const body = `${'a'.repeat(MAX_RENDERED - 2)}<b class="x">bold</b>`;
    expect(readHtml(body).text).toBe(`${'a'.repeat(MAX_RENDERED - 2)}…`);
  });

  it('compares a 1 MB stored body with what we sent literally, within the bound', () => {
    const stored = '<div><b>'.repeat(125_000);
    const { value, ms } = timed(() => sameText(stored, 'Called back'));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(value).toBe(false);
    // A rendering of what we sent is still recognised.
    expect(sameText('<p>Called back &amp; fixed</p>', 'Called back & fixed')).toBe(true);
  });

  it('strips tags in the simulator’s plain rendering in linear time', () => {
    const { value, ms } = timed(() => renderBody(`<b>x</b> ${'<a'.repeat(50_000)}`, 'plain'));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(value).toBe(`x ${'<a'.repeat(50_000)}`);
  });
});

describe('hostile commands and messages', () => {
  it('splits a 4,000-character create reading each customer’s name once, not once per word', () => {
    let reads = 0;
    const customer = (id: number, name: string): Customer =>
      Object.defineProperty({ id }, 'business_then_name', {
        get: () => {
          reads++;
          return name;
        },
        enumerable: true,
      }) as Customer;
    const customers = [
      customer(1, 'Acme'),
      ...Array.from({ length: 24 }, (_, i) => customer(i + 2, `Acme ${i}`)),
    ];
    const text = `Acme ${'a '.repeat(2_000)}`;
    const split = splitByCustomerName(text, customers);
    expect(split?.customer.id).toBe(1);
    expect(split?.subject).toBe('a '.repeat(2_000).trim());
    // Linear: a bounded number of reads per customer, whatever the number of words.
    expect(reads).toBeLessThanOrEqual(2 * customers.length);
  });

  it('neutralises broadcasts in linear time, even after a run of `|`', () => {
    const hostile = `<!subteam^S1${'|'.repeat(30_000)}`;
    const { value, ms } = timed(() => neutraliseBroadcasts(hostile));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(value).not.toMatch(/<!subteam/);
    expect(neutraliseBroadcasts('hi <!channel> <!here|here> <!subteam^S1|@team> <@U1>')).toBe(
      'hi &lt;!channel&gt; &lt;!here|here&gt; &lt;!subteam^S1|@team&gt; <@U1>',
    );
  });

  it('redacts git URLs in linear time, even in a long word with no URL', () => {
    const { value, ms } = timed(() => redactGitText(`${'a'.repeat(30_000)} https://user:tok@host/x`));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(value.endsWith(' https://***@host/x')).toBe(true);
    expect(redactGitText('1https://user:tok@h')).toBe('1https://***@h');
  });
});
