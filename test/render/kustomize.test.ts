/**
 * Kustomize base + overlays against real `kubectl kustomize`: every overlay of every example renders exactly
 * what `kintent build --env` renders, and the overlays hold only what differs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { parse } from "yaml";
import { addOps, renderKustomize } from "../../src/render/kustomize.js";
import type { PatchOp } from "../../src/render/kustomize.js";
import { writeDirAtomic } from "../../src/render/files.js";
import { buildExample, exampleBuilds, exampleEnvironments, exampleNames } from "../helpers.js";
import { byIdentity, kubectlBinary, parseObjects, runOk, tempDir } from "./tools.js";

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
