import type { InputBlock, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { input, LIMITS, splitCode, textInput } from '../../src/slack/blocks.js';
import { billModal, closeModal, commentModal } from '../../src/slack/views/modals.js';

/**
 * Issue 16, item 17: long text is bounded visibly. A text box says its limit in its hint (Slack stops taking
 * characters at max_length without a word), and a long payload on a card is split at line boundaries, or after a
 * space inside one long line, never in the middle of a word.
 */

const ticket = { id: 5, number: '32164', subject: 'Printer' };
const inputs = (blocks: KnownBlock[]) =>
  blocks.filter((b): b is InputBlock => b.type === 'input' && b.element.type === 'plain_text_input');

describe('every text box says its limit', () => {
  it('a short field (the minutes) does not: "Up to 6 characters." would only puzzle', () => {
    const v = billModal({
      ticket,
      loading: false,
      laborTypes: [{ key: 'r', label: 'Remote' }],
      prepaidHours: null,
    });
    const minutes = inputs(v.blocks as KnownBlock[]).find((b) => /minutes/i.test(b.label.text))!;
    expect(minutes.hint?.text).toBe('Whole minutes, as worked. The bot never assumes them.');
  });

  const forms = [
    { name: 'comment', view: commentModal({ ticket }) },
    {
      name: 'close',
      view: closeModal({ ticket, closeStatus: 'Resolved', defaultVisibility: 'private_note' }),
    },
    {
      name: 'bill',
      view: billModal({
        ticket,
        loading: false,
        laborTypes: [{ key: 'r', label: 'Remote' }],
        prepaidHours: null,
      }),
    },
  ];
  for (const f of forms) {
    it(`${f.name}: each plain_text_input's hint names its max_length`, () => {
      const boxes = inputs(f.view.blocks as KnownBlock[]);
      expect(boxes.length).toBeGreaterThan(0);
      for (const b of boxes) {
        const max = (b.element as { max_length?: number }).max_length;
        expect(max).toBeDefined();
        if (max! < 100) continue; // a short field: see above
        const n =
          max! >= 1000 ? `${Math.floor(max! / 1000)},${String(max! % 1000).padStart(3, '0')}` : String(max);
        expect(b.hint?.text).toContain(`Up to ${n} characters`);
      }
    });
  }

  it('the comment box says 3,000 is Slack’s limit, after the hint it already had', () => {
    const b = input({
      blockId: 'b',
      label: 'Comment',
      hint: 'Shown to the customer.',
      element: textInput({ actionId: 'a', multiline: true, maxLength: 3000 }),
    });
    expect(b.hint?.text).toBe('Shown to the customer. Up to 3,000 characters (Slack’s limit).');
  });

  it('an optional input does not say "(optional)" twice (Slack adds it)', () => {
    const v = closeModal({ ticket, closeStatus: 'Resolved', defaultVisibility: 'private_note' });
    for (const b of v.blocks as KnownBlock[]) {
      if (b.type === 'input' && b.optional) expect(b.label.text).not.toMatch(/\(optional\)/i);
    }
  });
});

describe('long payloads split at line boundaries, never mid-word', () => {
  const budget = () => LIMITS.sectionText - 8;

  it('a comment body of 10,000 characters on one JSON line is split after spaces', () => {
    const words = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(' ');
    const line = `  "body": ${JSON.stringify(words)},`;
    const chunks = splitCode(line, budget);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(line);
    for (const c of chunks.slice(0, -1)) expect(c.endsWith(' ')).toBe(true);
  });

  it('a pretty-printed payload is split between its lines', () => {
    const body = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`key${i}`, `value number ${i}`]));
    const text = JSON.stringify(body, null, 2);
    const lines = new Set(text.split('\n'));
    const chunks = splitCode(text, budget);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('\n')).toBe(text);
    for (const c of chunks) for (const l of c.split('\n')) expect(lines.has(l)).toBe(true);
  });

  it('a word longer than a whole section is the only thing ever cut', () => {
    const line = `"${'w'.repeat(7000)}" tail`;
    const chunks = splitCode(line, budget);
    expect(chunks.join('')).toBe(line);
    expect(chunks[chunks.length - 1]).toMatch(/ tail$/);
  });
});
