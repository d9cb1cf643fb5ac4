/**
 * A JMESPath interpreter with the semantics of Kyverno's go-jmespath fork, over the AST produced by
 * `@jmespath-community/jmespath`'s parser. The fork differs from the spec in one important way: looking up
 * a key that is missing from an object raises `NotFoundError` ("Unknown key"), which some node types swallow
 * (comparisons, function arguments, `||`, projections, pipes) and others propagate (sub-expressions).
 */
import { compile } from "@jmespath-community/jmespath";
import { deepEqual, isObject } from "../json.js";
import { JmesPathError, JmesPathSyntaxError, NotFoundError } from "./errors.js";
import { FUNCTIONS, isExpRef, resolveArgs } from "./functions.js";
import type { ExpRef } from "./functions.js";

type Node = ReturnType<typeof compile>;
type AnyNode = Node & Record<string, unknown>;

const compiled = new Map<string, Node | JmesPathError>();

/** Parses (and caches) an expression; throws JmesPathError on a syntax error. */
export function compileExpression(expression: string): Node {
  let hit = compiled.get(expression);
  if (hit === undefined) {
    try {
      hit = compile(expression, { enable_legacy_literals: true });
      assertClassic(hit);
    } catch (e) {
      hit = new JmesPathSyntaxError(e instanceof Error ? e.message : String(e));
    }
    compiled.set(expression, hit);
  }
  if (hit instanceof JmesPathError) throw hit;
  return hit;
}

/** Rejects syntax that only JMESPath Community supports (Kyverno's parser is the classic one). */
function assertClassic(node: unknown): void {
  if (node === null || typeof node !== "object") return;
  const n = node as AnyNode;
  switch (n.type) {
    case "Arithmetic":
    case "Unary":
    case "Ternary":
    case "LetExpression":
    case "Variable":
    case "Root":
    case "Binding":
      throw new JmesPathError(`unsupported JMESPath syntax: ${n.type}`);
  }
  for (const v of Object.values(n)) {
    if (Array.isArray(v)) v.forEach(assertClassic);
    else if (v && typeof v === "object") assertClassic(v);
  }
}

function isFalse(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === "boolean") return !v;
  if (typeof v === "string") return v.length === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

