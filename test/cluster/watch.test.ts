/**
 * The health agent's loop under churn, against a real kube-apiserver (the api environment: etcd +
 * kube-apiserver, no controllers; pods get the status kubelet would write by a status patch). Found by
 * `npm run bench -- watch`: a change more often than the debounce starved the agent (no diagnosis at all while
 * the churn lasted), and every distinct failure ever seen stayed in memory.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNamespace, kubeRequest, skipClusterTests, startApiEnv, waitUntil } from "../harness/index.js";
import type { ApiEnv } from "../harness/index.js";
import { connect } from "../../src/cluster/client.js";
import { startWatch } from "../../src/cluster/watch.js";
import type { WatchMetrics } from "../../src/cluster/watch.js";
import { Redactor } from "../../src/core/redact.js";

const NS = "churn";

async function must(env: ApiEnv, path: string, method: string, body: unknown, contentType?: string) {
  const r = await kubeRequest(env.kubeConfig, path, {
    method,
    body,
    ...(contentType ? { contentType } : {}),
  });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
}

/** A bare pod in ImagePullBackOff: a failure of its own (no owner), fingerprinted by its name. */
async function failingPod(env: ApiEnv, name: string): Promise<void> {
  await must(env, `/api/v1/namespaces/${NS}/pods`, "POST", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { app: name } },
    spec: { nodeName: "node-1", containers: [{ name: "app", image: `nginx:9.9-broken-${name}` }] },
  });
  await must(
    env,
    `/api/v1/namespaces/${NS}/pods/${name}/status`,
    "PATCH",
    {
      status: {
        phase: "Pending",
        containerStatuses: [
          {
            name: "app",
            image: `nginx:9.9-broken-${name}`,
            imageID: "",
            ready: false,
            restartCount: 0,
            state: {
              waiting: {
                reason: "ImagePullBackOff",
                message: `Back-off pulling image "nginx:9.9-broken-${name}"`,
              },
            },
          },
        ],
      },
    },
    "application/merge-patch+json",
  );
}

const quietMetrics = (onObjects: (n: number) => void = () => undefined): WatchMetrics => ({
  diagnoses: () => undefined,
  active: () => undefined,
  action: () => undefined,
  objects: onObjects,
  resync: () => undefined,
});

describe.skipIf(skipClusterTests)("kintent watch under churn", { timeout: 120_000 }, () => {
  let env: ApiEnv;
  beforeAll(async () => {
    env = await startApiEnv();
    await ensureNamespace(env.kubeConfig, NS);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("diagnoses while changes keep coming faster than the debounce (maxWaitMs), not only once they stop", async () => {
    const evaluations: number[] = [];
    const handle = startWatch({
      reader: connect({ kubeconfig: env.kubeconfigPath, env: {} }),
      namespaces: [NS],
      action: "report",
      env: "bench",
      redactor: new Redactor(),
      log: () => undefined,
      metrics: quietMetrics(() => evaluations.push(Date.now())),
      debounceMs: 600,
      maxWaitMs: 1000,
    });
    try {
      await handle.synced;
      await new Promise((r) => setTimeout(r, 1500)); // the first evaluation after the sync
      evaluations.length = 0;
      // An Event every 100 ms for 5 s: each change would push a plain 600 ms debounce further.
      const until = Date.now() + 5000;
      let i = 0;
      while (Date.now() < until) {
        const now = new Date().toISOString();
        await must(env, `/api/v1/namespaces/${NS}/events`, "POST", {
          apiVersion: "v1",
          kind: "Event",
          metadata: { name: `churn.${i++}` },
          involvedObject: { apiVersion: "v1", kind: "Pod", name: "web", namespace: NS },
          reason: "Pulled",
          message: 'Container image "nginx:1.27" already present on machine',
          type: "Normal",
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: "test" },
        });
        await new Promise((r) => setTimeout(r, 100));
      }
      const churnEnded = Date.now();
      expect(i).toBeGreaterThan(10);
      // Evaluations ran during the churn (about one per maxWaitMs), not only after it.
      expect(evaluations.filter((t) => t < churnEnded).length).toBeGreaterThanOrEqual(2);
    } finally {
      handle.stop();
    }
  });

  it("forgets the first-tracked cleared failures past maxCleared, and keeps the active ones", async () => {
    const lines: string[] = [];
    const handle = startWatch({
      reader: connect({ kubeconfig: env.kubeconfigPath, env: {} }),
      namespaces: [NS],
      action: "report",
      env: "bench",
      redactor: new Redactor(),
      log: (l) => lines.push(l),
      metrics: quietMetrics(),
      debounceMs: 200,
      maxCleared: 2,
    });
    try {
      await handle.synced;
      const names = ["p1", "p2", "p3", "p4", "p5"];
      for (const n of names) await failingPod(env, n);
      await waitUntil(
        "five active failures",
        async () => {
          await handle.evaluate();
          return handle.active().length === 5 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300, onTimeout: () => lines.join("\n") },
      );
      expect(handle.remembered()).toBe(5);
      // Four go away: two of them are remembered (the last tracked), with the one still failing.
      for (const n of names.slice(0, 4))
        await must(env, `/api/v1/namespaces/${NS}/pods/${n}`, "DELETE", { gracePeriodSeconds: 0 });
      await waitUntil(
        "one active failure",
        async () => {
          await handle.evaluate();
          return handle.active().length === 1 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300, onTimeout: () => lines.join("\n") },
      );
      expect(lines.filter((l) => l.includes('"action":"cleared"'))).toHaveLength(4);
      expect(handle.remembered()).toBe(3);
      // p4 was kept: its return is a recurrence; p1 was forgotten: its return is a new detection.
      await failingPod(env, "p4");
      await failingPod(env, "p1");
      await waitUntil(
        "three active failures",
        async () => {
          await handle.evaluate();
          return handle.active().length === 3 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300, onTimeout: () => lines.join("\n") },
      );
      const last = (name: string) =>
        lines
          .filter((l) => l.includes(`Pod ${NS}/${name}"`))
          .map((l) => (JSON.parse(l) as { action: string }).action);
      expect(last("p4")).toEqual(["detected", "cleared", "recurred"]);
      expect(last("p1")).toEqual(["detected", "cleared", "detected"]);
    } finally {
      handle.stop();
    }
  });
});
