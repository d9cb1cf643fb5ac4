/**
 * JMESPath functions as Kyverno registers them: go-jmespath's built-ins plus Kyverno's custom functions
 * (pkg/engine/jmespath), with Go's argument type checks and Go-compatible results.
 */
import { createHash } from "node:crypto";
import { deepEqual, goJsonMarshal, isObject } from "../json.js";
import { wildcardMatch } from "../wildcard.js";
import { durationFromSeconds, durationSeconds, formatGoDuration, parseGoDuration } from "../go-duration.js";
import {
  addQuantity,
  formatQuantity,
  mulQuantity,
  parseQuantity,
  quantityToNumber,
  subQuantity,
} from "../../core/quantity.js";
import type { Quantity } from "../../core/quantity.js";
import { parseSemver, parseSemverRange } from "../semver.js";
import { goRegexp } from "../go-regexp.js";
import { parseYamlValue } from "../yaml-value.js";
import { JmesPathError, NotFoundError } from "./errors.js";
import {
  addDuration,
  components,
  formatRFC3339,
  nowLocal,
  nowUtc,
  parseGoLayout,
  parseRFC3339,
  subTimes,
  toUtc,
  truncateTime,
} from "./go-time.js";
import type { GoTime } from "./go-time.js";
import { decodeX509 } from "./x509.js";

export type JpType =
  "number" | "string" | "array" | "object" | "array[number]" | "array[string]" | "expref" | "any";

export interface ExpRef {
  readonly expref: unknown;
}

export function isExpRef(v: unknown): v is ExpRef {
  return typeof v === "object" && v !== null && "expref" in v && !Array.isArray(v);
}

/** Evaluates an expression reference against a value (provided by the interpreter). */
export type ExpRefEvaluator = (ref: ExpRef, value: unknown) => unknown;

export interface FunctionEntry {
  args: JpType[][];
  variadic?: boolean;
  handler: (args: unknown[], evalRef: ExpRefEvaluator) => unknown;
}

function fail(msg: string): never {
  throw new JmesPathError(msg);
}

function typeMatches(t: JpType, arg: unknown): boolean {
  switch (t) {
    case "number":
      return typeof arg === "number";
    case "string":
      return typeof arg === "string";
    case "array":
      return Array.isArray(arg);
    case "object":
      return isObject(arg) && !isExpRef(arg);
    case "array[number]":
      return Array.isArray(arg) && arg.every((x) => typeof x === "number");
    case "array[string]":
      return Array.isArray(arg) && arg.every((x) => typeof x === "string");
    case "any":
      return true;
    case "expref":
      return isExpRef(arg);
  }
}

function goValueString(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  return goJsonMarshal(v);
}

/** go-jmespath `resolveArgs`: arity and type checks. */
export function resolveArgs(name: string, e: FunctionEntry, args: unknown[]): void {
  if (e.args.length === 0) return;
  if (!e.variadic) {
    if (e.args.length !== args.length) fail("incorrect number of args");
    e.args.forEach((types, i) => {
      const a = args[i];
      if (!types.some((t) => typeMatches(t, a))) {
        fail(
          `Invalid type for: ${goValueString(a)}, expected: []jmespath.JpType{${types.map((t) => `"${t}"`).join(", ")}}`,
        );
      }
    });
    return;
  }
  if (args.length < e.args.length) fail("Invalid arity.");
  void name;
}

// ---------------------------------------------------------------------------------------------------------
// Kyverno-style argument validation (validateArg): errors are `JMESPath function 'f': argument #n is not of type T`.

function argErr(f: string, index: number, kind: string): never {
  fail(`JMESPath function '${f}': argument #${index} is not of type ${kind}`);
}

function strArg(f: string, args: unknown[], i: number): string {
  if (i >= args.length) fail(`JMESPath function '${f}': ${i + 1} argument is out of bounds (${args.length})`);
  const v = args[i];
  if (typeof v !== "string") argErr(f, i + 1, "string");
  return v;
}

function numArg(f: string, args: unknown[], i: number): number {
  if (i >= args.length) fail(`JMESPath function '${f}': ${i + 1} argument is out of bounds (${args.length})`);
  const v = args[i];
  if (typeof v !== "number") argErr(f, i + 1, "float64");
  return v;
}

