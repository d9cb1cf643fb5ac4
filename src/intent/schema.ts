/**
 * The written intent: what users put in `kintent.yaml` (kind App) and `platform.yaml` (kind Platform).
 * These zod schemas are the single source of the JSON Schema (`kintent schema`) and of the intent
 * reference in docs. Normalized types with every default applied live in `types.ts`; defaults in `defaults.ts`.
 */
import * as z from "zod";
import { isQuantity, QUANTITY_PATTERN, quantityHint } from "../core/quantity.js";

export const API_VERSION = "kintent.dev/v1alpha1";

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DURATION = /^(\d+(ms|s|m|h))+$/;
const PERCENT = /^\d{1,3}%$/;

export const dnsLabel = z
  .string()
  .max(63)
  .regex(
    DNS_LABEL,
    "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending alphanumeric",
  );

export const quantity = z
  .union([
    z
      .string()
      .refine(isQuantity, {
        error: (issue) =>
          `must be a Kubernetes quantity such as 500m, 1, 512Mi or 1Gi${quantityHint(String(issue.input))}`,
      })
      .meta({ pattern: QUANTITY_PATTERN.source }),
    z.number(),
  ])
  .describe("A Kubernetes quantity: `500m`, `1`, `512Mi`, `1Gi`.");

export const duration = z
  .string()
  .regex(DURATION, "must be a duration such as 30s, 2m, 1h or 1h30m")
  .describe("A duration: `30s`, `2m`, `1h`, `1h30m`.");

export const percent = z
  .union([
    z.number().int().min(0).max(100),
    z.string().regex(PERCENT, "must be a percentage such as 70% (or the number 70)"),
  ])
  .describe("A percentage, as `70%` or `70`.");

const labelMap = z.record(z.string(), z.string());
const why = z.string().min(1).describe("Why this is so. Carried into `# why:` comments and the runbook.");
const whyMap = z
  .record(z.string(), z.string())
  .describe(
    "Free-form reasons keyed by field (`rollout`, `resources`, `env.DB_URL`, …). Use the key `app` for the whole app.",
  );

// ---------------------------------------------------------------------------------------------
// App
// ---------------------------------------------------------------------------------------------

export const resourceProfile = z
  .enum(["small", "medium", "large", "xlarge"])
  .describe(
    "A resource profile: small (100m/128Mi requests, 500m/256Mi limits), medium (500m/512Mi, 1/1Gi), " +
      "large (1/1Gi, 2/2Gi), xlarge (2/4Gi, 4/8Gi).",
  );

/** `false` removes that value (e.g. no CPU limit), where a profile or the default would set one. */
const quantityOrNone = z.union([quantity, z.literal(false)]);
const cpuMemory = z.strictObject({
  cpu: quantityOrNone.optional(),
  memory: quantityOrNone.optional(),
  "ephemeral-storage": quantityOrNone.optional(),
});
const cpuMemoryOrNone = z
  .union([cpuMemory, z.literal(false)])
  .describe("Quantities by resource; `false` (for all, or for one resource) sets none.");

export const resources = z
  .union([
    resourceProfile,
    z.strictObject({
      profile: resourceProfile.optional().describe("Start from a profile and override parts of it."),
      requests: cpuMemoryOrNone.optional(),
      limits: cpuMemoryOrNone.optional(),
    }),
  ])
  .describe(
    "Container resources: a profile name, or `{profile?, requests?, limits?}`; `limits: false` or `limits: {cpu: false}` sets none.",
  );

export const portSpec = z.strictObject({
  name: dnsLabel
    .max(15)
    .optional()
    .describe("Port name. @default `http` for the first port, else `port-<n>`"),
  port: z.number().int().min(1).max(65535).describe("Container port."),
  servicePort: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe("Port on the Service. @default the container port"),
  protocol: z.enum(["TCP", "UDP", "SCTP"]).optional().describe("@default TCP"),
  service: z
    .boolean()
    .optional()
    .describe(
      "Publish the port on the app's Service. `false` keeps it on the container only (a metrics or admin port). @default true",
    ),
});

