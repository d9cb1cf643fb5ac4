/**
 * The policy gate for the validator: load policy files once, then evaluate them against any set of manifests.
 * Imported lazily (`await import`) by interfaces that have policies, so the engine costs nothing otherwise.
 */
import { loadPolicies } from "./load.js";
import { evaluatePolicies, unmatchedPolicies } from "./evaluate.js";
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
  /** Rules and policies that matched no object in any `evaluate` call so far (info findings). */
  unmatched: () => Finding[];
}

/** Load policies from files or directories; load errors are returned, not thrown. */
export function policyGate(paths: readonly string[]): {
  gate?: PolicyGate;
  errors: { file: string; message: string }[];
} {
  const lp = loadPolicies(paths);
  if (lp.errors.length > 0) return { errors: lp.errors };
  const policies = lp.policies;
  const seen: { policyKind: string; policy: string; rule: string }[] = [];
  const unsupported = new Set<string>();
  return {
    gate: {
      count: policies.length,
      evaluate: (inputs) => {
        const r = evaluatePolicies(
          policies,
          inputs.map((i) => ({ object: i.object, ...(i.source ? { source: i.source } : {}) })),
        );
        for (const x of r.results) seen.push({ policyKind: x.policyKind, policy: x.policy, rule: x.rule });
        for (const u of r.unsupported) unsupported.add(`${u.policyKind}/${u.policy}/${u.rule}`);
        return r.findings;
      },
      unmatched: () => unmatchedPolicies(policies, seen, unsupported),
    },
    errors: [],
  };
}
