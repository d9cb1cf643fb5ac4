/**
 * Turn zod issues into kintent Findings that point at file:line:column, name the field, and suggest a fix.
 */
import type * as z from "zod";
import type { Finding } from "../core/finding.js";
import type { SourceDocument } from "../core/yaml-source.js";
import { getAt, toPointer } from "../core/json-pointer.js";
import { didYouMean } from "../core/suggest.js";

type JsonSchema = Record<string, unknown>;
type Issue = z.core.$ZodIssue;
type PathSeg = PropertyKey;

/** `spec.env.DB_URL`, `spec.ports[0].port` */
export function fieldPath(path: readonly PathSeg[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const s = String(seg);
      out += out === "" ? s : /^[A-Za-z_][\w-]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
    }
  }
  return out === "" ? "(document)" : out;
}

function describeType(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  if (typeof v === "string")
    return `the string ${v.length > 60 ? `${JSON.stringify(v.slice(0, 57))}… (${v.length} characters)` : JSON.stringify(v)}`;
  return `${typeof v} ${JSON.stringify(v) ?? typeof v}`;
}

/** Schemas reachable at a path (several when unions are involved). */
function schemasAt(root: JsonSchema, path: readonly PathSeg[]): JsonSchema[] {
  let cur: JsonSchema[] = [root];
  for (const seg of path) {
    const next: JsonSchema[] = [];
    for (const s of expand(cur)) {
      const props = s.properties as Record<string, JsonSchema> | undefined;
      if (typeof seg === "number") {
        if (s.items && typeof s.items === "object") next.push(s.items as JsonSchema);
      } else if (props && String(seg) in props) {
        next.push(props[String(seg)] as JsonSchema);
      } else if (s.additionalProperties && typeof s.additionalProperties === "object") {
        next.push(s.additionalProperties as JsonSchema);
      }
    }
    cur = next;
  }
  return expand(cur);
}

function expand(list: JsonSchema[]): JsonSchema[] {
  const out: JsonSchema[] = [];
  const visit = (s: JsonSchema) => {
    const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
    if (alts) alts.forEach(visit);
    else out.push(s);
  };
  list.forEach(visit);
  return out;
}

function knownKeys(root: JsonSchema, path: readonly PathSeg[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path)) {
    const props = s.properties as Record<string, unknown> | undefined;
    if (props) Object.keys(props).forEach((k) => keys.add(k));
  }
  return [...keys].sort();
}

export interface IssueContext {
  doc: SourceDocument;
  schema: JsonSchema;
  /** Human name of the document kind, e.g. "App". */
  kind: string;
}

