/** Kubernetes label selectors (`metav1.LabelSelectorAsSelector`), with Kyverno's wildcard replacement. */
import { isObject } from "../json.js";
import { containsWildcard, wildcardMatch } from "../wildcard.js";

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isValidLabelKey(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1] ?? "";
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return true;
}

export function isValidLabelValue(v: string): boolean {
  return v.length <= 63 && LABEL_VALUE.test(v);
}

function replaceWildcardChars(s: string): string {
  return s.replaceAll("*", "0").replaceAll("?", "0");
}

/** `wildcards.ReplaceInSelector`: wildcard matchLabels keys/values take the matching resource label. */
function replaceInSelector(sel: LabelSelector, labels: Record<string, string>): LabelSelector {
  if (!sel.matchLabels) return sel;
  const out: Record<string, string> = {};
  const keys = Object.keys(labels).sort();
  for (const [k, v] of Object.entries(sel.matchLabels)) {
    if (containsWildcard(k) || containsWildcard(String(v))) {
      const hit = keys.find((k1) => wildcardMatch(k, k1) && wildcardMatch(String(v), labels[k1] ?? ""));
      if (hit !== undefined) out[hit] = labels[hit] ?? "";
      else out[replaceWildcardChars(k)] = replaceWildcardChars(String(v));
    } else {
      out[k] = String(v);
    }
  }
  return { ...sel, matchLabels: out };
}

export type SelectorResult = { ok: true; matches: boolean } | { ok: false; error: string };

/**
 * Evaluates a selector against labels. A null/undefined selector matches nothing; `{}` matches everything.
 * `wildcards` enables Kyverno's wildcard expansion of matchLabels.
 */
export function matchLabelSelector(
  selector: unknown,
  labels: Record<string, string> | undefined,
  wildcards = true,
): SelectorResult {
  if (selector === null || selector === undefined) return { ok: true, matches: false };
  if (!isObject(selector)) return { ok: false, error: "invalid selector" };
  const actual = labels ?? {};
  let sel = selector as LabelSelector;
  if (wildcards) sel = replaceInSelector(sel, actual);
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (!isValidLabelKey(k)) return { ok: false, error: `key: Invalid value: "${k}"` };
    if (!isValidLabelValue(String(v)))
      return { ok: false, error: `values[0][${k}]: Invalid value: "${String(v)}"` };
  }
  for (const e of sel.matchExpressions ?? []) {
    if (!isValidLabelKey(e.key)) return { ok: false, error: `key: Invalid value: "${e.key}"` };
    const op = e.operator;
    const values = e.values ?? [];
    if ((op === "In" || op === "NotIn") && values.length === 0) {
      return {
        ok: false,
        error: "values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      };
    }
    if ((op === "Exists" || op === "DoesNotExist") && values.length > 0) {
      return {
        ok: false,
        error: "values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      };
    }
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(op)) {
      return { ok: false, error: `"${op}" is not a valid label selector operator` };
    }
  }
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (actual[k] !== String(v)) return { ok: true, matches: false };
  }
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(actual, e.key);
    const val = actual[e.key];
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(val ?? "")) return { ok: true, matches: false };
        break;
      case "NotIn":
        if (has && values.includes(val ?? "")) return { ok: true, matches: false };
        break;
      case "Exists":
        if (!has) return { ok: true, matches: false };
        break;
      case "DoesNotExist":
        if (has) return { ok: true, matches: false };
        break;
    }
  }
  return { ok: true, matches: true };
}
