import type { Report } from "./types.js";
import { safeReport } from "./safe.js";
import { compareFindings, countBySeverity } from "../core/finding.js";

export function formatJson(input: Report): string {
  const r = safeReport(input);
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