/** Go `strconv.FormatFloat(f, 'f', -1, 32)`: shortest float32 digits. */
function formatFloat32(f: number): string {
  const target = Math.fround(f);
  for (let p = 1; p <= 9; p++) {
    const s = target.toPrecision(p);
    if (Math.fround(Number(s)) === target) return formatFixed(Number(s));
  }
  return formatFixed(target);
}

function formatFixed(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  const s = String(n);
  if (!s.includes("e")) return s;
  return n.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
}

function ifaceToString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatFloat32(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return undefined;
}

function intNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || Math.trunc(n) !== n) return undefined;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Arithmetic on numbers, quantities and durations (pkg/engine/jmespath/arithmetic.go)

type Operand =
  { kind: "scalar"; v: number } | { kind: "quantity"; v: Quantity } | { kind: "duration"; v: bigint };

function operand(f: string, args: unknown[], i: number): Operand {
  const a = args[i];
  if (typeof a === "number") return { kind: "scalar", v: a };
  if (typeof a === "string") {
    const q = parseQuantity(a);
    if (q) return { kind: "quantity", v: q };
    const d = parseGoDuration(a);
    if (d !== undefined) return { kind: "duration", v: d };
  }
  fail(`JMESPath function '${f}': invalid operand`);
}

function mismatch(f: string): never {
  fail(`JMESPath function '${f}': Types mismatch`);
}

function arithAdd(f: string, a: Operand, b: Operand): unknown {
  if (a.kind === "quantity" && b.kind === "quantity") return formatQuantity(addQuantity(a.v, b.v));
  if (a.kind === "duration" && b.kind === "duration") return formatGoDuration(a.v + b.v);
  if (a.kind === "scalar" && b.kind === "scalar") return a.v + b.v;
  mismatch(f);
}

function arithSubtract(a: Operand, b: Operand): unknown {
  if (a.kind === "quantity" && b.kind === "quantity") return formatQuantity(subQuantity(a.v, b.v));
  if (a.kind === "duration" && b.kind === "duration") return formatGoDuration(a.v - b.v);
  if (a.kind === "scalar" && b.kind === "scalar") return a.v - b.v;
  mismatch("subtract");
}

function arithMultiply(a: Operand, b: Operand): unknown {
  if (a.kind === "scalar" && b.kind === "scalar") return a.v * b.v;
  if (a.kind === "scalar") return arithMultiply(b, a);
  if (b.kind !== "scalar") mismatch("multiply");
  if (a.kind === "quantity") {
    const r = mulQuantity(a.v, b.v);
    if (!r) fail("JMESPath function 'multiply': invalid operand");
    return formatQuantity(r);
  }
  return formatGoDuration(durationFromSeconds(durationSeconds(a.v) * b.v));
}

function arithDivide(a: Operand, b: Operand): unknown {
  const zero = (): never => fail("JMESPath function 'divide': Zero divisor passed");
  if (a.kind === "quantity") {
    if (b.kind === "quantity") {
      const d = quantityToNumber(b.v);
      if (d === 0) zero();
      return quantityToNumber(a.v) / d;
    }
    if (b.kind === "scalar") {
      if (b.v === 0) zero();
      const q = a.v;
      const value = quantityToNumber(q) / b.v;
      const scale = Math.max(0, -q.exp);
      const factor = 10 ** scale;
      const rounded = Math.trunc(value * factor) / factor;
      const r = parseQuantity(String(rounded));
      return r ? formatQuantity({ ...r, format: q.format }) : String(rounded);
    }
    mismatch("divide");
  }
  if (a.kind === "duration") {
    if (b.kind === "duration") {
      if (durationSeconds(b.v) === 0) zero();
      return durationSeconds(a.v) / durationSeconds(b.v);
    }
    if (b.kind === "scalar") {
      if (b.v === 0) zero();
      return formatGoDuration(durationFromSeconds(durationSeconds(a.v) / b.v));
    }
    mismatch("divide");
  }
  if (b.kind !== "scalar") mismatch("divide");
  if (b.v === 0) zero();
  return a.v / b.v;
}

