/**
 * Runs one Kyverno CLI test (pure): evaluates the policies on the resources and checks every expected result
 * the way `kyverno test` does (rows matched by resource name or namespace/name, rules by name including
 * `autogen-` variants, a policy response without rule results counts as "Excluded").
 */
import { isObject } from "../json.js";
import { classifyPolicy } from "../policy-kind.js";
import type { LoadedPolicy, RuleStatus } from "../types.js";
import { evaluateResource, preparePolicies } from "../evaluate.js";
import type { EvaluateOptions, PolicyResponse } from "../evaluate.js";
import { gvkOf, resourceName, resourceNamespace } from "../engine/match.js";
import type { RequestInfo } from "../engine/match.js";
import type { ValuesSpec } from "../values.js";
import type { TestResultSpec } from "./test-file.js";

/** Everything a test needs, already read from disk. */
export interface LoadedTest {
  /** Path of the test file. */
  path: string;
  name: string;
  policies: LoadedPolicy[];
  resources: Record<string, unknown>[];
  values?: ValuesSpec;
  userInfo?: RequestInfo;
  clusterResources: Record<string, unknown>[];
  /** Image metadata from the context file, by image reference. */
  images?: Record<string, Record<string, unknown>>;
  results: TestResultSpec[];
  /** Resource files the test lists that do not exist (skipped, like the Kyverno CLI does). */
  missingFiles: string[];
  /** A problem loading the test (policies, resources, values…): every expectation is unmet. */
  loadError?: string;
}

/** One row of the `kyverno test` table. */
export interface TestRow {
  policy: string;
  rule: string;
  resource: string;
  /** Whether the expectation held for this row. */
  ok: boolean;
  /** `Ok`, `Want pass, got fail`, `Excluded`, `Not found`, … */
  reason: string;
  message: string;
  expected: RuleStatus;
  actual?: RuleStatus;
}

/**
 * `missing`: the expectation is about a resource that is in none of the test's files because a referenced
 * fixture file does not exist (e.g. a corpus copy without its `.chainsaw-test` directories).
 */
export type ExpectationStatus = "met" | "unmet" | "skipped" | "unsupported" | "missing";

/** One expected result for one named resource (the unit of the conformance figure). */
export interface Expectation {
  test: string;
  policy: string;
  rule: string;
  kind: string;
  resource: string;
  expected: RuleStatus;
  status: ExpectationStatus;
  /** For unmet, skipped and unsupported: why. */
  reason?: string;
  rows: TestRow[];
}

export interface TestReport {
  test: string;
  path: string;
  rows: TestRow[];
  expectations: Expectation[];
}

const RULELESS = new Set([
  "ValidatingPolicy",
  "NamespacedValidatingPolicy",
  "ValidatingAdmissionPolicy",
  "MutatingPolicy",
  "NamespacedMutatingPolicy",
  "MutatingAdmissionPolicy",
  "ImageValidatingPolicy",
  "NamespacedImageValidatingPolicy",
  "GeneratingPolicy",
  "NamespacedGeneratingPolicy",
  "DeletingPolicy",
  "NamespacedDeletingPolicy",
]);

function resourceKey(r: Record<string, unknown>): string {
  const s = (v: unknown): string => (typeof v === "string" ? v : "");
  return [s(r.apiVersion), s(r.kind), resourceNamespace(r), resourceName(r)].join(",");
}

