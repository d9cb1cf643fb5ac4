import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ratio } from "../../src/policy/index.js";
import type { ConformanceSummary, TestReport } from "../../src/policy/index.js";
import { DEFAULT_CORPUS, FLOOR_FILE, runConformance } from "./kyverno-conformance.js";
import type { Floor } from "./kyverno-conformance.js";

const corpus = process.env.KYVERNO_CORPUS ?? DEFAULT_CORPUS;
const floor = JSON.parse(readFileSync(FLOOR_FILE, "utf8")) as Floor;

describe.skipIf(!existsSync(corpus))("Kyverno conformance over the policy library corpus", () => {
  let run: { summary: ConformanceSummary; reports: TestReport[] } | undefined;
  const get = (): { summary: ConformanceSummary; reports: TestReport[] } => {
    run ??= runConformance(corpus);
    return run;
  };

  it("meets at least the recorded floor (the figure can only rise)", () => {
    const { summary } = get();
    expect(ratio(summary.total)).toBeGreaterThanOrEqual(floor.ratio);
    expect(summary.total.met).toBeGreaterThanOrEqual(floor.met);
  });

  it("accounts for every expected result of every suite", () => {
    const { summary } = get();
    const t = summary.total;
    expect(summary.tests).toBe(492);
    expect(t.met + t.unmet + t.skipped + t.unsupported + t.missing).toBe(4843);
    expect(t.unsupported).toBeLessThanOrEqual(floor.unsupported);
    expect(t.missing).toBeLessThanOrEqual(floor.missing);
  });

  it("no category regresses below its recorded number of met expectations", () => {
    const { summary } = get();
    const met = new Map(summary.categories.map(([cat, c]) => [cat, c.met]));
    const regressions = Object.entries(floor.categories).filter(([cat, n]) => (met.get(cat) ?? 0) < n);
    expect(regressions).toEqual([]);
  });

  it("an expected fail is only met by a rule that failed (never by a skip or an exclusion)", () => {
    const { reports } = get();
    const bad = reports
      .flatMap((r) => r.expectations)
      .filter((e) => e.status === "met" && e.expected === "fail")
      .filter((e) => !e.rows.some((row) => row.actual === "fail"));
    expect(bad).toEqual([]);
  });
});
