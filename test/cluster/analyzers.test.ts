/**
 * One table per analyzer: a cluster state that must fire (with the variant and the words of the cause) and one
 * that must stay quiet — k8sgpt's most reported bug is false positives. The objects have the shapes the API
 * server returns (the same ones test/cluster/diagnose.test.ts reads from a real cluster).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LiveObject } from "../../src/cluster/client.js";
import { ANALYZERS } from "../../src/cluster/analyzers/index.js";
import { analyzersMarkdown } from "../../src/cluster/docs.js";
import { diagnose } from "../../src/cluster/diagnose.js";
import { snapshotOf } from "../../src/cluster/snapshot.js";
import { nextMemory } from "../../src/cluster/fixes.js";
import { RESOURCES } from "../../src/cluster/kinds.js";
import { ROOT, runCli } from "../helpers.js";
import { parseAllDocuments } from "yaml";

const NS = "shop";
const NOW = "2026-12-04T12:00:00Z";

function obj(
  kind: string,
  apiVersion: string,
  name: string,
  rest: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): LiveObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: NS,
      uid: `uid-${kind}-${name}`,
      creationTimestamp: "2026-12-04T11:00:00Z",
      ...meta,
    },
    ...rest,
  };
}

const rs = obj(
  "ReplicaSet",
  "apps/v1",
  "web-7d9c",
  {},
  {
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "uid-Deployment-web", controller: true },
    ],
  },
);
const dep = obj("Deployment", "apps/v1", "web");

function pod(
  name: string,
  status: Record<string, unknown>,
  spec: Record<string, unknown> = {},
  labels: Record<string, string> = { app: "web" },
): LiveObject {
  return obj(
    "Pod",
    "v1",
    name,
    {
      spec: {
        nodeName: "kwok-0",
        containers: [{ name: "app", image: "nginx:1.27", resources: { limits: { memory: "128Mi" } } }],
        ...spec,
      },
      status,
    },
    {
      labels,
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "web-7d9c",
          uid: "uid-ReplicaSet-web-7d9c",
          controller: true,
        },
      ],
    },
  );
}

function event(
  about: LiveObject,
  reason: string,
  message: string,
  type = "Warning",
  count = 1,
  source = "kubelet",
): LiveObject {
  return obj("Event", "v1", `${about.metadata.name}.${reason}.${message.length}`, {
    involvedObject: {
      apiVersion: about.apiVersion,
      kind: about.kind,
      name: about.metadata.name,
      namespace: NS,
      uid: about.metadata.uid,
    },
    reason,
    message,
    type,
    count,
    firstTimestamp: "2026-12-04T11:58:00Z",
    lastTimestamp: "2026-12-04T11:59:00Z",
    source: { component: source },
  });
}

const running = {
  phase: "Running",
  conditions: [
    { type: "Ready", status: "True" },
    { type: "PodScheduled", status: "True" },
  ],
  containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: { running: { startedAt: NOW } } }],
};
const waiting = (reason: string, message?: string, extra: Record<string, unknown> = {}) => ({
  phase: "Pending",
  containerStatuses: [
    {
      name: "app",
      ready: false,
      restartCount: 0,
      state: { waiting: { reason, ...(message ? { message } : {}) } },
      ...extra,
    },
  ],
});
const healthyPod = pod("web-7d9c-ok", running);

interface Case {
  objects: LiveObject[];
  variant?: string;
  cause?: RegExp;
}

const p1 = pod(
  "web-7d9c-a",
  waiting("ImagePullBackOff", 'Back-off pulling image "nginx:99.99-broken-image"'),
  { containers: [{ name: "app", image: "nginx:99.99-broken-image" }] },
);
const pUnauth = pod(
  "web-7d9c-b",
  waiting(
    "ErrImagePull",
    'rpc error: code = Unknown desc = failed to pull and unpack image "r.acme.io/x:1": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://r.acme.io/token: 401 Unauthorized',
  ),
  { containers: [{ name: "app", image: "r.acme.io/x:1" }] },
);
const pOffline = pod("web-7d9c-c", waiting("ImagePullBackOff"), {
  containers: [{ name: "app", image: "registry.invalid/x:1" }],
});
const crashing = (reason: string, exitCode: number) =>
  pod("web-7d9c-d", {
    phase: "Running",
    containerStatuses: [
      {
        name: "app",
        ready: false,
        restartCount: 4,
        state: {
          waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container=app" },
        },
        lastState: { terminated: { reason, exitCode, finishedAt: NOW } },
      },
    ],
  });
const configMap = (name: string, data: Record<string, string>) => obj("ConfigMap", "v1", name, { data });
const svc = (selector: Record<string, string>) =>
  obj("Service", "v1", "web", { spec: { selector, ports: [{ port: 80 }] } });
const slice = (ready: boolean) =>
  obj(
    "EndpointSlice",
    "discovery.k8s.io/v1",
    "web-x1",
    { endpoints: [{ addresses: ["10.0.0.1"], conditions: { ready } }] },
    { labels: { "kubernetes.io/service-name": "web" } },
  );
const node = (labels: Record<string, string>) => ({
  ...obj("Node", "v1", "kwok-0", {}, { labels }),
  metadata: { name: "kwok-0", labels },
});
const unschedulablePod = (message: string, spec: Record<string, unknown> = {}) =>
  pod(
    "web-7d9c-u",
    {
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }],
    },
    { nodeName: undefined, ...spec },
  );
const pvc = (phase: string, cls?: string) =>
  obj("PersistentVolumeClaim", "v1", "data-db-0", {
    spec: { ...(cls ? { storageClassName: cls } : {}) },
    status: { phase },
  });
const storageClass = (name: string) =>
  ({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name } }) as LiveObject;
const hpa = (conditions: unknown[]) =>
  obj("HorizontalPodAutoscaler", "autoscaling/v2", "web", {
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" } },
    status: { conditions },
  });
const pdb = (status: Record<string, number>) =>
  obj("PodDisruptionBudget", "policy/v1", "web", {
    spec: { minAvailable: 3 },
    status: { observedGeneration: 1, ...status },
  });
const rollout = (status: Record<string, unknown>) =>
  obj("Rollout", "argoproj.io/v1alpha1", "web", { status });
const analysisRun = obj("AnalysisRun", "argoproj.io/v1alpha1", "web-6f7c-2-1", {
  status: {
    phase: "Failed",
    metricResults: [
      {
        name: "success-rate",
        phase: "Failed",
        count: 3,
        failed: 3,
        measurements: [
          { phase: "Failed", value: "[0.82]" },
          { phase: "Failed", value: "[0.8]" },
          { phase: "Failed", value: "[0.79]" },
        ],
      },
    ],
  },
});
const application = (status: Record<string, unknown>) =>
  ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: "web-prod", namespace: "argocd" },
    spec: { destination: { namespace: NS } },
    status,
  }) as LiveObject;

const TABLE: Record<string, { fire: Case[]; quiet: LiveObject[][] }> = {
  "image-pull": {
    fire: [
      {
        objects: [
          rs,
          dep,
          p1,
          event(
            p1,
            "Failed",
            'Failed to pull image "nginx:99.99-broken-image": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:99.99-broken-image": failed to resolve reference "docker.io/library/nginx:99.99-broken-image": docker.io/library/nginx:99.99-broken-image: not found',
          ),
        ],
        variant: "not-found",
        cause:
          /^The image nginx:99\.99-broken-image does not exist in the registry \(no tag `99\.99-broken-image` in nginx\)/,
      },
      { objects: [rs, dep, pUnauth], variant: "unauthorized", cause: /needs credentials/ },
      {
        objects: [
          rs,
          dep,
          pOffline,
          event(
            pOffline,
            "Failed",
            'Failed to pull image "registry.invalid/x:1": rpc error: code = Unknown desc = failed to pull and unpack image "registry.invalid/x:1": failed to resolve reference "registry.invalid/x:1": failed to do request: Head "https://registry.invalid/v2/x/manifests/1": dial tcp: lookup registry.invalid on 10.96.0.10:53: no such host',
          ),
        ],
        variant: "unreachable",
        cause: /cannot be reached/,
      },
      {
        objects: [
          rs,
          dep,
          pod(
            "web-7d9c-e",
            waiting(
              "ErrImagePull",
              'rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/acme/x:9": failed to resolve reference "ghcr.io/acme/x:9": ghcr.io/acme/x:9: not found: manifest unknown',
            ),
          ),
        ],
        variant: "not-found",
      },
    ],
    quiet: [
      [rs, dep, healthyPod],
      [rs, dep, pod("web-7d9c-f", waiting("ContainerCreating"))],
    ],
  },
  "crash-loop": {
    fire: [
      {
        objects: [rs, dep, crashing("Error", 1)],
        variant: "Error",
        cause: /keeps exiting \(last: Error, exit code 1\) and has restarted 4 time\(s\)/,
      },
    ],
    quiet: [
      [rs, dep, healthyPod],
      [rs, dep, crashing("OOMKilled", 137)],
    ],
  },
  "oom-killed": {
    fire: [
      {
        objects: [rs, dep, crashing("OOMKilled", 137)],
        variant: "limit",
        cause: /more memory than its limit of 128Mi \(exit code 137\)/,
      },
    ],
    quiet: [
      [rs, dep, crashing("Error", 1)],
      [rs, dep, healthyPod],
    ],
  },
  "create-container-config": {
    fire: [
      {
        objects: [
          rs,
          dep,
          configMap("web-config", {}),
          pod("web-7d9c-g", waiting("CreateContainerConfigError", 'configmap "web-confg" not found')),
        ],
        variant: "missing-configmap",
        cause: /the ConfigMap web-confg does not exist \(`web-config` exists in the namespace\)/,
      },
      {
        objects: [
          rs,
          dep,
          configMap("web-config", { "log-level": "" }),
          pod(
            "web-7d9c-h",
            waiting("CreateContainerConfigError", `couldn't find key loglevel in ConfigMap ${NS}/web-config`),
          ),
        ],
        variant: "missing-key",
        cause: /has no key `loglevel` \(it has `log-level`\)/,
      },
      {
        objects: [
          rs,
          dep,
          pod("web-7d9c-i", waiting("CreateContainerConfigError", 'secret "web-db" not found')),
        ],
        variant: "missing-secret",
      },
    ],
    quiet: [[rs, dep, healthyPod, configMap("web-config", {})]],
  },
  "failed-mount": {
    fire: (() => {
      const p = pod("web-7d9c-j", waiting("ContainerCreating"), {
        volumes: [{ name: "html", configMap: { name: "nginx-canary-html" } }],
      });
      return [
        {
          objects: [
            rs,
            dep,
            configMap("nginx-canary-config", {}),
            p,
            event(
              p,
              "FailedMount",
              'MountVolume.SetUp failed for volume "html" : configmap "nginx-canary-html" not found',
              "Warning",
              6,
            ),
          ],
          variant: "missing-configmap",
          cause:
            /volume html cannot be mounted: the ConfigMap nginx-canary-html does not exist \(`nginx-canary-config` exists in the namespace\)/,
        },
      ];
    })(),
    quiet: [
      [
        rs,
        dep,
        configMap("nginx-canary-html", {}),
        pod("web-7d9c-k", running, { volumes: [{ name: "html", configMap: { name: "nginx-canary-html" } }] }),
      ],
      // Just created, the ConfigMap arriving in the same sync: not a failure yet.
      [
        rs,
        dep,
        {
          ...pod("web-7d9c-l", waiting("ContainerCreating"), {
            volumes: [{ name: "html", configMap: { name: "late" } }],
          }),
          metadata: { ...pod("x", {}).metadata, name: "web-7d9c-l", creationTimestamp: NOW },
        },
      ],
    ],
  },
  unschedulable: {
    fire: [
      {
        objects: [
          rs,
          dep,
          node({ workload: "web" }),
          unschedulablePod(
            "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
            { nodeSelector: { workload: "agents" } },
          ),
        ],
        variant: "node-selector",
        cause: /No node has workload=agents \(workload ∈ \{web\}; 1 node\(s\) read\)/,
      },
      {
        objects: [
          rs,
          dep,
          unschedulablePod("0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory."),
        ],
        variant: "insufficient-resources",
        cause: /enough free cpu and memory/,
      },
      {
        objects: [
          rs,
          dep,
          unschedulablePod("0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}."),
        ],
        variant: "taints",
      },
      {
        objects: [
          rs,
          dep,
          unschedulablePod("0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."),
        ],
        variant: "volumes",
      },
    ],
    quiet: [
      [rs, dep, healthyPod],
      [
        rs,
        dep,
        pod("web-7d9c-m", { phase: "Pending", conditions: [{ type: "PodScheduled", status: "True" }] }),
      ],
    ],
  },
  "probe-failures": {
    fire: (() => {
      const notReady = pod("web-7d9c-n", {
        phase: "Running",
        containerStatuses: [
          { name: "app", ready: false, restartCount: 0, state: { running: { startedAt: NOW } } },
        ],
      });
      const restarted = pod("web-7d9c-o", {
        phase: "Running",
        containerStatuses: [
          { name: "app", ready: true, restartCount: 3, state: { running: { startedAt: NOW } } },
        ],
      });
      return [
        {
          objects: [
            rs,
            dep,
            notReady,
            event(
              notReady,
              "Unhealthy",
              "Readiness probe failed: HTTP probe failed with statuscode: 503",
              "Warning",
              12,
            ),
          ],
          variant: "readiness",
          cause: /gets no traffic: Readiness probe failed: HTTP probe failed with statuscode: 503/,
        },
        {
          objects: [
            rs,
            dep,
            restarted,
            event(
              restarted,
              "Unhealthy",
              'Liveness probe failed: Get "http://10.0.0.5:8080/healthz": dial tcp 10.0.0.5:8080: connect: connection refused',
            ),
            event(restarted, "Killing", "Container app failed liveness probe, will be restarted", "Normal"),
          ],
          variant: "liveness",
        },
      ];
    })(),
    // A readiness probe that failed while starting, on a container that is ready now.
    quiet: [
      [
        rs,
        dep,
        healthyPod,
        event(
          healthyPod,
          "Unhealthy",
          'Readiness probe failed: Get "http://10.0.0.5:8080/": dial tcp 10.0.0.5:8080: connect: connection refused',
        ),
      ],
    ],
  },
  "service-no-endpoints": {
    fire: [
      {
        objects: [svc({ app: "web", track: "canary" }), healthyPod],
        variant: "no-pods",
        cause: /almost matching: web-7d9c-ok \(track=<unset>, selector wants track=canary\)/,
      },
      {
        objects: [svc({ app: "web" }), pod("web-7d9c-p", waiting("ContainerCreating")), slice(false)],
        variant: "pods-not-ready",
      },
    ],
    quiet: [
      [svc({ app: "web" }), healthyPod, slice(true)],
      [obj("Service", "v1", "ext", { spec: { type: "ExternalName", externalName: "db.acme.io" } })],
      [obj("Service", "v1", "manual", { spec: { ports: [{ port: 80 }] } })],
    ],
  },
  "route-backends": {
    fire: [
      {
        objects: [
          svc({ app: "web" }),
          obj("Ingress", "networking.k8s.io/v1", "web", {
            spec: { rules: [{ http: { paths: [{ backend: { service: { name: "wbe" } } }] } }] },
          }),
        ],
        variant: "missing-service",
        cause: /sends traffic to Service shop\/wbe, which does not exist \(`web` does\)/,
      },
      {
        objects: [
          svc({ app: "web" }),
          obj("TraefikService", "traefik.io/v1alpha1", "web-wrr", {
            spec: {
              weighted: {
                services: [
                  { name: "web", port: 80 },
                  { name: "web-canary", port: 80 },
                ],
              },
            },
          }),
        ],
        variant: "missing-service",
      },
      {
        objects: [
          obj("HTTPRoute", "gateway.networking.k8s.io/v1", "web", {
            spec: { rules: [{ backendRefs: [{ name: "web", port: 80 }] }] },
          }),
        ],
        variant: "missing-service",
      },
    ],
    quiet: [
      [
        svc({ app: "web" }),
        obj("Ingress", "networking.k8s.io/v1", "web", {
          spec: { rules: [{ http: { paths: [{ backend: { service: { name: "web" } } }] } }] },
        }),
        obj("IngressRoute", "traefik.io/v1alpha1", "web", {
          spec: { routes: [{ services: [{ name: "web-wrr", kind: "TraefikService" }] }] },
        }),
        obj("TraefikService", "traefik.io/v1alpha1", "web-wrr", {
          spec: { weighted: { services: [{ name: "web" }] } },
        }),
      ],
    ],
  },
  "pvc-pending": {
    fire: [
      {
        objects: [pvc("Pending", "gp3-encrypted"), storageClass("gp3")],
        variant: "storage-class-not-found",
        cause: /StorageClass gp3-encrypted, which does not exist \(`gp3` does\)/,
      },
      (() => {
        const c = pvc("Pending", "gp3");
        return {
          objects: [
            c,
            storageClass("gp3"),
            event(
              c,
              "ProvisioningFailed",
              'failed to provision volume with StorageClass "gp3": rpc error: code = Internal desc = quota exceeded',
              "Warning",
              3,
              "ebs.csi.aws.com",
            ),
          ],
          variant: "provisioning-failed",
        };
      })(),
    ],
    quiet: [
      [pvc("Bound", "gp3"), storageClass("gp3")],
      (() => {
        const c = pvc("Pending", "gp3");
        return [
          c,
          storageClass("gp3"),
          event(
            c,
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding",
            "Normal",
            1,
            "persistentvolume-controller",
          ),
        ];
      })(),
    ],
  },
  "hpa-metrics": {
    fire: [
      {
        objects: [
          hpa([
            { type: "AbleToScale", status: "True" },
            {
              type: "ScalingActive",
              status: "False",
              reason: "FailedGetResourceMetric",
              message:
                "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)",
            },
          ]),
        ],
        variant: "FailedGetResourceMetric",
        cause: /cannot scale Deployment web: the HPA was unable to compute the replica count/,
      },
    ],
    quiet: [
      [
        hpa([
          { type: "AbleToScale", status: "True" },
          { type: "ScalingActive", status: "True", reason: "ValidMetricFound" },
        ]),
      ],
    ],
  },
  "pdb-blocking": {
    fire: [
      {
        objects: [pdb({ disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 3, expectedPods: 3 })],
        variant: "misconfigured",
        cause: /minAvailable 3\) allows 0 disruptions with all 3 pod\(s\) healthy/,
      },
      {
        objects: [pdb({ disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 3, expectedPods: 3 })],
        variant: "unhealthy",
      },
    ],
    quiet: [
      [pdb({ disruptionsAllowed: 1, currentHealthy: 4, desiredHealthy: 3, expectedPods: 4 })],
      [pdb({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 })],
    ],
  },
  "rollout-degraded": {
    fire: [
      {
        objects: [
          rollout({
            phase: "Degraded",
            abort: true,
            message: "RolloutAborted: Rollout aborted update to revision 2",
            canary: { currentStepAnalysisRunStatus: { name: "web-6f7c-2-1", status: "Failed" } },
          }),
          analysisRun,
        ],
        variant: "analysis-failed",
        cause:
          /measured success-rate: \[0\.82\] \(Failed\), \[0\.8\] \(Failed\), \[0\.79\] \(Failed\) — 3 failed of 3/,
      },
      {
        objects: [
          rollout({
            phase: "Degraded",
            conditions: [
              {
                type: "Progressing",
                status: "False",
                reason: "ProgressDeadlineExceeded",
                message: 'ReplicaSet "web-6f7c" has timed out progressing.',
              },
            ],
          }),
        ],
        variant: "progress-deadline",
      },
    ],
    quiet: [
      [rollout({ phase: "Healthy" })],
      [rollout({ phase: "Paused", pauseConditions: [{ reason: "CanaryPauseStep" }] })],
      [rollout({ phase: "Progressing", currentStepIndex: 1 })],
    ],
  },
  "argocd-app": {
    fire: [
      {
        objects: [
          application({ sync: { status: "OutOfSync", revision: "abc123" }, health: { status: "Healthy" } }),
        ],
        variant: "out-of-sync",
        cause: /differs from Git revision abc123/,
      },
      {
        objects: [
          application({
            sync: { status: "Synced", revision: "abc123" },
            health: { status: "Healthy" },
            operationState: {
              phase: "Failed",
              message: 'one or more objects failed to apply, reason: Deployment.apps "web" is invalid',
            },
          }),
        ],
        variant: "sync-failed",
        cause: /last sync of web-prod failed: one or more objects failed to apply/,
      },
      {
        objects: [application({ sync: { status: "Synced" }, health: { status: "Degraded" } })],
        variant: "health-degraded",
      },
    ],
    quiet: [
      [application({ sync: { status: "Synced", revision: "abc123" }, health: { status: "Healthy" } })],
      [{ ...application({ sync: { status: "OutOfSync" } }), spec: { destination: { namespace: "other" } } }],
    ],
  },
};

describe("the failure analyzers: a case that must fire and one that must stay quiet, each", () => {
  it("has a table for every analyzer, and every analyzer is documented", () => {
    expect(Object.keys(TABLE).sort()).toEqual(ANALYZERS.map((a) => a.id).sort());
    for (const a of ANALYZERS) {
      expect(a.title, a.id).toMatch(/\S/);
      expect(a.description, a.id).toMatch(/\S/);
      expect(a.remediation, a.id).toMatch(/\S/);
      for (const k of a.kinds)
        expect(
          RESOURCES.map((r) => r.kind),
          `${a.id} reads ${k}`,
        ).toContain(k);
    }
  });

  for (const analyzer of ANALYZERS.map((a) => a.id)) {
    const table = TABLE[analyzer];
    if (!table) continue;
    it.each(table.fire.map((c, i) => [i, c] as const))(`${analyzer} fires (%i)`, (_i, c) => {
      const found = diagnose(snapshotOf(c.objects, { namespaces: [NS], readAt: NOW }), {
        analyzers: [analyzer],
      });
      expect(found.length, JSON.stringify(found.map((d) => d.cause))).toBe(1);
      const d = found[0];
      if (c.variant) expect(d?.variant).toBe(c.variant);
      if (c.cause) expect(d?.cause).toMatch(c.cause);
      expect(d?.fields.length).toBeGreaterThan(0);
      expect(d?.fingerprint).toMatch(new RegExp(`^${analyzer}\\|`));
    });
    it.each(table.quiet.map((c, i) => [i, c] as const))(`${analyzer} stays quiet (%i)`, (_i, objects) => {
      expect(
        diagnose(snapshotOf(objects, { namespaces: [NS], readAt: NOW }), { analyzers: [analyzer] }),
      ).toEqual([]);
    });
  }

  it("pods of one workload with the same failure are one diagnosis, listing every pod; its owner is the Deployment", () => {
    const a = pod("web-7d9c-a1", waiting("ImagePullBackOff"), {
      containers: [{ name: "app", image: "nginx:9-broken" }],
    });
    const b = pod("web-7d9c-b2", waiting("ImagePullBackOff"), {
      containers: [{ name: "app", image: "nginx:9-broken" }],
    });
    const found = diagnose(snapshotOf([rs, dep, a, b], { namespaces: [NS] }));
    expect(found).toHaveLength(1);
    expect(found[0]?.owner).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "web",
      namespace: NS,
    });
    expect(found[0]?.objects.map((o) => o.name)).toEqual(["web-7d9c-a1", "web-7d9c-b2"]);
  });

  it("events are aggregated by reason and message, newest first, with counts and times", () => {
    const p = pod("web-7d9c-q", waiting("ImagePullBackOff"), {
      containers: [{ name: "app", image: "nginx:9-broken" }],
    });
    const older = {
      ...event(p, "Failed", 'Failed to pull image "nginx:9-broken": not found', "Warning", 2),
      lastTimestamp: "2026-12-04T11:50:00Z",
      firstTimestamp: "2026-12-04T11:40:00Z",
    };
    const newer = {
      ...event(p, "Failed", 'Failed to pull image "nginx:9-broken": not found', "Warning", 3),
      metadata: { name: "e2", namespace: NS },
    };
    const backoff = {
      ...event(p, "BackOff", 'Back-off pulling image "nginx:9-broken"', "Normal", 7),
      lastTimestamp: "2026-12-04T11:59:30Z",
    };
    const d = diagnose(snapshotOf([rs, dep, p, older, newer, backoff], { namespaces: [NS] }))[0];
    expect(d?.events.map((e) => [e.reason, e.count, e.firstTime, e.lastTime])).toEqual([
      ["BackOff", 7, "2026-12-04T11:58:00Z", "2026-12-04T11:59:30Z"],
      ["Failed", 5, "2026-12-04T11:40:00Z", "2026-12-04T11:59:00Z"],
    ]);
  });

  it("the memory a fix asks for: twice the limit, in powers of two", () => {
    expect(["64Mi", "128Mi", "200Mi", "1Gi", "1536Mi", "100M"].map(nextMemory)).toEqual([
      "128Mi",
      "256Mi",
      "512Mi",
      "2Gi",
      "4Gi",
      "256Mi",
    ]);
  });
});

describe("kintent diagnose --list and docs/analyzers.md", () => {
  it("docs/analyzers.md is generated from the analyzers", async () => {
    const r = await runCli(["diagnose", "--list", "--format", "markdown"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(analyzersMarkdown(ANALYZERS));
    await expect(r.stdout).toMatchFileSnapshot(join(ROOT, "docs", "analyzers.md"));
  });

  it("lists every analyzer by id", async () => {
    const r = await runCli(["diagnose", "--list"]);
    expect(
      r.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(ANALYZERS.map((a) => a.id));
  });

  it("refuses unknown analyzers and contradictory flags (exit 2)", async () => {
    expect((await runCli(["diagnose", "--analyzer", "nope", "-n", "x"])).stderr).toContain(
      "no analyzer `nope`",
    );
    const both = await runCli(["diagnose", "-n", "x", "-A"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--namespace and --all-namespaces exclude each other");
  });
});

describe("deploy/cluster-reader", () => {
  it("grants get, list and watch on exactly the kinds kintent reads, and nothing else", () => {
    const docs = parseAllDocuments(readFileSync(join(ROOT, "deploy/cluster-reader/rbac.yaml"), "utf8")).map(
      (d) =>
        d.toJS() as { kind: string; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] },
    );
    const role = docs.find((d) => d.kind === "ClusterRole");
    const granted = (role?.rules ?? []).flatMap((r) => {
      expect(r.verbs).toEqual(["get", "list", "watch"]);
      return r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`));
    });
    const read = RESOURCES.map(
      (r) =>
        `${r.apiVersion.includes("/") ? r.apiVersion.slice(0, r.apiVersion.lastIndexOf("/")) : ""}/${r.plural}`,
    );
    expect(granted.sort()).toEqual(read.sort());
  });
});