function arithModulo(a: Operand, b: Operand): unknown {
  const nonInt = (): never => fail("JMESPath function 'modulo': Non-integer argument(s) passed for modulo");
  const zero = (): never => fail("JMESPath function 'modulo': Zero divisor passed");
  if (a.kind === "quantity" && b.kind === "quantity") {
    const f1 = quantityToNumber(a.v);
    const f2 = quantityToNumber(b.v);
    if (Math.trunc(f1) !== f1 || Math.trunc(f2) !== f2) nonInt();
    if (f2 === 0) zero();
    const r = parseQuantity(String(f1 % f2));
    return r ? formatQuantity({ ...r, format: a.v.format }) : String(f1 % f2);
  }
  if (a.kind === "duration" && b.kind === "duration") {
    if (b.v === 0n) zero();
    return formatGoDuration(a.v % b.v);
  }
  if (a.kind === "scalar" && b.kind === "scalar") {
    if (Math.trunc(a.v) !== a.v || Math.trunc(b.v) !== b.v) nonInt();
    if (b.v === 0) zero();
    return a.v % b.v;
  }
  mismatch("modulo");
}

// ---------------------------------------------------------------------------------------------------------
// Time helpers

function timeArg(f: string, args: unknown[], i: number): GoTime {
  const s = strArg(f, args, i);
  const t = parseRFC3339(s);
  if (!t) fail(`parsing time "${s}" as "2006-01-02T15:04:05Z07:00": cannot parse "${s}" as "2006"`);
  return t;
}

function durationArg(f: string, args: unknown[], i: number): bigint {
  const s = strArg(f, args, i);
  const d = parseGoDuration(s);
  if (d === undefined) fail(`time: invalid duration "${s}"`);
  return d;
}

// ---------------------------------------------------------------------------------------------------------

function sortStable<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  return items
    .map((v, i) => ({ v, i }))
    .sort((x, y) => (less(x.v, y.v) ? -1 : less(y.v, x.v) ? 1 : x.i - y.i))
    .map((x) => x.v);
}

function goStringLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
}

function regexString(p: string): RegExp {
  const re = goRegexp(p);
  if (!re) fail(`error parsing regexp: invalid regular expression: \`${p}\``);
  return re;
}

/** A small generator for `random(pattern)`: supports literals, classes and `{n}`/`{m,n}`/`+`/`*`/`?`. */
function randomFromPattern(pattern: string): string {
  let out = "";
  let i = 0;
  const pick = (chars: string): string => chars[Math.floor(Math.random() * chars.length)] ?? "";
  while (i < pattern.length) {
    let chars: string;
    const c = pattern[i] ?? "";
    if (c === "[") {
      const end = pattern.indexOf("]", i);
      const body = pattern.slice(i + 1, end < 0 ? pattern.length : end);
      chars = "";
      for (let j = 0; j < body.length; j++) {
        const a = body[j] ?? "";
        if (body[j + 1] === "-" && j + 2 < body.length) {
          const b = body[j + 2] ?? a;
          for (let k = a.charCodeAt(0); k <= b.charCodeAt(0); k++) chars += String.fromCharCode(k);
          j += 2;
        } else chars += a;
      }
      i = end < 0 ? pattern.length : end + 1;
    } else if (c === "\\" && pattern[i + 1] === "d") {
      chars = "0123456789";
      i += 2;
    } else {
      chars = c;
      i++;
    }
    let count = 1;
    const q = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(i));
    if (q) {
      count = Number(q[1]);
      i += q[0].length;
    } else if (pattern[i] === "+" || pattern[i] === "*" || pattern[i] === "?") {
      count = pattern[i] === "?" ? 1 : 3;
      i++;
    }
    for (let k = 0; k < count; k++) out += pick(chars);
  }
  return out;
}

function imageNormalize(image: string): string {
  // docker.io default registry, library/ for single-path images and :latest when no tag or digest.
  let name = image;
  let digest = "";
  const at = name.indexOf("@");
  if (at >= 0) {
    digest = name.slice(at);
    name = name.slice(0, at);
  }
  let tag = "";
  const lastSlash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = name.slice(colon);
    name = name.slice(0, colon);
  }
  const parts = name.split("/");
  const first = parts[0] ?? "";
  const hasRegistry =
    parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  let registry = "docker.io";
  let path = name;
  if (hasRegistry) {
    registry = first;
    path = parts.slice(1).join("/");
  }
  if (registry === "docker.io" && !path.includes("/")) path = `library/${path}`;
  if (tag === "" && digest === "") tag = ":latest";
  return `${registry}/${path}${tag}${digest}`;
}

function pathCanonicalize(p: string): string {
  if (p === "") return "";
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!abs) out.push("..");
      continue;
    }
    out.push(seg);
  }
  const joined = out.join("/");
  if (abs) return "/" + joined;
  return joined === "" ? "." : joined;
}

