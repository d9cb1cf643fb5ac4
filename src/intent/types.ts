/**
 * The normalized intent: one App resolved for one environment, every default applied, every value
 * carrying where it came from. The compiler reads only this.
 */
import type { SourceLocation } from "../core/finding.js";
import type { ProfileName, ResourceValues, Tier } from "./defaults.js";

/** Where a resolved value came from; the runbook and `# why:` comments are built from these. */
export interface Origin {
  /** `app` (the App file), `env` (the App's per-environment override), `platform`, `default`, `derived`. */
  from: "app" | "env" | "platform" | "default" | "derived";
  /** Human text: the reason. */
  reason: string;
  loc?: SourceLocation;
}

export interface Resolved<T> {
  value: T;
  origin: Origin;
}

export type ProbeSpec =
  | {
      kind: "http";
      path: string;
      port: string | number;
      initialDelaySeconds?: number;
      periodSeconds?: number;
      timeoutSeconds?: number;
      failureThreshold?: number;
    }
  | {
      kind: "tcp";
      port: string | number;
      initialDelaySeconds?: number;
      periodSeconds?: number;
      timeoutSeconds?: number;
      failureThreshold?: number;
    }
  | {
      kind: "exec";
      command: string[];
      initialDelaySeconds?: number;
      periodSeconds?: number;
      timeoutSeconds?: number;
      failureThreshold?: number;
    };

export interface PortSpec {
  name: string;
  port: number;
  servicePort: number;
  protocol: "TCP" | "UDP" | "SCTP";
  /** Published on the app's Service (`ports[].service`, default true). */
  onService: boolean;
}

export type EnvVar =
  | { name: string; value: string }
  | { name: string; secret: string; key: string; optional?: boolean }
  | { name: string; config: string; key: string; optional?: boolean }
  | { name: string; field: string };

export type EnvFrom = { secret: string; prefix?: string } | { config: string; prefix?: string };

export type FileSpec =
  | { path: string; kind: "inline"; content: string; mode?: number }
  | { path: string; kind: "configMap"; name: string; key: string }
  | { path: string; kind: "secret"; name: string; key: string };

export interface StorageSpec {
  name: string;
  path: string;
  size: string;
  accessMode: "ReadWriteOnce" | "ReadWriteOncePod" | "ReadWriteMany" | "ReadOnlyMany";
  storageClass?: string;
  /** A pod-lifetime emptyDir (sizeLimit `size`) instead of a PersistentVolumeClaim, in this environment. */
  emptyDir?: true;
  /** Why the volume is what it is here. */
  origin: Origin;
}

export type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer";

export interface ServiceSpec {
  type: ServiceType;
  headless: boolean;
  annotations: Record<string, string>;
  externalTrafficPolicy?: "Cluster" | "Local";
}

export type RegistryAuthKind = "pull-secret" | "node-role" | "workload-identity" | "anonymous";

/** How one registry authenticates (platform `registries`, merged for the environment). */
export interface RegistryAuth {
  auth: RegistryAuthKind;
  pullSecret?: string;
  why?: string;
}

export interface ExposeSpec {
  host: string;
  path: string;
  /** Service port number the route sends traffic to. */
  servicePort: number;
  portName: string;
  tls: boolean;
  redirectHttp: boolean;
  /** Secret holding the certificate: `<app>-tls`. */
  tlsSecret: string;
  /** Response headers set on every response (sorted by name). */
  responseHeaders: Record<string, string>;
}

/** A writable emptyDir mount: its path, the volume (shared by paths naming it) and the directory of it mounted. */
export interface WritablePath {
  path: string;
  volume: string;
  subPath?: string;
}

/**
 * The pod's security settings. With profile `restricted` every field is set (kintent's defaults, or what the
 * intent says); with profile `none` only what the intent writes is, and absent fields are left to the cluster.
 */
export interface SecuritySpec {
  profile: "restricted" | "none";
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilitiesAdd: string[];
  capabilitiesDrop: string[];
  seccompProfile?: "RuntimeDefault" | "Localhost" | "Unconfined";
  serviceAccountToken?: boolean;
  writablePaths: WritablePath[];
}

/** One canary step: a traffic weight, a timed pause, or a pause until a human resumes. */
export type CanaryStep = { setWeight: number } | { pause: string } | { pause: "indefinite" };

/** A comparison against a number, as written in a gate: `>= 0.95`. */
export interface Threshold {
  op: ">=" | ">" | "<=" | "<" | "==" | "!=";
  value: number;
}

/** One custom PromQL metric of a gate. */
export interface GateQuery {
  name: string;
  query: string;
  pass: Threshold;
  fail?: Threshold;
}

export interface GateSpec {
  successRate?: { op: ">=" | ">"; value: number };
  p99?: { op: "<=" | "<"; seconds: number };
  /** Maximum 5xx responses per interval. */
  errorCount?: { op: "<=" | "<"; value: number };
  queries: GateQuery[];
  interval: string;
  /** Measurements per evaluation (Argo Rollouts' `count`). */
  count: number;
  failureLimit: number;
  consecutiveErrorLimit: number;
  inconclusiveLimit: number;
}