/** `resource.RemoveDuplicates`: the first of each (group, kind, namespace, name). */
function uniqueResources(resources: Record<string, unknown>[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (const r of resources) {
    const gvk = gvkOf(r);
    const key = [gvk.group, gvk.kind, resourceNamespace(r), resourceName(r)].join("\u0000");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

function keyMatches(spec: string, key: string): boolean {
  const parts = key.split(",");
  const nsName = spec.split("/");
  if (nsName.length === 1) return spec === parts[parts.length - 1];
  if (nsName.length === 2)
    return nsName[0] === parts[parts.length - 2] && nsName[1] === parts[parts.length - 1];
  return false;
}

function displayResource(key: string): string {
  const [apiVersion = "", kind = "", ns = "", n = ""] = key.split(",");
  return [apiVersion, kind, ns, n].filter((x) => x !== "").join("/");
}

/** Why an expectation cannot be checked by this engine (mutate/generate rules, unsupported kinds). */
function unsupportedReason(result: TestResultSpec, policies: LoadedPolicy[]): string | undefined {
  if (result.unsupportedReason) return result.unsupportedReason;
  const policyName = result.policy.split("/").pop() ?? result.policy;
  const docs = policies
    .filter((p) => classifyPolicy(p.document).kind !== "other")
    .filter((p) => {
      const c = classifyPolicy(p.document);
      return "name" in c && c.name === policyName;
    });
  if (docs.length === 0) return undefined;
  const supported = docs.filter((p) => {
    const k = classifyPolicy(p.document).kind;
    return k === "kyverno" || k === "validating-policy" || k === "vap";
  });
  if (supported.length === 0) {
    const c = classifyPolicy(docs[0]?.document);
    return c.kind === "unsupported" ? c.reason : "unsupported policy kind";
  }
  if (result.rule === "") return undefined;
  for (const p of supported) {
    if (classifyPolicy(p.document).kind !== "kyverno") continue;
    const spec = isObject(p.document.spec) ? p.document.spec : {};
    const rules = Array.isArray(spec.rules) ? spec.rules.filter(isObject) : [];
    const rule = rules.find((r) => r.name === result.rule);
    if (!rule) continue;
    if (isObject(rule.mutate)) return "mutate rule (mutation is out of scope)";
    if (isObject(rule.generate)) return "generate rule (generation is out of scope)";
  }
  return undefined;
}

function ruleMatches(expected: string, actual: string): boolean {
  return actual === expected || actual === `autogen-${expected}` || actual === `autogen-cronjob-${expected}`;
}

/** The rows `kyverno test` prints for one expected result and one resource key. */
function rowsFor(result: TestResultSpec, key: string, responses: PolicyResponse[]): TestRow[] {
  const rows: TestRow[] = [];
  const policyName = result.policy.split("/").pop() ?? result.policy;
  const resource = displayResource(key);
  let sawResponse = false;
  for (const response of responses) {
    if (response.policy !== policyName) continue;
    sawResponse = true;
    const rules =
      result.rule === "" || RULELESS.has(response.policyKind)
        ? response.rules
        : response.rules.filter((r) => ruleMatches(result.rule, r.name));
    for (const rule of rules) {
      const ok = rule.status === result.result;
      rows.push({
        policy: result.policy,
        rule: rule.name,
        resource,
        ok,
        reason: ok ? "Ok" : `Want ${result.result}, got ${rule.status}`,
        message: rule.message,
        expected: result.result,
        actual: rule.status,
      });
    }
  }
  if (rows.length === 0 && sawResponse) {
    rows.push({
      policy: result.policy,
      rule: result.rule,
      resource,
      ok: true,
      reason: "Excluded",
      message: "Excluded",
      expected: result.result,
    });
  }
  if (rows.length === 0) {
    rows.push({
      policy: result.policy,
      rule: result.rule,
      resource,
      ok: false,
      reason: "Not found",
      message: "Not found",
      expected: result.result,
    });
  }
  return rows;
}

function classify(
  rows: TestRow[],
  expected: RuleStatus,
  offlineSkips: Set<TestRow>,
): { status: ExpectationStatus; reason?: string } {
  const bad = rows.find((r) => !r.ok);
  if (bad) {
    if (offlineSkips.has(bad)) return { status: "skipped", reason: bad.message };
    return { status: "unmet", reason: `${bad.reason}: ${bad.message}` };
  }
  // A resource the rule did not match at all only satisfies an expectation of pass or skip.
  if (expected === "fail" && rows.every((r) => r.reason === "Excluded")) {
    return { status: "unmet", reason: "Excluded: no rule of the policy matched the resource" };
  }
  return { status: "met" };
}

/** Runs a loaded test. */
export function runTest(test: LoadedTest): TestReport {
  const report: TestReport = { test: test.name, path: test.path, rows: [], expectations: [] };
  if (test.loadError !== undefined) {
    for (const r of test.results) {
      for (const name of r.resources.length > 0 ? r.resources : [""]) {
        const unsupported = unsupportedReason(r, test.policies);
        report.expectations.push({
          test: test.name,
          policy: r.policy,
          rule: r.rule,
          kind: r.kind,
          resource: name,
          expected: r.result,
          status: unsupported ? "unsupported" : "unmet",
          reason: unsupported ?? `test failed to load: ${test.loadError}`,
          rows: [],
        });
      }
    }
    return report;
  }
  const prepared = preparePolicies(test.policies);
  const resources = uniqueResources(test.resources);
  const baseOptions: EvaluateOptions = { clusterResources: test.clusterResources };
  if (test.values) baseOptions.values = test.values;
  if (test.userInfo) baseOptions.userInfo = test.userInfo;
  if (test.images) baseOptions.images = test.images;
  const byOperation = new Map<string, Map<string, PolicyResponse[]>>();
  const responsesFor = (operation: string): Map<string, PolicyResponse[]> => {
    let m = byOperation.get(operation);
    if (!m) {
      m = new Map();
      const opts: EvaluateOptions = operation === "" ? baseOptions : { ...baseOptions, operation };
      for (const r of resources) m.set(resourceKey(r), evaluateResource(prepared, r, opts));
      byOperation.set(operation, m);
    }
    return m;
  };
  for (const result of test.results) {
    const unsupported = unsupportedReason(result, test.policies);
    const names = result.resources.length > 0 ? result.resources : [""];
    for (const name of names) {
      const expectation: Expectation = {
        test: test.name,
        policy: result.policy,
        rule: result.rule,
        kind: result.kind,
        resource: name,
        expected: result.result,
        status: "met",
        rows: [],
      };
      if (unsupported) {
        expectation.status = "unsupported";
        expectation.reason = unsupported;
        report.expectations.push(expectation);
        continue;
      }
      const trigger = responsesFor(result.operation);
      const keys = [...trigger.keys()].filter((k) => name === "" || keyMatches(name, k));
      if (keys.length === 0) {
        const missing = test.missingFiles.length > 0;
        const row: TestRow = {
          policy: result.policy,
          rule: result.rule,
          resource: name,
          ok: false,
          reason: missing ? "Missing fixture" : "Not found",
          message: missing
            ? `resource ${name} is not in the test's resources; missing files: ${test.missingFiles.join(", ")}`
            : `resource ${name} is not in the test's resources`,
          expected: result.result,
        };
        expectation.rows.push(row);
        if (missing) {
          expectation.status = "missing";
          expectation.reason = row.message;
          report.rows.push(row);
          report.expectations.push(expectation);
          continue;
        }
      }
      const offline = new Set<TestRow>();
      for (const key of keys) {
        const responses = trigger.get(key) ?? [];
        const rows = rowsFor(result, key, responses);
        for (const row of rows) {
          const src = responses
            .flatMap((r) => r.rules)
            .find((r) => r.name === row.rule && r.offline === true);
          if (src && row.actual === "skip") offline.add(row);
        }
        expectation.rows.push(...rows);
      }
      const c = classify(expectation.rows, result.result, offline);
      expectation.status = c.status;
      if (c.reason !== undefined) expectation.reason = c.reason;
      report.rows.push(...expectation.rows);
      report.expectations.push(expectation);
    }
  }
  return report;
}
