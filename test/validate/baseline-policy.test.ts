/**
 * The brief's baseline policy (examples/policies: a Kyverno ClusterPolicy for pod controllers and one for
 * Argo Rollouts, which Kyverno's autogen does not cover) passes on the production example and fails, rule by
 * rule and with the policy's own messages, on a deliberately broken copy.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, ROOT } from "../helpers.js";

const POLICIES = join(ROOT, "examples", "policies");

interface F {
  checkId: string;
  severity: string;
  message: string;
  path?: string;
}

describe("baseline policy on the production example", () => {
  it("passes as built, and fails every rule on a broken copy", async () => {
    const built = await runCli(["build", "examples/production", "--env", "prod"]);
    expect(built.code).toBe(0);
    const broken = built.stdout
      .replace(/runAsNonRoot: true/g, "runAsNonRoot: false")
      .replace("          livenessProbe:\n", "          startupProbe:\n")
      .replace("              memory: 1Gi\n", "")
      .replace(/kintent\.dev\/tier: production/g, "kintent.dev/tierx: production")
      .replace(
        "            allowPrivilegeEscalation: false\n",
        "            allowPrivilegeEscalation: false\n            privileged: true\n",
      );
    expect(broken).not.toBe(built.stdout);
    const d = mkdtempSync(join(tmpdir(), "kintent-baseline-"));
    writeFileSync(join(d, "good.yaml"), built.stdout);
    writeFileSync(join(d, "bad.yaml"), broken);

    const good = await runCli(["validate", "good.yaml", "--policy", POLICIES, "-f", "json"], { cwd: d });
    const goodPolicy = (JSON.parse(good.stdout) as { findings: F[] }).findings.filter((f) =>
      f.checkId.startsWith("policy:"),
    );
    // The production example runs a Rollout, no Deployment: the pod-controller policy says it matched nothing.
    expect(goodPolicy.map((f) => [f.checkId, f.severity])).toEqual([["policy:baseline", "info"]]);
    expect(good.code).toBe(0);

    const bad = await runCli(["validate", "bad.yaml", "--policy", POLICIES, "-f", "json"], { cwd: d });
    expect(bad.code).toBe(1);
    const policy = (JSON.parse(bad.stdout) as { findings: F[] }).findings
      .filter((f) => f.checkId.startsWith("policy:") && f.severity !== "info")
      .map((f) => [f.checkId, f.severity, f.path, f.message.replace(/ rule .*$/, "")]);
    expect(policy.sort()).toEqual(
      [
        [
          "policy:baseline-rollouts/disallow-privileged",
          "error",
          "/spec/template/spec/containers/0/securityContext/privileged",
          "validation error: Privileged containers are not allowed: securityContext.privileged must be unset or false.",
        ],
        [
          "policy:baseline-rollouts/require-labels",
          "error",
          "/spec/template/metadata/labels/kintent.dev/tier",
          "validation error: Rollout pods must carry the labels app.kubernetes.io/name and kintent.dev/tier.",
        ],
        [
          "policy:baseline-rollouts/require-limits",
          "error",
          "/spec/template/spec/containers/0/resources/limits/memory",
          "validation error: Every container must set resources.limits.cpu and resources.limits.memory.",
        ],
        [
          "policy:baseline-rollouts/require-liveness-probe",
          "error",
          "/spec/template/spec/containers/0",
          "validation error: Every container must define a livenessProbe.",
        ],
        [
          "policy:baseline-rollouts/run-as-non-root",
          "error",
          "/spec/template/spec/containers/0/securityContext/runAsNonRoot",
          "validation error: Running as root is not allowed: set securityContext.runAsNonRoot to true on the pod or on every container (and never set it to false on a container).",
        ],
      ].sort(),
    );
    rmSync(d, { recursive: true, force: true });
  });
});
