/**
 * The one manifest differ: which objects were added, removed or changed between two sets, and for changed
 * objects the fields that differ, with their values before and after. Lists of named items (containers, env,
 * ports, volumes, mounts) are matched by name, not position. Used by the `kintent set` / `kintent ask`
 * previews and the pull-request bodies of `kintent propose`. Pure and deterministic.
 *
 * Secret values never leave through a diff: fields under a Secret's `data` / `stringData` show a marker.
 */
import type { ObjectRef } from "./finding.js";
import { describeObject, objectKey, refOf } from "./object.js";

export interface FieldChange {
  /** Readable path: `spec.template.spec.containers[shop].image`, `metadata.labels["app.kubernetes.io/name"]`. */
  path: string;
  /** Absent when the field was added. */
  before?: unknown;
  /** Absent when the field was removed. */
  after?: unknown;
}

export type ChangeKind = "added" | "changed" | "removed";

export interface ObjectChange {
  change: ChangeKind;
  object: ObjectRef;
  /** Where the object lives (a GitOps directory), when the diff is per scope. */
  scope?: string;
  /** Changed fields; empty for added and removed objects. */
  fields: FieldChange[];
}

/** What a Secret's value shows as in a diff. */
export const SECRET_VALUE_MARKER = "[REDACTED:secret-data]";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Diff two object lists, matched by identity (group, kind, namespace, name). Order: `after`'s order for added
 * and changed objects, then the removed ones in `before`'s order.
 */
export function diffObjects(
  before: readonly unknown[],
  after: readonly unknown[],
  scope?: string,
): ObjectChange[] {
  const old = new Map(before.map((o) => [objectKey(refOf(o)), o]));
  const seen = new Set<string>();
  const out: ObjectChange[] = [];
  const at = scope === undefined ? {} : { scope };
  for (const o of after) {
    const ref = refOf(o);
    const k = objectKey(ref);
    seen.add(k);
    const prev = old.get(k);
    if (prev === undefined) {
      out.push({ change: "added", object: ref, ...at, fields: [] });
      continue;
    }
    const fields = fieldChanges(prev, o, "", ref.kind === "Secret");
    if (fields.length > 0) out.push({ change: "changed", object: ref, ...at, fields });
  }
  for (const o of before) {
    const ref = refOf(o);
    if (!seen.has(objectKey(ref))) out.push({ change: "removed", object: ref, ...at, fields: [] });
  }
  return out;
}

/**
 * Changes per scope. `before` and `after` map a scope (e.g. `apps/shop/prod`) to the objects it holds; a scope
 * missing on one side holds nothing there. Output: scopes sorted; in each, removed, changed, then added objects.
 */
export function diffScopes(
  before: ReadonlyMap<string, readonly unknown[]>,
  after: ReadonlyMap<string, readonly unknown[]>,
): ObjectChange[] {
  const rank: Record<ChangeKind, number> = { removed: 0, changed: 1, added: 2 };
  const scopes = [...new Set([...before.keys(), ...after.keys()])].sort();
  return scopes.flatMap((scope) =>
    diffObjects(before.get(scope) ?? [], after.get(scope) ?? [], scope)
      .map((c, i) => ({ c, i }))
      .sort((x, y) => rank[x.c.change] - rank[y.c.change] || x.i - y.i)
      .map((x) => x.c),
  );
}

/** `a.b`, `a["app.kubernetes.io/name"]`. */
function child(path: string, key: string): string {
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
  if (path === "") return plain ? key : `[${JSON.stringify(key)}]`;
  return plain ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Arrays whose items all carry a distinct string `name` (or `key`, `mountPath`) are compared by it. */
function namedItems(list: readonly unknown[]): Map<string, unknown> | undefined {
  const m = new Map<string, unknown>();
  for (const item of list) {
    if (!isRecord(item)) return undefined;
    const name = item.name ?? item.key ?? item.mountPath;
    if (typeof name !== "string" || m.has(name)) return undefined;
    m.set(name, item);
  }
  return m;
}

function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The fields that differ between `a` and `b` (a whole subtree added or removed counts once). With `secret`,
 * values under `data` / `stringData` / `binaryData` are replaced by {@link SECRET_VALUE_MARKER}.
 */
export function fieldChanges(a: unknown, b: unknown, path = "", secret = false): FieldChange[] {
  const out: FieldChange[] = [];
  const hide = (p: string, v: unknown): unknown =>
    secret && /^(data|stringData|binaryData)\b/.test(p) && v !== undefined ? SECRET_VALUE_MARKER : v;
  const push = (p: string, before: unknown, after: unknown) =>
    out.push({
      path: p || "(document)",
      ...(before !== undefined ? { before: hide(p, before) } : {}),
      ...(after !== undefined ? { after: hide(p, after) } : {}),
    });
  const walk = (x: unknown, y: unknown, p: string): void => {
    if (isRecord(x) && isRecord(y)) {
      for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])]) {
        if (!(k in y)) push(child(p, k), x[k], undefined);
        else if (!(k in x)) push(child(p, k), undefined, y[k]);
        else walk(x[k], y[k], child(p, k));
      }
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      const nx = namedItems(x);
      const ny = namedItems(y);
      if (nx && ny && (nx.size > 0 || ny.size > 0)) {
        for (const [name, item] of ny) {
          const q = `${p}[${name}]`;
          if (!nx.has(name)) push(q, undefined, item);
          else walk(nx.get(name), item, q);
        }
        for (const [name, item] of nx) if (!ny.has(name)) push(`${p}[${name}]`, item, undefined);
        return;
      }
      if (x.length === y.length && x.every(isRecord) && y.every(isRecord)) {
        x.forEach((item, i) => walk(item, y[i], `${p}[${i}]`));
        return;
      }
    }
    if (!same(x, y)) push(p, x, y);
  };
  walk(a, b, path);
  return out;
}

export interface ChangeCounts {
  added: number;
  changed: number;
  removed: number;
}

export function countChanges(changes: readonly ObjectChange[]): ChangeCounts {
  const c: ChangeCounts = { added: 0, changed: 0, removed: 0 };
  for (const x of changes) c[x.change]++;
  return c;
}

/** `1 added, 2 changed, 0 removed`. */
export function summarizeChanges(changes: readonly ObjectChange[]): string {
  const c = countChanges(changes);
  return `${c.added} added, ${c.changed} changed, ${c.removed} removed`;
}

function show(v: unknown): string {
  if (v === undefined) return "∅";
  const s = typeof v === "string" ? (/^[\w./:@%-]+$/.test(v) ? v : JSON.stringify(v)) : JSON.stringify(v);
  return s.length > 100 ? `${s.slice(0, 97)}…` : s;
}

/** Text form: `+ Kind ns/name`, `- Kind ns/name`, `~ Kind ns/name` with `path: before → after` lines. */
export function formatChanges(changes: readonly ObjectChange[], indent = ""): string {
  const lines: string[] = [];
  for (const c of changes) {
    const mark = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
    lines.push(`${indent}${mark} ${c.scope !== undefined ? `${c.scope}: ` : ""}${describeObject(c.object)}`);
    for (const f of c.fields) {
      if (!("before" in f)) lines.push(`${indent}    + ${f.path}: ${show(f.after)}`);
      else if (!("after" in f)) lines.push(`${indent}    - ${f.path}: ${show(f.before)}`);
      else lines.push(`${indent}    ${f.path}: ${show(f.before)} → ${show(f.after)}`);
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}
