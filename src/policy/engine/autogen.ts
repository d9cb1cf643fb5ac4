/**
 * Pod-controller auto-generation for kyverno.io/v1 policies (Kyverno pkg/autogen/v1): a rule on Pods also
 * applies to Deployments, DaemonSets, StatefulSets, ReplicaSets, Jobs and ReplicationControllers as
 * `autogen-<rule>` (pattern under `spec.template`) and to CronJobs as `autogen-cronjob-<rule>` (under
 * `spec.jobTemplate.spec.template`), honouring `pod-policies.kyverno.io/autogen-controllers`.
 */
import { cloneJson, isObject } from "../json.js";
import { containsKind } from "./match.js";

export const AUTOGEN_ANNOTATION = "pod-policies.kyverno.io/autogen-controllers";

const POD_CONTROLLERS = [
  "DaemonSet",
  "Deployment",
  "Job",
  "StatefulSet",
  "ReplicaSet",
  "ReplicationController",
  "CronJob",
];
const POD_CONTROLLERS_AND_POD = new Set([...POD_CONTROLLERS, "Pod"]);

const GVK_MAP: Record<string, string> = {
  DaemonSet: "apps/v1/DaemonSet",
  Deployment: "apps/v1/Deployment",
  Job: "batch/v1/Job",
  StatefulSet: "apps/v1/StatefulSet",
  ReplicaSet: "apps/v1/ReplicaSet",
  ReplicationController: "v1/ReplicationController",
  CronJob: "batch/v1/CronJob",
  Pod: "v1/Pod",
};

type Obj = Record<string, unknown>;

