/**
 * Go (RE2) regular expressions translated to JavaScript: leading inline flags `(?i)`/`(?s)`/`(?m)`,
 * named groups `(?P<name>)`, `\A`/`\z` and POSIX classes. Returns undefined for an invalid pattern.
 */

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const cache = new Map<string, RegExp | null>();

export function goRegexp(pattern: string, extraFlags = ""): RegExp | undefined {
  const key = `${extraFlags}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let src = pattern;
  let flags = extraFlags;
  for (;;) {
    const m = /^\(\?([imsU]+)\)/.exec(src);
    if (!m) break;
    for (const f of m[1] ?? "") if (f !== "U" && !flags.includes(f)) flags += f;
    src = src.slice(m[0].length);
  }
  src = src
    .replace(/\(\?P</g, "(?<")
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\[:(\^?)([a-z]+):\]/g, (all, neg: string, name: string) => {
      const cls = POSIX[name];
      if (!cls) return all;
      return neg ? `^${cls}` : cls;
    });
  let re: RegExp | null;
  try {
    re = new RegExp(src, flags);
  } catch {
    try {
      re = new RegExp(src, flags + "u");
    } catch {
      re = null;
    }
  }
  cache.set(key, re);
  return re ?? undefined;
}
