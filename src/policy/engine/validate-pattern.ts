/**
 * Structural pattern validation (Kyverno pkg/engine/validate + anchor handlers), element by element from the
 * root. Semantics follow the source, including the parts that differ from the docs: only the first element of
 * an array pattern is used, anchors are evaluated in sorted order before plain keys, a conditional anchor that
 * does not match skips, and a failure where an anchor key never appears in the resource is an error.
 */
import { goSprint, isObject } from "../json.js";
import { containsWildcard, wildcardMatch } from "../wildcard.js";
import {
  anchorString,
  isCondition,
  isEquality,
  isExistence,
  isGlobal,
  isNegation,
  parseAnchor,
} from "./anchor.js";
import { validateScalarPattern } from "./pattern-value.js";

type ErrCode = "conditional" | "global" | "negation";

const CODE_MSG: Record<ErrCode, string> = {
  conditional: "conditional anchor mismatch",
  global: "global anchor mismatch",
  negation: "negation anchor matched in resource",
};

/** The three kinds of Go errors the validator passes around. */
type PErr =
  | { kind: "anchor"; code: ErrCode; message: string }
  | { kind: "pattern"; message: string; path: string; skip: boolean }
  | { kind: "plain"; message: string };

type Result = [string, PErr | undefined];

function anchorErr(code: ErrCode, msg: string): PErr {
  return { kind: "anchor", code, message: `${CODE_MSG[code]}: ${msg}` };
}

function plain(message: string): PErr {
  return { kind: "plain", message };
}

function isCode(err: PErr | undefined, code: ErrCode): boolean {
  if (!err) return false;
  if (err.kind === "anchor") return err.code === code;
  return err.message.includes(CODE_MSG[code]);
}

function isSkip(err: PErr | undefined): boolean {
  return isCode(err, "conditional") || isCode(err, "global");
}

function combine(errs: PErr[]): string {
  return errs.map((e) => e.message).join("; ");
}

/** Go's `%v` for values in error messages. */
function v(x: unknown): string {
  if (typeof x === "string") return x;
  if (x === null || x === undefined) return "<nil>";
  return goSprint(x);
}

function goType(x: unknown): string {
  if (x === null || x === undefined) return "<nil>";
  if (Array.isArray(x)) return "[]interface {}";
  if (isObject(x)) return "map[string]interface {}";
  if (typeof x === "number") return "float64";
  return typeof x;
}

class AnchorMap {
  readonly keys = new Map<string, boolean>();

  keysAreMissing(): boolean {
    for (const [k, present] of this.keys) {
      if (!present) {
        if (isNegation(parseAnchor(k))) continue;
        return true;
      }
    }
    return false;
  }

  checkAnchorInResource(pattern: Record<string, unknown>, resource: unknown): void {
    for (const key of Object.keys(pattern)) {
      const a = parseAnchor(key);
      if (!(isCondition(a) || isExistence(a) || isNegation(a)) || !a) continue;
      const val = this.keys.get(key);
      if (val === undefined) this.keys.set(key, false);
      else if (val) continue;
      if (resourceHasValueForKey(resource, a.key)) this.keys.set(key, true);
    }
  }
}

function resourceHasValueForKey(resource: unknown, key: string): boolean {
  if (isObject(resource)) return Object.prototype.hasOwnProperty.call(resource, key);
  if (Array.isArray(resource)) return resource.some((r) => resourceHasValueForKey(r, key));
  return false;
}

function lookup(m: Record<string, unknown>, key: string): { present: boolean; value: unknown } {
  if (Object.prototype.hasOwnProperty.call(m, key)) return { present: true, value: m[key] };
  return { present: false, value: null };
}

// --- wildcard keys in metadata.labels / metadata.annotations -------------------------------------------------

function getPatternValue(tag: string, pattern: Record<string, unknown>): [string, unknown] {
  for (const [k, val] of Object.entries(pattern)) {
    if (k === tag) return [k, val];
    const a = parseAnchor(k);
    if (a && a.key === tag) return [k, val];
  }
  return ["", null];
}

