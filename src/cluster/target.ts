/**
 * Which cluster and which namespaces an environment means, for every command and tool that reads a cluster:
 * the kubeconfig given (else $KUBECONFIG, in-cluster, ~/.kube/config), the context given, else the platform
 * environment's `context`, else the kubeconfig's current one; and the namespaces the environment's build puts
 * objects in.
 */
import type { KObject } from "../core/object.js";
import type { Project } from "../project/index.js";
import { connect } from "./client.js";
import type { ClusterReader } from "./client.js";

export interface ClusterTarget {
  processEnv: NodeJS.ProcessEnv;
  /** A kubeconfig file (absolute, or relative to the process's directory). */
  kubeconfig?: string | undefined;
  /** A kubeconfig context; wins over the environment's. */
  context?: string | undefined;
  /** The intent whose environment may name its context. */
  project?: Project | undefined;
  env?: string | undefined;
}

/** A reader for the cluster the target means. */
export function connectFor(t: ClusterTarget): ClusterReader {
  const context =
    t.context ??
    (t.env !== undefined ? t.project?.platform?.value.spec.environments[t.env]?.context : undefined);
  return connect({
    env: t.processEnv,
    ...(t.kubeconfig !== undefined ? { kubeconfig: t.kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
  });
}

/** The namespaces objects are in, sorted, each once. */
export function namespacesOf(objects: readonly KObject[]): string[] {
  return [
    ...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined)),
  ].sort();
}
