/** How `kintent mcp` was started: what the server serves, what it may write, where proposals go. */
import type { RedactOptions } from "../core/redact.js";
import type { ForgeKind } from "../gitops/remote.js";

export interface McpServerOptions {
  /**
   * The directory the server serves (absolute). Every path a tool takes is relative to it and must stay inside
   * it (symbolic links resolved).
   */
  root: string;
  /** An explicit platform file (absolute), as `--platform` on every command. */
  platformFile?: string;
  /** An explicit validation configuration (absolute), as `--config`. */
  configFile?: string;
  /**
   * `change_intent` may write the working tree when asked (`kintent mcp --allow-write`). Without it the tool
   * previews only. @default false
   */
  allowWrite?: boolean;
  /** Register no tool that writes anywhere: no `propose`; `change_intent` previews only. @default false */
  readOnly?: boolean;
  /** Where `propose` goes; the model cannot choose another repository. */
  propose?: ProposeSettings;
  /** Forge tokens (GITHUB_TOKEN, GITEA_TOKEN, GITLAB_TOKEN), KINTENT_FORGE, TMPDIR, git's environment. */
  env: NodeJS.ProcessEnv;
  /** Patterns and known values redacted from every answer besides the built-in rules. */
  redact?: RedactOptions;
  /**
   * The cluster tools — `status`, `diagnose`, `rollout_status` (read the cluster and Prometheus) and
   * `rollout_step`/`rollout_abort`/`rollout_promote` (deliver canary decisions through Git) — are offered only
   * when this is set (`kintent mcp --cluster`, `--kubeconfig` or `--context`): a server without cluster access
   * does not spend the client's context on tools it cannot run.
   */
  cluster?: ClusterSettings;
  /** Diagnostics for people (stderr). Never receives a secret. */
  log?: (line: string) => void;
}

export interface ProposeSettings {
  /** The GitOps repository. @default platform.spec.gitops.repo */
  repo?: string;
  /** Base branch. @default platform.spec.gitops.revision (main) */
  base?: string;
  forge?: ForgeKind | "none";
  forgeUrl?: string;
  /**
   * Commit the intent with the manifests at this repository-relative path. Proposals with operations always
   * commit the edited intent (here, or at the intent's path in its own Git repository).
   */
  intentPath?: string;
}

export interface ClusterSettings {
  /** A kubeconfig file (relative to the root, or absolute). @default $KUBECONFIG, in-cluster, ~/.kube/config */
  kubeconfig?: string;
  /** A context of it. @default the environment's `context`, else the current one */
  context?: string;
}
