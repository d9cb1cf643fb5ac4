/**
 * The policy gate for the validator: load policy files once, then evaluate them against any set of manifests.
 * Imported lazily (`await import`) by interfaces that have policies, so the engine costs nothing otherwise.
 */
import { loadPolicies } from "./load.js";
import { evaluatePolicies } from "./evaluate.js";
import type { Finding } from "../core/finding.js";
import type { ManifestInput } from "../validate/index.js";

export interface PolicyGate {
  /** Number of policy documents loaded. */
  count: number;
  evaluate: (inputs: readonly ManifestInput[]) => Finding[];
}

/** Load policies from files or directories; load errors are returned, not thrown. */
export function policyGate(paths: readonly string[]): {
  gate?: PolicyGate;
  errors: { file: string; message: string }[];
} {
  const lp = loadPolicies(paths);
  if (lp.errors.length > 0) return { errors: lp.errors };
  const policies = lp.policies;
  return {
    gate: {
      count: policies.length,
      evaluate: (inputs) =>
        evaluatePolicies(
          policies,
          inputs.map((i) => ({ object: i.object, ...(i.source ? { source: i.source } : {}) })),
        ).findings,
    },
    errors: [],
  };
}
