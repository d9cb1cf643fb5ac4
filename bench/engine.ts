/**
 * The engine on the bench fleet: N intent directories sharing one parent platform.yaml, each built for dev,
 * staging and prod through the library (one cold process, every app and environment, validation on), and the
 * fleet's manifests validated by the CLI (`kintent validate DIR`, one cold process). Wall time and peak RSS from
 * GNU time, median of --runs.
 *
 *   npx tsx bench/engine.ts [--apps 1000] [--runs 3] [--repo PATH]
 *
 * `--repo` points at another checkout's built `dist/` (e.g. a worktree of an older commit) to compare: the
 * child script uses the engine (`dist/project`) when it exists, else the facade it replaced (`dist/build.js`).
 */
import { rmSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../test/harness/index.js";
import { writeFleetIntents } from "./fleet.js";
import { median, timed } from "./measure.js";

const { values } = parseArgs({
  options: {
    apps: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
    repo: { type: "string" },
  },
});
const APPS = Number(values.apps);
const RUNS = Number(values.runs);
const REPO = resolve(values.repo ?? repoRoot);
const WORK = join(repoRoot, "bench", ".work", "engine");
const INTENTS = join(WORK, "intents");
const FLEET = join(WORK, "fleet");

/** The same varied apps as bench/validate.ts's fleet, as intent directories under one platform. */
function writeIntents(n: number): void {
  rmSync(WORK, { recursive: true, force: true });
  writeFleetIntents(INTENTS, n);
}

/** Builds every app × environment in one process and writes the manifests (the fleet) — old or new API. */
const CHILD = `
import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { existsSync } from "node:fs";
import { join } from "node:path";
const [dist, intents, fleet, write] = process.argv.slice(1);
const { toYamlStream } = await import(join(dist, "render/yaml.js"));
const engine = existsSync(join(dist, "project/index.js"));
const apps = readdirSync(intents, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
if (write === "1") mkdirSync(fleet, { recursive: true });
let objects = 0, errors = 0, findings = 0;
if (engine) {
  const { openProject } = await import(join(dist, "project/index.js"));
  for (const app of apps) {
    const project = await openProject(join(intents, app));
    for (const env of ["dev", "staging", "prod"]) {
      const b = project.build(env);
      errors += b.errors.length; findings += b.findings.length; objects += b.objects.length;
      if (write === "1") writeFileSync(join(fleet, app + "-" + env + ".yaml"), toYamlStream(b.objects));
    }
  }
} else {
  const { buildIntent, allObjects } = await import(join(dist, "build.js"));
  for (const app of apps) {
    for (const env of ["dev", "staging", "prod"]) {
      const b = buildIntent(join(intents, app), { env, cwd: intents });
      errors += b.errors.length; findings += b.validation.length;
      const objs = b.build ? allObjects(b.build) : [];
      objects += objs.length;
      if (write === "1") writeFileSync(join(fleet, app + "-" + env + ".yaml"), toYamlStream(objs));
    }
  }
}
console.log(JSON.stringify({ engine, apps: apps.length, objects, errors, findings }));
`;

writeIntents(APPS);
const dist = join(REPO, "dist");
const child = (write: boolean) =>
  timed(process.execPath, ["--input-type=module", "-e", CHILD, dist, INTENTS, FLEET, write ? "1" : "0"]);
const first = child(true);
if (first.exit !== 0) throw new Error(`build failed: ${first.stdout}`);
const info = JSON.parse(first.stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
const build = median(Array.from({ length: RUNS }, () => child(false)));
const validate = median(
  Array.from({ length: RUNS }, () =>
    timed(process.execPath, [join(REPO, "bin", "kintent.js"), "validate", FLEET, "-f", "json"]),
  ),
);

console.log(
  `Repository: ${REPO} (${info.engine ? "engine: openProject → build(env)" : "buildIntent facade"})`,
);
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}; median of ${RUNS} run(s)\n`,
);
console.log("| work | wall time | peak RSS | result |");
console.log("|---|---|---|---|");
console.log(
  `| build ${String(info.apps)} apps × 3 environments (compile + extras + validate, one process) | ${build.seconds.toFixed(2)} s | ${build.maxRssMb.toFixed(0)} MiB | ${String(info.objects)} objects, ${String(info.errors)} errors, ${String(info.findings)} findings |`,
);
console.log(
  `| kintent validate the fleet (${String(APPS * 3)} files) | ${validate.seconds.toFixed(2)} s | ${validate.maxRssMb.toFixed(0)} MiB | exit ${validate.exit} |`,
);
