/**
 * Kyverno conformance over the public Kyverno policy library (`npm run conformance:kyverno`): runs every
 * test suite, prints the per-category table and the expectations not met, and with `--write-floor` records
 * the current figure in kyverno-floor.json. KYVERNO_CORPUS overrides the corpus location.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  findTestFiles,
  formatCategoryTable,
  loadTest,
  ratio,
  runTest,
  summarize,
} from "../../src/policy/index.js";
import type { ConformanceSummary, TestReport } from "../../src/policy/index.js";

export const DEFAULT_CORPUS = fileURLToPath(
  new URL("../../../shared/corpora/kyverno-policies", import.meta.url),
);
export const FLOOR_FILE = fileURLToPath(new URL("./kyverno-floor.json", import.meta.url));

export interface Floor {
  corpus: string;
  ratio: number;
  met: number;
  denominator: number;
  unsupported: number;
  missing: number;
  categories: Record<string, number>;
}

export function runConformance(corpus: string): {
  summary: ConformanceSummary;
  reports: TestReport[];
  seconds: number;
} {
  const started = Date.now();
  const reports: TestReport[] = [];
  for (const file of findTestFiles(corpus)) for (const test of loadTest(file)) reports.push(runTest(test));
  return { summary: summarize(reports, corpus), reports, seconds: (Date.now() - started) / 1000 };
}

export function floorOf(summary: ConformanceSummary): Floor {
  const t = summary.total;
  return {
    corpus: "kyverno/policies@b9c4317ce02256dc66118e08bb3e9345e7bfce5c",
    ratio: Math.floor(ratio(t) * 10000) / 10000,
    met: t.met,
    denominator: t.met + t.unmet + t.skipped,
    unsupported: t.unsupported,
    missing: t.missing,
    categories: Object.fromEntries(summary.categories.map(([cat, c]) => [cat, c.met])),
  };
}

function main(): void {
  const corpus = process.env.KYVERNO_CORPUS ?? DEFAULT_CORPUS;
  const { summary, seconds } = runConformance(corpus);
  const t = summary.total;
  console.log(`Kyverno conformance: ${summary.tests} suites, ${seconds.toFixed(1)} s\n`);
  console.log(formatCategoryTable(summary));
  const denom = t.met + t.unmet + t.skipped;
  console.log(
    `\nmet ${t.met}/${denom} = ${(ratio(t) * 100).toFixed(2)}% (unmet ${t.unmet}, skipped ${t.skipped}); ` +
      `excluded: ${t.unsupported} unsupported (mutation/generation), ${t.missing} missing fixtures. ` +
      `Counting missing fixtures as unmet: ${((t.met / (denom + t.missing)) * 100).toFixed(2)}%`,
  );
  if (summary.unmet.length > 0) {
    console.log("\nNot met:");
    for (const u of summary.unmet) {
      console.log(
        `- [${u.status}] ${u.category} ${u.policy}${u.rule ? `/${u.rule}` : ""} ${u.resource} (want ${u.expected}): ${u.reason ?? ""}`,
      );
    }
  }
  if (process.argv.includes("--write-floor")) {
    writeFileSync(FLOOR_FILE, JSON.stringify(floorOf(summary), null, 2) + "\n");
    console.log(`\nwrote ${FLOOR_FILE}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
