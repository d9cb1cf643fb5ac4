/**
 * Condition operators as implemented in Kyverno pkg/engine/variables/operator: Equals, NotEquals,
 * In/NotIn (deprecated), AnyIn, AllIn, AnyNotIn, AllNotIn, the numeric comparisons (which also compare
 * durations, quantities and semantic versions) and the deprecated Duration* comparisons.
 */
import { deepEqual, goSprint } from "../json.js";
import { wildcardMatch } from "../wildcard.js";
import { durationSeconds, parseGoDuration } from "../go-duration.js";
import { compareQuantity, parseQuantity } from "../../core/quantity.js";
import { compareSemver, parseSemver } from "../semver.js";
import { validateScalarPattern } from "./pattern-value.js";
import { goParseFloat, goParseInt } from "../go-strconv.js";

export type OperatorFn = (key: unknown, value: unknown) => boolean;

/** `parseDuration`: at least one side must be a duration string (not "0"); numbers count as seconds. */
function parseDurations(key: unknown, value: unknown): [number, number] | undefined {
  let k: number | undefined;
  let v: number | undefined;
  if (typeof key === "string" && key !== "0") {
    const d = parseGoDuration(key);
    if (d !== undefined) k = durationSeconds(d);
  }
  if (typeof value === "string" && value !== "0") {
    const d = parseGoDuration(value);
    if (d !== undefined) v = durationSeconds(d);
  }
  if (k === undefined && v === undefined) return undefined;
  if (k === undefined) {
    if (typeof key !== "number") return undefined;
    k = durationSeconds(BigInt(Math.trunc(key)) * 1000000000n);
  }
  if (v === undefined) {
    if (typeof value !== "number") return undefined;
    v = durationSeconds(BigInt(Math.trunc(value)) * 1000000000n);
  }
  return [k, v];
}

function equalString(key: string, value: unknown): boolean {
  const d = parseDurations(key, value);
  if (d) return d[0] === d[1];
  const kq = parseQuantity(key);
  if (kq && typeof value === "string") {
    const vq = parseQuantity(value);
    if (!vq) return false;
    return compareQuantity(kq, vq) === 0;
  }
  if (typeof value === "string") return wildcardMatch(value, key);
  return false;
}

function equalNumber(key: number, value: unknown): boolean {
  if (typeof value === "number") return value === key;
  if (typeof value === "string") {
    const f = goParseFloat(value);
    return f !== undefined && f === key;
  }
  return false;
}

export const equals: OperatorFn = (key, value) => {
  if (typeof key === "boolean") return typeof value === "boolean" && key === value;
  if (typeof key === "number") return equalNumber(key, value);
  if (typeof key === "string") return equalString(key, value);
  if (Array.isArray(key)) return Array.isArray(value) && deepEqual(key, value);
  if (key !== null && typeof key === "object") {
    return value !== null && typeof value === "object" && !Array.isArray(value) && deepEqual(key, value);
  }
  return false;
};

function notEqualString(key: string, value: unknown): boolean {
  const d = parseDurations(key, value);
  if (d) return d[0] !== d[1];
  const kq = parseQuantity(key);
  if (kq && typeof value === "string") {
    if (value === "") return !wildcardMatch(value, key);
    const vq = parseQuantity(value);
    if (!vq) return true;
    return compareQuantity(kq, vq) !== 0;
  }
  if (typeof value === "string") return !wildcardMatch(value, key);
  return true;
}

export const notEquals: OperatorFn = (key, value) => {
  if (typeof key === "boolean") return typeof value !== "boolean" || key !== value;
  if (typeof key === "number") {
    if (typeof value === "number") return value !== key;
    if (typeof value === "string") {
      const f = goParseFloat(value);
      return f === undefined ? true : f !== key;
    }
    return true;
  }
  if (typeof key === "string") return notEqualString(key, value);
  if (Array.isArray(key)) return !Array.isArray(value) || !deepEqual(key, value);
  if (key !== null && typeof key === "object") {
    return value === null || typeof value !== "object" || Array.isArray(value) || !deepEqual(key, value);
  }
  return false;
};

function isScalar(v: unknown): v is number | boolean {
  return typeof v === "number" || typeof v === "boolean";
}

function parseJsonStringArray(s: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(s);
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
    if (v === null) return [];
    return undefined;
  } catch {
    return undefined;
  }
}

function isValidJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

const IN_RANGE = /^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$/;
const NOT_IN_RANGE = /^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)!-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$/;

/** `operator.GetOperatorFromStringPattern`. */
export function stringPatternOperator(pattern: string): string {
  if (pattern.length < 2) return "";
  for (const op of [">=", "<=", ">", "<"]) if (pattern.startsWith(op)) return op;
  if (pattern.startsWith("!")) return "!";
  if (NOT_IN_RANGE.test(pattern)) return "!-";
  if (IN_RANGE.test(pattern)) return "-";
  return "";
}

