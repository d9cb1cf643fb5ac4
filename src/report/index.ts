import type { Report, ReporterName } from "./types.js";
import { formatStylish } from "./stylish.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatJunit } from "./junit.js";
import { formatMarkdown } from "./markdown.js";

export type { Report, ReporterName } from "./types.js";
export const REPORTERS: ReporterName[] = ["stylish", "json", "sarif", "junit", "markdown"];

export function formatReport(name: ReporterName, report: Report, options: { color?: boolean } = {}): string {
  // Every formatter redacts and makes its text display-safe itself (src/report/safe.ts), also when called directly.
  switch (name) {
    case "json":
      return formatJson(report);
    case "sarif":
      return formatSarif(report);
    case "junit":
      return formatJunit(report);
    case "markdown":
      return formatMarkdown(report);
    default: {
      const text = formatStylish(
        report.findings,
        options.color !== undefined ? { color: options.color } : {},
      );
      const s = report.summary;
      return `${text}${s.objects} object(s) in ${s.files} file(s): ${s.valid} valid, ${s.invalid} invalid, ${s.skipped} skipped\n`;
    }
  }
}
