/** Kyverno ValidatingPolicy evaluation (placeholder). */
import type { RuleResponse } from "../engine/kyverno-policy.js";
import type { RequestInfo } from "../engine/match.js";

export interface CelPolicyOptions {
  operation: string;
  namespaceLabels: Record<string, string> | undefined;
  namespaceObject: Record<string, unknown> | undefined;
  userInfo: RequestInfo | undefined;
  clusterResources?: Record<string, unknown>[];
}

export function evaluateValidatingPolicy(
  policy: Record<string, unknown>,
  resource: Record<string, unknown>,
  options: CelPolicyOptions,
): (RuleResponse & { action: "Enforce" | "Audit" })[][] {
  void policy;
  void resource;
  void options;
  return [];
}
