/** `validate.podSecurity` rules (placeholder). */
import type { RuleResponse } from "./kyverno-policy.js";

export function validatePodSecurityRule(
  rule: Record<string, unknown>,
  resource: Record<string, unknown>,
  message: string,
): RuleResponse {
  void resource;
  void message;
  return { name: String(rule.name), status: "skip", message: "podSecurity not implemented yet" };
}
