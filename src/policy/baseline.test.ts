import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseYamlStream } from "../core/yaml-source.js";
import { evaluatePolicies, loadPolicies } from "./index.js";

const BASELINE = fileURLToPath(new URL("../../examples/policies/baseline.yaml", import.meta.url));

const GOOD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-service
  namespace: payments
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: my-service
  template:
    metadata:
      labels:
        app.kubernetes.io/name: my-service
        kintent.dev/tier: production
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: app
          image: registry.example.com/my-service:v2.3.1
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
          resources:
            requests: {cpu: 500m, memory: 512Mi}
            limits: {cpu: "1", memory: 1Gi}
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
`;

/** The same Deployment, broken in every way the baseline forbids. */
const BROKEN = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-service
  namespace: payments
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: my-service
  template:
    metadata:
      labels:
        app.kubernetes.io/name: my-service
    spec:
      containers:
        - name: app
          image: registry.example.com/my-service:v2.3.1
          securityContext:
            privileged: true
          resources:
            limits: {memory: 1Gi}
`;

function run(yaml: string) {
  const { policies, errors } = loadPolicies([BASELINE]);
  expect(errors).toEqual([]);
  const stream = parseYamlStream(yaml, "deploy.yaml");
  const resources = stream.documents.map((d) => ({ object: d.value as Record<string, unknown>, source: d }));
  return evaluatePolicies(policies, resources);
}

describe("examples/policies/baseline.yaml", () => {
  it("passes a compliant Deployment (through the autogen rules)", () => {
    const { results, findings } = run(GOOD);
    expect(findings).toEqual([]);
    expect(results.map((r) => `${r.rule}=${r.status}`).sort()).toEqual([
      "autogen-disallow-privileged=pass",
      "autogen-require-labels=pass",
      "autogen-require-limits=pass",
      "autogen-require-liveness-probe=pass",
      "autogen-run-as-non-root=pass",
    ]);
  });

  it("fails a broken Deployment with one precise error per rule", () => {
    const { findings } = run(BROKEN);
    const byCheck = Object.fromEntries(findings.map((f) => [f.checkId, f]));
    expect(Object.keys(byCheck).sort()).toEqual([
      "policy:baseline/autogen-disallow-privileged",
      "policy:baseline/autogen-require-labels",
      "policy:baseline/autogen-require-limits",
      "policy:baseline/autogen-require-liveness-probe",
      "policy:baseline/autogen-run-as-non-root",
    ]);
    for (const f of findings) {
      expect(f.severity).toBe("error");
      expect(f.object).toEqual({
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "my-service",
        namespace: "payments",
      });
    }
    expect(byCheck["policy:baseline/autogen-require-labels"]).toMatchObject({
      message:
        "validation error: Pods must carry the labels app.kubernetes.io/name and kintent.dev/tier. rule autogen-require-labels failed at path /spec/template/metadata/labels/kintent.dev/tier/",
      path: "/spec/template/metadata/labels/kintent.dev/tier",
    });
    expect(byCheck["policy:baseline/autogen-require-limits"]).toMatchObject({
      message:
        "validation error: Every container must set resources.limits.cpu and resources.limits.memory. rule autogen-require-limits failed at path /spec/template/spec/containers/0/resources/limits/cpu/",
      path: "/spec/template/spec/containers/0/resources/limits/cpu",
      loc: { file: "deploy.yaml", line: 21, column: 13 },
    });
    expect(byCheck["policy:baseline/autogen-disallow-privileged"]).toMatchObject({
      message:
        "validation error: Privileged containers are not allowed: securityContext.privileged must be unset or false. rule autogen-disallow-privileged failed at path /spec/template/spec/containers/0/securityContext/privileged/",
      loc: { file: "deploy.yaml", line: 19, column: 13 },
    });
    expect(byCheck["policy:baseline/autogen-require-liveness-probe"]?.message).toBe(
      "validation error: Every container must define a livenessProbe. rule autogen-require-liveness-probe failed at path /spec/template/spec/containers/0/",
    );
    expect(byCheck["policy:baseline/autogen-run-as-non-root"]?.message).toBe(
      "validation error: Running as root is not allowed: set securityContext.runAsNonRoot to true on the pod or on every container (and never set it to false on a container). rule autogen-run-as-non-root[0] failed at path /spec/template/spec/securityContext/ rule autogen-run-as-non-root[1] failed at path /spec/template/spec/containers/0/securityContext/runAsNonRoot/",
    );
  });

  it("applies to bare Pods with the rule names as written", () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app.kubernetes.io/name: p, kintent.dev/tier: dev}}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
    - name: c
      image: c:1
      resources: {limits: {cpu: 100m, memory: 64Mi}}
`;
    const { results } = run(pod);
    const byRule = Object.fromEntries(results.map((r) => [r.rule, r.status]));
    expect(byRule).toEqual({
      "require-labels": "pass",
      "run-as-non-root": "pass",
      "require-limits": "pass",
      "require-liveness-probe": "fail",
      "disallow-privileged": "pass",
    });
  });
});
