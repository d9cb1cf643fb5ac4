/**
 * Read-only access to the three Argo objects the rollout commands look at: the environment's Argo CD
 * Application (the sync check), and for `progressiveDelivery: argo-rollouts` the Rollout and its AnalysisRuns
 * (`kintent rollout status`). get and list only — kintent never writes to a cluster.
 *
 * This is deliberately a small module of its own rather than a general cluster reader: issue #12 builds that
 * reader in src/cluster/ (kubeconfig, `--context`, list/get/watch for every kind). When it lands, replace
 * {@link kubeArgoReader} with an adapter over it; everything else here depends only on the
 * {@link ArgoObjectsReader} interface. Effects: HTTPS to the API server named by the kubeconfig.
 */
import { ToolError } from "../../core/errors.js";
import type { KObject } from "../../core/object.js";

/** What the rollout commands read from a cluster. A missing object is `undefined`, never an exception. */
export interface ArgoObjectsReader {
  application(namespace: string, name: string): Promise<KObject | undefined>;
  rollout(namespace: string, name: string): Promise<KObject | undefined>;
  /** AnalysisRuns of the namespace owned by the named Rollout, newest first. */
  analysisRuns(namespace: string, rollout: string): Promise<KObject[]>;
}

export interface KubeReaderOptions {
  /** A kubeconfig file. @default KUBECONFIG / ~/.kube/config / in-cluster */
  kubeconfig?: string;
  /** A context of the kubeconfig. @default its current context */
  context?: string;
}

/** Thrown when the cluster cannot be read (no kubeconfig, unreachable, forbidden). */
export class ClusterReadError extends ToolError {
  override name = "ClusterReadError";
}

const ARGO = { group: "argoproj.io", version: "v1alpha1" } as const;

/** An {@link ArgoObjectsReader} over @kubernetes/client-node (loaded lazily: commands without a cluster skip it). */
export async function kubeArgoReader(options: KubeReaderOptions = {}): Promise<ArgoObjectsReader> {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  try {
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
    if (options.context !== undefined) kc.setCurrentContext(options.context);
  } catch (e) {
    throw new ClusterReadError(`cannot load the kubeconfig: ${(e as Error).message}`);
  }
  if (options.context !== undefined && !kc.getContexts().some((c) => c.name === options.context))
    throw new ClusterReadError(`the kubeconfig has no context \`${options.context}\``);
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const get = async (namespace: string, plural: string, name: string): Promise<KObject | undefined> => {
    try {
      return (await api.getNamespacedCustomObject({ ...ARGO, namespace, plural, name })) as KObject;
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw new ClusterReadError(`reading ${plural}/${name} in ${namespace}: ${describe(e)}`);
    }
  };
  return {
    application: (namespace, name) => get(namespace, "applications", name),
    rollout: (namespace, name) => get(namespace, "rollouts", name),
    async analysisRuns(namespace, rollout) {
      let list: { items?: KObject[] };
      try {
        list = (await api.listNamespacedCustomObject({
          ...ARGO,
          namespace,
          plural: "analysisruns",
          limit: 500,
        })) as { items?: KObject[] };
      } catch (e) {
        if ((e as { code?: number }).code === 404) return [];
        throw new ClusterReadError(`listing analysisruns in ${namespace}: ${describe(e)}`);
      }
      return (list.items ?? [])
        .filter((r) =>
          (r.metadata.ownerReferences as { kind?: string; name?: string }[] | undefined)?.some(
            (o) => o.kind === "Rollout" && o.name === rollout,
          ),
        )
        .sort((a, b) => created(b) - created(a) || (a.metadata.name < b.metadata.name ? -1 : 1));
    },
  };
}

function created(o: KObject): number {
  const t = o.metadata.creationTimestamp;
  return typeof t === "string" ? Date.parse(t) : t instanceof Date ? t.getTime() : 0;
}

function describe(e: unknown): string {
  const x = e as { code?: number; body?: unknown; message?: string };
  if (x.code !== undefined) {
    const body = typeof x.body === "string" ? x.body : JSON.stringify(x.body ?? "");
    const message = /"message":"([^"]*)"/.exec(body)?.[1];
    return `HTTP ${x.code}${message ? `: ${message}` : ""}`;
  }
  return x.message ?? String(e);
}
