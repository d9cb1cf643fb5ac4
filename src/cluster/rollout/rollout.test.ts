import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { KObject } from "../../core/object.js";
import { canaryStateOf, parseStepTrailer } from "./history.js";
import { evaluatorManifests } from "./manifests.js";
import { formatDuration, formatPlan, positionOf, rolloutPlan } from "./plan.js";
import { checkSync } from "./sync.js";

describe("rolloutPlan and positionOf", () => {
  const plan = rolloutPlan([
    { setWeight: 20 },
    { pause: "2m" },
    { setWeight: 50 },
    { pause: "1m" },
    { pause: "30s" },
    { setWeight: 80 },
    { pause: "indefinite" },
    { setWeight: 100 },
  ]);
  it("reads weights with the soak after each and the pauses for a person", () => {
    expect(plan).toEqual([
      { weight: 20, soakMs: 120_000, soak: "2m", pauseForPerson: false },
      { weight: 50, soakMs: 90_000, soak: "1m + 30s", pauseForPerson: false },
      { weight: 80, soakMs: 0, pauseForPerson: true },
      { weight: 100, soakMs: 0, pauseForPerson: false },
    ]);
    expect(formatPlan(plan, 50)).toBe("20% (2m) → [50% (1m + 30s)] → 80% (pause) → 100%");
  });
  it.each<[number, number | undefined, number | undefined]>([
    [0, undefined, 20],
    [20, 20, 50],
    [35, undefined, 50], // a weight set by hand between steps moves on to the next one above it
    [80, 80, 100],
    [100, 100, undefined], // the last: promotion is next
  ])("weight %i: at %s, next %s", (weight, current, next) => {
    const p = positionOf(plan, weight);
    expect(p.current?.weight).toBe(current);
    expect(p.next?.weight).toBe(next);
  });
  it("formats durations", () => {
    expect([
      formatDuration(0),
      formatDuration(45_000),
      formatDuration(90_000),
      formatDuration(7_500_000),
    ]).toEqual(["0s", "45s", "1m30s", "2h5m"]);
  });
});

describe("checkSync: what Argo CD's Application must say before a step is measured", () => {
  const W = "a".repeat(40); // the commit that set the weight
  const LATER = "b".repeat(40); // a later commit of the branch
  const OTHER = "c".repeat(40); // a commit without the weight
  const UNKNOWN = "d".repeat(40);
  const ancestry = (a: string, d: string): Promise<boolean | undefined> =>
    Promise.resolve(d === UNKNOWN ? undefined : a === d || (a === W && d === LATER));
  const app = (status: Record<string, unknown>): KObject => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: "web-prod", namespace: "argocd" },
    status,
  });
  const good = {
    sync: { status: "Synced", revision: W },
    health: { status: "Healthy" },
    reconciledAt: "2026-01-01T00:01:00Z",
    operationState: { phase: "Succeeded", finishedAt: "2026-01-01T00:00:30Z", syncResult: { revision: W } },
  };
  it.each<[string, KObject | undefined, boolean, string]>([
    ["synced, healthy, reconciled after the sync", app(good), true, "synced aaaaaaaaaaaa (Synced, Healthy)"],
    [
      "a later commit of the branch synced",
      app({
        ...good,
        sync: { status: "Synced", revision: LATER },
        operationState: { ...good.operationState, syncResult: { revision: LATER } },
      }),
      true,
      "synced bbbbbbbbbbbb",
    ],
    ["no Application", undefined, false, "Application argocd/web-prod not found"],
    [
      "no revision yet",
      app({ ...good, sync: { status: "OutOfSync" } }),
      false,
      "reports no sync revision yet",
    ],
    [
      "an older revision",
      app({ ...good, sync: { status: "Synced", revision: OTHER } }),
      false,
      "which does not contain aaaaaaaaaaaa",
    ],
    [
      "a revision Git does not have",
      app({ ...good, sync: { status: "Synced", revision: UNKNOWN } }),
      false,
      "a commit this repository does not have",
    ],
    [
      "OutOfSync",
      app({ ...good, sync: { status: "OutOfSync", revision: W } }),
      false,
      "is OutOfSync, not Synced",
    ],
    [
      "the sync still running",
      app({ ...good, operationState: { phase: "Running" } }),
      false,
      "has phase Running",
    ],
    [
      "the sync failed",
      app({
        ...good,
        operationState: { ...good.operationState, phase: "Failed", message: "one or more objects failed" },
      }),
      false,
      "has phase Failed (one or more objects failed)",
    ],
    [
      "the operation deployed another revision",
      app({ ...good, operationState: { ...good.operationState, syncResult: { revision: OTHER } } }),
      false,
      "deployed cccccccccccc",
    ],
    [
      "Progressing",
      app({ ...good, health: { status: "Progressing" } }),
      false,
      "is Progressing, not Healthy",
    ],
    [
      "Degraded",
      app({ ...good, health: { status: "Degraded", message: "Deployment has minimum availability" } }),
      false,
      "is Degraded (Deployment has minimum availability)",
    ],
    [
      "health read before the sync finished",
      app({ ...good, reconciledAt: "2026-01-01T00:00:10Z" }),
      false,
      "has not been reconciled since its sync finished",
    ],
    ["never reconciled", app({ ...good, reconciledAt: undefined }), false, "reconciledAt unset"],
  ])("%s", async (_name, application, ok, reason) => {
    const r = await checkSync(application, "argocd/web-prod", W, ancestry);
    expect(r.ok).toBe(ok);
    expect(r.reason).toContain(reason);
    if (ok) expect(r.landedAt?.toISOString()).toBe("2026-01-01T00:00:30.000Z");
  });
});

