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

// Hostile input is normal input: what reaches generated objects (routing rules, label selectors, ports) is
// checked here against the Kubernetes/RFC syntax, so an error points at the intent line, never at the output.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A qualified name (label/annotation key): an optional DNS-subdomain prefix and `/`, then a 63-character name. */
const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** IANA_SVC_NAME: a named port. */
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?=[a-z0-9]))*$/;
/** An HTTP path: RFC 3986 path characters only (no spaces, quotes, backticks or control characters). */
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

const qualifiedKey = z
  .string()
  .refine((k) => QUALIFIED_NAME.test(k) && (k.split("/")[0] ?? "").length <= 253, {
    error: (i) =>
      `key ${JSON.stringify(String(i.input)).slice(0, 80)} is not a valid Kubernetes label/annotation key: [prefix/]name, the name at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
  });

export const hostName = z
  .string()
  .min(1)
  .max(253)
  .refine((h) => DNS_SUBDOMAIN.test(h.replace(/^\*\./, "")) && h.split(".").every((l) => l.length <= 63), {
    error: (i) =>
      `${JSON.stringify(String(i.input)).slice(0, 80)} is not a host name: lower-case letters, digits, '-' and '.' (RFC 1123), no scheme, port, path, spaces or quotes — e.g. shop.acme.io`,
  });

export const httpPath = z
  .string()
  .startsWith("/", "must start with /")
  .max(1024)
  .regex(
    URL_PATH,
    "must be a URL path: letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @ % / ? only (no spaces, quotes or backticks)",
  );

/** A port: a number 1–65535 or a port name (IANA_SVC_NAME: at most 15 lower-case letters, digits and '-'). */
export const portRef = z.union([
  z.number().int().min(1).max(65535),
  z
    .string()
    .regex(
      PORT_NAME,
      "must be a port number (1–65535) or a port name: at most 15 lower-case letters, digits and '-', with a letter",
    ),
]);

const labelMap = z.record(
  qualifiedKey,
  z
    .string()
    .max(63, "a label value is at most 63 characters")
    .regex(
      LABEL_VALUE,
      "a label value is letters, digits, '-', '_' or '.', starting and ending alphanumeric",
    ),
);
const annotationMap = z.record(qualifiedKey, z.string());
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
  path: httpPath.describe("HTTP path to GET."),
  port: portRef.optional().describe("Port number or name. @default the first port"),
  initialDelay: duration.optional(),
  period: duration.optional().describe("@default 10s"),
  timeout: duration.optional().describe("@default 1s"),
  failureThreshold: z.number().int().min(1).optional().describe("@default 3"),
});
const tcpProbe = z.strictObject({
  tcp: portRef.describe("TCP port number or name to connect to."),
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
  .union([httpPath, httpProbe, tcpProbe, execProbe])
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

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
export const responseHeaders = z
  .record(
    z.string().regex(HEADER_NAME, "must be an HTTP header name such as X-Track"),
    z
      .string()
      .max(1024)
      .regex(/^[\t\x20-\x7e\x80-\uffff]*$/, "must be one line of text (no control characters)"),
  )
  .describe(
    "Response headers set on every response, e.g. `{X-Track: stable}` (Traefik: a `headers` Middleware; Gateway API: a ResponseHeaderModifier filter).",
  );

export const service = z.strictObject({
  type: z
    .enum(["ClusterIP", "NodePort", "LoadBalancer"])
    .optional()
    .describe(
      "ClusterIP: reachable inside the cluster only (`expose` publishes HTTP through the ingress); NodePort: also on a port of every node; " +
        "LoadBalancer: also through a cloud load balancer with its own address (its ports are then open to every source, NetworkPolicy included). @default ClusterIP",
    ),
  headless: z
    .boolean()
    .optional()
    .describe(
      "No virtual IP (`clusterIP: None`): DNS answers with the pods' own addresses — per-pod names for a StatefulSet, client-side load balancing otherwise. " +
        "A StatefulSet whose Service is headless uses it as its governing Service instead of an extra `<app>-headless`. ClusterIP only. @default false",
    ),
  annotations: annotationMap
    .optional()
    .describe(
      "Annotations on the Service, e.g. cloud load balancer settings (`service.beta.kubernetes.io/aws-load-balancer-type: nlb`).",
    ),
  externalTrafficPolicy: z
    .enum(["Cluster", "Local"])
    .optional()
    .describe(
      "NodePort/LoadBalancer only. Local: nodes send outside traffic only to their own pods, keeping the client's source IP (no second hop); Cluster spreads it over every pod. @default Cluster",
    ),
});

const storageOverride = z
  .union([
    z.literal("emptyDir"),
    z.strictObject({
      storageClass: z
        .string()
        .optional()
        .describe("@default the volume's storageClass, else the environment's"),
      size: quantity.optional().describe("@default the volume's size"),
      accessMode: z
        .enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"])
        .optional()
        .describe("@default the volume's accessMode"),
    }),
  ])
  .describe(
    "`emptyDir`: a scratch volume that lives as long as the pod (its `size` becomes the sizeLimit), no PersistentVolumeClaim; or what differs: `{storageClass, size, accessMode}`.",
  );

export const expose = z.strictObject({
  host: hostName.describe("Public host name, e.g. shop.acme.io."),
  path: httpPath.optional().describe("@default /"),
  port: portRef.optional().describe("Port name or number to route to. @default the first port"),
  tls: z
    .boolean()
    .optional()
    .describe("Serve HTTPS with a certificate from the platform's issuer. @default true"),
  redirectHttp: z.boolean().optional().describe("Redirect HTTP to HTTPS. @default true when tls"),
  responseHeaders: responseHeaders.optional(),
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

/** A comparison against a number: `>= 0.95`, `< 250`, `== 0`. */
const THRESHOLD = /^(>=|<=|>|<|==|!=)\s*-?\d+(\.\d+)?$/;

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
  errorCount: z
    .string()
    .regex(/^<=?\s*\d+$/, "must look like `<= 5`")
    .optional()
    .describe("Maximum number of 5xx responses per interval, e.g. `<= 5`."),
  queries: z
    .array(
      z.strictObject({
        name: dnsLabel.describe("Metric name (shown in evidence and in the AnalysisTemplate)."),
        query: z
          .string()
          .min(1)
          .describe("PromQL returning one number; `{{service}}`, `{{namespace}}` are substituted."),
        pass: z
          .string()
          .regex(THRESHOLD, "must look like `>= 0.95` or `< 250`")
          .describe("A measurement passes when the value satisfies this, e.g. `>= 0.95`."),
        fail: z
          .string()
          .regex(THRESHOLD, "must look like `< 0.9`")
          .optional()
          .describe(
            "A measurement fails when the value satisfies this; a value that satisfies neither `pass` nor `fail` is inconclusive. @default the opposite of `pass`",
          ),
      }),
    )
    .optional()
    .describe("Custom PromQL metrics of the gate, each with its own threshold."),
  interval: duration.optional().describe("How often to measure. @default 1m"),
  count: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "Measurements, `interval` apart, that one evaluation of a weighted canary's step takes (Argo Rollouts' `count`); " +
        "Argo Rollouts' background analysis measures until the rollout completes. @default 5",
    ),
  failureLimit: z.number().int().min(0).optional().describe("Failed measurements tolerated. @default 1"),
  consecutiveErrorLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Consecutive query errors tolerated before the gate fails. @default 4"),
  inconclusiveLimit: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "Inconclusive measurements tolerated before the canary stops for a person to decide. @default 0",
    ),
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
  labels: labelMap
    .optional()
    .describe(
      "Weighted routing: labels that differ on the canary's objects and pods (e.g. `{track: canary}` where metadata.labels says `track: stable`).",
    ),
  responseHeaders: responseHeaders
    .optional()
    .describe(
      "Weighted routing: response headers that differ for the canary's responses, merged over `expose.responseHeaders` (e.g. `{X-Track: canary}`).",
    ),
  bridge: dnsLabel
    .optional()
    .describe(
      "Weighted routing with Traefik: name of the ExternalName Service that bridges to a canary in another namespace. @default <app>-canary-bridge",
    ),
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
  ports: z.array(portRef).optional().describe("@default all the app's ports"),
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
  service: service
    .optional()
    .describe("Merged over the app's `service` field by field (annotations key by key)."),
  storage: z
    .record(dnsLabel, storageOverride)
    .optional()
    .describe(
      "Per volume (by name): `emptyDir` here, or what differs (`{storageClass, size, accessMode}`), e.g. `{data: emptyDir}` in dev and `{data: {storageClass: ebs-io2}}` in prod.",
    ),
  rollout: rollout
    .optional()
    .describe(
      "Merged over the app's `rollout` field by field, so write only what differs here: a field set here replaces the app's; " +
        "`canary` merges key by key into the app's canary (a step list counts as `{steps: [..]}`), its `env`, `files`, `labels` and `responseHeaders` by name; " +
        "the gate (`gate` or `canary.gate`) merges key by key. `strategy: rolling` or `recreate` here turns the app's canary off in this environment.",
    ),
  labels: labelMap.optional(),
  annotations: annotationMap.optional(),
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
  service: service
    .optional()
    .describe(
      "The app's Service: its type (ClusterIP, NodePort, LoadBalancer), headless, annotations, externalTrafficPolicy.",
    ),
  security: security
    .optional()
    .describe("Overrides of the restricted Pod Security defaults; each relaxation wants a `why`."),
  rollout: rollout.optional().describe("How new versions go out: rolling (default), recreate, or canary."),
  network: network.optional().describe("NetworkPolicy: who may connect, and egress."),
  serviceAccount: z
    .strictObject({
      name: z.string().optional(),
      annotations: annotationMap.optional(),
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
  podAnnotations: annotationMap
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
  labels: labelMap
    .optional()
    .describe(
      "Organisation labels, added to every object. app.kubernetes.io/version needs no entry: kintent derives it from the image tag on every object (the canary's from its own), and a value written here wins (`kintent set image` keeps one that named the old tag in step).",
    ),
  annotations: annotationMap.optional().describe("Organisation annotations, added to every object."),
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

export const registryAuth = z
  .strictObject({
    auth: z
      .enum(["pull-secret", "node-role", "workload-identity", "anonymous"])
      .describe(
        "pull-secret: pods carry an imagePullSecret; node-role: the nodes pull with their own cloud identity (an EKS node IAM role, a GKE node service account, an AKS kubelet identity with AcrPull); " +
          "workload-identity: the kubelet pulls with the pod's ServiceAccount (a credential provider with service account tokens); anonymous: public images, no credentials.",
      ),
    pullSecret: z
      .string()
      .min(1)
      .optional()
      .describe(
        "With auth pull-secret: the Secret every pod pulling from this registry gets as imagePullSecret.",
      ),
    why: why.optional(),
  })
  .describe("How one registry authenticates.");

export const registries = z
  .record(z.string().min(1), registryAuth)
  .describe(
    "How each registry authenticates, keyed by host (`123456789012.dkr.ecr.us-east-1.amazonaws.com`), optionally with a path prefix (`ghcr.io/acme`); the longest match wins. " +
      "The private-registry-pull-secret check follows it: an image from a node-role, workload-identity or anonymous registry needs no pull secret.",
  );

const health = z
  .strictObject({
    action: z
      .enum(["report", "issue", "fix", "rollback"])
      .optional()
      .describe(
        "What `kintent watch` does with a new failure: `report` (log and metrics only), `issue` (open or update one forge issue per distinct failure), `fix` (propose the fix as a pull request when the intent can fix it, else an issue), `rollback` (propose the last healthy intent revision as a pull request). @default report",
      ),
    repo: z
      .string()
      .min(1)
      .optional()
      .describe("Forge repository for issues (a Git URL). @default gitops.repo"),
    labels: z
      .array(z.string().min(1))
      .optional()
      .describe("Labels on the issues kintent opens. @default [kintent-health]"),
  })
  .describe("The health agent (`kintent watch`) for this environment: what it does with a failure.");

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
  registries: registries
    .optional()
    .describe("How registries authenticate here, merged over the platform's `registries` by key."),
  replicas: z.number().int().min(0).optional().describe("Replica override for every app here."),
  resources: resources.optional().describe("Resource override for every app here."),
  nodeSelector: labelMap.optional(),
  nodeAffinity: nodeAffinity.optional(),
  tolerations: z.array(toleration).optional(),
  storageClass: z.string().optional(),
  sync: syncPolicy.optional().describe("@default manual"),
  approval: z
    .enum(["every-step", "start-only"])
    .optional()
    .describe(
      "Who approves the steps of a weighted canary here: `every-step` — each step is a pull request a person merges " +
        "(`kintent rollout step --propose`); `start-only` — a person approves starting the canary, then the evaluator " +
        "commits the gated steps itself (`--commit`). @default every-step",
    ),
  project: z.string().optional().describe("Argo CD project. @default default"),
  domain: hostName
    .optional()
    .describe("Suffix for hosts written as relative names (`shop` → shop.<domain>)."),
  labels: labelMap.optional(),
  annotations: annotationMap.optional(),
  context: z
    .string()
    .min(1)
    .optional()
    .describe(
      "kubeconfig context that reaches this environment's cluster, for `kintent status`, `diagnose` and `watch` (read-only). @default the kubeconfig's current context",
    ),
  health: health.optional(),
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
      errorCountQuery: z
        .string()
        .optional()
        .describe(
          "PromQL for the number of 5xx responses in the last interval; same placeholders plus `{{interval}}`.",
        ),
      noData: z
        .enum(["wait", "fail"])
        .optional()
        .describe(
          "What a gate does when a query returns no data (an empty result, or NaN from a division with no traffic): " +
            "`wait` — nothing changes until data arrives, and the gate fails at `noDataDeadline`; `fail` — roll back at once. " +
            "No data never passes. @default wait",
        ),
      noDataDeadline: duration
        .optional()
        .describe(
          "How long after a step landed `noData: wait` waits for data before the gate fails. @default 10m",
        ),
    })
    .optional(),
  registries: registries.optional(),
  labels: labelMap.optional().describe("Labels added to every object of every app."),
  requiredLabels: z
    .array(z.string())
    .optional()
    .describe(
      "Label keys every app must carry. The labels kintent derives (app.kubernetes.io/name, instance, version, managed-by, kintent.dev/environment, tier) count as set.",
    ),
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
  metadata: z.strictObject({
    name: dnsLabel,
    labels: labelMap.optional(),
    annotations: annotationMap.optional(),
  }),
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
