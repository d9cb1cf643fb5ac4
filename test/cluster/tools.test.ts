import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertBundle } from "../../scripts/schemas-to-kubeconform.js";
import { findTool, repoRoot, requireTools, skipClusterTests } from "../harness/index.js";
import type { ToolName } from "../harness/index.js";

/** The versions pinned in scripts/tools.sh (the single source of truth). */
function pinned(variable: string): string {
  const script = readFileSync(join(repoRoot, "scripts", "tools.sh"), "utf8");
  const match = new RegExp(`^${variable}=(\\S+)$`, "m").exec(script);
  if (!match?.[1]) throw new Error(`${variable} not found in scripts/tools.sh`);
  return match[1];
}

function run(tool: ToolName, args: string[]): string {
  const path = requireTools(tool)[tool];
  return execFileSync(path, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe.skipIf(skipClusterTests)("tools built by scripts/tools.sh", () => {
  it.each<[ToolName, string[], string, (v: string) => string]>([
    ["etcd", ["--version"], "ETCD_VERSION", (v) => `etcd Version: ${v.replace(/^v/, "")}`],
    ["kube-apiserver", ["--version"], "K8S_VERSION", (v) => `Kubernetes ${v}`],
    ["kube-controller-manager", ["--version"], "K8S_VERSION", (v) => `Kubernetes ${v}`],
    ["kube-scheduler", ["--version"], "K8S_VERSION", (v) => `Kubernetes ${v}`],
    ["kwok", ["--version"], "KWOK_VERSION", (v) => `kwok version ${v}`],
    ["kwokctl", ["--version"], "KWOK_VERSION", (v) => `kwokctl version ${v}`],
    ["helm", ["version", "--short"], "HELM_VERSION", (v) => v],
    ["kubeconform", ["-v"], "KUBECONFORM_VERSION", (v) => v],
    ["kube-linter", ["version"], "KUBE_LINTER_VERSION", (v) => v.replace(/^v/, "")],
    ["kubectl-kyverno", ["version"], "KYVERNO_VERSION", (v) => `Version: ${v}`],
  ])("%s reports the pinned version", (tool, args, variable, expected) => {
    expect(run(tool, args)).toContain(expected(pinned(variable)));
  });

  it.skipIf(findTool("checkov") === undefined)("optional checkov reports the pinned version", () => {
    expect(execFileSync(findTool("checkov") ?? "checkov", ["--version"], { encoding: "utf8" }).trim()).toBe(
      pinned("CHECKOV_VERSION"),
    );
  });

  describe("kubeconform with kintent's schema bundle (scripts/schemas-to-kubeconform.ts)", () => {
    let dir = "";
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "kintent-kubeconform-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("accepts valid objects and rejects unknown fields and wrong types", () => {
      const { kubeconform } = requireTools("kubeconform");
      const bundle = join(repoRoot, "schemas", `kubernetes-${pinned("K8S_VERSION")}`);
      const { dir: schemaLocation, files } = convertBundle(bundle, join(dir, "schemas"));
      expect(files).toBeGreaterThan(100);
      const manifest = join(dir, "objects.yaml");
      writeFileSync(
        manifest,
        [
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {a: b}",
          "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: ok}\nspec:\n  selector: {matchLabels: {app: a}}\n" +
            "  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: a, image: nginx}]}",
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec:\n  replicas: two\n" +
            "  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n" +
            "    spec: {containers: [{name: a, image: nginx, imagePullPolicyy: Always}]}",
        ].join("\n---\n"),
      );
      const result = spawnSync(
        kubeconform,
        [
          "-strict",
          "-summary",
          "-output",
          "json",
          "-kubernetes-version",
          pinned("K8S_VERSION").replace(/^v/, ""),
          "-schema-location",
          schemaLocation,
          manifest,
        ],
        { encoding: "utf8" },
      );
      const report = JSON.parse(result.stdout) as {
        resources: { name: string; kind: string; status: string; msg: string }[];
        summary: { valid: number; invalid: number; errors: number };
      };
      expect(report.summary).toMatchObject({ valid: 2, invalid: 1, errors: 0 });
      const bad = report.resources.find((r) => r.name === "bad");
      expect(bad?.status).toBe("statusInvalid");
      expect(bad?.msg).toContain("imagePullPolicyy");
      expect(bad?.msg).toContain("/spec/replicas");
    });
  });
});
