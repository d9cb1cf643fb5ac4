/**
 * Kyverno `ValidatingPolicy` (policies.kyverno.io): matchConstraints, matchConditions, variables and CEL
 * validations, with pod-controller auto-generation (pkg/cel/policies/vpol and pkg/cel/autogen).
 */
import { cloneJson, isObject } from "../json.js";
import type { RuleResponse } from "../engine/kyverno-policy.js";
import type { RequestInfo } from "../engine/match.js";
import {
  admissionBindings,
  attributesFor,
  evaluateValidations,
  matchConstraints,
  namedExpressions,
  validationsOf,
} from "./admission.js";

type Obj = Record<string, unknown>;

export interface CelPolicyOptions {
  operation: string;
  namespaceLabels: Record<string, string> | undefined;
  /** The resource's Namespace object as the values file describes it (undefined when unknown). */
  namespaceObject: Obj | undefined;
  userInfo: RequestInfo | undefined;
  clusterResources?: Obj[];
  /** Mock image metadata (`image.GetMetadata`), by image reference. */
  images?: Record<string, Obj>;
}

export type ActionRule = RuleResponse & { action: "Enforce" | "Audit" };

interface Target {
  group: string;
  version: string;
  resource: string;
  kind: string;
}

const CONFIGS: Record<string, { target: Target; ref: "defaults" | "cronjobs" }> = {
  daemonsets: {
    target: { group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet" },
    ref: "defaults",
  },
  deployments: {
    target: { group: "apps", version: "v1", resource: "deployments", kind: "Deployment" },
    ref: "defaults",
  },
  replicasets: {
    target: { group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet" },
    ref: "defaults",
  },
  statefulsets: {
    target: { group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet" },
    ref: "defaults",
  },
  jobs: { target: { group: "batch", version: "v1", resource: "jobs", kind: "Job" }, ref: "defaults" },
  cronjobs: {
    target: { group: "batch", version: "v1", resource: "cronjobs", kind: "CronJob" },
    ref: "cronjobs",
  },
};

const REPLACEMENTS: Record<"defaults" | "cronjobs", [string, string][]> = {
  defaults: [
    ["spec", "spec.template.spec"],
    ["metadata", "spec.template.metadata"],
  ],
  cronjobs: [
    ["spec", "spec.jobTemplate.spec.template.spec"],
    ["metadata", "spec.jobTemplate.spec.template.metadata"],
  ],
};

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function hasLabels(sel: unknown): boolean {
  if (!isObject(sel)) return false;
  return (
    (isObject(sel.matchLabels) && Object.keys(sel.matchLabels).length > 0) ||
    (Array.isArray(sel.matchExpressions) && sel.matchExpressions.length > 0)
  );
}

/** `autogen.CanAutoGen`: a single pods rule in the core group, no object selector or exclusions. */
export function canAutoGen(match: unknown): boolean {
  if (!isObject(match)) return false;
  if (hasLabels(match.objectSelector)) return false;
  if (Array.isArray(match.excludeResourceRules) && match.excludeResourceRules.length > 0) return false;
  const rules = Array.isArray(match.resourceRules) ? match.resourceRules.filter(isObject) : [];
  if (rules.length !== 1) return false;
  const r = rules[0] as Obj;
  if (strings(r.resourceNames).length > 0) return false;
  const g = strings(r.apiGroups);
  const v = strings(r.apiVersions);
  const res = strings(r.resources);
  return (
    g.length === 1 && g[0] === "" && v.length === 1 && v[0] === "v1" && res.length === 1 && res[0] === "pods"
  );
}

/** Replace `object.<from>` / `oldObject.<from>`, except `….metadata.namespace`. */
function replaceAll(text: string, from: string, to: string): string {
  let out = "";
  let rest = text;
  for (;;) {
    const idx = rest.indexOf(from);
    if (idx < 0) break;
    out += rest.slice(0, idx);
    const after = rest.slice(idx + from.length);
    const protectedSuffix =
      after.startsWith(".namespace") && !/^[A-Za-z0-9_]/.test(after.slice(".namespace".length));
    out += protectedSuffix ? from : to;
    rest = after;
  }
  return out + rest;
}

function autogenSpecs(spec: Obj): Obj[] {
  if (!canAutoGen(spec.matchConstraints)) return [];
  const autogen = isObject(spec.autogen) ? spec.autogen : {};
  const pc = isObject(autogen.podControllers) ? autogen.podControllers : {};
  const configs = Array.isArray(pc.controllers) ? strings(pc.controllers) : Object.keys(CONFIGS);
  const groups = new Map<string, Target[]>();
  for (const c of configs) {
    const cfg = CONFIGS[c];
    if (!cfg) continue;
    const list = groups.get(cfg.ref) ?? [];
    list.push(cfg.target);
    groups.set(cfg.ref, list);
  }
  const out: Obj[] = [];
  for (const ref of [...groups.keys()].sort()) {
    const targets = groups.get(ref) ?? [];
    const copy = cloneJson(spec);
    const mc = isObject(copy.matchConstraints) ? copy.matchConstraints : {};
    const first = (Array.isArray(mc.resourceRules) ? mc.resourceRules.filter(isObject) : [])[0] ?? {};
    const operations = strings(first.operations);
    if (targets.length === 0 || operations.length === 0) {
      copy.matchConstraints = null;
    } else {
      const byGv = new Map<string, Set<string>>();
      for (const t of targets) {
        const key = `${t.group}\u0000${t.version}`;
        const set = byGv.get(key) ?? new Set<string>();
        set.add(t.resource);
        byGv.set(key, set);
      }
      const resourceRules = [...byGv.keys()].sort().map((key) => {
        const [group = "", version = ""] = key.split("\u0000");
        return {
          apiGroups: [group],
          apiVersions: [version],
          resources: [...(byGv.get(key) ?? [])].sort(),
          operations,
        };
      });
      const nm: Obj = { resourceRules };
      if (mc.namespaceSelector !== undefined && mc.namespaceSelector !== null)
        nm.namespaceSelector = cloneJson(mc.namespaceSelector);
      copy.matchConstraints = nm;
    }
    let text = JSON.stringify(copy);
    for (const [from, to] of REPLACEMENTS[ref as "defaults" | "cronjobs"]) {
      text = replaceAll(text, `object.${from}`, `object.${to}`);
      text = replaceAll(text, `oldObject.${from}`, `oldObject.${to}`);
    }
    out.push(JSON.parse(text) as Obj);
  }
  return out;
}

/** The CLI drops a response without rules when the constraints are one plain resource rule. */
function hasSimpleConstraints(match: unknown): boolean {
  if (!isObject(match)) return false;
  if (hasLabels(match.namespaceSelector) || hasLabels(match.objectSelector)) return false;
  if (Array.isArray(match.excludeResourceRules) && match.excludeResourceRules.length > 0) return false;
  const rules = Array.isArray(match.resourceRules) ? match.resourceRules.filter(isObject) : [];
  if (rules.length !== 1) return false;
  return strings((rules[0] as Obj).resourceNames).length === 0;
}

function actionOf(spec: Obj): "Enforce" | "Audit" {
  return strings(spec.validationActions).includes("Deny") ? "Enforce" : "Audit";
}

function evaluateSpec(
  spec: Obj,
  resource: Obj,
  options: CelPolicyOptions,
  action: "Enforce" | "Audit",
): ActionRule[] | undefined {
  const a = attributesFor(resource, options.operation);
  const constraints = spec.matchConstraints;
  if (constraints === null || constraints === undefined) return [];
  const m = matchConstraints(constraints, a, options.namespaceObject);
  if (m.error !== undefined)
    return [{ name: "match", status: "error", message: `failed to execute matching: ${m.error}`, action }];
  if (!m.matches) return [];
  const outcome = evaluateValidations({
    bindings: admissionBindings(a, options.userInfo, options.namespaceObject ?? null, true),
    intsAsInt: true,
    variables: namedExpressions(spec.variables),
    matchConditions: namedExpressions(spec.matchConditions),
    validations: validationsOf(spec.validations),
    failurePolicy: typeof spec.failurePolicy === "string" ? spec.failurePolicy : "Fail",
    clusterObjects: options.clusterResources ?? [],
    ...(options.images ? { images: options.images } : {}),
  });
  switch (outcome.status) {
    case "pass":
      return [{ name: "", status: "pass", message: "success", action }];
    case "nomatch":
      return [{ name: "", status: "skip", message: "skip", action }];
    case "fail":
      return [{ name: "", status: "fail", message: outcome.message, action }];
    case "error":
      return [{ name: "", status: "error", message: `error: ${outcome.message}`, action }];
    case "offline":
      return [
        {
          name: "",
          status: "skip",
          message: outcome.message.replace(/^.*offline:\s*/, ""),
          action,
          offline: true,
        },
      ];
  }
}

/**
 * Evaluates a ValidatingPolicy (and its auto-generated controller variants) against a resource. Returns one
 * response per variant that Kyverno's CLI would report.
 */
export function evaluateValidatingPolicy(
  policy: Obj,
  resource: Obj,
  options: CelPolicyOptions,
): ActionRule[][] {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const action = actionOf(spec);
  const out: ActionRule[][] = [];
  for (const s of [spec, ...autogenSpecs(spec)]) {
    const rules = evaluateSpec(s, resource, options, action);
    if (!rules) continue;
    if (rules.length === 0 && hasSimpleConstraints(s.matchConstraints)) continue;
    out.push(rules);
  }
  return out;
}