/** Go `strings.Trim(s, cutset)`. */
function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && set.has(chars[a] ?? "")) a++;
  while (b > a && set.has(chars[b - 1] ?? "")) b--;
  return chars.slice(a, b).join("");
}

function toNumberGo(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const t = v.trim() === v ? v : "";
    if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[iI]nf(inity)?|NaN)$/.test(t)) return null;
    const n = Number(t.replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"));
    return Number.isNaN(n) && !/nan/i.test(t) ? null : n;
  }
  return null;
}

function compareAny(a: unknown, b: unknown): boolean {
  return typeof a === "number" && typeof b === "number" ? a < b : goStringLess(String(a), String(b));
}

function byExpr(
  name: string,
  arr: unknown[],
  ref: ExpRef,
  evalRef: ExpRefEvaluator,
  pick: (best: number | string, cur: number | string) => boolean,
): unknown {
  if (arr.length === 0) return null;
  if (arr.length === 1) return arr[0];
  const start = evalRef(ref, arr[0]);
  if (typeof start !== "number" && typeof start !== "string") fail("invalid type, must be number of string");
  let bestVal: number | string = start;
  let bestItem = arr[0];
  for (const item of arr.slice(1)) {
    const cur = evalRef(ref, item);
    if (typeof cur !== typeof start) fail(`invalid type, must be ${typeof start}`);
    if (pick(bestVal, cur as number | string)) {
      bestVal = cur as number | string;
      bestItem = item;
    }
  }
  void name;
  return bestItem;
}

function maxMin(arr: unknown[], greater: boolean): unknown {
  if (arr.length === 0) return null;
  let best = arr[0];
  for (const item of arr.slice(1)) {
    if (greater ? compareAny(best, item) : compareAny(item, best)) best = item;
  }
  return best;
}

const S: JpType[] = ["string"];
const N: JpType[] = ["number"];