const httpProbe = z.strictObject({
  path: z.string().startsWith("/", "must start with /").describe("HTTP path to GET."),
  port: z
    .union([z.number().int().min(1).max(65535), z.string()])
    .optional()
    .describe("Port number or name. @default the first port"),
  initialDelay: duration.optional(),
  period: duration.optional().describe("@default 10s"),
  timeout: duration.optional().describe("@default 1s"),
  failureThreshold: z.number().int().min(1).optional().describe("@default 3"),
});
const tcpProbe = z.strictObject({
  tcp: z
    .union([z.number().int().min(1).max(65535), z.string()])
    .describe("TCP port number or name to connect to."),
  initialDelay: duration.optional(),
  period: duration.optional(),
  timeout: duration.optional(),
  failureThreshold: z.number().int().min(1).optional(),
});
const execProbe = z.strictObject({
  exec: z.array(z.string()).min(1).describe("Command to run in the container."),
  initialDelay: duration.optional(),
  period: duration.optional(),
  timeout: duration.optional(),
  failureThreshold: z.number().int().min(1).optional(),
});
export const probe = z
  .union([z.string().startsWith("/", "must start with /"), httpProbe, tcpProbe, execProbe])
  .describe("A health check: an HTTP path (`/healthz`), `{path, port}`, `{tcp: port}` or `{exec: [cmd]}`.");

export const probes = z.strictObject({
  readiness: probe.optional().describe("@default `probe`"),
  liveness: probe.optional().describe("@default `probe`"),
  startup: probe.optional().describe("Only when given."),
});

export const autoscaling = z.strictObject({
  min: z.number().int().min(1).describe("Minimum replicas."),
  max: z.number().int().min(1).describe("Maximum replicas."),
  cpu: percent
    .optional()
    .describe("Target average CPU utilisation. @default 80% when no memory target is given"),
  memory: percent.optional().describe("Target average memory utilisation."),
});

const envRef = z.union([
  z.strictObject({
    secret: dnsLabel
      .or(z.string().min(1))
      .describe("Name of an existing Secret (kintent never holds its value)."),
    key: z.string().min(1),
    optional: z.boolean().optional(),
  }),
  z.strictObject({
    config: z.string().min(1).describe("Name of a ConfigMap."),
    key: z.string().min(1),
    optional: z.boolean().optional(),
  }),
  z.strictObject({
    field: z
      .enum([
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "spec.nodeName",
        "spec.serviceAccountName",
        "status.hostIP",
        "status.podIP",
      ])
      .describe("A pod field (downward API)."),
  }),
]);
export const envValue = z
  .union([z.string(), z.number(), z.boolean(), envRef])
  .describe(
    "A literal value, or a reference: `{secret, key}`, `{config, key}`, `{field}`. Secret values are never written in intents.",
  );

const envFromEntry = z.union([
  z.strictObject({ secret: z.string().min(1), prefix: z.string().optional() }),
  z.strictObject({ config: z.string().min(1), prefix: z.string().optional() }),
]);

const fileSource = z.union([
  z.string().describe("Inline file content; kintent creates a ConfigMap `<app>-files` for it."),
  z.strictObject({ content: z.string(), mode: z.number().int().optional() }),
  z.strictObject({ configMap: z.string().min(1), key: z.string().min(1) }),
  z.strictObject({ secret: z.string().min(1), key: z.string().min(1) }),
]);
export const files = z
  .record(z.string().startsWith("/", "must start with /"), fileSource)
  .describe(
    "Files mounted read-only, keyed by absolute path: inline content, or a key of a ConfigMap / Secret.",
  );

export const storage = z.strictObject({
  name: dnsLabel.describe("Volume name."),
  path: z.string().startsWith("/", "must start with /").describe("Mount path."),
  size: quantity.describe("Requested size, e.g. 10Gi."),
  accessMode: z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"]).optional(),
  storageClass: z.string().optional().describe("@default the environment's storageClass"),
});

