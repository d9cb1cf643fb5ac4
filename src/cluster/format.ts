/**
 * The diagnose report, for people (text) and machines (JSON). Everything that leaves goes through the one
 * redactor first: events and status messages may quote env values, URLs with passwords or tokens.
 */
import type { Redactor } from "../core/redact.js";
import { describeObject } from "../core/object.js";
import type { Diagnosis, EventEvidence } from "./diagnosis.js";
import type { FixPlan } from "./fixes.js";
import { manifestPatch } from "./fixes.js";

export interface DiagnoseReport {
  cluster: string;
  namespaces: readonly string[] | "all";
  readAt: string;
  skipped: readonly string[];
  apiCalls: { list: number; total: number };
  diagnoses: Diagnosis[];
  fixes: FixPlan[];
  /** Whether an intent was read (fixes as intent changes) or not (manifest patches). */
  intent: boolean;
  /** `--explain`: a model's reading of the diagnoses (never a source of truth). */
  explanation?: { model: string; summary: string; steps: string[]; truncated: boolean };
}

/** The model's explanation, marked as such, after the report it explains. */
export function formatExplanation(e: NonNullable<DiagnoseReport["explanation"]>): string {
  const lines = [
    `Explained by ${e.model} (a model's reading of the diagnoses above, which remain the source of truth${e.truncated ? "; it saw the report cut short" : ""}):`,
    ...e.summary.split("\n").map((l) => `  ${l}`),
  ];
  if (e.steps.length > 0)
    lines.push("  Next:", ...e.steps.map((s, i) => `  ${i + 1}. ${s.replace(/\n/g, " ")}`));
  return lines.join("\n") + "\n";
}

/** A field's value in evidence: strings as they are, anything else as JSON, cut past 400 characters. */
export function showValue(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s === undefined ? "∅" : s.length > 400 ? `${s.slice(0, 397)}…` : s;
}

function ago(first: string | undefined, last: string | undefined): string {
  if (!last) return "";
  if (!first || first === last) return last;
  return `${last} (first ${first})`;
}

export function formatEvent(e: EventEvidence): string {
  const count = e.count > 1 ? ` (x${e.count})` : "";
  return `${e.type.padEnd(7)} ${e.reason}${count}  ${ago(e.firstTime, e.lastTime)}${e.source ? `  ${e.source}` : ""}\n          ${e.message}`;
}

/** The existing name (or key) a dangling one probably meant: `ConfigMap web-config (web-cfg does not exist)`. */
export function didYouMeanText(d: Diagnosis): string | undefined {
  const m = d.didYouMean;
  if (m?.candidate && m.key === undefined) return `${m.kind} ${m.candidate} (${m.missing} does not exist)`;
  if (m?.key?.candidate)
    return `key ${m.key.candidate} of ${m.kind} ${m.key.of} (${m.key.missing} does not exist)`;
  return undefined;
}

export function formatDiagnosis(d: Diagnosis, fix: FixPlan | undefined, intent: boolean): string {
  const lines: string[] = [];
  const where = d.owner
    ? `${describeObject(d.owner)} (${describeObject(d.object)}${d.objects.length > 1 ? ` and ${d.objects.length - 1} more` : ""})`
    : describeObject(d.object);
  lines.push(
    `${d.severity === "error" ? "✖" : "⚠"} ${d.analyzer}/${d.variant}  ${where}${d.container ? `  container ${d.container}` : ""}`,
  );
  lines.push(`    cause: ${d.cause}`);
  const meant = didYouMeanText(d);
  if (meant !== undefined) lines.push(`    did you mean: ${meant}`);
  if (d.fields.length > 0) {
    lines.push("    evidence:");
    for (const f of d.fields)
      lines.push(`      ${describeObject(f.object)} ${f.path}: ${showValue(f.value)}`);
  }
  if (d.events.length > 0) {
    lines.push("    events (newest first):");
    for (const e of d.events) lines.push(`      ${formatEvent(e).replace(/\n/g, "\n  ")}`);
  }
  if (fix?.source) {
    const loc = fix.source.loc
      ? `${fix.source.loc.file}:${fix.source.loc.line}`
      : `${fix.source.from} (no intent line)`;
    lines.push(`    intent: ${loc}${fix.source.why ? ` — ${fix.source.why}` : ""}`);
  }
  if (fix && fix.status !== "unfixable") {
    lines.push(`    fix (${fix.status}: ${fix.why}):`);
    for (const v of fix.verification) lines.push(`      ${v.passed ? "✓" : "✗"} ${v.check}: ${v.detail}`);
    for (const l of fix.diff.trimEnd().split("\n")) lines.push(`      ${l}`);
  } else if (fix) lines.push(`    no intent fix: ${fix.why}`);
  else if (!intent) {
    const p = manifestPatch(d);
    if (p)
      lines.push(
        `    manifest patch for ${describeObject(p.object)} (strategic merge; kintent never applies it): ${JSON.stringify(p.patch)}`,
      );
  }
  return lines.join("\n");
}

export function formatReport(r: DiagnoseReport, redactor: Redactor): string {
  const out: string[] = [];
  const fixes = new Map(r.fixes.map((f) => [f.fingerprint, f]));
  for (const d of r.diagnoses) out.push(formatDiagnosis(d, fixes.get(d.fingerprint), r.intent), "");
  const errors = r.diagnoses.filter((d) => d.severity === "error").length;
  const ns = r.namespaces === "all" ? "every namespace" : r.namespaces.join(", ");
  out.push(
    r.diagnoses.length === 0
      ? `healthy: nothing to report in ${ns} (${r.cluster}, ${r.apiCalls.list} list requests)`
      : `${r.diagnoses.length} diagnosis(es), ${errors} error(s), in ${ns} (${r.cluster}, ${r.apiCalls.list} list requests)`,
  );
  for (const s of r.skipped) out.push(`  skipped ${s}`);
  if (r.explanation) out.push("", formatExplanation(r.explanation).trimEnd());
  return redactor.text(out.join("\n") + "\n");
}

export function reportJson(r: DiagnoseReport, redactor: Redactor): string {
  const fixes = r.fixes.map(({ writes: _w, preview, ...f }) => ({
    ...f,
    ...(preview ? { manifests: preview.envs.map((e) => ({ env: e.env, changes: e.changes })) } : {}),
  }));
  const body = {
    cluster: r.cluster,
    namespaces: r.namespaces,
    readAt: r.readAt,
    apiCalls: r.apiCalls,
    skipped: r.skipped,
    diagnoses: r.diagnoses.map((d) => ({ ...d, ...(r.intent ? {} : { manifestPatch: manifestPatch(d) }) })),
    fixes,
    ...(r.explanation ? { explanation: r.explanation } : {}),
  };
  return JSON.stringify(redactor.value(body), null, 2) + "\n";
}
