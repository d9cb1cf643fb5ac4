/**
 * Argo CD Applications and ApplicationSets: sync policy per environment, sources (GitOps path or the kintent
 * plugin), the ApplicationSet expanded by a real Go template engine (helm's `tpl`), the GitOps checklist of the
 * validator, and the real API server with the Argo CD CRDs (server-side dry run).
 */
import type { KObject } from "../../src/core/object.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { AppEnvironments } from "../../src/compile/types.js";
import {
  ArgoSourceError,
  SYNC_OPTIONS,
  applicationFacts,
  renderApplication,
  renderApplicationSet,
  renderApplications,
  syncPolicy,
} from "../../src/render/argocd.js";
import type { ArgoOptions } from "../../src/render/argocd.js";
import { writeDirAtomic } from "../../src/render/files.js";
import { validateObjects } from "../../src/validate/index.js";
import { dryRunApply, skipClusterTests, startApiEnv } from "../harness/index.js";
import type { ApiEnv } from "../harness/index.js";
import { exampleBuilds, exampleNames } from "../helpers.js";
import { byIdentity, helmBinary, parseObjects, runOk, tempDir } from "./tools.js";

const REPO = "https://git.acme.io/platform/gitops.git";

const BUILT = await exampleBuilds();

function appsOf(example: string): AppEnvironments[] {
  const c = BUILT.get(example);
  if (!c) throw new Error(`no example ${example}`);
  expect(c.errors).toEqual([]);
  return c.apps;
}

const spec = (o: KObject) => o.spec as Record<string, Record<string, unknown>>;

describe("sync policy", () => {
  it.each([
    [{ auto: true, prune: true, selfHeal: true }, { automated: { prune: true, selfHeal: true } }],
    [{ auto: true, prune: false, selfHeal: true }, { automated: { prune: false, selfHeal: true } }],
    [{ auto: true, prune: true, selfHeal: false }, { automated: { prune: true, selfHeal: false } }],
    [{ auto: false, prune: false, selfHeal: false }, {}],
  ])("%o → %o plus CreateNamespace and PruneLast", (sync, expected) => {
    expect(syncPolicy(sync)).toEqual({
      ...expected,
      syncOptions: ["CreateNamespace=true", "PruneLast=true"],
    });
  });
});

describe("multi-env Applications", () => {
  const apps = appsOf("multi-env");
  const list = renderApplications(apps);
  const byEnv = (env: string) => list.find((a) => a.metadata.name === `agent-runner-${env}`) as KObject;

  it("one Application per environment, in the argocd namespace, pointing at the GitOps path propose writes", () => {
    expect(list.map((a) => a.metadata.name)).toEqual([
      "agent-runner-dev",
      "agent-runner-staging",
      "agent-runner-prod",
    ]);
    for (const env of ["dev", "staging", "prod"]) {
      const a = byEnv(env);
      expect(a.metadata.namespace).toBe("argocd");
      expect(spec(a).source).toEqual({
        repoURL: "https://github.com/acme/gitops.git",
        targetRevision: "main",
        path: `apps/agent-runner/${env}`,
      });
      expect(spec(a).project).toBe("default");
      expect(spec(a).syncPolicy?.syncOptions).toEqual([...SYNC_OPTIONS]);
    }
  });

  it("dev/staging/prod differ in cluster, namespace and sync policy exactly as platform.yaml says", () => {
    expect(spec(byEnv("dev")).destination).toEqual({
      server: "https://kubernetes.default.svc",
      namespace: "agents-dev",
    });
    expect(spec(byEnv("staging")).destination).toEqual({
      server: "https://staging-eks.acme.internal",
      namespace: "agents-staging",
    });
    expect(spec(byEnv("prod")).destination).toEqual({
      server: "https://prod-eks.acme.internal",
      namespace: "agents",
    });
    expect(spec(byEnv("dev")).syncPolicy?.automated).toEqual({ prune: true, selfHeal: true });
    expect(spec(byEnv("staging")).syncPolicy?.automated).toEqual({ prune: false, selfHeal: true });
    expect(spec(byEnv("prod")).syncPolicy).not.toHaveProperty("automated");
  });

  it("the plugin source serves the intent directory with KINTENT_ENV", () => {
    const a = renderApplication(apps[0]?.environments[2]?.app as never, { pluginPath: "examples/multi-env" });
    expect(spec(a).source).toEqual({
      repoURL: "https://github.com/acme/gitops.git",
      targetRevision: "main",
      path: "examples/multi-env",
      plugin: { name: "kintent", env: [{ name: "KINTENT_ENV", value: "prod" }] },
    });
  });
});

