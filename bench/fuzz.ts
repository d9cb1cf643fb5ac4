/**
 * `npm run bench -- fuzz [--seed N] [--cases N] [--workers N]`: the fuzz campaign of `npm test`
 * (test/fuzz/fuzz.test.ts) with a larger budget — by default 20,000 cases over 5 seeds on 2 workers — as a
 * markdown table for bench/README.md: cases per kind, failures by kind of problem, throughput.
 */
import { parseArgs } from "node:util";
import { runCampaign } from "../test/fuzz/campaign.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "16" },
    seeds: { type: "string", default: "5" },
    cases: { type: "string", default: "4000" },
    workers: { type: "string", default: "2" },
  },
});
const first = Number(values.seed);
const rows: string[] = [];
let failures = 0;
for (let s = first; s < first + Number(values.seeds); s++) {
  const r = await runCampaign({
    seed: s,
    cases: Number(values.cases),
    timeoutMs: 15_000,
    workers: Number(values.workers),
  });
  const kinds = Object.entries(r.byKind)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  const problems = new Map<string, number>();
  for (const f of r.failures)
    for (const p of f.problems) problems.set(p.what, (problems.get(p.what) ?? 0) + 1);
  failures += r.failures.length;
  rows.push(
    `| ${s} | ${r.cases} | ${kinds} | ${r.failures.length}${problems.size ? ` (${[...problems].map(([k, n]) => `${n} ${k}`).join(", ")})` : ""} | ${(r.ms / 1000).toFixed(1)} s | ${((r.cases / r.ms) * 1000).toFixed(0)} |`,
  );
  for (const f of r.failures.slice(0, 5))
    console.error(
      `seed ${s} case ${f.index} (${f.kind}): ${f.problems.map((p) => `${p.what}: ${p.detail}`).join("; ")}`,
    );
}
console.log("| seed | cases | by kind | failures | wall time | cases/s |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
process.exitCode = failures > 0 ? 1 : 0;