export const expose = z.strictObject({
  host: z.string().min(1).describe("Public host name, e.g. shop.acme.io."),
  path: z.string().startsWith("/", "must start with /").optional().describe("@default /"),
  port: z
    .union([z.number().int(), z.string()])
    .optional()
    .describe("Port name or number to route to. @default the first port"),
  tls: z
    .boolean()
    .optional()
    .describe("Serve HTTPS with a certificate from the platform's issuer. @default true"),
  redirectHttp: z.boolean().optional().describe("Redirect HTTP to HTTPS. @default true when tls"),
  tlsSecret: dnsLabel
    .or(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a Secret name"))
    .optional()
    .describe("Secret holding the certificate (issued into it, or existing). @default <app>-tls"),
});

export const security = z.strictObject({
  profile: z
    .enum(["restricted", "none"])
    .optional()
    .describe(
      "`restricted`: kintent's defaults below. `none`: only the fields written here are set and the cluster's defaults apply to the rest " +
        "(no writable /tmp, no token setting) — to reproduce a workload exactly; a relaxation that wants a `why`. @default restricted",
    ),
  runAsUser: z.number().int().min(0).optional().describe("@default 10001"),
  runAsGroup: z.number().int().min(0).optional().describe("@default 10001"),
  fsGroup: z.number().int().min(0).optional().describe("@default 10001"),
  runAsNonRoot: z.boolean().optional().describe("@default true (restricted Pod Security)"),
  readOnlyRootFilesystem: z.boolean().optional().describe("@default true"),
  allowPrivilegeEscalation: z.boolean().optional().describe("@default false"),
  privileged: z.boolean().optional().describe("@default false. Needs a `why`."),
  capabilities: z
    .strictObject({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() })
    .optional()
    .describe("@default drop ALL, add nothing"),
  seccompProfile: z
    .enum(["RuntimeDefault", "Localhost", "Unconfined"])
    .optional()
    .describe("@default RuntimeDefault"),
  serviceAccountToken: z
    .boolean()
    .optional()
    .describe("Mount a service account token into the pod. @default false"),
  writablePaths: z
    .array(
      z.union([
        z.string().startsWith("/", "must start with /"),
        z.strictObject({
          path: z.string().startsWith("/", "must start with /"),
          volume: dnsLabel
            .optional()
            .describe(
              "emptyDir volume name; paths naming the same volume share it. @default writable-<path>",
            ),
          subPath: z.string().min(1).optional().describe("Directory of the volume mounted here."),
        }),
      ]),
    )
    .optional()
    .describe(
      "Writable emptyDir mounts, needed with a read-only root filesystem: a path, or `{path, volume, subPath}`. @default [/tmp] (none with profile none)",
    ),
});

const canaryStep = z.union([
  z.number().int().min(0).max(100),
  z
    .string()
    .regex(/^(\d{1,3}%|(\d+(ms|s|m|h))+|pause)$/, "must be a weight (20%), a duration (2m) or `pause`"),
]);

export const gate = z.strictObject({
  successRate: z
    .string()
    .regex(/^>=?\s*\d+(\.\d+)?%$/, "must look like `>= 95%`")
    .optional()
    .describe("Minimum share of non-5xx responses, e.g. `>= 95%`."),
  p99: z
    .string()
    .regex(/^<=?\s*\d+(ms|s)$/, "must look like `< 500ms`")
    .optional()
    .describe("Maximum 99th-percentile latency, e.g. `< 500ms`."),
  interval: duration.optional().describe("How often to measure. @default 1m"),
  failureLimit: z.number().int().min(0).optional().describe("Failed measurements tolerated. @default 1"),
});

export const canary = z.strictObject({
  steps: z
    .array(canaryStep)
    .min(1)
    .optional()
    .describe(
      "Traffic steps: weights and pauses, e.g. `[20%, 2m, 50%, 2m, 100%]`; `pause` waits for a human.",
    ),
  gate: gate.optional().describe("Metric gate evaluated during the canary (needs platform metrics)."),
  image: z.string().min(1).optional().describe("Weighted routing: the canary's image."),
  weight: z
    .number()
    .int()
    .min(0)
    .max(100)
    .optional()
    .describe("Weighted routing: share of traffic (0–100) sent to the canary now."),
  replicas: z.number().int().min(0).optional().describe("Weighted routing: canary replicas. @default 1"),
  namespace: dnsLabel
    .optional()
    .describe("Weighted routing: the canary's own namespace. @default the app namespace"),
  env: z
    .record(z.string(), envValue)
    .optional()
    .describe("Weighted routing: env vars that differ for the canary."),
  files: files.optional().describe("Weighted routing: files that differ for the canary."),
});

export const rollout = z.strictObject({
  strategy: z
    .enum(["rolling", "recreate", "canary"])
    .optional()
    .describe("@default canary when `canary` is set, else rolling"),
  maxSurge: z
    .union([z.number().int().min(0), z.string().regex(PERCENT)])
    .optional()
    .describe("@default 25%"),
  maxUnavailable: z
    .union([z.number().int().min(0), z.string().regex(PERCENT)])
    .optional()
    .describe("@default 0"),
  revisionHistoryLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Old ReplicaSets kept for rolling back. @default 5"),
  canary: z
    .union([z.array(canaryStep).min(1), canary])
    .optional()
    .describe("Canary: a list of steps, or `{steps, gate, …}`."),
  gate: gate.optional().describe("Shorthand for `canary.gate`."),
});

const networkPeer = z.strictObject({
  app: dnsLabel.optional().describe("Another kintent app (matched by app.kubernetes.io/name)."),
  namespace: z.string().optional().describe("Namespace of the peer. @default the app's namespace"),
  podLabels: labelMap.optional(),
  ports: z
    .array(z.union([z.number().int(), z.string()]))
    .optional()
    .describe("@default all the app's ports"),
});

export const network = z.strictObject({
  policy: z
    .boolean()
    .optional()
    .describe(
      "Emit a default-deny NetworkPolicy with explicit allows. @default true for production and staging tiers",
    ),
  allowFrom: z.array(networkPeer).optional().describe("Who may connect, besides the ingress controller."),
  egress: z
    .enum(["all", "dns-only", "none"])
    .optional()
    .describe("Egress allowed. @default all (NetworkPolicy restricts ingress only)"),
});

/** Fields an environment may override in an App. */
const appEnvironmentOverride = z.strictObject({
  image: z.string().min(1).optional(),
  command: z.array(z.string()).optional().describe("Replaces the app's `command` here."),
  args: z.array(z.string()).optional().describe("Replaces the app's `args` here."),
  replicas: z.number().int().min(0).optional(),
  autoscaling: z
    .union([autoscaling, z.literal(false)])
    .optional()
    .describe("`false` turns autoscaling off here."),
  resources: resources.optional(),
  tier: z.enum(["production", "staging", "dev"]).optional(),
  env: z.record(z.string(), envValue).optional().describe("Merged over the app's env."),
  expose: z.union([expose.partial(), z.literal(false)]).optional(),
  rollout: rollout
    .optional()
    .describe(
      "Merged over the app's `rollout` field by field, so write only what differs here: a field set here replaces the app's; " +
        "`canary` merges key by key into the app's canary (a step list counts as `{steps: [..]}`), its `env` and `files` by name; " +
        "the gate (`gate` or `canary.gate`) merges key by key. `strategy: rolling` or `recreate` here turns the app's canary off in this environment.",
    ),
  labels: labelMap.optional(),
  annotations: labelMap.optional(),
});

export const appSpec = z.strictObject({
  image: z.string().min(1).describe("Container image with a tag or digest, e.g. `ghcr.io/acme/shop:1.4.2`."),
  containerName: dnsLabel.optional().describe("Name of the app's container. @default the app name"),
  command: z.array(z.string()).optional().describe("Overrides the image's entrypoint."),
  args: z.array(z.string()).optional().describe("Overrides the image's arguments."),
  tier: z
    .enum(["production", "staging", "dev"])
    .optional()
    .describe(
      "Presets for replicas, PDB, spread and network policy. @default the environment's tier, else production",
    ),
  port: z.number().int().min(1).max(65535).optional().describe("Shorthand for one port named http."),
  ports: z
    .array(portSpec)
    .optional()
    .describe("Ports the container listens on; the first is the default for probes and exposure."),
  probe: probe.optional().describe("One check used for readiness and liveness."),
  probes: probes.optional().describe("Separate readiness, liveness and startup checks."),
  resources: resources.optional().describe("@default small"),
  replicas: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("@default from the tier: production 3, staging 2, dev 1"),
  autoscaling: autoscaling
    .optional()
    .describe(
      "A HorizontalPodAutoscaler: `{min, max, cpu: 70%}`; the workload then carries no replica count.",
    ),
  env: z
    .record(z.string(), envValue)
    .optional()
    .describe("Environment variables: literal values or references to Secrets, ConfigMaps and pod fields."),
  envFrom: z
    .array(envFromEntry)
    .optional()
    .describe("Every key of a Secret or ConfigMap as env vars (`{secret}` / `{config}`, optional `prefix`)."),
  files: files.optional(),
  storage: z.array(storage).optional().describe("Persistent volumes; the app becomes a StatefulSet."),
  expose: expose.optional().describe("Public exposure through the platform's ingress flavour."),
  security: security
    .optional()
    .describe("Overrides of the restricted Pod Security defaults; each relaxation wants a `why`."),
  rollout: rollout.optional().describe("How new versions go out: rolling (default), recreate, or canary."),
  network: network.optional().describe("NetworkPolicy: who may connect, and egress."),
  serviceAccount: z
    .strictObject({
      name: z.string().optional(),
      annotations: labelMap.optional(),
      create: z
        .boolean()
        .optional()
        .describe(
          "`false`: use an existing ServiceAccount (`name`, else the namespace's default) instead of creating one. @default true",
        ),
    })
    .optional()
    .describe("ServiceAccount settings (e.g. IRSA annotations)."),
  selector: labelMap
    .optional()
    .describe(
      "Labels that select the app's pods (Service, PDB, NetworkPolicy, spread), replacing app.kubernetes.io/name and instance on every object. " +
        "Set it to keep the selector of a workload you adopt: selectors are immutable. @default name and instance = the app name",
    ),
  podAnnotations: labelMap
    .optional()
    .describe("Annotations on the pods (e.g. for service meshes or log shippers)."),
  terminationGracePeriod: duration.optional().describe("@default 30s"),
  environments: z
    .record(z.string(), appEnvironmentOverride)
    .optional()
    .describe("Per-environment overrides, keyed by environment name."),
  why: z.union([why, whyMap]).optional(),
});

export const metadata = z.strictObject({
  name: dnsLabel.describe("App name: a DNS-1123 label; every object is named after it."),
  labels: labelMap.optional().describe("Organisation labels, added to every object."),
  annotations: labelMap.optional().describe("Organisation annotations, added to every object."),
  why: why.optional(),
});

export const appIntent = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("App"),
  metadata,
  spec: appSpec,
});

