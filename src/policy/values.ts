/**
 * Mock values for offline evaluation, as the Kyverno CLI reads them from a `Values` file (or a Test's
 * inline `values`): global values, per-policy per-resource values, per-rule values (context entries),
 * namespace labels and namespace objects.
 */
import { isObject } from "./json.js";

export interface ValuesSpec {
  globalValues?: Record<string, unknown>;
  policies?: {
    name: string;
    resources?: { name: string; values?: Record<string, unknown> }[];
    rules?: { name: string; values?: Record<string, unknown>; foreachValues?: Record<string, unknown[]> }[];
  }[];
  namespaceSelector?: { name: string; labels?: Record<string, string> }[];
  namespaces?: Record<string, unknown>[];
}

/** Reads a ValuesSpec out of arbitrary YAML data (unknown fields are ignored). */
export function toValuesSpec(doc: unknown): ValuesSpec {
  if (!isObject(doc)) return {};
  const out: ValuesSpec = {};
  if (isObject(doc.globalValues)) out.globalValues = doc.globalValues;
  if (Array.isArray(doc.policies)) {
    out.policies = doc.policies.filter(isObject).map((p) => ({
      name: typeof p.name === "string" ? p.name : "",
      resources: (Array.isArray(p.resources) ? p.resources.filter(isObject) : []).map((r) => ({
        name: typeof r.name === "string" ? r.name : "",
        values: isObject(r.values) ? r.values : {},
      })),
      rules: (Array.isArray(p.rules) ? p.rules.filter(isObject) : []).map((r) => ({
        name: typeof r.name === "string" ? r.name : "",
        values: isObject(r.values) ? r.values : {},
        foreachValues: isObject(r.foreachValues) ? (r.foreachValues as Record<string, unknown[]>) : {},
      })),
    }));
  }
  if (Array.isArray(doc.namespaceSelector)) {
    out.namespaceSelector = doc.namespaceSelector.filter(isObject).map((n) => {
      const labels: Record<string, string> = {};
      if (isObject(n.labels)) for (const [k, v] of Object.entries(n.labels)) labels[k] = String(v);
      return { name: typeof n.name === "string" ? n.name : "", labels };
    });
  }
  if (Array.isArray(doc.namespaces)) out.namespaces = doc.namespaces.filter(isObject);
  return out;
}

function nsName(n: Record<string, unknown>): string {
  const md = isObject(n.metadata) ? n.metadata : {};
  return typeof md.name === "string" ? md.name : "";
}

function nsLabels(n: Record<string, unknown>): Record<string, string> {
  const md = isObject(n.metadata) ? n.metadata : {};
  const out: Record<string, string> = {};
  if (isObject(md.labels))
    for (const [k, v] of Object.entries(md.labels)) if (typeof v === "string") out[k] = v;
  return out;
}

/** `Variables.NamespaceSelectors()`: namespace name → labels. */
export function namespaceLabelsMap(values: ValuesSpec | undefined): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const n of values?.namespaceSelector ?? []) out.set(n.name, n.labels ?? {});
  for (const n of values?.namespaces ?? []) out.set(nsName(n), nsLabels(n));
  return out;
}

/** `Variables.Namespace(name)`: the Namespace object the CEL engines see as `namespaceObject`. */
export function namespaceObject(
  values: ValuesSpec | undefined,
  name: string,
): Record<string, unknown> | undefined {
  for (const n of values?.namespaces ?? []) if (nsName(n) === name) return n;
  for (const n of values?.namespaceSelector ?? []) {
    if (n.name === name) {
      return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: n.labels ?? {} } };
    }
  }
  return undefined;
}

/** `Variables.ComputeVariables`: the variables for one (policy, resource), with `request.operation`. */
export function computeVariables(
  values: ValuesSpec | undefined,
  policy: string,
  resourceName: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(values?.globalValues ?? {}) };
  for (const p of values?.policies ?? []) {
    if (p.name !== policy) continue;
    for (const r of p.resources ?? []) if (r.name === resourceName) Object.assign(out, r.values ?? {});
  }
  if (!("request.operation" in out)) out["request.operation"] = "CREATE";
  return out;
}

/** The operation a kyverno.io/v1 policy is evaluated with, from `request.operation`. */
export function operationFromVariables(vars: Record<string, unknown>, explicit?: string): string {
  if (explicit) return explicit;
  const op = vars["request.operation"];
  if (op === "DELETE" || op === "UPDATE") return op;
  return "CREATE";
}

/** The operation CEL policies are evaluated with (only the global `request.operation` counts). */
export function celOperation(values: ValuesSpec | undefined, explicit?: string): string {
  if (explicit) return explicit;
  const op = values?.globalValues?.["request.operation"];
  if (op === "UPDATE" || op === "DELETE" || op === "CREATE") return op;
  return "CREATE";
}

/** Mock values of a rule (`policies[].rules[].values`). */
export function ruleValues(
  values: ValuesSpec | undefined,
  policy: string,
  rule: string,
): Record<string, unknown> | undefined {
  for (const p of values?.policies ?? []) {
    if (p.name !== policy) continue;
    for (const r of p.rules ?? []) {
      const names = [r.name, `autogen-${r.name}`, `autogen-cronjob-${r.name}`];
      if (names.includes(rule)) return r.values && Object.keys(r.values).length > 0 ? r.values : undefined;
    }
  }
  return undefined;
}
