/**
 * `npm run bench -- scale`: issue #17's figures in one run, each beside its yardstick — cold processes,
 * medians, peak RSS from GNU time.
 *  1. Cold start: `kintent build` of examples/production and the Argo CD plugin's `cmp generate` (cache off and
 *     warm; from the CLI and, as the plugin image runs it, from a V8 start-up snapshot) against `helm template`
 *     of podinfo with its production values, and a bare `node -e 0`.
 *  2. Fleet (N apps × 3 environments sharing a platform): `kintent validate` of the compiled manifests against
 *     kubeconform, kube-linter and a raw js-yaml parse of the same files; `kintent build --all` and
 *     `kintent validate ROOT` (build + validate of every app and environment), cold and from the build cache.
 *  3. Linear cost: `kintent build` with 1×/10×/100× more `extra/` manifests against `kintent validate` of its
 *     output and a js-yaml parse of the extra files; peak RSS against the input size.
 *
 *   npm run build && npm run bench -- scale [-- --apps 1000 --runs 3 --cold-runs 11 --sizes 500,5000,50000]
 * Needs helm, kubeconform and kube-linter from scripts/tools.sh, and /usr/bin/time.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../test/harness/index.js";
import { writeFleetIntents } from "./fleet.js";
import { ARGO_ENV, kubeconformArgs, medianOf, timed, tool } from "./measure.js";
import type { Measure } from "./measure.js";

const { values } = parseArgs({
  options: {
    apps: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
    "cold-runs": { type: "string", default: "11" },
    sizes: { type: "string", default: "500,5000,50000" },
  },
});
const APPS = Number(values.apps);
const RUNS = Number(values.runs);
const COLD = Number(values["cold-runs"]);
const SIZES = String(values.sizes).split(",").map(Number);
const CLI = join(repoRoot, "bin", "kintent.js");
const NODE = process.execPath;
const WORK = mkdtempSync(join(tmpdir(), "kintent-bench-scale-"));
const CACHE = join(WORK, "cache");
const env = { PATH: process.env.PATH, HOME: WORK, KINTENT_CACHE_DIR: CACHE };
const noCache = { ...env, KINTENT_CACHE: "off" };

const kintent = (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
  timed(NODE, [CLI, ...args], { env: options.env ?? noCache, ...(options.cwd ? { cwd: options.cwd } : {}) });
const ok = (m: Measure, what: string): Measure => {
  if (m.exit !== 0 && m.exit !== 1) throw new Error(`${what} exited ${m.exit}: ${m.stderr.slice(0, 2000)}`);
  return m;
};
const ms = (m: Measure) => `${Math.round(m.seconds * 1000)} ms`;
const sec = (m: Measure) => `${m.seconds.toFixed(2)} s`;
const mib = (m: Measure) => `${Math.round(m.maxRssMb)} MiB`;
const times = (a: Measure, b: Measure) => `${(a.seconds / b.seconds).toFixed(2)}×`;

/** Bytes of every file under `dir`. */
function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

/** A raw js-yaml parse of every YAML file under a directory: the floor of any validator written in JS. */
const PARSE = `
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadAll } from "js-yaml";
let docs = 0;
for (const e of readdirSync(process.argv[1], { withFileTypes: true, recursive: true }))
  if (e.isFile() && /\\.ya?ml$/.test(e.name)) loadAll(readFileSync(join(e.parentPath, e.name), "utf8"), () => docs++);
console.log(docs);
`;
const jsYamlParse = (dir: string) =>
  timed(NODE, ["--input-type=module", "-e", PARSE, dir], { cwd: repoRoot });

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"} (availableParallelism ${availableParallelism()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} at start.\n`,
);

