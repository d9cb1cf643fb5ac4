/**
 * Validation of kyverno.io/v1 ClusterPolicy/Policy rules against one resource (Kyverno pkg/engine:
 * validation.go, invokeRuleHandler, handlers/validation/validate_resource.go), offline.
 */
import { cloneJson, isObject } from "../json.js";
import type { RuleStatus } from "../types.js";
import { computeRules } from "./autogen.js";
import { ConditionError, evaluateConditions } from "./conditions.js";
import { JsonContext } from "./context.js";
import { extractImages } from "./images.js";
import { emptyRequestInfo, gvkOf, matchesResourceDescription } from "./match.js";
import type { GroupVersionKind, RequestInfo } from "./match.js";
import { matchPattern } from "./validate-pattern.js";
import { search } from "../jmespath/interpreter.js";
import { QueryError, queryContext, SubstitutionError, substituteAll } from "./variables.js";
import { validateCelRule } from "./cel-rule.js";
import { validatePodSecurityRule } from "./pod-security.js";

type Obj = Record<string, unknown>;

export interface RuleResponse {
  name: string;
  status: RuleStatus;
  message: string;
  /** Failing path as Kyverno prints it (`/spec/containers/0/image/`). */
  path?: string;
  /** The rule needs data that is not available offline. */
  offline?: boolean;
}

export interface EvaluationEnv {
  /** CREATE (default), UPDATE, DELETE or CONNECT. */
  operation: string;
  /** Labels of the resource's namespace (for namespaceSelector). */
  namespaceLabels?: Record<string, string> | undefined;
  /** The resource's Namespace object, when known (for CEL `namespaceObject`). */
  namespaceObject?: Obj | undefined;
  requestInfo?: RequestInfo;
  /** Variables for this resource (`request.operation`, values-file entries). */
  values?: Record<string, unknown>;
  /** Mock values for a policy rule (values file `policies[].rules[].values`). */
  ruleValues?: (policy: string, rule: string) => Record<string, unknown> | undefined;
  subresource?: string;
}

/** A context entry needs something we do not have offline and no mock value was given. */
export class OfflineContextError extends Error {
  override name = "OfflineContextError";
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function joinNonEmpty(parts: string[], sep: string): string {
  return parts.filter((p) => p !== "").join(sep);
}

function hasKey(data: Obj, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(data, name);
}

/** Registers a rule's (or a foreach's) context entries as deferred loaders. */
function loadContextEntries(
  ctx: JsonContext,
  entries: unknown,
  initial: Record<string, unknown> | undefined,
): void {
  if (initial) for (const [k, v] of Object.entries(initial)) ctx.addVariable(k, v);
  if (!Array.isArray(entries)) return;
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const name = str(entry.name);
    if (isObject(entry.variable)) {
      const variable = entry.variable;
      ctx.addDeferredLoader({ name, load: (c) => loadVariable(c, name, variable) });
      continue;
    }
    const kind = isObject(entry.apiCall)
      ? "apiCall"
      : isObject(entry.configMap)
        ? "configMap"
        : isObject(entry.globalReference)
          ? "globalReference"
          : isObject(entry.imageRegistry)
            ? "imageRegistry"
            : undefined;
    if (!kind) throw new Error(`missing ConfigMap|APICall|ImageRegistry|Variable in context entry ${name}`);
    // Kyverno's CLI does not load these without a cluster: values supplied by the test stay in place.
    if (hasKey(ctx.data(), name.split(".")[0] ?? name)) continue;
    ctx.addDeferredLoader({
      name,
      load: () => {
        throw new OfflineContextError(
          `context entry '${name}' needs ${kind} data, which is not available offline (no mock value given)`,
        );
      },
    });
  }
}

