/**
 * Evaluates a set of policies against a set of resources, offline: kyverno.io/v1 policies, Kyverno
 * ValidatingPolicies and Kubernetes ValidatingAdmissionPolicies. Pure: data in, data out.
 */
import { cloneJson, isObject } from "./json.js";
import { classifyPolicy } from "./policy-kind.js";
import type { LoadedPolicy, ResourceRef, RuleResult, UnsupportedRule } from "./types.js";
import { evaluateKyvernoPolicy, ruleAction } from "./engine/kyverno-policy.js";
import type { RuleResponse } from "./engine/kyverno-policy.js";
import type { RequestInfo } from "./engine/match.js";
import { resourceName, resourceNamespace } from "./engine/match.js";
import { evaluateValidatingPolicy } from "./cel/validating-policy.js";
import { evaluateVap } from "./cel/vap.js";
import {
  celOperation,
  computeVariables,
  namespaceLabelsMap,
  namespaceObject,
  operationFromVariables,
  ruleValues,
} from "./values.js";
import type { ValuesSpec } from "./values.js";
import { normalizeResource } from "./normalize.js";
import { basename } from "node:path";
import { toFindings, toJsonPointer } from "./findings.js";
import type { Finding } from "../core/finding.js";
import type { SourceDocument } from "../core/yaml-source.js";

export interface EvaluateOptions {
  /** Admission operation to simulate; by default CREATE (or what the values say). */
  operation?: string;
  /** Kyverno CLI mock values. */
  values?: ValuesSpec;
  /** The requesting user (Kyverno CLI `userinfo`). */
  userInfo?: RequestInfo;
  /** Cluster objects visible to CEL `resource.Get/List` (Kyverno CLI `context` file). */
  clusterResources?: Record<string, unknown>[];
  /** Image metadata for CEL `image.GetMetadata` (Kyverno CLI `context` file `images`), by image reference. */
  images?: Record<string, Record<string, unknown>>;
}

/** One policy's response for one resource (Kyverno's EngineResponse). */
export interface PolicyResponse {
  policy: string;
  policyKind: string;
  policyNamespace: string;
  rules: (RuleResponse & { action: "Enforce" | "Audit" })[];
  /** Rules that matched but are not evaluated by this engine (mutate, generate, verifyImages…). */
  unsupported: { rule: string; reason: string }[];
}

export interface PreparedPolicies {
  kyverno: Record<string, unknown>[];
  validating: Record<string, unknown>[];
  vaps: Record<string, unknown>[];
  bindings: Record<string, unknown>[];
  unsupported: UnsupportedRule[];
}

/** Sorts loaded policy documents by engine; unsupported kinds are listed with a reason. */
export function preparePolicies(policies: readonly LoadedPolicy[]): PreparedPolicies {
  const out: PreparedPolicies = { kyverno: [], validating: [], vaps: [], bindings: [], unsupported: [] };
  for (const p of policies) {
    const c = classifyPolicy(p.document);
    switch (c.kind) {
      case "kyverno":
        out.kyverno.push(p.document);
        break;
      case "validating-policy":
        out.validating.push(p.document);
        break;
      case "vap":
        out.vaps.push(p.document);
        break;
      case "vap-binding":
        out.bindings.push(p.document);
        break;
      case "unsupported":
        out.unsupported.push({ policy: c.name, policyKind: c.policyKind, rule: "", reason: c.reason });
        break;
      case "other":
        break;
    }
  }
  return out;
}

function hasValidateRules(policy: Record<string, unknown>): boolean {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const rules = Array.isArray(spec.rules) ? spec.rules.filter(isObject) : [];
  return rules.some(
    (r) => (isObject(r.validate) && Object.keys(r.validate).length > 0) || Array.isArray(r.verifyImages),
  );
}

function name(o: Record<string, unknown>): string {
  const md = isObject(o.metadata) ? o.metadata : {};
  return typeof md.name === "string" ? md.name : "";
}

