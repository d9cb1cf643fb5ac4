/** Public types of the policy engine. */

/** A rule's outcome for one resource, as Kyverno reports it. */
export type RuleStatus = "pass" | "fail" | "warn" | "error" | "skip";

export type PolicyKind =
  | "ClusterPolicy"
  | "Policy"
  | "ValidatingPolicy"
  | "NamespacedValidatingPolicy"
  | "ValidatingAdmissionPolicy";

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** One evaluated (policy, rule, resource) triple. */
export interface RuleResult {
  policy: string;
  policyKind: string;
  policyNamespace?: string;
  /** The rule name; empty for ruleless policy kinds (ValidatingPolicy, ValidatingAdmissionPolicy). */
  rule: string;
  resource: ResourceRef;
  status: RuleStatus;
  message: string;
  /** `Enforce` or `Audit` (from the rule or the policy; ValidatingPolicy: `Deny` maps to Enforce). */
  action: "Enforce" | "Audit";
  /** JSON Pointer (into the resource) of the failing field, when the engine knows it. */
  path?: string;
  /** For `skip`: why. */
  reason?: string;
  /** The rule needs something the offline engine cannot do (a live cluster, a registry, …). */
  offline?: boolean;
  /** Index of the resource in the input list. */
  resourceIndex: number;
}

/** A rule kind the engine does not evaluate (mutate, generate, …): counted, never reported as pass. */
export interface UnsupportedRule {
  policy: string;
  policyKind: string;
  rule: string;
  reason: string;
}

/** A loaded policy document, with where it came from. */
export interface LoadedPolicy {
  /** The raw document (kyverno.io/v1 ClusterPolicy/Policy, ValidatingPolicy, ValidatingAdmissionPolicy…). */
  document: Record<string, unknown>;
  file?: string;
  /** 0-based index of the document in its file. */
  index?: number;
}
