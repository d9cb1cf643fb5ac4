/**
 * Agreement with kube-linter's tests/checks and kube-score's score/testdata, read from the fetched mirrors
 * (bench/linter-agreement.ts; never copied here). Every disagreement is listed with its reason in
 * bench/linter-explained.ts; a new one (or a fixed one) fails the test so bench/README.md stays true. Skipped,
 * with the reason, when a mirror or the kube-linter binary is absent (a clean clone has neither mirror).
 */
import { describe, expect, it } from "vitest";
import { evaluateLinters } from "../../bench/linter-agreement.js";
import { LINTER_EXPLAINED } from "../../bench/linter-explained.js";

const agreement = evaluateLinters();
const measured = agreement.results.length > 0;

describe("kube-linter and kube-score fixtures agreement", () => {
  for (const [tool, why] of Object.entries(agreement.skipped))
    it.skip(`${tool}: ${why}`, () => {
      /* reported by the title */
    });

  it.runIf(measured)("agrees on every mapped case except the explained ones", () => {
    const explained = Object.keys(LINTER_EXPLAINED).filter((k) =>
      agreement.results.some((r) => k.startsWith(`${r.mapping.theirs}: `)),
    );
    const disagreements = agreement.results.flatMap((r) =>
      r.cases.filter((c) => !c.agrees).map((c) => `${r.mapping.theirs}: ${c.id}`),
    );
    expect(disagreements.sort()).toEqual(explained.sort());
    for (const r of agreement.results)
      expect(r.total, `${r.mapping.tool} ${r.mapping.theirs}`).toBeGreaterThan(0);
  });
});
