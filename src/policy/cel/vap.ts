/** ValidatingAdmissionPolicy evaluation (placeholder). */
import type { RuleResponse } from "../engine/kyverno-policy.js";
import type { CelPolicyOptions } from "./validating-policy.js";

export function evaluateVap(
  policy: Record<string, unknown>,
  bindings: Record<string, unknown>[],
  resource: Record<string, unknown>,
  options: CelPolicyOptions,
): (RuleResponse & { action: "Enforce" | "Audit" })[] {
  void policy;
  void bindings;
  void resource;
  void options;
  return [];
}
