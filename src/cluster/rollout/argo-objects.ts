/**
 * Read-only access to the three Argo objects the rollout commands look at: the environment's Argo CD
 * Application (the sync check), and for `progressiveDelivery: argo-rollouts` the Rollout and its AnalysisRuns
 * (`kintent rollout status`). An adapter over the one cluster reader (src/cluster/client.ts: kubeconfig,
 * context, get/list only, every request counted) — kintent never writes to a cluster. Everything else in
 * rollout/ depends only on the {@link ArgoObjectsReader} interface (tests give it objects directly).
 */
import type { KObject } from "../../core/object.js";
import type { ClusterReader } from "../client.js";

/** What the rollout commands read from a cluster. A missing object is `undefined`, never an exception. */
export interface ArgoObjectsReader {
  application(namespace: string, name: string): Promise<KObject | undefined>;
  rollout(namespace: string, name: string): Promise<KObject | undefined>;
  /** AnalysisRuns of the namespace owned by the named Rollout, newest first. */
  analysisRuns(namespace: string, rollout: string): Promise<KObject[]>;
}

/** An {@link ArgoObjectsReader} over a {@link ClusterReader} (`connectFor` in ../target.ts chooses the cluster). */
export function kubeArgoReader(r: ClusterReader): ArgoObjectsReader {
  // A get is a consistent read: the sync check compares the Application's revision with a commit just made.
  const get = async (kind: string, namespace: string, name: string) =>
    (await r.get(kind, namespace, name)) as KObject | undefined;
  return {
    application: (namespace, name) => get("Application", namespace, name),
    rollout: (namespace, name) => get("Rollout", namespace, name),
    async analysisRuns(namespace, rollout) {
      // An optional kind: a cluster without Argo Rollouts' CRDs answers with no runs, not an error.
      const list = await r.list("AnalysisRun", namespace);
      return (list.items as KObject[])
        .filter((x) =>
          (x.metadata.ownerReferences as { kind?: string; name?: string }[] | undefined)?.some(
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
