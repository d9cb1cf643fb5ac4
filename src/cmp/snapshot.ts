/**
 * The Argo CD plugin's V8 start-up snapshot entry (issue #17). scripts/bundle.mjs bundles this module into one
 * CommonJS file (dist/bundle/snapshot/cmp.cjs: Node 20 snapshots only single scripts), and scripts/snapshot.mjs
 * runs it under `node --build-snapshot` in the plugin image. The snapshot holds kintent after a full warm-up
 * `cmp generate` (modules evaluated, zod schemas built, the bundled Kubernetes schemas it used parsed), so a plugin
 * call started with `node --snapshot-blob cmp.blob generate` skips loading and first-use costs.
 *
 * What the heap keeps from the warm-up is only what is the same for every call of this installation: the package
 * root, the bundled schema registry, compiled check programs. Nothing reads the caller's environment, working
 * directory or the build cache at build time (the warm-up runs with the cache off); the main function reads them
 * afresh on every start. Equality with `kintent cmp generate` is checked when the blob is built and in
 * test/cmp/cmp-snapshot.test.ts (every plugin test through a blob).
 */
import { startupSnapshot } from "node:v8";
import { packageRoot } from "../core/package-root.js";
import { runCmp } from "./main.js";

/** Environment variables the warm-up reads (set by scripts/snapshot.mjs), never read by a plugin call. */
const WARM_DIR_VAR = "KINTENT_SNAPSHOT_WARM_DIR";
const WARM_ENV_VAR = "KINTENT_SNAPSHOT_WARM_ENV";

const sink = { write: (): boolean => true };

async function warmUp(dir: string, env: string | undefined): Promise<void> {
  const argo: NodeJS.ProcessEnv = { KINTENT_CACHE: "off", ARGOCD_APP_NAME: "kintent-snapshot" };
  if (env !== undefined) argo.ARGOCD_ENV_KINTENT_ENV = env;
  for (const sub of ["discover", "generate"]) {
    const errors: string[] = [];
    const code = await runCmp([sub], {
      stdout: sink,
      stderr: { write: (s: string) => errors.push(s) },
      cwd: dir,
      env: argo,
    });
    if (code !== 0) throw new Error(`warm-up \`cmp ${sub}\` in ${dir} exited ${code}: ${errors.join("")}`);
  }
}

/** The plugin's arguments: Node 20 passes `[node, ...args]` to a snapshot's main, later versions `[node, node, ...]`. */
function argsOf(argv: readonly string[]): string[] {
  return argv.slice(argv[1] === argv[0] ? 2 : 1);
}

if (startupSnapshot.isBuildingSnapshot()) {
  // Resolved now, from where the bundle sits in this installation; the blob is only used from there.
  packageRoot();
  const dir = process.env[WARM_DIR_VAR];
  if (dir !== undefined && dir !== "")
    warmUp(dir, process.env[WARM_ENV_VAR]).catch((e: unknown) => {
      process.stderr.write(`kintent snapshot: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    });
  startupSnapshot.setDeserializeMainFunction(() => {
    const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
    runCmp(argsOf(process.argv), io).then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        process.stderr.write(`kintent cmp: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 2;
      },
    );
  });
}
