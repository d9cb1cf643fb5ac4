/**
 * Wildcard matching as Kyverno does it (IGLOU-EU/go-wildcard v1.0.3): `*` matches any run of characters
 * (including none, `/` and `:`), `?` exactly one character. An empty pattern matches only the empty string.
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  if (pattern === "") return name === "";
  if (pattern === "*") return true;
  const p = Array.from(pattern);
  const s = Array.from(name);
  // Iterative matcher with backtracking on the last `*` (linear for typical patterns).
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const c = p[pi];
    if (pi < p.length && (c === "?" || (c !== "*" && c === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && c === "*") {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** Kyverno `ext/wildcard.ContainsWildcard`. */
export function containsWildcard(s: string): boolean {
  return s.includes("*") || s.includes("?");
}
