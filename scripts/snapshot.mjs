/**
 * Builds the Argo CD plugin's V8 start-up snapshot (issue #17): dist/bundle/snapshot/cmp.blob from the single-file
 * entry scripts/bundle.mjs wrote (dist/bundle/snapshot/cmp.cjs, src/cmp/snapshot.ts), warmed by a full
 * `cmp discover` + `cmp generate` of a sample intent directory, with the Node that runs this script. The plugin
 * image runs it (deploy/argocd-cmp/Dockerfile) and its launcher (deploy/argocd-cmp/kintent.sh) starts
 * `kintent cmp generate|discover` from the blob.
 *
 * A blob loads only into the exact Node binary that wrote it (another one aborts on a checksum), so it is built
 * where it runs and never shipped in the npm package (`npm run build` deletes dist/bundle/). Before the blob is
 * put in place, the sample is generated both ways and must be byte-identical (stdout, stderr, exit code).
 *
 *   node scripts/snapshot.mjs [--warm DIR] [--env ENV] [--out BLOB]
 *   (after `npm run build`; defaults: examples/production, prod, dist/bundle/snapshot/cmp.blob)
 */
import { spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    warm: { type: "string", default: join(root, "examples", "production") },
    env: { type: "string", default: "prod" },
    out: { type: "string", default: join(root, "dist", "bundle", "snapshot", "cmp.blob") },
  },
});
const warm = resolve(values.warm);
const entry = join(root, "dist", "bundle", "snapshot", "cmp.cjs");
const blob = resolve(values.out);
class Failure extends Error {}
/** @param {string} message */
const fail = (message) => {
  throw new Failure(message);
};

const tmp = `${blob}.${process.pid}.tmp`;
try {
  if (!existsSync(entry)) fail(`${entry} is missing: run \`npm run build\` first`);
  if (!existsSync(warm)) fail(`the warm-up directory ${warm} does not exist (--warm DIR)`);
  const built = spawnSync(process.execPath, ["--snapshot-blob", tmp, "--build-snapshot", entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      KINTENT_SNAPSHOT_WARM_DIR: warm,
      KINTENT_SNAPSHOT_WARM_ENV: values.env,
    },
    encoding: "utf8",
  });
  if (built.status !== 0 || !existsSync(tmp))
    fail(`node --build-snapshot exited ${built.status}: ${built.stderr.trim()}`);
  if (built.stderr.trim() !== "") fail(`node --build-snapshot warned: ${built.stderr.trim()}`);

  // The same plugin call both ways, with Argo CD's environment and the build cache off.
  const argo = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? "/",
    ARGOCD_APP_NAME: "kintent-snapshot",
    ARGOCD_ENV_KINTENT_ENV: values.env,
    KINTENT_CACHE: "off",
  };
  for (const sub of ["discover", "generate"]) {
    /** @param {string[]} args */
    const run = (args) => spawnSync(process.execPath, args, { cwd: warm, env: argo, encoding: "utf8" });
    const cli = run([join(root, "bin", "kintent.js"), "cmp", sub]);
    const snap = run(["--snapshot-blob", tmp, sub]);
    for (const k of ["status", "stdout", "stderr"])
      if (cli[k] !== snap[k])
        fail(
          `\`cmp ${sub}\` from the snapshot differs from the CLI in ${k}:\n--- cli\n${cli[k]}\n--- snapshot\n${snap[k]}`,
        );
    if (cli.status !== 0)
      fail(`\`kintent cmp ${sub}\` of ${warm} exited ${cli.status}: ${cli.stderr.trim()}`);
  }
  renameSync(tmp, blob);
} catch (e) {
  if (!(e instanceof Failure)) throw e;
  process.stderr.write(`kintent snapshot: ${e.message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { force: true });
}
if (process.exitCode !== 1)
  process.stdout.write(`kintent snapshot: ${blob} (warmed with ${warm}, environment ${values.env})\n`);
