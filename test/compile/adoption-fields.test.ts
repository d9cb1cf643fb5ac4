/**
 * The intent fields that let an app keep what an existing workload has (issue 15, `kintent import --exact`):
 * selector, containerName, ports[].service, rollout.revisionHistoryLimit, resources `false`, security profile
 * none, serviceAccount.create, per-environment command/args — and extra manifests placed per environment or
 * replacing a generated object. Each built through the engine from files written to a temporary directory.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { KObject } from "../../src/core/object.js";
import { getAt } from "../../src/core/json-pointer.js";
import { openProject } from "../../src/project/index.js";
import type { EnvironmentBuild } from "../../src/project/index.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: p}
spec:
  environments:
    dev: {cluster: https://kubernetes.default.svc, namespace: shop}
    prod: {cluster: https://kubernetes.default.svc, namespace: shop}
`;

async function build(files: Record<string, string>, env = "dev"): Promise<EnvironmentBuild> {
  const dir = mkdtempSync(join(tmpdir(), "kintent-adopt-"));
  dirs.push(dir);
  for (const [f, text] of Object.entries({ "platform.yaml": PLATFORM, ...files })) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return (await openProject(dir, { cwd: dir })).build(env);
}

function app(spec: string): string {
  return `apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: shop}
spec:
  image: ghcr.io/acme/shop:1.0.0
${/^tier:/m.test(spec) ? "" : "  tier: dev\n"}${spec
    .trim()
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n")}
`;
}

const find = (b: EnvironmentBuild, kind: string, name = "shop") => {
  const o = b.objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(
      `no ${kind} ${name} in ${b.objects.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`,
    );
  return o;
};
const at = (o: KObject, p: string) => getAt(o, p);

describe("adoption fields", () => {
  it("selector replaces name/instance everywhere it selects, containerName names the container", async () => {
    const b = await build({
      "kintent.yaml": app(`
port: 8080
containerName: web
selector: {app.kubernetes.io/name: nginx, app.kubernetes.io/instance: web}
tier: production
replicas: 2`),
    });
    expect(b.errors).toEqual([]);
    const sel = { "app.kubernetes.io/instance": "web", "app.kubernetes.io/name": "nginx" };
    const d = find(b, "Deployment");
    expect(at(d, "/spec/selector/matchLabels")).toEqual(sel);
    expect(at(d, "/spec/template/spec/containers/0/name")).toBe("web");
    expect(at(d, "/spec/template/metadata/labels")).toMatchObject(sel);
    expect(at(find(b, "Service"), "/spec/selector")).toEqual(sel);
    expect(at(find(b, "PodDisruptionBudget"), "/spec/selector/matchLabels")).toEqual(sel);
    expect(at(find(b, "NetworkPolicy"), "/spec/podSelector/matchLabels")).toEqual(sel);
    expect(at(d, "/spec/template/spec/topologySpreadConstraints/0/labelSelector/matchLabels")).toEqual(sel);
    // Objects carry the selector labels instead of kintent's name/instance pair.
    expect(find(b, "Service").metadata.labels).toMatchObject(sel);
    expect(b.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("a port with service: false stays on the container only; expose cannot target it", async () => {
    const b = await build({
      "kintent.yaml": app(`
ports:
  - {name: http, port: 8080}
  - {name: metrics, port: 9090, service: false}`),
    });
    expect(at(find(b, "Service"), "/spec/ports")).toEqual([
      { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
    ]);
    expect(at(find(b, "Deployment"), "/spec/template/spec/containers/0/ports")).toHaveLength(2);
    const bad = await build({
      "kintent.yaml": app(`
ports:
  - {name: http, port: 8080}
  - {name: metrics, port: 9090, service: false}
expose: {host: shop.acme.io, port: metrics}`),
    });
    expect(bad.errors.map((e) => e.message)).toEqual([
      "expose.port `metrics` is not published on the Service (`service: false`)",
    ]);
  });

  it("revisionHistoryLimit, resources without limits, and a CPU limit removed from a profile", async () => {
    const b = await build({
      "kintent.yaml": app(`
rollout: {revisionHistoryLimit: 10}
resources: {requests: {cpu: 1m, memory: 16Mi}, limits: false}
environments:
  prod:
    resources: {profile: medium, limits: {cpu: false}}`),
    });
    const d = find(b, "Deployment");
    expect(at(d, "/spec/revisionHistoryLimit")).toBe(10);
    expect(at(d, "/spec/template/spec/containers/0/resources")).toEqual({
      requests: { cpu: "1m", memory: "16Mi" },
    });
    const prod = await build(
      {
        "kintent.yaml": app(`
resources: {requests: {cpu: 1m, memory: 16Mi}, limits: false}
environments:
  prod:
    resources: {profile: medium, limits: {cpu: false}}`),
      },
      "prod",
    );
    expect(at(find(prod, "Deployment"), "/spec/template/spec/containers/0/resources")).toEqual({
      requests: { cpu: "500m", memory: "512Mi" },
      limits: { memory: "1Gi" },
    });
  });

  it("security profile none sets only what is written; serviceAccount create: false uses the namespace's", async () => {
    const b = await build({
      "kintent.yaml": app(`
port: 8080
security:
  profile: none
  writablePaths: [{path: /data, volume: data}]
serviceAccount: {create: false}
why: {security: "the chart sets no securityContext"}`),
    });
    expect(b.errors).toEqual([]);
    expect(b.objects.some((o) => o.kind === "ServiceAccount")).toBe(false);
    const spec = at(find(b, "Deployment"), "/spec/template/spec") as Record<string, unknown>;
    expect(spec.securityContext).toBeUndefined();
    expect(spec.serviceAccountName).toBeUndefined();
    expect(spec.automountServiceAccountToken).toBeUndefined();
    expect(spec.volumes).toEqual([{ name: "data", emptyDir: {} }]);
    const c = at(find(b, "Deployment"), "/spec/template/spec/containers/0") as Record<string, unknown>;
    expect(c.securityContext).toBeUndefined();
    expect(c.volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
    // The validator still says what the restricted profile would: these are findings, not silence.
    expect(b.findings.map((f) => f.checkId)).toContain("run-as-non-root");
  });

  it("writable paths naming one volume share it, each at its subPath; a named existing service account", async () => {
    const b = await build({
      "kintent.yaml": app(`
security:
  writablePaths:
    - {path: /tmp, volume: empty-dir, subPath: tmp-dir}
    - {path: /opt/app/conf, volume: empty-dir, subPath: app-conf-dir}
serviceAccount: {create: false, name: builder}`),
    });
    const spec = at(find(b, "Deployment"), "/spec/template/spec") as Record<string, unknown>;
    expect(spec.volumes).toEqual([{ name: "empty-dir", emptyDir: {} }]);
    expect(at(find(b, "Deployment"), "/spec/template/spec/containers/0/volumeMounts")).toEqual([
      { name: "empty-dir", mountPath: "/opt/app/conf", subPath: "app-conf-dir" },
      { name: "empty-dir", mountPath: "/tmp", subPath: "tmp-dir" },
    ]);
    expect(spec.serviceAccountName).toBe("builder");
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(b.objects.some((o) => o.kind === "ServiceAccount")).toBe(false);
  });

  it("an environment replaces command and args", async () => {
    const text = app(`
command: [./podinfo]
args: [--port=9898]
environments:
  prod: {args: [--port=9898, --cache-server=tcp://redis:6379]}`);
    const dev = await build({ "kintent.yaml": text });
    const prod = await build({ "kintent.yaml": text }, "prod");
    expect(at(find(dev, "Deployment"), "/spec/template/spec/containers/0/args")).toEqual(["--port=9898"]);
    expect(at(find(prod, "Deployment"), "/spec/template/spec/containers/0/args")).toEqual([
      "--port=9898",
      "--cache-server=tcp://redis:6379",
    ]);
    expect(at(find(prod, "Deployment"), "/spec/template/spec/containers/0/command")).toEqual(["./podinfo"]);
  });
});

describe("extra manifests per environment, and replacing a generated object", () => {
  const cm = (annotations: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: redis
  annotations: {${annotations}}
data: {a: "1"}
`;

  it("kintent.dev/environments places an extra only there, and is not part of the object", async () => {
    const files = {
      "kintent.yaml": app("port: 8080"),
      "extra/redis.yaml": cm('kintent.dev/environments: "prod"'),
    };
    expect((await build(files)).objects.some((o) => o.metadata.name === "redis")).toBe(false);
    const prod = await build(files, "prod");
    const placed = find(prod, "ConfigMap", "redis");
    expect(placed.metadata.annotations).toBeUndefined();
  });

  it("an unknown environment in kintent.dev/environments is a located error", async () => {
    const b = await build({
      "kintent.yaml": app("port: 8080"),
      "extra/redis.yaml": cm('kintent.dev/environments: "prdo"'),
    });
    expect(b.errors.map((e) => [e.messageId, e.loc?.file])).toEqual([
      ["extra-environments", "extra/redis.yaml"],
    ]);
    expect(b.errors[0]?.message).toContain("prdo, not an environment of the platform (dev, prod)");
  });

  it("kintent.dev/replace swaps the generated object for the extra; without it a shared identity stays an error", async () => {
    const svc = (annotations: string) => `apiVersion: v1
kind: Service
metadata:
  name: shop
  annotations: {${annotations}}
spec:
  type: LoadBalancer
  selector: {app.kubernetes.io/name: shop, app.kubernetes.io/instance: shop}
  ports: [{name: http, port: 80, targetPort: http}]
`;
    const replaced = await build({
      "kintent.yaml": app("port: 8080"),
      "extra/service.yaml": svc('kintent.dev/replace: "true", kintent.dev/why: "a load balancer"'),
    });
    expect(replaced.errors).toEqual([]);
    const services = replaced.objects.filter((o) => o.kind === "Service");
    expect(services).toHaveLength(1);
    expect(at(services[0] as KObject, "/spec/type")).toBe("LoadBalancer");
    expect(services[0]?.metadata.annotations).toEqual({ "kintent.dev/why": "a load balancer" });
    expect(replaced.apps[0]?.result.replaced).toEqual(["|Service|shop|shop"]);
    expect(replaced.decisions.filter((d) => d.object.kind === "Service").map((d) => d.why)).toEqual([
      "replaces the generated object: extra manifest (extra/service.yaml): a load balancer",
    ]);

    const clash = await build({ "kintent.yaml": app("port: 8080"), "extra/service.yaml": svc("") });
    expect(clash.errors.map((e) => e.messageId)).toEqual(["extra-duplicate"]);

    const nothing = await build({
      "kintent.yaml": app("port: 8080"),
      "extra/service.yaml": svc('kintent.dev/replace: "true"').replace("name: shop\n", "name: other\n"),
    });
    expect(nothing.errors.map((e) => e.messageId)).toEqual(["extra-replace"]);
  });

  it("replacing the workload warns that the intent's pod fields no longer reach it", async () => {
    const b = await build({
      "kintent.yaml": app("port: 8080"),
      "extra/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  annotations: {kintent.dev/replace: "true"}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: shop, app.kubernetes.io/instance: shop}}
  template:
    metadata: {labels: {app.kubernetes.io/name: shop, app.kubernetes.io/instance: shop}}
    spec:
      containers: [{name: shop, image: "ghcr.io/acme/shop:1.0.0", ports: [{name: http, containerPort: 8080}]}]
`,
    });
    expect(b.errors).toEqual([]);
    expect(b.warnings.map((w) => w.messageId)).toContain("extra-replaces-workload");
    expect(find(b, "Deployment").metadata.annotations).toBeUndefined();
  });
});
