/**
 * `kintent diagnose` against a real control plane (kwokctl binary runtime: kube-apiserver, kube-scheduler,
 * kube-controller-manager, kwok nodes driven by test/harness/kwok-stages): the kwok Stages put pods into the
 * states kubelet reports and record kubelet's events; the real scheduler, endpoint-slice, PV, HPA and
 * disruption controllers do the rest. One cluster for the whole file.
 *
 * The seeds: the conversational canary's ConfigMap mismatch, `nginx:99.99-broken-image`, a cache OOMKilled at
 * 128Mi, a `workload: agents` node selector no node has — each diagnosed with evidence, traced to its intent
 * line, and (where the intent can fix it) proposed as a pull request on a real Gitea.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyObjects,
  kubeRequest,
  makeKubeConfig,
  skipClusterTests,
  startClusterEnv,
  waitForPods,
  waitUntil,
} from "../harness/index.js";
import type { ClusterEnv, KubeObject } from "../harness/index.js";
import { ROOT, runCli } from "../helpers.js";
import { giteaBinary, startGitea } from "../gitops/gitea.js";
import type { Gitea } from "../gitops/gitea.js";
import { RESOURCES } from "../../src/cluster/kinds.js";

interface Report {
  apiCalls: { list: number; total: number };
  skipped: string[];
  diagnoses: {
    analyzer: string;
    variant: string;
    severity: string;
    object: { kind: string; name: string; namespace?: string };
    owner?: { kind: string; name: string };
    objects: unknown[];
    cause: string;
    fields: { path: string; value: unknown }[];
    events: {
      type: string;
      reason: string;
      message: string;
      count: number;
      lastTime?: string;
      source?: string;
    }[];
    didYouMean?: { kind: string; missing: string; candidate?: string };
    facts: Record<string, unknown>;
    fingerprint: string;
  }[];
  fixes: {
    fingerprint: string;
    status: string;
    why: string;
    source?: { loc?: { file: string; line: number }; from: string; why: string };
    ops: { op: string; [k: string]: unknown }[];
    diff: string;
    verification: { check: string; passed: boolean; detail: string }[];
  }[];
}

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Dev",
      GIT_AUTHOR_EMAIL: "dev@acme.test",
      GIT_COMMITTER_NAME: "Dev",
      GIT_COMMITTER_EMAIL: "dev@acme.test",
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
};

/** `kintent build DIR --env E`, parsed. */
async function built(dir: string, env?: string): Promise<KubeObject[]> {
  const r = await runCli(["build", dir, ...(env ? ["--env", env] : [])]);
  expect(r.code, r.stderr).toBe(0);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** Objects the test cluster serves (no cert-manager or Traefik controllers run, but their CRDs are installed). */
function withPodAnnotations(
  objects: KubeObject[],
  name: string,
  annotations: Record<string, string>,
): KubeObject[] {
  return objects.map((o) => {
    if (o.metadata?.name !== name || !["Deployment", "StatefulSet"].includes(o.kind)) return o;
    const copy = structuredClone(o) as KubeObject & {
      spec: { template: { metadata: { annotations?: Record<string, string> } } };
    };
    copy.spec.template.metadata.annotations = { ...copy.spec.template.metadata.annotations, ...annotations };
    return copy;
  });
}

function deployment(
  ns: string,
  name: string,
  image: string,
  options: {
    annotations?: Record<string, string>;
    container?: object;
    pod?: object;
    labels?: Record<string, string>;
    replicas?: number;
  } = {},
): KubeObject {
  const labels = options.labels ?? { app: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: ns },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(options.annotations ? { annotations: options.annotations } : {}) },
        spec: { containers: [{ name: "app", image, ...options.container }], ...options.pod },
      },
    },
  };
}