function loadVariable(ctx: JsonContext, name: string, variable: Obj): void {
  let path = "";
  if (typeof variable.jmesPath === "string" && variable.jmesPath !== "") {
    const jp = substituteAll(ctx, variable.jmesPath);
    if (typeof jp !== "string")
      throw new Error(`jmespath value must be a string ${name} ${variable.jmesPath}`);
    path = jp;
  }
  let defaultValue: unknown = null;
  if (variable.default !== undefined && variable.default !== null) {
    defaultValue = substituteAll(ctx, cloneJson(variable.default));
  }
  let output: unknown = defaultValue;
  if (variable.value !== undefined && variable.value !== null) {
    const value = substituteAll(ctx, cloneJson(variable.value));
    if (path !== "") {
      try {
        output = searchValue(path, value);
      } catch (e) {
        if (defaultValue === null) {
          throw new Error(
            `failed to apply jmespath ${path} to variable ${JSON.stringify(value)}: ${(e as Error).message}`,
            { cause: e },
          );
        }
      }
    } else {
      output = value;
    }
  } else if (path !== "") {
    try {
      const v = queryContext(ctx, path);
      if (v !== null && v !== undefined) output = v;
    } catch (e) {
      if (e instanceof OfflineContextError) throw e;
      if (defaultValue === null)
        throw new Error(`failed to apply jmespath ${path} to variable <nil>: ${(e as Error).message}`, {
          cause: e,
        });
    }
  }
  if (output === null || output === undefined) {
    throw new Error(`failed to add context entry for variable ${name} since it evaluated to nil`);
  }
  ctx.replaceContextEntry(name, cloneJson(output));
}

function searchValue(path: string, value: unknown): unknown {
  return search(path, value);
}

/** The failure action of a rule: its own `failureAction`, else the policy's `validationFailureAction`. */
export function ruleAction(rule: Obj, spec: Obj): "Enforce" | "Audit" {
  const v = isObject(rule.validate) ? rule.validate : {};
  const raw = typeof v.failureAction === "string" ? v.failureAction : str(spec.validationFailureAction);
  return raw.toLowerCase() === "enforce" ? "Enforce" : "Audit";
}

interface RuleState {
  ctx: JsonContext;
  rule: Obj;
  policyName: string;
  ruleValues: Record<string, unknown> | undefined;
  env: EvaluationEnv;
  newResource: Obj | undefined;
  oldResource: Obj | undefined;
  element: Obj | undefined;
  operation: string;
  spec: Obj;
  policyNamespace: string;
}

function substituteMessage(state: RuleState, message: string): string | Error {
  try {
    const raw = substituteAll(state.ctx, message);
    return typeof raw === "string"
      ? raw
      : "the produced message didn't resolve to a string, check your policy definition.";
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function ruleMessage(state: RuleState): string {
  const v = isObject(state.rule.validate) ? state.rule.validate : {};
  return str(v.message);
}

function buildErrorMessage(state: RuleState, err: string, path: string): string {
  const name = str(state.rule.name);
  const message = ruleMessage(state);
  if (message === "") {
    return path !== ""
      ? `validation error: rule ${name} failed at path ${path}`
      : `validation error: rule ${name} execution error: ${err}`;
  }
  const sub = substituteMessage(state, message);
  if (sub instanceof Error)
    return `validation error: variables substitution error in rule ${name} execution error: ${err}`;
  const msg = sub.endsWith(".") ? sub : `${sub}.`;
  return path !== ""
    ? `validation error: ${msg} rule ${name} failed at path ${path}`
    : `validation error: ${msg} rule ${name} execution error: ${err}`;
}

function buildAnyPatternErrorMessage(state: RuleState, errors: string[]): string {
  const name = str(state.rule.name);
  const errStr = errors.join(" ");
  const message = ruleMessage(state);
  if (message === "") return `validation error: ${errStr}`;
  const sub = substituteMessage(state, message);
  if (sub instanceof Error)
    return `validation error: variables substitution error in rule ${name} execution error: ${errStr}`;
  return sub.endsWith(".") ? `validation error: ${sub} ${errStr}` : `validation error: ${sub}. ${errStr}`;
}

function resp(state: RuleState, status: RuleStatus, message: string, path?: string): RuleResponse {
  const r: RuleResponse = { name: str(state.rule.name), status, message };
  if (path !== undefined && path !== "") r.path = path;
  return r;
}

function errorResponse(state: RuleState, msg: string, err: unknown): RuleResponse {
  if (err instanceof OfflineContextError) {
    return { name: str(state.rule.name), status: "skip", message: err.message, offline: true };
  }
  const m = err instanceof Error ? err.message : String(err);
  return resp(state, "error", `${msg}: ${m}`);
}

function findOffline(err: unknown): OfflineContextError | undefined {
  if (err instanceof OfflineContextError) return err;
  if (err instanceof Error && err.message.includes("not available offline")) {
    const m =
      /context entry '[^']+' needs \w+ data, which is not available offline \(no mock value given\)/.exec(
        err.message,
      );
    return new OfflineContextError(m ? m[0] : err.message);
  }
  return undefined;
}

interface Validator {
  contextEntries: unknown;
  conditions: unknown;
  pattern: unknown;
  anyPattern: unknown;
  deny: Obj | undefined;
  forEach: Obj[] | undefined;
  nesting: number;
}

