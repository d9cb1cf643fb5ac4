import type { KObject } from "../core/object.js";
/**
 * Deterministic output: objects in apply order (what others depend on first), keys with
 * apiVersion/kind/metadata first. Nothing here depends on input order.
 */

/** Apply order, after Helm's install order: namespaces and identities, config, services, workloads, policy, routing. */
export const KIND_ORDER = [
  "Namespace",
  "ResourceQuota",
  "LimitRange",
  "ServiceAccount",
  "Secret",
  "ConfigMap",
  "PersistentVolumeClaim",
  "Role",
  "RoleBinding",
  "Service",
  "AnalysisTemplate",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Rollout",
  "Job",
  "CronJob",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "NetworkPolicy",
  "Certificate",
  "Middleware",
  "TraefikService",
  "ReferenceGrant",
  "Ingress",
  "HTTPRoute",
  "IngressRoute",
  "Application",
  "ApplicationSet",
];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareObjects(a: KObject, b: KObject): number {
  return (
    kindRank(a.kind) - kindRank(b.kind) ||
    cmp(a.kind, b.kind) ||
    cmp(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
    cmp(a.metadata.name, b.metadata.name) ||
    cmp(a.apiVersion, b.apiVersion)
  );
}

export function sortObjects(objects: KObject[]): KObject[] {
  return [...objects].sort(compareObjects);
}

const METADATA_ORDER = ["name", "generateName", "namespace", "labels", "annotations"];

/** apiVersion, kind, metadata (name, namespace, labels, annotations), then the rest in insertion order. */
export function canonicalize(o: KObject): KObject {
  const { apiVersion, kind, metadata, ...rest } = o;
  const md: Record<string, unknown> = {};
  for (const k of METADATA_ORDER) if (metadata[k] !== undefined) md[k] = metadata[k];
  for (const [k, v] of Object.entries(metadata))
    if (!METADATA_ORDER.includes(k) && v !== undefined) md[k] = v;
  return { apiVersion, kind, metadata: md as KObject["metadata"], ...rest };
}
