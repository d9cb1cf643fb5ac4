/** Text output for `kintent policy test`, in the shape of `kyverno test`. */
import type { TestReport } from "./run.js";

export interface TableOptions {
  /** Add a MESSAGE column. */
  detailed?: boolean;
  /** Only rows whose expectation failed. */
  failOnly?: boolean;
}

interface Line {
  id: string;
  policy: string;
  rule: string;
  resource: string;
  result: string;
  reason: string;
  message: string;
}

function rowsOf(report: TestReport, options: TableOptions): Line[] {
  const out: Line[] = [];
  let id = 1;
  for (const e of report.expectations) {
    if (e.status === "unsupported") {
      if (options.failOnly) continue;
      out.push({
        id: String(id++),
        policy: e.policy,
        rule: e.rule,
        resource: e.resource,
        result: "Skip",
        reason: "Unsupported",
        message: e.reason ?? "",
      });
      continue;
    }
    for (const r of e.rows) {
      const failed = !r.ok || e.status === "unmet" || e.status === "skipped" || e.status === "missing";
      if (options.failOnly && !failed) continue;
      out.push({
        id: String(id++),
        policy: r.policy,
        rule: r.rule,
        resource: r.resource,
        result: failed ? "Fail" : "Pass",
        reason: r.ok && failed ? (e.reason ?? "Not met") : r.reason,
        message: r.message,
      });
    }
  }
  return out;
}

/** A `ID | POLICY | RULE | RESOURCE | RESULT | REASON` table for one test. */
export function formatTestTable(report: TestReport, options: TableOptions = {}): string {
  const headers = [
    "ID",
    "POLICY",
    "RULE",
    "RESOURCE",
    "RESULT",
    "REASON",
    ...(options.detailed ? ["MESSAGE"] : []),
  ];
  const lines = rowsOf(report, options).map((l) => [
    l.id,
    l.policy,
    l.rule,
    l.resource,
    l.result,
    l.reason,
    ...(options.detailed ? [l.message.replace(/\s+/g, " ")] : []),
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(" | ")
      .trimEnd();
  const sep = widths.map((w) => "-".repeat(w)).join("-|-");
  return [fmt(headers), sep, ...lines.map(fmt)].join("\n");
}

export interface SummaryCounts {
  passed: number;
  failed: number;
  unsupported: number;
}

/** Counts rows the way `kyverno test` does (each row passes or fails); unsupported rows are counted apart. */
export function countRows(reports: TestReport[]): SummaryCounts {
  const c: SummaryCounts = { passed: 0, failed: 0, unsupported: 0 };
  for (const r of reports) {
    for (const e of r.expectations) {
      if (e.status === "unsupported") {
        c.unsupported++;
        continue;
      }
      for (const row of e.rows) {
        const failed = !row.ok || e.status === "unmet" || e.status === "skipped" || e.status === "missing";
        if (failed) c.failed++;
        else c.passed++;
      }
    }
  }
  return c;
}

export function formatSummaryLine(c: SummaryCounts): string {
  const extra =
    c.unsupported > 0 ? ` (${c.unsupported} unsupported: mutation/generation, not evaluated)` : "";
  return `Test Summary: ${c.passed} tests passed and ${c.failed} tests failed${extra}`;
}