function topValidator(rule: Obj): Validator {
  const v = isObject(rule.validate) ? rule.validate : {};
  return {
    contextEntries: undefined,
    conditions: rule.preconditions,
    pattern: v.pattern,
    anyPattern: v.anyPattern,
    deny: isObject(v.deny) ? v.deny : undefined,
    forEach: Array.isArray(v.foreach) ? v.foreach.filter(isObject) : undefined,
    nesting: 0,
  };
}

function forEachValidator(fe: Obj, nesting: number): Validator {
  return {
    contextEntries: fe.context,
    conditions: fe.preconditions,
    pattern: fe.pattern,
    anyPattern: fe.anyPattern,
    deny: isObject(fe.deny) ? fe.deny : undefined,
    forEach: Array.isArray(fe.foreach) ? fe.foreach.filter(isObject) : undefined,
    nesting,
  };
}

function validateDeny(state: RuleState, v: Validator): RuleResponse {
  const name = str(state.rule.name);
  let r;
  try {
    r = evaluateConditions(state.ctx, v.deny?.conditions);
  } catch (e) {
    const off = findOffline(e);
    if (off) throw off;
    return resp(state, "error", `failed to check deny conditions: ${(e as Error).message}`);
  }
  if (!r.passed) return resp(state, "pass", `validation rule '${name}' passed.`);
  const message = ruleMessage(state);
  if (message === "" && r.message === "") return resp(state, "fail", `validation error: rule ${name} failed`);
  const s = joinNonEmpty([message, r.message], "; ");
  const sub = substituteMessage(state, s);
  return resp(state, "fail", sub instanceof Error ? r.message : sub);
}

function validatePatterns(state: RuleState, v: Validator, resource: Obj): RuleResponse {
  const name = str(state.rule.name);
  if (v.pattern !== undefined && v.pattern !== null) {
    const r = matchPattern(resource, cloneJson(v.pattern));
    if (r.status === "pass") return resp(state, "pass", `validation rule '${name}' passed.`);
    if (r.status === "skip") return resp(state, "skip", r.message);
    if (r.path === "") return resp(state, "error", buildErrorMessage(state, r.message, ""));
    return resp(state, "fail", buildErrorMessage(state, r.message, r.path), r.path);
  }
  if (v.anyPattern !== undefined && v.anyPattern !== null) {
    if (!Array.isArray(v.anyPattern)) {
      return resp(
        state,
        "error",
        "failed to deserialize anyPattern, expected type array: json: cannot unmarshal",
      );
    }
    const failed: string[] = [];
    const skipped: string[] = [];
    let firstPath: string | undefined;
    for (let idx = 0; idx < v.anyPattern.length; idx++) {
      const r = matchPattern(resource, cloneJson(v.anyPattern[idx]));
      if (r.status === "pass")
        return resp(state, "pass", `validation rule '${name}' anyPattern[${idx}] passed.`);
      if (r.status === "skip") skipped.push(`rule ${name}[${idx}] skipped: ${r.message}`);
      else if (r.path === "") failed.push(`rule ${name}[${idx}] failed: ${r.message}`);
      else {
        firstPath ??= r.path;
        failed.push(`rule ${name}[${idx}] failed at path ${r.path}`);
      }
    }
    if (skipped.length > 0 && failed.length === 0) return resp(state, "skip", skipped.join(" "));
    if (failed.length > 0) return resp(state, "fail", buildAnyPatternErrorMessage(state, failed), firstPath);
  }
  return resp(state, "pass", ruleMessage(state));
}

function validateResourceWithRule(state: RuleState, v: Validator): RuleResponse | undefined {
  if (state.element) return validatePatterns(state, v, state.element);
  if (state.operation === "DELETE" || !state.newResource) return undefined;
  return validatePatterns(state, v, state.newResource);
}

function substitutePattern(state: RuleState, v: Validator): Validator {
  if (v.pattern !== undefined && v.pattern !== null)
    return { ...v, pattern: substituteAll(state.ctx, cloneJson(v.pattern)) };
  if (v.anyPattern !== undefined && v.anyPattern !== null)
    return { ...v, anyPattern: substituteAll(state.ctx, cloneJson(v.anyPattern)) };
  return v;
}

function evaluateList(state: RuleState, list: string): unknown[] {
  const i = queryContext(state.ctx, list);
  if (Array.isArray(i)) return i as unknown[];
  return [i];
}

