/**
 * Agreement with Polaris and Checkov fixtures (../shared/corpora/validator-fixtures). Every disagreement is
 * listed here with its reason; a new one (or a fixed one) fails the test so the table in bench/README.md
 * stays true.
 */
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { evaluateAll, FIXTURES } from "../../bench/fixture-agreement.js";

/** file → why we disagree on purpose. */
const EXPLAINED: Record<string, string> = {
  "insecureCapabilities/success.case.yaml":
    "restricted PSS requires dropping ALL; Polaris accepts dropping its own list",
  "insecureCapabilities/success.pod.yaml":
    "restricted PSS requires dropping ALL; Polaris accepts dropping its own list",
  "insecureCapabilities/success.yaml":
    "restricted PSS requires dropping ALL; Polaris accepts dropping its own list",
  "example_DropCapabilities/pod-drop-NET_RAW-capabilities-PASSED.yaml":
    "restricted PSS requires dropping ALL; Checkov CKV_K8S_28 accepts dropping NET_RAW",
  "missingPodDisruptionBudget/failure-bad-ns.yaml":
    "single-replica workload: a PDB would block drains; ours asks for one from 2 replicas",
  "missingPodDisruptionBudget/failure.bad-name.yaml": "single-replica workload (see above)",
  "missingPodDisruptionBudget/failure.empty-labels.yaml": "single-replica workload (see above)",
  "missingPodDisruptionBudget/failure.no-labels.yaml": "single-replica workload (see above)",
  "missingPodDisruptionBudget/failure.no-metadata.yaml": "single-replica workload (see above)",
  "missingPodDisruptionBudget/failure.wrong-place.yaml": "single-replica workload (see above)",
  "missingPodDisruptionBudget/failure.yaml": "single-replica workload (see above)",
  "example_AllowedCapabilitiesSysAdmin/pod-FAILED2.yaml":
    "the Pod has no containers at all; nothing adds SYS_ADMIN (the schema check reports the missing containers)",
  "example_RootContainers/rootContainersFAILED-malformed-spec.yaml":
    "spec is a list, not a pod spec: the schema check reports it, the security check has nothing to read",
  "example_RootContainers/rootContainersPASSED.yaml":
    "runAsUser: 1000 without runAsNonRoot: restricted PSS requires runAsNonRoot: true",
  "example_Seccomp/cronjob-seccomp-PASSED.yaml":
    "seccomp via the alpha annotation, ignored by kubelets since Kubernetes 1.27",
  "example_Seccomp/pod-seccomp-PASSED.yaml": "seccomp via the alpha annotation, ignored since 1.27",
  "example_Seccomp/pod-seccomp-PASSED2.yaml": "seccomp via the alpha annotation, ignored since 1.27",
  "example_Seccomp/pod-seccomp-PASSED6.yaml": "seccomp via the alpha annotation, ignored since 1.27",
};

describe("validator-fixtures agreement", () => {
  it("agrees on every mapped fixture except the explained ones", () => {
    expect(existsSync(FIXTURES), `${FIXTURES} is missing`).toBe(true);
    const results = evaluateAll();
    const files = results.flatMap((r) => r.files);
    expect(files.length).toBeGreaterThan(150);
    const disagreements = files.filter((f) => !f.agrees).map((f) => f.file);
    expect(disagreements.sort()).toEqual(Object.keys(EXPLAINED).sort());
    for (const r of results)
      if (r.mapping.theirs !== "example_DockerSocketVolume")
        expect(r.total, r.mapping.theirs).toBeGreaterThan(0);
  });
});
