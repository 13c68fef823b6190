/** A mistake in what the user asked for: printed as one line, exit code 2 in the CLI. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Optimal-string-alignment distance: Levenshtein plus the swap of two
 * neighbouring letters as one edit, the most common typo ('gleu' for 'gelu').
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

function sortedLetters(s: string): string {
  return [...s].sort().join('');
}

/**
 * The candidates closest to `name`, best first (within a distance that still
 * looks like a typo). Ties go to a candidate with the same letters (a swap),
 * then to the one of the nearest length.
 */
export function closest(name: string, candidates: readonly string[], count = 3): string[] {
  const n = name.toLowerCase();
  const letters = sortedLetters(n);
  const scored = [...new Set(candidates)]
    .map((c) => {
      const l = c.toLowerCase();
      return {
        c,
        d: editDistance(n, l),
        anagram: sortedLetters(l) === letters ? 0 : 1,
        len: Math.abs(l.length - n.length),
      };
    })
    .filter(({ d }) => d <= Math.max(2, Math.floor(name.length / 2)))
    .sort((x, y) => x.d - y.d || x.anagram - y.anagram || x.len - y.len || x.c.localeCompare(y.c));
  return scored.slice(0, count).map(({ c }) => c);
}

/** "unknown activation 'gleu' — did you mean 'gelu'?": the single best guess, or the valid names. */
export function didYouMean(kind: string, name: string, candidates: readonly string[]): string {
  const near = closest(name, candidates, 1);
  const hint =
    near.length > 0 ? ` — did you mean '${near[0]}'?` : ` — valid: ${candidates.join(', ')}`;
  return `unknown ${kind} '${name}'${hint}`;
}