function validateElements(
  state: RuleState,
  fe: Obj,
  elements: unknown[],
  nesting: number,
): [RuleResponse, number] {
  const ctx = state.ctx;
  ctx.checkpoint();
  let applyCount = 0;
  try {
    for (let index = 0; index < elements.length; index++) {
      const element = elements[index];
      if (element === null || element === undefined) continue;
      ctx.reset();
      ctx.addElement(element, index, nesting);
      const scoped = typeof fe.elementScope === "boolean" ? fe.elementScope : isObject(element);
      if (fe.elementScope === true && !isObject(element)) {
        return [
          resp(
            state,
            "error",
            `failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=${typeof element}`,
          ),
          applyCount,
        ];
      }
      const child: RuleState = {
        ...state,
        element: scoped && isObject(element) ? cloneJson(element) : state.element,
      };
      const r = validate(child, forEachValidator(fe, nesting + 1));
      if (!r) continue;
      // Data the element's context needs is not available offline: the rule cannot be decided, and says so
      // (Kyverno skips such elements silently; offline that would read as a pass).
      if (r.offline === true || (r.status === "error" && r.message.includes("not available offline")))
        return [
          { name: str(state.rule.name), status: "skip", message: r.message, offline: true },
          applyCount,
        ];
      if (r.status === "skip") continue;
      if (r.status !== "pass") {
        if (r.status === "error" && r.message.includes("failed to evaluate preconditions")) continue;
        const out: RuleResponse = {
          name: str(state.rule.name),
          status: r.status,
          message: `validation failure: ${r.message}`,
        };
        if (r.path) out.path = r.path;
        return [out, applyCount];
      }
      applyCount++;
    }
  } finally {
    ctx.restore();
  }
  return [resp(state, "pass", ""), applyCount];
}

function validateForEach(state: RuleState, v: Validator): RuleResponse | undefined {
  let applyCount = 0;
  let listError: Error | undefined;
  for (const fe of v.forEach ?? []) {
    let elements: unknown[];
    try {
      elements = evaluateList(state, str(fe.list));
    } catch (e) {
      const off = findOffline(e);
      if (off) throw off;
      if (e instanceof Error && e.message.includes("Unknown key")) continue;
      listError = e instanceof Error ? e : new Error(String(e));
      continue;
    }
    const [r, count] = validateElements(state, fe, elements, v.nesting);
    if (r.status !== "pass") return r;
    applyCount += count;
  }
  if (applyCount === 0) {
    if (listError) return resp(state, "error", `failed to evaluate list: ${listError.message}`);
    return undefined;
  }
  return resp(state, "pass", "rule passed");
}

/** The `validator.validate` flow: context, preconditions, then deny / pattern / foreach. */
function validate(state: RuleState, v: Validator): RuleResponse | undefined {
  try {
    loadContextEntries(state.ctx, v.contextEntries, state.ruleValues);
  } catch (e) {
    return errorResponse(state, "failed to load context", e);
  }
  try {
    const pre = evaluateConditions(state.ctx, v.conditions);
    if (!pre.passed) return resp(state, "skip", joinNonEmpty(["preconditions not met", pre.message], "; "));
  } catch (e) {
    const off = findOffline(e);
    if (off) return errorResponse(state, "", off);
    return resp(state, "error", `failed to evaluate preconditions: ${(e as Error).message}`);
  }
  let r: RuleResponse | undefined;
  try {
    if (v.deny) {
      r = validateDeny(state, v);
    } else if (v.pattern !== undefined || v.anyPattern !== undefined) {
      let sv: Validator;
      try {
        sv = substitutePattern(state, v);
      } catch (e) {
        const off = findOffline(e);
        if (off) throw off;
        return resp(state, "error", `variable substitution failed: ${(e as Error).message}`);
      }
      r = validateResourceWithRule(state, sv);
    } else if (v.forEach) {
      r = validateForEach(state, v);
    }
  } catch (e) {
    const off = findOffline(e);
    if (off) return errorResponse(state, "", off);
    throw e;
  }
  if (
    v.nesting === 0 &&
    ruleAction(state.rule, state.spec) === "Enforce" &&
    state.operation === "UPDATE" &&
    allowExistingViolations(state.rule) &&
    r?.status === "fail"
  ) {
    const prior = validateOldObject(state);
    if (prior?.status === "fail") {
      return resp(state, "skip", "skipping the rule evaluation as pre-existing violations are allowed");
    }
  }
  return r;
}

