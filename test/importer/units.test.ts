/**
 * The importer's pure parts, offline: the canonical form (what counts as the same object), bookkeeping metadata
 * left out of comparisons, grouping objects into apps. (Defaulting itself is held to a real API server in
 * corpus.test.ts.)
 */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../src/core/object.js";
import { canonical, compareObjects, normalize } from "../../src/importer/index.js";
import { groupObjects } from "../../src/importer/group.js";

const deployment = (spec: Record<string, unknown>, labels: Record<string, string> = {}): KObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", labels },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "web:1", ...spec }] },
    },
  },
});

describe("canonical form", () => {
  it("one spelling for what means the same", () => {
    const a = deployment({
      resources: { limits: { cpu: "1000m", memory: "1024Mi" } },
      ports: [{ containerPort: 9090 }, { containerPort: 8080 }],
      securityContext: { privileged: false, seLinuxOptions: {}, readOnlyRootFilesystem: false },
      args: [],
      env: null,
    });
    const b = deployment({
      resources: { limits: { cpu: 1, memory: "1Gi" } },
      ports: [{ containerPort: 8080, protocol: "TCP" }, { containerPort: 9090 }],
    });
    expect(compareObjects(normalize(a), normalize(b)).real).toEqual([]);
  });

  it("keeps what changes meaning: an emptyDir, an empty podSelector, an empty label value, allowPrivilegeEscalation false", () => {
    const c = canonical({
      apiVersion: "v1",
      kind: "X",
      metadata: { name: "x", labels: { a: "" } },
      spec: { volumes: [{ name: "t", emptyDir: {} }], podSelector: {}, allowPrivilegeEscalation: false },
    });
    expect(c.metadata.labels).toEqual({ a: "" });
    expect(c.spec).toEqual({
      allowPrivilegeEscalation: false,
      podSelector: {},
      volumes: [{ emptyDir: {}, name: "t" }],
    });
  });

  it("lists are compared by name or sorted where their order means nothing (env vars, volumes, mounts)", () => {
    const env = (names: string[]) => deployment({ env: names.map((n) => ({ name: n, value: n })) });
    expect(compareObjects(normalize(env(["A", "B"])), normalize(env(["B", "A"]))).real).toEqual([]);
    expect(compareObjects(normalize(env(["A", "B"])), normalize(env(["A", "C"]))).real).not.toEqual([]);
    const mounts = (paths: string[]) =>
      deployment({ volumeMounts: paths.map((p) => ({ name: "d", mountPath: p, subPath: p.slice(1) })) });
    expect(compareObjects(normalize(mounts(["/a", "/b"])), normalize(mounts(["/b", "/a"]))).real).toEqual([]);
  });

  it("server-assigned fields never count: cluster IPs, uid, timestamps, status", () => {
    const svc = (extra: Record<string, unknown>): KObject => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s", namespace: "shop", ...extra },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }], clusterIP: "10.0.0.7" },
      status: { loadBalancer: {} },
    });
    expect(
      canonical(svc({ uid: "1", resourceVersion: "9", creationTimestamp: "2026-01-01T00:00:00Z" })),
    ).toEqual(canonical({ ...svc({}), spec: { selector: { app: "web" }, ports: [{ port: 80 }] } }));
  });
});

describe("bookkeeping metadata", () => {
  it("helm.sh/chart, managed-by, version and kintent.dev/* are left out and listed; other labels count", () => {
    const src = normalize(
      deployment({}, { "helm.sh/chart": "web-1.0.0", "app.kubernetes.io/managed-by": "Helm", team: "a" }),
    );
    const out = normalize(
      deployment(
        {},
        { "app.kubernetes.io/managed-by": "kintent", "kintent.dev/environment": "prod", team: "a" },
      ),
    );
    const cmp = compareObjects(src, out);
    expect(cmp.real).toEqual([]);
    expect(cmp.ignored.sort()).toEqual([
      'metadata.labels["app.kubernetes.io/managed-by"]',
      'metadata.labels["helm.sh/chart"]',
      'metadata.labels["kintent.dev/environment"]',
    ]);
    const other = compareObjects(src, normalize(deployment({}, { team: "b" })));
    expect(other.real.map((c) => c.path)).toEqual(["metadata.labels.team"]);
  });
});

describe("grouping into apps", () => {
  it("a workload takes what serves it; the rest goes by name, else to the main app", () => {
    const objects: KObject[] = [
      deployment({}),
      {
        ...deployment({}),
        metadata: { name: "web-redis", namespace: "shop" },
        spec: {
          selector: { matchLabels: { app: "redis" } },
          template: {
            metadata: { labels: { app: "redis" } },
            spec: { containers: [{ name: "r", image: "redis:8" }] },
          },
        },
      },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "front", namespace: "shop" },
        spec: { selector: { app: "web" } },
      },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "cache", namespace: "shop" },
        spec: { selector: { app: "redis" } },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "public", namespace: "shop" },
        spec: { rules: [{ http: { paths: [{ backend: { service: { name: "front" } } }] } }] },
      },
      {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "scale", namespace: "shop" },
        spec: { scaleTargetRef: { name: "web-redis" } },
      },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web-redis-config", namespace: "shop" } },
      { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly", namespace: "shop" } },
    ];
    const { apps, owner } = groupObjects(objects);
    expect(apps.map((a) => a.name)).toEqual(["web", "web-redis"]);
    const of = (kind: string, name: string) =>
      owner.get(
        `${kind === "Ingress" ? "networking.k8s.io" : kind === "HorizontalPodAutoscaler" ? "autoscaling" : kind === "CronJob" ? "batch" : ""}|${kind}|shop|${name}`,
      );
    expect(of("Service", "front")).toBe("web");
    expect(of("Service", "cache")).toBe("web-redis");
    expect(of("Ingress", "public")).toBe("web");
    expect(of("HorizontalPodAutoscaler", "scale")).toBe("web-redis");
    expect(of("ConfigMap", "web-redis-config")).toBe("web-redis");
    expect(of("CronJob", "nightly")).toBe("web");
  });
});