function getValueAsStringMap(key: string, data: unknown): [string, Record<string, string> | undefined] {
  if (!isObject(data)) return ["", undefined];
  const [patternKey, val] = getPatternValue(key, data);
  if (val === null || val === undefined || !isObject(val)) return ["", undefined];
  const result: Record<string, string> = {};
  for (const [k, x] of Object.entries(val)) if (typeof x === "string") result[k] = x;
  return [patternKey, result];
}

function expandWildcardsInTag(
  tag: string,
  patternMetadata: unknown,
  resourceMetadata: unknown,
): [string, Record<string, unknown> | undefined] {
  const [patternKey, patternData] = getValueAsStringMap(tag, patternMetadata);
  if (!patternData) return ["", undefined];
  const [, resourceData] = getValueAsStringMap(tag, resourceMetadata);
  if (!resourceData) return ["", undefined];
  const resourceKeys = Object.keys(resourceData).sort();
  const results: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(patternData)) {
    if (!containsWildcard(k)) {
      results[k] = val;
      continue;
    }
    const a = parseAnchor(k);
    const search = a ? a.key : k;
    const match = resourceKeys.find((rk) => wildcardMatch(search, rk)) ?? search;
    results[a ? anchorString(a.type, match) : match] = val;
  }
  return [patternKey, results];
}

/** `wildcards.ExpandInMetadata`: replaces wildcard label/annotation keys with the matching resource keys. */
function expandInMetadata(patternMap: Record<string, unknown>, resourceMap: Record<string, unknown>): void {
  const [, patternMetadata] = getPatternValue("metadata", patternMap);
  if (patternMetadata === null || patternMetadata === undefined) return;
  const resourceMetadata = resourceMap.metadata;
  if (resourceMetadata === null || resourceMetadata === undefined) return;
  if (!isObject(patternMetadata)) return;
  const [labelsKey, labels] = expandWildcardsInTag("labels", patternMetadata, resourceMetadata);
  if (labels) patternMetadata[labelsKey] = labels;
  const [annKey, annotations] = expandWildcardsInTag("annotations", patternMetadata, resourceMetadata);
  if (annotations) patternMetadata[annKey] = annotations;
}

// --- element validation --------------------------------------------------------------------------------------

function hasNestedAnchors(pattern: unknown): boolean {
  if (isObject(pattern)) {
    for (const k of Object.keys(pattern)) {
      const a = parseAnchor(k);
      if (a && (isCondition(a) || isExistence(a) || isEquality(a) || isNegation(a) || isGlobal(a)))
        return true;
    }
    return Object.values(pattern).some(hasNestedAnchors);
  }
  if (Array.isArray(pattern)) return pattern.some(hasNestedAnchors);
  return false;
}

function sortedResourceKeys(resources: Record<string, unknown>): string[] {
  const keys = Object.keys(resources).sort(goLess);
  const front: string[] = [];
  const back: string[] = [];
  for (const k of keys) {
    if (isGlobal(parseAnchor(k)) || hasNestedAnchors(resources[k])) front.unshift(k);
    else back.push(k);
  }
  return [...front, ...back];
}

