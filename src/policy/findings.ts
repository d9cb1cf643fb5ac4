/** Turning policy results into kintent findings. */
import type { Finding, Severity } from "../core/finding.js";
import type { SourceDocument } from "../core/yaml-source.js";
import type { RuleResult } from "./types.js";
import { isObject } from "./json.js";

/**
 * Kyverno's failing path (`/spec/containers/0/image/`, keys not escaped) as an RFC 6901 JSON Pointer. With the
 * resource at hand, keys that contain `/` (label keys such as `app.kubernetes.io/name`) are recognised.
 */
export function toJsonPointer(kyvernoPath: string | undefined, resource?: unknown): string | undefined {
  if (kyvernoPath === undefined || kyvernoPath === "") return undefined;
  const segs = kyvernoPath.split("/").filter((s) => s !== "");
  if (segs.length === 0) return undefined;
  const out: string[] = [];
  let node: unknown = resource;
  let i = 0;
  while (i < segs.length) {
    let seg = segs[i] ?? "";
    let used = 1;
    if (isObject(node) && !Object.prototype.hasOwnProperty.call(node, seg)) {
      for (let j = i + 2; j <= segs.length; j++) {
        const joined = segs.slice(i, j).join("/");
        if (Object.prototype.hasOwnProperty.call(node, joined)) {
          seg = joined;
          used = j - i;
          break;
        }
      }
    }
    out.push(seg.replace(/~/g, "~0").replace(/\//g, "~1"));
    node = isObject(node) ? node[seg] : Array.isArray(node) ? (node as unknown[])[Number(seg)] : undefined;
    i += used;
  }
  return "/" + out.join("/");
}

function checkId(r: RuleResult): string {
  return r.rule === "" ? `policy:${r.policy}` : `policy:${r.policy}/${r.rule}`;
}

function severityOf(r: RuleResult): Severity {
  return r.action === "Enforce" ? "error" : "warning";
}

/**
 * Findings for the results that need attention: failures and evaluation errors (`Enforce` → error,
 * `Audit` → warning) and rules skipped because they need something unavailable offline (info).
 * `sources[i]` is the source document of resource `i`, when known.
 */
export function toFindings(
  results: readonly RuleResult[],
  sources: readonly (SourceDocument | undefined)[] = [],
): Finding[] {
  const findings: Finding[] = [];
  for (const r of results) {
    let messageId: string;
    let severity: Severity;
    if (r.status === "fail") {
      messageId = "fail";
      severity = severityOf(r);
    } else if (r.status === "error") {
      messageId = "error";
      severity = severityOf(r);
    } else if (r.status === "warn") {
      messageId = "warn";
      severity = "warning";
    } else if (r.status === "skip" && r.offline === true) {
      messageId = "skipped-offline";
      severity = "info";
    } else {
      continue;
    }
    const path = r.path;
    const f: Finding = {
      checkId: checkId(r),
      messageId,
      severity,
      message: r.status === "error" ? `policy could not be evaluated: ${r.message}` : r.message,
      object: { ...r.resource },
    };
    if (path !== undefined) f.path = path;
    const src = sources[r.resourceIndex];
    if (src) f.loc = path !== undefined ? src.locate(path) : src.start();
    findings.push(f);
  }
  return findings;
}
