/**
 * Kubernetes ValidatingAdmissionPolicy (+ bindings), evaluated as the Kyverno CLI does without a cluster:
 * the request is a CREATE, bindings narrow the match, parameters are not available.
 */
import { isObject } from "../json.js";
import type { CelPolicyOptions, ActionRule } from "./validating-policy.js";
import {
  admissionBindings,
  attributesFor,
  evaluateValidations,
  matchConstraints,
  namedExpressions,
  validationsOf,
} from "./admission.js";

type Obj = Record<string, unknown>;

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function evaluateOnce(
  policy: Obj,
  resource: Obj,
  options: CelPolicyOptions,
  action: "Enforce" | "Audit",
): ActionRule {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const md = isObject(policy.metadata) ? policy.metadata : {};
  const name = typeof md.name === "string" ? md.name : "";
  const a = attributesFor(resource, "CREATE");
  const nsObject: Obj | null =
    a.namespace !== "" ? { metadata: { name: a.namespace, labels: options.namespaceLabels ?? {} } } : {};
  if (isObject(spec.paramKind)) {
    return {
      name,
      status: "skip",
      message:
        "ValidatingAdmissionPolicy parameters (paramKind) need a live cluster, which is not available offline",
      action,
      offline: true,
    };
  }
  const outcome = evaluateValidations({
    bindings: admissionBindings(a, options.userInfo, nsObject, false),
    intsAsInt: false,
    variables: namedExpressions(spec.variables),
    matchConditions: namedExpressions(spec.matchConditions),
    validations: validationsOf(spec.validations),
    failurePolicy: typeof spec.failurePolicy === "string" ? spec.failurePolicy : "Fail",
    clusterObjects: options.clusterResources ?? [],
  });
  switch (outcome.status) {
    case "pass":
      return { name, status: "pass", message: "", action };
    case "nomatch":
      return { name, status: "skip", message: "match conditions aren't met", action };
    case "fail":
      return { name, status: "fail", message: outcome.message, action };
    case "error":
      return { name, status: "error", message: outcome.message, action };
    case "offline":
      return {
        name,
        status: "skip",
        message: outcome.message.replace(/^.*offline:\s*/, ""),
        action,
        offline: true,
      };
  }
}

/** Evaluates one ValidatingAdmissionPolicy with its bindings; returns the rule results (0 or 1). */
export function evaluateVap(
  policy: Obj,
  bindings: Obj[],
  resource: Obj,
  options: CelPolicyOptions,
): ActionRule[] {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const a = attributesFor(resource, "CREATE");
  const nsObject: Obj | undefined =
    a.namespace !== "" ? { metadata: { name: a.namespace, labels: options.namespaceLabels ?? {} } } : {};
  // The policy's own constraints always apply (the Kyverno CLI skips them when bindings exist; the API
  // server does not).
  const own = matchConstraints(spec.matchConstraints, a, nsObject);
  if (own.error !== undefined || !own.matches) return [];
  if (bindings.length === 0) return [evaluateOnce(policy, resource, options, "Audit")];
  let result: ActionRule[] = [];
  for (const binding of bindings) {
    const bspec = isObject(binding.spec) ? binding.spec : {};
    const actions = strings(bspec.validationActions);
    const action = actions.includes("Deny") ? "Enforce" : "Audit";
    if (isObject(bspec.matchResources)) {
      const m = matchConstraints(bspec.matchResources, a, nsObject);
      if (m.error !== undefined || !m.matches) continue;
    }
    result = [evaluateOnce(policy, resource, options, action)];
  }
  return result;
}
