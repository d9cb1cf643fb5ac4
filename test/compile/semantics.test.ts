/**
 * What the examples must mean, asserted field by field (the goldens hold the full text).
 */
import type { KObject } from "../../src/core/object.js";
import { describe, expect, it } from "vitest";
import { buildExample, find } from "../helpers.js";
import { getAt } from "../../src/core/json-pointer.js";

const at = (o: KObject, p: string) => getAt(o, p);
const container = (o: KObject) => at(o, "/spec/template/spec/containers/0") as Record<string, unknown>;

const production = await buildExample("production", "prod");
const multiEnv = await Promise.all(
  ["dev", "staging", "prod"].map(async (e) => ({
    env: e,
    objects: (await buildExample("multi-env", e)).objects,
  })),
);
const traefikCanary = await buildExample("traefik-canary", "prod");
const gatewayApi = await buildExample("gateway-api", "staging");
const score = await buildExample("score", "staging");

describe("production example (the brief's my-service)", () => {
  const { objects } = production;
  const rollout = find(objects, "Rollout", "my-service");

  it("runs as an Argo Rollouts canary 20% → 2m → 50% → 2m → 100% with a success-rate gate", () => {
    expect(at(rollout, "/spec/strategy/canary/steps")).toEqual([
      { setWeight: 20 },
      { pause: { duration: "2m" } },
      { setWeight: 50 },
      { pause: { duration: "2m" } },
      { setWeight: 100 },
    ]);
    expect(at(rollout, "/spec/strategy/canary/trafficRouting")).toEqual({
      traefik: { weightedTraefikServiceName: "my-service-wrr" },
    });
    const gate = find(objects, "AnalysisTemplate", "my-service-gate");
    // No data (empty vector, NaN) never passes: with the default noData: wait it is inconclusive, for one
    // deadline's worth of measurements (10m / 1m), then the Rollout pauses for a person.
    expect(at(gate, "/spec/metrics/0/successCondition")).toBe(
      "len(result) > 0 && !isNaN(result[0]) && result[0] >= 0.95",
    );
    expect(at(gate, "/spec/metrics/0/failureCondition")).toBe(
      "len(result) > 0 && !isNaN(result[0]) && result[0] < 0.95",
    );
    expect(at(gate, "/spec/metrics/0/inconclusiveLimit")).toBe(10);
    // The success rate divides safely: no traffic filters the denominator away instead of dividing 0 by 0.
    expect(at(gate, "/spec/metrics/0/provider/prometheus/query")).toMatch(
      / \/ \(sum\(rate\(.*\[5m\]\)\) > 0\)$/,
    );
    expect(at(rollout, "/spec/strategy/canary/analysis/templates/0/templateName")).toBe("my-service-gate");
    // The controller owns the weights: none in Git.
    const wrr = find(objects, "TraefikService", "my-service-wrr");
    expect(JSON.stringify(wrr)).not.toContain('weight":');
  });

  it("autoscales 2–10 at 70% CPU and leaves replicas to the HPA", () => {
    expect(at(rollout, "/spec/replicas")).toBeUndefined();
    const hpa = find(objects, "HorizontalPodAutoscaler", "my-service");
    expect(at(hpa, "/spec/scaleTargetRef")).toEqual({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      name: "my-service",
    });
    expect([
      at(hpa, "/spec/minReplicas"),
      at(hpa, "/spec/maxReplicas"),
      at(hpa, "/spec/metrics/0/resource/target/averageUtilization"),
    ]).toEqual([2, 10, 70]);
  });

  it("uses the medium profile, probes /healthz:8080, and is restricted", () => {
    const c = container(rollout);
    expect(c.resources).toEqual({
      requests: { cpu: "500m", memory: "512Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
    expect(at(rollout, "/spec/template/spec/containers/0/livenessProbe/httpGet")).toEqual({
      path: "/healthz",
      port: "http",
    });
    expect(at(rollout, "/spec/template/spec/containers/0/ports/0/containerPort")).toBe(8080);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(at(rollout, "/spec/template/spec/securityContext/seccompProfile/type")).toBe("RuntimeDefault");
    expect(at(rollout, "/spec/template/spec/automountServiceAccountToken")).toBe(false);
  });

  it("carries the org labels on every object and references the DB secret without its value", () => {
    for (const o of objects)
      expect(o.metadata.labels).toMatchObject({
        team: "payments",
        "cost-center": "cc-4711",
        "app.kubernetes.io/name": "my-service",
      });
    expect(container(rollout).env).toContainEqual({
      name: "DB_PASSWORD",
      valueFrom: { secretKeyRef: { name: "my-service-db", key: "password" } },
    });
  });

  it("writes an explicit Certificate for the IngressRoute and redirects HTTP to HTTPS", () => {
    const cert = find(objects, "Certificate", "my-service-tls");
    expect(at(cert, "/spec/issuerRef")).toEqual({
      name: "letsencrypt-prod",
      kind: "ClusterIssuer",
      group: "cert-manager.io",
    });
    const route = find(objects, "IngressRoute", "my-service");
    expect(at(route, "/spec/tls/secretName")).toBe("my-service-tls");
    expect(route.metadata.annotations ?? {}).not.toHaveProperty("cert-manager.io/cluster-issuer");
    expect(at(find(objects, "IngressRoute", "my-service-http"), "/spec/routes/0/middlewares/0/name")).toBe(
      "my-service-https-redirect",
    );
    expect(at(find(objects, "Middleware", "my-service-https-redirect"), "/spec/redirectScheme")).toEqual({
      scheme: "https",
      permanent: true,
    });
  });

  it("has a PDB, topology spread and a NetworkPolicy that admits Traefik and checkout only", () => {
    expect(at(find(objects, "PodDisruptionBudget", "my-service"), "/spec/maxUnavailable")).toBe(1);
    expect((at(rollout, "/spec/template/spec/topologySpreadConstraints") as unknown[]).length).toBe(2);
    const np = find(objects, "NetworkPolicy", "my-service");
    expect(at(np, "/spec/ingress/0/from/0/namespaceSelector/matchLabels")).toEqual({
      "kubernetes.io/metadata.name": "traefik",
    });
    expect(at(np, "/spec/ingress/1/from/0/podSelector/matchLabels")).toEqual({
      "app.kubernetes.io/name": "checkout",
    });
  });
});

describe("multi-env example", () => {
  const envs = multiEnv;
  const sts = (objects: KObject[]) => find(objects, "StatefulSet", "agent-runner");

  it("differs in registry, pull secret, replicas, memory, node affinity and storage class exactly as the platform says", () => {
    const view = envs.map(({ env, objects }) => {
      const s = sts(objects);
      return {
        env,
        namespace: s.metadata.namespace,
        image: at(s, "/spec/template/spec/containers/0/image"),
        pullSecrets: at(s, "/spec/template/spec/imagePullSecrets"),
        replicas: at(s, "/spec/replicas"),
        memory: at(s, "/spec/template/spec/containers/0/resources/limits/memory"),
        affinity: at(
          s,
          "/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions",
        ),
        storageClass: at(s, "/spec/volumeClaimTemplates/0/spec/storageClassName"),
        scratch: (at(s, "/spec/template/spec/volumes") as { name: string }[]).find(
          (v) => v.name === "scratch",
        ),
        host: at(find(objects, "Ingress", "agent-runner"), "/spec/rules/0/host"),
      };
    });
    expect(view).toEqual([
      {
        env: "dev",
        namespace: "agents-dev",
        image: "ghcr.io/acme/agent-runner:3.2.0",
        pullSecrets: undefined,
        replicas: 1,
        memory: "256Mi",
        affinity: undefined,
        storageClass: "standard",
        scratch: undefined,
        host: "agents.dev.acme.io",
      },
      {
        env: "staging",
        namespace: "agents-staging",
        image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/agent-runner:3.2.0",
        pullSecrets: [{ name: "ecr-staging" }],
        replicas: 2,
        memory: "1Gi",
        affinity: undefined,
        storageClass: "gp3",
        scratch: undefined,
        host: "agents.staging.acme.io",
      },
      {
        env: "prod",
        namespace: "agents",
        image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/agent-runner:3.2.0",
        pullSecrets: [{ name: "ecr-prod" }],
        replicas: 3,
        memory: "2Gi",
        affinity: [{ key: "workload", operator: "In", values: ["agents"] }],
        storageClass: "gp3-encrypted",
        scratch: undefined,
        host: "agents.acme.io",
      },
    ]);
  });

  it("dev is a dev tier (no PDB, no NetworkPolicy); staging and prod keep them", () => {
    const kinds = envs.map(({ objects }) => objects.map((o) => o.kind));
    expect(kinds[0]).not.toContain("PodDisruptionBudget");
    expect(kinds[0]).not.toContain("NetworkPolicy");
    for (const k of kinds.slice(1))
      expect(k).toEqual(expect.arrayContaining(["PodDisruptionBudget", "NetworkPolicy"]));
  });
});

describe("traefik-canary example (the brief's conversational GitOps canary)", () => {
  const { objects } = traefikCanary;

  it("splits one host 90/10 through a TraefikService and an ExternalName bridge", () => {
    const wrr = find(objects, "TraefikService", "web-wrr", "web");
    expect(at(wrr, "/spec/weighted/services")).toEqual([
      { name: "web", port: 8080, weight: 90, middlewares: [{ name: "web-headers" }] },
      { name: "web-canary-proxy", port: 8080, weight: 10, middlewares: [{ name: "web-canary-headers" }] },
    ]);
    const bridge = find(objects, "Service", "web-canary-proxy", "web");
    expect(at(bridge, "/spec/type")).toBe("ExternalName");
    expect(at(bridge, "/spec/externalName")).toBe("web-canary.web-canary.svc.cluster.local");
  });

  it("runs stable (3) and canary (2) in their own namespaces, with their own pod selectors, labels, headers and config", () => {
    const stable = find(objects, "Deployment", "web", "web");
    const canary = find(objects, "Deployment", "web-canary", "web-canary");
    expect([at(stable, "/spec/replicas"), at(canary, "/spec/replicas")]).toEqual([3, 2]);
    expect(at(stable, "/spec/selector/matchLabels/app.kubernetes.io~1instance")).toBe("web");
    expect(at(canary, "/spec/selector/matchLabels/app.kubernetes.io~1instance")).toBe("web-canary");
    expect(
      at(find(objects, "Service", "web-canary", "web-canary"), "/spec/selector/app.kubernetes.io~1instance"),
    ).toBe("web-canary");
    expect(at(stable, "/spec/template/metadata/labels/track")).toBe("stable");
    expect(at(canary, "/spec/template/metadata/labels/track")).toBe("canary");
    expect(
      at(find(objects, "Middleware", "web-headers", "web"), "/spec/headers/customResponseHeaders"),
    ).toEqual({
      "X-Track": "stable",
    });
    expect(
      at(find(objects, "Middleware", "web-canary-headers", "web"), "/spec/headers/customResponseHeaders"),
    ).toEqual({ "X-Track": "canary" });
    expect(
      String(at(find(objects, "ConfigMap", "web-files", "web"), "/data/etc-nginx-conf.d-default.conf")),
    ).toContain("X-Version 1.27.3");
    expect(
      String(
        at(
          find(objects, "ConfigMap", "web-canary-files", "web-canary"),
          "/data/etc-nginx-conf.d-default.conf",
        ),
      ),
    ).toContain("X-Version 1.27.4");
    expect(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name)).toEqual([
      "web",
      "web-canary",
    ]);
  });

  it("writes an explicit Certificate and an HTTP→HTTPS redirect middleware", () => {
    expect(at(find(objects, "Certificate", "web-tls"), "/spec/dnsNames")).toEqual(["web.k3s.acme.io"]);
    expect(at(find(objects, "IngressRoute", "web-http"), "/spec/entryPoints")).toEqual(["web"]);
    expect(at(find(objects, "IngressRoute", "web"), "/spec/routes/0/services/0")).toEqual({
      name: "web-wrr",
      kind: "TraefikService",
    });
  });
});

describe("gateway-api example", () => {
  const { objects } = gatewayApi;
  it("weights HTTPRoute backends 75/25 and redirects HTTP on the http listener", () => {
    const route = find(objects, "HTTPRoute", "checkout");
    expect(
      (at(route, "/spec/rules/0/backendRefs") as { name: string; weight: number }[]).map((b) => [
        b.name,
        b.weight,
      ]),
    ).toEqual([
      ["checkout", 75],
      ["checkout-canary", 25],
    ]);
    expect(at(find(objects, "HTTPRoute", "checkout-https-redirect"), "/spec/parentRefs/0/sectionName")).toBe(
      "http",
    );
    // Canary pods are covered by their own NetworkPolicy.
    expect(
      at(
        find(objects, "NetworkPolicy", "checkout-canary"),
        "/spec/podSelector/matchLabels/app.kubernetes.io~1instance",
      ),
    ).toBe("checkout-canary");
  });
});

describe("score example", () => {
  const { objects } = score;
  const d = find(objects, "Deployment", "orders");
  it("maps variables, resource outputs, files, probes, ports and the route", () => {
    const c = container(d);
    expect(c.env).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "SERVICE_NAME", value: "orders" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "orders-db", key: "password" } } },
    ]);
    expect(at(d, "/spec/template/spec/containers/0/readinessProbe/httpGet")).toEqual({
      path: "/readyz",
      port: 8080,
    });
    expect(at(find(objects, "Service", "orders"), "/spec/ports/0")).toEqual({
      name: "web",
      port: 80,
      targetPort: "web",
      protocol: "TCP",
    });
    expect(at(find(objects, "Ingress", "orders"), "/spec/rules/0/host")).toBe("orders.acme.io");
    expect(at(find(objects, "ConfigMap", "orders-files"), "/data/etc-orders-config.yaml")).toBe(
      "listen: 0.0.0.0:8080\nname: orders\n",
    );
  });
});