export const FUNCTIONS: Record<string, FunctionEntry> = {
  // --- go-jmespath built-ins ---
  length: {
    args: [["string", "array", "object"]],
    handler: ([a]) =>
      typeof a === "string"
        ? Array.from(a).length
        : Array.isArray(a)
          ? a.length
          : Object.keys(a as object).length,
  },
  starts_with: { args: [S, S], handler: ([a, b]) => (a as string).startsWith(b as string) },
  ends_with: { args: [S, S], handler: ([a, b]) => (a as string).endsWith(b as string) },
  abs: { args: [N], handler: ([a]) => Math.abs(a as number) },
  avg: {
    args: [["array[number]"]],
    handler: ([a]) => (a as number[]).reduce((x, y) => x + y, 0) / (a as number[]).length,
  },
  ceil: { args: [N], handler: ([a]) => Math.ceil(a as number) },
  floor: { args: [N], handler: ([a]) => Math.floor(a as number) },
  contains: {
    args: [["array", "string"], ["any"]],
    handler: ([search, el]) => {
      if (typeof search === "string") return typeof el === "string" ? search.includes(el) : false;
      return (search as unknown[]).some(
        // Go compares interface values: scalars by value and type; maps and lists never match.
        (item) => item === el,
      );
    },
  },
  map: {
    args: [["expref"], ["array"]],
    handler: ([ref, arr], evalRef) =>
      (arr as unknown[]).map((v) => {
        try {
          return evalRef(ref as ExpRef, v);
        } catch (e) {
          if (e instanceof NotFoundError) return null;
          throw e;
        }
      }),
  },
  max: { args: [["array[number]", "array[string]"]], handler: ([a]) => maxMin(a as unknown[], true) },
  min: { args: [["array[number]", "array[string]"]], handler: ([a]) => maxMin(a as unknown[], false) },
  max_by: {
    args: [["array"], ["expref"]],
    handler: ([arr, ref], evalRef) =>
      byExpr("max_by", arr as unknown[], ref as ExpRef, evalRef, (b, c) => c > b),
  },
  min_by: {
    args: [["array"], ["expref"]],
    handler: ([arr, ref], evalRef) =>
      byExpr("min_by", arr as unknown[], ref as ExpRef, evalRef, (b, c) => c < b),
  },
  merge: {
    args: [["object"]],
    variadic: true,
    handler: (args) => {
      const out: Record<string, unknown> = {};
      for (const m of args) {
        if (!isObject(m)) fail("invalid type for merge");
        Object.assign(out, m);
      }
      return out;
    },
  },
  type: {
    args: [["any"]],
    handler: ([a]) =>
      typeof a === "number"
        ? "number"
        : typeof a === "string"
          ? "string"
          : Array.isArray(a)
            ? "array"
            : a === null || a === undefined
              ? "null"
              : typeof a === "boolean"
                ? "boolean"
                : "object",
  },
  keys: { args: [["object"]], handler: ([a]) => Object.keys(a as Record<string, unknown>) },
  values: { args: [["object"]], handler: ([a]) => Object.values(a as Record<string, unknown>) },
  sort: {
    args: [["array[string]", "array[number]"]],
    handler: ([a]) => {
      const arr = a as unknown[];
      if (arr.every((x) => typeof x === "number")) return sortStable(arr, (x, y) => x < y);
      return sortStable(arr as string[], goStringLess);
    },
  },
  sort_by: {
    args: [["array"], ["expref"]],
    handler: ([a, ref], evalRef) => {
      const arr = a as unknown[];
      if (arr.length <= 1) return arr;
      const start = evalRef(ref as ExpRef, arr[0]);
      if (typeof start !== "number" && typeof start !== "string")
        fail("invalid type, must be number of string");
      const keyed = arr.map((v) => {
        const k = evalRef(ref as ExpRef, v);
        if (typeof k !== typeof start) fail("error in sort_by comparison");
        return { v, k: k as number | string };
      });
      return sortStable(keyed, (x, y) =>
        typeof x.k === "number" ? x.k < (y.k as number) : goStringLess(x.k, y.k as string),
      ).map((x) => x.v);
    },
  },
  join: {
    args: [S, ["array[string]"]],
    handler: ([sep, arr]) => (arr as string[]).join(sep as string),
  },
  reverse: {
    args: [["array", "string"]],
    handler: ([a]) =>
      typeof a === "string" ? Array.from(a).reverse().join("") : [...(a as unknown[])].reverse(),
  },
  to_array: { args: [["any"]], handler: ([a]) => (Array.isArray(a) ? (a as unknown[]) : [a]) },
  to_string: { args: [["any"]], handler: ([a]) => (typeof a === "string" ? a : goJsonMarshal(a)) },
  to_number: { args: [["any"]], handler: ([a]) => toNumberGo(a) },
  not_null: {
    args: [["any"]],
    variadic: true,
    handler: (args) => args.find((a) => a !== null && a !== undefined) ?? null,
  },

  // --- Kyverno functions ---
  compare: {
    args: [S, S],
    handler: ([a, b]) => {
      const x = a as string;
      const y = b as string;
      return x === y ? 0 : goStringLess(x, y) ? -1 : 1;
    },
  },
  equal_fold: {
    args: [S, S],
    handler: ([a, b]) => (a as string).toLowerCase() === (b as string).toLowerCase(),
  },
  replace: {
    args: [S, S, S, N],
    handler: (args) => {
      const str = strArg("replace", args, 0);
      const old = strArg("replace", args, 1);
      const nw = strArg("replace", args, 2);
      let n = numArg("replace", args, 3);
      n = Math.trunc(n);
      if (n < 0) return old === "" ? goReplaceAllEmpty(str, nw) : str.split(old).join(nw);
      let out = str;
      let count = 0;
      let idx = 0;
      let result = "";
      if (old === "") {
        const chars = Array.from(out);
        for (const ch of chars) {
          if (count < n) {
            result += nw;
            count++;
          }
          result += ch;
        }
        if (count < n) result += nw;
        return result;
      }
      while (count < n) {
        const j = out.indexOf(old, idx);
        if (j < 0) break;
        out = out.slice(0, j) + nw + out.slice(j + old.length);
        idx = j + nw.length;
        count++;
      }
      return out;
    },
  },
  replace_all: {
    args: [S, S, S],
    handler: (args) => {
      const str = strArg("replace_all", args, 0);
      const old = strArg("replace_all", args, 1);
      const nw = strArg("replace_all", args, 2);
      return old === "" ? goReplaceAllEmpty(str, nw) : str.split(old).join(nw);
    },
  },
  to_upper: { args: [S], handler: (args) => strArg("to_upper", args, 0).toUpperCase() },
  to_lower: { args: [S], handler: (args) => strArg("to_lower", args, 0).toLowerCase() },
  trim: { args: [S, S], handler: (args) => trimCutset(strArg("trim", args, 0), strArg("trim", args, 1)) },
  trim_prefix: {
    args: [S, S],
    handler: (args) => {
      const s = strArg("trim_prefix", args, 0);
      const p = strArg("trim_prefix", args, 1);
      return s.startsWith(p) ? s.slice(p.length) : s;
    },
  },
  split: {
    args: [S, S],
    handler: (args) => {
      const s = strArg("split", args, 0);
      const sep = strArg("split", args, 1);
      return sep === "" ? Array.from(s) : s.split(sep);
    },
  },
  regex_replace_all: {
    args: [S, ["string", "number"], ["string", "number"]],
    handler: (args) => regexReplace("regex_replace_all", args, false),
  },
  regex_replace_all_literal: {
    args: [S, ["string", "number"], ["string", "number"]],
    handler: (args) => regexReplace("regex_replace_all_literal", args, true),
  },
  regex_match: {
    args: [S, ["string", "number"]],
    handler: (args) => {
      const re = strArg("regex_match", args, 0);
      const src = ifaceToString(args[1]);
      if (src === undefined)
        fail("JMESPath function 'regex_match': argument #2 is not of type String or Real");
      return regexString(re).test(src);
    },
  },
  pattern_match: {
    args: [S, ["string", "number"]],
    handler: (args) => {
      const p = strArg("pattern_match", args, 0);
      const src = ifaceToString(args[1]);
      if (src === undefined)
        fail("JMESPath function 'pattern_match': argument #2 is not of type String or Real");
      return wildcardMatch(p, src);
    },
  },
  label_match: {
    args: [["object"], ["object"]],
    handler: ([a, b]) => {
      const labels = a as Record<string, unknown>;
      const match = b as Record<string, unknown>;
      return Object.entries(labels).every(([k, v]) => k in match && deepEqual(match[k], v));
    },
  },
  to_boolean: {
    args: [S],
    handler: (args) => {
      const s = strArg("to_boolean", args, 0).toLowerCase();
      if (s === "true") return true;
      if (s === "false") return false;
      fail(
        `JMESPath function 'to_boolean': lowercase argument must be 'true' or 'false' (provided: '${String(args[0])}')`,
      );
    },
  },
  add: {
    args: [["any"], ["any"]],
    handler: (args) => arithAdd("add", operand("add", args, 0), operand("add", args, 1)),
  },
  sum: {
    args: [["array"]],
    handler: ([a]) => {
      const items = a as unknown[];
      if (items.length === 0) fail("JMESPath function 'sum': at least one element in the array is required");
      let result: unknown = items[0];
      for (const item of items.slice(1)) {
        result = arithAdd("sum", operand("sum", [result, item], 0), operand("sum", [result, item], 1));
      }
      return result;
    },
  },
  subtract: {
    args: [["any"], ["any"]],
    handler: (args) => arithSubtract(operand("subtract", args, 0), operand("subtract", args, 1)),
  },
  multiply: {
    args: [["any"], ["any"]],
    handler: (args) => arithMultiply(operand("multiply", args, 0), operand("multiply", args, 1)),
  },
  divide: {
    args: [["any"], ["any"]],
    handler: (args) => arithDivide(operand("divide", args, 0), operand("divide", args, 1)),
  },
  modulo: {
    args: [["any"], ["any"]],
    handler: (args) => arithModulo(operand("modulo", args, 0), operand("modulo", args, 1)),
  },
  round: {
    args: [N, N],
    handler: (args) => {
      const v = numArg("round", args, 0);
      const l = intNumber(numArg("round", args, 1));
      if (l === undefined) fail("JMESPath function 'round': Non-integer argument(s) passed for round off");
      if (l < 0) fail("JMESPath function 'round': 2 argument is out of bounds (2)");
      const shift = 10 ** l;
      const x = v * shift;
      // Go math.Round: half away from zero
      const r = x < 0 ? -Math.round(-x) : Math.round(x);
      return r / shift;
    },
  },
  base64_decode: {
    args: [S],
    handler: (args) => {
      const s = strArg("base64_decode", args, 0);
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
        fail(`illegal base64 data at input byte ${firstBadBase64Byte(s)}`);
      }
      return Buffer.from(s, "base64").toString("utf8");
    },
  },
  base64_encode: {
    args: [S],
    handler: (args) => Buffer.from(strArg("base64_encode", args, 0)).toString("base64"),
  },
  time_since: {
    args: [S, S, S],
    handler: (args) => {
      const layout = strArg("time_since", args, 0);
      const ts1 = strArg("time_since", args, 1);
      const ts2 = strArg("time_since", args, 2);
      const parse = (s: string): GoTime => {
        const t = layout !== "" ? parseGoLayout(layout, s) : parseRFC3339(s);
        if (!t) fail(`parsing time "${s}": cannot parse`);
        return t;
      };
      const t1 = parse(ts1);
      const t2 = ts2 !== "" ? parse(ts2) : nowUtc();
      return formatGoDuration(subTimes(t2, t1));
    },
  },
  time_now: { args: [], handler: () => formatRFC3339(nowLocal()) },
  time_now_utc: { args: [], handler: () => formatRFC3339(nowUtc()) },
  path_canonicalize: { args: [S], handler: (args) => pathCanonicalize(strArg("path_canonicalize", args, 0)) },
  truncate: {
    args: [S, N],
    handler: (args) => {
      const s = strArg("truncate", args, 0);
      const n = Math.max(0, Math.trunc(numArg("truncate", args, 1)));
      return Array.from(s).slice(0, n).join("");
    },
  },
  semver_compare: {
    args: [S, S],
    handler: (args) => {
      const v = parseSemver(strArg("semver_compare", args, 0)) ?? {
        major: 0n,
        minor: 0n,
        patch: 0n,
        pre: [],
      };
      const r = parseSemverRange(strArg("semver_compare", args, 1));
      if (!r) fail(`Could not parse Range "${String(args[1])}"`);
      return r(v);
    },
  },
  parse_json: {
    args: [S],
    handler: (args) => {
      const s = strArg("parse_json", args, 0);
      try {
        return JSON.parse(s) as unknown;
      } catch {
        fail(`invalid character in JSON input`);
      }
    },
  },
  parse_yaml: {
    args: [S],
    handler: (args) => {
      const r = parseYamlValue(strArg("parse_yaml", args, 0));
      if (r.error !== undefined) fail(r.error);
      return r.value;
    },
  },
  lookup: {
    args: [
      ["object", "array"],
      ["string", "number"],
    ],
    handler: ([input, key]) => {
      if (isObject(input)) {
        if (typeof key !== "string") fail("JMESPath function 'lookup': argument #2 is not of type String");
        return Object.prototype.hasOwnProperty.call(input, key) ? input[key] : null;
      }
      if (Array.isArray(input)) {
        if (typeof key !== "number") fail("JMESPath function 'lookup': argument #2 is not of type Number");
        const k = intNumber(key);
        if (k === undefined)
          fail(`JMESPath function 'lookup': argument #2: expected an integer number but got: ${key}`);
        return k < 0 || k > input.length - 1 ? null : (input[k] as unknown);
      }
      fail("JMESPath function 'lookup': argument #1 is not of type Object or Array");
    },
  },
  items: {
    args: [["object", "array"], S, S],
    handler: ([input, k, v]) => {
      const keyName = k as string;
      const valName = v as string;
      if (isObject(input)) {
        return Object.keys(input)
          .sort((a, b) => (goStringLess(a, b) ? -1 : goStringLess(b, a) ? 1 : 0))
          .map((key) => ({ [keyName]: key, [valName]: input[key] ?? null }));
      }
      return (input as unknown[]).map((value, index) => ({ [keyName]: index, [valName]: value }));
    },
  },
  object_from_lists: {
    args: [["array"], ["array"]],
    handler: ([k, v]) => {
      const keys = k as unknown[];
      const values = v as unknown[];
      const out: Record<string, unknown> = {};
      keys.forEach((ik, i) => {
        const key = ifaceToString(ik);
        if (key === undefined)
          fail("JMESPath function 'object_from_lists': argument #1 is not of type StringArray");
        out[key] = i < values.length ? values[i] : null;
      });
      return out;
    },
  },
  random: {
    args: [S],
    handler: ([p]) => {
      if (p === "") fail("no pattern provided");
      return randomFromPattern(p as string);
    },
  },
  x509_decode: { args: [S], handler: (args) => decodeX509(strArg("x509_decode", args, 0)) },
  time_to_cron: {
    args: [S],
    handler: (args) => {
      const c = components(timeArg("time_to_cron", args, 0));
      return `${c.minute} ${c.hour} ${c.day} ${c.month} ${c.weekday}`;
    },
  },
  time_add: {
    args: [S, S],
    handler: (args) =>
      formatRFC3339(addDuration(timeArg("time_to_cron", args, 0), durationArg("time_to_cron", args, 1))),
  },
  time_parse: {
    args: [S, S],
    handler: (args) => {
      const layout = strArg("time_parse", args, 0);
      const ts = strArg("time_parse", args, 1);
      if (/^[+-]?\d+$/.test(layout)) {
        if (!/^[+-]?\d+$/.test(ts)) fail(`strconv.ParseInt: parsing "${ts}": invalid syntax`);
        return formatRFC3339({ ms: Number(ts) * 1000, nsRem: 0, offset: 0, utc: true });
      }
      const t = parseGoLayout(layout, ts);
      if (!t) fail(`parsing time "${ts}" as "${layout}": cannot parse`);
      return formatRFC3339(t);
    },
  },
  time_utc: { args: [S], handler: (args) => formatRFC3339(toUtc(timeArg("time_utc", args, 0))) },
  time_diff: {
    args: [S, S],
    handler: (args) =>
      formatGoDuration(subTimes(timeArg("time_diff", args, 1), timeArg("time_diff", args, 0))),
  },
  time_before: {
    args: [S, S],
    handler: (args) => subTimes(timeArg("time_before", args, 1), timeArg("time_before", args, 0)) > 0n,
  },
  time_after: {
    args: [S, S],
    handler: (args) => subTimes(timeArg("time_after", args, 0), timeArg("time_after", args, 1)) > 0n,
  },
  time_between: {
    args: [S, S, S],
    handler: (args) => {
      const t = timeArg("time_between", args, 0);
      const start = timeArg("time_between", args, 1);
      const end = timeArg("time_between", args, 2);
      return subTimes(t, start) > 0n && subTimes(end, t) > 0n;
    },
  },
  time_truncate: {
    args: [S, S],
    handler: (args) =>
      formatRFC3339(truncateTime(timeArg("time_truncate", args, 0), durationArg("time_truncate", args, 1))),
  },
  image_normalize: { args: [S], handler: (args) => imageNormalize(strArg("image_normalize", args, 0)) },
  is_external_url: {
    args: [S],
    handler: (args) => {
      const s = strArg("is_external_url", args, 0);
      let host: string;
      try {
        host = new URL(s).hostname;
      } catch {
        fail(`parse "${s}": invalid URL`);
      }
      const private4 = /^(10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/;
      if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return !private4.test(host);
      if (host === "localhost" || host === "[::1]") return false;
      fail(`lookup ${host}: name resolution is not available offline`);
    },
  },
  sha256: {
    args: [S],
    handler: (args) =>
      createHash("sha256")
        .update(strArg("sha256", args, 0))
        .digest("hex"),
  },
  sha1: {
    args: [S],
    handler: (args) =>
      createHash("sha1")
        .update(strArg("sha1", args, 0))
        .digest("hex"),
  },
  md5: {
    args: [S],
    handler: (args) =>
      createHash("md5")
        .update(strArg("md5", args, 0))
        .digest("hex"),
  },
};

