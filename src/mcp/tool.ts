/**
 * A tool of the MCP server is data plus one function: name, description, typed input and output (zod, with a
 * `.describe()` on every field), the safety annotations, whether it writes, and `run(args, context) → {output,
 * text}`. The server registers them from one table (tools/index.ts); adding a tool is one entry there.
 */
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { setImmediate as tick } from "node:timers/promises";
import type * as z from "zod";
import type { Redactor } from "../core/redact.js";
import type { ClusterReader } from "../cluster/client.js";
import { connectFor } from "../cluster/target.js";
import { openProject } from "../project/index.js";
import type { Project } from "../project/index.js";
import { ToolFailure } from "./answer.js";
import type { McpServerOptions } from "./options.js";

/** The behaviour hints of the MCP specification (all four always set: safety as data). */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** The cluster tools that read (the cluster, Prometheus): nothing written, but the world outside the repository. */
export const READS_CLUSTER: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};

/** The rollout tools that deliver a decision through Git (a pull request, or a commit Argo CD syncs). */
export const DELIVERS_THROUGH_GIT: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

export interface ToolContext {
  options: McpServerOptions;
  /** The redactor of this answer (it also knows the server's tokens). */
  redactor: Redactor;
  /** Aborted when the client cancels the request or goes away. */
  signal: AbortSignal;
  /** A progress notification, when the request carried a progress token; also a cancellation point. */
  progress(message: string, total?: number): Promise<void>;
  /** The MCP client, `name version`, as it introduced itself (for `Proposed-By`). */
  client?: string;
}

export interface ToolAnswer<O> {
  output: O;
  /** A short rendering for people and for clients that show only text. */
  text: string;
}

export interface ToolSpec<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** Writes something somewhere (a branch, a file): dropped by `--read-only`. */
  writes: boolean;
  run(args: z.output<I>, ctx: ToolContext): Promise<ToolAnswer<z.output<O>>>;
}

/** A tool for one server configuration (undefined: not offered in it). */
export type ToolFactory = (options: McpServerOptions) => ToolSpec | undefined;

/** Type-checks a tool's `run` against its schemas, then forgets the types for the table. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(spec: ToolSpec<I, O>): ToolSpec {
  return spec;
}

/**
 * A path a tool was given, resolved against the server's root. It must exist and stay inside the root with
 * symbolic links resolved: names are data, never a way out.
 */
export function resolveInRoot(root: string, path: string | undefined): { abs: string; shown: string } {
  const p = path === undefined || path === "" ? "." : path;
  if (p.includes("\0")) throw new ToolFailure("path: must not contain NUL");
  const abs = resolve(root, p);
  if (!existsSync(abs)) throw new ToolFailure(`path: no such file or directory: ${p}`);
  const realRoot = realpathSync(root);
  const real = realpathSync(abs);
  const rel = relative(realRoot, real);
  if (rel.startsWith("..") || isAbsolute(rel))
    throw new ToolFailure(`path: ${p} is outside the directory this server serves`);
  return { abs: real, shown: rel === "" ? "." : rel.split("\\").join("/") };
}

/** Open the intent at `path` (relative to the root) through the engine, with the server's settings. */
export async function openAt(
  options: McpServerOptions,
  path: string | undefined,
  app?: string,
): Promise<{ project: Project; shown: string }> {
  const { abs, shown } = resolveInRoot(options.root, path);
  const project = await openProject(abs, {
    cwd: options.root,
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
    ...(options.configFile !== undefined ? { configFile: options.configFile } : {}),
    ...(app !== undefined ? { app } : {}),
  });
  return { project, shown };
}

/**
 * Open the intent at `path` and compile one environment (no validation: what the cluster tools compare with
 * and trace to); an intent that does not load or compile is a failure naming its first errors.
 */
export async function openCompiled(
  options: McpServerOptions,
  path: string | undefined,
  app: string | undefined,
  envArg: string | undefined,
): Promise<{ project: Project; shown: string; env: string; build: ReturnType<Project["build"]> }> {
  const { project, shown } = await openAt(options, path, app);
  if (!project.ok)
    throw new ToolFailure(
      `the intent in ${shown} has errors: ${project.errors
        .slice(0, 3)
        .map((e) => e.message)
        .join("; ")}`,
    );
  const env = pickEnv(project, envArg);
  const build = project.build(env, { validate: false });
  if (build.errors.length > 0)
    throw new ToolFailure(
      `the intent in ${shown} does not compile for ${env}: ${build.errors[0]?.message ?? ""}`,
    );
  return { project, shown, env, build };
}

/**
 * The cluster a server with cluster tools reads: its `--kubeconfig` (relative to the root) and `--context`, else
 * the environment's `context` from the platform, else the kubeconfig's current one.
 */
export function clusterReaderFor(options: McpServerOptions, project?: Project, env?: string): ClusterReader {
  const cluster = options.cluster ?? {};
  return connectFor({
    processEnv: options.env,
    kubeconfig: cluster.kubeconfig !== undefined ? resolve(options.root, cluster.kubeconfig) : undefined,
    context: cluster.context,
    project,
    env,
  });
}

/** The environment asked for, or the only one; otherwise a failure naming the choices. */
export function pickEnv(project: Project, env: string | undefined): string {
  if (env !== undefined) {
    if (project.environments.length > 0 && !project.environments.includes(env))
      throw new ToolFailure(
        `env: no environment \`${env}\` (the platform defines ${project.environments.join(", ")})`,
      );
    return env;
  }
  if (project.environments.length === 1) return project.environments[0] as string;
  if (project.environments.length === 0) return "";
  throw new ToolFailure(`env: choose one of ${project.environments.join(", ")}`);
}

/** Give queued messages (a cancellation) a turn, then stop if the request was cancelled. */
export async function checkpoint(signal: AbortSignal): Promise<void> {
  await tick();
  if (signal.aborted) throw new CancelledError();
}

/** The request was cancelled: no answer is sent. */
export class CancelledError extends Error {
  override name = "CancelledError";
  constructor() {
    super("cancelled by the client");
  }
}
