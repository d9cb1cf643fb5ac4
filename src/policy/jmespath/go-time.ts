/**
 * The parts of Go's `time` package that Kyverno's JMESPath time functions use: RFC 3339 parsing and
 * formatting with offsets preserved, and Go reference-layout parsing (`2006-01-02T15:04:05Z07:00`).
 */

export interface GoTime {
  /** Milliseconds since the Unix epoch (UTC instant). */
  ms: number;
  /** Extra nanoseconds below the millisecond. */
  nsRem: number;
  /** Zone offset in seconds east of UTC, as written in the input. */
  offset: number;
  /** Whether the zone was written as `Z` (UTC). */
  utc: boolean;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export function parseRFC3339(s: string): GoTime | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, min, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59) return undefined;
  const frac = (m[7] ?? "").padEnd(9, "0");
  const ns = Number(frac);
  const utc = m[8] !== undefined;
  const offset = utc ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11]) * 60);
  const localMs = Date.UTC(year, month - 1, day, hour, min, sec) + Math.floor(ns / 1e6);
  return { ms: localMs - offset * 1000, nsRem: ns % 1e6, offset, utc };
}

function pad(n: number, w = 2): string {
  return String(Math.abs(n)).padStart(w, "0");
}

/** Formats like Go's `t.Format(time.RFC3339)` (seconds precision, the time's own zone). */
export function formatRFC3339(t: GoTime): string {
  const d = new Date(t.ms + t.offset * 1000);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (t.utc || t.offset === 0) return t.utc ? `${base}Z` : `${base}+00:00`;
  const sign = t.offset < 0 ? "-" : "+";
  const abs = Math.abs(t.offset);
  return `${base}${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`;
}

export function nowUtc(): GoTime {
  return { ms: Date.now(), nsRem: 0, offset: 0, utc: true };
}

/** Local time: Go's `time.Now()` in the machine zone; we use UTC for determinism. */
export function nowLocal(): GoTime {
  return nowUtc();
}

/** Difference b - a in nanoseconds. */
export function subTimes(b: GoTime, a: GoTime): bigint {
  return (BigInt(b.ms) - BigInt(a.ms)) * 1000000n + BigInt(b.nsRem - a.nsRem);
}

/** Components of a time in its own zone. */
export function components(t: GoTime): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
} {
  const d = new Date(t.ms + t.offset * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

const LAYOUT_TOKENS: [string, string][] = [
  ["2006", "(\\d{4})"],
  ["01", "(\\d{2})"],
  ["02", "(\\d{2})"],
  ["15", "(\\d{2})"],
  ["04", "(\\d{2})"],
  ["05", "(\\d{2})"],
  ["Z07:00", "(Z|[+-]\\d{2}:\\d{2})"],
  ["-07:00", "([+-]\\d{2}:\\d{2})"],
  ["-0700", "([+-]\\d{4})"],
  ["MST", "([A-Z]{3,4})"],
  ["Jan", "([A-Z][a-z]{2})"],
  ["Mon", "([A-Z][a-z]{2})"],
  [".000000000", "\\.(\\d{9})"],
  [".999999999", "(?:\\.(\\d{1,9}))?"],
  [".000", "\\.(\\d{3})"],
];

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A practical subset of Go's `time.Parse(layout, value)`. */
export function parseGoLayout(layout: string, value: string): GoTime | undefined {
  if (layout === "2006-01-02T15:04:05Z07:00") return parseRFC3339(value);
  let re = "^";
  const fields: string[] = [];
  let i = 0;
  while (i < layout.length) {
    const tok = LAYOUT_TOKENS.find(([t]) => layout.startsWith(t, i));
    if (tok) {
      re += tok[1];
      fields.push(tok[0]);
      i += tok[0].length;
    } else {
      re += (layout[i] ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      i++;
    }
  }
  const m = new RegExp(re + "$").exec(value);
  if (!m) return undefined;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ns = 0;
  let offset = 0;
  let utc = true;
  fields.forEach((f, idx) => {
    const v = m[idx + 1];
    if (v === undefined) return;
    switch (f) {
      case "2006":
        year = Number(v);
        break;
      case "01":
        month = Number(v);
        break;
      case "Jan":
        month = MONTHS.indexOf(v) + 1;
        break;
      case "02":
        day = Number(v);
        break;
      case "15":
        hour = Number(v);
        break;
      case "04":
        minute = Number(v);
        break;
      case "05":
        second = Number(v);
        break;
      case ".000000000":
      case ".999999999":
      case ".000":
        ns = Number(v.padEnd(9, "0"));
        break;
      case "Z07:00":
      case "-07:00":
      case "-0700":
        if (v === "Z") break;
        utc = false;
        offset = (v[0] === "-" ? -1 : 1) * (Number(v.slice(1, 3)) * 3600 + Number(v.slice(-2)) * 60);
        break;
    }
  });
  const localMs = Date.UTC(year, month - 1, day, hour, minute, second) + Math.floor(ns / 1e6);
  return { ms: localMs - offset * 1000, nsRem: ns % 1e6, offset, utc };
}

/** Go `t.Truncate(d)`: rounds down to a multiple of d since the zero time (year 1). */
export function truncateTime(t: GoTime, dNs: bigint): GoTime {
  if (dNs <= 0n) return t;
  // Go's zero time is 0001-01-01T00:00:00Z; offset from Unix epoch in seconds:
  const zeroToUnixSec = 62135596800n;
  const totalNs = (BigInt(t.ms) + zeroToUnixSec * 1000n) * 1000000n + BigInt(t.nsRem);
  const truncated = totalNs - (totalNs % dNs);
  const unixNs = truncated - zeroToUnixSec * 1000000000n;
  return {
    ms: Number(unixNs / 1000000n),
    nsRem: Number(unixNs % 1000000n),
    offset: t.offset,
    utc: t.utc,
  };
}

export function addDuration(t: GoTime, dNs: bigint): GoTime {
  const total = BigInt(t.ms) * 1000000n + BigInt(t.nsRem) + dNs;
  return { ms: Number(total / 1000000n), nsRem: Number(total % 1000000n), offset: t.offset, utc: t.utc };
}

export function toUtc(t: GoTime): GoTime {
  return { ...t, offset: 0, utc: true };
}
