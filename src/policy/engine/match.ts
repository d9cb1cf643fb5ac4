/**
 * `match` / `exclude` for kyverno.io/v1 rules (Kyverno pkg/engine/utils/match.go): kinds with
 * group/version/subresource and wildcards, names, namespaces, annotations, label and namespace selectors,
 * operations, and user info (roles, cluster roles, subjects).
 */
import { isObject } from "../json.js";
import { wildcardMatch } from "../wildcard.js";
import { matchLabelSelector } from "./label-selector.js";

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface RequestInfo {
  roles: string[];
  clusterRoles: string[];
  username: string;
  groups: string[];
}

export function emptyRequestInfo(): RequestInfo {
  return { roles: [], clusterRoles: [], username: "", groups: [] };
}

function isEmptyRequestInfo(r: RequestInfo): boolean {
  return r.roles.length === 0 && r.clusterRoles.length === 0 && r.username === "" && r.groups.length === 0;
}

export function gvkOf(resource: Record<string, unknown>): GroupVersionKind {
  const apiVersion = typeof resource.apiVersion === "string" ? resource.apiVersion : "";
  const kind = typeof resource.kind === "string" ? resource.kind : "";
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion, kind }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

const VERSION_RE = /^(v\d+((alpha|beta)\d+)?|\*)$/;

/** `kubeutils.ParseKindSelector` → [group, version, kind, subresource]. */
export function parseKindSelector(input: string): [string, string, string, string] {
  let parts = input.split("/");
  if (parts.length > 0) {
    const last = parts[parts.length - 1] ?? "";
    parts = [...parts.slice(0, -1), ...last.split(".")];
  }
  const [a = "", b = "", c = "", d = ""] = parts;
  switch (parts.length) {
    case 1:
      return ["*", "*", a, ""];
    case 2:
      if (a === "*" && b === "*") return ["*", "*", "*", "*"];
      if (a === "*" && b.toLowerCase() === b) return ["*", "*", a, b];
      if (VERSION_RE.test(a)) return ["*", a, b, ""];
      return ["*", "*", a, b];
    case 3:
      if (VERSION_RE.test(a)) return ["*", a, b, c];
      return [a, b, c, ""];
    case 4:
      return [a, b, c, d];
    default:
      return ["", "", "", ""];
  }
}

export function checkKind(
  kinds: string[],
  gvk: GroupVersionKind,
  subresource: string,
  allowEphemeral: boolean,
): boolean {
  for (const k of kinds) {
    const [group, version, kind, sub] = parseKindSelector(k);
    if (
      wildcardMatch(group, gvk.group) &&
      wildcardMatch(version, gvk.version) &&
      wildcardMatch(kind, gvk.kind)
    ) {
      if (wildcardMatch(sub, subresource)) return true;
      if (
        allowEphemeral &&
        gvk.group === "" &&
        gvk.version === "v1" &&
        gvk.kind === "Pod" &&
        subresource === "ephemeralcontainers"
      ) {
        return true;
      }
    }
  }
  return false;
}

/** `kubeutils.GetKindFromGVK` + `SplitSubresource`: the bare kind of a kind selector. */
export function kindOfSelector(str: string): string {
  const parts = str.split("/");
  const fmt = (s: string): string => s.replace(".", "/");
  let k: string;
  switch (parts.length) {
    case 1:
      k = fmt(str);
      break;
    case 2:
      if (parts[0] === "*" && parts[1] === "*") k = "*/*";
      else if (VERSION_RE.test(parts[0] ?? "")) k = fmt(parts[1] ?? "");
      else k = `${parts[0] ?? ""}/${parts[1] ?? ""}`;
      break;
    case 3:
      if (VERSION_RE.test(parts[0] ?? "")) k = `${parts[1] ?? ""}/${parts[2] ?? ""}`;
      else k = fmt(parts[2] ?? "");
      break;
    case 4:
      k = `${parts[2] ?? ""}/${parts[3] ?? ""}`;
      break;
    default:
      k = "";
  }
  const sp = k.split("/");
  return sp.length === 2 ? (sp[0] ?? "") : k;
}

