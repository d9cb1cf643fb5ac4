/**
 * Admission-style matching and CEL evaluation shared by ValidatingAdmissionPolicy, Kyverno ValidatingPolicy
 * and `validate.cel` rules: `matchConstraints` (resource rules, namespace/object selectors), the `request`
 * variable, match conditions, lazy `variables`, and validations with `message`/`messageExpression`.
 */
import { celError, isCelError } from "@bufbuild/cel";
import { isObject } from "../json.js";
import { pluralOf } from "../../core/k8s-resources.js";
import { matchLabelSelector } from "../engine/label-selector.js";
import { gvkOf, resourceLabels, resourceName, resourceNamespace } from "../engine/match.js";
import type { RequestInfo } from "../engine/match.js";
import { compileCel, isOfflineError, withClusterObjects } from "./env.js";
import { LazyCelMap, toCelInput } from "./values.js";

type Obj = Record<string, unknown>;

export interface AdmissionAttributes {
  object: Obj | null;
  oldObject: Obj | null;
  operation: string;
  group: string;
  version: string;
  kind: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export function attributesFor(resource: Obj, operation: string): AdmissionAttributes {
  const gvk = gvkOf(resource);
  const isDelete = operation === "DELETE";
  return {
    object: isDelete ? null : resource,
    oldObject: operation === "UPDATE" || isDelete ? resource : null,
    operation,
    group: gvk.group,
    version: gvk.version,
    kind: gvk.kind,
    resource: pluralOf(gvk.kind),
    subresource: "",
    namespace: gvk.kind === "Namespace" ? "" : resourceNamespace(resource),
    name: resourceName(resource),
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** k8s `rules.Matcher`: operations, apiGroups, apiVersions, resources (with subresources) and scope. */
function ruleMatches(rule: Obj, a: AdmissionAttributes): boolean {
  const ops = strings(rule.operations);
  if (!ops.includes("*") && !ops.includes(a.operation)) return false;
  const groups = strings(rule.apiGroups);
  if (!groups.includes("*") && !groups.includes(a.group)) return false;
  const versions = strings(rule.apiVersions);
  if (!versions.includes("*") && !versions.includes(a.version)) return false;
  const resources = strings(rule.resources);
  const full = a.subresource === "" ? a.resource : `${a.resource}/${a.subresource}`;
  const resOk = resources.some((r) => {
    if (r === "*/*" || r === full) return true;
    if (r === "*") return a.subresource === "";
    const [res, sub] = r.split("/");
    if (sub === undefined) return false;
    if (res === "*" && sub === a.subresource) return true;
    if (sub === "*" && res === a.resource) return true;
    return false;
  });
  if (!resOk) return false;
  const scope = typeof rule.scope === "string" ? rule.scope : "*";
  if (scope === "*") return true;
  const clusterScoped = a.namespace === "";
  return scope === "Cluster" ? clusterScoped : !clusterScoped;
}

function resourceRulesMatch(rules: unknown, a: AdmissionAttributes): boolean {
  for (const nr of Array.isArray(rules) ? rules.filter(isObject) : []) {
    if (!ruleMatches(nr, a)) continue;
    const names = strings(nr.resourceNames);
    if (names.length === 0) return true;
    if (a.name !== "" && names.includes(a.name)) return true;
  }
  return false;
}

export type MatchOutcome = { matches: boolean; error?: string };

/**
 * Kyverno's CEL `matching.Matcher`: namespace selector (against the namespace object, or a minimal one with
 * the `kubernetes.io/metadata.name` label), object selector, exclude rules, resource rules.
 */
export function matchConstraints(
  constraints: unknown,
  a: AdmissionAttributes,
  namespaceObject: Obj | undefined,
): MatchOutcome {
  const c = isObject(constraints) ? constraints : {};
  let nsError: string | undefined;
  let nsMatches = true;
  if (!(a.namespace === "" && a.resource !== "namespaces") && isObject(c.namespaceSelector)) {
    let labels: Record<string, string> | undefined;
    if (a.resource === "namespaces" && (a.operation === "CREATE" || a.operation === "UPDATE") && a.object) {
      labels = resourceLabels(a.object);
    } else if (!namespaceObject) {
      labels = { "kubernetes.io/metadata.name": a.namespace };
    } else {
      const md = isObject(namespaceObject.metadata) ? namespaceObject.metadata : {};
      if (md.name !== a.namespace) nsError = `namespaces "${a.namespace}" not found`;
      else labels = resourceLabels(namespaceObject);
    }
    if (labels) {
      const r = matchLabelSelector(c.namespaceSelector, labels, false);
      if (!r.ok) nsError = r.error;
      else nsMatches = r.matches;
    } else {
      nsMatches = false;
    }
    if (!nsMatches && nsError === undefined) return { matches: false };
  }
  if (isObject(c.objectSelector)) {
    const objLabels = a.object ? resourceLabels(a.object) : {};
    const oldLabels = a.oldObject ? resourceLabels(a.oldObject) : {};
    const r1 = matchLabelSelector(c.objectSelector, objLabels, false);
    const r2 = matchLabelSelector(c.objectSelector, oldLabels, false);
    const m = (r1.ok && r1.matches && a.object !== null) || (r2.ok && r2.matches && a.oldObject !== null);
    if (!m) return { matches: false };
  }
  if (resourceRulesMatch(c.excludeResourceRules, a)) return { matches: false };
  const rules = Array.isArray(c.resourceRules) ? c.resourceRules : [];
  if (rules.length > 0 && !resourceRulesMatch(rules, a)) return { matches: false };
  if (nsError !== undefined) return { matches: false, error: nsError };
  return { matches: true };
}

/** The `request` variable (an AdmissionRequest as a map). */
export function requestObject(a: AdmissionAttributes, userInfo: RequestInfo | undefined): Obj {
  return {
    uid: "",
    kind: { group: a.group, version: a.version, kind: a.kind },
    resource: { group: a.group, version: a.version, resource: a.resource },
    requestKind: { group: a.group, version: a.version, kind: a.kind },
    requestResource: { group: a.group, version: a.version, resource: a.resource },
    name: a.name,
    namespace: a.namespace,
    operation: a.operation,
    userInfo: { username: userInfo?.username ?? "", groups: userInfo?.groups ?? [] },
    object: a.object,
    oldObject: a.oldObject,
    dryRun: false,
  };
}

export interface CelValidation {
  expression: string;
  message?: string;
  messageExpression?: string;
}

export type ValidationOutcome =
  | { status: "pass" }
  /** A match condition was false. */
  | { status: "nomatch" }
  | { status: "fail"; message: string; index: number }
  | { status: "error"; message: string; index: number }
  | { status: "offline"; message: string };

export interface CelEvaluation {
  bindings: Record<string, unknown>;
  intsAsInt: boolean;
  variables: { name: string; expression: string }[];
  matchConditions: { name: string; expression: string }[];
  validations: CelValidation[];
  /** `Ignore` turns match-condition errors into "no match". */
  failurePolicy: string;
  clusterObjects: Obj[];
  images?: Record<string, Obj>;
}

function evalExpr(
  expression: string,
  bindings: Record<string, unknown>,
): { value?: unknown; error?: string; offline?: boolean } {
  let program;
  try {
    program = compileCel(expression);
  } catch (e) {
    return { error: `compilation failed: ${(e as Error).message}` };
  }
  const r = program(bindings);
  if (r instanceof Error || isCelError(r)) {
    const msg = r instanceof Error ? r.message : String(r);
    return { error: msg, offline: isOfflineError(r) };
  }
  return { value: r };
}

/** Builds the CEL bindings for an admission request. */
export function admissionBindings(
  a: AdmissionAttributes,
  userInfo: RequestInfo | undefined,
  namespaceObject: Obj | null,
  intsAsInt: boolean,
  params: unknown = null,
): Record<string, unknown> {
  return {
    object: toCelInput(a.object, intsAsInt),
    oldObject: toCelInput(a.oldObject, intsAsInt),
    request: toCelInput(requestObject(a, userInfo), intsAsInt),
    namespaceObject: toCelInput(namespaceObject, intsAsInt),
    params: toCelInput(params, intsAsInt),
  };
}

/**
 * Runs match conditions, then the validations in order (the first false or failing one decides), with
 * `variables` computed on first use.
 */
export function evaluateValidations(e: CelEvaluation): ValidationOutcome {
  return withClusterObjects(
    e.clusterObjects,
    () => {
      const bindings: Record<string, unknown> = { ...e.bindings };
      const entries = new Map<string, () => unknown>();
      const vars = new LazyCelMap(entries);
      bindings.variables = vars;
      for (const v of e.variables) {
        entries.set(v.name, () => {
          const r = evalExpr(v.expression, bindings);
          if (r.error !== undefined)
            return celError(`composited variable "${v.name}" fails to evaluate: ${r.error}`);
          return r.value;
        });
      }
      const errors: string[] = [];
      for (const mc of e.matchConditions) {
        const r = evalExpr(mc.expression, bindings);
        if (r.offline) return { status: "offline", message: r.error ?? "" };
        if (r.error !== undefined) {
          errors.push(`matchCondition ${mc.name}: ${r.error}`);
          continue;
        }
        if (r.value !== true && r.value !== false) {
          errors.push(`matchCondition ${mc.name}: expected bool`);
          continue;
        }
        if (r.value === false) return { status: "nomatch" };
      }
      if (errors.length > 0) {
        if (e.failurePolicy === "Ignore") return { status: "nomatch" };
        return { status: "error", message: errors.join("; "), index: -1 };
      }
      for (let index = 0; index < e.validations.length; index++) {
        const v = e.validations[index] as CelValidation;
        const r = evalExpr(v.expression, bindings);
        if (r.offline || (r.error !== undefined && r.error.includes("offline:")))
          return { status: "offline", message: r.error ?? "" };
        if (r.error !== undefined)
          return {
            status: "error",
            message: `expression '${v.expression.trim()}' resulted in error: ${r.error}`,
            index,
          };
        if (r.value === true) continue;
        if (r.value !== false)
          return {
            status: "error",
            message: `expression '${v.expression.trim()}' did not evaluate to a bool`,
            index,
          };
        let message = v.message ?? "";
        if (v.messageExpression) {
          const m = evalExpr(v.messageExpression, bindings);
          if (m.error === undefined && typeof m.value === "string" && m.value.trim() !== "")
            message = m.value;
          else if (m.error !== undefined && message === "")
            message = `failed to evaluate message expression: ${m.error}`;
        }
        if (message === "") message = `failed expression: ${v.expression.trim()}`;
        return { status: "fail", message, index };
      }
      return { status: "pass" };
    },
    e.images,
  );
}

/** Reads `[{name, expression}]` lists. */
export function namedExpressions(v: unknown): { name: string; expression: string }[] {
  return (Array.isArray(v) ? v.filter(isObject) : []).map((x) => ({
    name: typeof x.name === "string" ? x.name : "",
    expression: typeof x.expression === "string" ? x.expression : "",
  }));
}

/** Reads `validations` lists. */
export function validationsOf(v: unknown, defaultMessage = ""): CelValidation[] {
  return (Array.isArray(v) ? v.filter(isObject) : []).map((x) => {
    const out: CelValidation = { expression: typeof x.expression === "string" ? x.expression : "" };
    const msg = typeof x.message === "string" && x.message !== "" ? x.message : defaultMessage;
    if (msg !== "") out.message = msg;
    if (typeof x.messageExpression === "string") out.messageExpression = x.messageExpression;
    return out;
  });
}
