/**
 * Variable substitution (Kyverno pkg/engine/variables): `{{ jmespath }}` in strings and map keys, nested
 * variables, `{{- }}` shallow substitution, `\{{` escapes and `$(./relative/path)` references.
 */
import { goJsonMarshal, isObject } from "../json.js";
import { JmesPathSyntaxError, NotFoundError } from "../jmespath/errors.js";
import type { JsonContext } from "./context.js";

/** '{{...}}' at the start of a string, or 'x{{...}}' where x is not a backslash. */
const VARIABLES_RE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
const VARIABLE_INIT_RE = /^\{\{(\{[^{}]*\}|[^{}])*\}\}/;
const REFERENCES_RE = /^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)/g;
const ESCAPED_REFERENCES_RE = /\\\$\(.[^ )]*\)/g;

/** A variable that could not be resolved; carries the formatted Kyverno message. */
export class SubstitutionError extends Error {
  override name = "SubstitutionError";
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
  }
}

export function findVariables(s: string): string[] {
  return Array.from(s.matchAll(VARIABLES_RE), (m) => m[0]);
}

export function isVariable(s: string): boolean {
  return findVariables(s).length > 0;
}

function replaceBracesAndTrimSpaces(v: string): { variable: string; shallow: boolean } {
  let variable = v.replaceAll("{{", "").replaceAll("}}", "").trim();
  if (variable.startsWith("-")) {
    variable = variable.slice(1).trim();
    return { variable, shallow: true };
  }
  return { variable, shallow: false };
}

/** Query the context, formatting errors the way Kyverno's context.Query does. */
export function queryContext(ctx: JsonContext, query: string): unknown {
  try {
    return ctx.query(query);
  } catch (e) {
    if (e instanceof NotFoundError) throw new QueryError(`JMESPath query failed: ${e.message}`, true);
    if (e instanceof JmesPathSyntaxError)
      throw new QueryError(`incorrect query ${query}: ${e.message}`, false);
    throw new QueryError(`JMESPath query failed: ${e instanceof Error ? e.message : String(e)}`, false);
  }
}

export class QueryError extends Error {
  override name = "QueryError";
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
  }
}

type Resolver = (ctx: JsonContext, variable: string) => unknown;

const defaultResolver: Resolver = (ctx, variable) => queryContext(ctx, variable);

function substituteVarInPattern(prefix: string, pattern: string, variable: string, value: unknown): string {
  const str = typeof value === "string" ? value : goJsonMarshal(value);
  return pattern.replace(prefix + variable, () => prefix + str);
}

/** Substitutes every `{{…}}` in one string leaf (or map key). */
function substituteString(ctx: JsonContext, value: string, path: string, resolve: Resolver): unknown {
  let vars = findVariables(value);
  const isDelete = ctx.queryOperation() === "DELETE";
  while (vars.length > 0) {
    const originalPattern = value;
    let shallow = false;
    for (let v of vars) {
      const initial = VARIABLE_INIT_RE.test(v);
      const old = v;
      if (!initial) v = v.slice(1);
      const parsed = replaceBracesAndTrimSpaces(v);
      let variable = parsed.variable;
      shallow = parsed.shallow;
      if (variable === "@") {
        variable = atPath(path, ctx);
      }
      if (isDelete) variable = variable.replaceAll("request.object", "request.oldObject");
      let substituted: unknown;
      try {
        substituted = resolve(ctx, variable);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const notFound = e instanceof QueryError && e.notFound;
        throw new SubstitutionError(`failed to resolve ${variable} at path ${path}: ${msg}`, notFound);
      }
      if (originalPattern === v) return substituted;
      const prefix = initial ? "" : (old[0] ?? "");
      if (shallow && substituted !== null && substituted !== undefined) {
        substituted = (typeof substituted === "string" ? substituted : goJsonMarshal(substituted)).replaceAll(
          "{{",
          "\\{{",
        );
      }
      value = substituteVarInPattern(prefix, value, v, substituted);
    }
    vars = shallow ? [] : findVariables(value);
  }
  return value.replaceAll("\\{{", "{{");
}

/** JMESPath for `{{@}}`: the current path below `validate.pattern` (or the foreach), under request.object. */
function atPath(path: string, ctx: JsonContext): string {
  let segs = path.split("/").filter((s) => s !== "");
  const fe = segs.lastIndexOf("foreach");
  if (fe >= 0) segs = segs.slice(fe + 1);
  segs = segs.slice(2);
  let prefix = ["target"];
  try {
    ctx.query("target");
  } catch {
    prefix = ["request", "object"];
  }
  let out = prefix.join(".");
  for (const s of segs) {
    const key = s.replaceAll("\\/", "/");
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += `.${key}`;
    else out += `."${key.replaceAll('"', '\\"')}"`;
  }
  return out;
}

