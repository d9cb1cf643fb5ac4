/**
 * The one result type every checker in kintent produces (schema validation, built-in checks, the
 * cross-resource graph, Kyverno policies, intent errors). Modelled on ESLint's `LintMessage`.
 */

export type Severity = "error" | "warning" | "info";

/** Where in a source file a finding points (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** The Kubernetes object a finding is about. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * A behaviour-preserving edit, applied by `--fix`. `path` is a JSON Pointer into the object;
 * `value` undefined with op "remove" deletes the field.
 */
export interface Fix {
  description: string;
  op: "set" | "remove";
  path: string;
  value?: unknown;
}

/** A behaviour-changing edit: shown to humans, never applied automatically. */
export interface Suggestion {
  description: string;
  fix?: Fix;
}

export interface Finding {
  /** e.g. `schema`, `run-as-non-root`, `policy:require-labels/check-for-labels`, `intent`. */
  checkId: string;
  /** Stable id of the message template within the check (ESLint `messageId`). */
  messageId?: string;
  severity: Severity;
  message: string;
  object?: ObjectRef;
  /** JSON Pointer of the offending field inside the object (or the intent document). */
  path?: string;
  loc?: SourceLocation;
  remediation?: string;
  fix?: Fix;
  suggestions?: Suggestion[];
}

/** Status of one validated unit, kept apart from findings: a tool failure is never "invalid input". */
export type ValidationStatus = "valid" | "invalid" | "skipped" | "error";

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Deterministic order: file, line, column, severity, check id, message. */
export function compareFindings(a: Finding, b: Finding): number {
  const fa = a.loc?.file ?? "";
  const fb = b.loc?.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.loc?.line ?? 0;
  const lb = b.loc?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.loc?.column ?? 0;
  const cb = b.loc?.column ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.severity !== b.severity) return severityRank[a.severity] - severityRank[b.severity];
  if (a.checkId !== b.checkId) return a.checkId < b.checkId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** A finding's identity: what it says, about what, where. */
export function findingKey(f: Finding): string {
  const o = f.object;
  return [
    f.checkId,
    f.messageId ?? "",
    f.severity,
    f.message,
    o ? `${o.apiVersion}|${o.kind}|${o.namespace ?? ""}|${o.name}` : "",
    f.path ?? "",
    f.loc ? `${f.loc.file}:${f.loc.line}:${f.loc.column}` : "",
  ].join("\u0000");
}

/** Each finding once (the same intent error comes from every environment), first occurrence kept, order kept. */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = findingKey(f);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `loc.file` of every finding re-expressed relative to another directory (`from` → `to`), for display. */
export function rebaseFindings(findings: readonly Finding[], rebase: (file: string) => string): Finding[] {
  return findings.map((f) => (f.loc ? { ...f, loc: { ...f.loc, file: rebase(f.loc.file) } } : f));
}
