/**
 * Fixes as intent changes, without a cluster: live objects in the shapes the API server returns, a real intent
 * directory in a real Git repository, the real engine. (test/cluster/diagnose.test.ts does the same against a
 * kwok cluster and a real Gitea.)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveObject } from "../../src/cluster/client.js";
import { diagnose } from "../../src/cluster/diagnose.js";
import { manifestPatch, planFixes, planRollback } from "../../src/cluster/fixes.js";
import { snapshotOf } from "../../src/cluster/snapshot.js";
import { openProject } from "../../src/project/index.js";

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync("git", ["-c", "user.name=Dev", "-c", "user.email=dev@acme.test", ...args], {
    cwd,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
};

const app = (image: string, memory = "128Mi") =>
  `apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata:\n  name: shop\nspec:\n  image: ${image}   # CI bumps this\n  port: 8080\n  replicas: 2\n  resources:\n    limits: {memory: ${memory}}\n`;

function pods(status: Record<string, unknown>, image: string, memory = "128Mi"): LiveObject[] {
  const meta = (kind: string, name: string, owner?: { kind: string; name: string }) => ({
    name,
    namespace: "shop",
    uid: `uid-${name}`,
    ...(owner
      ? {
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: owner.kind,
              name: owner.name,
              uid: `uid-${owner.name}`,
              controller: true,
            },
          ],
        }
      : {}),
  });
  return [
    { apiVersion: "apps/v1", kind: "Deployment", metadata: meta("Deployment", "shop") },
    {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: meta("ReplicaSet", "shop-7d9c", { kind: "Deployment", name: "shop" }),
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: meta("Pod", "shop-7d9c-a", { kind: "ReplicaSet", name: "shop-7d9c" }),
      spec: { nodeName: "n1", containers: [{ name: "shop", image, resources: { limits: { memory } } }] },
      status,
    },
  ];
}

describe("fixes as intent changes (engine, Git history; no cluster)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kintent-fixes-"));
    writeFileSync(join(dir, "kintent.yaml"), app("nginx:1.27.3"));
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "shop 1.27.3");
    writeFileSync(join(dir, "kintent.yaml"), app("nginx:99.99-broken-image"));
    git(dir, "commit", "-qam", "bump");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const notFound = {
    phase: "Pending",
    containerStatuses: [
      {
        name: "shop",
        ready: false,
        restartCount: 0,
        state: {
          waiting: {
            reason: "ErrImagePull",
            message:
              'rpc error: code = NotFound desc = failed to pull and unpack image "nginx:99.99-broken-image": failed to resolve reference "nginx:99.99-broken-image": nginx:99.99-broken-image: not found',
          },
        },
      },
    ],
  };

  it("a tag that does not exist → the previous image from the App file's Git history; the working tree is untouched", async () => {
    const project = await openProject(dir, { cwd: dir });
    const snapshot = snapshotOf(pods(notFound, "nginx:99.99-broken-image"), { namespaces: ["shop"] });
    const [d] = diagnose(snapshot);
    expect(d?.analyzer).toBe("image-pull");
    const [fix] = await planFixes(project, diagnose(snapshot), {
      cwd: dir,
      env: "default",
      snapshot,
      now: "2026-12-04T12:00:00Z",
    });
    expect(fix?.status).toBe("ready");
    expect(fix?.source).toMatchObject({
      loc: { file: "kintent.yaml", line: 6 },
      why: "image as the intent says",
    });
    expect(fix?.ops[0]).toEqual({ op: "image", tag: "1.27.3" });
    expect(fix?.verification).toEqual([
      {
        check: "image-pull (static): the built image is not the one that failed to pull",
        passed: true,
        detail: "nginx:99.99-broken-image → nginx:1.27.3",
      },
    ]);
    expect(
      fix?.preview?.envs[0]?.changes.map((c) => `${c.object.kind}:${c.fields.map((f) => f.path).join(",")}`),
    ).toContain(
      'Deployment:metadata.labels["app.kubernetes.io/version"],spec.template.metadata.labels["app.kubernetes.io/version"],spec.template.spec.containers[shop].image',
    );
    expect(readFileSync(join(dir, "kintent.yaml"), "utf8")).toBe(app("nginx:99.99-broken-image"));
  });

  it("OOMKilled at 128Mi → resources with the limit doubled and the reasoning under spec.why", async () => {
    const project = await openProject(dir, { cwd: dir });
    const oom = {
      phase: "Running",
      containerStatuses: [
        {
          name: "shop",
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } },
        },
      ],
    };
    const snapshot = snapshotOf(pods(oom, "nginx:99.99-broken-image"), { namespaces: ["shop"] });
    const [fix] = await planFixes(project, diagnose(snapshot), {
      cwd: dir,
      env: "default",
      snapshot,
      now: "2026-12-04T12:00:00Z",
    });
    expect(fix?.ops).toEqual([
      { op: "resources", limits: { memory: "256Mi" } },
      {
        op: "why",
        key: "resources",
        text: "shop was OOMKilled (exit code 137) at its 128Mi memory limit, 3 restart(s) in default (kintent diagnose, 2026-12-04): the limit is doubled to 256Mi. Lower it again once the memory use is measured.",
      },
    ]);
    expect(fix?.diff).toContain("-    limits: {memory: 128Mi}\n+    limits: {memory: 256Mi}\n");
    expect(fix?.status).toBe("ready");
  });

  it("a failure the intent cannot fix says why, with the intent line; without an intent, the manifest patch", async () => {
    const project = await openProject(dir, { cwd: dir });
    const crash = {
      phase: "Running",
      containerStatuses: [
        {
          name: "shop",
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { reason: "Error", exitCode: 1 } },
        },
      ],
    };
    const snapshot = snapshotOf(pods(crash, "nginx:99.99-broken-image"), { namespaces: ["shop"] });
    const [fix] = await planFixes(project, diagnose(snapshot), { cwd: dir, env: "default", snapshot });
    expect(fix?.status).toBe("unfixable");
    expect(fix?.source?.loc?.line).toBe(6);
    const oom = snapshotOf(
      pods(
        {
          phase: "Running",
          containerStatuses: [
            {
              name: "shop",
              restartCount: 1,
              lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } },
            },
          ],
        },
        "redis:7",
        "1Gi",
      ),
      { namespaces: ["shop"] },
    );
    expect(manifestPatch(diagnose(oom)[0] as NonNullable<ReturnType<typeof diagnose>[0]>)).toEqual({
      object: { apiVersion: "apps/v1", kind: "Deployment", name: "shop", namespace: "shop" },
      patch: {
        spec: {
          template: { spec: { containers: [{ name: "shop", resources: { limits: { memory: "2Gi" } } }] } },
        },
      },
    });
  });

  it("a rollback: the App file's previous revision, previewed through the engine", async () => {
    const project = await openProject(dir, { cwd: dir });
    const snapshot = snapshotOf(pods(notFound, "nginx:99.99-broken-image"), { namespaces: ["shop"] });
    const d = diagnose(snapshot)[0];
    if (!d) throw new Error("no diagnosis");
    const plan = planRollback(project, d, { cwd: dir, env: "default", snapshot });
    expect(plan.status).toBe("ready");
    expect(plan.diff).toContain(
      "-  image: nginx:99.99-broken-image   # CI bumps this\n+  image: nginx:1.27.3   # CI bumps this\n",
    );
    expect(plan.verification[0]?.detail).toContain("spec.template.spec.containers[shop].image");
    expect([...plan.writes.values()]).toEqual([app("nginx:1.27.3")]);
  });
});
