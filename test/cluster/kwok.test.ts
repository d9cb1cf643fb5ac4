import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import {
  applyObjects,
  eventsFor,
  listPods,
  skipClusterTests,
  startClusterEnv,
  waitForDeploymentAvailable,
  waitForPods,
} from "../harness/index.js";
import type { ClusterEnv, KubeObject } from "../harness/index.js";
import { parseAllDocuments } from "yaml";
import { runCli } from "../helpers.js";

/** `kintent build examples/quickstart`, parsed. */
async function quickstart(): Promise<KubeObject[]> {
  const run = await runCli(["build", "examples/quickstart"]);
  expect(run.code, run.stderr).toBe(0);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** The same objects moved to another namespace, with every container image replaced. */
function relocate(objects: KubeObject[], namespace: string, image?: string): KubeObject[] {
  const copy = structuredClone(objects);
  for (const o of copy) {
    if (o.metadata?.namespace !== undefined) o.metadata.namespace = namespace;
    if (o.kind === "Namespace" && o.metadata) o.metadata.name = namespace;
    const spec = (o.spec as { template?: { spec?: { containers?: { image: string }[] } } } | undefined)
      ?.template?.spec;
    if (image) for (const c of spec?.containers ?? []) c.image = image;
  }
  return copy;
}

interface DeploymentOptions {
  namespace: string;
  name: string;
  image?: string;
  replicas?: number;
  annotations?: Record<string, string>;
  resources?: Record<string, unknown>;
}

function deployment(o: DeploymentOptions): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: o.name, namespace: o.namespace },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: o.name } },
      template: {
        metadata: { labels: { app: o.name }, ...(o.annotations ? { annotations: o.annotations } : {}) },
        spec: {
          containers: [
            {
              name: "app",
              image: o.image ?? "nginx:1.27",
              ...(o.resources ? { resources: o.resources } : {}),
            },
          ],
        },
      },
    },
  };
}

function firstContainer(pods: V1Pod[]): V1ContainerStatus | undefined {
  return pods[0]?.status?.containerStatuses?.[0];
}

