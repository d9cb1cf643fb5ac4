/**
 * Built-in API versions the Kubernetes API server no longer serves, with the version that replaces each and
 * the release that removed it (the Kubernetes deprecated-API migration guide). Data, not code: an object in one
 * of these versions is refused by the API server, so the validator reports an error naming the replacement,
 * then validates the object as the replacement version (what the user gets after changing `apiVersion`).
 */
export interface RemovedApi {
  /** `group/version` that is gone. */
  apiVersion: string;
  kind: string;
  /** `group/version` to use instead; undefined when the kind itself is gone. */
  replacement?: string;
  removedIn: string;
  /** What to do when there is no replacement. */
  note?: string;
}

const R = (
  apiVersion: string,
  kinds: string[],
  replacement: string | undefined,
  removedIn: string,
  note?: string,
) =>
  kinds.map((kind): RemovedApi => ({
    apiVersion,
    kind,
    removedIn,
    ...(replacement !== undefined ? { replacement } : {}),
    ...(note !== undefined ? { note } : {}),
  }));

export const REMOVED_APIS: readonly RemovedApi[] = [
  ...R("extensions/v1beta1", ["Deployment", "DaemonSet", "ReplicaSet"], "apps/v1", "1.16"),
  ...R("extensions/v1beta1", ["NetworkPolicy"], "networking.k8s.io/v1", "1.16"),
  ...R("extensions/v1beta1", ["Ingress"], "networking.k8s.io/v1", "1.22"),
  ...R("extensions/v1beta1", ["PodSecurityPolicy"], undefined, "1.16", "Pod Security Admission replaces it"),
  ...R("apps/v1beta1", ["Deployment", "StatefulSet", "ReplicaSet", "ControllerRevision"], "apps/v1", "1.16"),
  ...R(
    "apps/v1beta2",
    ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"],
    "apps/v1",
    "1.16",
  ),
  ...R("networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], "networking.k8s.io/v1", "1.22"),
  ...R("batch/v1beta1", ["CronJob"], "batch/v1", "1.25"),
  ...R("batch/v2alpha1", ["CronJob"], "batch/v1", "1.21"),
  ...R("policy/v1beta1", ["PodDisruptionBudget"], "policy/v1", "1.25"),
  ...R("policy/v1beta1", ["PodSecurityPolicy"], undefined, "1.25", "Pod Security Admission replaces it"),
  ...R("autoscaling/v2beta1", ["HorizontalPodAutoscaler"], "autoscaling/v2", "1.25"),
  ...R("autoscaling/v2beta2", ["HorizontalPodAutoscaler"], "autoscaling/v2", "1.26"),
  ...R(
    "rbac.authorization.k8s.io/v1beta1",
    ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"],
    "rbac.authorization.k8s.io/v1",
    "1.22",
  ),
  ...R(
    "rbac.authorization.k8s.io/v1alpha1",
    ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"],
    "rbac.authorization.k8s.io/v1",
    "1.22",
  ),
  ...R(
    "admissionregistration.k8s.io/v1beta1",
    ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
    "admissionregistration.k8s.io/v1",
    "1.22",
  ),
  ...R("apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"], "apiextensions.k8s.io/v1", "1.22"),
  ...R("apiregistration.k8s.io/v1beta1", ["APIService"], "apiregistration.k8s.io/v1", "1.22"),
  ...R("certificates.k8s.io/v1beta1", ["CertificateSigningRequest"], "certificates.k8s.io/v1", "1.22"),
  ...R("coordination.k8s.io/v1beta1", ["Lease"], "coordination.k8s.io/v1", "1.22"),
  ...R("scheduling.k8s.io/v1beta1", ["PriorityClass"], "scheduling.k8s.io/v1", "1.22"),
  ...R("scheduling.k8s.io/v1alpha1", ["PriorityClass"], "scheduling.k8s.io/v1", "1.17"),
  ...R(
    "storage.k8s.io/v1beta1",
    ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
    "storage.k8s.io/v1",
    "1.22",
  ),
  ...R("storage.k8s.io/v1beta1", ["CSIStorageCapacity"], "storage.k8s.io/v1", "1.27"),
  ...R("discovery.k8s.io/v1beta1", ["EndpointSlice"], "discovery.k8s.io/v1", "1.25"),
  ...R("events.k8s.io/v1beta1", ["Event"], "events.k8s.io/v1", "1.25"),
  ...R("node.k8s.io/v1beta1", ["RuntimeClass"], "node.k8s.io/v1", "1.25"),
  ...R(
    "flowcontrol.apiserver.k8s.io/v1beta1",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "flowcontrol.apiserver.k8s.io/v1",
    "1.26",
  ),
  ...R(
    "flowcontrol.apiserver.k8s.io/v1beta2",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "flowcontrol.apiserver.k8s.io/v1",
    "1.29",
  ),
  ...R(
    "flowcontrol.apiserver.k8s.io/v1beta3",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "flowcontrol.apiserver.k8s.io/v1",
    "1.32",
  ),
];

const byKey = new Map(REMOVED_APIS.map((r) => [`${r.apiVersion}/${r.kind}`, r]));

/** The removal record of `apiVersion` `kind`, when the API server no longer serves it. */
export function removedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  return byKey.get(`${apiVersion}/${kind}`);
}