// ---------------------------------------------------------------------------------------------
// Platform
// ---------------------------------------------------------------------------------------------

const syncPolicy = z
  .union([
    z.enum(["auto", "manual"]),
    z.strictObject({
      auto: z.boolean().optional(),
      prune: z.boolean().optional().describe("@default true when auto"),
      selfHeal: z.boolean().optional().describe("@default true when auto"),
    }),
  ])
  .describe("Argo CD sync policy: `auto` (prune + selfHeal), `manual`, or `{auto, prune, selfHeal}`.");

const nodeAffinity = z
  .record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]))
  .describe("Required node labels: `{workload: agents}` or `{zone: [a, b]}` (any of).");

const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(["Exists", "Equal"]).optional(),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
  tolerationSeconds: z.number().int().optional(),
});

export const environment = z.strictObject({
  cluster: z
    .string()
    .min(1)
    .describe("Cluster API URL as Argo CD knows it, e.g. https://kubernetes.default.svc."),
  namespace: dnsLabel.optional().describe("@default the app name"),
  createNamespace: z.boolean().optional().describe("Emit the Namespace object. @default false"),
  tier: z.enum(["production", "staging", "dev"]).optional(),
  registry: z
    .string()
    .optional()
    .describe("Registry host (and optional path) that replaces the image's registry here."),
  imagePullSecrets: z.array(z.string()).optional(),
  pullSecret: z.string().optional().describe("Shorthand for one imagePullSecret."),
  replicas: z.number().int().min(0).optional().describe("Replica override for every app here."),
  resources: resources.optional().describe("Resource override for every app here."),
  nodeSelector: labelMap.optional(),
  nodeAffinity: nodeAffinity.optional(),
  tolerations: z.array(toleration).optional(),
  storageClass: z.string().optional(),
  sync: syncPolicy.optional().describe("@default manual"),
  project: z.string().optional().describe("Argo CD project. @default default"),
  domain: z
    .string()
    .optional()
    .describe("Suffix for hosts written as relative names (`shop` → shop.<domain>)."),
  labels: labelMap.optional(),
  annotations: labelMap.optional(),
  why: why.optional(),
});

