import { describe, expect, it } from "vitest";
import type { WrittenPlatform } from "../intent/schema.js";
import { platformFacts } from "./prompt.js";

const platform = (progressiveDelivery: WrittenPlatform["spec"]["progressiveDelivery"]): WrittenPlatform => ({
  apiVersion: "kintent.dev/v1alpha1",
  kind: "Platform",
  metadata: { name: "acme" },
  spec: {
    progressiveDelivery,
    metrics: { prometheus: "http://prometheus.monitoring.svc:9090" },
    environments: { prod: { cluster: "https://prod.acme.internal" } },
  },
});

describe("platformFacts", () => {
  it.each([
    ["argo-rollouts", "prometheus (canary gates available)"],
    ["traefik-weighted", "prometheus (no canary gates: weighted canaries cannot evaluate them)"],
    ["gateway-weighted", "prometheus (no canary gates: weighted canaries cannot evaluate them)"],
  ] as const)("tells the model whether %s canaries can have a metric gate", (engine, metrics) => {
    expect(platformFacts(platform(engine), ["prod"]).metrics).toBe(metrics);
  });
});