describe.skipIf(skipClusterTests)("kintent diagnose against a kwok cluster", { timeout: 180_000 }, () => {
  let env: ClusterEnv;
  let work: string;
  const diagnoseJson = async (
    args: string[],
    cwd = ROOT,
  ): Promise<{ code: number; report: Report; stderr: string }> => {
    const r = await runCli(["diagnose", ...args, "--kubeconfig", env.kubeconfigPath, "--output", "json"], {
      cwd,
      env: { HOME: work },
    });
    if (r.code === 2) throw new Error(`diagnose failed: ${r.stderr}`);
    return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
  };
  /** Waits until `diagnose` reports what `ready` wants (pods and events take a few seconds to get there). */
  const diagnoseUntil = async (
    args: string[],
    ready: (r: Report) => boolean,
    cwd = ROOT,
  ): Promise<Report> => {
    let last: Report | undefined;
    return await waitUntil(
      `diagnose ${args.join(" ")}`,
      async () => {
        last = (await diagnoseJson(args, cwd)).report;
        return ready(last) ? last : undefined;
      },
      {
        timeoutMs: 90_000,
        intervalMs: 1_000,
        onTimeout: () =>
          JSON.stringify(
            last?.diagnoses.map((d) => [d.analyzer, d.variant, d.object.name]),
            null,
            1,
          ),
      },
    );
  };

  beforeAll(async () => {
    env = await startClusterEnv({ installCrds: true });
    work = mkdtempSync(join(tmpdir(), "kintent-diagnose-"));
  }, 300_000);

  afterAll(async () => {
    await env?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("a healthy namespace produces nothing: exit 0, one list request per kind and namespace", async () => {
    const ns = "healthy";
    await applyObjects(env, [
      deployment(ns, "web", "nginx:1.27", { replicas: 2 }),
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", namespace: ns },
        spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
      },
    ]);
    await waitForPods(
      env,
      ns,
      "app=web",
      "to run",
      (ps) => ps.length === 2 && ps.every((p) => p.status?.phase === "Running"),
    );
    // The endpoint-slice controller needs a moment after the pods turn ready.
    const report = await diagnoseUntil(["-n", ns], (r) => r.diagnoses.length === 0);
    const r = await runCli(["diagnose", "-n", ns, "--kubeconfig", env.kubeconfigPath], {
      env: { HOME: work },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("healthy: nothing to report in healthy");
    // Namespaced kinds once for the namespace, cluster-scoped kinds and Argo CD Applications once: constant.
    expect(report.apiCalls.list).toBe(RESOURCES.length);
    expect(report.apiCalls.total).toBe(RESOURCES.length);
  });

  it("the kwok scenarios: pull errors by kind, crash loops, OOMKills, missing ConfigMaps and keys, failing probes, the scheduler", async () => {
    const ns = "scenarios";
    await applyObjects(env, [
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "app-settings", namespace: ns },
        data: { "log-level": "info" },
      },
      deployment(ns, "tag", "nginx:99.99-broken-image"),
      deployment(ns, "private", "registry.acme.io/payments/api:2.0-denied"),
      deployment(ns, "offline", "registry.invalid/app:1.0"),
      deployment(ns, "crash", "busybox:1.36", {
        annotations: {
          "kwok.kintent.dev/scenario": "crash-loop-backoff",
          "kwok.kintent.dev/max-restarts": "2",
        },
      }),
      deployment(ns, "key", "nginx:1.27", {
        annotations: {
          "kwok.kintent.dev/scenario": "create-config-error",
          "kwok.kintent.dev/missing-key": "loglevel",
        },
        container: {
          env: [
            { name: "LOG_LEVEL", valueFrom: { configMapKeyRef: { name: "app-settings", key: "loglevel" } } },
          ],
        },
      }),
      deployment(ns, "probe", "nginx:1.27", {
        annotations: { "kwok.kintent.dev/scenario": "readiness-failing" },
      }),
      deployment(ns, "big", "nginx:1.27", { container: { resources: { requests: { cpu: "64" } } } }),
    ]);
    const report = await diagnoseUntil(
      ["-n", ns],
      (r) =>
        r.diagnoses.length >= 7 &&
        r.diagnoses.some(
          (d) =>
            d.analyzer === "crash-loop" &&
            Number(d.facts.restarts) >= 2 &&
            (d.events.find((e) => e.reason === "BackOff")?.count ?? 0) >= 2,
        ) &&
        // Every event the assertions read has been recorded (a pod's status can run ahead of its events).
        ["offline", "key", "probe", "big"].every((owner) =>
          r.diagnoses.some((d) => d.owner?.name === owner && d.events.length > 0),
        ),
    );
    const by = (owner: string) => report.diagnoses.filter((d) => d.owner?.name === owner);
    expect(by("tag").map((d) => `${d.analyzer}/${d.variant}`)).toEqual(["image-pull/not-found"]);
    expect(by("private").map((d) => `${d.analyzer}/${d.variant}`)).toEqual(["image-pull/unauthorized"]);
    expect(by("offline").map((d) => `${d.analyzer}/${d.variant}`)).toEqual(["image-pull/unreachable"]);
    const offline = by("offline")[0];
    expect(offline?.events.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/dial tcp: lookup registry\.invalid .*no such host$/),
    );
    expect(offline?.events.every((e) => e.source === "kubelet")).toBe(true);
    // Newest first.
    const times = offline?.events.map((e) => e.lastTime ?? "") ?? [];
    expect([...times].sort().reverse()).toEqual(times);

    const crash = by("crash")[0];
    expect(crash?.analyzer).toBe("crash-loop");
    expect(crash?.variant).toBe("Error");
    expect(crash?.cause).toMatch(/exit code 1/);
    expect(crash?.events.find((e) => e.reason === "BackOff")?.count).toBeGreaterThanOrEqual(2);

    const key = by("key")[0];
    expect(key?.analyzer).toBe("create-container-config");
    expect(key?.variant).toBe("missing-key");
    expect(key?.cause).toBe(
      "Container app cannot be created: the ConfigMap app-settings has no key `loglevel` (it has `log-level`).",
    );
    expect(key?.events[0]?.message).toBe(`Error: couldn't find key loglevel in ConfigMap ${ns}/app-settings`);

    const probe = by("probe")[0];
    expect(probe?.analyzer).toBe("probe-failures");
    expect(probe?.variant).toBe("readiness");
    expect(probe?.events[0]).toMatchObject({
      reason: "Unhealthy",
      message: "Readiness probe failed: HTTP probe failed with statuscode: 503",
    });

    const big = by("big")[0];
    expect(big?.analyzer).toBe("unschedulable");
    expect(big?.variant).toBe("insufficient-resources");
    expect(big?.events[0]?.source).toBe("default-scheduler");
    expect(big?.cause).toMatch(/enough free cpu/);
  });

  it("--explain: the model reads the redacted report (kubelet's events included) and answers after the diagnoses, which do not change", async () => {
    const ns = "explain";
    await applyObjects(env, [deployment(ns, "shop", "nginx:99.99-broken-image")]);
    const before = await diagnoseUntil(["-n", ns], (r) =>
      r.diagnoses.some((d) => d.analyzer === "image-pull"),
    );
    const pod = before.diagnoses[0]?.object.name ?? "";
    // An event as a misconfigured pull would record it, quoting a token and a password (k8sgpt sends events as is).
    const token = "ghp_PlantedKubeletEvent0123456789abcdefAB";
    const password = "Winter2024!planted-in-event";
    const now = new Date().toISOString();
    const posted = await kubeRequest(env.kubeConfig, `/api/v1/namespaces/${ns}/events`, {
      method: "POST",
      body: {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: `${pod}.planted` },
        involvedObject: { apiVersion: "v1", kind: "Pod", name: pod, namespace: ns },
        reason: "Failed",
        message: `Failed to pull image "nginx:99.99-broken-image": auth with token ${token} password=${password} failed`,
        type: "Warning",
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: "kubelet" },
      },
    });
    expect(posted.status).toBeLessThan(300);
    const { startScriptedServer, llmEnv } = await import("../ai/llm-server.js");
    const answer = {
      summary: "The shop Deployment cannot start: its image tag 99.99-broken-image does not exist.",
      steps: ["Set the image back to a tag that exists (kintent diagnose DIR --propose)."],
    };
    const server = await startScriptedServer([{ answer }]);
    try {
      const r = await runCli(["diagnose", "-n", ns, "--explain", "--kubeconfig", env.kubeconfigPath], {
        env: { HOME: work, ...llmEnv(server, "anthropic") },
      });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(1);
      expect(server.requests).toHaveLength(1);
      const sent = server.allBytes();
      expect(sent).toContain("nginx:99.99-broken-image");
      expect(sent).toContain("image-pull");
      expect(sent).not.toContain(token);
      expect(sent).not.toContain(password);
      expect(r.stdout).not.toContain(token);
      // The deterministic report first, unchanged; then the model's reading, marked as such.
      const at = r.stdout.indexOf("Explained by anthropic:claude-test");
      expect(at).toBeGreaterThan(r.stdout.indexOf("diagnosis(es)"));
      expect(r.stdout.slice(at)).toContain(answer.summary);
      expect(r.stdout.slice(at)).toContain(`1. ${answer.steps[0]}`);

      const json = await runCli(
        ["diagnose", "-n", ns, "--explain", "--output", "json", "--kubeconfig", env.kubeconfigPath],
        { env: { HOME: work, ...llmEnv(server, "openai") } },
      );
      const parsed = JSON.parse(json.stdout) as Report & { explanation?: { model: string; summary: string } };
      expect(parsed.explanation).toMatchObject({ model: "openai:gpt-test", summary: answer.summary });
      expect(parsed.diagnoses.map((d) => d.analyzer)).toEqual(before.diagnoses.map((d) => d.analyzer));
    } finally {
      await server.close();
    }

    // The same diagnosis through the MCP server's diagnose tool: typed, evidence quoted, the token redacted.
    const { connectHttp, startHttp, structured } = await import("../mcp/helpers.js");
    const mcp = await startHttp({
      root: work,
      env: { HOME: work },
      cluster: { kubeconfig: env.kubeconfigPath },
    });
    const client = await connectHttp(mcp.server.url, "modern");
    try {
      const r = await client.call("diagnose", { namespace: ns });
      const s = structured(r) as {
        namespaces: string[];
        listRequests: number;
        counts: { error: number };
        diagnoses: { analyzer: string; variant: string; owner?: { name: string }; evidence: string[] }[];
      };
      expect(s.namespaces).toEqual([ns]);
      expect(s.counts.error).toBeGreaterThanOrEqual(1);
      const pull = s.diagnoses.find((d) => d.analyzer === "image-pull");
      // The planted event is the newest pull failure: its text (not kubelet's "not found") decides the variant.
      expect(pull).toMatchObject({ owner: { name: "shop" } });
      expect(pull?.evidence.join("\n")).toContain("nginx:99.99-broken-image");
      await client.settled();
      const wire = client.wire.join("");
      expect(wire).toContain("[REDACTED:");
      expect(wire).not.toContain(token);
      expect(wire).not.toContain(password);
      const missing = await client.call("diagnose", { namespace: ns, analyzers: ["no-such-analyzer"] });
      expect(missing.isError).toBe(true);
    } finally {
      await client.close();
      await mcp.server.close();
    }
  });

  it("Services without endpoints (and the pods that almost match), routes to missing Services, pending claims, HPAs without metrics, PDBs that block evictions", async () => {
    const ns = "controllers";
    await applyObjects(env, [
      deployment(ns, "api", "nginx:1.27", { replicas: 2, labels: { app: "api", track: "stable" } }),
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "api", namespace: ns },
        spec: { selector: { app: "api", track: "canary" }, ports: [{ port: 80 }] },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "api", namespace: ns },
        spec: {
          rules: [
            {
              host: "api.acme.io",
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: "api-svc", port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "data", namespace: ns },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: "gp3-encrypted",
          resources: { requests: { storage: "1Gi" } },
        },
      },
      {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "gp3" },
        provisioner: "ebs.csi.aws.com",
      },
      {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "api", namespace: ns },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
          minReplicas: 2,
          maxReplicas: 4,
          metrics: [
            {
              type: "Resource",
              resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
            },
          ],
        },
      },
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "api", namespace: ns },
        spec: { minAvailable: 2, selector: { matchLabels: { app: "api" } } },
      },
    ]);
    const report = await diagnoseUntil(
      ["-n", ns],
      (r) =>
        ["service-no-endpoints", "route-backends", "pvc-pending", "hpa-metrics", "pdb-blocking"].every((a) =>
          r.diagnoses.some((d) => d.analyzer === a),
        ) &&
        r.diagnoses.some(
          (d) => d.analyzer === "pvc-pending" && d.events.some((e) => e.reason === "ProvisioningFailed"),
        ),
    );
    const get = (a: string) => report.diagnoses.find((d) => d.analyzer === a);
    expect(get("service-no-endpoints")?.cause).toMatch(
      /^The selector app=api,track=canary matches no pod in controllers, so the Service sends traffic nowhere; almost matching: api-[a-z0-9-]+ \(track=stable, selector wants track=canary\)/,
    );
    expect(get("route-backends")?.didYouMean).toMatchObject({
      kind: "Service",
      missing: "api-svc",
      candidate: "api",
    });
    const pvc = get("pvc-pending");
    expect(pvc?.variant).toBe("storage-class-not-found");
    expect(pvc?.didYouMean?.candidate).toBe("gp3");
    expect(
      pvc?.events.some(
        (e) =>
          e.reason === "ProvisioningFailed" &&
          e.message.includes('storageclass.storage.k8s.io "gp3-encrypted" not found'),
      ),
    ).toBe(true);
    expect(get("hpa-metrics")?.variant).toMatch(/^FailedGet/);
    expect(get("pdb-blocking")?.variant).toBe("misconfigured");
  });

  it("an aborted Argo Rollouts canary (with the AnalysisRun's measurements) and an Argo CD Application out of sync", async () => {
    const ns = "rollouts";
    await applyObjects(env, [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: { name: "shop", namespace: ns },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "shop" } },
          template: {
            metadata: { labels: { app: "shop" } },
            spec: { containers: [{ name: "shop", image: "nginx:1.27" }] },
          },
          strategy: {
            canary: {
              steps: [
                { setWeight: 20 },
                { analysis: { templates: [{ templateName: "success-rate" }] } },
                { setWeight: 100 },
              ],
            },
          },
        },
      },
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AnalysisRun",
        metadata: { name: "shop-6f7c9d-2-1", namespace: ns },
        spec: {
          metrics: [
            {
              name: "success-rate",
              interval: "1m",
              failureLimit: 2,
              successCondition: "result[0] >= 0.95",
              provider: { prometheus: { address: "http://prometheus:9090", query: "sum(rate(x[1m]))" } },
            },
          ],
        },
      },
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "shop-prod", namespace: "argocd" },
        spec: {
          project: "default",
          source: {
            repoURL: "https://git.acme.io/gitops.git",
            path: "apps/shop/prod",
            targetRevision: "main",
          },
          destination: { server: "https://kubernetes.default.svc", namespace: ns },
        },
      },
    ]);
    const message = 'Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)';
    // The status the controllers write (argo-rollouts v1.x, argo-cd v3): the Rollout through its status
    // subresource; AnalysisRun and Application have none.
    const rolloutStatus = await kubeRequest(
      env.kubeConfig,
      `/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts/shop/status`,
      {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: {
          status: {
            phase: "Degraded",
            message: `RolloutAborted: Rollout aborted update to revision 2: ${message}`,
            abort: true,
            abortedAt: "2026-12-04T10:00:00Z",
            currentStepIndex: 0,
            observedGeneration: "1",
            canary: {
              currentStepAnalysisRunStatus: { name: "shop-6f7c9d-2-1", status: "Failed", message },
              weights: {
                canary: { weight: 0, podTemplateHash: "6f7c9d" },
                stable: { weight: 100, podTemplateHash: "5b8d4f" },
              },
            },
            conditions: [
              {
                type: "Progressing",
                status: "False",
                reason: "RolloutAborted",
                message: `Rollout aborted update to revision 2: ${message}`,
                lastTransitionTime: "2026-12-04T10:00:00Z",
                lastUpdateTime: "2026-12-04T10:00:00Z",
              },
            ],
          },
        },
      },
    );
    expect(rolloutStatus.status, rolloutStatus.text).toBe(200);
    const measurements = ["0.82", "0.79", "0.81"].map((v, i) => ({
      phase: "Failed",
      value: `[${v}]`,
      startedAt: `2026-12-04T09:5${7 + i}:00Z`,
      finishedAt: `2026-12-04T09:5${7 + i}:01Z`,
    }));
    const run = await kubeRequest(
      env.kubeConfig,
      `/apis/argoproj.io/v1alpha1/namespaces/${ns}/analysisruns/shop-6f7c9d-2-1`,
      {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: {
          status: {
            phase: "Failed",
            message,
            startedAt: "2026-12-04T09:57:00Z",
            metricResults: [
              { name: "success-rate", phase: "Failed", count: 3, failed: 3, message, measurements },
            ],
          },
        },
      },
    );
    expect(run.status, run.text).toBe(200);
    const app = await kubeRequest(
      env.kubeConfig,
      "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/shop-prod",
      {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: {
          status: {
            sync: { status: "OutOfSync", revision: "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39" },
            health: { status: "Degraded", message: "Rollout aborted" },
            resources: [
              {
                group: "argoproj.io",
                kind: "Rollout",
                name: "shop",
                namespace: ns,
                status: "Synced",
                health: { status: "Degraded", message: "RolloutAborted" },
              },
            ],
          },
        },
      },
    );
    expect(app.status, app.text).toBe(200);
    const { report } = await diagnoseJson(["-n", ns]);
    const ro = report.diagnoses.find((d) => d.analyzer === "rollout-degraded");
    expect(ro?.variant).toBe("analysis-failed");
    expect(ro?.cause).toBe(
      "The canary was aborted because its analysis shop-6f7c9d-2-1 failed — measured success-rate: [0.82] (Failed), [0.79] (Failed), [0.81] (Failed) — 3 failed of 3; traffic went back to the stable version.",
    );
    expect(ro?.fields.map((f) => f.path)).toEqual(
      expect.arrayContaining(["status.canary.weights", "status.metricResults[success-rate]"]),
    );
    const argo = report.diagnoses.find((d) => d.analyzer === "argocd-app");
    expect(argo?.variant).toBe("health-degraded");
    expect(argo?.facts.revision).toBe("4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39");
  });

  it("runs with the read-only role of deploy/cluster-reader (a service-account token): lists work, writes are forbidden", async () => {
    const rbac = parseAllDocuments(readFileSync(join(ROOT, "deploy/cluster-reader/rbac.yaml"), "utf8")).map(
      (d) => d.toJS() as KubeObject,
    );
    await applyObjects(env, rbac);
    const token = await kubeRequest(
      env.kubeConfig,
      "/api/v1/namespaces/kintent/serviceaccounts/kintent-reader/token",
      {
        method: "POST",
        body: {
          apiVersion: "authentication.k8s.io/v1",
          kind: "TokenRequest",
          spec: { expirationSeconds: 600 },
        },
      },
    );
    expect(token.status, token.text).toBe(201);
    const kc = makeKubeConfig({
      server: env.server,
      token: (token.body as { status: { token: string } }).status.token,
      name: "reader",
    });
    const kubeconfig = join(work, "reader.yaml");
    writeFileSync(kubeconfig, kc.exportConfig());
    const r = await runCli(["diagnose", "-n", "healthy", "--kubeconfig", kubeconfig, "--output", "json"], {
      env: { HOME: work },
    });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Report).skipped.filter((s) => s.includes("not granted"))).toEqual([]);
    const write = await kubeRequest(kc, "/api/v1/namespaces/healthy/configmaps", {
      method: "POST",
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } },
    });
    expect(write.status).toBe(403);
    const secrets = await kubeRequest(kc, "/api/v1/namespaces/healthy/secrets");
    expect(secrets.status).toBe(403);
  });

  it("kintent status: present with server defaults filled in (no drift), then drifted and missing as someone edits the cluster", async () => {
    const dir = join(work, "status-app");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "kintent.yaml"),
      "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata:\n  name: hello\nspec:\n  image: nginx:1.27.3\n  port: 8080\n  replicas: 2\n  resources: {requests: {cpu: 250m, memory: 0.5Gi}, limits: {cpu: '1', memory: 512Mi}}\n",
    );
    const objects = await built(dir);
    await applyObjects(env, objects);
    const ns = objects.find((o) => o.kind === "Deployment")?.metadata?.namespace ?? "";
    await waitForPods(
      env,
      ns,
      "app.kubernetes.io/name=hello",
      "to run",
      (ps) => ps.length === 2 && ps.every((p) => p.status?.phase === "Running"),
    );
    const status = async () => {
      const r = await runCli(["status", dir, "--kubeconfig", env.kubeconfigPath, "--output", "json"], {
        env: { HOME: work },
      });
      return {
        code: r.code,
        report: JSON.parse(r.stdout) as {
          objects: {
            object: { kind: string; name: string };
            state: string;
            drift: { path: string; before?: unknown; after?: unknown }[];
          }[];
          rollouts: { healthy: boolean; summary: string }[];
        },
      };
    };
    const ok = await waitUntil(
      "hello to be rolled out",
      async () => {
        const s = await status();
        return s.code === 0 ? s : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(ok.report.objects.filter((o) => o.state !== "present")).toEqual([]);
    expect(ok.report.rollouts[0]?.summary).toBe("2/2 updated, 2 ready, 2 available");
    // Someone scales by hand and deletes the Service.
    const patched = await kubeRequest(env.kubeConfig, `/apis/apps/v1/namespaces/${ns}/deployments/hello`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 5 } },
    });
    expect(patched.status).toBe(200);
    expect(
      (await kubeRequest(env.kubeConfig, `/api/v1/namespaces/${ns}/services/hello`, { method: "DELETE" }))
        .status,
    ).toBe(200);
    const after = await status();
    expect(after.code).toBe(1);
    const dep = after.report.objects.find((o) => o.object.kind === "Deployment");
    expect(dep?.state).toBe("drifted");
    expect(dep?.drift).toEqual([{ path: "spec.replicas", before: 2, after: 5 }]);
    expect(after.report.objects.find((o) => o.object.kind === "Service")?.state).toBe("missing");
    const text = await runCli(["status", dir, "--kubeconfig", env.kubeconfigPath], { env: { HOME: work } });
    expect(text.stdout).toContain("      spec.replicas: intent 2, live 5");

    // The MCP server's status tool reads the same: not ok, the missing Service first, the drifted replicas.
    const { connectHttp, startHttp, structured } = await import("../mcp/helpers.js");
    const mcp = await startHttp({
      root: work,
      env: { HOME: work },
      cluster: { kubeconfig: env.kubeconfigPath },
    });
    const client = await connectHttp(mcp.server.url, "legacy");
    try {
      const s = structured(await client.call("status", { path: "status-app" })) as {
        ok: boolean;
        counts: { drifted: number; missing: number };
        objects: { object: { kind: string }; state: string; drift: string[] }[];
      };
      expect(s.ok).toBe(false);
      expect(s.counts).toMatchObject({ drifted: 1, missing: 1 });
      expect(s.objects[0]).toMatchObject({ object: { kind: "Service" }, state: "missing" });
      expect(s.objects.find((o) => o.state === "drifted")?.drift).toEqual([
        "spec.replicas: intent 2, live 5",
      ]);
      const outside = await client.call("status", { path: "../.." });
      expect(outside.isError).toBe(true);
    } finally {
      await client.close();
      await mcp.server.close();
    }
    expect(text.stdout).toMatch(/✗ Service \S+\/hello missing/);
  });

  it("a missing cluster is a tool error with a clear message (exit 2)", async () => {
    const kubeconfig = join(work, "dead.yaml");
    writeFileSync(
      kubeconfig,
      readFileSync(env.kubeconfigPath, "utf8").replace(
        /server: https:\/\/127\.0\.0\.1:\d+/,
        "server: https://127.0.0.1:1",
      ),
    );
    const r = await runCli(["diagnose", "-n", "x", "--kubeconfig", kubeconfig], { env: { HOME: work } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^kintent: cannot reach the cluster at https:\/\/127\.0\.0\.1:1 \(context .+\): ECONNREFUSED/,
    );
    const ctx = await runCli(
      ["diagnose", "-n", "x", "--kubeconfig", env.kubeconfigPath, "--context", "nope"],
      { env: { HOME: work } },
    );
    expect(ctx.code).toBe(2);
    expect(ctx.stderr).toMatch(/the kubeconfig has no context `nope` \(it has: /);
  });

  describe("kintent watch, the health agent, with a real Gitea", () => {
    let gitea: Gitea | undefined;
    beforeAll(async () => {
      if (giteaBinary()) gitea = await startGitea();
    }, 120_000);
    afterAll(async () => {
      await gitea?.stop();
    });

    it("opens exactly one issue per distinct failure, comments when it recurs, and never touches an issue it did not open", async () => {
      if (!gitea) return;
      const g = gitea;
      const ns = "watched";
      const repo = await g.createRepo("health");
      // An issue someone else filed, with the same label: kintent must leave it alone.
      const theirs = await g.api("POST", "/repos/kintent/health/issues", {
        title: "web is slow",
        body: "users report timeouts",
      });
      expect(theirs.status).toBe(201);
      const { connect } = await import("../../src/cluster/client.js");
      const { startWatch, issueTrackerFor, ISSUE_MARKER } = await import("../../src/cluster/watch.js");
      const { agentServer } = await import("../../src/cluster/serve.js");
      const { Redactor } = await import("../../src/core/redact.js");
      const redactor = new Redactor();
      const issues = await issueTrackerFor(repo, { GITEA_TOKEN: g.token, KINTENT_FORGE: "gitea" }, redactor);
      const server = agentServer();
      const { port } = await server.listen("127.0.0.1", 0);
      const lines: string[] = [];
      const handle = startWatch({
        reader: connect({ kubeconfig: env.kubeconfigPath, env: {} }),
        namespaces: [ns],
        action: "issue",
        env: "prod",
        issues,
        redactor,
        log: (l) => lines.push(l),
        metrics: server.metrics,
        debounceMs: 300,
      });
      try {
        await handle.synced;
        server.setReady(true);
        await applyObjects(env, [
          deployment(ns, "web", "nginx:99.99-broken-image", { replicas: 2 }),
          deployment(ns, "cache", "redis:7", {
            annotations: { "kwok.kintent.dev/scenario": "oom-killed", "kwok.kintent.dev/max-restarts": "1" },
            container: { resources: { limits: { memory: "128Mi" } } },
          }),
        ]);
        const ours = async () =>
          (
            (await g.api("GET", "/repos/kintent/health/issues?state=all&type=issues&limit=50")).body as {
              number: number;
              title: string;
              body: string;
              comments: number;
              state: string;
            }[]
          ).filter((i) => i.body.includes(ISSUE_MARKER));
        await waitUntil("two issues", async () => ((await ours()).length === 2 ? true : undefined), {
          timeoutMs: 60_000,
          intervalMs: 500,
          onTimeout: () => lines.join("\n"),
        });
        // More evaluations (pods churn, events arrive): still exactly two.
        await handle.evaluate();
        await new Promise((r) => setTimeout(r, 2000));
        const two = await ours();
        expect(two.map((i) => i.title).sort()).toEqual([
          "kintent: image-pull in prod: Deployment watched/web",
          "kintent: oom-killed in prod: Deployment watched/cache",
        ]);
        const web = two.find((i) => i.title.includes("image-pull"));
        expect(web?.body).toMatch(
          /^<!-- kintent:health [0-9a-f]{16} -->\n\*\*image-pull\/not-found\*\* in `prod`: Deployment watched\/web, container `app`\n/,
        );
        expect(web?.body).toContain(
          "**Cause**: The image nginx:99.99-broken-image does not exist in the registry",
        );
        // The broken Deployment goes, and comes back: the same issue gets a comment.
        expect(
          (
            await kubeRequest(env.kubeConfig, `/apis/apps/v1/namespaces/${ns}/deployments/web`, {
              method: "DELETE",
              query: { propagationPolicy: "Foreground" },
            })
          ).status,
        ).toBe(200);
        await waitUntil(
          "web to clear",
          () =>
            lines.some((l) => l.includes('"action":"cleared"') && l.includes("Deployment watched/web"))
              ? true
              : undefined,
          { timeoutMs: 60_000, intervalMs: 500, onTimeout: () => lines.join("\n") },
        );
        await applyObjects(env, [deployment(ns, "web", "nginx:99.99-broken-image", { replicas: 2 })]);
        await waitUntil(
          "a comment on the web issue",
          async () =>
            (await ours()).find((i) => i.number === web?.number)?.comments === 1 ? true : undefined,
          { timeoutMs: 60_000, intervalMs: 500, onTimeout: () => lines.join("\n") },
        );
        const after = await ours();
        expect(after).toHaveLength(2);
        expect(after.every((i) => i.state === "open")).toBe(true);
        const foreign = (
          await g.api("GET", `/repos/kintent/health/issues/${(theirs.body as { number: number }).number}`)
        ).body as { state: string; comments: number; body: string };
        expect(foreign).toMatchObject({ state: "open", comments: 0, body: "users report timeouts" });
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(metrics).toContain('kintent_watch_actions_total{action="issue-opened"} 2');
        expect(metrics).toContain('kintent_watch_actions_total{action="issue-updated"} 1');
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      } finally {
        handle.stop();
        await server.close();
      }
    });
  });

  describe("the seeds, traced to the intent and fixed there", () => {
    let gitea: Gitea | undefined;
    beforeAll(async () => {
      if (giteaBinary()) gitea = await startGitea();
    }, 120_000);
    afterAll(async () => {
      await gitea?.stop();
    });

    it("the conversational canary's ConfigMap mismatch: FailedMount, did-you-mean, a `ref` fix that renames it in the intent and .kintent.yaml", async () => {
      const dir = join(work, "canary");
      cpSync(join(ROOT, "test/fixtures/cluster/canary-configmap"), dir, { recursive: true });
      const objects = withPodAnnotations(await built(dir), "web-canary", {
        "kwok.kintent.dev/scenario": "container-creating",
        "kwok.kintent.dev/missing-configmap": "nginx-canary-html",
      });
      await applyObjects(env, [
        ...objects,
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "nginx-canary-config", namespace: "web-canary" },
          data: { "index.html": "<h1>canary</h1>" },
        },
      ]);
      // Both canary pods (replicas: 2) must have reached the kubelet's FailedMount before the report is read:
      // the first one alone satisfied an `events.length > 0` wait and left the grouping half-formed (CI, stop 20).
      const report = await diagnoseUntil([dir], (r) =>
        r.diagnoses.some(
          (d) => d.analyzer === "failed-mount" && d.events.length > 0 && d.objects.length === 2,
        ),
      );
      const d = report.diagnoses.find((x) => x.analyzer === "failed-mount");
      expect(d?.owner).toMatchObject({ kind: "Deployment", name: "web-canary" });
      expect(d?.didYouMean).toEqual({
        kind: "ConfigMap",
        namespace: "web-canary",
        missing: "nginx-canary-html",
        candidate: "nginx-canary-config",
      });
      expect(d?.events[0]?.message).toBe(
        'MountVolume.SetUp failed for volume "cm-nginx-canary-html" : configmap "nginx-canary-html" not found',
      );
      expect(d?.objects).toHaveLength(2);
      const fix = report.fixes.find((f) => f.fingerprint === d?.fingerprint);
      expect(fix?.status).toBe("ready");
      expect(fix?.ops).toEqual([
        { op: "ref", kind: "configMap", from: "nginx-canary-html", to: "nginx-canary-config" },
        expect.objectContaining({ op: "why", key: "references" }),
      ]);
      expect(fix?.diff).toContain(
        "+        /usr/share/nginx/html/index.html: {configMap: nginx-canary-config, key: index.html}",
      );
      expect(fix?.diff).toContain(
        "--- a/.kintent.yaml\n+++ b/.kintent.yaml\n@@ -1,4 +1,4 @@\n # The canary's page lives in a ConfigMap managed outside this repository.\n external:\n   configMaps:\n-    - nginx-canary-html   # the page of the canary\n+    - nginx-canary-config   # the page of the canary\n",
      );
      expect(fix?.diff).toContain("--- a/kintent.yaml\n+++ b/kintent.yaml\n");
      expect(fix?.verification.every((v) => v.passed)).toBe(true);
      // Every other pod of the intent is healthy: no other diagnosis about it.
      expect(report.diagnoses.filter((x) => x.owner?.name === "web")).toEqual([]);
    });

    it("nginx:99.99-broken-image: not found, traced to kintent.yaml, fixed with the previous tag from Git history, proposed as a pull request", async () => {
      const dir = join(work, "shop");
      mkdirSync(dir);
      const intent = (image: string) =>
        `apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata:\n  name: shop\nspec:\n  image: ${image}   # CI bumps this\n  port: 8080\n  replicas: 2\n`;
      writeFileSync(
        join(dir, "platform.yaml"),
        "apiVersion: kintent.dev/v1alpha1\nkind: Platform\nmetadata: {name: acme}\nspec:\n  environments:\n    prod: {cluster: https://kubernetes.default.svc, namespace: shop}\n",
      );
      writeFileSync(join(dir, "kintent.yaml"), intent("nginx:1.27.3"));
      git(dir, "init", "-q", "-b", "main");
      git(dir, "add", "-A");
      git(dir, "commit", "-qm", "shop 1.27.3");
      writeFileSync(join(dir, "kintent.yaml"), intent("nginx:99.99-broken-image"));
      git(dir, "commit", "-qam", "bump shop");
      await applyObjects(env, await built(dir, "prod"));
      const report = await diagnoseUntil([dir, "--env", "prod"], (r) =>
        r.diagnoses.some(
          (d) =>
            d.analyzer === "image-pull" &&
            d.objects.length === 2 &&
            d.events.some((e) => e.reason === "Failed" && e.message.startsWith("Failed to pull")),
        ),
      );
      const d = report.diagnoses.find((x) => x.analyzer === "image-pull");
      expect(d?.variant).toBe("not-found");
      expect(d?.objects).toHaveLength(2);
      const fix = report.fixes.find((f) => f.fingerprint === d?.fingerprint);
      expect(fix?.source?.loc).toMatchObject({ file: "kintent.yaml", line: 6 });
      expect(fix?.ops[0]).toEqual({ op: "image", tag: "1.27.3" });
      expect(fix?.diff).toContain(
        "-  image: nginx:99.99-broken-image   # CI bumps this\n+  image: nginx:1.27.3               # CI bumps this\n",
      );
      expect(fix?.diff).toMatch(
        /\+ {4}image: "?nginx:99\.99-broken-image does not exist in the registry \(Deployment shop: nginx:99\.99-broken-image: not found; kintent diagnose, [-0-9]+\): back to nginx:1\.27\.3, the image of [0-9a-f]{12}\./,
      );
      expect(fix?.status).toBe("ready");
      if (!gitea) return;
      const repo = await gitea.createRepo("gitops-shop", {
        "intent/shop/kintent.yaml": readFileSync(join(dir, "kintent.yaml"), "utf8"),
        "intent/shop/platform.yaml": readFileSync(join(dir, "platform.yaml"), "utf8"),
      });
      const r = await runCli(
        [
          "diagnose",
          dir,
          "--env",
          "prod",
          "--kubeconfig",
          env.kubeconfigPath,
          "--propose",
          "--repo",
          repo,
          "--intent-path",
          "intent/shop",
        ],
        { env: { HOME: work, GITEA_TOKEN: gitea.token, KINTENT_FORGE: "gitea", PATH: process.env.PATH } },
      );
      expect(r.stderr).not.toContain(gitea.token);
      expect(r.stdout, r.stderr).toMatch(/proposed shop\/prod on kintent\/shop\/[0-9a-f]{8}: http/);
      const pulls = (await gitea.api("GET", "/repos/kintent/gitops-shop/pulls?state=open")).body as {
        title: string;
        body: string;
        head: { ref: string };
      }[];
      expect(pulls).toHaveLength(1);
      expect(pulls[0]?.title).toBe("chore(shop): fix image-pull/not-found in prod: Deployment shop/shop");
      expect(pulls[0]?.body).toContain('Failed to pull image "nginx:99.99-broken-image"');
      expect(pulls[0]?.body).toContain("**Intent line**: `kintent.yaml:6`");
      expect(pulls[0]?.body).toContain("- `image tag=1.27.3`");
      const files = (await gitea.api("GET", `/repos/kintent/gitops-shop/pulls/1/files`)).body as {
        filename: string;
      }[];
      expect(files.map((f) => f.filename)).toEqual(
        expect.arrayContaining(["intent/shop/kintent.yaml", "apps/shop/prod/deployment-shop.yaml"]),
      );
      // The working tree is untouched.
      expect(readFileSync(join(dir, "kintent.yaml"), "utf8")).toBe(intent("nginx:99.99-broken-image"));
    });

    it("a cache OOMKilled at 128Mi: the limit from the evidence, the resources line, the limit doubled with the reasoning", async () => {
      const dir = join(work, "cache");
      mkdirSync(dir);
      writeFileSync(
        join(dir, "kintent.yaml"),
        "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata:\n  name: cache\nspec:\n  image: redis:7.4.1\n  port: 6379\n  replicas: 1\n  resources:\n    requests: {cpu: 100m, memory: 64Mi}\n    limits: {cpu: 500m, memory: 128Mi}   # sized for the demo\n",
      );
      const objects = withPodAnnotations(await built(dir), "cache", {
        "kwok.kintent.dev/scenario": "oom-killed",
        "kwok.kintent.dev/max-restarts": "2",
      });
      await applyObjects(env, objects);
      const report = await diagnoseUntil([dir], (r) => r.diagnoses.some((d) => d.analyzer === "oom-killed"));
      const d = report.diagnoses.find((x) => x.analyzer === "oom-killed");
      expect(d?.facts.memoryLimit).toBe("128Mi");
      expect(d?.fields[0]).toMatchObject({
        path: "status.containerStatuses[cache].lastState.terminated",
        value: { reason: "OOMKilled", exitCode: 137 },
      });
      const fix = report.fixes.find((f) => f.fingerprint === d?.fingerprint);
      expect(fix?.source?.loc).toMatchObject({ file: "kintent.yaml" });
      expect(fix?.ops[0]).toEqual({ op: "resources", limits: { memory: "256Mi" } });
      expect(fix?.diff).toContain("+    limits: {cpu: 500m, memory: 256Mi}   # sized for the demo");
      expect(fix?.diff).toMatch(
        /\n\+ {2}why:\n\+ {4}resources: "cache was OOMKilled \(exit code 137\) at its 128Mi memory limit, \d restart\(s\) in default \(kintent diagnose, \d{4}-\d\d-\d\d\): the limit is doubled to 256Mi\./,
      );
      expect(fix?.verification[0]).toMatchObject({
        passed: true,
        detail: "limits.memory 128Mi → 256Mi (256Mi)",
      });
    });

    it("a `workload: agents` node selector no node has: the scheduler's message, the nodes' labels, the platform line — and no App fix", async () => {
      const dir = join(work, "agents");
      mkdirSync(dir);
      writeFileSync(
        join(dir, "kintent.yaml"),
        "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata:\n  name: agent-runner\nspec:\n  image: nginx:1.27.3\n  port: 8080\n  replicas: 1\n",
      );
      writeFileSync(
        join(dir, "platform.yaml"),
        "apiVersion: kintent.dev/v1alpha1\nkind: Platform\nmetadata: {name: acme}\nspec:\n  environments:\n    prod:\n      cluster: https://kubernetes.default.svc\n      namespace: agents\n      nodeSelector: {workload: agents}\n",
      );
      await applyObjects(env, await built(dir));
      const report = await diagnoseUntil([dir], (r) =>
        r.diagnoses.some((d) => d.analyzer === "unschedulable" && d.events.length > 0),
      );
      const d = report.diagnoses.find((x) => x.analyzer === "unschedulable");
      expect(d?.variant).toBe("node-selector");
      expect(d?.cause).toBe(
        "No node matches the pod's node selector or affinity, so the scheduler keeps it Pending. No node has workload=agents (no node has a `workload` label; 2 node(s) read).",
      );
      expect(d?.events[0]?.message).toMatch(
        /^0\/2 nodes are available: 2 node\(s\) didn't match Pod's node affinity\/selector/,
      );
      const fix = report.fixes.find((f) => f.fingerprint === d?.fingerprint);
      expect(fix?.status).toBe("unfixable");
      expect(fix?.source?.loc).toMatchObject({ file: "platform.yaml", line: 9 });
      expect(fix?.why).toContain("a decision for the platform team");
    });
  });
});
