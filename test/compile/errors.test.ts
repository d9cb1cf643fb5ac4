/**
 * Bad intents: every mistake is reported with file:line:column, the field, and a suggestion where one exists.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openProject } from "../../src/project/index.js";

const PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: p}
spec:
  environments:
    dev: {cluster: https://kubernetes.default.svc, namespace: shop-dev}
    prod: {cluster: https://prod.example.internal, namespace: shop}
`;

function app(spec: string): string {
  return `apiVersion: kintent.dev/v1alpha1
kind: App
metadata:
  name: shop
spec:
  image: ghcr.io/acme/shop:1.4.2
  port: 8080
${spec}`;
}

/** A platform whose canaries are weighted at the ingress (no controller evaluates metrics). */
const WEIGHTED = (engine: "traefik-weighted" | "gateway-weighted") =>
  PLATFORM.replace(
    "spec:\n",
    `spec:\n  ingress: ${engine === "traefik-weighted" ? "{kind: traefik}" : "{kind: gateway, gateway: {name: public}}"}\n  progressiveDelivery: ${engine}\n  metrics: {prometheus: "http://prometheus.monitoring.svc:9090"}\n`,
  );

interface Case {
  name: string;
  intent: string;
  platform?: string;
  env?: string;
  message: RegExp;
  line: number;
  column: number;
}

