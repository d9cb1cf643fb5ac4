/** JSON values as Kyverno's engine sees them (the output of `json.Unmarshal` into `interface{}`). */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function isArray(v: unknown): v is JsonValue[] {
  return Array.isArray(v);
}

/** Go's `reflect.DeepEqual` on JSON-decoded values (maps compare by key set, arrays by order). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
      if (!deepEqual(a[k], b[k])) return false;
    }
    return true;
  }
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  return false;
}

/** A deep copy through JSON (drops `undefined`, like a Go marshal/unmarshal round trip). */
export function cloneJson<T>(v: T): T {
  if (v === undefined) return v;
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Go `strconv.FormatFloat(f, 'g', -1, 64)` / `fmt.Sprint(float64)`. */
export function goFormatFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  // Shortest round-trip digits (as JS prints them), then Go's %g rule: exponent form when the decimal
  // exponent is < -4 or >= 6 (the precision Go uses for this decision with shortest formatting).
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(f).toExponential());
  if (!m) return String(f);
  const digits = (m[1] ?? "") + (m[2] ?? "");
  const e = Number(m[3]);
  const sign = f < 0 ? "-" : "";
  if (e < -4 || e >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ee = Math.abs(e) < 10 ? `0${Math.abs(e)}` : String(Math.abs(e));
    return `${sign}${mant}e${e < 0 ? "-" : "+"}${ee}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return `${sign}${digits}${"0".repeat(e + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

/** Go `fmt.Sprint(v)` for JSON values (used by the In/AnyIn operators). */
export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return goFormatFloat(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map(goSprint).join(" ")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goSprint(v[k])}`).join(" ")}]`;
  }
  return typeof v === "bigint" ? v.toString() : "";
}

/** Go `encoding/json` Marshal: sorted map keys, HTML-escaped `<`, `>`, `&`. */
export function goJsonMarshal(v: unknown): string {
  const enc = (x: unknown): string => {
    if (x === null || x === undefined) return "null";
    if (typeof x === "string") return escapeGoString(x);
    if (typeof x === "number") return goJsonNumber(x);
    if (typeof x === "boolean") return x ? "true" : "false";
    if (typeof x === "bigint") return x.toString();
    if (Array.isArray(x)) return `[${x.map(enc).join(",")}]`;
    if (isObject(x)) {
      const keys = Object.keys(x).sort();
      return `{${keys.map((k) => `${escapeGoString(k)}:${enc(x[k])}`).join(",")}}`;
    }
    return "null";
  };
  return enc(v);
}

function escapeGoString(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Go's float64 JSON encoding: %f-like for 1e-6 <= |x| < 1e21, else exponent with at least 2 digits. */
function goJsonNumber(x: number): string {
  if (!Number.isFinite(x)) return "null";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const s = x.toExponential();
    return s.replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(x);
}
