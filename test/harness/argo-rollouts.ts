import { join } from "node:path";
import type { KubeEnv } from "./kube.js";
import { freePort, startProcess, tailLog } from "./process.js";
import type { ManagedProcess } from "./process.js";
import { requireTools } from "./tools.js";

/**
 * The real Argo Rollouts controller (built by `scripts/tools.sh argo-rollouts`), run out of cluster against a
 * test environment with its kubeconfig, on random loopback ports for its metrics and health endpoints, without
 * leader election. Its log is in `dir`. Stop it with `stop()` before the environment.
 */
export interface RolloutsController {
  readonly process: ManagedProcess;
  readonly log: string;
  /** The last lines of its log, for a failing test's message. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

export async function startRolloutsController(env: KubeEnv, dir: string): Promise<RolloutsController> {
  const { "rollouts-controller": bin } = requireTools("rollouts-controller");
  const log = join(dir, "rollouts-controller.log");
  const [metrics, healthz] = [await freePort(), await freePort()];
  const p = startProcess({
    name: "rollouts-controller",
    command: bin,
    logFile: log,
    args: [
      `--kubeconfig=${env.kubeconfigPath}`,
      "--leader-elect=false",
      `--metricsPort=${metrics}`,
      `--healthzPort=${healthz}`,
      "--loglevel=info",
    ],
  });
  return {
    process: p,
    log,
    tail: (lines = 40) => tailLog(log, lines),
    stop: () => p.stop(5_000),
  };
}
