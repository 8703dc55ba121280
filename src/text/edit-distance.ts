/**
 * Levenshtein edit distance (insert, delete, substitute: cost 1 each), by code unit: the one implementation behind
 * every "did you mean" (a typed command, a ticket status, a key of the configuration file). Pure.
 */

/** The last row of the Levenshtein table of `a` against `b`: entry j is the distance from `a` to `b`'s first j. */
function distanceRow(a: string, b: string): number[] {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev;
}

/** Levenshtein distance from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  return a === b ? 0 : distanceRow(a, b)[b.length]!;
}

/** The smallest edit distance between `a` and any prefix of `b` ('waitng' is 1 from 'waiting…'). */
export function prefixEditDistance(a: string, b: string): number {
  return Math.min(...distanceRow(a, b));
}
