/**
 * Benchmark of reading hostile text (npm run bench:text): 1 MB inputs a customer or a technician could send
 * (whitespace runs, nested tags, long words, tag soup, entities, unclosed `<`, Slack markup), through every
 * function that reads such text: the comment renderer (htmlToText), the read-back comparison (sameText), the
 * `/syncro create` customer split, the command parser, and the Slack-side scanners (broadcast mentions, ticket
 * numbers in messages, message text for shortcuts, git error redaction).
 *
 * Each time is the median of RUNS (the fastest run is shown too: on a busy machine it is the closer estimate of
 * the work) and is printed with its ratio to a baseline measured in the same run on the same input: one plain
 * linear scan of it (a loop over its characters). The growth column is the fastest time on 1 MB ÷ the fastest on
 * its first quarter: about 4 for linear work (somewhat more where a million small strings bring the garbage
 * collector in; at most 1 for work cut at a bound), 16 for quadratic work (100,000 characters of whitespace took
 * 12 s before). Aim: every 1 MB input rendered in well under 100 ms; the process exits non-zero
 * otherwise.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseCommand } from '../src/commands/parse.js';
import { redactGitText } from '../src/session-logs/git.js';
import { splitByCustomerName } from '../src/slack/handlers/write-commands.js';
import { ticketNumbersIn } from '../src/slack/unfurls/links.js';
import { neutraliseBroadcasts } from '../src/slack/views/replies.js';
import type { Customer } from '../src/syncro/schemas.js';
import { htmlToText, MAX_RENDERED, sameText } from '../src/text/html.js';
import { decodeSlack, slackToHtml } from '../src/text/slack-markup.js';

const SIZE = 1_000_000;
const RUNS = 7;
const AIM_MS = 100;

const out = (line: string) => process.stdout.write(`${line}\n`);

/** `unit` repeated to SIZE characters. */
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

const INPUTS: Record<string, string> = {
  'whitespace runs, no newline': `x${' \t'.repeat(SIZE / 2 - 1)}y`,
  'whitespace runs and newlines': fill(`word${' \t'.repeat(2_000)}\n\n\n`),
  'nested blocks': fill('<div><blockquote><table><tr><td>'),
  'nested inline tags': fill('<b><i><span>'),
  'one long word': fill('x'),
  'tag soup': fill('<p>a</p><br><li>b'),
  entities: fill('&amp;&lt;&#128512;&nbsp;'),
  'unclosed <': fill('<a<b'),
  'Slack markup': fill('<!subteam^S1|<@U1|<#C1|<https://x|y'),
  'pipes after <!subteam^': `<!subteam^S1${'|'.repeat(SIZE - 12)}`,
  'an e-mail reply': fill(
    '<p style="margin:0">Thanks &amp; regards,&nbsp;&nbsp;  </p>\n<br>  \t \n> quoted #32164 ',
  ),
};

/** The baseline: one plain linear scan of the input. */
function scan(s: string): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum = (sum + s.charCodeAt(i)) | 0;
  return sum;
}

/** The median and the fastest of RUNS runs, in ms. */
function measure(fn: () => unknown): { median: number; min: number } {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)]!, min: times[0]! };
}

const customers = [
  { id: 1, business_then_name: 'Acme' },
  ...Array.from({ length: 24 }, (_, i) => ({ id: i + 2, business_then_name: `Acme Branch ${i} Supply` })),
] as Customer[];

const FUNCTIONS: Record<string, (s: string) => unknown> = {
  htmlToText: (s) => htmlToText(s),
  'sameText (stored vs a sent comment)': (s) => sameText(s, 'Called back, printer fixed'),
  'create: customer split': (s) => splitByCustomerName(`Acme ${s}`, customers),
  parseCommand: (s) => parseCommand(`comment 32164 ${s}`),
  neutraliseBroadcasts: (s) => neutraliseBroadcasts(s),
  'ticketNumbersIn (unfurls)': (s) => ticketNumbersIn(s),
  'decodeSlack (commands, shortcuts)': (s) => decodeSlack(s),
  'slackToHtml (comment bodies)': (s) => slackToHtml(s),
  redactGitText: (s) => redactGitText(s),
};

// Warm-up: the HTML library loads on the first text with a tag, and the JIT compiles.
for (const s of Object.values(INPUTS)) for (const fn of Object.values(FUNCTIONS)) fn(s.slice(0, 10_000));

out(`bench:text — ${SIZE.toLocaleString('en-US')}-character inputs, ${RUNS} runs each (median, and fastest)`);
out(`htmlToText reads at most ${MAX_RENDERED.toLocaleString('en-US')} characters of a text (MAX_RENDERED).`);
out('× base: median ÷ one plain linear scan of the same input (the baseline, measured here).');
out('growth: fastest on 1 MB ÷ fastest on its first quarter (≈4 linear, ≤1 cut at a bound, 16 quadratic).');
out(
  `Load average when started: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
out('');
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const worst: Record<string, { ms: number; min: number; ratio: number; growth: number; input: string }> = {};
let renderWorst = 0;
for (const [name, input] of Object.entries(INPUTS)) {
  const quarter = input.slice(0, SIZE / 4);
  const base = Math.max(measure(() => scan(input)).median, 0.001);
  out(`${name} — baseline scan ${fmt(base)} ms`);
  for (const [fname, fn] of Object.entries(FUNCTIONS)) {
    const t = measure(() => fn(input));
    const small = Math.max(measure(() => fn(quarter)).min, 0.01);
    const ratio = t.median / base;
    const growth = t.min / small;
    out(
      `    ${fname}: ${fmt(t.median)} ms (fastest ${fmt(t.min)}), ${ratio.toFixed(1)}× base, growth ${growth.toFixed(1)}`,
    );
    if (!worst[fname] || t.median > worst[fname].ms)
      worst[fname] = { ms: t.median, min: t.min, ratio, growth, input: name };
    if (fname === 'htmlToText') renderWorst = Math.max(renderWorst, t.median);
  }
}
out('');
out('| function | slowest 1 MB input | median (fastest) | × base | growth |');
out('| --- | --- | --- | --- | --- |');
for (const [fname, w] of Object.entries(worst))
  out(
    `| ${fname} | ${w.input} | ${fmt(w.ms)} ms (${fmt(w.min)}) | ${w.ratio.toFixed(1)}× | ${w.growth.toFixed(1)} |`,
  );
out('');
const ok = renderWorst < AIM_MS;
out(
  `Aim: every 1 MB input rendered (htmlToText) in well under ${AIM_MS} ms: slowest median ${fmt(renderWorst)} ms ${ok ? '✓' : '✗'}`,
);
if (!ok) process.exitCode = 1;