export const ingress = z.strictObject({
  kind: z
    .enum(["ingress", "gateway", "traefik", "none"])
    .describe("networking.k8s.io Ingress, Gateway API HTTPRoute, Traefik v3 IngressRoute, or none."),
  className: z.string().optional().describe("IngressClass for kind ingress, e.g. nginx."),
  gateway: z
    .strictObject({
      name: z.string(),
      namespace: z.string().optional(),
      sectionName: z.string().optional(),
      httpSectionName: z.string().optional().describe("Listener for the HTTP→HTTPS redirect route."),
    })
    .optional()
    .describe("parentRef for HTTPRoutes (kind gateway)."),
  entryPoints: z
    .strictObject({ web: z.string().optional(), websecure: z.string().optional() })
    .optional()
    .describe("Traefik entry point names. @default web / websecure"),
  allowCrossNamespace: z
    .boolean()
    .optional()
    .describe("Traefik providers.kubernetesCRD.allowCrossNamespace as configured. @default false"),
  allowExternalNameServices: z
    .boolean()
    .optional()
    .describe("Traefik providers.kubernetesCRD.allowExternalNameServices as configured. @default false"),
  controllerNamespace: z
    .string()
    .optional()
    .describe("Namespace of the ingress controller pods, allowed by NetworkPolicies."),
  controllerPodLabels: labelMap.optional(),
});