function goLess(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function validateElement(resource: unknown, pattern: unknown, path: string, ac: AnchorMap): Result {
  if (isObject(pattern)) {
    if (!isObject(resource)) {
      return [
        path,
        plain(
          `pattern and resource have different structures. Path: ${path}. Expected ${goType(pattern)}, found ${goType(resource)}`,
        ),
      ];
    }
    ac.checkAnchorInResource(pattern, resource);
    return validateMap(resource, pattern, path, ac);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return [
        path,
        plain(
          `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`,
        ),
      ];
    }
    return validateArray(resource, pattern, path, ac);
  }
  if (pattern === null || pattern === undefined || ["string", "number", "boolean"].includes(typeof pattern)) {
    if (Array.isArray(resource)) {
      for (const r of resource) {
        if (!validateScalarPattern(r, pattern)) {
          return [
            path,
            plain(`resource value '${v(resource)}' does not match '${v(pattern)}' at path ${path}`),
          ];
        }
      }
      return ["", undefined];
    }
    if (!validateScalarPattern(resource, pattern)) {
      return [path, plain(`resource value '${v(resource)}' does not match '${v(pattern)}' at path ${path}`)];
    }
    return ["", undefined];
  }
  return [path, plain(`failed at '${path}', pattern contains unknown type`)];
}

function handle(
  key: string,
  pattern: unknown,
  path: string,
  resourceMap: Record<string, unknown>,
  ac: AnchorMap,
): Result {
  const a = parseAnchor(key);
  if (a && isCondition(a)) {
    const currentPath = `${path}${a.key}/`;
    const { present, value } = lookup(resourceMap, a.key);
    if (!present)
      return [currentPath, anchorErr("conditional", "conditional anchor key doesn't exist in the resource")];
    const [p, err] = validateElement(value, pattern, currentPath, ac);
    if (err) return [p, anchorErr("conditional", err.message)];
    return ["", undefined];
  }
  if (a && isGlobal(a)) {
    const currentPath = `${path}${a.key}/`;
    const { present, value } = lookup(resourceMap, a.key);
    if (!present) return ["", undefined];
    const [p, err] = validateElement(value, pattern, currentPath, ac);
    if (err) return [p, anchorErr("global", err.message)];
    return ["", undefined];
  }
  if (a && isExistence(a)) {
    const currentPath = `${path}${a.key}/`;
    const { present, value } = lookup(resourceMap, a.key);
    if (!present) return ["", undefined];
    if (!Array.isArray(value)) {
      return [
        currentPath,
        plain(
          `invalid resource type ${goType(value)}: Existence ^ () anchor can be used only on list/array type resource`,
        ),
      ];
    }
    if (!Array.isArray(pattern)) {
      return [
        currentPath,
        plain(
          `invalid pattern type ${goType(pattern)}: Pattern has to be of list to compare against resource`,
        ),
      ];
    }
    for (const pm of pattern) {
      if (!isObject(pm)) {
        return [
          currentPath,
          plain(
            `invalid pattern type ${goType(pattern)}: Pattern has to be of type map to compare against items in resource`,
          ),
        ];
      }
      let found = false;
      for (let i = 0; i < value.length; i++) {
        const [, err] = validateElement(value[i], pm, `${currentPath}${i}/`, ac);
        if (!err) {
          found = true;
          break;
        }
      }
      if (!found) return [currentPath, plain(`existence anchor validation failed at path ${currentPath}`)];
    }
    return ["", undefined];
  }
  if (a && isEquality(a)) {
    const currentPath = `${path}${a.key}/`;
    const { present, value } = lookup(resourceMap, a.key);
    if (!present) return ["", undefined];
    const [p, err] = validateElement(value, pattern, currentPath, ac);
    if (err) return [p, err];
    return ["", undefined];
  }
  if (a && isNegation(a)) {
    const currentPath = `${path}${a.key}/`;
    if (Object.prototype.hasOwnProperty.call(resourceMap, a.key)) {
      return [currentPath, anchorErr("negation", `${currentPath} is not allowed`)];
    }
    return ["", undefined];
  }
  // default handler (plain keys, and `+(k)` which only matters for mutation)
  const currentPath = `${path}${key}/`;
  const value = resourceMap[key];
  if (pattern === "*") {
    if (value !== null && value !== undefined) return ["", undefined];
    return [path, plain(`${path}/${key} not found`)];
  }
  const [p, err] = validateElement(value ?? null, pattern, currentPath, ac);
  if (err) return [p, err];
  return ["", undefined];
}

