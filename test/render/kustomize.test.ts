/**
 * Kustomize base + overlays against real `kubectl kustomize`: every overlay of every example renders exactly
 * what `kintent build --env` renders, and the overlays hold only what differs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { parse } from "yaml";
import type { AppEnvironments } from "../../src/compile/types.js";
import type { KObject } from "../../src/core/object.js";
import { UsageError } from "../../src/core/errors.js";
import { addOps, renderKustomize } from "../../src/render/kustomize.js";
import type { PatchOp } from "../../src/render/kustomize.js";
import { writeDirAtomic } from "../../src/render/files.js";
import { buildExample, exampleBuilds, exampleEnvironments, exampleNames } from "../helpers.js";
import { byIdentity, kubectlBinary, parseObjects, runOk, tempDir } from "./tools.js";
import { EXTRAS_ENVS, withDuplicate, withPartialExtras, loadExtrasFixture } from "./extras-fixture.js";

const { app: EXTRAS_APP, intent: EXTRAS_INTENT, built } = await loadExtrasFixture();

const BUILT = await exampleBuilds();

function render(example: string): Map<string, string> {
  const c = BUILT.get(example);
  if (!c) throw new Error(`no example ${example}`);
  return renderKustomize({
    apps: c.apps,
    environments: c.environments.map((e) => e.environment),
    sources: ["kintent.yaml", "platform.yaml"],
  });
}

const kubectl = kubectlBinary();

describe.each(exampleNames())("Kustomize of example %s", (example) => {
  const envs = exampleEnvironments(example);
  let dir: { path: string; remove: () => void };
  let files: Map<string, string>;

  beforeAll(() => {
    files = render(example);
    dir = tempDir("kintent-kustomize-");
    writeDirAtomic(join(dir.path, "k"), files);
  });
  afterAll(() => dir?.remove());

  it.each(envs)("kubectl kustomize overlays/%s equals kintent build --env", async (env) => {
    const out = runOk(kubectl, ["kustomize", join(dir.path, "k", "overlays", env)]);
    const expected = (await buildExample(example, env)).objects;
    expect(expected.length).toBeGreaterThan(2);
    expect(byIdentity(parseObjects(out))).toStrictEqual(byIdentity(expected));
  });

  it("puts every object every environment shares in base/, and nothing else", () => {
    const base = parse(files.get("base/kustomization.yaml") ?? "") as { resources: string[] };
    expect(base.resources.length).toBeGreaterThan(0);
    for (const r of base.resources) expect(files.has(`base/${r}`), r).toBe(true);
    if (envs.length === 1) {
      const overlay = parse(files.get(`overlays/${envs[0] ?? ""}/kustomization.yaml`) ?? "") as Record<
        string,
        unknown
      >;
      expect(overlay.resources).toEqual(["../../base"]);
      expect(overlay.patches).toBeUndefined();
    }
  });
});

describe("multi-env overlays", () => {
  const files = render("multi-env");
  const overlay = (env: string) =>
    parse(files.get(`overlays/${env}/kustomization.yaml`) ?? "") as {
      resources: string[];
      patches?: { path: string; target: Record<string, string> }[];
    };
  const ops = (env: string, file: string) =>
    parse(files.get(`overlays/${env}/patches/${file}`) ?? "[]") as PatchOp[];

  it("adds objects only some environments have in those overlays (PDB and NetworkPolicy: staging and prod)", () => {
    expect(overlay("dev").resources).toEqual(["../../base"]);
    for (const env of ["staging", "prod"])
      expect(overlay(env).resources).toEqual([
        "../../base",
        "poddisruptionbudget-agent-runner.yaml",
        "networkpolicy-agent-runner.yaml",
      ]);
    expect([...files.keys()].filter((f) => f.startsWith("base/poddisruptionbudget"))).toEqual([]);
  });

  it("keeps environment-specific values out of base and patches exactly the differing fields", () => {
    const base = files.get("base/statefulset-agent-runner.yaml") ?? "";
    for (const v of ["agents-dev", "ecr-", "gp3", "standard", "replicas:", "123456789012", "workload"])
      expect(base, v).not.toContain(v);
    expect(base).toContain("readinessProbe");
    const prod = ops("prod", "statefulset-agent-runner.yaml");
    expect(prod.every((o) => o.op === "add")).toBe(true);
    expect(prod.map((o) => o.path)).toEqual([
      "/metadata/namespace",
      "/metadata/labels/kintent.dev~1environment",
      "/metadata/labels/kintent.dev~1tier",
      "/spec/replicas",
      "/spec/template/metadata/labels/kintent.dev~1environment",
      "/spec/template/metadata/labels/kintent.dev~1tier",
      "/spec/template/spec/imagePullSecrets",
      "/spec/template/spec/affinity",
      "/spec/template/spec/tolerations",
      "/spec/template/spec/topologySpreadConstraints",
      "/spec/template/spec/containers/0/image",
      "/spec/template/spec/containers/0/resources",
      "/spec/volumeClaimTemplates/0/spec/storageClassName",
    ]);
    expect(prod.find((o) => o.path === "/spec/replicas")?.value).toBe(3);
    expect(prod.find((o) => o.path.endsWith("/image"))?.value).toBe(
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/agent-runner:3.2.0",
    );
    expect(files.get("overlays/prod/patches/statefulset-agent-runner.yaml")).toContain(
      "# why: registry credentials for prod",
    );
    const dev = ops("dev", "statefulset-agent-runner.yaml").map((o) => o.path);
    expect(dev).not.toContain("/spec/template/spec/imagePullSecrets");
    expect(dev).not.toContain("/spec/template/spec/affinity");
  });

  it("targets patches by group, version, kind and name", () => {
    expect(overlay("prod").patches).toContainEqual({
      path: "patches/statefulset-agent-runner.yaml",
      target: { group: "apps", version: "v1", kind: "StatefulSet", name: "agent-runner" },
    });
  });
});

describe("addOps", () => {
  it("adds missing keys, recurses into maps and same-length lists, and refuses a base that is not a subset", () => {
    expect(addOps({ a: 1, m: { x: 1 } }, { a: 1, m: { x: 1, y: 2 }, n: [1] })).toEqual([
      { op: "add", path: "/m/y", value: 2 },
      { op: "add", path: "/n", value: [1] },
    ]);
    expect(addOps({ l: [{ name: "a" }] }, { l: [{ name: "a", v: "x/y" }] })).toEqual([
      { op: "add", path: "/l/0/v", value: "x/y" },
    ]);
    expect(addOps({ "a/b": {} }, { "a/b": { c: 1 } })).toEqual([{ op: "add", path: "/a~1b/c", value: 1 }]);
    expect(() => addOps({ a: 1 }, { a: 2 })).toThrow(/not a subset/);
  });
});

describe("extra manifests (test/fixtures/extras)", () => {
  const render = (app: AppEnvironments) =>
    renderKustomize({ apps: [app], environments: [...EXTRAS_ENVS], sources: EXTRAS_INTENT.files });
  const app = EXTRAS_APP;
  const files = render(app);
  const base = () => parse(files.get("base/kustomization.yaml") ?? "") as { resources: string[] };
  const overlay = (f: Map<string, string>, env: string) =>
    parse(f.get(`overlays/${env}/kustomization.yaml`) ?? "") as {
      resources: string[];
      patches?: { path: string; target: Record<string, string> }[];
    };
  const ops = (env: string, file: string) =>
    parse(files.get(`overlays/${env}/patches/${file}`) ?? "[]") as PatchOp[];
  let dir: { path: string; remove: () => void };

  beforeAll(() => {
    dir = tempDir("kintent-kustomize-extras-");
    writeDirAtomic(join(dir.path, "k"), files);
  });
  afterAll(() => dir?.remove());

  it.each(EXTRAS_ENVS)("kubectl kustomize overlays/%s equals kintent build --env, extras included", (env) => {
    const out = runOk(kubectl, ["kustomize", join(dir.path, "k", "overlays", env)]);
    const expected = built(env);
    expect(
      expected.filter((o) => o.metadata.labels?.["app.kubernetes.io/part-of"] === "orders"),
    ).toHaveLength(9);
    expect(byIdentity(parseObjects(out))).toStrictEqual(byIdentity(expected));
  });

  it("puts the extras every environment has in base/, with what they share and their why", () => {
    expect(base().resources).toEqual(
      expect.arrayContaining([
        "configmap-redis-config.yaml",
        "service-redis.yaml",
        "service-redis-headless.yaml",
        "statefulset-redis.yaml",
        "poddisruptionbudget-redis.yaml",
        "networkpolicy-redis.yaml",
        "configmap-orders-dashboard.yaml",
        "configmap-orders-feature-flags.yaml",
        "priorityclass-orders-critical.yaml",
      ]),
    );
    const obj = (file: string) => parse(files.get(`base/${file}`) ?? "") as KObject;
    // Placed in each environment's namespace: the namespace is the overlays'.
    expect(obj("statefulset-redis.yaml").metadata.namespace).toBeUndefined();
    // Written in the file: the same everywhere, even where it is also an environment's namespace.
    expect(obj("configmap-orders-dashboard.yaml").metadata.namespace).toBe("monitoring");
    expect(obj("configmap-orders-feature-flags.yaml").metadata.namespace).toBe("orders");
    expect(obj("priorityclass-orders-critical.yaml").metadata).toStrictEqual({
      name: "orders-critical",
      labels: {
        "app.kubernetes.io/managed-by": "kintent",
        "app.kubernetes.io/part-of": "orders",
        team: "checkout",
      },
      annotations: { "kintent.dev/why": "Orders must not be preempted by batch jobs." },
    });
    expect(files.get("base/priorityclass-orders-critical.yaml")).toMatch(
      /^# why: extra manifest \(extra\/priority\.yaml\): Orders must not be preempted by batch jobs\. \(extra\/priority\.yaml:\d+\)\n/,
    );
    for (const env of EXTRAS_ENVS)
      expect(
        overlay(files, env).resources.filter((r) => /redis|dashboard|feature-flags|priorityclass/.test(r)),
      ).toEqual([]);
  });

  it("patches exactly what the placement adds per environment, targeting cluster-scoped extras without a namespace", () => {
    expect(ops("prod", "statefulset-redis.yaml")).toEqual([
      { op: "add", path: "/metadata/namespace", value: "orders" },
      { op: "add", path: "/metadata/labels/criticality", value: "high" },
      { op: "add", path: "/metadata/labels/kintent.dev~1environment", value: "prod" },
    ]);
    expect(ops("dev", "statefulset-redis.yaml")).toEqual([
      { op: "add", path: "/metadata/namespace", value: "orders-dev" },
      { op: "add", path: "/metadata/labels/kintent.dev~1environment", value: "dev" },
    ]);
    expect(ops("dev", "configmap-orders-dashboard.yaml")).toEqual([
      { op: "add", path: "/metadata/labels/kintent.dev~1environment", value: "dev" },
    ]);
    const targets = overlay(files, "prod").patches ?? [];
    expect(targets).toContainEqual({
      path: "patches/priorityclass-orders-critical.yaml",
      target: { group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass", name: "orders-critical" },
    });
    expect(targets).toContainEqual({
      path: "patches/configmap-orders-feature-flags.yaml",
      target: {
        group: "",
        version: "v1",
        kind: "ConfigMap",
        name: "orders-feature-flags",
        namespace: "orders",
      },
    });
  });

  describe("present in some environments only", () => {
    const partial = withPartialExtras(app);
    const pfiles = render(partial);
    beforeAll(() => writeDirAtomic(join(dir.path, "partial"), pfiles));

    it.each(EXTRAS_ENVS)("overlays/%s renders exactly that environment's objects", (env) => {
      const out = parseObjects(runOk(kubectl, ["kustomize", join(dir.path, "partial", "overlays", env)]));
      const expected = partial.environments.find((e) => e.env === env)?.result.objects ?? [];
      expect(byIdentity(out)).toStrictEqual(byIdentity(expected));
    });

    it("adds each to the overlays of the environments that have it, whole and with its why", () => {
      const resources = (env: string) => overlay(pfiles, env).resources;
      expect(resources("dev")).not.toContain("poddisruptionbudget-redis.yaml");
      expect(resources("staging")).toEqual(
        expect.arrayContaining(["poddisruptionbudget-redis.yaml", "configmap-orders-dashboard.yaml"]),
      );
      expect(resources("staging")).not.toContain("priorityclass-orders-critical.yaml");
      expect(resources("prod")).toEqual(
        expect.arrayContaining(["poddisruptionbudget-redis.yaml", "priorityclass-orders-critical.yaml"]),
      );
      expect(resources("prod")).not.toContain("configmap-orders-dashboard.yaml");
      const basefiles = [...pfiles.keys()].filter((f) => f.startsWith("base/"));
      expect(
        basefiles.filter((f) => /poddisruptionbudget-redis|orders-dashboard|priorityclass/.test(f)),
      ).toEqual([]);
      expect(pfiles.get("overlays/prod/priorityclass-orders-critical.yaml")).toMatch(
        /^# why: extra manifest \(extra\/priority\.yaml\): Orders must not be preempted/,
      );
      expect(parse(pfiles.get("overlays/staging/poddisruptionbudget-redis.yaml") ?? "")).toStrictEqual(
        partial.environments
          .find((e) => e.env === "staging")
          ?.result.objects.find((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === "redis"),
      );
    });
  });

  it("refuses an extra with the identity of an object the intent generates", () => {
    const dup = withDuplicate(EXTRAS_APP);
    expect(() => render(dup)).toThrow(/kustomize: dev has two objects ServiceAccount orders-dev\/orders/);
    expect(() => render(dup)).toThrow(UsageError);
  });
});
