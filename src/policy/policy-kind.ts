/** Which engine handles a policy document. */
import { isObject } from "./json.js";

export type PolicyClass =
  | { kind: "kyverno"; name: string; namespace: string }
  | { kind: "validating-policy"; name: string; namespace: string }
  | { kind: "vap"; name: string }
  | { kind: "vap-binding"; name: string; policyName: string }
  | { kind: "unsupported"; name: string; policyKind: string; reason: string }
  | { kind: "other" };

const UNSUPPORTED: Record<string, string> = {
  MutatingPolicy: "MutatingPolicy (mutation) is out of scope",
  NamespacedMutatingPolicy: "NamespacedMutatingPolicy (mutation) is out of scope",
  MutatingAdmissionPolicy: "MutatingAdmissionPolicy (mutation) is out of scope",
  GeneratingPolicy: "GeneratingPolicy (generation) is out of scope",
  NamespacedGeneratingPolicy: "NamespacedGeneratingPolicy (generation) is out of scope",
  DeletingPolicy: "DeletingPolicy (cleanup) is out of scope",
  NamespacedDeletingPolicy: "NamespacedDeletingPolicy (cleanup) is out of scope",
  ClusterCleanupPolicy: "ClusterCleanupPolicy (cleanup) is out of scope",
  CleanupPolicy: "CleanupPolicy (cleanup) is out of scope",
  ImageValidatingPolicy: "ImageValidatingPolicy needs registry access (signatures, attestations)",
  NamespacedImageValidatingPolicy:
    "NamespacedImageValidatingPolicy needs registry access (signatures, attestations)",
};

export function classifyPolicy(doc: unknown): PolicyClass {
  if (!isObject(doc)) return { kind: "other" };
  const apiVersion = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
  const kind = typeof doc.kind === "string" ? doc.kind : "";
  const md = isObject(doc.metadata) ? doc.metadata : {};
  const name = typeof md.name === "string" ? md.name : "";
  const namespace = typeof md.namespace === "string" ? md.namespace : "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  if (group === "kyverno.io" && (kind === "ClusterPolicy" || kind === "Policy"))
    return { kind: "kyverno", name, namespace };
  if (
    group === "policies.kyverno.io" &&
    (kind === "ValidatingPolicy" || kind === "NamespacedValidatingPolicy")
  ) {
    return { kind: "validating-policy", name, namespace };
  }
  if (group === "admissionregistration.k8s.io" && kind === "ValidatingAdmissionPolicy")
    return { kind: "vap", name };
  if (group === "admissionregistration.k8s.io" && kind === "ValidatingAdmissionPolicyBinding") {
    const spec = isObject(doc.spec) ? doc.spec : {};
    return {
      kind: "vap-binding",
      name,
      policyName: typeof spec.policyName === "string" ? spec.policyName : "",
    };
  }
  const reason = UNSUPPORTED[kind];
  if (
    reason &&
    (group === "policies.kyverno.io" || group === "kyverno.io" || group === "admissionregistration.k8s.io")
  ) {
    return { kind: "unsupported", name, policyKind: kind, reason };
  }
  return { kind: "other" };
}
