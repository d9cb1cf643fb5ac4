// Test harness: real Kubernetes components built by scripts/tools.sh (see docs/tools.md).
export { startApiEnv, installCrds, type ApiEnv, type ApiEnvOptions } from "./api-env.js";
export { startClusterEnv, kwokStages, type ClusterEnv, type ClusterEnvOptions } from "./cluster-env.js";
export { loadCrds, type CrdDocument, type LoadCrdsOptions } from "./crds.js";
export {
  applyObjects,
  dryRunApply,
  ensureNamespace,
  kubeRequest,
  makeKubeConfig,
  resolveResource,
  serverVersion,
  type DryRunOptions,
  type DryRunResult,
  type KubeEnv,
  type KubeObject,
  type KubeResponse,
  type StatusCause,
} from "./kube.js";
export { freePort, startProcess, waitUntil, type ManagedProcess } from "./process.js";
export {
  crdCorpusDir,
  findTool,
  repoRoot,
  requireTools,
  skipClusterTests,
  toolsBinDir,
  toolsDir,
  ToolsMissingError,
  type ToolName,
} from "./tools.js";
export { eventsFor, listPods, waitForDeploymentAvailable, waitForPods, type WaitOptions } from "./wait.js";
export { startRolloutsController, type RolloutsController } from "./argo-rollouts.js";
export {
  findPrometheus,
  startMetricsApp,
  startPrometheus,
  type MetricsApp,
  type PrometheusEnv,
  type ScrapeTarget,
} from "./prometheus-env.js";