function handleRange(key: string, value: string): boolean {
  return validateScalarPattern(key, value);
}

// --- deprecated In / NotIn ---

/** returns [invalidType, exists] */
function keyExistsInArray(key: string, value: unknown): [boolean, boolean] {
  if (Array.isArray(value)) {
    for (const v of value) {
      const s = goSprint(v);
      if (wildcardMatch(s, key) || wildcardMatch(key, s)) return [false, true];
    }
    return [false, false];
  }
  if (typeof value === "string") {
    if (wildcardMatch(value, key)) return [false, true];
    const arr = parseJsonStringArray(value);
    if (!arr) return [true, false];
    return [false, arr.includes(key)];
  }
  return [true, false];
}

function setExistsInArray(key: string[], value: unknown, notIn: boolean): [boolean, boolean] {
  let arr: string[];
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === "string")) return [true, false];
    arr = value;
  } else if (typeof value === "string") {
    if (key.length === 1 && key[0] === value) return [false, true];
    const parsed = parseJsonStringArray(value);
    if (!parsed) return [true, false];
    arr = parsed;
  } else {
    return [true, false];
  }
  const set = new Set(arr);
  if (notIn) return [false, key.some((k) => !set.has(k))];
  return [false, key.every((k) => set.has(k))];
}

function inOperator(not: boolean): OperatorFn {
  return (key, value) => {
    if (typeof key === "string" || isScalar(key)) {
      const [invalid, exists] = keyExistsInArray(goSprint(key), value);
      if (invalid) return false;
      return not ? !exists : exists;
    }
    if (Array.isArray(key)) {
      const keys = key.map((k) => (typeof k === "string" ? k : goSprint(k)));
      const [invalid, res] = setExistsInArray(keys, value, not);
      return invalid ? false : res;
    }
    return false;
  };
}

// --- AnyIn / AllIn / AnyNotIn / AllNotIn ---

function stringValuesFromString(value: string): string[] | undefined {
  if (isValidJson(value)) return parseJsonStringArray(value);
  return [value];
}

/** anyKeyExistsInArray / allKeyExistsInArray are identical for a single key. */
function singleKeyExists(key: string, value: unknown): [boolean, boolean] {
  if (Array.isArray(value)) {
    for (const v of value) {
      const s = goSprint(v);
      if (wildcardMatch(s, key) || wildcardMatch(key, s)) return [false, true];
    }
    return [false, false];
  }
  if (typeof value === "string") {
    if (wildcardMatch(value, key)) return [false, true];
    if (stringPatternOperator(value) === "-") return [false, handleRange(key, value)];
    const arr = stringValuesFromString(value);
    if (!arr) return [true, false];
    return [false, arr.includes(key)];
  }
  return [true, false];
}

function matchesEither(a: string, b: string): boolean {
  return wildcardMatch(a, b) || wildcardMatch(b, a);
}

function anySet(key: string[], value: unknown, anyNotIn: boolean): [boolean, boolean] {
  const anyIn = (vals: string[]): boolean => key.some((k) => vals.some((v) => matchesEither(k, v)));
  const anyNot = (vals: string[]): boolean => key.some((k) => !vals.some((v) => matchesEither(k, v)));
  if (Array.isArray(value)) {
    const vals = value.map(goSprint);
    return [false, anyNotIn ? anyNot(vals) : anyIn(vals)];
  }
  if (isScalar(value)) {
    const vals = [goSprint(value)];
    return [false, anyNotIn ? anyNot(vals) : anyIn(vals)];
  }
  if (typeof value === "string") {
    if (key.length === 1 && key[0] === value) return [false, !anyNotIn];
    if (stringPatternOperator(value) === "-") {
      if (anyNotIn) {
        const notRange = value.replace("-", "!-");
        return [false, key.some((k) => handleRange(k, notRange))];
      }
      return [false, key.some((k) => handleRange(k, value))];
    }
    const arr = stringValuesFromString(value);
    if (!arr) return [true, false];
    return [false, anyNotIn ? anyNot(arr) : anyIn(arr)];
  }
  return [true, false];
}

function allSet(key: string[], value: unknown, allNotIn: boolean): [boolean, boolean] {
  const allIn = (vals: string[]): boolean => key.every((k) => vals.some((v) => matchesEither(k, v)));
  const allNot = (vals: string[]): boolean => key.every((k) => !vals.some((v) => matchesEither(k, v)));
  if (Array.isArray(value)) {
    const vals = value.map(goSprint);
    return [false, allNotIn ? allNot(vals) : allIn(vals)];
  }
  if (typeof value === "string") {
    if (key.length === 1 && key[0] === value) return [false, !allNotIn];
    if (stringPatternOperator(value) === "-") {
      if (allNotIn) return [false, !key.some((k) => handleRange(k, value))];
      return [false, key.every((k) => handleRange(k, value))];
    }
    const arr = stringValuesFromString(value);
    if (!arr) return [true, false];
    return [false, allNotIn ? allNot(arr) : allIn(arr)];
  }
  return [true, false];
}

