/** Markdown for pull-request comments and bodies: a summary line and a findings table. */
import type { Report } from "./types.js";
import { safeReport } from "./safe.js";
import { compareFindings, countBySeverity } from "../core/finding.js";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function formatMarkdown(input: Report): string {
  const r = safeReport(input);
  const c = countBySeverity(r.findings);
  const icon = c.error > 0 ? "❌" : c.warning > 0 ? "⚠️" : "✅";
  const lines = [
    `### ${icon} kintent validate: ${c.error} error(s), ${c.warning} warning(s)${c.info ? `, ${c.info} info` : ""}`,
    "",
    `${r.summary.objects} object(s) in ${r.summary.files} file(s): ${r.summary.valid} valid, ${r.summary.invalid} invalid, ${r.summary.skipped} skipped (no schema).`,
  ];
  const shown = [...r.findings].sort(compareFindings);
  if (shown.length > 0) {
    lines.push("", "| | check | object | where | message |", "|---|---|---|---|---|");
    for (const f of shown) {
      const sev = f.severity === "error" ? "❌" : f.severity === "warning" ? "⚠️" : "ℹ️";
      const obj = f.object
        ? `${f.object.kind} \`${f.object.namespace ? `${f.object.namespace}/` : ""}${f.object.name}\``
        : "";
      const where = f.loc ? `\`${f.loc.file}:${f.loc.line}\`` : f.path ? `\`${f.path}\`` : "";
      lines.push(
        `| ${sev} | \`${cell(f.checkId)}\` | ${cell(obj)} | ${cell(where)} | ${cell(f.message)}${f.remediation && f.severity === "error" ? ` — _${cell(f.remediation)}_` : ""} |`,
      );
    }
  }
  return lines.join("\n") + "\n";
}
