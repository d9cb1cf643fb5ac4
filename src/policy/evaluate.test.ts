import { describe, expect, it } from "vitest";
import { parseYamlStream } from "../core/yaml-source.js";
import { evaluatePolicies, toJsonPointer } from "./index.js";
import type { LoadedPolicy } from "./index.js";

function policy(doc: Record<string, unknown>): LoadedPolicy {
  return { document: doc };
}

const denyPolicy = policy({
  apiVersion: "kyverno.io/v1",
  kind: "ClusterPolicy",
  metadata: { name: "limit-replicas" },
  spec: {
    validationFailureAction: "Audit",
    rules: [
      {
        name: "max-replicas",
        match: { any: [{ resources: { kinds: ["Deployment"] } }] },
        context: [{ name: "max", variable: { value: 5 } }],
        validate: {
          message:
            "{{ request.object.metadata.name }} asks for {{ request.object.spec.replicas }} replicas (max {{ max }})",
          deny: {
            conditions: {
              any: [
                { key: "{{ request.object.spec.replicas }}", operator: "GreaterThan", value: "{{ max }}" },
              ],
            },
          },
        },
      },
      {
        name: "team-from-configmap",
        match: { any: [{ resources: { kinds: ["Deployment"] } }] },
        context: [{ name: "teams", configMap: { name: "teams", namespace: "platform" } }],
        validate: {
          deny: { conditions: { all: [{ key: "{{ teams.data.allowed }}", operator: "Equals", value: "" }] } },
        },
      },
      {
        name: "fix-labels",
        match: { any: [{ resources: { kinds: ["Deployment"] } }] },
        mutate: { patchStrategicMerge: { metadata: { labels: { x: "y" } } } },
      },
    ],
  },
});

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
  labels:
    app.kubernetes.io/name: big
spec:
  replicas: 10
`;

describe("evaluatePolicies", () => {
  const stream = parseYamlStream(deployment, "d.yaml");
  const resources = stream.documents.map((d) => ({ object: d.value as Record<string, unknown>, source: d }));
  const report = evaluatePolicies([denyPolicy], resources);

  it("evaluates deny conditions with context variables and substituted messages", () => {
    const r = report.results.find((x) => x.rule === "max-replicas");
    expect(r).toMatchObject({
      policy: "limit-replicas",
      status: "fail",
      message: "big asks for 10 replicas (max 5)",
      action: "Audit",
      resource: { apiVersion: "apps/v1", kind: "Deployment", name: "big", namespace: "default" },
    });
  });

  it("skips, with the reason, a rule that needs cluster data (never a pass)", () => {
    const r = report.results.find((x) => x.rule === "team-from-configmap");
    expect(r?.status).toBe("skip");
    expect(r?.offline).toBe(true);
    expect(r?.reason).toContain("configMap");
  });

  it("lists mutate rules as unsupported", () => {
    expect(report.unsupported).toEqual([
      {
        policy: "limit-replicas",
        policyKind: "ClusterPolicy",
        rule: "fix-labels",
        reason: "mutate rules are not supported",
      },
    ]);
  });

  it("produces findings: Audit failures are warnings, offline skips are info, located in the source", () => {
    expect(report.findings.map((f) => [f.checkId, f.severity, f.messageId])).toEqual([
      ["policy:limit-replicas/max-replicas", "warning", "fail"],
      ["policy:limit-replicas/team-from-configmap", "info", "skipped-offline"],
    ]);
    expect(report.findings[0]?.loc).toEqual({ file: "d.yaml", line: 1, column: 1 });
  });

  it("mock values (Kyverno CLI values file) stand in for cluster data", () => {
    const withValues = evaluatePolicies([denyPolicy], resources, {
      values: {
        policies: [
          {
            name: "limit-replicas",
            rules: [{ name: "team-from-configmap", values: { "teams.data.allowed": "" } }],
          },
        ],
      },
    });
    expect(withValues.results.find((x) => x.rule === "team-from-configmap")?.status).toBe("fail");
  });
});

describe("toJsonPointer", () => {
  it("recognises keys that contain a slash and escapes them", () => {
    const resource = { metadata: { labels: { "app.kubernetes.io/name": "x" } } };
    expect(toJsonPointer("/metadata/labels/app.kubernetes.io/name/", resource)).toBe(
      "/metadata/labels/app.kubernetes.io~1name",
    );
    expect(toJsonPointer("/spec/containers/0/image/", {})).toBe("/spec/containers/0/image");
    expect(toJsonPointer("", {})).toBeUndefined();
  });
});
