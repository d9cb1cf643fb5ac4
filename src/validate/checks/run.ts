/**
 * The check runner: applies scope, configuration and suppressions, formats messages, attaches
 * remediation and source positions. Checks themselves only report diagnostics.
 */
import type { Finding, Severity } from "../../core/finding.js";
import type { Bundle, CheckDefinition, Diagnostic, Subject, ValidationContext } from "./types.js";
import { TEMPLATES } from "./templates/index.js";
import { annotationsOf, kindOf, namespaceOf, POD_KINDS } from "../objects.js";

export const SUPPRESS_PREFIX = "ignore-check.kintent.dev/";
export const SUPPRESS_ALL = "kintent.dev/ignore-all-checks";

export interface CheckSetting {
  /** `off` disables the check. */
  severity?: Severity | "off";
  params?: Record<string, unknown>;
}

export interface RunOptions {
  checks: readonly CheckDefinition[];
  settings?: Record<string, CheckSetting>;
  /** Only these categories (default all). */
  categories?: readonly string[];
}

export class BundleIndex implements Bundle {
  private readonly kinds = new Map<string, Subject[]>();
  private readonly keyed = new Map<string, Subject>();
  constructor(
    readonly subjects: readonly Subject[],
    readonly context: ValidationContext,
    private readonly defaultNamespace = "default",
  ) {
    for (const s of subjects) {
      const k = kindOf(s.object);
      const list = this.kinds.get(k) ?? [];
      list.push(s);
      this.kinds.set(k, list);
      this.keyed.set(`${k}\u0000${this.namespaceOf(s)}\u0000${s.ref.name}`, s);
    }
  }
  byKind(kind: string): readonly Subject[] {
    return this.kinds.get(kind) ?? [];
  }
  find(kind: string, name: string, namespace: string | undefined): Subject | undefined {
    return this.keyed.get(`${kind}\u0000${namespace ?? this.defaultNamespace}\u0000${name}`);
  }
  namespaceOf(s: Subject): string {
    return namespaceOf(s.object) ?? this.defaultNamespace;
  }
  private readonly memos = new Map<string, unknown>();
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }
}

function inScope(kinds: readonly string[], kind: string): boolean {
  return (
    kinds.includes("Any") ||
    kinds.includes(kind) ||
    (kinds.includes("DeploymentLike") && POD_KINDS.includes(kind))
  );
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m: string, k: string) =>
    k in data ? String(data[k]) : m,
  );
}

/** Validate a check's params against its template; returns an error message or undefined. */
export function checkParamsError(def: CheckDefinition, params: Record<string, unknown>): string | undefined {
  const t = TEMPLATES[def.template];
  if (!t)
    return `check ${def.id}: unknown template \`${def.template}\` (known: ${Object.keys(TEMPLATES).sort().join(", ")})`;
  const r = t.params.safeParse(params);
  return r.success
    ? undefined
    : `check ${def.id}: invalid params for template ${def.template}: ${r.error.issues.map((i) => `${i.path.join(".") || "(params)"}: ${i.message}`).join("; ")}`;
}

export function runChecks(bundle: BundleIndex, options: RunOptions): Finding[] {
  const findings: Finding[] = [];
  // Each subject's kind, read once for every check.
  const kinds = bundle.subjects.map((s) => kindOf(s.object));
  for (const def of options.checks) {
    const setting = options.settings?.[def.id];
    if (setting?.severity === "off") continue;
    if (options.categories && !options.categories.includes(def.category)) continue;
    const template = TEMPLATES[def.template];
    if (!template) continue;
    const params = { ...(def.params ?? {}), ...(setting?.params ?? {}) };
    const parsed = template.params.safeParse(params);
    if (!parsed.success) continue; // reported once by the config loader
    const severity: Severity = setting?.severity ?? def.severity;
    // Whether a kind is in the check's scope, decided once per kind, not per object.
    const scoped = new Map<string, boolean>();
    for (let n = 0; n < bundle.subjects.length; n++) {
      const subject = bundle.subjects[n] as Subject;
      const kind = kinds[n] as string;
      let applies = scoped.get(kind);
      if (applies === undefined) {
        applies = inScope(def.scope.kinds, kind) && inScope(template.kinds, kind);
        scoped.set(kind, applies);
      }
      if (!applies) continue;
      const diags: Diagnostic[] = [];
      template.check({
        subject,
        object: subject.object,
        bundle,
        params: parsed.data,
        report: (d) => diags.push(d),
      });
      if (diags.length === 0) continue;
      const annotations = annotationsOf(subject.object);
      const reason = annotations[`${SUPPRESS_PREFIX}${def.id}`] ?? annotations[SUPPRESS_ALL];
      if (reason !== undefined) {
        if (typeof reason !== "string" || reason.trim() === "") {
          findings.push({
            checkId: def.id,
            messageId: "suppression-without-reason",
            severity: "warning",
            message: `check ${def.id} is suppressed without a reason: write why in the annotation value`,
            object: subject.ref,
            path: "/metadata/annotations",
            ...(subject.source
              ? { loc: subject.source.locate(`${subject.pointer ?? ""}/metadata/annotations`) }
              : {}),
          });
        }
        continue;
      }
      for (const d of diags) {
        const message = formatMessage(template.messages[d.messageId] ?? d.messageId, d.data);
        const path = d.path ?? "";
        findings.push({
          checkId: def.id,
          messageId: d.messageId,
          severity,
          message,
          object: subject.ref,
          path,
          ...(subject.source ? { loc: subject.source.locate(`${subject.pointer ?? ""}${path}`) } : {}),
          remediation: def.remediation,
          ...(d.fix ? { fix: d.fix } : {}),
          ...(d.suggestions ? { suggestions: d.suggestions } : {}),
        });
      }
    }
  }
  return findings;
}