describe("claudernetes-nginx example (“Deploy nginx with 2 replicas and a LoadBalancer service”)", () => {
  it("runs 2 nginx replicas behind a LoadBalancer on port 80 that outside clients may reach", async () => {
    const { objects } = await buildExample("claudernetes-nginx", "default");
    expect(at(find(objects, "Deployment", "nginx"), "/spec/replicas")).toBe(2);
    const svc = find(objects, "Service", "nginx");
    expect([at(svc, "/spec/type"), at(svc, "/spec/externalTrafficPolicy"), at(svc, "/spec/ports")]).toEqual([
      "LoadBalancer",
      "Local",
      [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    ]);
    expect(at(find(objects, "NetworkPolicy", "nginx"), "/spec/ingress")).toEqual([
      { ports: [{ port: 8080, protocol: "TCP" }] },
    ]);
    expect(objects.map((o) => o.kind)).not.toContain("Ingress");
  });
});

describe("autodock example (Argo Workflows server, the webhook EventSource under extra/)", () => {
  it("starts argo-server with its arguments and token, and carries the EventSource beside it", async () => {
    const { objects, findings } = await buildExample("autodock", "prod");
    const d = find(objects, "Deployment", "argo-server", "argo");
    expect(container(d).args).toEqual(["server", "--secure=false", "--auth-mode=server"]);
    expect(at(d, "/spec/template/spec/serviceAccountName")).toBe("argo-server");
    expect(at(d, "/spec/template/spec/automountServiceAccountToken")).toBe(true);
    const es = find(objects, "EventSource", "webhook", "argo");
    expect(at(es, "/metadata/labels/app.kubernetes.io~1part-of")).toBe("argo-server");
    // Validated with the CRD the example brings (.kintent.yaml schemas), not skipped.
    expect(findings.filter((f) => f.object?.kind === "EventSource")).toEqual([]);
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
