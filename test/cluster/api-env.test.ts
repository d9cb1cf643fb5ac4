import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  crdCorpusDir,
  dryRunApply,
  installCrds,
  kubeRequest,
  loadCrds,
  skipClusterTests,
  startApiEnv,
} from "../harness/index.js";
import type { ApiEnv, DryRunResult, KubeObject } from "../harness/index.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { bundleDir, collectSchemaBundle, staleBundleFiles } from "../../scripts/gen-schemas.js";
import { exampleCrdDirs, exampleEnvironments, exampleNames, runCli } from "../helpers.js";

function deployment(
  overrides: { spec?: Record<string, unknown>; container?: Record<string, unknown> } = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "dry-run" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "nginx:1.27", ...overrides.container }] },
      },
      ...overrides.spec,
    },
  };
}

function only(results: DryRunResult[]): DryRunResult {
  expect(results).toHaveLength(1);
  const [result] = results;
  if (!result) throw new Error("no result");
  return result;
}

describe.skipIf(skipClusterTests)("api environment: etcd + kube-apiserver + the CRD corpus", () => {
  let env: ApiEnv;

  beforeAll(async () => {
    env = await startApiEnv();
  });

  afterAll(async () => {
    await env?.stop();
  });

  it("runs the Kubernetes version the tools script builds and writes a usable kubeconfig", () => {
    expect(env.kubernetesVersion).toMatch(/^v1\.3[3-9]\.\d+$/);
    expect(env.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(env.kubeconfigPath).toContain(env.dir);
  });

  it("installs every CustomResourceDefinition of the corpus", () => {
    const expected = loadCrds(crdCorpusDir()).map((c) => c.name);
    expect(env.crds).toEqual(expected);
    expect(env.crds).toEqual(
      expect.arrayContaining([
        "certificates.cert-manager.io",
        "ingressroutes.traefik.io",
        "rollouts.argoproj.io",
        "applications.argoproj.io",
        "httproutes.gateway.networking.k8s.io",
      ]),
    );
  });

  it("rejects an unknown field with the server's message", async () => {
    const result = only(await dryRunApply(env, [deployment({ container: { imagePullPolicyy: "Always" } })]));
    expect(result.ok).toBe(false);
    expect(result.message).toContain('.spec.template.spec.containers[name="web"].imagePullPolicyy');
    expect(result.message).toContain("field not declared in schema");
  });

  it("rejects a wrong type with the server's message", async () => {
    const result = only(await dryRunApply(env, [deployment({ spec: { replicas: "two" } })]));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/\.spec\.replicas: expected numeric/);
  });

  it("rejects unknown fields with strict decoding in create mode as well", async () => {
    const result = only(
      await dryRunApply(env, [deployment({ spec: { strategy: { type: "Recreate", bogus: 1 } } })], {
        mode: "create",
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.reason).toBe("BadRequest");
    expect(result.message).toContain('strict decoding error: unknown field "spec.strategy.bogus"');
  });

  it("rejects an object that fails the server's own validation", async () => {
    const result = only(
      await dryRunApply(env, [deployment({ spec: { selector: { matchLabels: { app: "other" } } } })]),
    );
    expect(result.ok).toBe(false);
    expect(result.reason).toBe("Invalid");
    expect(result.causes.map((c) => c.field)).toContain("spec.template.metadata.labels");
  });

  it("accepts valid core objects and persists nothing but their namespace", async () => {
    const objects: KubeObject[] = [
      deployment(),
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", namespace: "dry-run" },
        spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
      },
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "web", namespace: "dry-run" },
        data: { a: "b" },
      },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "one-off", namespace: "dry-run" },
        spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
      },
    ];
    const results = await dryRunApply(env, objects);
    expect(results.map((r) => [r.object.kind, r.ok, r.message])).toEqual([
      ["Deployment", true, undefined],
      ["Service", true, undefined],
      ["ConfigMap", true, undefined],
      ["Pod", true, undefined],
    ]);
    const res = await kubeRequest(env.kubeConfig, "/apis/apps/v1/namespaces/dry-run/deployments/web");
    expect(res.status).toBe(404);
  });

  it("accepts valid custom resources and enforces their CRD schemas", async () => {
    const certificate: KubeObject = {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: "web-tls", namespace: "crds" },
      spec: {
        secretName: "web-tls",
        dnsNames: ["web.example.com"],
        issuerRef: { name: "letsencrypt-prod", kind: "ClusterIssuer" },
      },
    };
    const ingressRoute: KubeObject = {
      apiVersion: "traefik.io/v1alpha1",
      kind: "IngressRoute",
      metadata: { name: "web", namespace: "crds" },
      spec: {
        entryPoints: ["websecure"],
        routes: [{ match: "Host(`web.example.com`)", kind: "Rule", services: [{ name: "web", port: 80 }] }],
        tls: { secretName: "web-tls" },
      },
    };
    const rollout: KubeObject = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: "web", namespace: "crds" },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
        },
        strategy: {
          canary: { steps: [{ setWeight: 20 }, { pause: { duration: "2m" } }, { setWeight: 50 }] },
        },
      },
    };
    const valid = await dryRunApply(env, [certificate, ingressRoute, rollout]);
    expect(valid.map((r) => [r.object.kind, r.ok, r.message])).toEqual([
      ["Certificate", true, undefined],
      ["IngressRoute", true, undefined],
      ["Rollout", true, undefined],
    ]);

    // One mistake per object: for custom resources the server may stop at the first error it finds.
    const [unknownField, wrongType] = await dryRunApply(env, [
      { ...certificate, spec: { ...(certificate.spec as object), dnsNamez: ["x"] } },
      { ...certificate, spec: { ...(certificate.spec as object), renewBeforePercentage: "thirty" } },
    ]);
    expect(unknownField?.ok).toBe(false);
    expect(unknownField?.message).toContain(".spec.dnsNamez: field not declared in schema");
    expect(wrongType?.ok).toBe(false);
    expect(wrongType?.message).toContain(".spec.renewBeforePercentage: expected numeric");
  });

  it("says when a kind is not served at all", async () => {
    const result = only(
      await dryRunApply(env, [{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }]),
    );
    expect(result).toMatchObject({ ok: false, status: 0, reason: "NotServed" });
  });

  it("publishes exactly the committed offline schema bundle (schemas/ is reproducible)", async () => {
    const files = await collectSchemaBundle(env, {
      crdsDir: crdCorpusDir(),
      descriptions: "first-sentence",
      gatewayApiChannel: "standard",
    });
    expect(files.size).toBeGreaterThan(20);
    const stale = staleBundleFiles(bundleDir(env.kubernetesVersion), files);
    expect(stale, "schemas/ is out of date: run `npx tsx scripts/gen-schemas.ts`").toEqual([]);
  });

  it("what no example shows passes too: Gateway API header filters per backend, a headless StatefulSet with an emptyDir, a NodePort", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kintent-dry-run-"));
    try {
      writeFileSync(
        join(dir, "platform.yaml"),
        [
          "apiVersion: kintent.dev/v1alpha1",
          "kind: Platform",
          "metadata: {name: gw}",
          "spec:",
          "  ingress: {kind: gateway, gateway: {name: public, namespace: gateway-system}}",
          "  progressiveDelivery: gateway-weighted",
          "  environments:",
          "    dev: {cluster: https://kubernetes.default.svc, namespace: gaps}",
          "",
        ].join("\n"),
      );
      writeFileSync(
        join(dir, "web.kintent.yaml"),
        [
          "apiVersion: kintent.dev/v1alpha1",
          "kind: App",
          "metadata: {name: web}",
          "spec:",
          "  image: ghcr.io/acme/web:1.0.0",
          "  port: 8080",
          "  probe: /",
          "  expose: {host: web.acme.io, responseHeaders: {X-Track: stable}}",
          "  service: {type: NodePort, externalTrafficPolicy: Local}",
          "  rollout:",
          "    canary: {image: ghcr.io/acme/web:1.1.0, weight: 10, responseHeaders: {X-Track: canary}}",
          "---",
          "apiVersion: kintent.dev/v1alpha1",
          "kind: App",
          "metadata: {name: redis}",
          "spec:",
          "  image: docker.io/library/redis:7.4.1",
          "  port: 6379",
          "  probe: {tcp: 6379}",
          "  service: {headless: true}",
          "  storage: [{name: data, path: /data, size: 1Gi}]",
          "  environments:",
          "    dev: {storage: {data: emptyDir}}",
          "",
        ].join("\n"),
      );
      const run = await runCli(["build", dir, "--env", "dev"]);
      expect(run.code, run.stderr).toBe(0);
      const objects = parseAllDocuments(run.stdout)
        .map((d) => d.toJS() as KubeObject | null)
        .filter((o): o is KubeObject => o !== null);
      expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(["HTTPRoute", "StatefulSet"]));
      const rejected = (await dryRunApply(env, objects))
        .filter((r) => !r.ok || r.warnings.length > 0)
        .map((r) => `${r.object.kind} ${r.object.name}: ${r.message ?? r.warnings.join("; ")}`);
      expect(rejected).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.each(exampleNames())("example %s", (example) => {
    beforeAll(async () => {
      // After the schema-bundle test above: the bundle is the corpus's CRDs only.
      for (const dir of exampleCrdDirs(example)) await installCrds(env.kubeConfig, dir);
    });

    it.each(exampleEnvironments(example))(
      "env %s: every object `kintent build` emits passes server-side dry run with strict validation",
      async (environment) => {
        const run = await runCli(["build", `examples/${example}`, "--env", environment]);
        expect(run.code, run.stderr).toBe(0);
        const objects = parseAllDocuments(run.stdout)
          .map((d) => d.toJS() as KubeObject | null)
          .filter((o): o is KubeObject => o !== null);
        expect(objects.length).toBeGreaterThan(2);
        const rejected = (await dryRunApply(env, objects))
          .filter((r) => !r.ok || r.warnings.length > 0)
          .map(
            (r) =>
              `${r.object.kind} ${r.object.namespace ?? ""}/${r.object.name}: ${r.message ?? r.warnings.join("; ")}`,
          );
        expect(rejected).toEqual([]);
      },
    );
  });
});
