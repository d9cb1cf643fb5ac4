/**
 * What the seed teams needed when they wrote their deployments as intents (issue 18): the Service's type,
 * the version label on every object, the canary's own identity, storage per environment, and how each
 * registry authenticates. Each case builds a real intent directory through the engine.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { KObject } from "../../src/core/object.js";
import { getAt } from "../../src/core/json-pointer.js";
import { openProject } from "../../src/project/index.js";
import type { EnvironmentBuild } from "../../src/project/index.js";
import { renderRunbook } from "../../src/render/runbook.js";
import { find, runCli } from "../helpers.js";

const at = (o: KObject, p: string) => getAt(o, p);
const VERSION = "app.kubernetes.io/version";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function intentDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kintent-seed-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  ingress: {kind: ingress, className: nginx, controllerNamespace: ingress-nginx}
  environments:
    dev: {cluster: https://kubernetes.default.svc, namespace: shop-dev, tier: dev}
    staging: {cluster: https://staging.acme.internal, namespace: shop-staging, tier: staging}
    prod: {cluster: https://prod.acme.internal, namespace: shop}
`;

function app(spec: string, metadata = ""): string {
  return `apiVersion: kintent.dev/v1alpha1
kind: App
metadata:
  name: shop
${metadata}spec:
  image: ghcr.io/acme/shop:1.4.2
  port: 8080
  probe: /healthz
${spec}`;
}

async function build(appText: string, env: string, platform = PLATFORM): Promise<EnvironmentBuild> {
  const dir = intentDir({ "kintent.yaml": appText, "platform.yaml": platform });
  return (await openProject(dir)).build(env);
}

async function built(appText: string, env: string, platform = PLATFORM): Promise<EnvironmentBuild> {
  const b = await build(appText, env, platform);
  expect(b.errors, JSON.stringify(b.errors, null, 2)).toEqual([]);
  expect(b.findings.filter((f) => f.severity === "error")).toEqual([]);
  return b;
}

function messages(b: EnvironmentBuild): string[] {
  return b.errors.map((e) => `${e.loc ? `${e.loc.line}: ` : ""}${e.message}`);
}

describe("the Service: type, annotations, externalTrafficPolicy, headless", () => {
  it("`service: {type: LoadBalancer}` is a field, not an unknown one", async () => {
    const b = await built(
      app(`  service:
    type: LoadBalancer
    externalTrafficPolicy: Local
    annotations:
      service.beta.kubernetes.io/aws-load-balancer-type: nlb
`),
      "prod",
    );
    const svc = find(b.objects, "Service", "shop");
    expect(at(svc, "/spec/type")).toBe("LoadBalancer");
    expect(at(svc, "/spec/externalTrafficPolicy")).toBe("Local");
    expect(at(svc, "/metadata/annotations")).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
    });
    const why = b.decisions.find((d) => d.object.kind === "Service" && d.path === "/spec/type");
    expect(why?.why).toMatch(/^LoadBalancer: .*externalTrafficPolicy Local/);
    expect(why?.loc?.line).toBe(9);
  });

  it("a LoadBalancer opens its ports in the default-deny NetworkPolicy (outside clients come from anywhere)", async () => {
    const b = await built(app("  service: {type: LoadBalancer}\n"), "prod");
    const np = find(b.objects, "NetworkPolicy", "shop");
    expect(at(np, "/spec/ingress")).toContainEqual({ ports: [{ port: 8080, protocol: "TCP" }] });
    const clusterIp = await built(app(""), "prod");
    expect(JSON.stringify(at(find(clusterIp.objects, "NetworkPolicy", "shop"), "/spec/ingress"))).toBe("[]");
  });

  it("differs per environment, merged field by field", async () => {
    const text = app(`  service:
    type: LoadBalancer
    annotations: {a.example.com/x: "1"}
  environments:
    dev:
      service: {type: NodePort, annotations: {b.example.com/y: "2"}}
`);
    const dev = await built(text, "dev");
    const svc = find(dev.objects, "Service", "shop");
    expect(at(svc, "/spec/type")).toBe("NodePort");
    expect(at(svc, "/metadata/annotations")).toEqual({ "a.example.com/x": "1", "b.example.com/y": "2" });
    expect(at(find((await built(text, "prod")).objects, "Service", "shop"), "/spec/type")).toBe(
      "LoadBalancer",
    );
  });

  it("headless: no virtual IP; a StatefulSet uses it as its governing Service (no extra -headless)", async () => {
    const b = await built(
      app(`  service: {headless: true}
  storage: [{name: data, path: /data, size: 1Gi}]
`),
      "prod",
    );
    const svc = find(b.objects, "Service", "shop");
    expect(at(svc, "/spec/clusterIP")).toBe("None");
    expect(at(svc, "/spec/publishNotReadyAddresses")).toBeUndefined();
    expect(at(find(b.objects, "StatefulSet", "shop"), "/spec/serviceName")).toBe("shop");
    expect(b.objects.filter((o) => o.kind === "Service").map((o) => o.metadata.name)).toEqual(["shop"]);
    // Without headless the StatefulSet keeps its own headless Service beside the ClusterIP one.
    const plain = await built(app("  storage: [{name: data, path: /data, size: 1Gi}]\n"), "prod");
    expect(at(find(plain.objects, "StatefulSet", "shop"), "/spec/serviceName")).toBe("shop-headless");
  });

  it.each([
    ["  service: {type: LoadBalancer, headless: true}\n", /headless Service has no virtual IP/, 9],
    [
      "  service: {externalTrafficPolicy: Local}\n",
      /externalTrafficPolicy .* needs type NodePort or LoadBalancer/,
      9,
    ],
    [
      "  service: {type: Balanced}\n",
      /`spec.service.type` must be one of `ClusterIP`, `NodePort`, `LoadBalancer`/,
      9,
    ],
  ])("%s is refused with its line", async (spec, message, line) => {
    const b = await build(app(spec), "prod");
    expect(b.errors.map((e) => e.message).join("\n")).toMatch(message);
    expect(b.errors[0]?.loc?.line).toBe(line);
  });
});

describe("app.kubernetes.io/version", () => {
  it("is derived from the image tag on every object", async () => {
    const b = await built(app("  expose: {host: shop.acme.io}\n"), "prod");
    expect(b.objects.length).toBeGreaterThan(5);
    for (const o of b.objects)
      expect(o.metadata.labels?.[VERSION], `${o.kind} ${o.metadata.name}`).toBe("1.4.2");
  });

  it("a label written in the intent wins", async () => {
    const b = await built(app("", "  labels: {app.kubernetes.io/version: 2024.06-release}\n"), "prod");
    for (const o of b.objects) expect(o.metadata.labels?.[VERSION]).toBe("2024.06-release");
  });

  it("a platform that requires it does not refuse an intent that leaves it to kintent", async () => {
    const platform = PLATFORM.replace(
      "spec:\n",
      "spec:\n  requiredLabels: [team, app.kubernetes.io/version]\n",
    );
    const missingTeam = await build(app(""), "prod", platform);
    expect(messages(missingTeam).join("\n")).toMatch(/requires label\(s\) `team` on every app/);
    expect(messages(missingTeam).join("\n")).not.toContain("app.kubernetes.io/version");
    await built(app("", "  labels: {team: shop}\n"), "prod", platform);
  });

  it("after `kintent set image …:NEW`, no object carries the old version", async () => {
    const dir = intentDir({
      "kintent.yaml": app(
        "  expose: {host: shop.acme.io}\n",
        "  labels: {app.kubernetes.io/version: 1.4.2}\n",
      ),
      "platform.yaml": PLATFORM,
    });
    const r = await runCli(["set", "image", ":1.5.0", "--dir", dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "kintent.yaml"), "utf8")).toContain("app.kubernetes.io/version: 1.5.0");
    for (const env of ["dev", "staging", "prod"]) {
      const b = (await openProject(dir)).build(env);
      expect(b.errors).toEqual([]);
      const versions = new Set(b.objects.map((o) => o.metadata.labels?.[VERSION]));
      expect([...versions], env).toEqual(["1.5.0"]);
      expect(JSON.stringify(b.objects)).not.toContain("1.4.2");
    }
  });

  it("an image set for one environment overrides a stale app-wide label there only; a deliberate label is kept", async () => {
    const dir = intentDir({
      "kintent.yaml": app("", "  labels: {app.kubernetes.io/version: 1.4.2}\n"),
      "platform.yaml": PLATFORM,
    });
    expect((await runCli(["set", "image", ":1.5.0", "--env", "prod", "--dir", dir])).code).toBe(0);
    const p = await openProject(dir);
    expect(new Set(p.build("prod").objects.map((o) => o.metadata.labels?.[VERSION]))).toEqual(
      new Set(["1.5.0"]),
    );
    expect(new Set(p.build("dev").objects.map((o) => o.metadata.labels?.[VERSION]))).toEqual(
      new Set(["1.4.2"]),
    );

    const deliberate = intentDir({
      "kintent.yaml": app("", "  labels: {app.kubernetes.io/version: release-7}\n"),
      "platform.yaml": PLATFORM,
    });
    expect((await runCli(["set", "image", ":1.5.0", "--dir", deliberate])).code).toBe(0);
    expect(readFileSync(join(deliberate, "kintent.yaml"), "utf8")).toContain(
      "app.kubernetes.io/version: release-7",
    );
  });
});

const TRAEFIK = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: k3s}
spec:
  ingress: {kind: traefik, controllerNamespace: kube-system, allowExternalNameServices: true}
  progressiveDelivery: traefik-weighted
  environments:
    prod: {cluster: https://kubernetes.default.svc, namespace: web, createNamespace: true}
`;

const GATEWAY = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: gw}
spec:
  ingress: {kind: gateway, gateway: {name: public, namespace: gateway}}
  progressiveDelivery: gateway-weighted
  environments:
    prod: {cluster: https://kubernetes.default.svc, namespace: web}
`;

const CANARY_APP = `apiVersion: kintent.dev/v1alpha1
kind: App
metadata:
  name: nginx
  labels: {track: stable}
spec:
  image: docker.io/nginxinc/nginx-unprivileged:1.27.3
  replicas: 3
  port: 8080
  probe: /
  expose:
    host: nginx.k3s.acme.io
    responseHeaders: {X-Track: stable}
  rollout:
    canary:
      image: docker.io/nginxinc/nginx-unprivileged:1.27.4
      replicas: 2
      weight: 10
      namespace: nginx-canary
      bridge: nginx-canary-proxy
      labels: {track: canary}
      responseHeaders: {X-Track: canary}
`;

describe("the weighted canary's own identity", () => {
  it("Traefik: canary objects say track canary and the canary's version; the bridge has the chosen name; headers per track", async () => {
    const b = await built(CANARY_APP, "prod", TRAEFIK);
    const canaryObjects = b.objects.filter((o) => o.metadata.labels?.["kintent.dev/track"] === "canary");
    expect(canaryObjects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining([
        "Namespace/nginx-canary",
        "Deployment/nginx-canary",
        "Service/nginx-canary",
        "Service/nginx-canary-proxy",
        "Middleware/nginx-canary-headers",
      ]),
    );
    for (const o of canaryObjects) {
      expect(o.metadata.labels?.track, `${o.kind} ${o.metadata.name}`).toBe("canary");
      expect(o.metadata.labels?.[VERSION], `${o.kind} ${o.metadata.name}`).toBe("1.27.4");
    }
    const canary = find(b.objects, "Deployment", "nginx-canary", "nginx-canary");
    expect(at(canary, "/spec/template/metadata/labels/track")).toBe("canary");
    const stable = find(b.objects, "Deployment", "nginx", "web");
    expect(at(stable, "/spec/template/metadata/labels/track")).toBe("stable");
    expect(at(stable, "/metadata/labels/app.kubernetes.io~1version")).toBe("1.27.3");

    expect(at(find(b.objects, "Service", "nginx-canary-proxy", "web"), "/spec/externalName")).toBe(
      "nginx-canary.nginx-canary.svc.cluster.local",
    );
    expect(b.objects.some((o) => o.metadata.name === "nginx-canary-bridge")).toBe(false);
    const wrr = find(b.objects, "TraefikService", "nginx-wrr", "web");
    expect(at(wrr, "/spec/weighted/services")).toEqual([
      { name: "nginx", port: 8080, weight: 90, middlewares: [{ name: "nginx-headers" }] },
      { name: "nginx-canary-proxy", port: 8080, weight: 10, middlewares: [{ name: "nginx-canary-headers" }] },
    ]);
    expect(at(find(b.objects, "Middleware", "nginx-canary-headers", "web"), "/spec/headers")).toEqual({
      customResponseHeaders: { "X-Track": "canary" },
    });
    expect(at(find(b.objects, "Middleware", "nginx-headers", "web"), "/spec/headers")).toEqual({
      customResponseHeaders: { "X-Track": "stable" },
    });
    // The route itself sets no headers: each weighted backend answers with its own.
    expect(at(find(b.objects, "IngressRoute", "nginx", "web"), "/spec/routes/0/middlewares")).toBeUndefined();
  });

  it("without a canary the route sets the app's response headers itself", async () => {
    const b = await built(CANARY_APP.replace(/ {2}rollout:[\s\S]*$/, ""), "prod", TRAEFIK);
    expect(at(find(b.objects, "IngressRoute", "nginx"), "/spec/routes/0/middlewares")).toEqual([
      { name: "nginx-headers" },
    ]);
  });

  it("Gateway API: each backendRef answers with its own headers", async () => {
    const b = await built(
      CANARY_APP.replace("      namespace: nginx-canary\n      bridge: nginx-canary-proxy\n", ""),
      "prod",
      GATEWAY,
    );
    const refs = at(find(b.objects, "HTTPRoute", "nginx"), "/spec/rules/0/backendRefs") as Record<
      string,
      unknown
    >[];
    expect(refs.map((r) => [r.name, r.weight, r.filters])).toEqual([
      [
        "nginx",
        90,
        [
          {
            type: "ResponseHeaderModifier",
            responseHeaderModifier: { set: [{ name: "X-Track", value: "stable" }] },
          },
        ],
      ],
      [
        "nginx-canary",
        10,
        [
          {
            type: "ResponseHeaderModifier",
            responseHeaderModifier: { set: [{ name: "X-Track", value: "canary" }] },
          },
        ],
      ],
    ]);
  });

  it("refuses response headers an Ingress cannot set, and header injection", async () => {
    const ingress = await build(
      app("  expose: {host: shop.acme.io, responseHeaders: {X-Track: stable}}\n"),
      "prod",
    );
    expect(messages(ingress).join("\n")).toMatch(/responseHeaders needs Traefik or Gateway API/);
    const injected = await build(
      CANARY_APP.replace("{X-Track: stable}", '{"X-Track": "stable\\r\\nSet-Cookie: a=b"}'),
      "prod",
      TRAEFIK,
    );
    expect(messages(injected).join("\n")).toMatch(/must be one line of text/);
    const badName = await build(
      CANARY_APP.replace("{X-Track: stable}", '{"X Track": stable}'),
      "prod",
      TRAEFIK,
    );
    expect(messages(badName).join("\n")).toMatch(/must be an HTTP header name/);
  });

  it("canary labels, headers and bridge belong to weighted routing; Argo Rollouts refuses them", async () => {
    const argo = TRAEFIK.replace("traefik-weighted", "argo-rollouts");
    const b = await build(
      CANARY_APP.replace(
        / {6}image: .*\n {6}replicas: 2\n {6}weight: 10\n {6}namespace: nginx-canary\n {6}bridge: .*\n/,
        "      steps: [10%, 100%]\n",
      ),
      "prod",
      argo,
    );
    expect(messages(b).join("\n")).toMatch(/canary\.labels describes the live canary of weighted routing/);
  });
});

describe("storage per environment", () => {
  const text = app(`  storage:
    - {name: data, path: /data, size: 10Gi}
  environments:
    dev:
      storage: {data: emptyDir}
    staging:
      storage: {data: {storageClass: ebs-gp3}}
    prod:
      storage: {data: {storageClass: ebs-io2, size: 50Gi}}
`);

  it("dev: emptyDir, staging: ebs-gp3, prod: ebs-io2", async () => {
    const dev = find((await built(text, "dev")).objects, "StatefulSet", "shop");
    expect(at(dev, "/spec/volumeClaimTemplates")).toBeUndefined();
    expect(at(dev, "/spec/template/spec/volumes")).toContainEqual({
      name: "data",
      emptyDir: { sizeLimit: "10Gi" },
    });
    const staging = find((await built(text, "staging")).objects, "StatefulSet", "shop");
    expect(at(staging, "/spec/volumeClaimTemplates/0/spec")).toEqual({
      accessModes: ["ReadWriteOnce"],
      storageClassName: "ebs-gp3",
      resources: { requests: { storage: "10Gi" } },
    });
    const prodBuild = await built(text, "prod");
    const prod = find(prodBuild.objects, "StatefulSet", "shop");
    expect(at(prod, "/spec/volumeClaimTemplates/0/spec/storageClassName")).toBe("ebs-io2");
    expect(at(prod, "/spec/volumeClaimTemplates/0/spec/resources/requests/storage")).toBe("50Gi");
    const why = prodBuild.decisions.find((d) => d.path === "/spec/volumeClaimTemplates/0");
    expect(why?.why).toBe(
      "a 50Gi ReadWriteOnce PersistentVolumeClaim per replica on storage class ebs-io2 in prod",
    );
    expect(why?.loc?.line).toBe(17);
  });

  it("an override naming no volume is refused with a suggestion", async () => {
    const b = await build(text.replace("storage: {data: emptyDir}", "storage: {date: emptyDir}"), "dev");
    expect(messages(b)).toEqual([
      "13: storage override `date` names no volume of the app (data) — did you mean `data`?",
    ]);
  });

  it("`kintent set storage data --env dev --empty-dir` writes the override", async () => {
    const dir = intentDir({
      "kintent.yaml": app("  storage:\n    - {name: data, path: /data, size: 10Gi}\n"),
      "platform.yaml": PLATFORM,
    });
    const r = await runCli(["set", "storage", "data", "--env", "dev", "--empty-dir", "--dir", dir]);
    expect(r.code, r.stderr).toBe(0);
    const b = (await openProject(dir)).build("dev");
    expect(at(find(b.objects, "StatefulSet", "shop"), "/spec/volumeClaimTemplates")).toBeUndefined();
    const prod = (await openProject(dir)).build("prod");
    expect(at(find(prod.objects, "StatefulSet", "shop"), "/spec/volumeClaimTemplates/0/metadata/name")).toBe(
      "data",
    );
  });
});

describe("registry auth per platform", () => {
  const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  const ecrApp = app("").replace("ghcr.io/acme/shop:1.4.2", `${ECR}/shop:1.4.2`);

  it("an ECR image without a pull secret is an error … unless the platform says the nodes pull with their role", async () => {
    const without = await build(ecrApp, "prod");
    expect(without.findings.map((f) => f.checkId)).toContain("private-registry-pull-secret");

    const platform = PLATFORM.replace(
      "spec:\n",
      `spec:\n  registries:\n    ${ECR}: {auth: node-role, why: "EKS nodes pull with their IAM role (AmazonEC2ContainerRegistryReadOnly)"}\n`,
    );
    const b = await built(ecrApp, "prod", platform);
    expect(b.findings.map((f) => f.checkId)).not.toContain("private-registry-pull-secret");
    expect(at(find(b.objects, "Deployment", "shop"), "/spec/template/spec/imagePullSecrets")).toBeUndefined();
    const page = renderRunbook({ app: b.apps[0]!.app, result: b.apps[0]!.result, sources: ["kintent.yaml"] });
    expect(page).toContain(
      `${ECR} authenticates with node-role: the nodes pull with their own cloud identity`,
    );
  });

  it("a pull-secret registry gives its pods the secret; an environment overrides the platform", async () => {
    const platform = PLATFORM.replace(
      "spec:\n",
      "spec:\n  registries:\n    ghcr.io/acme: {auth: pull-secret, pullSecret: ghcr-acme}\n",
    ).replace(
      "    dev: {cluster: https://kubernetes.default.svc, namespace: shop-dev, tier: dev}",
      "    dev: {cluster: https://kubernetes.default.svc, namespace: shop-dev, tier: dev, registries: {ghcr.io/acme: {auth: workload-identity}}}",
    );
    const prod = await built(app(""), "prod", platform);
    expect(at(find(prod.objects, "Deployment", "shop"), "/spec/template/spec/imagePullSecrets")).toEqual([
      { name: "ghcr-acme" },
    ]);
    const dev = await built(app(""), "dev", platform);
    expect(
      at(find(dev.objects, "Deployment", "shop"), "/spec/template/spec/imagePullSecrets"),
    ).toBeUndefined();
    expect(dev.findings.map((f) => f.checkId)).not.toContain("private-registry-pull-secret");
  });

  it("a registry the platform marks pull-secret needs a secret even when it is not a well-known private one", async () => {
    const platform = PLATFORM.replace("spec:\n", "spec:\n  registries:\n    ghcr.io: {auth: pull-secret}\n");
    const b = await build(app(""), "prod", platform);
    expect(b.findings.filter((f) => f.checkId === "private-registry-pull-secret")).toHaveLength(1);
  });

  it("refuses a pullSecret that would never be used", async () => {
    const platform = PLATFORM.replace(
      "spec:\n",
      "spec:\n  registries:\n    ghcr.io: {auth: node-role, pullSecret: ghcr}\n",
    );
    const b = await build(app(""), "prod", platform);
    expect(messages(b).join("\n")).toMatch(
      /ghcr\.io authenticates with node-role, so `pullSecret` would never be used/,
    );
  });
});

describe("the runbook", () => {
  it("shows the container's arguments with their line and why, and a verification per object", async () => {
    const b = await built(
      app(`  args: [server, --secure=false, --auth-mode=server]
  why:
    args: "TLS ends at the ingress; the UI runs with the server's own ServiceAccount."
    probe: "the UI answers / only once it can reach the Kubernetes API"
`),
      "prod",
    );
    const a = b.apps[0]!;
    const page = renderRunbook({ app: a.app, result: a.result, sources: ["kintent.yaml"] });
    expect(page).toContain("| Arguments | `server --secure=false --auth-mode=server` |");
    expect(page).toContain(
      "- `spec.template.spec.containers[0].args`: started with the arguments `server --secure=false --auth-mode=server` — TLS ends at the ingress; the UI runs with the server's own ServiceAccount. _(kintent.yaml:9)_",
    );
    // One liveness bullet, carrying the probe's why.
    const liveness = page.split("\n").filter((l) => l.includes("containers[0].livenessProbe"));
    expect(liveness).toHaveLength(1);
    expect(liveness[0]).toContain("the UI answers / only once it can reach the Kubernetes API");
    const sections = page.split("\n### ").slice(1);
    expect(sections.length).toBe(a.result.objects.length);
    for (const s of sections) expect(s, s.split("\n")[0]).toMatch(/\nVerify: `kubectl [^`]+` — /);
  });
});

describe("claudernetes' Redis instruction, as intent (no extra/)", () => {
  it("a Redis StatefulSet with PVCs, a ConfigMap, a headless Service, a PDB and a NetworkPolicy", async () => {
    const b = await built(
      `apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: redis}
spec:
  image: docker.io/library/redis:7.4.1
  args: [/etc/redis/redis.conf]
  replicas: 3
  port: 6379
  probe: {exec: [redis-cli, ping]}
  service: {headless: true}
  files:
    /etc/redis/redis.conf: |
      appendonly yes
      dir /data
  storage: [{name: data, path: /data, size: 8Gi}]
  network:
    allowFrom: [{app: shop}]
`,
      "prod",
    );
    expect(b.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining([
        "ConfigMap/redis-files",
        "Service/redis",
        "StatefulSet/redis",
        "PodDisruptionBudget/redis",
        "NetworkPolicy/redis",
      ]),
    );
    const sts = find(b.objects, "StatefulSet", "redis");
    expect(at(sts, "/spec/serviceName")).toBe("redis");
    expect(at(sts, "/spec/volumeClaimTemplates/0/metadata/name")).toBe("data");
    expect(at(find(b.objects, "Service", "redis"), "/spec/clusterIP")).toBe("None");
  });
});
