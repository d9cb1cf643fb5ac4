/** Semantic versions and ranges as blang/semver v4 parses them (used by Kyverno's operators and `semver_compare`). */

export interface SemVer {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: (string | bigint)[];
}

const NUM = /^[0-9]+$/;
const ALNUM = /^[0-9A-Za-z-]+$/;

function hasLeadingZero(s: string): boolean {
  return s.length > 1 && s[0] === "0";
}

/** blang `semver.Parse` (strict: `MAJOR.MINOR.PATCH[-pre][+build]`, no `v` prefix). */
export function parseSemver(s: string): SemVer | undefined {
  if (s.length === 0) return undefined;
  const first = s.indexOf(".");
  const second = first < 0 ? -1 : s.indexOf(".", first + 1);
  if (first < 0 || second < 0) return undefined;
  const maj = s.slice(0, first);
  const min = s.slice(first + 1, second);
  let patchStr = s.slice(second + 1);
  if (!NUM.test(maj) || hasLeadingZero(maj) || !NUM.test(min) || hasLeadingZero(min)) return undefined;
  let build: string[] = [];
  let pre: string[] = [];
  const b = patchStr.indexOf("+");
  if (b >= 0) {
    build = patchStr.slice(b + 1).split(".");
    patchStr = patchStr.slice(0, b);
  }
  const p = patchStr.indexOf("-");
  if (p >= 0) {
    pre = patchStr.slice(p + 1).split(".");
    patchStr = patchStr.slice(0, p);
  }
  if (!NUM.test(patchStr) || hasLeadingZero(patchStr)) return undefined;
  const preParsed: (string | bigint)[] = [];
  for (const part of pre) {
    if (part.length === 0) return undefined;
    if (NUM.test(part)) {
      if (hasLeadingZero(part)) return undefined;
      preParsed.push(BigInt(part));
    } else if (ALNUM.test(part)) {
      preParsed.push(part);
    } else {
      return undefined;
    }
  }
  for (const part of build) if (part.length === 0 || !ALNUM.test(part)) return undefined;
  return { major: BigInt(maj), minor: BigInt(min), patch: BigInt(patchStr), pre: preParsed };
}

export function compareSemver(a: SemVer, b: SemVer): -1 | 0 | 1 {
  for (const k of ["major", "minor", "patch"] as const) {
    if (a[k] !== b[k]) return a[k] > b[k] ? 1 : -1;
  }
  if (a.pre.length === 0 && b.pre.length === 0) return 0;
  if (a.pre.length === 0) return 1;
  if (b.pre.length === 0) return -1;
  let i = 0;
  for (; i < a.pre.length && i < b.pre.length; i++) {
    const x = a.pre[i] as string | bigint;
    const y = b.pre[i] as string | bigint;
    if (x === y) continue;
    if (typeof x === "bigint" && typeof y === "bigint") return x > y ? 1 : -1;
    if (typeof x === "bigint") return -1;
    if (typeof y === "bigint") return 1;
    return x > y ? 1 : -1;
  }
  if (i === a.pre.length && i === b.pre.length) return 0;
  return i === a.pre.length ? -1 : 1;
}

type Range = (v: SemVer) => boolean;

function splitAndTrim(s: string): string[] {
  const result: string[] = [];
  let last = 0;
  let lastChar = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === " " && !(lastChar === ">" || lastChar === "<" || lastChar === "=")) {
      if (last < i - 1) result.push(s.slice(last, i));
      last = i + 1;
    } else if (c !== " ") {
      lastChar = c ?? "";
    }
  }
  if (last < s.length - 1) result.push(s.slice(last));
  return result.map((r) => r.replace(/ /g, ""));
}

function comparator(op: string): ((c: number) => boolean) | undefined {
  switch (op) {
    case "":
    case "=":
    case "==":
      return (c) => c === 0;
    case ">":
      return (c) => c === 1;
    case ">=":
      return (c) => c >= 0;
    case "<":
      return (c) => c === -1;
    case "<=":
      return (c) => c <= 0;
    case "!":
    case "!=":
      return (c) => c !== 0;
    default:
      return undefined;
  }
}

function splitComparatorVersion(s: string): [string, string] | undefined {
  const i = s.search(/[0-9]/);
  if (i < 0) return undefined;
  return [s.slice(0, i).trim(), s.slice(i)];
}

function bump(v: string, idx: number): string {
  const parts = v.split(".");
  parts[idx] = String(Number(parts[idx]) + 1);
  return parts.join(".");
}

function expandWildcard(part: string): string[] | undefined {
  if (!part.includes("x")) return [part];
  const cv = splitComparatorVersion(part);
  if (!cv) return undefined;
  const [op, vStr] = cv;
  const parts = vStr.split(".");
  const wildcardType = parts[parts.length - 1] === "x" ? parts.length : 0;
  let flat = vStr.replace(".x.x", ".x").replace(".x", ".0");
  if (flat.split(".").length === 2) flat += ".0";
  const out: string[] = [];
  let resultOp = "";
  let increment = false;
  switch (op) {
    case ">":
      resultOp = ">=";
      increment = true;
      break;
    case ">=":
      resultOp = ">=";
      break;
    case "<":
      resultOp = "<";
      break;
    case "<=":
      resultOp = "<";
      increment = true;
      break;
    case "":
    case "=":
    case "==":
      out.push(">=" + flat);
      resultOp = "<";
      increment = true;
      break;
    case "!=":
    case "!":
      out.push("<" + flat);
      resultOp = ">=";
      increment = true;
      break;
  }
  let version = flat;
  if (increment) version = wildcardType === 3 ? bump(flat, 1) : wildcardType === 2 ? bump(flat, 0) : "";
  out.push(resultOp + version);
  return out;
}

/** blang `semver.ParseRange`, e.g. `>=1.0.0 <2.0.0 || 3.x`. */
export function parseSemverRange(s: string): Range | undefined {
  const parts = splitAndTrim(s);
  const orParts: string[][] = [];
  let last = 0;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === "||") {
      if (i === 0) return undefined;
      orParts.push(parts.slice(last, i));
      last = i + 1;
    }
  }
  if (last === parts.length) return undefined;
  orParts.push(parts.slice(last));
  const ors: Range[] = [];
  for (const group of orParts) {
    const ands: Range[] = [];
    for (const raw of group) {
      const expanded = expandWildcard(raw);
      if (!expanded) return undefined;
      for (const ap of expanded) {
        const cv = splitComparatorVersion(ap);
        if (!cv) return undefined;
        const cmp = comparator(cv[0]);
        const ver = parseSemver(cv[1]);
        if (!cmp || !ver) return undefined;
        ands.push((v) => cmp(compareSemver(v, ver)));
      }
    }
    ors.push((v) => ands.every((f) => f(v)));
  }
  return (v) => ors.some((f) => f(v));
}
