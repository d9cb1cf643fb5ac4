/**
 * Scalar pattern matching (Kyverno pkg/engine/pattern): how one resource value is compared with one pattern
 * value. Strings support `|` (or), `&` (and), the operators `>=`, `<=`, `>`, `<`, `!`, ranges `a-b` and
 * `a!-b`, Go durations, Kubernetes quantities and wildcards.
 */
import { isObject } from "../json.js";
import { wildcardMatch } from "../wildcard.js";
import { durationSeconds, parseGoDuration } from "../go-duration.js";
import { compareQuantity, parseQuantity } from "../../core/quantity.js";
import { goParseFloat } from "../go-strconv.js";

const IN_RANGE = /^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$/;
const NOT_IN_RANGE = /^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)!-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$/;

type Op = "" | ">=" | "<=" | ">" | "<" | "!" | "-" | "!-";

function operatorOf(pattern: string): Op {
  if (pattern.length < 2) return "";
  if (pattern.startsWith(">=")) return ">=";
  if (pattern.startsWith("<=")) return "<=";
  if (pattern.startsWith(">")) return ">";
  if (pattern.startsWith("<")) return "<";
  if (pattern.startsWith("!")) return "!";
  if (NOT_IN_RANGE.test(pattern)) return "!-";
  if (IN_RANGE.test(pattern)) return "-";
  return "";
}

/** Go `fmt.Sprintf("%f", f)`. */
function formatF(f: number): string {
  return f.toFixed(6);
}

function numberToString(value: unknown): string | undefined {
  if (value === null || value === undefined) return "0";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatF(value);
  return undefined;
}

function cmpResult(c: number, op: Op): boolean | undefined {
  switch (op) {
    case "":
      return c === 0;
    case "!":
      return c !== 0;
    case ">":
      return c > 0;
    case "<":
      return c < 0;
    case ">=":
      return c >= 0;
    case "<=":
      return c <= 0;
    default:
      return undefined;
  }
}

function compareDuration(value: unknown, pattern: string, op: Op): boolean | undefined {
  const p = parseGoDuration(pattern);
  if (p === undefined) return undefined;
  const s = numberToString(value);
  if (s === undefined) return undefined;
  const v = parseGoDuration(s);
  if (v === undefined) return undefined;
  const a = durationSeconds(v);
  const b = durationSeconds(p);
  return cmpResult(a === b ? 0 : a < b ? -1 : 1, op);
}

function compareQuantityPattern(value: unknown, pattern: string, op: Op): boolean | undefined {
  const p = parseQuantity(pattern);
  if (!p) return undefined;
  const s = numberToString(value);
  if (s === undefined) return undefined;
  const v = parseQuantity(s);
  if (!v) return undefined;
  return cmpResult(compareQuantity(v, p), op);
}

/** Go `strconv.FormatFloat(v, 'E', -1, 64)`. */
function formatFloatE(v: number): string {
  const s = v.toExponential().toUpperCase();
  const m = /^(-?[\d.]+)E([+-])(\d+)$/.exec(s);
  if (!m) return s;
  const exp = (m[3] ?? "").padStart(2, "0");
  return `${m[1] ?? ""}E${m[2] ?? "+"}${exp}`;
}

function compareString(value: unknown, pattern: string, op: Op): boolean {
  if (op !== "" && op !== "!") return false;
  let str: string;
  if (typeof value === "number") str = formatFloatE(value);
  else if (typeof value === "string") str = value;
  else if (typeof value === "boolean") str = value ? "true" : "false";
  else return false;
  const r = wildcardMatch(pattern, str);
  return op === "!" ? !r : r;
}

function validateString(value: unknown, pattern: string, op: Op): boolean {
  const d = compareDuration(value, pattern, op);
  if (d !== undefined) return d;
  const q = compareQuantityPattern(value, pattern, op);
  if (q !== undefined) return q;
  return compareString(value, pattern, op);
}

function validateStringPattern(value: unknown, pattern: string): boolean {
  const op = operatorOf(pattern);
  if (op === "-") {
    const m = IN_RANGE.exec(pattern);
    if (!m) return false;
    return (
      validateStringPattern(value, `>= ${m[1] ?? ""}`) && validateStringPattern(value, `<= ${m[2] ?? ""}`)
    );
  }
  if (op === "!-") {
    const m = NOT_IN_RANGE.exec(pattern);
    if (!m) return false;
    return validateStringPattern(value, `< ${m[1] ?? ""}`) || validateStringPattern(value, `> ${m[2] ?? ""}`);
  }
  return validateString(value, pattern.slice(op.length).trim(), op);
}

function validateStringPatterns(value: unknown, pattern: string): boolean {
  if (value === pattern) return true;
  for (const cond of pattern.split("|")) {
    const c = cond.trim();
    if (c.split("&").every((part) => validateStringPattern(value, part.trim()))) return true;
  }
  return false;
}

function validateNumberPattern(value: unknown, pattern: number): boolean {
  if (typeof value === "number") return value === pattern;
  if (typeof value === "string") return goParseFloat(value) === pattern;
  return false;
}

function validateNilPattern(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "number") return value === 0;
  if (typeof value === "string") return value === "";
  if (typeof value === "boolean") return !value;
  return false;
}

/**
 * `pattern.Validate(value, pattern)`: true when the resource value satisfies the scalar pattern.
 * A map pattern only checks that the value is a map; arrays are never valid patterns here.
 */
export function validateScalarPattern(value: unknown, pattern: unknown): boolean {
  if (typeof pattern === "boolean") return typeof value === "boolean" && value === pattern;
  if (typeof pattern === "number") return validateNumberPattern(value, pattern);
  if (pattern === null || pattern === undefined) return validateNilPattern(value);
  if (typeof pattern === "string") return validateStringPatterns(value, pattern);
  if (isObject(pattern)) return isObject(value);
  return false;
}