function allowExistingViolations(rule: Obj): boolean {
  const v = isObject(rule.validate) ? rule.validate : {};
  return typeof v.allowExistingViolations === "boolean" ? v.allowExistingViolations : true;
}

/** For UPDATE requests on Enforce rules: validate the old object as if it were being created. */
function validateOldObject(state: RuleState): RuleResponse | undefined {
  const old = state.oldResource;
  if (!old) return undefined;
  const ctx = state.ctx;
  ctx.checkpoint();
  try {
    ctx.addResource(old);
    ctx.addOldResource(null);
    ctx.add("CREATE", false, "request", "operation");
    const gvk = gvkOf(old);
    const invalidInfo: RequestInfo = {
      roles: ["kyverno:invalidrole"],
      clusterRoles: ["kyverno:invalidrole"],
      username: "kyverno:kyverno-invalid-controller",
      groups: ["kyverno:invalidgroup"],
    };
    try {
      const pre = evaluateConditions(ctx, state.rule.preconditions);
      if (!pre.passed) return resp(state, "skip", "resource not matched");
    } catch {
      return resp(state, "skip", "resource not matched");
    }
    const notMatched = matchesResourceDescription(state.rule, {
      resource: old,
      gvk,
      subresource: "",
      operation: "CREATE",
      namespaceLabels: state.env.namespaceLabels,
      requestInfo: invalidInfo,
      policyNamespace: state.policyNamespace,
    });
    if (notMatched !== undefined) return resp(state, "skip", "resource not matched");
    return validate(
      { ...state, newResource: old, oldResource: undefined, operation: "CREATE" },
      topValidator(state.rule),
    );
  } finally {
    ctx.restore();
  }
}

function hasValidate(rule: Obj): boolean {
  return isObject(rule.validate) && Object.keys(rule.validate).length > 0;
}

export interface PolicyEvaluation {
  responses: RuleResponse[];
  /** Rules of this policy that matched the resource but are not evaluated (mutate, generate, verifyImages…). */
  unsupported: { rule: string; reason: string }[];
}

function unsupportedReason(rule: Obj): string | undefined {
  if (isObject(rule.mutate)) return "mutate rules are not supported";
  if (isObject(rule.generate)) return "generate rules are not supported";
  if (Array.isArray(rule.verifyImages) && rule.verifyImages.length > 0)
    return "verifyImages rules need registry access";
  return undefined;
}

/** Builds the JSON context of a policy evaluation (Kyverno's `NewPolicyContext` + CLI variables). */
function buildContext(
  resource: Obj,
  env: EvaluationEnv,
): { ctx: JsonContext; newResource: Obj | undefined; oldResource: Obj | undefined } {
  const op = env.operation;
  const ctx = new JsonContext();
  if (op !== "DELETE") ctx.addResource(cloneJson(resource));
  else ctx.addOldResource(cloneJson(resource));
  const md = isObject(resource.metadata) ? resource.metadata : {};
  ctx.add(str(md.namespace), false, "request", "namespace");
  ctx.addDeferredLoader({
    name: "images",
    load: (c) => {
      const images = extractImages(resource);
      if (Object.keys(images).length > 0) c.add(images, false, "images");
    },
  });
  const info = env.requestInfo;
  if (
    info &&
    (info.username !== "" || info.roles.length > 0 || info.clusterRoles.length > 0 || info.groups.length > 0)
  ) {
    ctx.add(
      {
        roles: info.roles,
        clusterRoles: info.clusterRoles,
        userInfo: { username: info.username, groups: info.groups },
      },
      false,
      "request",
    );
    const prefix = "system:serviceaccount:";
    const sa = info.username.length <= prefix.length ? "" : info.username.slice(prefix.length);
    const parts = sa.split(":");
    ctx.add(
      {
        serviceAccountName: parts.length >= 2 ? (parts[1] ?? "") : "",
        serviceAccountNamespace: parts.length >= 2 ? (parts[0] ?? "") : "",
      },
      false,
    );
  }
  ctx.add(op, false, "request", "operation");
  if (op === "UPDATE") ctx.addOldResource(cloneJson(resource));
  for (const [k, v] of Object.entries(env.values ?? {})) ctx.addVariable(k, v);
  const req = ctx.data().request;
  const reqObj = isObject(req) ? req : {};
  let newResource: Obj | undefined;
  let oldResource: Obj | undefined;
  if (op === "CREATE" || op === "UPDATE" || op === "CONNECT") {
    newResource = isObject(reqObj.object) ? reqObj.object : undefined;
  }
  if (op === "UPDATE" || op === "DELETE")
    oldResource = isObject(reqObj.oldObject) ? reqObj.oldObject : undefined;
  return {
    ctx,
    newResource: newResource ? cloneJson(newResource) : undefined,
    oldResource: oldResource ? cloneJson(oldResource) : undefined,
  };
}