export const platformSpec = z.strictObject({
  ingress: ingress.optional().describe("@default {kind: ingress}"),
  tls: z
    .strictObject({
      issuer: z.string().min(1).describe("cert-manager issuer name."),
      kind: z.enum(["ClusterIssuer", "Issuer"]).optional().describe("@default ClusterIssuer"),
      group: z
        .string()
        .optional()
        .describe("Issuer API group for external issuers. @default cert-manager.io"),
    })
    .optional()
    .describe("TLS via cert-manager."),
  progressiveDelivery: z
    .enum(["none", "argo-rollouts", "traefik-weighted", "gateway-weighted"])
    .optional()
    .describe("@default none"),
  metrics: z
    .strictObject({
      prometheus: z.string().url().describe("Prometheus base URL for canary gates."),
      successRateQuery: z
        .string()
        .optional()
        .describe("PromQL; `{{service}}`, `{{namespace}}` are substituted."),
      latencyQuery: z.string().optional().describe("PromQL for p99 seconds; same placeholders."),
    })
    .optional(),
  labels: labelMap.optional().describe("Labels added to every object of every app."),
  requiredLabels: z
    .array(z.string())
    .optional()
    .describe("Label keys every app must set in metadata.labels."),
  gitops: z
    .strictObject({
      repo: z.string().optional().describe("GitOps repository URL Argo CD reads."),
      path: z.string().optional().describe("Layout inside it. @default apps/{app}/{env}"),
      revision: z.string().optional().describe("@default main"),
    })
    .optional(),
  environments: z.record(dnsLabel, environment).describe("Where apps run, keyed by environment name."),
  notes: z
    .array(
      z.strictObject({
        title: z.string().min(1),
        why: z.string().optional(),
        fix: z.string().optional(),
        environments: z.array(z.string()).optional().describe("Only these environments. @default all"),
      }),
    )
    .optional()
    .describe("Hard-won facts about the platform, with why and fix; carried into every runbook."),
});

export const platformIntent = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("Platform"),
  metadata: z.strictObject({ name: dnsLabel, labels: labelMap.optional(), annotations: labelMap.optional() }),
  spec: platformSpec,
});

export type WrittenApp = z.infer<typeof appIntent>;
export type WrittenAppSpec = z.infer<typeof appSpec>;
export type WrittenPlatform = z.infer<typeof platformIntent>;
export type WrittenEnvironment = z.infer<typeof environment>;
export type WrittenResources = z.infer<typeof resources>;
export type WrittenProbe = z.infer<typeof probe>;
export type WrittenEnvValue = z.infer<typeof envValue>;
export type WrittenFiles = z.infer<typeof files>;
export type WrittenExpose = z.infer<typeof expose>;
export type WrittenRollout = z.infer<typeof rollout>;
export type WrittenGate = z.infer<typeof gate>;
export type WrittenCanary = z.infer<typeof canary>;
export type WrittenAppOverride = z.infer<typeof appEnvironmentOverride>;

/** JSON Schema of both kinds, for editors (`kintent schema`). */
export function intentJsonSchema(): Record<string, unknown> {
  const app = z.toJSONSchema(appIntent, { target: "draft-2020-12" });
  const platform = z.toJSONSchema(platformIntent, { target: "draft-2020-12" });
  delete app.$schema;
  delete platform.$schema;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://kintent.dev/schemas/v1alpha1/intent.json",
    title: "kintent intent (App or Platform)",
    oneOf: [{ $ref: "#/$defs/App" }, { $ref: "#/$defs/Platform" }],
    $defs: { App: app, Platform: platform },
  };
}
