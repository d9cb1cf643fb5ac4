import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in test/harness/). */
export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Binaries scripts/tools.sh builds, by the name the harness asks for. */
export type ToolName =
  | "etcd"
  | "kube-apiserver"
  | "kube-controller-manager"
  | "kube-scheduler"
  | "kwok"
  | "kwokctl"
  | "helm"
  | "kubeconform"
  | "kube-linter"
  | "kubectl-kyverno"
  | "rollouts-controller"
  | "checkov";

/** Where scripts/tools.sh caches builds. @default ~/.cache/kintent-tools */
export function toolsDir(): string {
  return process.env.KINTENT_TOOLS_DIR ?? join(homedir(), ".cache", "kintent-tools");
}

/** The directory of stable symlinks scripts/tools.sh maintains. @default `${toolsDir()}/bin` */
export function toolsBinDir(): string {
  return process.env.KINTENT_TOOLS_BIN ?? join(toolsDir(), "bin");
}

/**
 * True when the api/cluster tests were switched off explicitly with KINTENT_SKIP_CLUSTER_TESTS=1.
 * Missing tools alone never skip them: they fail with {@link ToolsMissingError}.
 */
export const skipClusterTests = process.env.KINTENT_SKIP_CLUSTER_TESTS === "1";

/** A tool the harness needs was not built; the message says how to build it. */
export class ToolsMissingError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(
      `kintent test tools are missing: ${missing.join(", ")} (looked in ${toolsBinDir()}). ` +
        `Build them with \`scripts/tools.sh\` (or \`npm run tools\`), ` +
        `or set KINTENT_SKIP_CLUSTER_TESTS=1 to skip the api and cluster tests explicitly.`,
    );
    this.name = "ToolsMissingError";
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute paths of the requested tools; throws {@link ToolsMissingError} naming every missing one. */
export function requireTools<const T extends ToolName>(...names: T[]): Record<T, string> {
  const found = {} as Record<T, string>;
  const missing: string[] = [];
  for (const name of names) {
    const path = join(toolsBinDir(), name);
    if (isExecutable(path)) found[name] = path;
    else missing.push(name);
  }
  if (missing.length > 0) throw new ToolsMissingError(missing);
  return found;
}

/** The path of one tool, or undefined when it is not built (for optional comparisons). */
export function findTool(name: ToolName): string | undefined {
  const path = join(toolsBinDir(), name);
  return isExecutable(path) ? path : undefined;
}

/**
 * The CRD corpus installed into the api environment, read in place.
 * @default `${repoRoot}/../shared/corpora/crds`, or KINTENT_CRDS_DIR
 */
export function crdCorpusDir(): string {
  return process.env.KINTENT_CRDS_DIR ?? resolve(repoRoot, "..", "shared", "corpora", "crds");
}
