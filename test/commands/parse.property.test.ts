import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParseResult, parseCommand } from '../../src/commands/parse.js';
import { commandSchema } from '../../src/commands/types.js';

const RUNS = 3000;

/** True when `v` is JSON-like data: strings, finite numbers, booleans, arrays and plain objects only. */
function isPlainData(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isPlainData);
  if (typeof v === 'object' && v !== null) {
    return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(isPlainData);
  }
  return false;
}

/** The invariants every answer satisfies, whatever was typed. */
function checkResult(text: string): ParseResult {
  let got: ParseResult | undefined;
  expect(() => {
    got = parseCommand(text);
  }).not.toThrow();
  const r = got!;
  expect(isPlainData(r)).toBe(true);
  if (r.ok) {
    expect(Object.keys(r)).toEqual(['ok', 'command']);
    // Every ok command is a member of the union, and is nothing but data (it cannot carry a write).
    expect(commandSchema.safeParse(r.command).success).toBe(true);
    expect(JSON.parse(JSON.stringify(r.command))).toEqual(r.command);
  } else {
    expect(Object.keys(r).sort()).toEqual(['error', 'ok', 'usage']);
    expect(r.error.trim().length).toBeGreaterThan(0);
    expect(r.usage.trim().length).toBeGreaterThan(0);
  }
  // Pure: the same text gives the same answer.
  expect(parseCommand(text)).toEqual(r);
  return r;
}

const words = [
  'ticket',
  'TICKET',
  'Create',
  'create',
  'update',
  'close',
  'comment',
  'bill',
  'search',
  'customers',
  'audit',
  'help',
  'whoami',
  'summary',
  'page',
  'show',
  'note',
  'resolve',
  'customer',
  '?',
  'me',
  'constructor',
  '__proto__',
];
const pieces = fc.oneof(
  fc.constantFrom(...words),
  fc.nat({ max: 99_999_999 }).map(String),
  fc.nat({ max: 99_999 }).map((n) => `#${n}`),
  fc.constantFrom(
    '#',
    '#12a',
    '#0',
    '0',
    '-1',
    '1.5',
    '1e3',
    '１２３',
    '99999999999999999999',
    '32164:',
    '32164,',
  ),
  fc.constantFrom(
    '"',
    '“',
    '”',
    "'",
    '‘',
    '’',
    '„',
    '""',
    "''",
    '"Len\'s Auto"',
    "'Len's Auto'",
    '“Acme Co”',
  ),
  fc.constantFrom(' ', '  ', '\n', '\r\n', '\t', '\u00a0', '\u2028', '\u200b', ''),
  fc.constantFrom(
    '&amp;',
    '&lt;',
    '&gt;',
    '&amp;lt;',
    '<@U123|jim>',
    '<https://x.y|x.y>',
    '<!here>',
    '<',
    '>',
    '|',
  ),
  fc.constantFrom('waiting on customer', 'Resolved', 'printer offline', 'Dataforth', 'Server upgrade'),
  fc.string({ maxLength: 8 }),
);
/** Sentences made of real subcommand words, numbers, quotes, '#', whitespace and markup. */
const commandLike = fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join(' '));
const commandLikeTight = fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join(''));

describe('parseCommand, for any input', () => {
  it('never throws and answers ok with a valid command or an error with usage (random strings)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (t) => void checkResult(t)),
      { numRuns: RUNS },
    );
  });

  it('… (full Unicode, astral planes included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (t) => void checkResult(t)),
      {
        numRuns: RUNS,
      },
    );
  });

  it('… (lone surrogates and any UTF-16 code unit)', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit: anyUnit, maxLength: 200 }), (t) => void checkResult(t)),
      {
        numRuns: RUNS,
      },
    );
  });

  it('… (combinations of subcommands, numbers, quotes, # and whitespace)', () => {
    fc.assert(
      fc.property(commandLike, (t) => void checkResult(t)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(commandLikeTight, (t) => void checkResult(t)),
      { numRuns: RUNS },
    );
  });

  // A guard against catastrophic backtracking: a regex that went quadratic or exponential on these inputs would run
  // into the test timeout. Speed itself is measured by benchmarks, not asserted here.
  it('… (very long input parses)', () => {
    for (const t of [
      'comment 1 ' + 'x '.repeat(50_000),
      '"'.repeat(100_000),
      "create '" + "a'b ".repeat(20_000),
    ]) {
      checkResult(t);
    }
  });
});

describe('parseCommand, for well-formed commands', () => {
  const ticketNumber = fc.integer({ min: 1, max: 999_999_999 });
  /** Comment text without Slack markup or entities, which are decoded. */
  const plainText = fc
    .string({ unit: 'binary', minLength: 1, maxLength: 200 })
    .filter((s) => !/[<>&\r]/.test(s) && s.trim() !== '');

  it('reads a ticket number the same with or without #', () => {
    fc.assert(
      fc.property(ticketNumber, fc.constantFrom('ticket', 'bill', 'audit'), (n, name) => {
        const want = { ok: true, command: { name, number: String(n) } };
        expect(parseCommand(`${name} ${n}`)).toEqual(want);
        expect(parseCommand(`${name.toUpperCase()} #${n}`)).toEqual(want);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps comment text as typed, trimmed', () => {
    fc.assert(
      fc.property(ticketNumber, plainText, (n, text) => {
        expect(parseCommand(`comment #${n} ${text}`)).toEqual({
          ok: true,
          command: { name: 'comment', number: String(n), text: text.trim() },
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('decodes Slack entities in any text', () => {
    fc.assert(
      fc.property(ticketNumber, plainText, plainText, (n, a, b) => {
        const got = parseCommand(`comment ${n} ${a} &amp;&lt;&gt; ${b}`);
        expect(got).toEqual({
          ok: true,
          command: { name: 'comment', number: String(n), text: `${a} &<> ${b}`.trim() },
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the grammar modules', () => {
  /**
   * Only these imports: the grammar cannot reach the network, the disk, the clock or Syncro. The decoder of
   * Slack's text is pure and imports nothing (checked below with the grammar's own files).
   */
  const allowed = new Set([
    'zod',
    './types.js',
    './status-match.js',
    './spec.js',
    './grammar.js',
    './registry.js',
    '../text/slack-markup.js',
    '../text/edit-distance.js',
  ]);
  const files = [
    'parse.ts',
    'types.ts',
    'status-match.ts',
    'spec.ts',
    'grammar.ts',
    'registry.ts',
    '../text/slack-markup.ts',
    '../text/edit-distance.ts',
  ];

  for (const file of files) {
    it(`${file} imports nothing that can do I/O, and touches no globals`, () => {
      const source = readFileSync(
        fileURLToPath(
          new URL(
            file.startsWith('../') ? `../../src/${file.slice(3)}` : `../../src/commands/${file}`,
            import.meta.url,
          ),
        ),
        'utf8',
      );
      const imports = [...source.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
      for (const spec of imports) expect(allowed, `${file} imports ${spec}`).toContain(spec);
      expect(source).not.toMatch(
        /\bimport\s*\(|\brequire\s*\(|\bprocess\.|\bfetch\s*\(|\bDate\.now|\bMath\.random|globalThis/,
      );
    });
  }
});
