/**
 * What the benchmarks share: cold processes under GNU time (wall seconds, peak RSS), medians, and the yardstick
 * tools built by scripts/tools.sh (kubeconform with kintent's own schemas converted, kube-linter, helm).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { findTool, repoRoot, toolsDir } from "../test/harness/index.js";

export interface Measure {
  seconds: number;
  maxRssMb: number;
  exit: number;
  stdout: string;
  stderr: string;
}

/** One cold run of `cmd args` (GNU time's %e and %M). */
export function timed(
  cmd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Measure {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", cmd, ...args], {
    env: options.env ?? process.env,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const lines = (r.stderr ?? "").trim().split("\n");
  const [sec, kb] = (lines.pop() ?? "").split(" ").map(Number);
  return {
    seconds: sec ?? NaN,
    maxRssMb: (kb ?? NaN) / 1024,
    exit: r.status ?? -1,
    stdout: r.stdout,
    stderr: lines.join("\n"),
  };
}

/** The run with the median wall time. */
export function median(ms: readonly Measure[]): Measure {
  const sorted = [...ms].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)] as Measure;
}

/** Median of `runs` cold runs. */
export function medianOf(runs: number, f: () => Measure): Measure {
  return median(Array.from({ length: runs }, f));
}

/** kintent's schema bundle converted for kubeconform (once, into the tools cache). */
export function kubeconformSchemas(): string {
  const dir = join(toolsDir(), "kubeconform-schemas");
  if (!existsSync(dir) || readdirSync(dir).length === 0) {
    execFileSync("npx", ["tsx", join(repoRoot, "scripts", "schemas-to-kubeconform.ts"), "--out", dir], {
      stdio: "inherit",
    });
  }
  return dir;
}

export function tool(name: "kubeconform" | "kube-linter" | "helm"): string {
  const t = findTool(name);
  if (!t) throw new Error(`${name} is not built: run scripts/tools.sh`);
  return t;
}

/** kubeconform as the benchmarks run it: strict, every schema kintent has, the same Kubernetes version. */
export function kubeconformArgs(path: string): string[] {
  return [
    "-strict",
    "-summary",
    "-ignore-missing-schemas",
    "-kubernetes-version",
    "1.36.3",
    "-schema-location",
    kubeconformSchemas(),
    path,
  ];
}

/** Argo CD's environment for `kintent cmp generate` of examples/production, as the repo-server sets it. */
export const ARGO_ENV: NodeJS.ProcessEnv = {
  ARGOCD_APP_NAME: "my-service-prod",
  ARGOCD_APP_NAMESPACE: "argocd",
  ARGOCD_APP_REVISION: "4f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e",
  ARGOCD_APP_SOURCE_PATH: "examples/production",
  ARGOCD_APP_SOURCE_REPO_URL: "https://git.acme.io/platform/gitops.git",
  ARGOCD_APP_SOURCE_TARGET_REVISION: "main",
  ARGOCD_ENV_KINTENT_ENV: "prod",
};
