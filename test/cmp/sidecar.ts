/**
 * Runs `kintent` the way the Argo CD repo-server sidecar does: a child process of `bin/kintent.js` (the built
 * dist/, as in the image), in the Application's source directory, with only the sidecar's and Argo CD's
 * environment, killed at the deadline. dist/ is rebuilt first when a source file is newer (npm test builds it
 * anyway), under a lock so parallel test files do not build at once.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers.js";

export const KINTENT_BIN = join(ROOT, "bin", "kintent.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

let checked = false;

/** Make sure dist/ matches src/ (rebuilding it with tsc when it does not). */
export async function ensureDist(): Promise<void> {
  if (checked) return;
  const stamp = join(ROOT, "dist", "bundle", "cmp", "main.js");
  const fresh = () => existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource(join(ROOT, "src"));
  if (!fresh()) {
    mkdirSync(join(ROOT, "dist"), { recursive: true });
    const lock = join(ROOT, "dist", ".build-lock");
    for (let i = 0; ; i++) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (i > 600) throw new Error(`${lock} held for 5 minutes; remove it if no build is running`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    try {
      if (!fresh()) {
        // tsc emits even when someone's work in progress elsewhere has type errors; the tests judge the output.
        spawnSync(
          process.execPath,
          [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
          {
            cwd: ROOT,
            stdio: "ignore",
          },
        );
        // bin/kintent.js runs the bundles (scripts/bundle.mjs), built from tsc's output.
        spawnSync(process.execPath, [join(ROOT, "scripts", "bundle.mjs")], { cwd: ROOT, stdio: "ignore" });
      }
    } finally {
      rmdirSync(lock);
    }
    if (!existsSync(stamp))
      throw new Error("dist/bundle/cmp/main.js is missing after building: run npm run build");
  }
  checked = true;
}

/** The build environment Argo CD gives a plugin (docs/user-guide/build-environment.md), for an Application. */
export function argoEnv(app: {
  name: string;
  path: string;
  env?: string;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
  return {
    // The sidecar's own environment (the image): PATH and HOME only.
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: "/home/argocd",
    // As the sidecar patch sets it (its own /tmp); here the test run's cache directory (vitest.config.ts).
    ...(process.env.KINTENT_CACHE_DIR !== undefined
      ? { KINTENT_CACHE_DIR: process.env.KINTENT_CACHE_DIR }
      : {}),
    ARGOCD_APP_NAME: app.name,
    ARGOCD_APP_NAMESPACE: "argocd",
    ARGOCD_APP_PROJECT_NAME: "default",
    ARGOCD_APP_REVISION: "4f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e",
    ARGOCD_APP_REVISION_SHORT: "4f2c1e0",
    ARGOCD_APP_REVISION_SHORT_8: "4f2c1e0d",
    ARGOCD_APP_SOURCE_PATH: app.path,
    ARGOCD_APP_SOURCE_REPO_URL: "https://git.acme.io/platform/gitops.git",
    ARGOCD_APP_SOURCE_TARGET_REVISION: "main",
    KUBE_VERSION: "1.36.3",
    KUBE_API_VERSIONS:
      "v1,apps/v1,batch/v1,networking.k8s.io/v1,policy/v1,autoscaling/v2,argoproj.io/v1alpha1",
    ...(app.env !== undefined ? { ARGOCD_ENV_KINTENT_ENV: app.env } : {}),
    ...(app.extra ?? {}),
  };
}

export interface SidecarRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

let snapshotBlob: string | undefined;
let useSnapshot = false;

/**
 * From now on, run `kintent cmp generate|discover` as the plugin image's launcher does (deploy/argocd-cmp/kintent.sh):
 * `node --snapshot-blob cmp.blob generate`, from a blob scripts/snapshot.mjs builds once per test file (in a temp
 * directory: a blob under dist/bundle/ would change the build cache's installation identity under other tests).
 */
export function runPluginFromSnapshot(): void {
  useSnapshot = true;
}

async function ensureSnapshot(): Promise<string> {
  await ensureDist();
  if (snapshotBlob !== undefined) return snapshotBlob;
  const dir = mkdtempSync(join(tmpdir(), "kintent-snapshot-"));
  const blob = join(dir, "cmp.blob");
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "snapshot.mjs"), "--out", blob], {
    cwd: ROOT,
    env: { PATH: process.env.PATH },
    encoding: "utf8",
  });
  if (r.status !== 0 || !existsSync(blob))
    throw new Error(`scripts/snapshot.mjs exited ${r.status}: ${r.stderr}`);
  return (snapshotBlob = blob);
}

/** `kintent <args>` in `cwd` with exactly `env`, killed (process group) after `timeoutMs` like argocd-cmp-server. */
export async function runSidecar(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<SidecarRun> {
  await ensureDist();
  const fromSnapshot =
    useSnapshot &&
    args.length === 2 &&
    args[0] === "cmp" &&
    (args[1] === "generate" || args[1] === "discover");
  const argv = fromSnapshot
    ? ["--snapshot-blob", await ensureSnapshot(), args[1] as string]
    : [KINTENT_BIN, ...args];
  const start = Date.now();
  return await new Promise<SidecarRun>((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        // gone
      }
    }, options.timeoutMs ?? 90_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - start });
    });
  });
}