describe.skipIf(skipClusterTests)(
  "cluster environment: kwokctl --runtime=binary with kintent's Stages",
  () => {
    let env: ClusterEnv;

    beforeAll(async () => {
      env = await startClusterEnv();
    });

    afterAll(async () => {
      await env?.stop();
    });

    it("runs the whole control plane as processes", async () => {
      const components = (await env.kwokctl(["get", "components"])).split(/\s+/).filter(Boolean);
      expect(components).toEqual(
        expect.arrayContaining([
          "etcd",
          "kube-apiserver",
          "kube-controller-manager",
          "kube-scheduler",
          "kwok-controller",
        ]),
      );
      expect(env.nodes).toHaveLength(2);
    });

    it("rolls out `kintent build examples/quickstart`: the Deployment becomes Available, pods Running on kwok nodes", async () => {
      const objects = await quickstart();
      const dep = objects.find((o) => o.kind === "Deployment");
      const namespace = dep?.metadata?.namespace;
      const name = dep?.metadata?.name;
      if (!namespace || !name) throw new Error("quickstart has no namespaced Deployment");
      await applyObjects(env, objects);
      const available = await waitForDeploymentAvailable(env, namespace, name);
      const replicas = available.spec?.replicas ?? 1;
      expect(available.status?.availableReplicas).toBe(replicas);
      const selector = Object.entries(
        (dep.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      const pods = await listPods(env, namespace, selector);
      expect(
        pods.filter((p) => p.status?.phase === "Running" && env.nodes.includes(p.spec?.nodeName ?? "")),
      ).toHaveLength(replicas);
    });

    it("stages ImagePullBackOff for the quickstart with a broken image tag", async () => {
      const objects = relocate(await quickstart(), "quickstart-broken", "ghcr.io/acme/hello:1.0.0-broken");
      await applyObjects(env, objects);
      const dep = objects.find((o) => o.kind === "Deployment");
      const selector = Object.entries(
        (dep?.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      const pods = await waitForPods(env, "quickstart-broken", selector, "to be in ImagePullBackOff", (ps) =>
        ps.some((p) =>
          p.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === "ImagePullBackOff"),
        ),
      );
      expect(pods[0]?.status?.phase).toBe("Pending");
    });

    it("rolls a Deployment out: ReplicaSet, Pods Running and Ready on kwok nodes, Available", async () => {
      const ns = "smoke";
      await applyObjects(env, [deployment({ namespace: ns, name: "web", replicas: 3 })]);
      const status = await waitForDeploymentAvailable(env, ns, "web");
      expect(status.status?.availableReplicas).toBe(3);
      const pods = await listPods(env, ns, "app=web");
      expect(pods).toHaveLength(3);
      for (const pod of pods) {
        expect(pod.status?.phase).toBe("Running");
        expect(env.nodes).toContain(pod.spec?.nodeName);
        expect(pod.metadata?.ownerReferences?.[0]?.kind).toBe("ReplicaSet");
        expect(pod.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
        expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      }
    });

    it("replaces pods on a rolling update (old pods are really deleted)", async () => {
      const ns = "rolling";
      await applyObjects(env, [deployment({ namespace: ns, name: "web", replicas: 2, image: "nginx:1.27" })]);
      await waitForDeploymentAvailable(env, ns, "web");
      await applyObjects(env, [deployment({ namespace: ns, name: "web", replicas: 2, image: "nginx:1.28" })]);
      await waitForDeploymentAvailable(env, ns, "web");
      const pods = await waitForPods(
        env,
        ns,
        "app=web",
        "to run only the new image",
        (ps) =>
          ps.length === 2 &&
          ps.every((p) => p.spec?.containers[0]?.image === "nginx:1.28" && p.status?.phase === "Running"),
      );
      expect(pods).toHaveLength(2);
    });

    it("stages ImagePullBackOff for a broken image tag", async () => {
      const ns = "image-pull";
      await applyObjects(env, [deployment({ namespace: ns, name: "web", image: "nginx:1.27-broken" })]);
      const pods = await waitForPods(env, ns, "app=web", "to be in ImagePullBackOff", (ps) =>
        ps.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff"),
      );
      const pod = pods[0];
      expect(pod?.status?.phase).toBe("Pending");
      expect(firstContainer(pods)?.state?.waiting?.message).toContain("nginx:1.27-broken");
      const events = await eventsFor(env, ns, pod?.metadata?.name ?? "");
      expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(["Failed", "BackOff"]));
    });

    it("stages ImagePullBackOff by annotation, whatever the image", async () => {
      const ns = "image-pull-annotated";
      await applyObjects(env, [
        deployment({
          namespace: ns,
          name: "web",
          image: "nginx:1.27",
          annotations: { "kwok.kintent.dev/scenario": "image-pull-backoff" },
        }),
      ]);
      const pods = await waitForPods(env, ns, "app=web", "to be in ImagePullBackOff", (ps) =>
        ps.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff"),
      );
      expect(pods[0]?.status?.phase).toBe("Pending");
    });

    it("stages CrashLoopBackOff with the container's last termination", async () => {
      const ns = "crash";
      await applyObjects(env, [
        deployment({
          namespace: ns,
          name: "web",
          annotations: { "kwok.kintent.dev/scenario": "crash-loop-backoff" },
        }),
      ]);
      const pods = await waitForPods(env, ns, "app=web", "to be in CrashLoopBackOff", (ps) =>
        ps.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff"),
      );
      const status = firstContainer(pods);
      expect(status?.lastState?.terminated?.reason).toBe("Error");
      expect(status?.lastState?.terminated?.exitCode).toBe(1);
      expect(status?.restartCount).toBeGreaterThanOrEqual(1);
      expect(status?.ready).toBe(false);
    });

    it("stages CrashLoopBackOff after an OOMKill, and keeps restarting up to max-restarts", async () => {
      const ns = "oom";
      await applyObjects(env, [
        deployment({
          namespace: ns,
          name: "web",
          annotations: { "kwok.kintent.dev/scenario": "oom-killed", "kwok.kintent.dev/max-restarts": "2" },
          resources: { limits: { memory: "64Mi" } },
        }),
      ]);
      const pods = await waitForPods(
        env,
        ns,
        "app=web",
        "to be OOMKilled twice",
        (ps) => {
          const s = ps[0]?.status?.containerStatuses?.[0];
          return s?.state?.waiting?.reason === "CrashLoopBackOff" && s.restartCount === 2;
        },
        { timeoutMs: 90_000 },
      );
      const status = firstContainer(pods);
      expect(status?.lastState?.terminated?.reason).toBe("OOMKilled");
      expect(status?.lastState?.terminated?.exitCode).toBe(137);
      expect(pods[0]?.status?.phase).toBe("Running");
    });

    it("keeps a pod whose request fits no node Pending (real scheduler)", async () => {
      const ns = "unschedulable";
      await applyObjects(env, [
        deployment({ namespace: ns, name: "big", resources: { requests: { cpu: "64", memory: "1Gi" } } }),
      ]);
      const pods = await waitForPods(env, ns, "app=big", "to be Unschedulable", (ps) =>
        ps.some((p) =>
          p.status?.conditions?.some((c) => c.type === "PodScheduled" && c.reason === "Unschedulable"),
        ),
      );
      const pod = pods[0];
      expect(pod?.status?.phase).toBe("Pending");
      expect(pod?.spec?.nodeName).toBeUndefined();
      const scheduled = pod?.status?.conditions?.find((c) => c.type === "PodScheduled");
      expect(scheduled?.status).toBe("False");
      expect(scheduled?.message).toContain("Insufficient cpu");
    });

    it("stages a pod stuck in ContainerCreating with a FailedMount event", async () => {
      const ns = "creating";
      await applyObjects(env, [
        deployment({
          namespace: ns,
          name: "web",
          annotations: { "kwok.kintent.dev/scenario": "container-creating" },
        }),
      ]);
      const pods = await waitForPods(env, ns, "app=web", "to be ContainerCreating", (ps) =>
        ps.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ContainerCreating"),
      );
      expect(pods[0]?.status?.phase).toBe("Pending");
      const events = await eventsFor(env, ns, pods[0]?.metadata?.name ?? "");
      expect(events.map((e) => e.reason)).toContain("FailedMount");
    });

    it("completes Job pods", async () => {
      const ns = "jobs";
      await applyObjects(env, [
        {
          apiVersion: "batch/v1",
          kind: "Job",
          metadata: { name: "migrate", namespace: ns },
          spec: {
            template: {
              spec: { restartPolicy: "Never", containers: [{ name: "migrate", image: "busybox:1.36" }] },
            },
          },
        },
      ]);
      const pods = await waitForPods(env, ns, "batch.kubernetes.io/job-name=migrate", "to succeed", (ps) =>
        ps.some((p) => p.status?.phase === "Succeeded"),
      );
      expect(firstContainer(pods)?.state?.terminated?.reason).toBe("Completed");
    });
  },
);