/** Runs `fn`, turning a NotFoundError into null (the fork's "swallow" behaviour). */
function soft(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

/** Runs `fn`, turning any error into null (filter projections and flatten swallow every error). */
function silent(fn: () => unknown): { ok: boolean; value: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch {
    return { ok: false, value: null };
  }
}

function evaluate(node: AnyNode, value: unknown): unknown {
  switch (node.type) {
    case "Field": {
      if (isObject(value)) {
        const key = node.name;
        if (Object.prototype.hasOwnProperty.call(value, key)) return value[key];
        throw new NotFoundError(key);
      }
      return null;
    }
    case "Subexpression":
    case "IndexExpression": {
      const left = evaluate(node.left as AnyNode, value);
      return evaluate(node.right as AnyNode, left);
    }
    case "Index": {
      if (!Array.isArray(value)) return null;
      let i = node.value;
      if (i < 0) i += value.length;
      return i >= 0 && i < value.length ? (value[i] as unknown) : null;
    }
    case "Slice": {
      if (!Array.isArray(value)) return null;
      return slice(value, node.start, node.stop, node.step);
    }
    case "Identity":
    case "Current":
      return value;
    case "Literal":
      return node.value;
    case "Comparator": {
      const left = soft(() => evaluate(node.left as AnyNode, value));
      const right = soft(() => evaluate(node.right as AnyNode, value));
      switch (node.name) {
        case "EQ":
          return deepEqual(left, right);
        case "NE":
          return !deepEqual(left, right);
      }
      if (typeof left !== "number" || typeof right !== "number") return null;
      switch (node.name) {
        case "GT":
          return left > right;
        case "GTE":
          return left >= right;
        case "LT":
          return left < right;
        case "LTE":
          return left <= right;
      }
      return null;
    }
    case "ExpressionReference":
      return { expref: node.child } satisfies ExpRef;
    case "Function": {
      const args = (node.children as AnyNode[]).map((c) => soft(() => evaluate(c, value)));
      return callFunction(node.name, args);
    }
    case "FilterProjection": {
      const left = silent(() => evaluate(node.left as AnyNode, value));
      if (!left.ok || !Array.isArray(left.value)) return null;
      const out: unknown[] = [];
      for (const el of left.value as unknown[]) {
        const cond = soft(() => evaluate(node.condition as AnyNode, el));
        if (!isFalse(cond)) {
          const cur = soft(() => evaluate(node.right as AnyNode, el));
          if (cur !== null && cur !== undefined) out.push(cur);
        }
      }
      return out;
    }
    case "Flatten": {
      const left = silent(() => evaluate(node.child as AnyNode, value));
      if (!left.ok || !Array.isArray(left.value)) return null;
      const out: unknown[] = [];
      for (const el of left.value as unknown[]) {
        if (Array.isArray(el)) out.push(...(el as unknown[]));
        else out.push(el);
      }
      return out;
    }
    case "Projection": {
      const left = soft(() => evaluate(node.left as AnyNode, value));
      if (!Array.isArray(left)) return null;
      const out: unknown[] = [];
      for (const el of left as unknown[]) {
        const cur = soft(() => evaluate(node.right as AnyNode, el));
        if (cur !== null && cur !== undefined) out.push(cur);
      }
      return out;
    }
    case "ValueProjection": {
      const left = silent(() => evaluate(node.left as AnyNode, value));
      if (!left.ok || !isObject(left.value)) return null;
      const out: unknown[] = [];
      for (const el of Object.values(left.value)) {
        const cur = soft(() => evaluate(node.right as AnyNode, el));
        if (cur !== null && cur !== undefined) out.push(cur);
      }
      return out;
    }
    case "MultiSelectList": {
      if (value === null || value === undefined) return null;
      return (node.children as AnyNode[]).map((c) => soft(() => evaluate(c, value)));
    }
    case "MultiSelectHash": {
      if (value === null || value === undefined) return null;
      const out: Record<string, unknown> = {};
      for (const kv of node.children as unknown as AnyNode[]) {
        out[kv.name as string] = soft(() => evaluate(kv.value as AnyNode, value));
      }
      return out;
    }
    case "OrExpression": {
      let matched = soft(() => evaluate(node.left as AnyNode, value));
      if (isFalse(matched)) matched = soft(() => evaluate(node.right as AnyNode, value));
      return matched;
    }
    case "AndExpression": {
      const matched = soft(() => evaluate(node.left as AnyNode, value));
      if (isFalse(matched)) return matched;
      return evaluate(node.right as AnyNode, value);
    }
    case "NotExpression": {
      const matched = soft(() => evaluate(node.child as AnyNode, value));
      return isFalse(matched);
    }
    case "Pipe": {
      const left = soft(() => evaluate(node.left as AnyNode, value));
      return soft(() => evaluate(node.right as AnyNode, left));
    }
    default:
      throw new JmesPathError(`Unknown AST node: ${String(node.type)}`);
  }
}

function slice(arr: unknown[], start: number | null, stop: number | null, step: number | null): unknown[] {
  const len = arr.length;
  const st = step ?? 1;
  if (st === 0) throw new JmesPathError("Invalid slice, step cannot be 0");
  const cap = (v: number): number => {
    if (v < 0) {
      v += len;
      if (v < 0) v = st < 0 ? -1 : 0;
    } else if (v >= len) {
      v = st < 0 ? len - 1 : len;
    }
    return v;
  };
  const a = start === null ? (st < 0 ? len - 1 : 0) : cap(start);
  const b = stop === null ? (st < 0 ? -1 : len) : cap(stop);
  const out: unknown[] = [];
  if (st > 0) for (let i = a; i < b; i += st) out.push(arr[i]);
  else for (let i = a; i > b; i += st) out.push(arr[i]);
  return out;
}

function callFunction(name: string, args: unknown[]): unknown {
  const entry = FUNCTIONS[name];
  if (!entry) throw new JmesPathError(`unknown function: ${name}`);
  resolveArgs(name, entry, args);
  return entry.handler(args, (ref, v) => {
    if (!isExpRef(ref)) throw new JmesPathError("invalid expression reference");
    return evaluate(ref.expref as AnyNode, v);
  });
}

/** Evaluates `expression` against `data`. Throws NotFoundError or JmesPathError. */
export function search(expression: string, data: unknown): unknown {
  const node = compileExpression(expression);
  const result = evaluate(node as AnyNode, data);
  return result === undefined ? null : result;
}