describe("multi-env ApplicationSet", () => {
  const apps = appsOf("multi-env");
  const set = renderApplicationSet(apps[0] as AppEnvironments);
  const elements =
    (spec(set).generators as unknown as { list: { elements: Record<string, unknown>[] } }[])[0]?.list
      .elements ?? [];
  const el = (env: string) => elements.find((e) => e.env === env) as Record<string, unknown>;
  const summary = (env: string) => el(env).summary as Record<string, string>;

  it("has one list element per environment, in platform order", () => {
    expect(elements.map((e) => e.env)).toEqual(["dev", "staging", "prod"]);
    expect(spec(set).goTemplate).toBe(true);
    expect(spec(set).syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
  });

  it("dev/staging/prod differ in cluster, registry, pull secret, replicas, memory, sync policy and node affinity exactly as platform.yaml says", () => {
    expect(elements.map((e) => e.cluster)).toEqual([
      "https://kubernetes.default.svc",
      "https://staging-eks.acme.internal",
      "https://prod-eks.acme.internal",
    ]);
    expect(summary("dev")["summary.kintent.dev/image"]).toBe("ghcr.io/acme/agent-runner:3.2.0");
    expect(summary("staging")["summary.kintent.dev/image"]).toBe(
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/agent-runner:3.2.0",
    );
    expect(summary("prod")["summary.kintent.dev/image"]).toBe(
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/agent-runner:3.2.0",
    );
    expect(summary("dev")).not.toHaveProperty("summary.kintent.dev/image-pull-secrets");
    expect(summary("staging")["summary.kintent.dev/image-pull-secrets"]).toBe("ecr-staging");
    expect(summary("prod")["summary.kintent.dev/image-pull-secrets"]).toBe("ecr-prod");
    expect(["dev", "staging", "prod"].map((e) => summary(e)["summary.kintent.dev/replicas"])).toEqual([
      "1",
      "2",
      "3",
    ]);
    expect(["dev", "staging", "prod"].map((e) => summary(e)["summary.kintent.dev/memory"])).toEqual([
      "128Mi/256Mi",
      "512Mi/1Gi",
      "512Mi/2Gi",
    ]);
    expect(["dev", "staging", "prod"].map((e) => [el(e).automated, el(e).prune, el(e).selfHeal])).toEqual([
      [true, true, true],
      [true, false, true],
      [false, false, false],
    ]);
    expect(summary("dev")).not.toHaveProperty("summary.kintent.dev/node-affinity");
    expect(summary("staging")).not.toHaveProperty("summary.kintent.dev/node-affinity");
    expect(summary("prod")["summary.kintent.dev/node-affinity"]).toBe("workload=agents");
    expect(["dev", "staging", "prod"].map((e) => summary(e)["summary.kintent.dev/storage-class"])).toEqual([
      "standard",
      "gp3",
      "gp3-encrypted",
    ]);
  });

  it("the manifests each Application deploys differ the same way (what the summary says is what is deployed)", () => {
    for (const e of apps[0]?.environments ?? []) {
      const sts = e.result.objects.find((o) => o.kind === "StatefulSet") as KObject;
      const pod = (sts.spec as { template: { spec: Record<string, unknown> } }).template.spec;
      const c = (pod.containers as Record<string, unknown>[])[0] as {
        image: string;
        resources: { requests: { memory: string }; limits: { memory: string } };
      };
      expect(summary(e.env)["summary.kintent.dev/image"]).toBe(c.image);
      expect(summary(e.env)["summary.kintent.dev/replicas"]).toBe(
        String((sts.spec as { replicas: number }).replicas),
      );
      expect(summary(e.env)["summary.kintent.dev/memory"]).toBe(
        `${c.resources.requests.memory}/${c.resources.limits.memory}`,
      );
      const secrets = ((pod.imagePullSecrets ?? []) as { name: string }[]).map((s) => s.name).join(",");
      expect(summary(e.env)["summary.kintent.dev/image-pull-secrets"] ?? "").toBe(secrets);
    }
  });

  it("expanded by a real Go template engine (helm's tpl, Sprig like Argo CD), yields exactly the per-environment Applications", () => {
    const helm = helmBinary();
    const dir = tempDir("kintent-appset-");
    try {
      writeDirAtomic(
        join(dir.path, "c"),
        new Map([
          ["Chart.yaml", "apiVersion: v2\nname: expand\nversion: 0.1.0\n"],
          ["values.yaml", `${JSON.stringify({ appset: set })}\n`],
          [
            "templates/expand.yaml",
            [
              "{{- $set := .Values.appset }}",
              "{{- range $e := (index $set.spec.generators 0).list.elements }}",
              "---",
              "{{- $app := tpl (toJson $set.spec.template) $e | fromJson }}",
              "{{- $patch := tpl $set.spec.templatePatch $e | fromYaml }}",
              "{{ mustMergeOverwrite $app $patch | toYaml }}",
              "{{- end }}",
              "",
            ].join("\n"),
          ],
        ]),
      );
      // The template holds metadata and spec; Argo CD adds apiVersion and kind to what it generates.
      const expanded = parseObjects(runOk(helm, ["template", "x", join(dir.path, "c")])).map((o) => {
        expect(Object.keys(o).sort()).toEqual(["metadata", "spec"]);
        return { ...o, apiVersion: "argoproj.io/v1alpha1", kind: "Application" };
      });
      expect(expanded).toHaveLength(3);
      expect(byIdentity(expanded as KObject[])).toStrictEqual(byIdentity(renderApplications(apps)));
    } finally {
      dir.remove();
    }
  });

  it("passes the validator's GitOps checklist, and fails it with a placeholder cluster URL", () => {
    const ok = validateObjects([{ object: set }]);
    expect(ok.findings.filter((f) => f.severity === "error")).toEqual([]);
    const bad = structuredClone(set);
    const els =
      (spec(bad).generators as unknown as { list: { elements: Record<string, unknown>[] } }[])[0]?.list
        .elements ?? [];
    (els[2] as Record<string, unknown>).cluster = "https://my-cluster.example.com";
    const r = validateObjects([{ object: bad }]);
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.checkId)).toContain(
      "placeholder-values",
    );
    const apps2 = renderApplications(apps);
    expect(
      validateObjects(apps2.map((object) => ({ object }))).findings.filter((f) => f.severity === "error"),
    ).toEqual([]);
  });
});

