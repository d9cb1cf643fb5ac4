/**
 * Validator benchmark: kintent validate (schemas + every check + the graph) against kubeconform + kube-linter
 * run one after the other on the same files, on
 *   1. a generated fleet: N apps × 3 environments compiled by kintent, one file per app and environment;
 *   2. the real-world manifests in ../shared/corpora/real-manifests.
 * Reports wall time, objects per second and peak RSS (GNU time), median of --runs.
 *
 *   npx tsx bench/validate.ts [--apps 1000] [--runs 3]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { compile } from "../src/compile/index.js";
import { resolveApp } from "../src/intent/resolve.js";
import { parseYamlStream } from "../src/core/yaml-source.js";
import { toYamlStream } from "../src/render/yaml.js";
import type { LoadedPlatform } from "../src/intent/load.js";
import type { WrittenApp, WrittenPlatform } from "../src/intent/schema.js";
import { repoRoot } from "../test/harness/index.js";
import { kubeconformArgs, median, timed, tool } from "./measure.js";
import type { Measure } from "./measure.js";
import { FLEET_PLATFORM, fleetApp } from "./fleet.js";

const { values } = parseArgs({
  options: { apps: { type: "string", default: "1000" }, runs: { type: "string", default: "3" } },
});
const APPS = Number(values.apps);
const RUNS = Number(values.runs);
const ROOT = repoRoot;
const WORK = join(ROOT, "bench", ".work");
const FLEET = join(WORK, "fleet");
const REAL = join(ROOT, "..", "shared", "corpora", "real-manifests");

function doc<T>(
  value: T,
  file: string,
): { value: T; source: ReturnType<typeof parseYamlStream>["documents"][number] } {
  const d = parseYamlStream(JSON.stringify(value), file).documents[0];
  if (!d) throw new Error("no document");
  return { value, source: d };
}

/** A fleet of varied apps, compiled for dev, staging and prod. */
function generateFleet(n: number): { files: number; objects: number } {
  rmSync(FLEET, { recursive: true, force: true });
  mkdirSync(FLEET, { recursive: true });
  const platform = parse(FLEET_PLATFORM) as WrittenPlatform;
  const lp: LoadedPlatform = doc(platform, "platform.yaml");
  let files = 0;
  let objects = 0;
  for (let i = 0; i < n; i++) {
    const written = fleetApp(i);
    const app = doc<WrittenApp>(written, `${written.metadata.name}/kintent.yaml`);
    const name = written.metadata.name;
    for (const env of ["dev", "staging", "prod"]) {
      const r = resolveApp({ ...app, format: "kintent" }, lp, env);
      if (!r.app) throw new Error(`${name}/${env}: ${JSON.stringify(r.errors)}`);
      const out = compile(r.app);
      writeFileSync(join(FLEET, `${name}-${env}.yaml`), toYamlStream(out.result.objects));
      files++;
      objects += out.result.objects.length;
    }
  }
  return { files, objects };
}

function countObjects(dir: string): number {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "kintent.js"), "validate", dir, "-f", "json"], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return (JSON.parse(r.stdout) as { summary: { objects: number } }).summary.objects;
}

function run(label: string, dir: string): string[] {
  const objects = countObjects(dir);
  const kintent = median(
    Array.from({ length: RUNS }, () =>
      timed(process.execPath, [join(ROOT, "bin", "kintent.js"), "validate", dir, "-f", "json"]),
    ),
  );
  const kubeconform = median(
    Array.from({ length: RUNS }, () => timed(tool("kubeconform"), kubeconformArgs(dir))),
  );
  const kubeLinter = median(
    Array.from({ length: RUNS }, () => timed(tool("kube-linter"), ["lint", "--format", "json", dir])),
  );
  const both = kubeconform.seconds + kubeLinter.seconds;
  const row = (name: string, m: Measure) =>
    `| ${label} | ${name} | ${m.seconds.toFixed(2)} s | ${Math.round(objects / m.seconds).toLocaleString("en-US")} | ${Math.round(m.maxRssMb)} MiB | ${m.exit} |`;
  return [
    row("kintent validate (schemas + all checks + graph)", kintent),
    row("kubeconform -strict", kubeconform),
    row("kube-linter lint", kubeLinter),
    `| ${label} | kubeconform + kube-linter | ${both.toFixed(2)} s | ${Math.round(objects / both).toLocaleString("en-US")} | — | — |`,
    `| ${label} | **kintent vs both** | **${(both / kintent.seconds).toFixed(2)}× faster** (${objects.toLocaleString("en-US")} objects) | | | |`,
  ];
}

const fleet = generateFleet(APPS);
console.log(`fleet: ${fleet.files} files, ${fleet.objects} objects (${APPS} apps × 3 environments)`);
const rows = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; median of ${RUNS} run(s).`,
  "",
  "| corpus | tool | wall time | objects/s | peak RSS | exit |",
  "|---|---|---|---|---|---|",
  ...run(`fleet (${APPS}×3)`, FLEET),
  ...(existsSync(REAL) ? run("real-manifests", REAL) : []),
];
console.log(rows.join("\n"));
