/**
 * `npm run bench -- extras [--runs 5] [--sizes 100,1000,10000]`: the cost of `extra/` — `kintent build` of the
 * quickstart with N extra ConfigMaps (5 files) against `kintent validate` of the build's output (the same objects
 * and the generated ones), cold CLI processes, median wall time and peak RSS (GNU time's %M) of --runs. Issue #17
 * asks for build within 1.5× of validate on the same input and memory under 3× the input.
 * Needs `npm run build` (the CLI runs from dist/) and /usr/bin/time.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../test/harness/index.js";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "5" }, sizes: { type: "string", default: "100,1000,10000" } },
});
const RUNS = Number(values.runs);
const SIZES = String(values.sizes).split(",").map(Number);
const CLI = join(repoRoot, "bin", "kintent.js");

function timed(args: string[], out?: string): { s: number; mb: number } {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", process.execPath, CLI, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (out !== undefined) writeFileSync(out, r.stdout);
  const last = r.stderr.trim().split("\n").at(-1) ?? "";
  const [s, kb] = last.split(" ").map(Number);
  if (r.status !== 0 || s === undefined || kb === undefined)
    throw new Error(`${args.join(" ")}: ${r.stderr}`);
  return { s, mb: kb / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

console.log(`Median of ${RUNS} cold runs each, build and validate alternating.\n`);
console.log(
  "| extra objects | extra/ size | build | validate (its output) | build ÷ validate | build peak RSS | RSS ÷ input |",
);
console.log("|---:|---:|---:|---:|---:|---:|---:|");
for (const n of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), "kintent-bench-extras-"));
  const app = join(dir, "app");
  cpSync(join(repoRoot, "examples", "quickstart"), app, { recursive: true });
  mkdirSync(join(app, "extra"));
  let bytes = 0;
  for (let f = 0; f < 5; f++) {
    let s = "";
    for (let i = f; i < n; i += 5)
      s += `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels: {team: bench}\ndata:\n  a: "${"x".repeat(200)}"\n  b: "${i}"\n---\n`;
    writeFileSync(join(app, "extra", `cms-${f}.yaml`), s);
    bytes += statSync(join(app, "extra", `cms-${f}.yaml`)).size;
  }
  const out = join(dir, "out.yaml");
  timed(["build", app], out);
  const build: { s: number; mb: number }[] = [];
  const validate: { s: number; mb: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    build.push(timed(["build", app]));
    validate.push(timed(["validate", out]));
  }
  const b = median(build.map((x) => x.s));
  const v = median(validate.map((x) => x.s));
  const rss = median(build.map((x) => x.mb));
  const inputMb = bytes / 1024 / 1024;
  console.log(
    `| ${n} | ${inputMb.toFixed(2)} MB | ${b.toFixed(2)} s | ${v.toFixed(2)} s | ${(b / v).toFixed(2)}× | ${rss.toFixed(0)} MB | ${(rss / inputMb).toFixed(0)}× |`,
  );
  rmSync(dir, { recursive: true, force: true });
}
