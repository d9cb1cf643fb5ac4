/**
 * `kintent import helm` on the chart corpus (../shared/corpora/helm-charts): wall time per chart (a cold CLI
 * process: two `helm template` renders per environment, inference, two engine builds, the comparison, the
 * atomic write) and what share of the source objects the intent expresses vs carries in extra/, per mode.
 * Median of --runs. Needs `npm run build` (the CLI runs from dist/) and helm (KINTENT_HELM, PATH or the tools dir).
 *
 *   npx tsx bench/import.ts [--runs 3]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../test/harness/index.js";
import { findHelm } from "../src/importer/helm.js";
import { kubernetesVersion } from "../src/importer/index.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(values.runs);
const CHARTS = join(repoRoot, "..", "shared", "corpora", "helm-charts");
const FIXTURES = join(repoRoot, "test", "fixtures", "import");

const CASES: { chart: string; values: string[] }[] = [
  {
    chart: "podinfo",
    values: [
      `dev=${join(CHARTS, "podinfo", "values.yaml")}`,
      `prod=${join(CHARTS, "podinfo", "values-prod.yaml")}`,
    ],
  },
  {
    chart: "nginx",
    values: [`dev=${join(CHARTS, "nginx", "values.yaml")}`, `prod=${join(FIXTURES, "nginx-prod.yaml")}`],
  },
  {
    chart: "apache",
    values: [`dev=${join(CHARTS, "apache", "values.yaml")}`, `prod=${join(FIXTURES, "apache-prod.yaml")}`],
  },
];

interface Report {
  parity: boolean;
  figure: { expressed: number; carried: number; referenced: number; dropped: number; ratio: number };
  environments: { counts: { source: number } }[];
  unexpressed: { field: string }[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Wall time of the `helm template` runs an import makes (two per environment), for the share helm takes. */
function helmTime(c: (typeof CASES)[number]): number {
  const helm = findHelm();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    for (const v of c.values)
      for (let k = 0; k < 2; k++) {
        const file = v.slice(v.indexOf("=") + 1);
        const home = mkdtempSync(join(tmpdir(), "kintent-bench-helm-"));
        const r = spawnSync(
          helm,
          [
            "template",
            c.chart,
            join(CHARTS, c.chart),
            "--kube-version",
            kubernetesVersion(),
            "--include-crds",
            "-f",
            file,
          ],
          {
            encoding: "utf8",
            env: {
              PATH: process.env.PATH ?? "",
              HOME: home,
              HELM_CACHE_HOME: home,
              HELM_CONFIG_HOME: home,
              HELM_DATA_HOME: home,
            },
          },
        );
        rmSync(home, { recursive: true, force: true });
        if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
      }
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(times);
}

const rows: string[] = [];
for (const c of CASES) {
  const helmSeconds = helmTime(c);
  for (const mode of ["exact", "default"] as const) {
    const times: number[] = [];
    let report: Report | undefined;
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), "kintent-bench-import-"));
      const args = [
        join(repoRoot, "bin", "kintent.js"),
        "import",
        "helm",
        join(CHARTS, c.chart),
        ...c.values.flatMap((v) => ["-f", v]),
        ...(mode === "exact" ? ["--exact"] : []),
        "--output",
        "json",
        "-o",
        join(dir, "out"),
      ];
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      times.push(Number(process.hrtime.bigint() - start) / 1e9);
      rmSync(dir, { recursive: true, force: true });
      if (r.status !== 0 && r.status !== 1)
        throw new Error(`kintent import failed (${r.status}): ${r.stderr}`);
      report = JSON.parse(r.stdout) as Report;
    }
    if (!report) continue;
    const f = report.figure;
    const objects = report.environments.reduce((n, e) => n + e.counts.source, 0);
    rows.push(
      `| ${c.chart} | ${mode} | ${report.environments.length} | ${objects} | ${median(times).toFixed(2)} s | ${helmSeconds.toFixed(2)} s | ${f.expressed} | ${f.carried} | ${f.referenced} | ${f.dropped} | **${Math.round(f.ratio * 100)}%** | ${report.parity ? "holds" : "NO"} |`,
    );
  }
}

console.log(
  `Median of ${RUNS} run(s), cold \`node bin/kintent.js import helm\` processes; objects summed over the environments.\n`,
);
console.log(
  "| chart | mode | environments | source objects | wall time | of which helm template | expressed | carried | Secrets → references | dropped | expressed / (expressed + carried) | parity |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
