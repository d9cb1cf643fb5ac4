/** `validate.cel` rules of kyverno.io/v1 policies (Kyverno handlers/validation/validate_cel.go). */
import { isObject } from "../json.js";
import { admissionBindings, evaluateValidations, namedExpressions, validationsOf } from "../cel/admission.js";
import type { AdmissionAttributes } from "../cel/admission.js";
import { pluralOf } from "../../core/k8s-resources.js";
import type { RuleResponse } from "./kyverno-policy.js";
import { gvkOf, resourceName, resourceNamespace } from "./match.js";
import type { RequestInfo } from "./match.js";

export interface CelRuleInput {
  object: Record<string, unknown> | null;
  oldObject: Record<string, unknown> | null;
  operation: string;
  namespaceObject: Record<string, unknown> | undefined;
  requestInfo: RequestInfo | undefined;
  clusterObjects?: Record<string, unknown>[];
}

export function validateCelRule(rule: Record<string, unknown>, input: CelRuleInput): RuleResponse {
  const name = typeof rule.name === "string" ? rule.name : "";
  const v = isObject(rule.validate) ? rule.validate : {};
  const cel = isObject(v.cel) ? v.cel : {};
  if (isObject(cel.paramKind) || isObject(cel.paramRef)) {
    return {
      name,
      status: "skip",
      message:
        "validate.cel parameters (paramKind/paramRef) need a live cluster, which is not available offline",
      offline: true,
    };
  }
  const res = input.object ?? input.oldObject ?? {};
  const gvk = gvkOf(res);
  const ns = gvk.kind === "Namespace" ? "" : resourceNamespace(res);
  const a: AdmissionAttributes = {
    object: input.object,
    oldObject: input.oldObject,
    operation: input.operation,
    group: gvk.group,
    version: gvk.version,
    kind: gvk.kind,
    resource: pluralOf(gvk.kind),
    subresource: "",
    namespace: ns,
    name: resourceName(res),
  };
  const namespaceObject = ns !== "" ? { metadata: { name: ns } } : null;
  const outcome = evaluateValidations({
    bindings: admissionBindings(a, input.requestInfo, namespaceObject, false),
    intsAsInt: false,
    variables: namedExpressions(cel.variables),
    matchConditions: namedExpressions(rule.celPreconditions),
    validations: validationsOf(cel.expressions, typeof v.message === "string" ? v.message : ""),
    failurePolicy: "Fail",
    clusterObjects: input.clusterObjects ?? [],
  });
  switch (outcome.status) {
    case "pass":
      return { name, status: "pass", message: `Validation rule '${name}' passed.` };
    case "nomatch":
      return { name, status: "skip", message: "cel preconditions not met" };
    case "fail":
    case "error":
      // Kyverno's CEL validator denies on evaluation errors too (failure policy Fail).
      return { name, status: "fail", message: outcome.message };
    case "offline":
      return { name, status: "skip", message: outcome.message.replace(/^.*offline:\s*/, ""), offline: true };
  }
}
