/**
 * The production example's Rollout and AnalysisTemplate under the real Argo Rollouts controller (built from its
 * Go module by scripts/tools.sh, run out of cluster) on a kwok cluster, measuring a real Prometheus that scrapes
 * a prom-client-instrumented service standing in for the canary's pods. Applying the manifests is what Argo
 * CD's sync does; Argo CD itself is not run (docs/tools.md says why).
 *
 * The test copy of the example shortens time only: pauses of 10s instead of 2m, a gate measured every 2s over
 * 5s windows (the example's queries use 5m). Everything else — steps, traffic routing, the guarded success
 * condition, failureLimit — is the example's.
 *
 *   - good metrics: the new version advances 20% → 50% → 100% and becomes stable, the AnalysisRun Successful;
 *   - bad metrics: the AnalysisRun fails and the controller aborts the Rollout;
 *   - `kintent rollout status` shows both; `kintent rollout abort --commit` puts the stable image back in Git.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES, runCli } from "../helpers.js";
import { git } from "../gitops/servers.js";
import { openProject } from "../../src/project/index.js";
import {
  applyObjects,
  kubeRequest,
  skipClusterTests,
  startClusterEnv,
  startMetricsApp,
  startPrometheus,
  startRolloutsController,
  waitUntil,
  type ClusterEnv,
  type KubeObject,
  type MetricsApp,
  type PrometheusEnv,
  type RolloutsController,
} from "../harness/index.js";

const SEL = 'namespace="{{namespace}}",service="{{service}}"';
const SUCCESS_QUERY = `sum(rate(http_requests_total{${SEL},code!~"5.."}[5s])) / (sum(rate(http_requests_total{${SEL}}[5s])) > 0)`;

interface RolloutStatusJson {
  state: { stableImage?: string };
  argo?: {
    found: boolean;
    phase?: string;
    currentStepIndex?: number;
    steps?: number;
    aborted?: boolean;
    canaryWeight?: number;
    analysisRuns: {
      name: string;
      phase: string;
      metrics: { name: string; failed: number; latest: { value?: string }[] }[];
    }[];
  };
}

describe.skipIf(skipClusterTests)("the production example under the real Argo Rollouts controller", () => {
  let cluster: ClusterEnv;
  let prom: PrometheusEnv;
  let app: MetricsApp;
  let controller: RolloutsController | undefined;
  let work: string;
  let intent: string;
  let env: NodeJS.ProcessEnv;

  const rollout = async (): Promise<KubeObject & { status?: Record<string, unknown> }> => {
    const r = await kubeRequest(
      cluster.kubeConfig,
      "/apis/argoproj.io/v1alpha1/namespaces/payments/rollouts/my-service",
    );
    return r.body as KubeObject & { status?: Record<string, unknown> };
  };
  const status = async (): Promise<RolloutStatusJson> => {
    const r = await runCli(
      [
        "rollout",
        "status",
        intent,
        "--env",
        "prod",
        "--kubeconfig",
        cluster.kubeconfigPath,
        "--output",
        "json",
      ],
      { cwd: work, env },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as RolloutStatusJson;
  };
  /** What Argo CD's sync does with the intent as committed: build it and apply every object. */
  const sync = async (): Promise<void> => {
    const project = await openProject(intent, { cwd: work });
    const b = project.build("prod", { validate: false });
    expect(b.errors).toEqual([]);
    await applyObjects(cluster, b.objects);
  };
  const setImage = async (tag: string): Promise<void> => {
    const r = await runCli(["set", "image", `:${tag}`, "--dir", intent], { cwd: work, env });
    expect(r.code, r.stderr).toBe(0);
    git(work, ["commit", "-qam", `my-service ${tag}`]);
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kintent-argo-rollouts-"));
    app = await startMetricsApp();
    app.drive(50);
    [cluster, prom] = await Promise.all([
      startClusterEnv({ installCrds: true }),
      startPrometheus([
        { address: app.address, labels: { namespace: "payments", service: "my-service-canary" } },
      ]),
    ]);
    await prom.waitForTargets();
    intent = join(work, "intent");
    cpSync(join(EXAMPLES, "production"), intent, { recursive: true });
    writeFileSync(
      join(intent, "platform.yaml"),
      readFileSync(join(intent, "platform.yaml"), "utf8").replace(
        "    prometheus: http://prometheus-operated.monitoring.svc:9090\n",
        `    prometheus: ${prom.url}\n    successRateQuery: '${SUCCESS_QUERY}'\n`,
      ),
    );
    const appText = readFileSync(join(intent, "kintent.yaml"), "utf8");
    const fast = appText
      .replace("canary: [20%, 2m, 50%, 2m, 100%]", "canary: [20%, 10s, 50%, 10s, 100%]")
      .replace('gate: {successRate: ">= 95%"}', 'gate: {successRate: ">= 95%", interval: 2s}');
    expect(fast).not.toBe(appText);
    writeFileSync(join(intent, "kintent.yaml"), fast);
    git(work, ["init", "-q", "-b", "main"]);
    git(work, ["config", "user.name", "Dana Ops"]);
    git(work, ["config", "user.email", "dana@acme.io"]);
    git(work, ["add", "-A"]);
    git(work, ["commit", "-qm", "my-service v2.3.1"]);
    env = { ...process.env, HOME: work, GIT_CONFIG_NOSYSTEM: "1", TMPDIR: work };
    controller = await startRolloutsController(cluster, work);
    await sync();
    await waitUntil(
      "the first revision to be Healthy",
      async () => ((await rollout()).status?.phase === "Healthy" ? true : undefined),
      { timeoutMs: 90_000, intervalMs: 500, onTimeout: () => controller?.tail() ?? "" },
    );
  }, 300_000);

  afterAll(async () => {
    await controller?.stop();
    await app?.stop();
    await prom?.stop();
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("advances through its steps on good metrics and becomes stable; kintent rollout status shows it", async () => {
    app.errorRate = 0;
    await setImage("v2.4.0");
    await sync();
    // Mid-rollout: kintent reads the Rollout and its AnalysisRun from the cluster.
    const mid = await waitUntil(
      "the canary at a step with its analysis running",
      async () => {
        const s = await status();
        return s.argo?.found && (s.argo.currentStepIndex ?? 0) >= 1 && s.argo.analysisRuns.length > 0
          ? s
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, onTimeout: () => controller?.tail() ?? "" },
    );
    expect(mid.argo?.steps).toBe(5);
    expect(mid.argo?.analysisRuns[0]?.metrics.map((m) => m.name) ?? ["success-rate"]).toContain(
      "success-rate",
    );
    await waitUntil(
      "the Rollout to finish its steps and be Healthy",
      async () => {
        const r = await rollout();
        const s = r.status as {
          phase?: string;
          currentStepIndex?: number;
          stableRS?: string;
          currentPodHash?: string;
        };
        return s.phase === "Healthy" && s.currentStepIndex === 5 && s.stableRS === s.currentPodHash
          ? true
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, onTimeout: () => controller?.tail() ?? "" },
    );
    const done = await status();
    expect(done.argo?.phase).toBe("Healthy");
    expect(done.argo?.aborted).toBe(false);
    const run = done.argo?.analysisRuns[0];
    expect(run?.phase).toBe("Successful");
    expect(run?.metrics[0]?.failed).toBe(0);
    expect(run?.metrics[0]?.latest.at(-1)?.value).toBe("[1]");
    const text = await runCli(
      ["rollout", "status", intent, "--env", "prod", "--kubeconfig", cluster.kubeconfigPath],
      {
        cwd: work,
        env,
      },
    );
    expect(text.stdout).toMatch(/rollout: Healthy; step 5 of 5/);
    expect(text.stdout).toMatch(/analysis \S+: Successful/);
  }, 240_000);

  it("aborts on bad metrics; kintent rollout abort puts the stable image back in Git", async () => {
    app.errorRate = 0.5;
    await setImage("v2.5.0");
    await sync();
    await waitUntil(
      "the controller to abort the Rollout",
      async () =>
        ((await rollout()).status as { abort?: boolean } | undefined)?.abort === true ? true : undefined,
      { timeoutMs: 120_000, intervalMs: 1000, onTimeout: () => controller?.tail() ?? "" },
    );
    const s = await status();
    expect(s.argo?.aborted).toBe(true);
    expect(s.argo?.phase).toBe("Degraded");
    const failed = s.argo?.analysisRuns[0];
    expect(failed?.phase).toBe("Failed");
    expect(failed?.metrics[0]?.failed).toBeGreaterThan(1); // failureLimit 1: the second failure fails it
    expect(Number(/\[([\d.]+)\]/.exec(failed?.metrics[0]?.latest.at(-1)?.value ?? "")?.[1])).toBeLessThan(
      0.95,
    );

    const r = await runCli(["rollout", "abort", intent, "--env", "prod", "--commit", "--skip-sync-check"], {
      cwd: work,
      env,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const msg = git(work, ["log", "-1", "--format=%B"]);
    expect(msg).toContain("Rollout-Decision: abort");
    expect(msg).toContain("the stable image registry.acme.io/payments/my-service:v2.4.0");
    expect(readFileSync(join(intent, "kintent.yaml"), "utf8")).toContain(
      "image: registry.acme.io/payments/my-service:v2.4.0",
    );
    // Argo CD syncs it: the controller rolls the aborted canary back to the stable ReplicaSet.
    app.errorRate = 0;
    await sync();
    await waitUntil(
      "the Rollout to be Healthy on the stable image",
      async () =>
        ((await rollout()).status as { phase?: string } | undefined)?.phase === "Healthy" ? true : undefined,
      { timeoutMs: 90_000, intervalMs: 1000, onTimeout: () => controller?.tail() ?? "" },
    );
  }, 240_000);
});
