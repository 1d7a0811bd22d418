/**
 * Near misses: how far apart two words are, and the closest of some candidates, for "did you
 * mean …?" in config messages (a mistyped namespace, a mistyped chart value key). No Pulumi import.
 */

/**
 * The optimal string alignment distance: insertions, deletions, substitutions and transpositions
 * of adjacent characters each count 1 ("platfrom" is 1 from "platform").
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The most edits a word of this length may be from another to count as a near miss of it. */
export function nearMissBudget(length: number): number {
  return Math.min(2, Math.floor(length / 4));
}

/**
 * The candidate `word` most likely stands for: the same once case and the separators `-`, `_`, `.`
 * are ignored, else the nearest within nearMissBudget edits (case ignored); undefined when none is.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[-_.]/g, "");
  const same = candidates.find((c) => c !== word && fold(c) === fold(word));
  if (same !== undefined) return same;
  let best: { candidate: string; distance: number } | undefined;
  for (const c of candidates) {
    if (c === word) continue;
    const distance = editDistance(word.toLowerCase(), c.toLowerCase());
    if (distance <= nearMissBudget(c.length) && (!best || distance < best.distance))
      best = { candidate: c, distance };
  }
  return best?.candidate;
}