function convertKindsToGVK(kinds: string[]): string[] {
  return kinds.map((k) => GVK_MAP[k] ?? k);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function resourcesOf(f: unknown): Obj {
  return isObject(f) && isObject(f.resources) ? f.resources : {};
}

function descriptions(m: unknown): Obj[] {
  if (!isObject(m)) return [];
  const out: Obj[] = [resourcesOf(m)];
  for (const k of ["any", "all"] as const) {
    const list = m[k];
    if (Array.isArray(list)) for (const f of list) out.push(resourcesOf(f));
  }
  return out;
}

function getKinds(m: unknown): string[] {
  return descriptions(m).flatMap((d) => strings(d.kinds));
}

/** `CanAutoGen`: whether the policy's rules allow generating controller rules. */
export function canAutoGen(rules: Obj[]): { apply: boolean; controllers: string[] } {
  let needed = false;
  for (const rule of rules) {
    if (isObject(rule.generate)) return { apply: false, controllers: ["none"] };
    const mutate = rule.mutate;
    if (isObject(mutate)) {
      if (typeof mutate.patchesJson6902 === "string" && mutate.patchesJson6902 !== "")
        return { apply: false, controllers: ["none"] };
      if (Array.isArray(mutate.foreach)) {
        for (const fe of mutate.foreach) {
          if (isObject(fe) && typeof fe.patchesJson6902 === "string" && fe.patchesJson6902 !== "") {
            return { apply: false, controllers: ["none"] };
          }
        }
      }
    }
    for (const d of [...descriptions(rule.match), ...descriptions(rule.exclude)]) {
      const kinds = strings(d.kinds);
      const otherThanPod = kinds.length > 1 && containsKind(kinds, "Pod");
      if (
        (typeof d.name === "string" && d.name !== "") ||
        strings(d.names).length > 0 ||
        (d.selector !== undefined && d.selector !== null) ||
        (d.annotations !== undefined && d.annotations !== null) ||
        otherThanPod
      ) {
        return { apply: false, controllers: [] };
      }
      needed = needed || kinds.some((k) => POD_CONTROLLERS_AND_POD.has(k));
    }
  }
  if (!needed) return { apply: false, controllers: [] };
  return { apply: true, controllers: POD_CONTROLLERS };
}

function autogenName(prefix: string, name: string): string {
  const n = `${prefix}-${name}`;
  return n.length > 63 ? n.slice(0, 63) : n;
}

function isAutogenName(name: string): boolean {
  return name.startsWith("autogen-");
}

function splitKinds(controllers: string): string[] {
  return controllers.split(",").sort();
}

type FilterFn = (filters: Obj[], kinds: string[]) => Obj[];

function withKinds(filter: Obj, kinds: string[]): Obj {
  const f = cloneJson(filter);
  const rd = isObject(f.resources) ? f.resources : {};
  rd.kinds = kinds;
  f.resources = rd;
  return f;
}

function shiftRefs(message: unknown, shift: string, pivot: string): unknown {
  if (typeof message !== "string" || !message.includes("$(")) return message;
  return message.replace(/(^|[^\\])\$\(([^ ]*)\)/g, (all, pre: string, ref: string) => {
    const idx = ref.indexOf(pivot);
    if (idx < 0) return all;
    return `${pre}$(${ref.replace(pivot, `${pivot}/${shift}`)})`;
  });
}

function generateRule(
  name: string,
  rule: Obj | undefined,
  tplKey: string,
  shift: string,
  kinds: string[],
  grf: FilterFn,
): Obj | undefined {
  if (!rule) return undefined;
  const r = cloneJson(rule);
  r.name = name;
  const match = isObject(r.match) ? r.match : {};
  r.match = match;
  if (Array.isArray(match.any) && match.any.length > 0) match.any = grf(match.any.filter(isObject), kinds);
  else if (Array.isArray(match.all) && match.all.length > 0)
    match.all = grf(match.all.filter(isObject), kinds);
  else {
    const rd = isObject(match.resources) ? match.resources : {};
    rd.kinds = convertKindsToGVK(kinds);
    match.resources = rd;
  }
  const exclude = r.exclude;
  if (isObject(exclude)) {
    if (Array.isArray(exclude.any) && exclude.any.length > 0)
      exclude.any = grf(exclude.any.filter(isObject), kinds);
    else if (Array.isArray(exclude.all) && exclude.all.length > 0)
      exclude.all = grf(exclude.all.filter(isObject), kinds);
    else if (isObject(exclude.resources) && strings(exclude.resources.kinds).length > 0) {
      exclude.resources.kinds = convertKindsToGVK(kinds);
    }
  }
  const v = r.validate;
  if (isObject(v)) {
    const common = (pivot: string): Obj => {
      const out: Obj = { message: shiftRefs(v.message, shift, pivot) };
      for (const k of ["failureAction", "failureActionOverrides", "allowExistingViolations"])
        if (k in v) out[k] = v[k];
      return out;
    };
    if (v.pattern !== undefined && v.pattern !== null) {
      r.validate = { ...common("pattern"), pattern: { spec: { [tplKey]: v.pattern } } };
      return r;
    }
    if (isObject(v.deny)) {
      r.validate = { ...common("deny"), deny: v.deny };
      return r;
    }
    if (isObject(v.podSecurity)) {
      r.validate = { ...common("podSecurity"), podSecurity: v.podSecurity };
      return r;
    }
    if (Array.isArray(v.anyPattern)) {
      r.validate = {
        ...common("anyPattern"),
        anyPattern: v.anyPattern.map((p) => ({ spec: { [tplKey]: p as unknown } })),
      };
      return r;
    }
    if (Array.isArray(v.foreach) && v.foreach.length > 0) {
      r.validate = { ...common("pattern"), foreach: v.foreach };
      return r;
    }
    if (isObject(v.cel)) return r;
  }
  if (Array.isArray(r.verifyImages)) return r;
  return undefined;
}

function podFilters(filters: Obj[], kinds: string[]): Obj[] {
  return filters.map((f) =>
    containsKind(strings(resourcesOf(f).kinds), "Pod") ? withKinds(f, convertKindsToGVK(kinds)) : f,
  );
}

function cronJobFilters(filters: Obj[], kinds: string[]): Obj[] {
  return filters.map((f) => withKinds(f, convertKindsToGVK(kinds)));
}

function generateRuleForControllers(rule: Obj, controllers: string): Obj | undefined {
  const name = typeof rule.name === "string" ? rule.name : "";
  if (isAutogenName(name) || controllers === "") return undefined;
  const matchKinds = getKinds(rule.match);
  const excludeKinds = getKinds(rule.exclude);
  if (!containsKind(matchKinds, "Pod") || (excludeKinds.length !== 0 && !containsKind(excludeKinds, "Pod")))
    return undefined;
  let ctrls = controllers;
  if (controllers === "all") {
    ctrls = "DaemonSet,Deployment,Job,StatefulSet,ReplicaSet,ReplicationController";
  } else if (controllers !== "none") {
    const allowed = new Set([
      "DaemonSet",
      "Deployment",
      "Job",
      "StatefulSet",
      "ReplicaSet",
      "ReplicationController",
    ]);
    const validated = splitKinds(controllers).filter((c) => allowed.has(c));
    if (validated.length > 0) ctrls = validated.join(",");
  }
  return generateRule(
    autogenName("autogen", name),
    rule,
    "template",
    "spec/template",
    splitKinds(ctrls),
    podFilters,
  );
}

function generateCronJobRule(rule: Obj, controllers: string): Obj | undefined {
  if (!controllers.includes("CronJob") && !controllers.includes("all")) return undefined;
  const name = typeof rule.name === "string" ? rule.name : "";
  return generateRule(
    autogenName("autogen-cronjob", name),
    generateRuleForControllers(rule, controllers),
    "jobTemplate",
    "spec/jobTemplate/spec/template",
    ["CronJob"],
    cronJobFilters,
  );
}

function stripCronJob(controllers: string): string {
  return splitKinds(controllers)
    .filter((c) => c !== "CronJob")
    .join(",");
}

const POD_REPLACEMENTS: [string, string][] = [
  ["request.object.spec", "request.object.spec.template.spec"],
  ["request.oldObject.spec", "request.oldObject.spec.template.spec"],
  ["request.object.metadata", "request.object.spec.template.metadata"],
  ["request.oldObject.metadata", "request.oldObject.spec.template.metadata"],
];
const POD_CEL_REPLACEMENTS: [string, string][] = [
  ["object.spec", "object.spec.template.spec"],
  ["oldObject.spec", "oldObject.spec.template.spec"],
  ["object.metadata", "object.spec.template.metadata"],
  ["oldObject.metadata", "oldObject.spec.template.metadata"],
];
const CRONJOB_REPLACEMENTS: [string, string][] = [
  ["request.object.spec", "request.object.spec.jobTemplate.spec.template.spec"],
  ["request.oldObject.spec", "request.oldObject.spec.jobTemplate.spec.template.spec"],
  ["request.object.metadata", "request.object.spec.jobTemplate.spec.template.metadata"],
  ["request.oldObject.metadata", "request.oldObject.spec.jobTemplate.spec.template.metadata"],
];
const CRONJOB_CEL_REPLACEMENTS: [string, string][] = [
  ["object.spec", "object.spec.jobTemplate.spec.template.spec"],
  ["oldObject.spec", "oldObject.spec.jobTemplate.spec.template.spec"],
  ["object.metadata", "object.spec.jobTemplate.spec.template.metadata"],
  ["oldObject.metadata", "oldObject.spec.jobTemplate.spec.template.metadata"],
];

/** `convertRule`: rewrites `request.object.spec` etc. throughout the rule's JSON text. */
function convertRule(rule: Obj, kind: "Pod" | "Cronjob"): Obj {
  const isCel = isObject(rule.validate) && isObject(rule.validate.cel);
  const table =
    kind === "Pod"
      ? isCel
        ? POD_CEL_REPLACEMENTS
        : POD_REPLACEMENTS
      : isCel
        ? CRONJOB_CEL_REPLACEMENTS
        : CRONJOB_REPLACEMENTS;
  let text = JSON.stringify(rule);
  for (const [from, to] of table) text = text.split(from).join(to);
  const out = JSON.parse(text) as Obj;
  const keep: Obj = { name: out.name };
  for (const k of [
    "verifyImages",
    "skipBackgroundRequests",
    "reportProperties",
    "match",
    "exclude",
    "context",
    "celPreconditions",
    "preconditions",
    "mutate",
    "validate",
  ]) {
    if (out[k] !== undefined) keep[k] = out[k];
  }
  return keep;
}

function generateRules(rules: Obj[], controllers: string): Obj[] {
  const out: Obj[] = [];
  for (const rule of rules) {
    const pod = generateRuleForControllers(rule, stripCronJob(controllers));
    if (pod) out.push(convertRule(pod, "Pod"));
    const cron = generateCronJobRule(rule, controllers);
    if (cron) out.push(convertRule(cron, "Cronjob"));
  }
  return out;
}

/**
 * `ComputeRules(policy, kind)`: the rules to evaluate for a resource of `kind` (the policy's own rules, plus
 * the generated controller rules when `kind` is one of the pod controllers the policy applies to).
 */
export function computeRules(rules: Obj[], annotations: Record<string, string>, kind: string): Obj[] {
  const { apply, controllers } = canAutoGen(rules);
  const desired = apply ? controllers : ["none"];
  const ann = annotations[AUTOGEN_ANNOTATION];
  const actual = ann !== undefined && apply ? ann.split(",") : desired;
  let k = kind;
  if (k !== "") {
    if (!actual.includes(k)) return rules;
  } else {
    k = actual.join(",");
  }
  if (k === "none") return rules;
  const generated = generateRules(cloneJson(rules), k);
  if (generated.length === 0) return rules;
  return [...rules.filter((r) => !isAutogenName(typeof r.name === "string" ? r.name : "")), ...generated];
}

/** Names of the rules Kyverno would generate for all controllers (for reporting). */
export function autogenRuleNames(rules: Obj[], annotations: Record<string, string>): string[] {
  return computeRules(rules, annotations, "")
    .map((r) => (typeof r.name === "string" ? r.name : ""))
    .filter(isAutogenName);
}
