/** "Did you mean …?" suggestions by edit distance. */

export function editDistance(a: string, b: string): number {
  // Optimal string alignment: insertions, deletions, substitutions and adjacent transpositions cost 1.
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) =>
    Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= m; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      row[j] = v;
    }
  }
  return at(m, n);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The closest candidate to `input`, if it is close enough to be a plausible typo:
 * distance ≤ max(1, ⌊len/3⌋), or a case-insensitive match, or a prefix/suffix relation of ≥ 4 chars (ranked
 * just after distance-1 typos, so `imagePullPolcy` suggests `imagePullPolicy`, not its prefix `image`).
 * Ties go to the longest common prefix, then the closest length, then alphabetical order.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestKey: [number, number, number] = [Infinity, 0, 0];
  const lower = input.toLowerCase();
  for (const c of candidates) {
    if (c === input) continue;
    const cl = c.toLowerCase();
    let score = editDistance(lower, cl);
    if (cl === lower) score = 0;
    else if (lower.length >= 4 && (cl.startsWith(lower) || lower.startsWith(cl)))
      score = Math.min(score, 1.5);
    const key: [number, number, number] = [
      score,
      -commonPrefix(lower, cl),
      Math.abs(cl.length - lower.length),
    ];
    const better =
      key[0] !== bestKey[0]
        ? key[0] < bestKey[0]
        : key[1] !== bestKey[1]
          ? key[1] < bestKey[1]
          : key[2] !== bestKey[2]
            ? key[2] < bestKey[2]
            : best !== undefined && c < best;
    if (better) {
      best = c;
      bestKey = key;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(input.length / 3));
  return bestKey[0] <= Math.max(limit, 1.5) ? best : undefined;
}

/**
 * For object names: a typo (see {@link didYouMean}), or else the name sharing all but the last dash-separated
 * segment — `nginx-canary-html` when `nginx-canary-config` exists — the closest of those by edit distance.
 */
export function didYouMeanName(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const typo = didYouMean(input, list);
  if (typo !== undefined) return typo;
  const parts = input.split("-");
  if (parts.length < 2) return undefined;
  const stem = `${parts.slice(0, -1).join("-")}-`;
  const same = list.filter((c) => c !== input && c.startsWith(stem)).sort();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of same) {
    const d = editDistance(input, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