/** Evaluates every policy against one resource, in Kyverno's order (v1 policies, VAPs, ValidatingPolicies). */
export function evaluateResource(
  prepared: PreparedPolicies,
  resource: Record<string, unknown>,
  options: EvaluateOptions = {},
): PolicyResponse[] {
  const out: PolicyResponse[] = [];
  const ns = resourceNamespace(resource);
  const nsLabels = namespaceLabelsMap(options.values);
  for (const policy of prepared.kyverno) {
    const policyName = name(policy);
    const vars = computeVariables(options.values, policyName, resourceName(resource));
    const operation = operationFromVariables(vars, options.operation);
    if (options.operation) vars["request.operation"] = options.operation;
    const env = {
      operation,
      namespaceLabels: nsLabels.get(ns),
      namespaceObject:
        ns !== "" ? { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } } : undefined,
      values: vars,
      ruleValues: (p: string, r: string) => ruleValues(options.values, p, r),
      ...(options.userInfo ? { requestInfo: options.userInfo } : {}),
    };
    const spec = isObject(policy.spec) ? policy.spec : {};
    const rulesByName = new Map<string, Record<string, unknown>>();
    for (const r of Array.isArray(spec.rules) ? spec.rules.filter(isObject) : [])
      rulesByName.set(String(r.name), r);
    const evaluation = evaluateKyvernoPolicy(policy, cloneJson(resource), env);
    if (!hasValidateRules(policy) && evaluation.unsupported.length === 0) continue;
    const md = isObject(policy.metadata) ? policy.metadata : {};
    out.push({
      policy: policyName,
      policyKind: typeof policy.kind === "string" ? policy.kind : "ClusterPolicy",
      policyNamespace: policy.kind === "Policy" && typeof md.namespace === "string" ? md.namespace : "",
      rules: evaluation.responses.map((r) => {
        const base = r.name.replace(/^autogen-(cronjob-)?/, "");
        const ruleDoc = rulesByName.get(r.name) ?? rulesByName.get(base) ?? {};
        return { ...r, action: ruleAction(ruleDoc, spec) };
      }),
      unsupported: evaluation.unsupported,
    });
  }
  const op = celOperation(options.values, options.operation);
  for (const vap of prepared.vaps) {
    const bindings = prepared.bindings.filter((b) => isObject(b.spec) && b.spec.policyName === name(vap));
    const r = evaluateVap(vap, bindings, resource, {
      operation: op,
      namespaceLabels: nsLabels.get(ns),
      namespaceObject: namespaceObject(options.values, ns),
      userInfo: options.userInfo,
    });
    out.push({
      policy: name(vap),
      policyKind: "ValidatingAdmissionPolicy",
      policyNamespace: "",
      rules: r,
      unsupported: [],
    });
  }
  for (const vpol of prepared.validating) {
    const responses = evaluateValidatingPolicy(vpol, resource, {
      operation: op,
      namespaceLabels: nsLabels.get(ns),
      namespaceObject: namespaceObject(options.values, ns),
      userInfo: options.userInfo,
      clusterResources: options.clusterResources ?? [],
      ...(options.images ? { images: options.images } : {}),
    });
    for (const rules of responses) {
      out.push({
        policy: name(vpol),
        policyKind: typeof vpol.kind === "string" ? vpol.kind : "ValidatingPolicy",
        policyNamespace: vpol.kind === "NamespacedValidatingPolicy" ? resourceNamespace(vpol) : "",
        rules,
        unsupported: [],
      });
    }
  }
  return out;
}

export function resourceRef(resource: Record<string, unknown>): ResourceRef {
  const ref: ResourceRef = {
    apiVersion: typeof resource.apiVersion === "string" ? resource.apiVersion : "",
    kind: typeof resource.kind === "string" ? resource.kind : "",
    name: resourceName(resource),
  };
  const ns = resourceNamespace(resource);
  if (ns !== "") ref.namespace = ns;
  return ref;
}

/** Flattens policy responses into RuleResults. */
export function toRuleResults(
  responses: PolicyResponse[],
  resource: Record<string, unknown>,
  resourceIndex: number,
): RuleResult[] {
  const ref = resourceRef(resource);
  const out: RuleResult[] = [];
  for (const pr of responses) {
    for (const r of pr.rules) {
      const result: RuleResult = {
        policy: pr.policy,
        policyKind: pr.policyKind,
        rule: r.name,
        resource: ref,
        status: r.status,
        message: r.message,
        action: r.action,
        resourceIndex,
      };
      if (pr.policyNamespace !== "") result.policyNamespace = pr.policyNamespace;
      const pointer = toJsonPointer(r.path, resource);
      if (pointer !== undefined) result.path = pointer;
      if (r.status === "skip") result.reason = r.message;
      if (r.offline) result.offline = true;
      out.push(result);
    }
  }
  return out;
}

