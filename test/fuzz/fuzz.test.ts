/**
 * Fuzzing in CI (issue 16): the corpus of past crashers as regression cases, then a bounded, seeded generative
 * campaign over intents, Score files, extra manifests and plain manifests. Fails on an internal error, a hang
 * (per-case timeout), an error without a location, or a message with `undefined` / `[object Object]` / an
 * empty list. A failing case is reproduced with `generateCase(seed, index)`; add it to test/fuzz/corpus/.
 * The same campaign with a larger budget: `npm run bench -- fuzz`.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT } from "../helpers.js";
import { runCampaign } from "./campaign.js";
import { runCase } from "./run-case.js";
import type { FuzzCase } from "./generate.js";

const CORPUS = join(ROOT, "test", "fuzz", "corpus");

function readCase(dir: string): FuzzCase {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  const kind =
    "input.yaml" in files
      ? "manifest"
      : "score.yaml" in files
        ? "score"
        : existsSync(join(dir, "extra"))
          ? "extra"
          : "intent";
  return { kind, files };
}

/** `FUZZ_SEED` picks another campaign (CI keeps the default so a red run is reproducible). */
const SEED = Number(process.env.FUZZ_SEED ?? 16);
const CASES = Number(process.env.FUZZ_CASES ?? 2000);

describe("fuzz", () => {
  const corpus = readdirSync(CORPUS).sort();

  it.each(corpus)("corpus: %s", async (name) => {
    const work = mkdtempSync(join(tmpdir(), "kintent-fuzz-corpus-"));
    try {
      expect(await runCase(readCase(join(CORPUS, name)), join(work, "case"))).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it(`campaign: ${CASES} seeded cases (seed ${SEED}) without an internal error, a hang or an unlocated message`, async () => {
    const r = await runCampaign({ seed: SEED, cases: CASES, timeoutMs: 15_000, workers: 1 });
    expect(
      r.failures.map((f) => ({
        case: `generateCase(${SEED}, ${f.index})`,
        kind: f.kind,
        problems: f.problems,
      })),
    ).toEqual([]);
    expect(Object.keys(r.byKind).sort()).toEqual(["extra", "intent", "manifest", "score"]);
  }, 600_000);
});