describe("sources", () => {
  it("refuses to invent a repository: without platform.gitops.repo or --repo it is a usage error", () => {
    const apps = appsOf("traefik-canary");
    expect(() => renderApplications(apps)).toThrow(ArgoSourceError);
    expect(() => renderApplications(apps)).toThrow(/platform\.spec\.gitops\.repo/);
    const [a] = renderApplications(apps, { repo: REPO });
    expect(spec(a as KObject).source?.repoURL).toBe(REPO);
  });

  it("fills the platform's path template and revision", () => {
    const apps = appsOf("production");
    const app = apps[0]?.environments[0]?.app;
    if (!app) throw new Error("no app");
    const f = applicationFacts({
      ...app,
      platform: {
        ...app.platform,
        gitops: { repo: REPO, path: "clusters/{env}/{app}", revision: "release" },
      },
    });
    expect(f).toMatchObject({
      name: "my-service-prod",
      path: "clusters/prod/my-service",
      targetRevision: "release",
      mode: "git",
    });
  });
});

describe.skipIf(skipClusterTests)("Argo CD objects against the API server with the Argo CD CRDs", () => {
  let env: ApiEnv;
  beforeAll(async () => {
    env = await startApiEnv();
    expect(env.crds).toEqual(
      expect.arrayContaining(["applications.argoproj.io", "applicationsets.argoproj.io"]),
    );
  });
  afterAll(async () => {
    await env?.stop();
  });

  const variants: [string, ArgoOptions][] = [
    ["git path", { repo: REPO }],
    ["plugin", { repo: REPO, pluginPath: "apps/intent" }],
  ];

  it.each(exampleNames().flatMap((ex) => variants.map(([label, o]) => [ex, label, o] as const)))(
    "%s (%s): every Application and the ApplicationSet pass strict server-side dry run",
    async (example, _label, options) => {
      const apps = appsOf(example);
      const objects = [
        ...renderApplications(apps, options),
        ...apps.map((a) => renderApplicationSet(a, options)),
      ];
      const results = await dryRunApply(env, objects);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.flatMap((r) => r.warnings)).toEqual([]);
      expect(results).toHaveLength(objects.length);
    },
  );

  it("the API server does reject a malformed Application (the CRD schema is in force)", async () => {
    const [a] = renderApplications(appsOf("multi-env"));
    const bad = structuredClone(a as KObject);
    (bad.spec as Record<string, Record<string, unknown>>).syncPolicy = { automated: { prune: "yes" } };
    const [r] = await dryRunApply(env, [bad]);
    expect(r?.ok).toBe(false);
    expect(r?.message).toMatch(/prune/);
  });
});
