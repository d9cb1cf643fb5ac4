/**
 * One identity for Kubernetes objects, used by every stage: the compiler's decisions, the validator's
 * findings, the differs (`kintent set` previews, pull-request bodies), the Helm and Kustomize renderers.
 */
import type { ObjectRef } from "./finding.js";

/** A Kubernetes object as plain data. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The reference of any object-shaped value (missing fields read as ""; `generateName` as `name*`). */
export function refOf(o: unknown): ObjectRef {
  const r = isRecord(o) ? o : {};
  const md = isRecord(r.metadata) ? r.metadata : {};
  const name =
    typeof md.name === "string" ? md.name : typeof md.generateName === "string" ? `${md.generateName}*` : "";
  return {
    apiVersion: typeof r.apiVersion === "string" ? r.apiVersion : "",
    kind: typeof r.kind === "string" ? r.kind : "",
    name,
    ...(typeof md.namespace === "string" && md.namespace !== "" ? { namespace: md.namespace } : {}),
  };
}

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * The identity of an object: API group, kind, namespace, name — the same object whatever version of its API
 * it is written in. Use it as a map key.
 */
export function objectKey(o: ObjectRef | KObject): string {
  const ref = "metadata" in o ? refOf(o) : o;
  return `${groupOf(ref.apiVersion)}|${ref.kind}|${ref.namespace ?? ""}|${ref.name}`;
}

/** Whether two references name the same object (see {@link objectKey}). */
export function sameObject(a: ObjectRef, b: ObjectRef): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    (a.namespace ?? "") === (b.namespace ?? "") &&
    groupOf(a.apiVersion) === groupOf(b.apiVersion)
  );
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects), for messages. */
export function describeObject(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