function validateMap(
  resourceMap: Record<string, unknown>,
  patternMap: Record<string, unknown>,
  path: string,
  ac: AnchorMap,
): Result {
  expandInMetadata(patternMap, resourceMap);
  const anchors: Record<string, unknown> = {};
  const plainKeys: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(patternMap)) {
    const a = parseAnchor(k);
    if (a && (isCondition(a) || isExistence(a) || isEquality(a) || isNegation(a))) anchors[k] = val;
    else plainKeys[k] = val;
  }
  const skipErrors: PErr[] = [];
  let applyCount = 0;
  const skipSibling = (): boolean => skipErrors.some((e) => e.kind !== "pattern");
  for (const key of Object.keys(anchors).sort(goLess)) {
    const [handlerPath, err] = handle(key, anchors[key], path, resourceMap, ac);
    if (err) {
      if (isSkip(err)) {
        skipErrors.push(err);
        continue;
      }
      if (!skipSibling()) return [handlerPath, err];
      continue;
    }
    applyCount++;
  }
  if (skipErrors.length > 0) {
    if (applyCount === 0 || skipSibling()) {
      return [path, { kind: "pattern", message: combine(skipErrors), path, skip: true }];
    }
  }
  for (const key of sortedResourceKeys(plainKeys)) {
    const [handlerPath, err] = handle(key, plainKeys[key], path, resourceMap, ac);
    if (err) return [handlerPath, err];
  }
  return ["", undefined];
}

function validateArray(resource: unknown[], pattern: unknown[], path: string, ac: AnchorMap): Result {
  if (pattern.length === 0) return [path, plain("pattern Array empty")];
  const first = pattern[0];
  if (isObject(first)) {
    let applyCount = 0;
    const skipErrors: PErr[] = [];
    for (let i = 0; i < resource.length; i++) {
      const [p, err] = validateElement(resource[i], first, `${path}${i}/`, ac);
      if (err) {
        if (isSkip(err)) {
          skipErrors.push(err);
          continue;
        }
        return [p, err];
      }
      applyCount++;
    }
    if (applyCount === 0 && skipErrors.length > 0) {
      return [path, { kind: "pattern", message: combine(skipErrors), path, skip: true }];
    }
    return ["", undefined];
  }
  if (first === null || first === undefined || ["string", "number", "boolean"].includes(typeof first)) {
    return validateElement(resource, first, path, ac);
  }
  if (resource.length < pattern.length) {
    return [
      "",
      plain(
        `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`,
      ),
    ];
  }
  let applyCount = 0;
  const skipErrors: PErr[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const [p, err] = validateElement(resource[i], pattern[i], `${path}${i}/`, ac);
    if (err) {
      if (isSkip(err)) {
        skipErrors.push(err);
        continue;
      }
      return [p, err];
    }
    applyCount++;
  }
  if (applyCount === 0 && skipErrors.length > 0) {
    return [path, { kind: "pattern", message: combine(skipErrors), path, skip: true }];
  }
  return ["", undefined];
}

export type PatternResult =
  | { status: "pass" }
  | { status: "skip"; message: string }
  /** `path` is empty when Kyverno reports an error rather than a failure. */
  | { status: "fail"; path: string; message: string };

/**
 * `validate.MatchPattern`: validates a resource against a pattern (the pattern is mutated while wildcard
 * metadata keys are expanded, so pass a copy).
 */
export function matchPattern(resource: unknown, pattern: unknown): PatternResult {
  const ac = new AnchorMap();
  const [elemPath, err] = validateElement(resource, pattern, "/", ac);
  if (!err) return { status: "pass" };
  if (isSkip(err)) return { status: "skip", message: err.message };
  if (isCode(err, "negation")) return { status: "fail", path: elemPath, message: err.message };
  if (ac.keysAreMissing()) return { status: "fail", path: "", message: err.message };
  return { status: "fail", path: elemPath, message: err.message };
}
