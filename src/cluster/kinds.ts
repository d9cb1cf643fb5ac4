/**
 * The kinds kintent reads from a cluster, as data: where each is served, whether it is namespaced, and what of
 * it is kept in memory. This table is also the read-only RBAC (deploy/cluster-reader/) — a test proves the two
 * agree — so kintent never needs, and never asks for, more than list/get/watch on exactly these.
 */

export interface ResourceKind {
  kind: string;
  apiVersion: string;
  /** REST resource name. */
  plural: string;
  namespaced: boolean;
  /** Why kintent reads it (the RBAC file repeats it). */
  why: string;
  /** Read only the object metadata (`PartialObjectMetadataList`): the values are none of kintent's business. */
  metadataOnly?: boolean;
  /** Optional: a 404 (CRD not installed) or 403 (not granted) skips the kind with a note, never an error. */
  optional?: boolean;
}

export const RESOURCES: readonly ResourceKind[] = [
  {
    kind: "Pod",
    apiVersion: "v1",
    plural: "pods",
    namespaced: true,
    why: "container states, restarts, conditions",
  },
  {
    kind: "Event",
    apiVersion: "v1",
    plural: "events",
    namespaced: true,
    why: "evidence: what kubelet, the scheduler and the controllers said",
  },
  {
    kind: "Service",
    apiVersion: "v1",
    plural: "services",
    namespaced: true,
    why: "selectors of Services without endpoints",
  },
  {
    kind: "ConfigMap",
    apiVersion: "v1",
    plural: "configmaps",
    namespaced: true,
    why: "which ConfigMaps (and keys) exist, for dangling references",
  },
  {
    kind: "PersistentVolumeClaim",
    apiVersion: "v1",
    plural: "persistentvolumeclaims",
    namespaced: true,
    why: "claims stuck Pending",
  },
  {
    kind: "Node",
    apiVersion: "v1",
    plural: "nodes",
    namespaced: false,
    why: "labels and taints, for unschedulable pods",
    optional: true,
  },
  {
    kind: "EndpointSlice",
    apiVersion: "discovery.k8s.io/v1",
    plural: "endpointslices",
    namespaced: true,
    why: "which Services have ready endpoints",
  },
  {
    kind: "Deployment",
    apiVersion: "apps/v1",
    plural: "deployments",
    namespaced: true,
    why: "owners of failing pods; rollout progress",
  },
  {
    kind: "ReplicaSet",
    apiVersion: "apps/v1",
    plural: "replicasets",
    namespaced: true,
    why: "pod → Deployment/Rollout ownership",
  },
  {
    kind: "StatefulSet",
    apiVersion: "apps/v1",
    plural: "statefulsets",
    namespaced: true,
    why: "owners of failing pods; rollout progress",
  },
  {
    kind: "DaemonSet",
    apiVersion: "apps/v1",
    plural: "daemonsets",
    namespaced: true,
    why: "owners of failing pods",
  },
  { kind: "Job", apiVersion: "batch/v1", plural: "jobs", namespaced: true, why: "owners of failing pods" },
  {
    kind: "HorizontalPodAutoscaler",
    apiVersion: "autoscaling/v2",
    plural: "horizontalpodautoscalers",
    namespaced: true,
    why: "autoscalers that cannot read metrics",
  },
  {
    kind: "PodDisruptionBudget",
    apiVersion: "policy/v1",
    plural: "poddisruptionbudgets",
    namespaced: true,
    why: "budgets that block every eviction",
  },
  {
    kind: "Ingress",
    apiVersion: "networking.k8s.io/v1",
    plural: "ingresses",
    namespaced: true,
    why: "routes to missing Services",
  },
  {
    kind: "StorageClass",
    apiVersion: "storage.k8s.io/v1",
    plural: "storageclasses",
    namespaced: false,
    why: "claims naming a StorageClass that does not exist",
    optional: true,
  },
  {
    kind: "HTTPRoute",
    apiVersion: "gateway.networking.k8s.io/v1",
    plural: "httproutes",
    namespaced: true,
    why: "routes to missing Services",
    optional: true,
  },
  {
    kind: "IngressRoute",
    apiVersion: "traefik.io/v1alpha1",
    plural: "ingressroutes",
    namespaced: true,
    why: "routes to missing Services",
    optional: true,
  },
  {
    kind: "TraefikService",
    apiVersion: "traefik.io/v1alpha1",
    plural: "traefikservices",
    namespaced: true,
    why: "weighted routes to missing Services",
    optional: true,
  },
  {
    kind: "Rollout",
    apiVersion: "argoproj.io/v1alpha1",
    plural: "rollouts",
    namespaced: true,
    why: "canary phase, step, weights; owners of failing pods",
    optional: true,
  },
  {
    kind: "AnalysisRun",
    apiVersion: "argoproj.io/v1alpha1",
    plural: "analysisruns",
    namespaced: true,
    why: "measured values of a failed canary gate",
    optional: true,
  },
  {
    kind: "Application",
    apiVersion: "argoproj.io/v1alpha1",
    plural: "applications",
    namespaced: true,
    why: "Argo CD sync revision and health (read in every namespace, matched by destination)",
    optional: true,
  },
];

const BY_KIND = new Map(RESOURCES.map((r) => [r.kind, r]));

export function resourceKind(kind: string): ResourceKind {
  const r = BY_KIND.get(kind);
  if (!r) throw new Error(`kintent does not read ${kind}`);
  return r;
}

/** The REST path of a collection (`namespace` undefined: every namespace, or a cluster-scoped kind). */
export function collectionPath(r: ResourceKind, namespace?: string): string {
  const base = r.apiVersion.includes("/") ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  const ns = r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${r.plural}`;
}
