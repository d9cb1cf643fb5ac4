/**
 * `npm run bench -- watch`: `kintent watch`'s memory over a churn. The real control plane with kwok nodes (the
 * cluster environment of test/harness: etcd, kube-apiserver, kube-scheduler, kube-controller-manager, kwok with
 * the Stages of test/harness/kwok-stages), `kintent watch` started as its own process (`node bin/kintent.js watch`,
 * action report) on a namespace, then, for the whole run, a steady churn in that namespace: a new Deployment every
 * few seconds, each failing its own way (image pull, crash loop, OOMKilled, ContainerCreating with FailedMount,
 * CreateContainerConfigError, failing readiness, unschedulable) or healthy, the oldest deleted past a window, and
 * Events posted at a steady rate on top of the ones the Stages record. Every ~10 s: the agent's /metrics
 * (resident memory, heap, objects held) and its VmRSS from /proc/<pid>/status. Prints the samples and a summary:
 * start/peak/end RSS and whether memory is bounded (the end against minute 2, and the slope after minute 2).
 *
 *   npm run bench -- watch [-- --minutes 10 --interval 10 --every 2 --window 16 --events-per-second 10]
 *   KINTENT_BENCH_WATCH_MINUTES=2 npm run bench -- watch
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import {
  applyObjects,
  ensureNamespace,
  freePort,
  kubeRequest,
  repoRoot,
  startClusterEnv,
  startProcess,
  waitUntil,
} from "../test/harness/index.js";
import type { ClusterEnv, KubeObject } from "../test/harness/index.js";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: process.env.KINTENT_BENCH_WATCH_MINUTES ?? "10" },
    /** Seconds between samples. */
    interval: { type: "string", default: "10" },
    /** Seconds between new Deployments. */
    every: { type: "string", default: "2" },
    /** Deployments alive at once (the oldest is deleted past it). */
    window: { type: "string", default: "16" },
    "events-per-second": { type: "string", default: "10" },
  },
  allowPositionals: true,
});
const MINUTES = Number(values.minutes);
const INTERVAL_S = Number(values.interval);
const EVERY_S = Number(values.every);
const WINDOW = Number(values.window);
const EVENTS_PER_S = Number(values["events-per-second"]);
const NS = "churn"; // the App below is named churn: the built-in platform deploys it there
const MiB = 2 ** 20;

interface Scenario {
  name: string;
  image: string;
  annotations?: Record<string, string>;
  container?: object;
  pod?: object;
}
// The ways a Deployment fails here (test/harness/kwok-stages/pod-failures.yaml), and a healthy one.
const SCENARIOS: Scenario[] = [
  { name: "pull", image: "nginx:99.99-broken-image" },
  { name: "denied", image: "nginx:1.27-denied" },
  { name: "crash", image: "redis:7", annotations: { "kwok.kintent.dev/scenario": "crash-loop-backoff" } },
  {
    name: "oom",
    image: "redis:7",
    annotations: { "kwok.kintent.dev/scenario": "oom-killed" },
    container: { resources: { limits: { memory: "128Mi" } } },
  },
  {
    name: "mount",
    image: "nginx:1.27",
    annotations: { "kwok.kintent.dev/scenario": "container-creating" },
    container: { volumeMounts: [{ name: "html", mountPath: "/usr/share/nginx/html" }] },
    pod: { volumes: [{ name: "html", configMap: { name: "nginx-html-missing" } }] },
  },
  {
    name: "config",
    image: "nginx:1.27",
    annotations: { "kwok.kintent.dev/scenario": "create-config-error" },
    container: { envFrom: [{ configMapRef: { name: "settings-missing" } }] },
  },
  {
    name: "probe",
    image: "nginx:1.27",
    annotations: { "kwok.kintent.dev/scenario": "readiness-failing" },
    container: { readinessProbe: { httpGet: { path: "/ready", port: 8080 } } },
  },
  { name: "sched", image: "nginx:1.27", pod: { nodeSelector: { workload: "agents" } } },
  { name: "ok", image: "nginx:1.27" },
];

function deployment(name: string, s: Scenario, replicas: number): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(s.annotations ? { annotations: s.annotations } : {}) },
        spec: { containers: [{ name: "app", image: s.image, ...s.container }], ...s.pod },
      },
    },
  };
}

