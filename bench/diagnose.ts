/**
 * `npm run bench -- diagnose`: a namespace with 2,000 pods and 10,000 events in a real kube-apiserver (the
 * api environment of test/harness: etcd + kube-apiserver, no controllers, so the pods are created as objects
 * with the status kubelet would write), then `kintent diagnose -n bench` repeatedly: wall time, list requests
 * and total requests per diagnose, and the diagnoses found. The target: under 2 s and a constant number of list
 * calls (one per kind, whatever the number of pods).
 *
 *   npm run bench -- diagnose [-- --pods 2000 --events 10000 --runs 5]
 */
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { kubeRequest, startApiEnv } from "../test/harness/index.js";
import type { ApiEnv } from "../test/harness/index.js";
import { connect } from "../src/cluster/client.js";
import { diagnose } from "../src/cluster/diagnose.js";
import { readSnapshot } from "../src/cluster/snapshot.js";

const { values } = parseArgs({
  options: {
    pods: { type: "string", default: "2000" },
    events: { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
  },
  allowPositionals: true,
});
const PODS = Number(values.pods);
const EVENTS = Number(values.events);
const RUNS = Number(values.runs);
const NS = "bench";

async function pool<T>(items: readonly T[], width: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await fn(items[i++] as T);
    }),
  );
}

async function must(
  env: ApiEnv,
  path: string,
  method: string,
  body: unknown,
  contentType?: string,
): Promise<unknown> {
  const r = await kubeRequest(env.kubeConfig, path, {
    method,
    body,
    ...(contentType ? { contentType } : {}),
  });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
}

const env = await startApiEnv({ installCrds: true });
try {
  const t0 = performance.now();
  await must(env, "/api/v1/namespaces", "POST", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: NS },
  });
  await must(env, `/api/v1/namespaces/${NS}/serviceaccounts`, "POST", {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "default" },
  });
  // 20 workloads of 100 pods; every 10th workload fails (image pull), the rest run.
  const pods = Array.from({ length: PODS }, (_, i) => i);
  const uids: string[] = [];
  await pool(pods, 32, async (i) => {
    const w = Math.floor(i / 100);
    const broken = w % 10 === 0;
    const name = `app-${w}-${i}`;
    const created = (await must(env, `/api/v1/namespaces/${NS}/pods`, "POST", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name,
        labels: { app: `app-${w}` },
        // As a ReplicaSet's pods are: one workload, one diagnosis.
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            name: `app-${w}-5d6f`,
            uid: `00000000-0000-4000-8000-${String(w).padStart(12, "0")}`,
            controller: true,
          },
        ],
      },
      spec: {
        nodeName: "node-1",
        containers: [{ name: "app", image: broken ? "nginx:9.9-broken" : "nginx:1.27" }],
      },
    })) as { metadata: { uid: string } };
    uids[i] = created.metadata.uid;
    const now = new Date().toISOString();
    const status = broken
      ? {
          phase: "Pending",
          containerStatuses: [
            {
              name: "app",
              image: "nginx:9.9-broken",
              imageID: "",
              ready: false,
              restartCount: 0,
              state: {
                waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "nginx:9.9-broken"' },
              },
            },
          ],
        }
      : {
          phase: "Running",
          conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }],
          containerStatuses: [
            {
              name: "app",
              image: "nginx:1.27",
              imageID: "",
              ready: true,
              restartCount: 0,
              started: true,
              state: { running: { startedAt: now } },
            },
          ],
        };
    await must(
      env,
      `/api/v1/namespaces/${NS}/pods/${name}/status`,
      "PATCH",
      { status },
      "application/merge-patch+json",
    );
  });
  const events = Array.from({ length: EVENTS }, (_, i) => i);
  await pool(events, 32, async (i) => {
    const p = i % PODS;
    const name = `app-${Math.floor(p / 100)}-${p}`;
    const now = new Date(Date.now() - (EVENTS - i) * 1000).toISOString();
    await must(env, `/api/v1/namespaces/${NS}/events`, "POST", {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${name}.${i}` },
      involvedObject: { apiVersion: "v1", kind: "Pod", name, namespace: NS, uid: uids[p] },
      reason: i % 2 ? "Pulled" : "Started",
      message: i % 2 ? 'Container image "nginx:1.27" already present on machine' : "Started container app",
      type: "Normal",
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: "kubelet", host: "node-1" },
    });
  });
  console.log(
    `fixture: ${PODS} pods, ${EVENTS} events created in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  console.log("| run | wall time (read + analyze) | read | analyze | list requests | requests | diagnoses |");
  console.log("|---|---|---|---|---|---|---|");
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const reader = connect({ kubeconfig: env.kubeconfigPath, env: {} });
    const a = performance.now();
    const snapshot = await readSnapshot(reader, { namespaces: [NS] });
    const b = performance.now();
    const found = diagnose(snapshot);
    const c = performance.now();
    times.push(c - a);
    console.log(
      `| ${run} | ${((c - a) / 1000).toFixed(2)} s | ${((b - a) / 1000).toFixed(2)} s | ${((c - b) / 1000).toFixed(3)} s | ${reader.listCalls} | ${reader.calls.length} | ${found.length} (${found.map((d) => d.analyzer).join(", ")}) |`,
    );
  }
  times.sort((x, y) => x - y);
  console.log(
    `\nmedian ${((times[Math.floor(times.length / 2)] ?? 0) / 1000).toFixed(2)} s; heap after: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
} finally {
  await env.stop();
}