// 1. Cold start.
{
  const prod = join(repoRoot, "examples", "production");
  const chart = join(repoRoot, "..", "shared", "corpora", "helm-charts", "podinfo");
  const argo = { ...env, ...ARGO_ENV };
  const nodeFloor = medianOf(COLD, () => timed(NODE, ["-e", "0"]));
  const helm = medianOf(COLD, () =>
    ok(
      timed(tool("helm"), [
        "template",
        "podinfo",
        chart,
        "-f",
        join(chart, "values-prod.yaml"),
        "--kube-version",
        "1.36.3",
      ]),
      "helm template",
    ),
  );
  const build = medianOf(COLD, () => ok(kintent(["build", prod, "--env", "prod"]), "kintent build"));
  const cmpCold = medianOf(COLD, () =>
    ok(kintent(["cmp", "generate"], { cwd: prod, env: { ...argo, KINTENT_CACHE: "off" } }), "cmp generate"),
  );
  ok(kintent(["cmp", "generate"], { cwd: prod, env: argo }), "cmp generate (fill the cache)");
  const cmpWarm = medianOf(COLD, () =>
    ok(kintent(["cmp", "generate"], { cwd: prod, env: argo }), "cmp generate"),
  );
  // The plugin image's launcher starts `cmp generate` from a V8 start-up snapshot (scripts/snapshot.mjs).
  const blob = join(WORK, "cmp.blob");
  ok(timed(NODE, [join(repoRoot, "scripts", "snapshot.mjs"), "--out", blob]), "scripts/snapshot.mjs");
  const fromSnapshot = (e: NodeJS.ProcessEnv) =>
    ok(timed(NODE, ["--snapshot-blob", blob, "generate"], { cwd: prod, env: e }), "cmp generate (snapshot)");
  const snapCold = medianOf(COLD, () => fromSnapshot({ ...argo, KINTENT_CACHE: "off" }));
  const snapWarm = medianOf(COLD, () => fromSnapshot(argo));
  console.log(`### Cold start (median of ${COLD} cold processes)\n`);
  console.log("| work | wall | peak RSS | ÷ helm template | target |");
  console.log("|---|---:|---:|---:|---|");
  console.log(
    `| \`node -e 0\` (the floor) | ${ms(nodeFloor)} | ${mib(nodeFloor)} | ${times(nodeFloor, helm)} | |`,
  );
  console.log(
    `| **yardstick** \`helm template\` podinfo, values-prod.yaml | ${ms(helm)} | ${mib(helm)} | 1.00× | |`,
  );
  console.log(
    `| \`kintent build examples/production --env prod\` | ${ms(build)} | ${mib(build)} | ${times(build, helm)} | ≤ 2× |`,
  );
  console.log(
    `| \`kintent cmp generate\` (cache off) | ${ms(cmpCold)} | ${mib(cmpCold)} | ${times(cmpCold, helm)} | p50 ≤ 80 ms |`,
  );
  console.log(
    `| \`kintent cmp generate\` (unchanged app, build cache) | ${ms(cmpWarm)} | ${mib(cmpWarm)} | ${times(cmpWarm, helm)} | p50 ≤ 80 ms |`,
  );
  console.log(
    `| plugin image: \`cmp generate\` from the start-up snapshot (cache off) | ${ms(snapCold)} | ${mib(snapCold)} | ${times(snapCold, helm)} | p50 ≤ 80 ms |`,
  );
  console.log(
    `| plugin image: \`cmp generate\` from the start-up snapshot (unchanged app, build cache) | ${ms(snapWarm)} | ${mib(snapWarm)} | ${times(snapWarm, helm)} | p50 ≤ 80 ms |`,
  );
  console.log("");
}

