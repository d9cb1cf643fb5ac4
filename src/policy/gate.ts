/**
 * The policy gate for the validator: load policy files once, then evaluate them against any set of manifests.
 * Imported lazily (`await import`) by interfaces that have policies, so the engine costs nothing otherwise.
 */
import { loadPolicies } from "./load.js";
import { evaluatePolicies } from "./evaluate.js";
import type { Finding } from "../core/finding.js";
import type { SourceDocument } from "../core/yaml-source.js";

/** A manifest to evaluate (the validator passes its own inputs, which have this shape). */
export interface PolicyInput {
  object: Record<string, unknown>;
  source?: SourceDocument;
}

export interface PolicyGate {
  /** Number of policy documents loaded. */
  count: number;
  evaluate: (inputs: readonly PolicyInput[]) => Finding[];
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
