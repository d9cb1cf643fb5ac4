/** Aggregates test reports into a conformance figure, per category (the corpus' top-level directory). */
import { relative, sep } from "node:path";
import type { Expectation, TestReport } from "./run.js";

export interface Counts {
  /** Expected results met. */
  met: number;
  /** Not met (a wrong result, a missing resource, a load failure…). */
  unmet: number;
  /** Not met because the rule needs something unavailable offline; reported with the reason. */
  skipped: number;
  /** Mutation / generation / unsupported kinds: excluded from the denominator. */
  unsupported: number;
  /** About resources in fixture files the corpus does not contain: excluded from the denominator, listed. */
  missing: number;
}

export interface UnmetExpectation extends Expectation {
  category: string;
  path: string;
}

export interface ConformanceSummary {
  total: Counts;
  categories: [string, Counts][];
  unmet: UnmetExpectation[];
  tests: number;
}

function zero(): Counts {
  return { met: 0, unmet: 0, skipped: 0, unsupported: 0, missing: 0 };
}

export function categoryOf(root: string, path: string): string {
  const rel = relative(root, path);
  const first = rel.split(sep)[0] ?? rel;
  return rel.includes(sep) ? first : ".";
}

/** Met / (met + unmet + skipped). */
export function ratio(c: Counts): number {
  const denom = c.met + c.unmet + c.skipped;
  return denom === 0 ? 1 : c.met / denom;
}

export function summarize(reports: TestReport[], root: string): ConformanceSummary {
  const total = zero();
  const byCat = new Map<string, Counts>();
  const unmet: UnmetExpectation[] = [];
  for (const r of reports) {
    const category = categoryOf(root, r.path);
    let c = byCat.get(category);
    if (!c) {
      c = zero();
      byCat.set(category, c);
    }
    for (const e of r.expectations) {
      c[e.status]++;
      total[e.status]++;
      if (e.status === "unmet" || e.status === "skipped") unmet.push({ ...e, category, path: r.path });
    }
  }
  const categories = [...byCat.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { total, categories, unmet, tests: reports.length };
}

function pct(c: Counts): string {
  if (c.met + c.unmet + c.skipped === 0) return "n/a";
  return `${(ratio(c) * 100).toFixed(1)}%`;
}

/** A markdown table of the per-category figures. */
export function formatCategoryTable(s: ConformanceSummary): string {
  const lines = [
    "| category | met | unmet | skipped | unsupported | missing fixture | met % |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [cat, c] of s.categories) {
    lines.push(
      `| ${cat} | ${c.met} | ${c.unmet} | ${c.skipped} | ${c.unsupported} | ${c.missing} | ${pct(c)} |`,
    );
  }
  const t = s.total;
  lines.push(
    `| **total** | **${t.met}** | **${t.unmet}** | **${t.skipped}** | **${t.unsupported}** | **${t.missing}** | **${pct(t)}** |`,
  );
  return lines.join("\n");
}
