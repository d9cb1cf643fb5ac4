/** The Kyverno CLI test file (`cli.kyverno.io/v1alpha1` `Test`), as data. */
import { isObject } from "../json.js";
import type { RuleStatus } from "../types.js";
import type { ValuesSpec } from "../values.js";
import { toValuesSpec } from "../values.js";
import type { RequestInfo } from "../engine/match.js";

export interface TestResultSpec {
  policy: string;
  rule: string;
  kind: string;
  result: RuleStatus;
  resources: string[];
  operation: string;
  /** Set when the expectation is about mutation/generation output or a kind this engine does not run. */
  unsupportedReason?: string;
}

export interface TestSpec {
  name: string;
  policies: string[];
  resources: string[];
  variables?: string;
  values?: ValuesSpec;
  userInfo?: string;
  context?: string;
  exceptions: string[];
  results: TestResultSpec[];
}

function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

const UNSUPPORTED_FLAGS: [string, string][] = [
  ["isMutatingPolicy", "MutatingPolicy results are out of scope (mutation)"],
  ["isMUtatingPolicy", "MutatingPolicy results are out of scope (mutation)"],
  ["isMutatingAdmissionPolicy", "MutatingAdmissionPolicy results are out of scope (mutation)"],
  ["isGeneratingPolicy", "GeneratingPolicy results are out of scope (generation)"],
  ["isDeletingPolicy", "DeletingPolicy results are out of scope (cleanup)"],
  ["isImageValidatingPolicy", "ImageValidatingPolicy results need registry access"],
];

function resultSpec(r: Record<string, unknown>): TestResultSpec {
  const spec: TestResultSpec = {
    policy: str(r.policy),
    rule: str(r.rule),
    kind: str(r.kind),
    result: str(r.result) as RuleStatus,
    resources: strs(r.resources),
    operation: str(r.operation),
  };
  if (str(r.patchedResources) !== "" || str(r.patchedResource) !== "") {
    spec.unsupportedReason = "expects a patched resource (mutation is out of scope)";
  } else if (
    str(r.generatedResource) !== "" ||
    strs(r.generatedResources).length > 0 ||
    str(r.cloneSourceResource) !== ""
  ) {
    spec.unsupportedReason = "expects a generated resource (generation is out of scope)";
  } else {
    for (const [flag, reason] of UNSUPPORTED_FLAGS) if (r[flag] === true) spec.unsupportedReason = reason;
  }
  return spec;
}

/** Reads a Test document. */
export function parseTestSpec(doc: unknown): TestSpec {
  const d = isObject(doc) ? doc : {};
  const md = isObject(d.metadata) ? d.metadata : {};
  const spec: TestSpec = {
    name: str(md.name) || str(d.name),
    policies: strs(d.policies),
    resources: strs(d.resources),
    exceptions: strs(d.exceptions),
    results: (Array.isArray(d.results) ? d.results.filter(isObject) : []).map(resultSpec),
  };
  if (str(d.variables) !== "") spec.variables = str(d.variables);
  if (isObject(d.values)) spec.values = toValuesSpec(d.values);
  if (str(d.userinfo) !== "") spec.userInfo = str(d.userinfo);
  if (str(d.context) !== "") spec.context = str(d.context);
  return spec;
}

/** Reads a `UserInfo` document into the request info the engine uses. */
export function parseUserInfo(doc: unknown): RequestInfo {
  const d = isObject(doc) ? doc : {};
  const ui = isObject(d.userInfo) ? d.userInfo : {};
  return {
    roles: strs(d.roles),
    clusterRoles: strs(d.clusterRoles),
    username: str(ui.username),
    groups: strs(ui.groups),
  };
}
