/**
 * Reading Kubernetes objects generically: kinds, references, pod specs and their containers.
 */
import { escapeSegment } from "../core/json-pointer.js";

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asStr = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
/** A scalar as text (objects as JSON), for messages. */
export const scalarText = (v: unknown): string =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);

export function kindOf(o: Obj): string {
  return typeof o.kind === "string" ? o.kind : "";
}
export function apiVersionOf(o: Obj): string {
  return typeof o.apiVersion === "string" ? o.apiVersion : "";
}
export function groupOf(o: Obj): string {
  const av = apiVersionOf(o);
  return av.includes("/") ? (av.split("/")[0] ?? "") : "";
}
export function nameOf(o: Obj): string {
  const m = asObj(o.metadata);
  return typeof m.name === "string" ? m.name : typeof m.generateName === "string" ? `${m.generateName}*` : "";
}
export function namespaceOf(o: Obj): string | undefined {
  const ns = asObj(o.metadata).namespace;
  return typeof ns === "string" ? ns : undefined;
}
export function labelsOf(o: Obj): Record<string, string> {
  return asObj(asObj(o.metadata).labels) as Record<string, string>;
}
export function annotationsOf(o: Obj): Record<string, string> {
  return asObj(asObj(o.metadata).annotations) as Record<string, string>;
}

export { refOf } from "../core/object.js";

/** Workload kinds that hold a pod template, and where it is. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  Rollout: ["spec", "template", "spec"],
  DeploymentConfig: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Kinds that run pods ("DeploymentLike" in kube-linter's words). */
export const POD_KINDS = Object.keys(POD_SPEC_PATHS);

/** Long-running workloads (replicas, probes and PDBs make sense for them). */
export const SERVICE_WORKLOADS = [
  "Deployment",
  "StatefulSet",
  "ReplicaSet",
  "ReplicationController",
  "Rollout",
  "DaemonSet",
  "DeploymentConfig",
];

export interface PodSpecAt {
  spec: Obj;
  /** JSON Pointer of the pod spec inside the object. */
  path: string;
  /** JSON Pointer of the pod template metadata, when the object has one. */
  templateMetaPath?: string;
  templateLabels: Record<string, string>;
}

export function podSpecOf(o: Obj): PodSpecAt | undefined {
  const kind = kindOf(o);
  const segs = POD_SPEC_PATHS[kind];
  if (!segs) return undefined;
  if (kind === "Rollout" && !isObj(asObj(o.spec).template)) return undefined; // workloadRef rollouts
  let cur: unknown = o;
  for (const s of segs) cur = asObj(cur)[s];
  if (!isObj(cur)) return undefined;
  const path = "/" + segs.join("/");
  if (kind === "Pod") return { spec: cur, path, templateMetaPath: "/metadata", templateLabels: labelsOf(o) };
  const tmplSegs = segs.slice(0, -1);
  let tmpl: unknown = o;
  for (const s of tmplSegs) tmpl = asObj(tmpl)[s];
  const meta = asObj(asObj(tmpl).metadata);
  return {
    spec: cur,
    path,
    templateMetaPath: "/" + [...tmplSegs, "metadata"].join("/"),
    templateLabels: asObj(meta.labels) as Record<string, string>,
  };
}

export interface ContainerAt {
  container: Obj;
  path: string;
  name: string;
  kind: "containers" | "initContainers" | "ephemeralContainers";
}

export function containersOf(
  pod: PodSpecAt,
  kinds: ContainerAt["kind"][] = ["containers", "initContainers", "ephemeralContainers"],
): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const k of kinds) {
    asArr(pod.spec[k]).forEach((c, i) => {
      if (isObj(c))
        out.push({ container: c, path: `${pod.path}/${k}/${i}`, name: asStr(c.name) ?? `#${i}`, kind: k });
    });
  }
  return out;
}

/** Declared replicas (undefined when the field is absent; defaults to 1 on the server). */
export function replicasOf(o: Obj): number | undefined {
  const r = asObj(o.spec).replicas;
  return typeof r === "number" ? r : undefined;
}

/** Does a label selector (matchLabels + matchExpressions) match these labels? Empty selector matches all. */
export function selectorMatches(selector: Obj, labels: Record<string, string>): boolean {
  const ml = asObj(selector.matchLabels);
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of asArr(selector.matchExpressions)) {
    const ex = asObj(e);
    const key = asStr(ex.key) ?? "";
    const values = asArr(ex.values).map(String);
    const has = key in labels;
    const val = labels[key];
    switch (ex.operator) {
      case "In":
        if (!has || !values.includes(val as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(val as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A plain map selector (Service.spec.selector). An empty map selects nothing for Services. */
export function mapSelectorMatches(
  selector: Record<string, unknown>,
  labels: Record<string, string>,
): boolean {
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels[k] === v);
}

export function pointer(...segs: (string | number)[]): string {
  return segs.length === 0 ? "" : "/" + segs.map(escapeSegment).join("/");
}

/**
 * The strings in a value that `test` accepts, with their JSON Pointers, in document order. Pointers are built
 * only for the strings that pass: a check scanning every string of thousands of objects for a rare pattern
 * pays for a walk, not for a pointer per string.
 */
export function stringsWhere(v: unknown, test: (s: string) => boolean): [string, string][] {
  const out: [string, string][] = [];
  const path: string[] = [];
  const walk = (x: unknown): void => {
    if (typeof x === "string") {
      if (test(x)) out.push([path.length === 0 ? "" : "/" + path.map(escapeSegment).join("/"), x]);
    } else if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) {
        path.push(String(i));
        walk(x[i]);
        path.pop();
      }
    } else if (isObj(x)) {
      for (const [k, y] of Object.entries(x)) {
        path.push(k);
        walk(y);
        path.pop();
      }
    }
  };
  walk(v);
  return out;
}

/** Image reference parts enough for checks: registry host, tag, digest. */
export { splitImage as imageParts } from "../core/image.js";