function goReplaceAllEmpty(s: string, nw: string): string {
  const chars = Array.from(s);
  return nw + chars.map((c) => c + nw).join("");
}

function firstBadBase64Byte(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (!/[A-Za-z0-9+/=]/.test(s[i] ?? "")) return i;
  }
  return s.length - (s.length % 4);
}

function regexReplace(f: string, args: unknown[], literal: boolean): string {
  const re = strArg(f, args, 0);
  const src = ifaceToString(args[1]);
  if (src === undefined) fail(`JMESPath function '${f}': argument #2 is not of type String or Real`);
  const repl = ifaceToString(args[2]);
  if (repl === undefined) fail(`JMESPath function '${f}': argument #3 is not of type String or Real`);
  const r = goRegexp(re, "g");
  if (!r) fail(`JMESPath function '${f}': error parsing regexp`);
  if (literal) return src.replace(r, () => repl);
  return src.replace(r, (...m: unknown[]) => expandGoTemplate(repl, m));
}

/** Go `Regexp.Expand` template: `$1`, `${1}`, `${name}`, `$$`. */
function expandGoTemplate(template: string, match: unknown[]): string {
  const groups = match.filter((x): x is string | undefined => typeof x === "string" || x === undefined);
  const named = match[match.length - 1];
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_all, dollar: string, braced?: string, bare?: string) => {
      if (dollar === "$") return "$";
      const name = braced ?? bare ?? "";
      if (/^\d+$/.test(name)) return groups[Number(name)] ?? "";
      if (isObject(named)) {
        const v = named[name];
        return typeof v === "string" ? v : "";
      }
      return "";
    },
  );
}
