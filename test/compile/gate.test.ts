/**
 * The canary gate in the generated AnalysisTemplate: every metric kind, both no-data policies, and the
 * limits, read from a real intent through the engine. The evaluator's own semantics are in
 * src/cluster/metrics/gate.test.ts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openProject } from "../../src/project/index.js";
import type { KObject } from "../../src/core/object.js";

const work = mkdtempSync(join(tmpdir(), "kintent-gate-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function analysisTemplate(
  metrics: string,
  gate: string,
  engine = "argo-rollouts",
): Promise<KObject | undefined> {
  const dir = mkdtempSync(join(work, "case-"));
  writeFileSync(
    join(dir, "platform.yaml"),
    `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: p}
spec:
  ingress: {kind: traefik}
  progressiveDelivery: ${engine}
  metrics: ${metrics}
  environments:
    prod: {cluster: https://kubernetes.default.svc, namespace: shop}
`,
  );
  writeFileSync(
    join(dir, "kintent.yaml"),
    `apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: shop}
spec:
  image: ghcr.io/acme/shop:1.4.2
  port: 8080
  expose: {host: shop.acme.io}
  rollout:
    canary: [20%, 1m, 100%]
    gate: ${gate}
`,
  );
  const b = (await openProject(dir, { cwd: dir })).build("prod");
  expect(b.errors).toEqual([]);
  return b.objects.find((o) => o.kind === "AnalysisTemplate");
}

type Metric = Record<string, unknown> & { name: string; provider: { prometheus: { query: string } } };
const metricsOf = (t: KObject | undefined) => (t?.spec as { metrics: Metric[] }).metrics;

describe("the generated AnalysisTemplate", () => {
  it("noData: fail — no data fails the measurement (a success condition only)", async () => {
    const t = await analysisTemplate(
      "{prometheus: http://prom:9090, noData: fail}",
      '{successRate: ">= 99%", p99: "< 300ms", errorCount: "<= 5", interval: 30s, failureLimit: 2, consecutiveErrorLimit: 1}',
    );
    const m = metricsOf(t);
    expect(m.map((x) => x.name)).toEqual(["success-rate", "latency-p99", "error-count"]);
    expect(m.map((x) => [x.successCondition, x.failureCondition, x.inconclusiveLimit])).toEqual([
      ["len(result) > 0 && !isNaN(result[0]) && result[0] >= 0.99", undefined, undefined],
      ["len(result) > 0 && !isNaN(result[0]) && result[0] < 0.3", undefined, undefined],
      ["len(result) > 0 && !isNaN(result[0]) && result[0] <= 5", undefined, undefined],
    ]);
    expect(
      m.every((x) => x.interval === "30s" && x.failureLimit === 2 && x.consecutiveErrorLimit === 1),
    ).toBe(true);
    // {{interval}} is the gate's interval; {{service}}/{{namespace}} are the template's args.
    expect(m[2]?.provider.prometheus.query).toBe(
      'sum(increase(http_requests_total{namespace="{{args.namespace}}",service="{{args.service}}",code=~"5.."}[30s]))',
    );
  });

  it("noData: wait — no data is inconclusive for one deadline's worth of measurements", async () => {
    const t = await analysisTemplate(
      "{prometheus: http://prom:9090, noData: wait, noDataDeadline: 5m}",
      '{successRate: ">= 95%", interval: 30s, inconclusiveLimit: 1}',
    );
    const [m] = metricsOf(t);
    expect(m?.failureCondition).toBe("len(result) > 0 && !isNaN(result[0]) && result[0] < 0.95");
    expect(m?.inconclusiveLimit).toBe(11); // 1 + 5m / 30s
  });

  it("custom queries keep their own pass and fail thresholds (between them: inconclusive)", async () => {
    for (const noData of ["fail", "wait"]) {
      const t = await analysisTemplate(
        `{prometheus: http://prom:9090, noData: ${noData}}`,
        '{queries: [{name: queue-depth, query: "max(queue{svc=\\"{{service}}\\"})", pass: "< 100", fail: ">= 500"}]}',
      );
      const [m] = metricsOf(t);
      expect(m?.successCondition).toBe("len(result) > 0 && !isNaN(result[0]) && result[0] < 100");
      expect(m?.failureCondition).toBe(
        noData === "fail"
          ? "len(result) == 0 || isNaN(result[0]) || result[0] >= 500"
          : "len(result) > 0 && !isNaN(result[0]) && result[0] >= 500",
      );
      expect(m?.provider.prometheus.query).toBe('max(queue{svc="{{args.service}}"})');
    }
  });

  it("a weighted canary's gate is legal and generates no AnalysisTemplate (kintent evaluates it)", async () => {
    const t = await analysisTemplate(
      "{prometheus: http://prom:9090}",
      '{successRate: ">= 95%"}',
      "traefik-weighted",
    );
    expect(t).toBeUndefined();
  });
});