// 2. Fleet.
{
  const intents = join(WORK, "intents");
  const manifests = join(WORK, "manifests");
  writeFleetIntents(intents, APPS);
  const made = ok(kintent(["build", "--all", intents, "--out", manifests]), "build --all --out");
  const bytes = bytesUnder(manifests);
  const mb = bytes / 1e6;
  const rate = (m: Measure) => `${(mb / m.seconds).toFixed(1)} MB/s`;
  const parse = medianOf(RUNS, () => ok(jsYamlParse(manifests), "js-yaml parse"));
  const kubeconform = medianOf(RUNS, () => timed(tool("kubeconform"), kubeconformArgs(manifests)));
  const kubeLinter = medianOf(RUNS, () =>
    timed(tool("kube-linter"), ["lint", "--format", "json", manifests]),
  );
  const both: Measure = { ...kubeconform, seconds: kubeconform.seconds + kubeLinter.seconds };
  const validate = medianOf(RUNS, () => ok(kintent(["validate", manifests, "-f", "json"]), "validate"));
  const buildAll = medianOf(RUNS, () => ok(kintent(["build", "--all", intents]), "build --all"));
  const buildAll2 = medianOf(RUNS, () =>
    ok(kintent(["build", "--all", intents, "-j", "2"]), "build --all -j 2"),
  );
  const validateRoot = medianOf(RUNS, () =>
    ok(kintent(["validate", intents, "-f", "json"]), "validate ROOT"),
  );
  rmSync(CACHE, { recursive: true, force: true });
  const fill = ok(kintent(["build", "--all", intents], { env }), "build --all (fill the cache)");
  const warm = medianOf(RUNS, () => ok(kintent(["build", "--all", intents], { env }), "build --all (cache)"));
  ok(
    kintent(["build", "--all", intents, "--out", join(WORK, "out-warm")], { env }),
    "build --all --out (fill)",
  );
  const warmOut = medianOf(RUNS, () =>
    ok(
      kintent(["build", "--all", intents, "--out", join(WORK, "out-warm")], { env }),
      "build --all --out (cache)",
    ),
  );
  const objects = /(\d+) object\(s\)/.exec(made.stderr)?.[1] ?? "?";
  console.log(
    `### Fleet: ${APPS} apps × 3 environments, ${objects} objects, ${mb.toFixed(1)} MB of manifests (median of ${RUNS})\n`,
  );
  console.log("| work | wall | throughput | peak RSS | compared | target |");
  console.log("|---|---:|---:|---:|---|---|");
  console.log(
    `| **yardstick** js-yaml parse of the manifests | ${sec(parse)} | ${rate(parse)} | ${mib(parse)} | | |`,
  );
  console.log(
    `| **yardstick** kubeconform -strict | ${sec(kubeconform)} | ${rate(kubeconform)} | ${mib(kubeconform)} | | |`,
  );
  console.log(
    `| **yardstick** kube-linter lint | ${sec(kubeLinter)} | ${rate(kubeLinter)} | ${mib(kubeLinter)} | | |`,
  );
  console.log(`| **yardstick** kubeconform + kube-linter | ${sec(both)} | ${rate(both)} | | | |`);
  console.log(
    `| \`kintent validate\` the manifests (schemas, every check, the graph) | ${sec(validate)} | ${rate(validate)} | ${mib(validate)} | ${(both.seconds / validate.seconds).toFixed(1)}× faster than both, ${(kubeconform.seconds / validate.seconds).toFixed(2)}× kubeconform's speed, ${times(validate, parse)} the parse | ≥ 15 MB/s, ≥ 10× both, faster than kubeconform |`,
  );
  console.log(
    `| \`kintent build --all\` (build + validate every app and environment; default workers) | ${sec(buildAll)} | ${rate(buildAll)} | ${mib(buildAll)} | | < 5 s |`,
  );
  console.log(
    `| \`kintent build --all -j 2\` (two worker threads) | ${sec(buildAll2)} | ${rate(buildAll2)} | ${mib(buildAll2)} | | < 5 s |`,
  );
  console.log(
    `| \`kintent validate ROOT\` (the intents: build + validate, one report) | ${sec(validateRoot)} | ${rate(validateRoot)} | ${mib(validateRoot)} | | |`,
  );
  console.log(
    `| \`kintent build --all\`, filling an empty build cache | ${sec(fill)} | ${rate(fill)} | ${mib(fill)} | | |`,
  );
  console.log(
    `| \`kintent build --all\`, every app unchanged (build cache) | ${sec(warm)} | ${rate(warm)} | ${mib(warm)} | | a hash and a read per app |`,
  );
  console.log(
    `| \`kintent build --all --out\`, unchanged (cache; writes ${APPS * 3} files) | ${sec(warmOut)} | ${rate(warmOut)} | ${mib(warmOut)} | | |`,
  );
  console.log("");
}

// 3. Linear cost of extra/.
{
  console.log(`### Linear cost: \`extra/\` grown 1×/10×/100× (median of ${RUNS})\n`);
  console.log(
    "| extra objects | extra/ size | js-yaml parse (yardstick) | validate (build's output) | build | build ÷ validate | build peak RSS | RSS ÷ input | target |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const n of SIZES) {
    const dir = join(WORK, `extras-${n}`);
    const app = join(dir, "app");
    cpSync(join(repoRoot, "examples", "quickstart"), app, { recursive: true });
    mkdirSync(join(app, "extra"));
    for (let f = 0; f < 5; f++) {
      let s = "";
      for (let i = f; i < n; i += 5)
        s += `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels: {team: bench}\ndata:\n  a: "${"x".repeat(200)}"\n  b: "${i}"\n---\n`;
      writeFileSync(join(app, "extra", `cms-${f}.yaml`), s);
    }
    const inputMb = bytesUnder(join(app, "extra")) / 2 ** 20;
    const out = join(dir, "out.yaml");
    writeFileSync(out, ok(kintent(["build", app]), "build").stdout);
    const parse = medianOf(RUNS, () => jsYamlParse(join(app, "extra")));
    const validate = medianOf(RUNS, () => ok(kintent(["validate", out]), "validate"));
    const build = medianOf(RUNS, () => ok(kintent(["build", app]), "build"));
    console.log(
      `| ${n.toLocaleString("en-US")} | ${inputMb.toFixed(2)} MiB | ${sec(parse)} | ${sec(validate)} | ${sec(build)} | ${times(build, validate)} | ${mib(build)} | ${(build.maxRssMb / inputMb).toFixed(1)}× | ≤ 1.5× validate, < 3× input |`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
}
rmSync(WORK, { recursive: true, force: true });
