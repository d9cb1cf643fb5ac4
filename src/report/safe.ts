/**
 * What every reporter does to text before printing it: the one redactor (no secret leaves in a report, whatever
 * check wrote the message), then display safety — control characters from object names or values (ESC, BEL,
 * NUL) become visible `\u001b` escapes instead of driving the terminal, and lone UTF-16 surrogates become
 * U+FFFD, so every report is valid UTF-8 and every JUnit/SARIF document valid XML/JSON.
 */
import type { Finding } from "../core/finding.js";
import { Redactor } from "../core/redact.js";
import type { Report } from "./types.js";

// C0 controls but tab and newline, DEL, C1 controls; and lone surrogates.
// Built from parts: matching control characters is the point (no-control-regex reads only literals).
const CONTROL = new RegExp(`[${["\\u0000-\\u0008", "\\u000b-\\u001f", "\\u007f-\\u009f"].join("")}]`, "g");
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe to print: control characters escaped visibly, lone surrogates replaced. */
export function displayText(s: string): string {
  return s
    .replace(LONE_SURROGATE, "\uFFFD")
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A finding as reporters may print it: redacted and display-safe in every string it carries. */
export function safeFinding(f: Finding, redactor: Redactor = new Redactor()): Finding {
  const t = (s: string) => displayText(redactor.text(s));
  return {
    ...f,
    message: t(f.message),
    ...(f.remediation !== undefined ? { remediation: t(f.remediation) } : {}),
    ...(f.path !== undefined ? { path: displayText(f.path) } : {}),
    ...(f.object
      ? {
          object: {
            ...f.object,
            apiVersion: displayText(f.object.apiVersion),
            kind: displayText(f.object.kind),
            name: t(f.object.name),
            ...(f.object.namespace !== undefined ? { namespace: t(f.object.namespace) } : {}),
          },
        }
      : {}),
    ...(f.loc ? { loc: { ...f.loc, file: displayText(f.loc.file) } } : {}),
    ...(f.suggestions
      ? { suggestions: f.suggestions.map((s) => ({ ...s, description: t(s.description) })) }
      : {}),
    ...(f.fix ? { fix: { ...f.fix, description: t(f.fix.description) } } : {}),
  };
}

export function safeFindings(findings: readonly Finding[]): Finding[] {
  const redactor = new Redactor();
  return findings.map((f) => safeFinding(f, redactor));
}

export function safeReport(r: Report): Report {
  return { ...r, findings: safeFindings(r.findings) };
}