describe("the canary state of one version of an App file", () => {
  const text = `# comment
apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: web}
spec:
  image: nginx:1.27.3
  rollout:
    canary: {steps: [10%, 50%, 100%], image: nginx:1.27.4, weight: 10}
  environments:
    prod:
      image: nginx:1.27.2
      rollout: {canary: {weight: 50}}
---
apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: other}
spec: {image: x:1}
`;
  it("merges the environment's rollout over the app's, as the resolver does", () => {
    expect(canaryStateOf(text, "web", "prod")).toEqual({
      image: "nginx:1.27.4",
      weight: 50,
      stableImage: "nginx:1.27.2",
      steps: ["10%", "50%", "100%"],
    });
    expect(canaryStateOf(text, "web", "dev")).toEqual({
      image: "nginx:1.27.4",
      weight: 10,
      stableImage: "nginx:1.27.3",
      steps: ["10%", "50%", "100%"],
    });
    expect(canaryStateOf(text, "other", "prod")).toEqual({ stableImage: "x:1" });
    expect(canaryStateOf("{{ not yaml", "web", "prod")).toEqual({});
  });
  it("reads Rollout-Step trailers", () => {
    expect(parseStepTrailer("web/prod 10% -> 50%")).toEqual({ target: "web/prod", from: 10, to: 50 });
    expect(parseStepTrailer("web/prod - -> 100%")).toEqual({ target: "web/prod", from: undefined, to: 100 });
    expect(parseStepTrailer("nonsense")).toBeUndefined();
  });
});

describe("the in-cluster evaluator's manifests", () => {
  const objects = evaluatorManifests({
    app: "web",
    env: "prod",
    repo: "https://git.acme.io/platform/gitops.git",
    intentPath: "apps/web",
  });
  it("is a CronJob with read-only RBAC on Applications only, and no credentials on a command line", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ServiceAccount/kintent-rollout-web-prod",
      "Role/kintent-rollout-web-prod",
      "RoleBinding/kintent-rollout-web-prod",
      "CronJob/kintent-rollout-web-prod",
    ]);
    const role = objects[1] as KObject & { rules: { verbs: string[]; resources: string[] }[] };
    expect(role.rules).toEqual([
      { apiGroups: ["argoproj.io"], resources: ["applications"], verbs: ["get", "list", "watch"] },
    ]);
    const text = JSON.stringify(objects[3]);
    expect(text).toContain("kintent rollout run");
    expect(text).toContain('"concurrencyPolicy":"Forbid"');
    expect(text).toContain(
      '"secretKeyRef":{"name":"kintent-rollout-git","key":"http-extra-header","optional":true}',
    );
    const command = JSON.stringify(
      (
        objects[3] as KObject & {
          spec: { jobTemplate: { spec: { template: { spec: { containers: { command: string[] }[] } } } } };
        }
      ).spec.jobTemplate.spec.template.spec.containers[0]?.command,
    );
    expect(command).toContain("git clone");
    expect(command).not.toMatch(/Authorization|token|password/i);
  });
  it("follows the environment's approval: every-step (the default) proposes each step, start-only commits it", () => {
    const commandOf = (approval?: "every-step" | "start-only") => {
      const cron = evaluatorManifests({
        app: "web",
        env: "prod",
        repo: "https://x/y.git",
        ...(approval ? { approval } : {}),
      })[3] as KObject & {
        spec: {
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  containers: { command: string[]; env: { name: string; valueFrom?: unknown }[] }[];
                };
              };
            };
          };
        };
      };
      const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
      return { command: c?.command.join(" ") ?? "", env: c?.env.map((e) => e.name) ?? [] };
    };
    for (const every of [commandOf(), commandOf("every-step")]) {
      expect(every.command).toMatch(/rollout run .* --propose --base "\$KINTENT_BRANCH"/);
      expect(every.command).not.toContain("--commit");
      expect(every.env).toEqual(expect.arrayContaining(["GITHUB_TOKEN", "GITEA_TOKEN", "GITLAB_TOKEN"]));
    }
    // A run that ends waiting (exit 3) is a normal end of a scheduled run; other failures keep their code.
    for (const sh of ["/bin/sh", "/bin/bash"].filter((x) => existsSync(x))) {
      const script = commandOf().command.replace(/^\/bin\/sh -c /, "");
      const body = script.slice(script.indexOf("rollout run")).replace(/^rollout run[^|]*\|\|/, "");
      for (const [code, expected] of [
        [0, 0],
        [3, 0],
        [1, 1],
        [4, 4],
        [2, 2],
      ] as const) {
        const r = spawnSync(sh, ["-c", `set -e; (exit ${code}) ||${body}`]);
        expect(r.status, `${sh}: exit ${code}`).toBe(expected);
      }
    }
    const start = commandOf("start-only");
    expect(start.command).toContain("--commit");
    expect(start.command).not.toContain("--propose");
    expect(start.env).not.toContain("GITEA_TOKEN");
  });
  it("can be a Deployment that loops, one replica, never two at once", () => {
    const d = evaluatorManifests({
      app: "web",
      env: "prod",
      repo: "https://x/y.git",
      deployment: true,
    })[3] as KObject & {
      spec: { replicas: number; strategy: { type: string } };
    };
    expect(d.kind).toBe("Deployment");
    expect([d.spec.replicas, d.spec.strategy.type]).toEqual([1, "Recreate"]);
  });
});
