/** `validate.cel` rules (placeholder until the CEL layer lands). */
import type { RuleResponse } from "./kyverno-policy.js";
import type { RequestInfo } from "./match.js";

export interface CelRuleInput {
  object: Record<string, unknown> | null;
  oldObject: Record<string, unknown> | null;
  operation: string;
  namespaceObject: Record<string, unknown> | undefined;
  requestInfo: RequestInfo | undefined;
}

export function validateCelRule(rule: Record<string, unknown>, input: CelRuleInput): RuleResponse {
  void input;
  return { name: String(rule.name), status: "skip", message: "CEL not implemented yet" };
}
