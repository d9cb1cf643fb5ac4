/**
 * The bench fleet: a platform with dev, staging and prod, and N varied apps (profiles, autoscaling, canaries,
 * exposure, files). Shared by the validator benchmark (compiled manifests) and the engine benchmark (intent
 * directories), so both measure the same apps.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { WrittenApp } from "../src/intent/schema.js";

export const FLEET_PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: fleet}
spec:
  ingress: {kind: ingress, className: nginx, controllerNamespace: ingress-nginx}
  tls: {issuer: letsencrypt-prod}
  progressiveDelivery: argo-rollouts
  metrics: {prometheus: "http://prometheus.monitoring.svc:9090"}
  environments:
    dev: {cluster: https://kubernetes.default.svc, namespace: apps-dev, tier: dev, replicas: 1, sync: auto, domain: dev.acme.io}
    staging: {cluster: https://staging.acme.internal, namespace: apps-staging, registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com, pullSecret: ecr, sync: {auto: true, prune: false}, domain: staging.acme.io}
    prod: {cluster: https://prod.acme.internal, namespace: apps, registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com, pullSecret: ecr, sync: manual, nodeAffinity: {workload: apps}, domain: acme.io}
`;

export const FLEET_ENVIRONMENTS = ["dev", "staging", "prod"] as const;

/** App number `i` of the fleet. */
export function fleetApp(i: number): WrittenApp {
  const name = `svc-${String(i).padStart(4, "0")}`;
  const profiles = ["small", "medium", "large"] as const;
  return {
    apiVersion: "kintent.dev/v1alpha1",
    kind: "App",
    metadata: { name, labels: { team: `team-${i % 12}` } },
    spec: {
      image: `ghcr.io/acme/${name}:1.${i % 17}.${i % 5}`,
      port: 8080 + (i % 3),
      probe: "/healthz",
      resources: profiles[i % 3],
      env: { LOG_LEVEL: "info", DB_PASSWORD: { secret: `${name}-db`, key: "password" } },
      ...(i % 2 === 0 ? { expose: { host: name } } : {}),
      ...(i % 3 === 0 ? { autoscaling: { min: 2, max: 6 + (i % 5), cpu: "70%" } } : {}),
      ...(i % 5 === 0 ? { rollout: { canary: [10, "1m", 50, "1m", 100] as (number | string)[] } } : {}),
      ...(i % 7 === 0 ? { files: { "/etc/app/config.yaml": `name: ${name}\n` } } : {}),
    },
  };
}

/** The fleet as intent directories: `dir/platform.yaml` and `dir/<app>/kintent.yaml` for N apps (dir emptied). */
export function writeFleetIntents(dir: string, n: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "platform.yaml"), FLEET_PLATFORM);
  for (let i = 0; i < n; i++) {
    const app = fleetApp(i);
    mkdirSync(join(dir, app.metadata.name));
    writeFileSync(join(dir, app.metadata.name, "kintent.yaml"), stringify(app));
  }
}
