/**
 * Facts about built-in Kubernetes resources that an offline engine needs: which kinds are cluster-scoped
 * and the plural resource name of a kind (for admission `resourceRules`). From the API discovery data of
 * a current Kubernetes release plus Kyverno's own CRDs.
 */
import { isObject } from "./json.js";

const CLUSTER_SCOPED: Record<string, string[]> = {
  "": ["ComponentStatus", "Namespace", "Node", "PersistentVolume"],
  "admissionregistration.k8s.io": [
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
  ],
  "apiextensions.k8s.io": ["CustomResourceDefinition"],
  "apiregistration.k8s.io": ["APIService"],
  "authentication.k8s.io": ["SelfSubjectReview", "TokenReview"],
  "authorization.k8s.io": ["SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"],
  "certificates.k8s.io": ["CertificateSigningRequest", "ClusterTrustBundle"],
  "flowcontrol.apiserver.k8s.io": ["FlowSchema", "PriorityLevelConfiguration"],
  "networking.k8s.io": ["IPAddress", "IngressClass", "ServiceCIDR"],
  "node.k8s.io": ["RuntimeClass"],
  "rbac.authorization.k8s.io": ["ClusterRole", "ClusterRoleBinding"],
  "resource.k8s.io": ["DeviceClass", "ResourceSlice"],
  "scheduling.k8s.io": ["PriorityClass"],
  "storage.k8s.io": ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment", "VolumeAttributesClass"],
  "kyverno.io": ["ClusterPolicy", "ClusterCleanupPolicy", "ClusterPolicyReport"],
  "policies.kyverno.io": [
    "ValidatingPolicy",
    "ImageValidatingPolicy",
    "MutatingPolicy",
    "GeneratingPolicy",
    "DeletingPolicy",
  ],
};

const PLURALS: Record<string, string> = {
  Binding: "bindings",
  ComponentStatus: "componentstatuses",
  ConfigMap: "configmaps",
  Endpoints: "endpoints",
  Event: "events",
  LimitRange: "limitranges",
  Namespace: "namespaces",
  Node: "nodes",
  PersistentVolume: "persistentvolumes",
  PersistentVolumeClaim: "persistentvolumeclaims",
  Pod: "pods",
  PodTemplate: "podtemplates",
  ReplicationController: "replicationcontrollers",
  ResourceQuota: "resourcequotas",
  Secret: "secrets",
  Service: "services",
  ServiceAccount: "serviceaccounts",
  ControllerRevision: "controllerrevisions",
  DaemonSet: "daemonsets",
  Deployment: "deployments",
  ReplicaSet: "replicasets",
  StatefulSet: "statefulsets",
  HorizontalPodAutoscaler: "horizontalpodautoscalers",
  CronJob: "cronjobs",
  Job: "jobs",
  Ingress: "ingresses",
  IngressClass: "ingressclasses",
  NetworkPolicy: "networkpolicies",
  PodDisruptionBudget: "poddisruptionbudgets",
  ClusterRole: "clusterroles",
  ClusterRoleBinding: "clusterrolebindings",
  Role: "roles",
  RoleBinding: "rolebindings",
  PriorityClass: "priorityclasses",
  StorageClass: "storageclasses",
  EndpointSlice: "endpointslices",
  Lease: "leases",
};

/** Whether a kind is cluster-scoped (unknown kinds are treated as namespaced, like the Kyverno CLI). */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return CLUSTER_SCOPED[group]?.includes(kind) ?? false;
}

/** The plural resource name of a kind (`Deployment` → `deployments`), guessing for unknown kinds. */
export function pluralOf(kind: string): string {
  const known = PLURALS[kind];
  if (known) return known;
  const lower = kind.toLowerCase();
  if (lower.endsWith("s") || lower.endsWith("x") || lower.endsWith("ch") || lower.endsWith("sh"))
    return `${lower}es`;
  if (lower.endsWith("y") && !/[aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

const NIL_MAP_FIELDS = new Set([
  "annotations",
  "labels",
  "matchLabels",
  "nodeSelector",
  "data",
  "stringData",
]);

function normalizeNilMaps(obj: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v === null && NIL_MAP_FIELDS.has(k)) {
      obj[k] = {};
      continue;
    }
    if (isObject(v)) normalizeNilMaps(v);
    else if (Array.isArray(v)) for (const item of v) if (isObject(item)) normalizeNilMaps(item);
  }
}

/**
 * Prepares a manifest the way the Kyverno CLI loads it: namespaced kinds without a namespace go to `default`,
 * and null `labels`/`annotations`/… become empty maps. Mutates and returns the object.
 */
export function normalizeResource(resource: Record<string, unknown>): Record<string, unknown> {
  const apiVersion = typeof resource.apiVersion === "string" ? resource.apiVersion : "";
  const kind = typeof resource.kind === "string" ? resource.kind : "";
  const md = isObject(resource.metadata) ? resource.metadata : undefined;
  const ns = md && typeof md.namespace === "string" ? md.namespace : "";
  if (ns === "" && !isClusterScoped(apiVersion, kind)) {
    if (md) md.namespace = "default";
    else resource.metadata = { namespace: "default" };
  }
  normalizeNilMaps(resource);
  return resource;
}