function traverse(node: unknown, path: string, leaf: (value: string, path: string) => unknown): unknown {
  if (Array.isArray(node)) return node.map((el, i) => traverse(el, `${path}/${i}`, leaf));
  if (isObject(node)) {
    const out: Record<string, unknown> = {};
    for (const [key, el] of Object.entries(node)) {
      const newKey = leaf(key, path);
      if (typeof newKey !== "string")
        throw new SubstitutionError(`expected string after substituting variables in key "${key}"`, false);
      out[newKey] = traverse(el, `${path}/${key.replaceAll("/", "\\/")}`, leaf);
    }
    return out;
  }
  if (typeof node === "string") {
    const r = leaf(node, path);
    if (typeof r !== "string" && (Array.isArray(r) || isObject(r))) return traverse(r, path, leaf);
    return r;
  }
  return node;
}

/** Kyverno `SubstituteAll`: references, then variables, over any JSON document. */
export function substituteAll(
  ctx: JsonContext,
  document: unknown,
  resolve: Resolver = defaultResolver,
): unknown {
  const withRefs = substituteReferences(document);
  return traverse(withRefs, "", (s, path) => substituteString(ctx, s, path, resolve));
}

/** Preconditions use the same resolver; errors still propagate (Kyverno logs and returns them). */
export function substituteAllInPreconditions(ctx: JsonContext, document: unknown): unknown {
  return substituteAll(ctx, document, defaultResolver);
}

// --- $(…) references -------------------------------------------------------------------------------------

function removeAnchorsFromPath(p: string): string {
  const parts = p.split("/").filter((x, i) => !(i === 0 && x === ""));
  const cleaned = parts.map((part) => {
    const m = /^([+<=X^])?\((.+)\)$/.exec(part.trim());
    return m ? (m[2] ?? part) : part;
  });
  const joined = cleaned.filter((x) => x !== "").join("/");
  return p.startsWith("/") ? "/" + joined : joined;
}

function joinPath(base: string, rel: string): string {
  if (rel.startsWith("/")) return normalizePath(rel);
  return normalizePath(`${base}/${rel}`);
}

function normalizePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}

function getValueFromReference(doc: unknown, path: string): unknown {
  let found: unknown = undefined;
  const walk = (node: unknown, p: string): void => {
    if (removeAnchorsFromPath(p) === path) found = node;
    if (Array.isArray(node)) node.forEach((el, i) => walk(el, `${p}/${i}`));
    else if (isObject(node))
      for (const [k, el] of Object.entries(node)) walk(el, `${p}/${k.replaceAll("/", "\\/")}`);
  };
  walk(doc, "");
  return found;
}

function operatorPrefix(s: string): string {
  if (s.length < 2) return "";
  for (const op of [">=", "<=", ">", "<", "!"]) if (s.startsWith(op)) return op;
  return "";
}

function substituteReferences(document: unknown): unknown {
  return traverse(document, "", (value, path) => {
    let out = value;
    REFERENCES_RE.lastIndex = 0;
    const refs = value.match(REFERENCES_RE) ?? [];
    for (let v of refs) {
      const initial = v.startsWith("$(");
      const old = v;
      if (!initial) v = v.slice(1);
      let p = v.replace(/^\$\(/, "").replace(/\)$/, "");
      const op = operatorPrefix(p);
      p = p.slice(op.length);
      if (p.length === 0) throw new SubstitutionError("expected path, found empty reference", false);
      const abs = joinPath(path, p);
      const resolved = getValueFromReference(document, abs);
      if (resolved === undefined || resolved === null) {
        throw new SubstitutionError(`got nil resolved variable ${v} at path ${path}: <nil>`, false);
      }
      let str: string;
      if (op === "") {
        if (typeof resolved !== "string") {
          throw new SubstitutionError(
            `NotResolvedReferenceErr,reference ${v} not resolved at path ${path}`,
            false,
          );
        }
        str = resolved;
      } else if (typeof resolved === "string") str = op + resolved;
      else if (typeof resolved === "number")
        str = op + (Number.isInteger(resolved) ? String(resolved) : resolved.toFixed(6));
      else
        throw new SubstitutionError(`incorrect expression: operator ${op} does not match with value`, false);
      out = out.replace(old, (initial ? "" : old[0]) + str);
    }
    ESCAPED_REFERENCES_RE.lastIndex = 0;
    for (const esc of out.match(ESCAPED_REFERENCES_RE) ?? []) out = out.replaceAll(esc, esc.slice(1));
    return out;
  });
}