interface Sample {
  t: number;
  rss: number;
  residentMetric: number | undefined;
  heapUsed: number | undefined;
  heapTotal: number | undefined;
  external: number | undefined;
  handles: number | undefined;
  cpu: number | undefined;
  /** Taken while the churn ran (the last sample is taken after it, once the agent settled). */
  churning: boolean;
  objects: number | undefined;
  evaluations: number | undefined;
  deployments: number;
  events: number;
  load: string;
}

const metric = (text: string, name: string): number | undefined => {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, "m").exec(text);
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
};
const sumOf = (text: string, name: string): number =>
  [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, "gm"))].reduce(
    (a, m) => a + Number(m[1]),
    0,
  );
const vmRss = (pid: number): number => {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m?.[1] ? Number(m[1]) * 1024 : NaN;
};
const mib = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "—" : (n / MiB).toFixed(1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const t0 = performance.now();
const env: ClusterEnv = await startClusterEnv({ nodes: 2, nodeResources: { pods: "250" } });
const work = mkdtempSync(join(tmpdir(), "kintent-bench-watch-"));
let agent: ReturnType<typeof startProcess> | undefined;
try {
  console.log(
    `cluster: ${env.kubernetesVersion}, ${env.nodes.length} kwok nodes, up in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  await ensureNamespace(env.kubeConfig, NS);
  // The intent the agent watches: its namespace is the one churned.
  writeFileSync(
    join(work, "kintent.yaml"),
    [
      "apiVersion: kintent.dev/v1alpha1",
      "kind: App",
      "metadata:",
      `  name: ${NS}`,
      "spec:",
      "  image: nginx:1.27",
      "  port: 8080",
      "  tier: dev",
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const logFile = join(work, "watch.log");
  agent = startProcess({
    name: "kintent-watch",
    command: process.execPath,
    args: [
      join(repoRoot, "bin", "kintent.js"),
      "watch",
      work,
      "--kubeconfig",
      env.kubeconfigPath,
      "--action",
      "report",
      "--listen",
      `127.0.0.1:${port}`,
    ],
    logFile,
    cwd: work,
    env: { ...process.env, HOME: work },
  });
  const pid = agent.pid;
  const metricsText = async (): Promise<string> =>
    await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  await waitUntil(
    "the agent's /healthz",
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 60_000, intervalMs: 500, onTimeout: () => readFileSync(logFile, "utf8") },
  );
  console.log(`agent: pid ${pid}, ${readFileSync(logFile, "utf8").split("\n")[0] ?? ""}`);

  // The churn: a Deployment every EVERY_S seconds (1–3 replicas, the scenarios in turn), the oldest deleted past
  // WINDOW; Events every second.
  let deployments = 0;
  let podsRequested = 0;
  let deleted = 0;
  let events = 0;
  let eventErrors = 0;
  let churnErrors = 0;
  const live: string[] = [];
  const end = Date.now() + MINUTES * 60_000;
  let stop = false;
  const churn = (async () => {
    while (!stop && Date.now() < end) {
      const tick = Date.now();
      const s = SCENARIOS[deployments % SCENARIOS.length] as Scenario;
      const name = `w${deployments}-${s.name}`;
      const replicas = 1 + (deployments % 3);
      try {
        await applyObjects(env, [deployment(name, s, replicas)]);
        deployments++;
        podsRequested += replicas;
        live.push(name);
        while (live.length > WINDOW) {
          const old = live.shift() as string;
          const r = await kubeRequest(env.kubeConfig, `/apis/apps/v1/namespaces/${NS}/deployments/${old}`, {
            method: "DELETE",
            query: { propagationPolicy: "Background" },
          });
          if (r.status < 300) deleted++;
          else churnErrors++;
        }
      } catch {
        churnErrors++;
        deployments++;
      }
      await sleep(Math.max(0, EVERY_S * 1000 - (Date.now() - tick)));
    }
  })();
  const poster = (async () => {
    let i = 0;
    while (!stop && Date.now() < end) {
      const tick = Date.now();
      await Promise.all(
        Array.from({ length: EVENTS_PER_S }, async () => {
          const n = i++;
          const target = live[n % Math.max(1, live.length)] ?? "w0";
          const now = new Date().toISOString();
          const r = await kubeRequest(env.kubeConfig, `/api/v1/namespaces/${NS}/events`, {
            method: "POST",
            body: {
              apiVersion: "v1",
              kind: "Event",
              metadata: { name: `${target}.bench.${n}` },
              involvedObject: { apiVersion: "apps/v1", kind: "Deployment", name: target, namespace: NS },
              reason: n % 2 ? "ScalingReplicaSet" : "Pulled",
              message:
                n % 2
                  ? `Scaled up replica set ${target}-5d6f to ${1 + (n % 3)}`
                  : 'Container image "nginx:1.27" already present on machine',
              type: "Normal",
              count: 1,
              firstTimestamp: now,
              lastTimestamp: now,
              source: { component: "bench" },
            },
          });
          if (r.status < 300) events++;
          else eventErrors++;
        }),
      );
      await sleep(Math.max(0, 1000 - (Date.now() - tick)));
    }
  })();

  const samples: Sample[] = [];
  const start = Date.now();
  console.log(
    `\nchurn: ${MINUTES} min, a Deployment every ${EVERY_S} s (${SCENARIOS.map((s) => s.name).join(", ")}; 1–3 replicas; ${WINDOW} alive), ${EVENTS_PER_S} Events/s; a sample every ${INTERVAL_S} s\n`,
  );
  console.log(
    "| time | objects held | RSS (/proc) | RSS (metric) | heap used | heap total | external | handles | agent CPU | diagnoses (cumulative) | Deployments created | Events posted | load 1m |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  const sample = async (): Promise<void> => {
    const text = await metricsText();
    const s: Sample = {
      t: (Date.now() - start) / 1000,
      rss: vmRss(pid),
      residentMetric: metric(text, "kintent_watch_process_process_resident_memory_bytes"),
      heapUsed: metric(text, "kintent_watch_process_nodejs_heap_size_used_bytes"),
      heapTotal: metric(text, "kintent_watch_process_nodejs_heap_size_total_bytes"),
      external: metric(text, "kintent_watch_process_nodejs_external_memory_bytes"),
      handles: metric(text, "kintent_watch_process_nodejs_active_handles_total"),
      cpu: metric(text, "kintent_watch_process_process_cpu_seconds_total"),
      churning: !stop,
      objects: metric(text, "kintent_watch_objects"),
      // Each evaluation counts every diagnosis it finds; the gauge of active failures says how many at once.
      evaluations: sumOf(text, "kintent_watch_diagnoses_total"),
      deployments,
      events,
      load: readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "?",
    };
    samples.push(s);
    const mm = Math.floor(s.t / 60);
    const ss = Math.round(s.t % 60);
    console.log(
      `| ${mm}:${String(ss).padStart(2, "0")} | ${s.objects ?? "—"} | ${mib(s.rss)} MiB | ${mib(s.residentMetric)} MiB | ${mib(s.heapUsed)} MiB | ${mib(s.heapTotal)} MiB | ${mib(s.external)} MiB | ${s.handles ?? "—"} | ${s.cpu?.toFixed(1) ?? "—"} s | ${s.evaluations} | ${s.deployments} | ${s.events} | ${s.load} |`,
    );
  };
  await sample();
  while (Date.now() < end) {
    await sleep(Math.min(INTERVAL_S * 1000, Math.max(0, end - Date.now())));
    await sample();
  }
  stop = true;
  await Promise.all([churn, poster]);
  // Let the agent settle on the last state, then one last sample.
  await sleep(INTERVAL_S * 1000);
  await sample();

  const eventsInNs = await kubeRequest(env.kubeConfig, `/api/v1/namespaces/${NS}/events`, {
    query: { limit: 1 },
  });
  const evBody = eventsInNs.body as { items?: unknown[]; metadata?: { remainingItemCount?: number } };
  const eventsTotal = (evBody.items?.length ?? 0) + (evBody.metadata?.remainingItemCount ?? 0);
  const log = readFileSync(logFile, "utf8").split("\n");
  const detected = log.filter((l) => l.includes('"action":"detected"')).length;
  const cleared = log.filter((l) => l.includes('"action":"cleared"')).length;

  const churned = samples.filter((s) => s.churning);
  const rss = samples.map((s) => s.rss);
  const first = samples[0] as Sample;
  const last = samples[samples.length - 1] as Sample;
  const lastChurn = churned[churned.length - 1] ?? last;
  // Per minute of churn: objects held, RSS range, heap used range (its minimum is the floor after collections:
  // what the agent retains; RSS follows V8's heap sizing and the allocator, which return memory lazily).
  const minutes = new Map<number, Sample[]>();
  for (const s of churned) {
    const m = Math.min(Math.floor(s.t / 60), MINUTES - 1);
    minutes.set(m, [...(minutes.get(m) ?? []), s]);
  }
  const lo = (xs: number[]) => Math.min(...xs);
  const hi = (xs: number[]) => Math.max(...xs);
  console.log(
    "\n| minute | objects held (max) | RSS min–max | heap used min–max | external (max) | active handles (max) |",
  );
  console.log("|---|---|---|---|---|---|");
  const floors: { minute: number; heap: number; rss: number; external: number }[] = [];
  for (const [m, ss] of minutes) {
    const heaps = ss.map((s) => s.heapUsed ?? 0);
    const rs = ss.map((s) => s.rss);
    const ext = ss.map((s) => s.external ?? 0);
    floors.push({ minute: m, heap: lo(heaps), rss: lo(rs), external: lo(ext) });
    console.log(
      `| ${m + 1} | ${hi(ss.map((s) => s.objects ?? 0))} | ${mib(lo(rs))}–${mib(hi(rs))} MiB | ${mib(lo(heaps))}–${mib(hi(heaps))} MiB | ${mib(hi(ext))} MiB | ${hi(ss.map((s) => s.handles ?? 0))} |`,
    );
  }
  // Least-squares slope, MiB per minute.
  const slope = (pts: { x: number; y: number }[]): number => {
    const n = pts.length;
    if (n < 2) return 0;
    const mx = pts.reduce((a, p) => a + p.x, 0) / n;
    const my = pts.reduce((a, p) => a + p.y, 0) / n;
    let num = 0;
    let den = 0;
    for (const p of pts) {
      num += (p.x - mx) * (p.y - my);
      den += (p.x - mx) ** 2;
    }
    return den === 0 ? 0 : num / den;
  };
  const fromMinute2 = floors.filter((f) => f.minute >= 1);
  const min2 = fromMinute2[0] ?? floors[0];
  const lastMin = floors[floors.length - 1];
  const heapSlope = slope(fromMinute2.map((f) => ({ x: f.minute, y: f.heap / MiB })));
  const rssSlope = slope(fromMinute2.map((f) => ({ x: f.minute, y: f.rss / MiB })));
  const atMinute2 = churned.find((s) => s.t >= 120) ?? first;
  const growth = (lastChurn.rss - atMinute2.rss) / atMinute2.rss;
  const objectsPeak = Math.max(...samples.map((s) => s.objects ?? 0));
  console.log(
    `\nRSS: start ${mib(first.rss)} MiB, minute 2 ${mib(atMinute2.rss)} MiB, peak ${mib(hi(rss))} MiB, end of churn ${mib(lastChurn.rss)} MiB (${(growth * 100).toFixed(1)} % against minute 2), settled ${mib(last.rss)} MiB; per-minute RSS minimum from minute 2: slope ${rssSlope.toFixed(2)} MiB/min`,
  );
  console.log(
    `heap used floor (per-minute minimum): minute 2 ${mib(min2?.heap)} MiB, last minute ${mib(lastMin?.heap)} MiB, slope ${heapSlope.toFixed(2)} MiB/min; peak heap used ${mib(hi(samples.map((s) => s.heapUsed ?? 0)))} MiB`,
  );
  console.log(`objects held: peak ${objectsPeak}, end ${last.objects ?? "—"}`);
  console.log(
    `churned: ${deployments} Deployments created (${podsRequested} pods requested), ${deleted} deleted; ${events} Events posted by the bench (${eventErrors} refused), ${eventsTotal} Events in the namespace at the end (the bench's and the Stages'/controllers', 1 h TTL); ${churnErrors} churn errors; agent CPU ${last.cpu?.toFixed(1) ?? "—"} s`,
  );
  console.log(`agent: ${detected} failures detected, ${cleared} cleared (report lines)`);
  // Bounded: what the agent retains (the heap floor) does not grow from minute 2 to the end (within 20 % and
  // 1 MiB/min), and neither do the objects it holds.
  const bounded =
    min2 !== undefined &&
    lastMin !== undefined &&
    lastMin.heap <= min2.heap * 1.2 &&
    heapSlope < 1 &&
    (lastChurn.objects ?? 0) <= objectsPeak;
  console.log(
    `memory ${bounded ? "bounded" : "NOT bounded"}: the heap-used floor of the last minute within 20 % of minute 2's, growing under 1 MiB/min`,
  );
  if (!bounded) process.exitCode = 1;
} finally {
  await agent?.stop();
  await env.stop();
}
