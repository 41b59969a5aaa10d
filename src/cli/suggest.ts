/** "Did you mean ...?" for misspelt commands and options: the closest names by edit distance. */

/**
 * Edit distance with insert, delete, substitute and swapping two neighbouring letters each
 * costing 1 (optimal string alignment), so "tset" is one edit from "test".
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/**
 * Candidates close enough to be what was meant: within a third of the word's length (at least
 * one edit), or starting with it; nearest first, at most three.
 */
export function suggest(word: string, candidates: Iterable<string>): string[] {
  const typed = word.toLowerCase();
  const limit = Math.max(1, Math.floor(typed.length / 3));
  return [...new Set(candidates)]
    .map((name) => ({ name, d: editDistance(typed, name.toLowerCase()) }))
    .filter(({ name, d }) => d <= limit || (typed.length >= 2 && name.toLowerCase().startsWith(typed)))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map(({ name }) => name);
}

/** " Did you mean x?" / " Did you mean x or y?" / "" */
export function didYouMean(word: string, candidates: Iterable<string>, format = (s: string) => s): string {
  const found = suggest(word, candidates).map(format);
  if (found.length === 0) return '';
  const list = found.length === 1 ? found[0] : `${found.slice(0, -1).join(', ')} or ${found.at(-1)}`;
  return ` Did you mean ${list}?`;
}
