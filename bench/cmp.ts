/**
 * Argo CD plugin latency: `kintent cmp generate` on examples/production as the repo-server sidecar runs it —
 * a cold `node bin/kintent.js` process per run, in the source directory, with Argo CD's environment. p50/p95
 * over --runs (default 20), beside a bare `node -e 0` and the same generate through the full CLI (no fast path),
 * then what each stage costs inside one cold process (imports, build + validation, YAML).
 *
 *   npx tsx bench/cmp.ts [--runs 20]      (needs `npm run build`: the sidecar runs dist/)
 *
 * Goal (issue #7): p50 < 300 ms on the development machine.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../test/harness/index.js";
import { ARGO_ENV } from "./measure.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "20" } } });
const RUNS = Number(values.runs);
const ROOT = repoRoot;
const APP_DIR = join(ROOT, "examples", "production");
const BIN = join(ROOT, "bin", "kintent.js");
const GOAL_MS = 300;

if (!existsSync(join(ROOT, "dist", "cmp", "main.js"))) {
  console.error("bench/cmp.ts: dist/ is missing — run `npm run build` first");
  process.exit(2);
}

// The plugin's cold path: the build cache off (bench/scale.ts measures it on).
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: "/home/argocd",
  ...ARGO_ENV,
  KINTENT_CACHE: "off",
};

function time(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: APP_DIR, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return ms;
}

function stats(samples: number[]): { p50: number; p95: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

const FULL_CLI = [
  "--input-type=module",
  "-e",
  `import { main } from ${JSON.stringify(join(ROOT, "dist", "cli", "main.js"))};
   process.exitCode = await main(["cmp", "generate"], { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env });`,
];

const rows: [string, number[]][] = [
  ["node -e 0 (process start)", []],
  ["kintent cmp generate (fast path)", []],
  ["kintent cmp generate (full CLI)", []],
];
time([BIN, "cmp", "generate"]); // warm the file cache once
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so background load affects every row alike.
  rows[0]?.[1].push(time(["-e", "0"]));
  rows[1]?.[1].push(time([BIN, "cmp", "generate"]));
  rows[2]?.[1].push(time(FULL_CLI));
}

console.log(
  `Cold processes, ${RUNS} runs each, examples/production (env prod); ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ` +
    `Node ${process.version}, load average ${loadavg()[0]?.toFixed(2)}.\n`,
);
console.log("| command | p50 | p95 | min | max |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, samples] of rows) {
  const s = stats(samples);
  console.log(
    `| ${name} | ${s.p50.toFixed(0)} ms | ${s.p95.toFixed(0)} ms | ${s.min.toFixed(0)} ms | ${s.max.toFixed(0)} ms |`,
  );
}

// Where the time goes in one cold process: each import measured in order (shared modules are paid once, by
// the first importer), then the work.
const PHASES = `
const t0 = performance.now();
let last = t0;
const out = [];
const lap = (label) => { const n = performance.now(); out.push([label, n - last]); last = n; };
const dist = ${JSON.stringify(join(ROOT, "dist"))};
await import(dist + "/cmp/generate.js"); lap("src/cmp (request, discover, generate)");
await import("yaml"); lap("yaml");
await import("zod"); lap("zod");
await import(dist + "/intent/load.js"); lap("intent loader + schema (js-yaml, positions)");
await import(dist + "/compile/index.js"); lap("compiler");
await import(dist + "/validate/index.js"); lap("validator (checks, schema registry)");
const { openProject } = await import(dist + "/project/index.js");
const { toYamlStream } = await import(dist + "/render/yaml.js"); lap("build facade + YAML renderer");
const b = (await openProject(".", { cwd: process.cwd() })).build("prod"); lap("load + compile + validate (first call)");
toYamlStream(b.objects); lap("YAML stream");
console.log(JSON.stringify(out));
`;
const phaseRuns = Array.from({ length: 5 }, () => {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", PHASES], {
    cwd: APP_DIR,
    env,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as [string, number][];
});
console.log("\nInside one cold process (median of 5), after Node's own start-up:\n");
console.log("| stage | ms |");
console.log("|---|---:|");
const labels = phaseRuns[0]?.map(([l]) => l) ?? [];
let total = 0;
labels.forEach((label, i) => {
  const ms = stats(phaseRuns.map((p) => p[i]?.[1] ?? NaN)).p50;
  total += ms;
  console.log(`| ${label} | ${ms.toFixed(1)} |`);
});
console.log(`| **total** | **${total.toFixed(1)}** |`);

const p50 = stats(rows[1]?.[1] ?? []).p50;
console.log(`\nGoal: p50 < ${GOAL_MS} ms — ${p50 < GOAL_MS ? "met" : "NOT met"} (${p50.toFixed(0)} ms).`);
