import type { Report } from "./types.js";
import { compareFindings, countBySeverity } from "../core/finding.js";

export function formatJson(r: Report): string {
  const counts = countBySeverity(r.findings);
  return (
    JSON.stringify(
      {
        tool: { name: "kintent", version: r.toolVersion },
        summary: { ...r.summary, errors: counts.error, warnings: counts.warning, infos: counts.info },
        findings: [...r.findings].sort(compareFindings),
      },
      null,
      2,
    ) + "\n"
  );
}
