import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../main.js";

function io(cwd: string) {
  let stdout = "";
  let stderr = "";
  return {
    io: {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: Readable.from([]),
      cwd,
      env: {},
    },
    out: () => stdout,
    err: () => stderr,
  };
}

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: disallow-latest}
spec:
  validationFailureAction: Enforce
  rules:
    - name: no-latest
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: "The :latest tag is not allowed."
        pattern:
          spec:
            containers:
              - image: "!*:latest"
`;

const RESOURCES = `apiVersion: v1
kind: Pod
metadata: {name: good}
spec: {containers: [{name: c, image: "nginx:1.25"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad}
spec:
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec: {containers: [{name: c, image: "nginx:latest"}]}
`;

function suite(results: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kintent-policy-"));
  mkdirSync(join(dir, "disallow-latest", ".kyverno-test"), { recursive: true });
  writeFileSync(join(dir, "disallow-latest", "policy.yaml"), POLICY);
  writeFileSync(join(dir, "disallow-latest", ".kyverno-test", "resources.yaml"), RESOURCES);
  writeFileSync(
    join(dir, "disallow-latest", ".kyverno-test", "kyverno-test.yaml"),
    `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: {name: disallow-latest}
policies: [../policy.yaml]
resources: [resources.yaml]
results:
${results}`,
  );
  return dir;
}

describe("kintent policy test", () => {
  it("prints the kyverno-test table and summary and exits 0 when every expectation holds", async () => {
    const dir =
      suite(`  - {policy: disallow-latest, rule: no-latest, kind: Pod, resources: [good], result: pass}
  - {policy: disallow-latest, rule: no-latest, kind: Deployment, resources: [bad], result: fail}
`);
    const t = io(dir);
    expect(await main(["policy", "test", "."], t.io)).toBe(0);
    expect(t.out()).toContain(
      "ID | POLICY          | RULE              | RESOURCE                       | RESULT | REASON\n",
    );
    expect(t.out()).toContain(
      "1  | disallow-latest | no-latest         | v1/Pod/default/good            | Pass   | Ok\n",
    );
    expect(t.out()).toContain(
      "2  | disallow-latest | autogen-no-latest | apps/v1/Deployment/default/bad | Pass   | Ok\n",
    );
    expect(t.out()).toContain("Test Summary: 2 tests passed and 0 tests failed");
  });

  it("exits 1 on an unmet expectation and says why", async () => {
    const dir =
      suite(`  - {policy: disallow-latest, rule: no-latest, kind: Deployment, resources: [bad], result: pass}
`);
    const t = io(dir);
    expect(await main(["policy", "test", dir, "--detailed-results"], t.io)).toBe(1);
    expect(t.out()).toContain("Want pass, got fail");
    expect(t.out()).toContain("The :latest tag is not allowed.");
    expect(t.out()).toContain("Test Summary: 0 tests passed and 1 tests failed");
  });

  it("summarizes per category in conformance mode", async () => {
    const dir =
      suite(`  - {policy: disallow-latest, rule: no-latest, kind: Pod, resources: [good], result: pass}
`);
    const t = io(dir);
    expect(await main(["policy", "test", dir, "--conformance"], t.io)).toBe(0);
    expect(t.out()).toContain("| disallow-latest | 1 | 0 | 0 | 0 | 0 | 100.0% |");
  });

  it("exits 2 for a directory that does not exist", async () => {
    const t = io(tmpdir());
    expect(await main(["policy", "test", "does-not-exist-here"], t.io)).toBe(2);
    expect(t.err()).toContain("no such file or directory");
  });
});