/** Convert zod issues to findings. `basePath` is prepended (used for union branches). */
export function issuesToFindings(issues: readonly Issue[], ctx: IssueContext): Finding[] {
  const out: Finding[] = [];
  for (const issue of issues) collect(issue, [], ctx, out);
  // One finding per field and message.
  const seen = new Set<string>();
  return out.filter((f) => {
    const k = `${f.path}\u0000${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function finding(ctx: IssueContext, path: readonly PathSeg[], message: string, valueLoc = false): Finding {
  const pointer = toPointer(path.map((p) => (typeof p === "symbol" ? String(p) : p)));
  return {
    checkId: "intent",
    messageId: "invalid-field",
    severity: "error",
    message,
    path: pointer,
    loc: valueLoc ? ctx.doc.locateValue(pointer) : ctx.doc.locate(pointer),
  };
}

function collect(issue: Issue, base: readonly PathSeg[], ctx: IssueContext, out: Finding[]): void {
  const path = [...base, ...issue.path];
  const value = getAt(ctx.doc.value, toPointer(path.map(String)));
  const where = fieldPath(path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(ctx.schema, path);
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        let msg = `unknown field \`${key}\` in ${where === "(document)" ? ctx.kind : `\`${where}\``}`;
        const guess = didYouMean(key, known);
        if (guess) msg += ` — did you mean \`${guess}\`?`;
        else if (path.length === 0 && knownKeys(ctx.schema, ["spec"]).includes(key)) {
          msg += ` — it belongs under \`spec\` (\`spec.${key}\`)`;
        } else if (known.length > 0 && known.length <= 12) {
          msg += ` (known fields: ${known.join(", ")})`;
        }
        out.push(finding(ctx, keyPath, msg));
      }
      return;
    }
    case "invalid_type": {
      if (value === undefined) {
        out.push(finding(ctx, path, `missing required field \`${where}\` (${issue.expected})`));
      } else {
        out.push(
          finding(
            ctx,
            path,
            `\`${where}\` must be ${article(issue.expected)}, got ${describeType(value)}`,
            true,
          ),
        );
      }
      return;
    }
    case "invalid_value": {
      const values = issue.values.map((v) => String(v));
      let msg: string;
      if (values.length === 1) {
        msg = `\`${where}\` must be \`${values[0]}\`, got ${describeType(value)}`;
      } else {
        msg = `\`${where}\` must be one of ${values.map((v) => `\`${v}\``).join(", ")}; got ${describeType(value)}`;
      }
      if (typeof value === "string") {
        const guess = didYouMean(value, values);
        if (guess) msg += ` — did you mean \`${guess}\`?`;
      }
      out.push(finding(ctx, path, msg, true));
      return;
    }
    case "invalid_union": {
      const branch = pickBranch(issue.errors, value);
      if (branch) {
        for (const inner of branch) collect(inner, path, ctx, out);
      } else {
        const expected = unionExpectation(issue.errors);
        out.push(finding(ctx, path, `\`${where}\` must be ${expected}, got ${describeType(value)}`, true));
      }
      return;
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const lim = String(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const what =
        issue.origin === "array" ? `${lim} item(s)` : issue.origin === "string" ? `${lim} character(s)` : lim;
      out.push(finding(ctx, path, `\`${where}\` must be ${bound} ${what}, got ${describeType(value)}`, true));
      return;
    }
    case "invalid_format": {
      const detail =
        issue.message && !issue.message.startsWith("Invalid") ? issue.message : `a valid ${issue.format}`;
      out.push(
        finding(
          ctx,
          path,
          `\`${where}\` ${detail.startsWith("must") ? detail : `must be ${detail}`}; got ${describeType(value)}`,
          true,
        ),
      );
      return;
    }
    case "invalid_key": {
      for (const inner of issue.issues) collect(inner, path, ctx, out);
      return;
    }
    default:
      out.push(finding(ctx, path, `\`${where}\`: ${issue.message}`, true));
  }
}

function article(t: string): string {
  const name = t === "record" || t === "object" ? "map" : t === "array" ? "list" : t;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** The union branch that matched the value's shape, if exactly that can be told. */
function pickBranch(branches: readonly (readonly Issue[])[], value: unknown): readonly Issue[] | undefined {
  const shapeMismatch = (b: readonly Issue[]) =>
    b.length === 1 &&
    b[0]?.path.length === 0 &&
    (b[0].code === "invalid_type" || b[0].code === "invalid_value");
  const literalMismatch = (b: readonly Issue[]) =>
    b.some((i) => i.path.length === 1 && i.code === "invalid_value" && i.values.length === 1);
  const candidates = branches.filter((b) => !shapeMismatch(b));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    const nonLiteral = candidates.filter((b) => !literalMismatch(b));
    if (nonLiteral.length >= 1) return nonLiteral.sort((a, b) => a.length - b.length)[0];
    return candidates.sort((a, b) => a.length - b.length)[0];
  }
  // All branches rejected the shape; an enum branch with a string value gives the best message.
  if (typeof value === "string") {
    const enumBranch = branches.find((b) => b[0]?.code === "invalid_value" && b[0].values.length > 1);
    if (enumBranch) return enumBranch;
    const formatBranch = branches.find((b) => b[0]?.code === "invalid_format");
    if (formatBranch) return formatBranch;
  }
  return undefined;
}

function unionExpectation(branches: readonly (readonly Issue[])[]): string {
  const parts = new Set<string>();
  for (const b of branches) {
    const i = b[0];
    if (!i) continue;
    if (i.code === "invalid_type") parts.add(article(i.expected));
    else if (i.code === "invalid_value") parts.add(i.values.map((v) => `\`${String(v)}\``).join(" | "));
  }
  return [...parts].join(" or ") || "a different value";
}