/**
 * Evaluates every validate rule of a kyverno.io/v1 policy against one resource, as `kyverno apply/test` do.
 * Rules that do not match produce no response.
 */
export function evaluateKyvernoPolicy(policy: Obj, resource: Obj, env: EvaluationEnv): PolicyEvaluation {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const md = isObject(policy.metadata) ? policy.metadata : {};
  const policyName = str(md.name);
  const policyNamespace = policy.kind === "Policy" ? str(md.namespace) : "";
  const annotations: Record<string, string> = {};
  if (isObject(md.annotations))
    for (const [k, v] of Object.entries(md.annotations)) if (typeof v === "string") annotations[k] = v;
  const { ctx, newResource, oldResource } = buildContext(resource, env);
  const matchedResource = newResource ?? oldResource ?? resource;
  const gvk: GroupVersionKind = gvkOf(matchedResource);
  const rules = computeRules(
    Array.isArray(spec.rules) ? spec.rules.filter(isObject) : [],
    annotations,
    gvk.kind,
  );
  const applyOne = spec.applyRules === "One";
  const responses: RuleResponse[] = [];
  const unsupported: { rule: string; reason: string }[] = [];
  ctx.checkpoint();
  try {
    for (const rule of rules) {
      const matchInput = {
        gvk,
        subresource: env.subresource ?? "",
        operation: env.operation,
        namespaceLabels: env.namespaceLabels,
        requestInfo: env.requestInfo ?? emptyRequestInfo(),
        policyNamespace,
      };
      let notMatched = matchesResourceDescription(rule, { ...matchInput, resource: matchedResource });
      if (notMatched !== undefined && !newResource && oldResource) {
        notMatched = matchesResourceDescription(rule, { ...matchInput, resource: oldResource });
      }
      if (!hasValidate(rule)) {
        const why = unsupportedReason(rule);
        if (why && notMatched === undefined) unsupported.push({ rule: str(rule.name), reason: why });
        continue;
      }
      if (notMatched !== undefined) continue;
      const state: RuleState = {
        ctx,
        rule,
        policyName,
        ruleValues: env.ruleValues?.(policyName, str(rule.name)),
        env,
        newResource,
        oldResource,
        element: undefined,
        operation: env.operation,
        spec,
        policyNamespace,
      };
      const r = runRule(state);
      if (r) responses.push(r);
      if (applyOne && responses.some((x) => x.status === "pass" || x.status === "fail")) break;
    }
  } finally {
    ctx.restore();
  }
  return { responses, unsupported };
}

function runRule(state: RuleState): RuleResponse | undefined {
  const { ctx, rule } = state;
  const v = isObject(rule.validate) ? rule.validate : {};
  if (Array.isArray(v.manifests) || isObject(v.manifests)) {
    return {
      name: str(rule.name),
      status: "skip",
      message: "validate.manifests needs signature verification, which is not available offline",
      offline: true,
    };
  }
  ctx.checkpoint();
  try {
    try {
      loadContextEntries(ctx, rule.context, state.ruleValues);
    } catch (e) {
      return errorResponse(state, "failed to load context", e);
    }
    try {
      const pre = evaluateConditions(ctx, rule.preconditions);
      if (!pre.passed) return resp(state, "skip", joinNonEmpty(["preconditions not met", pre.message], "; "));
    } catch (e) {
      const off = findOffline(e);
      if (off) return errorResponse(state, "", off);
      return resp(state, "error", `failed to evaluate preconditions: ${(e as Error).message}`);
    }
    if (isObject(v.podSecurity)) {
      return validatePodSecurityRule(rule, state.newResource ?? {}, str(v.message));
    }
    if (isObject(v.cel)) {
      return validateCelRule(rule, {
        object: state.operation === "DELETE" ? null : (state.newResource ?? null),
        oldObject: state.oldResource ?? null,
        operation: state.operation,
        namespaceObject: state.env.namespaceObject,
        requestInfo: state.env.requestInfo,
      });
    }
    return validate(state, topValidator(rule));
  } catch (e) {
    if (e instanceof SubstitutionError || e instanceof QueryError || e instanceof ConditionError) {
      return resp(state, "error", e.message);
    }
    throw e;
  } finally {
    ctx.restore();
  }
}