const cases: Case[] = [
  {
    name: "misspelled field",
    intent: app("  replica: 3\n"),
    message: /unknown field `replica` in `spec` — did you mean `replicas`\?/,
    line: 8,
    column: 3,
  },
  {
    name: "field at the wrong level",
    intent: app("").replace("metadata:", "replicas: 2\nmetadata:"),
    message: /unknown field `replicas` in App — it belongs under `spec`/,
    line: 3,
    column: 1,
  },
  {
    name: "wrong type",
    intent: app("  replicas: three\n"),
    message: /`spec.replicas` must be a number, got the string "three"/,
    line: 8,
    column: 13,
  },
  {
    name: "unknown profile",
    intent: app("  resources: medum\n"),
    message:
      /`spec.resources` must be one of `small`, `medium`, `large`, `xlarge`; got the string "medum" — did you mean `medium`\?/,
    line: 8,
    column: 14,
  },
  {
    name: "unknown tier",
    intent: app("  tier: prod\n"),
    message: /did you mean `production`\?/,
    line: 8,
    column: 9,
  },
  {
    name: "typo inside a nested object",
    intent: app("  autoscaling: {min: 2, max: 5, cpus: 70}\n"),
    message: /unknown field `cpus` in `spec.autoscaling` — did you mean `cpu`\?/,
    line: 8,
    column: 33,
  },
  {
    name: "bad quantity",
    intent: app("  resources: {limits: {memory: 1GB}}\n"),
    message: /`spec.resources.limits.memory`: must be a Kubernetes quantity .* — did you mean `1Gi`\?/,
    line: 8,
    column: 32,
  },
  {
    name: "quantity suffix in the wrong case (one finding at the intent line, not one per generated object)",
    intent: app("  resources: {requests: {memory: 512mi}}\n"),
    message: /`spec.resources.requests.memory`: must be a Kubernetes quantity .* — did you mean `512Mi`\?/,
    line: 8,
    column: 34,
  },
  {
    name: "decimal quantity suffix in lower case",
    intent: app("  storage: [{name: data, path: /data, size: 1g}]\n"),
    message: /`spec.storage\[0\].size`: must be a Kubernetes quantity .* — did you mean `1Gi`\?/,
    line: 8,
    column: 45,
  },
  {
    name: "unknown environment override",
    intent: app("  environments:\n    prd: {replicas: 1}\n"),
    platform: PLATFORM,
    env: "dev",
    message: /environment `prd` is not defined by the platform \(dev, prod\) — did you mean `prod`\?/,
    line: 9,
    column: 5,
  },
  {
    name: "autoscaling min > max",
    intent: app("  autoscaling: {min: 5, max: 2}\n"),
    message: /autoscaling min \(5\) is greater than max \(2\)/,
    line: 8,
    column: 17,
  },
  {
    name: "secret value in env",
    intent: app("  env:\n    DB_PASSWORD: hunter2\n"),
    message: /env `DB_PASSWORD` holds what looks like a secret value.*\{secret: <secret-name>, key: <key>\}/,
    line: 9,
    column: 5,
  },
  {
    name: "credentials in a URL",
    intent: app("  env:\n    DATABASE_URL: postgres://app:s3cret@db:5432/shop\n"),
    message: /env `DATABASE_URL` holds what looks like a secret value/,
    line: 9,
    column: 5,
  },
  {
    name: "canary without an engine",
    intent: app("  rollout:\n    canary: [20%, 2m, 100%]\n"),
    message: /a canary needs a progressive delivery engine/,
    line: 9,
    column: 5,
  },
  {
    name: "metric gate on a traefik-weighted canary that measures nothing",
    intent: app(
      "  expose: {host: shop.acme.io}\n  rollout:\n    canary: [10%, 100%]\n    gate: {interval: 30s}\n",
    ),
    platform: WEIGHTED("traefik-weighted"),
    env: "prod",
    message: /^the canary gate measures nothing: set successRate, p99, errorCount or queries$/,
    line: 11,
    column: 5,
  },
  {
    name: "metric gate inside a gateway-weighted canary, in one environment, without metrics",
    intent: app(
      '  expose: {host: shop.acme.io}\n  rollout:\n    canary: [10%, 100%]\n  environments:\n    prod:\n      rollout:\n        canary:\n          gate: {p99: "< 500ms"}\n',
    ),
    platform: WEIGHTED("gateway-weighted").replace(/ {2}metrics: .*\n/, ""),
    env: "prod",
    message:
      /^a canary gate needs metrics: set platform.spec.metrics.prometheus \(with gateway-weighted kintent evaluates it: `kintent rollout step` measures the gate and commits or proposes the next weight\)$/,
    line: 15,
    column: 11,
  },
  {
    name: "bad canary step",
    intent: app("  rollout:\n    canary: [20%, soon]\n"),
    message: /must be a weight \(20%\), a duration \(2m\) or `pause`/,
    line: 9,
    column: 19,
  },
  {
    name: "probe port that does not exist",
    intent: app("  probe: {path: /healthz, port: htp}\n"),
    message: /probe port `htp` is not a declared port name — did you mean `http`\?/,
    line: 8,
    column: 3,
  },
  {
    name: "expose without ingress",
    intent: app("  expose: {host: shop.acme.io}\n"),
    platform: PLATFORM.replace("spec:\n", "spec:\n  ingress: {kind: none}\n"),
    env: "dev",
    message: /the platform has no ingress/,
    line: 8,
    column: 3,
  },
  {
    name: "unknown kind",
    intent: app("").replace("kind: App", "kind: app"),
    message: /unknown kind `app`.*did you mean `App`\?/,
    line: 2,
    column: 7,
  },
  {
    name: "wrong apiVersion",
    intent: app("").replace("v1alpha1", "v1"),
    message: /unsupported apiVersion `kintent.dev\/v1`/,
    line: 1,
    column: 13,
  },
  {
    name: "YAML syntax error",
    intent: app("  env: {A: 1\n"),
    message: /Flow map .* must .* end with a \}/,
    line: 9,
    column: 1,
  },
  {
    name: "bad image reference",
    intent: app("").replace("ghcr.io/acme/shop:1.4.2", "ghcr.io/Acme/Shop::1"),
    message: /is not a valid image reference/,
    line: 6,
    column: 3,
  },
  {
    name: "empty intent file",
    intent: "# nothing here yet\n",
    message:
      /kintent\.yaml is empty: it needs an `apiVersion: kintent\.dev\/v1alpha1` \/ `kind: App` document/,
    line: 1,
    column: 1,
  },
  {
    name: "required label missing",
    intent: app(""),
    platform: PLATFORM.replace("spec:\n", "spec:\n  requiredLabels: [team]\n"),
    env: "dev",
    message: /requires label\(s\) `team`/,
    line: 3,
    column: 1,
  },
];

describe("intent errors", () => {
  it.each(cases)("$name", async (c) => {
    const dir = mkdtempSync(join(tmpdir(), "kintent-err-"));
    try {
      writeFileSync(join(dir, "kintent.yaml"), c.intent);
      if (c.platform) writeFileSync(join(dir, "platform.yaml"), c.platform);
      const b = (await openProject(dir, { cwd: dir })).build(c.env);
      expect(b.errors.length).toBeGreaterThan(0);
      const hit = b.errors.find((f) => c.message.test(f.message));
      expect(
        hit,
        `expected ${String(c.message)} in ${JSON.stringify(b.errors.map((e) => e.message))}`,
      ).toBeDefined();
      expect(hit?.severity).toBe("error");
      expect(hit?.loc?.file).toMatch(/^(kintent|platform)\.yaml$/);
      expect([hit?.loc?.line, hit?.loc?.column]).toEqual([c.line, c.column]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a valid intent next to these cases compiles (the table is not passing on a broken loader)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kintent-ok-"));
    try {
      writeFileSync(join(dir, "kintent.yaml"), app("  probe: /healthz\n"));
      const b = (await openProject(dir, { cwd: "/" })).build();
      expect(b.errors).toEqual([]);
      expect(b.objects.map((o) => o.kind)).toContain("Deployment");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