/** The live canary of weighted-routing engines: a second Deployment that gets `weight`% of traffic. */
export interface WeightedCanary {
  image: string;
  /** The canary's `app.kubernetes.io/version`: its own image tag. */
  version: string;
  /** Labels that differ on the canary's objects and pods. */
  labels: Record<string, string>;
  /** Response headers of the canary's responses (the app's, with the canary's own merged over). */
  responseHeaders: Record<string, string>;
  /** Name of the ExternalName bridge Service (used when the canary runs in another namespace). */
  bridge: string;
  weight: number;
  replicas: number;
  namespace: string;
  env: EnvVar[];
  files: FileSpec[];
}

export interface RolloutSpec {
  strategy: "rolling" | "recreate" | "canary";
  maxSurge: string | number;
  maxUnavailable: string | number;
  revisionHistoryLimit: number;
  steps: CanaryStep[];
  gate?: GateSpec;
  weighted?: WeightedCanary;
}

export interface NetworkPeer {
  app?: string;
  namespace?: string;
  podLabels?: Record<string, string>;
  ports?: (string | number)[];
}

export type Engine = "none" | "argo-rollouts" | "traefik-weighted" | "gateway-weighted";
export type IngressKind = "ingress" | "gateway" | "traefik" | "none";

export interface PlatformFacts {
  name: string;
  ingress: {
    kind: IngressKind;
    className?: string;
    gateway?: { name: string; namespace?: string; sectionName?: string; httpSectionName?: string };
    entryPoints: { web: string; websecure: string };
    allowCrossNamespace: boolean;
    allowExternalNameServices: boolean;
    controllerNamespace?: string;
    controllerPodLabels?: Record<string, string>;
  };
  tls?: { issuer: string; kind: "ClusterIssuer" | "Issuer"; group: string };
  engine: Engine;
  metrics?: {
    prometheus: string;
    successRateQuery: string;
    latencyQuery: string;
    errorCountQuery: string;
    /** What a gate does without data: wait (until `noDataDeadline`, then fail) or fail at once. */
    noData: "wait" | "fail";
    noDataDeadline: string;
  };
  gitops: { repo?: string; path: string; revision: string };
  /** How registries authenticate in this environment, keyed by host[/path prefix] (platform merged with the environment's). */
  registries: Record<string, RegistryAuth>;
  notes: { title: string; why?: string; fix?: string }[];
  /** True when no Platform file was found and the built-in default is used. */
  implicit: boolean;
}

export interface EnvironmentFacts {
  name: string;
  cluster: string;
  namespace: string;
  createNamespace: boolean;
  sync: { auto: boolean; prune: boolean; selfHeal: boolean };
  /** Who approves the steps of a weighted canary: a person each step, or only the start. */
  approval: "every-step" | "start-only";
  project: string;
  /** The platform's `why` for this environment. */
  why?: string;
}

/** One App resolved for one environment. */
export interface ResolvedApp {
  name: string;
  environment: EnvironmentFacts;
  platform: PlatformFacts;
  tier: Resolved<Tier>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  image: Resolved<string>;
  /** app.kubernetes.io/version on every object: the image tag (or digest prefix), unless a label says otherwise. */
  version: string;
  versionOrigin: Origin;
  /** How the image's registry authenticates, when the platform says. */
  registryAuth?: Resolved<RegistryAuth & { registry: string }>;
  imagePullSecrets: Resolved<string[]>;
  /** The app container's name (`containerName`, default the app name). */
  containerName: string;
  command?: string[];
  args?: string[];
  /** Where `command` and `args` were written (the runbook shows them with their line). */
  commandOrigin?: Origin;
  argsOrigin?: Origin;
  ports: PortSpec[];
  probes: { readiness?: Resolved<ProbeSpec>; liveness?: Resolved<ProbeSpec>; startup?: Resolved<ProbeSpec> };
  resources: Resolved<{ profile?: ProfileName; requests: ResourceValues; limits: ResourceValues }>;
  replicas: Resolved<number>;
  autoscaling?: Resolved<{ min: number; max: number; cpu?: number; memory?: number }>;
  env: EnvVar[];
  envFrom: EnvFrom[];
  files: FileSpec[];
  storage: StorageSpec[];
  expose?: Resolved<ExposeSpec>;
  service: Resolved<ServiceSpec>;
  security: Resolved<SecuritySpec>;
  rollout: Resolved<RolloutSpec>;
  pdb: Resolved<boolean>;
  spread: Resolved<boolean>;
  network: Resolved<{ policy: boolean; allowFrom: NetworkPeer[]; egress: "all" | "dns-only" | "none" }>;
  /** `create: false`: no ServiceAccount object; the pod names `name` (or none: the namespace's default). */
  serviceAccount: { name?: string; annotations: Record<string, string>; create: boolean };
  /** Labels selecting the pods when the intent sets `selector` (else name and instance, see compile/labels.ts). */
  selector?: Record<string, string>;
  podAnnotations: Record<string, string>;
  scheduling: Resolved<{
    nodeSelector: Record<string, string>;
    nodeAffinity: Record<string, string[]>;
    tolerations: Record<string, unknown>[];
    storageClass?: string;
  }>;
  terminationGracePeriodSeconds: number;
  /** Free-form `why:` notes from the intent, keyed by field (`app` for the whole app). */
  why: Record<string, string>;
  /** Where the App came from. */
  source: { file: string; format: "kintent" | "score" };
}
