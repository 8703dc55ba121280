/**
 * The Slack-text converter on hostile input (npm run bench:markup): src/text/slack-markup.ts from Slack's text to
 * Syncro's body and back to the card's preview (decodeSlack → typedToHtml → readBodyHtml), on inputs built to
 * defeat a naive parser (runs of marks, backticks, spaces, brackets, entities, fences, addresses). For each, the
 * time at 1 MB and 4 MB, and two ratios measured in the same run: to a baseline (escaping the same text for
 * HTML, one regular-expression pass) and 4 MB / 1 MB (4 is linear; quadratic would be 16).
 */
import { decodeSlack, readBodyHtml, typedToHtml } from '../src/text/slack-markup.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const KB = 1024;

const FAMILIES: Record<string, (n: number) => string> = {
  'marks *_~': (n) => '*_~'.repeat(n / 3),
  backticks: (n) => '`'.repeat(n),
  spaces: (n) => `a${' '.repeat(n - 2)}b`,
  'open brackets': (n) => '<'.repeat(n),
  'bars in a bracket': (n) => `<${'a|'.repeat(n / 2)}`,
  entities: (n) => '&lt;'.repeat(n / 4),
  fences: (n) => '```'.repeat(n / 3),
  addresses: (n) => 'https://'.repeat(n / 8),
  'nested bold': (n) => `${'*a '.repeat(n / 6)}${' b*'.repeat(n / 6)}`,
  'words and lines': (n) => 'Replaced the *router* & rebooted; see https://kb.example/a_b\n'.repeat(n / 60),
};

function best(run: () => void, times = 3): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    // Garbage of the previous run is collected first (npm run bench:markup exposes gc), so each run pays its own.
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    run();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

const convert = (s: string) => readBodyHtml(typedToHtml(decodeSlack(s)));
const baseline = (s: string) =>
  s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

out('input                 1 MB ms   4 MB ms   × baseline   growth 4 MB / 1 MB (baseline’s)');
let worstGrowth = 0;
for (const [name, make] of Object.entries(FAMILIES)) {
  const small = make(1024 * KB);
  const large = make(4096 * KB);
  convert(small); // warm-up
  const a = best(() => convert(small));
  const b = best(() => convert(large));
  const baseSmall = best(() => baseline(small));
  const base = best(() => baseline(large));
  worstGrowth = Math.max(worstGrowth, b / a);
  out(
    `${name.padEnd(20)}${a.toFixed(1).padStart(9)}${b.toFixed(1).padStart(10)}` +
      `${(b / Math.max(base, 0.01)).toFixed(1).padStart(13)}${(b / a).toFixed(2).padStart(12)}` +
      ` (${(base / Math.max(baseSmall, 0.01)).toFixed(2)})`,
  );
}
out(
  `worst growth 4 MB / 1 MB: ${worstGrowth.toFixed(2)} (linear 4, quadratic 16; the baseline's shows the machine's)`,
);
