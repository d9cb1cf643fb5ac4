import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import type { CoreV1Event, V1Deployment, V1Pod } from "@kubernetes/client-node";
import type { KubeEnv } from "./kube.js";
import { waitUntil } from "./process.js";

export interface WaitOptions {
  /** @default 60000 */
  timeoutMs?: number;
}

function describePods(pods: readonly V1Pod[]): string {
  return pods
    .map((p) => {
      const cs = (p.status?.containerStatuses ?? [])
        .map(
          (c) =>
            `${c.name}=${Object.keys(c.state ?? {}).join("")}${c.state?.waiting?.reason ? `(${c.state.waiting.reason})` : ""}`,
        )
        .join(",");
      return `${p.metadata?.name ?? "?"} ${p.status?.phase ?? "?"} node=${p.spec?.nodeName ?? "-"} ${cs}`;
    })
    .join("\n");
}

/** Lists the pods matching a label selector. */
export async function listPods(env: KubeEnv, namespace: string, labelSelector: string): Promise<V1Pod[]> {
  const core = env.kubeConfig.makeApiClient(CoreV1Api);
  return (await core.listNamespacedPod({ namespace, labelSelector })).items;
}

/**
 * Waits until the pods matching `labelSelector` satisfy `predicate` (called with the current list) and returns
 * that list. The timeout error shows every pod's phase, node and container states.
 */
export async function waitForPods(
  env: KubeEnv,
  namespace: string,
  labelSelector: string,
  what: string,
  predicate: (pods: V1Pod[]) => boolean,
  options: WaitOptions = {},
): Promise<V1Pod[]> {
  let last: V1Pod[] = [];
  return await waitUntil(
    `pods ${namespace}/${labelSelector} ${what}`,
    async () => {
      last = await listPods(env, namespace, labelSelector);
      return predicate(last) ? last : undefined;
    },
    { timeoutMs: options.timeoutMs ?? 60_000, onTimeout: () => `pods now:\n${describePods(last)}` },
  );
}

/** Waits until a Deployment reports Available=True with every replica updated and available. */
export async function waitForDeploymentAvailable(
  env: KubeEnv,
  namespace: string,
  name: string,
  options: WaitOptions = {},
): Promise<V1Deployment> {
  const apps = env.kubeConfig.makeApiClient(AppsV1Api);
  let last: V1Deployment | undefined;
  return await waitUntil(
    `deployment ${namespace}/${name} to be Available`,
    async () => {
      last = await apps.readNamespacedDeployment({ namespace, name });
      const want = last.spec?.replicas ?? 1;
      const s = last.status;
      const available = s?.conditions?.some((c) => c.type === "Available" && c.status === "True") ?? false;
      const current = (s?.observedGeneration ?? 0) >= (last.metadata?.generation ?? 0);
      return available &&
        current &&
        s?.updatedReplicas === want &&
        s.availableReplicas === want &&
        (s.replicas ?? 0) === want
        ? last
        : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 90_000,
      onTimeout: () => `status now: ${JSON.stringify(last?.status)}`,
    },
  );
}

/** Events about one object (by name), oldest first. */
export async function eventsFor(env: KubeEnv, namespace: string, name: string): Promise<CoreV1Event[]> {
  const core = env.kubeConfig.makeApiClient(CoreV1Api);
  const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items.sort((a, b) =>
    String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)),
  );
}
