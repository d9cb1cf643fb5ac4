/**
 * The CLI's side of the cluster commands (status, diagnose, watch, rollout): the intent they compare with the
 * cluster, and the reader for that cluster from the common flags. Cluster code loads only when called.
 */
import { resolve } from "node:path";
import type { ClusterReader } from "../cluster/client.js";
import type { EnvironmentBuild, Project } from "../project/index.js";
import type { CommandContext } from "./context.js";
import { openFromFlags, throwIntentErrors } from "./project.js";
import type { ProjectFlags } from "./project.js";

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
}

/** The intent of one environment as the cluster should run it: built, not validated; intent errors exit 2. */
export async function clusterIntent(
  ctx: CommandContext,
  dir: string,
  flags: ProjectFlags & { env?: string },
): Promise<{ project: Project; env: string; build: EnvironmentBuild }> {
  const project = await openFromFlags(ctx, dir, flags);
  throwIntentErrors(project, [...project.errors], [...project.warnings]);
  const env = project.environment(flags.env);
  const build = project.build(env, { validate: false });
  throwIntentErrors(project, build.errors);
  return { project, env, build };
}

/** A reader for the cluster: `--kubeconfig` (from the working directory), `--context`, else the environment's. */
export async function clusterReader(
  ctx: CommandContext,
  flags: ClusterFlags,
  target?: { project: Project; env: string },
): Promise<ClusterReader> {
  const { connectFor } = await import("../cluster/target.js");
  return connectFor({
    processEnv: ctx.io.env,
    kubeconfig: flags.kubeconfig !== undefined ? resolve(ctx.io.cwd, flags.kubeconfig) : undefined,
    context: flags.context,
    project: target?.project,
    env: target?.env,
  });
}