function setOperator(kind: "anyIn" | "allIn" | "anyNotIn" | "allNotIn"): OperatorFn {
  return (key, value) => {
    if (typeof key === "string" || isScalar(key)) {
      const [invalid, exists] = singleKeyExists(goSprint(key), value);
      if (invalid) return false;
      return kind === "anyIn" || kind === "allIn" ? exists : !exists;
    }
    if (Array.isArray(key)) {
      const keys = key.map(goSprint);
      const [invalid, res] =
        kind === "anyIn" || kind === "anyNotIn"
          ? anySet(keys, value, kind === "anyNotIn")
          : allSet(keys, value, kind === "allNotIn");
      return invalid ? false : res;
    }
    return false;
  };
}

// --- numeric comparisons ---

type Cmp = (a: number, b: number) => boolean;

function numericWithNumber(cmp: Cmp, key: number, value: unknown): boolean {
  if (typeof value === "number") return cmp(key, value);
  if (typeof value === "string") {
    const d = parseDurations(key, value);
    if (d) return cmp(d[0], d[1]);
    const f = goParseFloat(value);
    if (f !== undefined) return cmp(key, f);
    const i = goParseInt(value);
    if (i !== undefined) return cmp(key, i);
    return false;
  }
  return false;
}

function numericOperator(cmp: Cmp, semverCmp: (c: number) => boolean): OperatorFn {
  return (key, value) => {
    if (typeof key === "number") return numericWithNumber(cmp, key, value);
    if (typeof key !== "string") return false;
    const d = parseDurations(key, value);
    if (d) return cmp(d[0], d[1]);
    if (typeof value === "string") {
      const kq = parseQuantity(key);
      const vq = parseQuantity(value);
      if (kq && vq) return cmp(compareQuantity(kq, vq), 0);
    }
    const f = goParseFloat(key);
    if (f !== undefined) return numericWithNumber(cmp, f, value);
    const i = goParseInt(key);
    if (i !== undefined) return numericWithNumber(cmp, i, value);
    const kv = parseSemver(key);
    if (kv) {
      if (typeof value !== "string") return false;
      const vv = parseSemver(value);
      if (!vv) return false;
      return semverCmp(compareSemver(kv, vv));
    }
    return false;
  };
}

function durationOperator(cmp: Cmp): OperatorFn {
  const fromNumber = (n: number): number => durationSeconds(BigInt(Math.trunc(n)) * 1000000000n);
  const fromValue = (value: unknown): number | undefined => {
    if (typeof value === "number") return fromNumber(value);
    if (typeof value === "string") {
      const d = parseGoDuration(value);
      return d === undefined ? undefined : durationSeconds(d);
    }
    return undefined;
  };
  return (key, value) => {
    let k: number | undefined;
    if (typeof key === "number") k = fromNumber(key);
    else if (typeof key === "string") {
      const d = parseGoDuration(key);
      if (d === undefined) return false;
      k = durationSeconds(d);
    } else return false;
    const v = fromValue(value);
    return v === undefined ? false : cmp(k, v);
  };
}

const OPERATORS: Record<string, OperatorFn> = {
  equal: equals,
  equals,
  notequal: notEquals,
  notequals: notEquals,
  in: inOperator(false),
  notin: inOperator(true),
  anyin: setOperator("anyIn"),
  allin: setOperator("allIn"),
  anynotin: setOperator("anyNotIn"),
  allnotin: setOperator("allNotIn"),
  greaterthanorequals: numericOperator(
    (a, b) => a >= b,
    (c) => c >= 0,
  ),
  greaterthan: numericOperator(
    (a, b) => a > b,
    (c) => c === 1,
  ),
  lessthanorequals: numericOperator(
    (a, b) => a <= b,
    (c) => c <= 0,
  ),
  lessthan: numericOperator(
    (a, b) => a < b,
    (c) => c === -1,
  ),
  durationgreaterthanorequals: durationOperator((a, b) => a >= b),
  durationgreaterthan: durationOperator((a, b) => a > b),
  durationlessthanorequals: durationOperator((a, b) => a <= b),
  durationlessthan: durationOperator((a, b) => a < b),
};

/** The handler for an operator name (case-insensitive), or undefined when Kyverno has none. */
export function operatorFor(name: string): OperatorFn | undefined {
  return OPERATORS[name.toLowerCase()];
}
