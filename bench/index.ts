/**
 * `npm run bench`: every benchmark, one after the other, each in its own process so memory figures are its own.
 * Pass names to run a subset: `npm run bench -- validate`; arguments after a second `--` go to each script
 * (`npm run bench -- watch -- --minutes 2`).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
/** name → script (and its default arguments). Scripts print markdown tables for bench/README.md. */
const BENCHES: Record<string, string[]> = {
  validate: ["validate.ts"],
  fixtures: ["fixtures.ts"],
  "linter-fixtures": ["linter-fixtures.ts"],
  kyverno: ["kyverno.ts"],
  cmp: ["cmp.ts"],
  ai: ["ai.ts"],
  engine: ["engine.ts"],
  fuzz: ["fuzz.ts"],
  diagnose: ["diagnose.ts"],
  mcp: ["mcp.ts"],
  import: ["import.ts"],
  scale: ["scale.ts"],
  watch: ["watch.ts"],
};

const argv = process.argv.slice(2);
const dashes = argv.indexOf("--");
const wanted = (dashes < 0 ? argv : argv.slice(0, dashes)).filter((a) => !a.startsWith("-"));
const extra = dashes < 0 ? [] : argv.slice(dashes + 1);
let failed = 0;
for (const [name, [script, ...defaults]] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const file = join(here, script as string);
  if (!existsSync(file)) continue;
  console.log(`\n## ${name}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file, ...defaults, ...extra], {
    stdio: "inherit",
  });
  if (r.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
