/**
 * Object-level changes between two sets of manifests — what a reviewer needs at the top of a pull request:
 * which objects are added, changed or removed, and for changed ones the fields that differ. Pure.
 */
import type { KObject } from "../compile/types.js";
import type { ObjectRef } from "../validate/finding.js";

export type ChangeKind = "added" | "changed" | "removed";

export interface ObjectChange {
  change: ChangeKind;
  object: ObjectRef;
  /** Where the object lives in the repository (its directory or file). */
  scope: string;
  /** Changed fields (`spec.template.spec.containers[app].image`); empty for added and removed objects. */
  fields: string[];
}

/** Identity of an object across versions of its apiVersion: group, kind, namespace, name. */
function identity(o: KObject): string {
  const slash = o.apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : o.apiVersion.slice(0, slash);
  return `${group}|${o.kind}|${o.metadata.namespace ?? ""}|${o.metadata.name}`;
}

function refOf(o: KObject): ObjectRef {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}

/**
 * Changes per scope. `before` and `after` map a scope (e.g. `apps/shop/prod`) to the objects it holds; a scope
 * missing on one side holds nothing there. Output order: scopes sorted, then removed, changed, added objects,
 * each in the order of their side.
 */
export function diffScopes(
  before: ReadonlyMap<string, readonly KObject[]>,
  after: ReadonlyMap<string, readonly KObject[]>,
): ObjectChange[] {
  const scopes = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: ObjectChange[] = [];
  for (const scope of scopes) {
    const a = before.get(scope) ?? [];
    const b = after.get(scope) ?? [];
    const byIdB = new Map(b.map((o) => [identity(o), o]));
    const byIdA = new Map(a.map((o) => [identity(o), o]));
    for (const o of a) {
      if (!byIdB.has(identity(o))) out.push({ change: "removed", object: refOf(o), scope, fields: [] });
    }
    for (const o of b) {
      const old = byIdA.get(identity(o));
      if (!old) continue;
      const fields = changedFields(old, o);
      if (fields.length > 0) out.push({ change: "changed", object: refOf(o), scope, fields });
    }
    for (const o of b) {
      if (!byIdA.has(identity(o))) out.push({ change: "added", object: refOf(o), scope, fields: [] });
    }
  }
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `a.b`, `a["app.kubernetes.io/name"]`, `a[0]`, `containers[app]`. */
function child(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Arrays of objects that all carry a distinct string `name` are compared by name, not position. */
function namedItems(list: readonly unknown[]): Map<string, unknown> | undefined {
  if (list.length === 0) return undefined;
  const m = new Map<string, unknown>();
  for (const item of list) {
    if (!isObj(item) || typeof item.name !== "string" || m.has(item.name)) return undefined;
    m.set(item.name, item);
  }
  return m;
}

/** Leaf paths whose values differ between `a` and `b` (a whole subtree added or removed counts once). */
export function changedFields(a: unknown, b: unknown, path = ""): string[] {
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => {
      if (!(k in a) || !(k in b)) return [child(path, k)];
      return changedFields(a[k], b[k], child(path, k));
    });
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const na = namedItems(a);
    const nb = namedItems(b);
    if (na && nb) {
      const names = [...new Set([...na.keys(), ...nb.keys()])];
      return names.flatMap((n) => {
        const p = `${path}[${n}]`;
        if (!na.has(n) || !nb.has(n)) return [p];
        return changedFields(na.get(n), nb.get(n), p);
      });
    }
    if (a.length !== b.length) return [path];
    return a.flatMap((item, i) => changedFields(item, b[i], `${path}[${i}]`));
  }
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b) ? [] : [path || "(document)"];
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

/** `Deployment payments/my-service`. */
export function describeObject(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
