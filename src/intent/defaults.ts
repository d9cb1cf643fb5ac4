/**
 * Every default kintent applies, in one place, each with the reason the runbook and `# why:` comments show.
 * Defaults are secure: restricted Pod Security, no service account token, limits on every container.
 */

export type Tier = "production" | "staging" | "dev";
export type ProfileName = "small" | "medium" | "large" | "xlarge";

export interface ResourceValues {
  cpu?: string;
  memory?: string;
  "ephemeral-storage"?: string;
}

export interface ResourceProfile {
  requests: ResourceValues;
  limits: ResourceValues;
}

/** Resource profiles. Documented in the schema description of `resources`; keep both in sync (a test does). */
export const RESOURCE_PROFILES: Record<ProfileName, ResourceProfile> = {
  small: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  medium: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  large: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  xlarge: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } },
};

/** @default small — enough for a typical web service to start; limits keep a leak from starving neighbours. */
export const DEFAULT_PROFILE: ProfileName = "small";

export interface TierPreset {
  replicas: number;
  /** Emit a PodDisruptionBudget (only when more than one replica can run). */
  pdb: boolean;
  /** Spread pods across nodes (and zones, best effort). */
  spread: boolean;
  /** Emit a default-deny NetworkPolicy. */
  networkPolicy: boolean;
  why: string;
}

export const TIER_PRESETS: Record<Tier, TierPreset> = {
  production: {
    replicas: 3,
    pdb: true,
    spread: true,
    networkPolicy: true,
    why: "production tier: 3 replicas survive a node loss during a rollout; PDB, node/zone spread and a default-deny NetworkPolicy",
  },
  staging: {
    replicas: 2,
    pdb: true,
    spread: true,
    networkPolicy: true,
    why: "staging tier: 2 replicas keep the service up through voluntary disruptions; PDB, spread and NetworkPolicy as in production",
  },
  dev: {
    replicas: 1,
    pdb: false,
    spread: false,
    networkPolicy: false,
    why: "dev tier: a single replica, no PDB (it would block node drains) and no NetworkPolicy",
  },
};

/** @default production — an app that does not say otherwise is treated as one people depend on. */
export const DEFAULT_TIER: Tier = "production";

/** Security defaults: the restricted Pod Security Standard. */
export const SECURITY_DEFAULTS = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilitiesDrop: ["ALL"],
  capabilitiesAdd: [] as string[],
  seccompProfile: "RuntimeDefault" as const,
  serviceAccountToken: false,
  writablePaths: ["/tmp"],
};

export const ROLLING_DEFAULTS = {
  /** @default 25% — new pods come up before old ones go. */
  maxSurge: "25%" as string | number,
  /** @default 0 — never drop below the desired replica count during a rollout. */
  maxUnavailable: 0 as string | number,
  /** @default 5 — enough old ReplicaSets to roll back, few enough to keep the namespace tidy. */
  revisionHistoryLimit: 5,
};

export const PROBE_DEFAULTS = {
  periodSeconds: 10,
  timeoutSeconds: 1,
  failureThreshold: 3,
  /** Liveness waits longer than readiness so a slow start is not killed. */
  livenessInitialDelaySeconds: 10,
};

export const GATE_DEFAULTS = {
  interval: "1m",
  failureLimit: 1,
  /** Measurements per analysis run. */
  count: 5,
  /** Argo Rollouts' own default (utils/defaults DefaultConsecutiveErrorLimit). */
  consecutiveErrorLimit: 4,
  inconclusiveLimit: 0,
  /** What a gate does when a query returns no data. */
  noData: "wait" as "wait" | "fail",
  noDataDeadline: "10m",
};

/** Who approves the steps of a weighted canary when the environment does not say. */
export const DEFAULT_APPROVAL = "every-step" as const;

/** @default 80 — CPU target when autoscaling names none. */
export const DEFAULT_CPU_TARGET = 80;

export const DEFAULT_TERMINATION_GRACE_SECONDS = 30;

/** The cluster URL Argo CD uses for the cluster it runs in. */
export const IN_CLUSTER_URL = "https://kubernetes.default.svc";

/** Built-in Prometheus queries for canary gates. `{{service}}` and `{{namespace}}` are substituted. */
/**
 * Built-in Prometheus queries for canary gates. `{{service}}`, `{{namespace}}` (and `{{interval}}`) are
 * substituted. Divisions are safe without traffic: the denominator is filtered with `> 0`, so no requests
 * give an empty result (no data) instead of NaN from 0/0 — and no data never passes a gate.
 */
export const DEFAULT_QUERIES = {
  successRate:
    'sum(rate(http_requests_total{namespace="{{namespace}}",service="{{service}}",code!~"5.."}[5m])) / ' +
    '(sum(rate(http_requests_total{namespace="{{namespace}}",service="{{service}}"}[5m])) > 0)',
  latency:
    'histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{namespace="{{namespace}}",service="{{service}}"}[5m])) by (le))',
  errorCount:
    'sum(increase(http_requests_total{namespace="{{namespace}}",service="{{service}}",code=~"5.."}[{{interval}}]))',
};

/** Standard label keys. */
export const LABELS = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  version: "app.kubernetes.io/version",
  component: "app.kubernetes.io/component",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  environment: "kintent.dev/environment",
  tier: "kintent.dev/tier",
  track: "kintent.dev/track",
} as const;

export const ANNOTATIONS = {
  configHash: "kintent.dev/config-hash",
  source: "kintent.dev/source",
} as const;
