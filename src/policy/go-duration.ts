/** Go `time.Duration`: parsing (`time.ParseDuration`) and formatting (`Duration.String`), in nanoseconds. */

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  "\u00b5s": 1000n,
  "\u03bcs": 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60n * 1000000000n,
  h: 3600n * 1000000000n,
};

const MAX = (1n << 63n) - 1n;

/** Parses a Go duration string; returns nanoseconds, or undefined when Go would return an error. */
export function parseGoDuration(input: string): bigint | undefined {
  let s = input;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return undefined;
  let total = 0n;
  while (s !== "") {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const intPart = m?.[1] ?? "";
    const fracPart = m?.[2];
    if (intPart === "" && (fracPart === undefined || fracPart === "")) return undefined;
    s = s.slice(m?.[0].length ?? 0);
    const u = /^[^0-9.]*/.exec(s)?.[0] ?? "";
    if (u === "") return undefined; // missing unit
    const unit = UNITS[u];
    if (unit === undefined) return undefined;
    s = s.slice(u.length);
    let v = intPart === "" ? 0n : BigInt(intPart);
    if (v > MAX / unit) return undefined;
    v *= unit;
    if (fracPart !== undefined && fracPart !== "") {
      const scale = 10n ** BigInt(fracPart.length);
      v += (BigInt(fracPart) * unit) / scale;
    }
    total += v;
    if (total > MAX) return undefined;
  }
  return neg ? -total : total;
}

function fmtFrac(v: bigint, prec: number): { digits: string; rest: bigint } {
  let out = "";
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) out = digit.toString() + out;
    v /= 10n;
  }
  if (print) out = "." + out;
  return { digits: out, rest: v };
}

/** Go `Duration.String()`, e.g. `1h30m0s`, `1.5ms`, `0s`. */
export function formatGoDuration(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1000000000n) {
    let prec: number;
    let unit: string;
    if (u === 0n) return "0s";
    if (u < 1000n) {
      prec = 0;
      unit = "ns";
    } else if (u < 1000000n) {
      prec = 3;
      unit = "\u00b5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    const f = fmtFrac(u, prec);
    out = f.rest.toString() + f.digits + unit;
  } else {
    const f = fmtFrac(u, 9);
    u = f.rest;
    out = (u % 60n).toString() + f.digits + "s";
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + "m" + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

/** Seconds as a float (Go `Duration.Seconds()`). */
export function durationSeconds(d: bigint): number {
  const sec = d / 1000000000n;
  const nsec = d % 1000000000n;
  return Number(sec) + Number(nsec) / 1e9;
}

/** Go `time.Duration(f * float64(time.Second))` for a float number of seconds. */
export function durationFromSeconds(seconds: number): bigint {
  const ns = seconds * 1e9;
  if (!Number.isFinite(ns)) return ns > 0 ? MAX : -MAX - 1n;
  return BigInt(Math.trunc(ns));
}
