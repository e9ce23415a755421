/** Levenshtein distance, for "did you mean" suggestions on mistyped codes. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(
        previous[j]! + 1,
        previous[j - 1]! + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

const tokens = (code: string) =>
  code
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);

/**
 * The candidates closest to `code`, at most `limit`: first those sharing most of its words
 * (`EPI_BCG_GIVEN` → `EPI_BCG_ADMINISTERED` after a package renamed its codes), then by edit distance.
 */
export function closest(code: string, candidates: Iterable<string>, limit = 3): string[] {
  const wanted = code.toUpperCase();
  const words = tokens(code);
  const maxDistance = Math.max(2, Math.floor(wanted.length / 3));
  return [...new Set(candidates)]
    .map((candidate) => {
      const theirs = new Set(tokens(candidate));
      const shared = words.filter((word) => theirs.has(word)).length;
      return { candidate, shared, distance: editDistance(wanted, candidate.toUpperCase()) };
    })
    .filter(
      ({ shared, distance }) =>
        distance <= maxDistance || (words.length > 1 && shared >= words.length - 1),
    )
    .sort(
      (a, b) =>
        b.shared - a.shared || a.distance - b.distance || a.candidate.localeCompare(b.candidate),
    )
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/**
 * What to say of a value outside a short list of names (a period type, a calendar, a notify mode, a job
 * or connection name): the names it is a likely slip of (`Montly` → `Monthly`), and the whole list only
 * when none is close.
 */
export function didYouMean(value: string, allowed: readonly string[]): string {
  const distance = (name: string) => editDistance(value.toUpperCase(), name.toUpperCase());
  const near = closest(value, allowed);
  // `FinancialJul` is FinancialJuly, not also FinancialAug: only the nearest are named.
  const nearest = Math.min(...near.map(distance));
  const meant = near.filter((name) => distance(name) === nearest);
  return meant.length > 0
    ? `Did you mean ${meant.map((name) => `"${name}"`).join(' or ')}?`
    : `Use one of: ${allowed.join(', ')}.`;
}
