/** A mistake in what the user asked for: printed as one line, exit code 2 in the CLI. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The candidates closest to `name` (at most `count`, within a distance that still looks like a typo). */
export function closest(name: string, candidates: readonly string[], count = 3): string[] {
  const scored = candidates
    .map((c) => ({ c, d: editDistance(name.toLowerCase(), c.toLowerCase()) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(name.length / 2)))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return scored.slice(0, count).map(({ c }) => c);
}

export function didYouMean(kind: string, name: string, candidates: readonly string[]): string {
  const near = closest(name, candidates);
  const hint =
    near.length > 0
      ? ` — did you mean ${near.map((n) => `'${n}'`).join(' or ')}?`
      : ` — valid: ${candidates.join(', ')}`;
  return `unknown ${kind} '${name}'${hint}`;
}
