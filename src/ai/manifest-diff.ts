/**
 * Object-level diff of two manifest sets: which objects were added, removed or changed, and for changed
 * objects the fields that differ (lists of named items — containers, env, ports, volumes — matched by
 * name). Pure and deterministic; the text form is what `kintent set` / `kintent ask` print.
 */

export interface FieldChange {
  /** Readable path: `spec.template.spec.containers[shop].image`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ObjectChange {
  change: "added" | "removed" | "changed";
  kind: string;
  name: string;
  namespace?: string;
  fields: FieldChange[];
}

interface Obj {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

function str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v);
}

function keyOf(o: Obj): string {
  return `${str(o.kind)}\u0000${str(o.metadata?.namespace)}\u0000${str(o.metadata?.name)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Diff two object lists. Objects are matched by kind, namespace and name; output follows `after`'s order. */
export function diffManifests(before: readonly object[], after: readonly object[]): ObjectChange[] {
  const old = new Map(before.map((o) => [keyOf(o as Obj), o]));
  const seen = new Set<string>();
  const out: ObjectChange[] = [];
  const ref = (o: Obj) => ({
    kind: str(o.kind),
    name: str(o.metadata?.name),
    ...(o.metadata?.namespace ? { namespace: str(o.metadata.namespace) } : {}),
  });
  for (const o of after) {
    const k = keyOf(o);
    seen.add(k);
    const prev = old.get(k);
    if (!prev) {
      out.push({ change: "added", ...ref(o), fields: [] });
      continue;
    }
    const fields: FieldChange[] = [];
    diffValue(prev, o, "", fields);
    if (fields.length > 0) out.push({ change: "changed", ...ref(o), fields });
  }
  for (const o of before) {
    if (!seen.has(keyOf(o))) out.push({ change: "removed", ...ref(o), fields: [] });
  }
  return out;
}

function join(path: string, key: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key);
  if (path === "") return plain ? key : `[${JSON.stringify(key)}]`;
  return plain ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

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

function diffValue(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      if (!(k in b)) out.push({ path: join(path, k), before: a[k] });
      else if (!(k in a)) out.push({ path: join(path, k), after: b[k] });
      else diffValue(a[k], b[k], join(path, k), out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const na = namedItems(a);
    const nb = namedItems(b);
    if (na && nb && (na.size > 0 || nb.size > 0)) {
      for (const [name, item] of nb) {
        const p = `${path}[${name}]`;
        if (!na.has(name)) out.push({ path: p, after: item });
        else diffValue(na.get(name), item, p, out);
      }
      for (const [name, item] of na) if (!nb.has(name)) out.push({ path: `${path}[${name}]`, before: item });
      return;
    }
    if (a.length === b.length && a.every((x) => isRecord(x)) && b.every((x) => isRecord(x))) {
      a.forEach((x, i) => diffValue(x, b[i], `${path}[${i}]`, out));
      return;
    }
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, before: a, after: b });
}

function show(v: unknown): string {
  if (v === undefined) return "∅";
  const s = typeof v === "string" ? (/^[\w./:@%-]+$/.test(v) ? v : JSON.stringify(v)) : JSON.stringify(v);
  return s.length > 100 ? `${s.slice(0, 97)}…` : s;
}

function title(c: ObjectChange): string {
  return `${c.kind} ${c.namespace ? `${c.namespace}/` : ""}${c.name}`;
}

/** Text form: `+ Kind ns/name`, `- Kind ns/name`, `~ Kind ns/name` with `path: before → after` lines. */
export function formatManifestDiff(changes: readonly ObjectChange[], indent = ""): string {
  const lines: string[] = [];
  for (const c of changes) {
    const mark = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
    lines.push(`${indent}${mark} ${title(c)}`);
    for (const f of c.fields) {
      if (f.before === undefined) lines.push(`${indent}    + ${f.path}: ${show(f.after)}`);
      else if (f.after === undefined) lines.push(`${indent}    - ${f.path}: ${show(f.before)}`);
      else lines.push(`${indent}    ${f.path}: ${show(f.before)} → ${show(f.after)}`);
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** `1 added, 2 changed, 0 removed`. */
export function summarizeManifestDiff(changes: readonly ObjectChange[]): string {
  const n = (k: ObjectChange["change"]) => changes.filter((c) => c.change === k).length;
  return `${n("added")} added, ${n("changed")} changed, ${n("removed")} removed`;
}
