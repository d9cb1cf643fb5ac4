/**
 * Human-readable findings, grouped by file (ESLint's "stylish"). Colours only on a TTY without NO_COLOR.
 */
import type { Finding } from "../core/finding.js";
import { compareFindings, countBySeverity } from "../core/finding.js";
import { safeFinding, safeFindings } from "./safe.js";

export interface StylishOptions {
  color?: boolean;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

function objectName(f: Finding): string {
  if (!f.object) return "";
  const o = f.object;
  return `${o.kind}${o.namespace ? ` ${o.namespace}/` : " "}${o.name || "(no name)"}`;
}

export function formatStylish(findings: readonly Finding[], options: StylishOptions = {}): string {
  const color = options.color ?? false;
  if (findings.length === 0) return "";
  const sorted = safeFindings(findings).sort(compareFindings);
  const groups = new Map<string, Finding[]>();
  for (const f of sorted) {
    const key = f.loc?.file ?? (f.object ? "(manifests)" : `(${f.checkId})`);
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  const lines: string[] = [];
  for (const [file, list] of groups) {
    lines.push(paint(color, "4", file));
    for (const f of list) {
      const pos = f.loc ? `${f.loc.line}:${f.loc.column}` : "";
      const sev =
        f.severity === "error"
          ? paint(color, "31", "error")
          : f.severity === "warning"
            ? paint(color, "33", "warning")
            : paint(color, "36", "info");
      const obj = objectName(f);
      lines.push(
        `  ${pos.padEnd(8)} ${sev.padEnd(color ? 16 : 7)} ${f.message}${obj ? `  ${paint(color, "2", `[${obj}]`)}` : ""}  ${paint(color, "2", f.checkId)}`,
      );
    }
    lines.push("");
  }
  const c = countBySeverity(findings);
  const total = c.error + c.warning + c.info;
  const summary = `${total} problem${total === 1 ? "" : "s"} (${c.error} error${c.error === 1 ? "" : "s"}, ${c.warning} warning${c.warning === 1 ? "" : "s"}${c.info ? `, ${c.info} info` : ""})`;
  lines.push(c.error > 0 ? paint(color, "31;1", `✖ ${summary}`) : paint(color, "33;1", `⚠ ${summary}`));
  return lines.join("\n") + "\n";
}

/** A one-line form for a single finding: `file:line:col: severity: message [checkId]`. */
export function formatOneLine(finding: Finding): string {
  const f = safeFinding(finding);
  const pos = f.loc ? `${f.loc.file}:${f.loc.line}:${f.loc.column}: ` : "";
  return `${pos}${f.severity}: ${f.message} [${f.checkId}]`;
}
