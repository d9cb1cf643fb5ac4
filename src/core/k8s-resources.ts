/**
 * Facts about Kubernetes resources that every offline stage needs: which kinds are cluster-scoped (the one
 * list: the compiler's extra manifests, the validator, the policy engine, the AI gate) and the plural resource
 * name of a kind (for admission `resourceRules`). From the API discovery data of a current Kubernetes release,
 * Kyverno's own CRDs and the CRDs kintent emits or meets (cert-manager, Gateway API).
 */

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
  "kyverno.io": ["ClusterPolicy", "ClusterCleanupPolicy", "ClusterPolicyReport", "ClusterPolicyException"],
  "cert-manager.io": ["ClusterIssuer"],
  "gateway.networking.k8s.io": ["GatewayClass"],
  "management.cattle.io": ["ClusterRoleTemplate"],
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

/** Every cluster-scoped kind by name, whatever its group (for places that know only the kind). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(Object.values(CLUSTER_SCOPED).flat());

/** Whether a kind name is cluster-scoped in any group kintent knows. */
export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
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