/** A manifest to evaluate, with its source document when it was read from a file. */
export interface PolicyResource {
  object: Record<string, unknown>;
  source?: SourceDocument;
}

export interface PolicyEvaluationReport {
  /** Every rule result, in resource order then policy order. */
  results: RuleResult[];
  /** Failures, evaluation errors and offline skips as findings. */
  findings: Finding[];
  /** Policies and rules this engine does not evaluate (mutation, generation, …), counted once each. */
  unsupported: UnsupportedRule[];
}

/**
 * Evaluates policies against manifests, offline. Resources are copied and normalized the way the Kyverno CLI
 * loads them (namespaced kinds without a namespace are in `default`).
 */
export function evaluatePolicies(
  policies: readonly LoadedPolicy[],
  resources: readonly PolicyResource[],
  options: EvaluateOptions = {},
): PolicyEvaluationReport {
  const prepared = preparePolicies(policies);
  const results: RuleResult[] = [];
  const unsupported = new Map<string, UnsupportedRule>();
  for (const u of prepared.unsupported) unsupported.set(`${u.policyKind}/${u.policy}/${u.rule}`, u);
  resources.forEach((res, index) => {
    const object = normalizeResource(cloneJson(res.object));
    const responses = evaluateResource(prepared, object, options);
    results.push(...toRuleResults(responses, object, index));
    for (const pr of responses) {
      for (const u of pr.unsupported) {
        unsupported.set(`${pr.policyKind}/${pr.policy}/${u.rule}`, {
          policy: pr.policy,
          policyKind: pr.policyKind,
          rule: u.rule,
          reason: u.reason,
        });
      }
    }
  });
  const findings = toFindings(
    results,
    resources.map((r) => r.source),
  );
  return { results, findings, unsupported: [...unsupported.values()] };
}

/**
 * Rules (and policies) that matched no object: a policy written for a kind the bundle does not have (a Pod rule
 * when the bundle holds a Rollout the autogen does not cover) passes without a word otherwise — the Kyverno CLI
 * says nothing either. Autogen variants (`autogen-…`) count for the rule they come from. Info findings about the
 * whole run (not one object), so the caller collects results over the run and asks once at the end.
 */
export function unmatchedPolicies(
  policies: readonly LoadedPolicy[],
  results: readonly Pick<RuleResult, "policyKind" | "policy" | "rule">[],
  unsupported: ReadonlySet<string> = new Set(),
): Finding[] {
  const matched = new Set(
    results.map((r) => `${r.policyKind}/${r.policy}/${r.rule.replace(/^autogen-(cronjob-)?/, "")}`),
  );
  const matchedPolicies = new Set(results.map((r) => `${r.policyKind}/${r.policy}`));
  const out: Finding[] = [];
  for (const p of policies) {
    const doc = p.document;
    const kind = typeof doc.kind === "string" ? doc.kind : "";
    const md =
      typeof doc.metadata === "object" && doc.metadata !== null
        ? (doc.metadata as Record<string, unknown>)
        : {};
    const name = typeof md.name === "string" ? md.name : "";
    const spec =
      typeof doc.spec === "object" && doc.spec !== null ? (doc.spec as Record<string, unknown>) : {};
    const rules = Array.isArray(spec.rules)
      ? spec.rules
          .map((r) => (typeof r === "object" && r !== null ? (r as Record<string, unknown>).name : undefined))
          .filter((n): n is string => typeof n === "string")
      : [];
    const from = p.file !== undefined ? ` (${basename(p.file)})` : "";
    const base = { severity: "info" as const, messageId: "no-match" };
    if (!matchedPolicies.has(`${kind}/${name}`)) {
      out.push({
        ...base,
        checkId: `policy:${name}`,
        message: `${kind} ${name}${from} matched no object in the input: none of its rules was evaluated (check its match kinds, namespaces and selectors)`,
      });
      continue;
    }
    for (const rule of rules)
      if (!matched.has(`${kind}/${name}/${rule}`) && !unsupported.has(`${kind}/${name}/${rule}`))
        out.push({
          ...base,
          checkId: `policy:${name}/${rule}`,
          message: `rule ${rule} of ${kind} ${name}${from} matched no object in the input: it was not evaluated`,
        });
  }
  return out;
}