export function containsKind(list: string[], kind: string): boolean {
  return list.some((e) => kindOfSelector(e) === kind);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function metadata(resource: Record<string, unknown>): Record<string, unknown> {
  return isObject(resource.metadata) ? resource.metadata : {};
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

export function resourceNamespace(resource: Record<string, unknown>): string {
  const ns = metadata(resource).namespace;
  return typeof ns === "string" ? ns : "";
}

export function resourceName(resource: Record<string, unknown>): string {
  const n = metadata(resource).name;
  return typeof n === "string" ? n : "";
}

export function resourceLabels(resource: Record<string, unknown>): Record<string, string> {
  return stringMap(metadata(resource).labels);
}

/** A `ResourceDescription` is empty when none of its fields is set. */
function isEmptyDescription(rd: Record<string, unknown>): boolean {
  const keys = [
    "kinds",
    "name",
    "names",
    "namespaces",
    "annotations",
    "selector",
    "namespaceSelector",
    "operations",
  ];
  return keys.every((k) => {
    const v = rd[k];
    if (v === undefined || v === null) return true;
    if (Array.isArray(v)) return v.length === 0;
    if (typeof v === "string") return v === "";
    if (k === "annotations" && isObject(v)) return Object.keys(v).length === 0;
    return false;
  });
}

function isEmptyUserInfo(ui: Record<string, unknown>): boolean {
  return (
    strings(ui.roles).length === 0 &&
    strings(ui.clusterRoles).length === 0 &&
    !(Array.isArray(ui.subjects) && ui.subjects.length > 0)
  );
}

export interface MatchInput {
  resource: Record<string, unknown>;
  gvk: GroupVersionKind;
  subresource: string;
  operation: string;
  namespaceLabels: Record<string, string> | undefined;
  requestInfo: RequestInfo;
  policyNamespace: string;
}

function checkSubjects(subjects: unknown[], info: RequestInfo): boolean {
  for (const s of subjects) {
    if (!isObject(s)) continue;
    const kind = s.kind;
    const name = typeof s.name === "string" ? s.name : "";
    const ns = typeof s.namespace === "string" ? s.namespace : "";
    if (kind === "ServiceAccount") {
      if (wildcardMatch(`system:serviceaccount:${ns}:${name}`, info.username)) return true;
    } else if (kind === "Group") {
      if (info.groups.some((g) => wildcardMatch(name, g))) return true;
    } else if (kind === "User") {
      if (wildcardMatch(name, info.username)) return true;
    }
  }
  return false;
}

/** `doesResourceMatchConditionBlock`: returns the list of reasons it does not match (empty = match). */
function conditionBlockErrors(
  rd: Record<string, unknown>,
  ui: Record<string, unknown>,
  input: MatchInput,
): string[] {
  const { resource, gvk } = input;
  const ops = strings(rd.operations);
  if (ops.length > 0 && !ops.includes(input.operation)) return ["operation does not match"];
  const errs: string[] = [];
  const kinds = strings(rd.kinds);
  if (kinds.length > 0 && !checkKind(kinds, gvk, input.subresource, true))
    errs.push(`kind does not match ${kinds.join(" ")}`);
  const md = metadata(resource);
  let name = typeof md.name === "string" ? md.name : "";
  if (name === "" && typeof md.generateName === "string") name = md.generateName;
  if (typeof rd.name === "string" && rd.name !== "" && !wildcardMatch(rd.name, name))
    errs.push("name does not match");
  const names = strings(rd.names);
  if (names.length > 0 && !names.some((n) => wildcardMatch(n, name))) errs.push("none of the names match");
  const namespaces = strings(rd.namespaces);
  if (namespaces.length > 0) {
    const ns = gvk.kind === "Namespace" ? name : resourceNamespace(resource);
    if (!namespaces.some((n) => wildcardMatch(n, ns))) errs.push("namespace does not match");
  }
  if (isObject(rd.annotations) && Object.keys(rd.annotations).length > 0) {
    const actual = stringMap(md.annotations);
    const ok = Object.entries(stringMap(rd.annotations)).every(([k, v]) =>
      Object.entries(actual).some(([k1, v1]) => wildcardMatch(k, k1) && wildcardMatch(v, v1)),
    );
    if (!ok) errs.push("annotations does not match");
  }
  if (rd.selector !== undefined && rd.selector !== null) {
    const r = matchLabelSelector(rd.selector, resourceLabels(resource));
    if (!r.ok) errs.push(`failed to parse selector: ${r.error}`);
    else if (!r.matches) errs.push("selector does not match");
  }
  if (rd.namespaceSelector !== undefined && rd.namespaceSelector !== null) {
    if (gvk.kind === "Namespace") errs.push("namespace selector is not applicable for namespace resource");
    else if (gvk.kind !== "") {
      const r = matchLabelSelector(rd.namespaceSelector, input.namespaceLabels);
      if (!r.ok) errs.push(`failed to parse namespace selector: ${r.error}`);
      else if (!r.matches) errs.push("namespace selector does not match labels");
    }
  }
  const info = input.requestInfo;
  const roles = strings(ui.roles);
  if (roles.length > 0 && !info.roles.some((r) => roles.includes(r)))
    errs.push("user info does not match roles");
  const clusterRoles = strings(ui.clusterRoles);
  if (clusterRoles.length > 0 && !info.clusterRoles.some((r) => clusterRoles.includes(r))) {
    errs.push("user info does not match clustersRoles");
  }
  if (Array.isArray(ui.subjects) && ui.subjects.length > 0 && !checkSubjects(ui.subjects, info)) {
    errs.push("user info does not match subject");
  }
  return errs;
}

function filterParts(f: Record<string, unknown>): [Record<string, unknown>, Record<string, unknown>] {
  const rd = isObject(f.resources) ? f.resources : {};
  const ui: Record<string, unknown> = { roles: f.roles, clusterRoles: f.clusterRoles, subjects: f.subjects };
  return [rd, ui];
}

function matchHelper(filter: Record<string, unknown>, input: MatchInput): string[] {
  const [rd, uiRaw] = filterParts(filter);
  const ui = isEmptyRequestInfo(input.requestInfo) ? {} : uiRaw;
  if (!isEmptyDescription(rd) || !isEmptyUserInfo(ui)) return conditionBlockErrors(rd, ui, input);
  return ["match cannot be empty"];
}

function excludeHelper(filter: Record<string, unknown>, input: MatchInput): string[] {
  const [rd, ui] = filterParts(filter);
  if (!isEmptyDescription(rd) || !isEmptyUserInfo(ui)) {
    const errs = conditionBlockErrors(rd, ui, input);
    if (errs.length === 0) return ["resource excluded since one of the criteria excluded it"];
  }
  return [];
}

function isEmptyMatch(m: Record<string, unknown>): boolean {
  const [rd, ui] = filterParts(m);
  return (
    !(Array.isArray(m.any) && m.any.length > 0) &&
    !(Array.isArray(m.all) && m.all.length > 0) &&
    isEmptyDescription(rd) &&
    isEmptyUserInfo(ui)
  );
}

/**
 * `MatchesResourceDescription`: undefined when the rule matches the resource, otherwise the reason.
 */
export function matchesResourceDescription(
  rule: Record<string, unknown>,
  input: MatchInput,
): string | undefined {
  const ns = resourceNamespace(input.resource);
  if (input.policyNamespace !== "" && input.policyNamespace !== ns)
    return "policy and resource namespaces mismatch";
  const match = isObject(rule.match) ? rule.match : {};
  const reasons: string[] = [];
  const anyList = Array.isArray(match.any) ? match.any.filter(isObject) : [];
  const allList = Array.isArray(match.all) ? match.all.filter(isObject) : [];
  if (anyList.length > 0) {
    if (!anyList.some((f) => matchHelper(f, input).length === 0)) reasons.push("no resource matched");
  } else if (allList.length > 0) {
    for (const f of allList) reasons.push(...matchHelper(f, input));
  } else {
    reasons.push(...matchHelper(match, input));
  }
  const exclude = rule.exclude;
  if (reasons.length === 0 && isObject(exclude) && !isEmptyMatch(exclude)) {
    const exAny = Array.isArray(exclude.any) ? exclude.any.filter(isObject) : [];
    const exAll = Array.isArray(exclude.all) ? exclude.all.filter(isObject) : [];
    if (exAny.length > 0) {
      for (const f of exAny) reasons.push(...excludeHelper(f, input));
    } else if (exAll.length > 0) {
      if (exAll.every((f) => excludeHelper(f, input).length > 0)) {
        reasons.push("resource excluded since the combination of all criteria exclude it");
      }
    } else {
      reasons.push(...excludeHelper(exclude, input));
    }
  }
  if (reasons.length === 0) return undefined;
  return `rule ${String(rule.name)} not matched: ${reasons.join("; ")}`;
}
