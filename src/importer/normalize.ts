/**
 * Kubernetes defaulting, offline, and the canonical form objects are compared in (`kintent import`'s parity
 * report). Two steps, both pure:
 *
 * 1. {@link applyDefaults}: what the API server adds to an object it accepts — the defaulting functions of
 *    k8s.io/kubernetes pkg/apis/{core,apps,batch,autoscaling,networking}/v1 (`SetDefaults_*`) for the kinds charts
 *    render, plus the fields the server fills on create (a Service's `internalTrafficPolicy`, `ipFamilies`). Written
 *    by hand because those functions exist only in Go; `test/importer/defaulting.test.ts` holds them to what a real
 *    kube-apiserver returns from a server-side dry run for every object of the corpus and of the import's builds.
 *    Objects of other kinds (CRDs) are left as they are offline: the server applies their schema defaults.
 * 2. {@link canonical}: one spelling for what means the same — quantities in their canonical form (`1000m` →
 *    `1`), nulls and empty lists dropped, empty pointer structs that mean "unset" dropped (`seLinuxOptions: {}`),
 *    fields the server assigns (cluster IPs, node ports it allocates, uid, timestamps) removed, lists whose order
 *    means nothing sorted (volumes by name, mounts by path, container ports), keys sorted. Lists of named items
 *    (containers, env, ports) are then compared by name (src/core/diff.ts), so an env var moved is not a change.
 *
 * `normalize` = canonical(applyDefaults(x)); it is idempotent, so a server-defaulted object and its source
 * normalize to the same thing when the offline defaulting agrees with the server.
 */
import type { KObject } from "../core/object.js";
import { formatQuantity, parseQuantity } from "../core/quantity.js";
import type { Schema, SchemaEntry } from "../validate/schema/registry.js";

type Plain = Record<string, unknown>;

function isRecord(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function rec(o: Plain, key: string): Plain {
  const v = o[key];
  if (isRecord(v)) return v;
  const fresh: Plain = {};
  o[key] = fresh;
  return fresh;
}

function dflt(o: Plain, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

function list(o: Plain, key: string): Plain[] {
  const v = o[key];
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

// --- defaulting -------------------------------------------------------------------------------------

function defaultProbe(p: unknown): void {
  if (!isRecord(p)) return;
  dflt(p, "timeoutSeconds", 1);
  dflt(p, "periodSeconds", 10);
  dflt(p, "successThreshold", 1);
  dflt(p, "failureThreshold", 3);
  if (isRecord(p.httpGet)) dflt(p.httpGet, "scheme", "HTTP");
  if (isRecord(p.grpc)) dflt(p.grpc, "service", "");
}

function defaultEnv(c: Plain): void {
  for (const e of list(c, "env")) {
    const from = e.valueFrom;
    if (isRecord(from) && isRecord(from.fieldRef)) dflt(from.fieldRef, "apiVersion", "v1");
  }
}

/** The image's tag: `latest` (or none) means imagePullPolicy Always. */
function pullPolicy(image: unknown): string {
  if (typeof image !== "string") return "IfNotPresent";
  if (image.includes("@")) return "IfNotPresent";
  const last = image.slice(image.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  const tag = colon < 0 ? "" : last.slice(colon + 1);
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultContainer(c: Plain): void {
  dflt(c, "terminationMessagePath", "/dev/termination-log");
  dflt(c, "terminationMessagePolicy", "File");
  dflt(c, "imagePullPolicy", pullPolicy(c.image));
  dflt(c, "resources", {});
  for (const p of list(c, "ports")) dflt(p, "protocol", "TCP");
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultEnv(c);
}

function defaultVolume(v: Plain): void {
  for (const k of ["configMap", "secret"]) {
    const src = v[k];
    if (isRecord(src)) dflt(src, "defaultMode", 420);
  }
  if (isRecord(v.projected)) dflt(v.projected, "defaultMode", 420);
  if (isRecord(v.downwardAPI)) {
    dflt(v.downwardAPI, "defaultMode", 420);
    for (const item of list(v.downwardAPI, "items"))
      if (isRecord(item.fieldRef)) dflt(item.fieldRef, "apiVersion", "v1");
  }
  if (isRecord(v.hostPath)) dflt(v.hostPath, "type", "");
  if (isRecord(v.iscsi)) dflt(v.iscsi, "iscsiInterface", "default");
  if (isRecord(v.rbd)) {
    dflt(v.rbd, "pool", "rbd");
    dflt(v.rbd, "user", "admin");
    dflt(v.rbd, "keyring", "/etc/ceph/keyring");
  }
  if (isRecord(v.azureDisk)) {
    dflt(v.azureDisk, "cachingMode", "ReadWrite");
    dflt(v.azureDisk, "fsType", "ext4");
    dflt(v.azureDisk, "readOnly", false);
    dflt(v.azureDisk, "kind", "Shared");
  }
  if (isRecord(v.ephemeral) && isRecord(v.ephemeral.volumeClaimTemplate)) {
    const spec = v.ephemeral.volumeClaimTemplate.spec;
    if (isRecord(spec)) dflt(spec, "volumeMode", "Filesystem");
  }
}

/** SetDefaults_PodSpec and the defaults of what it holds. */
function defaultPodSpec(spec: Plain): void {
  dflt(spec, "dnsPolicy", "ClusterFirst");
  dflt(spec, "restartPolicy", "Always");
  dflt(spec, "terminationGracePeriodSeconds", 30);
  dflt(spec, "securityContext", {});
  dflt(spec, "schedulerName", "default-scheduler");
  // The deprecated alias the server keeps in step with serviceAccountName.
  if (typeof spec.serviceAccountName === "string" && spec.serviceAccountName !== "")
    dflt(spec, "serviceAccount", spec.serviceAccountName);
  for (const c of [...list(spec, "initContainers"), ...list(spec, "containers")]) defaultContainer(c);
  for (const c of list(spec, "ephemeralContainers")) defaultContainer(c);
  for (const v of list(spec, "volumes")) defaultVolume(v);
}

function defaultTemplate(spec: Plain): void {
  const t = spec.template;
  if (isRecord(t) && isRecord(t.spec)) defaultPodSpec(t.spec);
}

function defaultPvcSpec(spec: Plain): void {
  dflt(spec, "volumeMode", "Filesystem");
}

const DEFAULTERS: Record<string, (o: Plain) => void> = {
  "apps/Deployment": (o) => {
    const spec = rec(o, "spec");
    dflt(spec, "replicas", 1);
    const strategy = rec(spec, "strategy");
    dflt(strategy, "type", "RollingUpdate");
    if (strategy.type === "RollingUpdate") {
      const ru = rec(strategy, "rollingUpdate");
      dflt(ru, "maxUnavailable", "25%");
      dflt(ru, "maxSurge", "25%");
    }
    dflt(spec, "revisionHistoryLimit", 10);
    dflt(spec, "progressDeadlineSeconds", 600);
    defaultTemplate(spec);
  },
  "apps/StatefulSet": (o) => {
    const spec = rec(o, "spec");
    dflt(spec, "replicas", 1);
    dflt(spec, "podManagementPolicy", "OrderedReady");
    const strategy = rec(spec, "updateStrategy");
    dflt(strategy, "type", "RollingUpdate");
    if (strategy.type === "RollingUpdate" && isRecord(strategy.rollingUpdate)) {
      dflt(strategy.rollingUpdate, "partition", 0);
    }
    dflt(spec, "revisionHistoryLimit", 10);
    const retention = rec(spec, "persistentVolumeClaimRetentionPolicy");
    dflt(retention, "whenDeleted", "Retain");
    dflt(retention, "whenScaled", "Retain");
    for (const t of list(spec, "volumeClaimTemplates")) {
      dflt(t, "apiVersion", "v1");
      dflt(t, "kind", "PersistentVolumeClaim");
      defaultPvcSpec(rec(t, "spec"));
      dflt(t, "status", { phase: "Pending" });
    }
    defaultTemplate(spec);
  },
  "apps/DaemonSet": (o) => {
    const spec = rec(o, "spec");
    const strategy = rec(spec, "updateStrategy");
    dflt(strategy, "type", "RollingUpdate");
    if (strategy.type === "RollingUpdate") {
      const ru = rec(strategy, "rollingUpdate");
      dflt(ru, "maxUnavailable", 1);
      dflt(ru, "maxSurge", 0);
    }
    dflt(spec, "revisionHistoryLimit", 10);
    defaultTemplate(spec);
  },
  "apps/ReplicaSet": (o) => {
    const spec = rec(o, "spec");
    dflt(spec, "replicas", 1);
    defaultTemplate(spec);
  },
  "batch/Job": (o) => defaultJobSpec(rec(o, "spec")),
  "batch/CronJob": (o) => {
    const spec = rec(o, "spec");
    dflt(spec, "concurrencyPolicy", "Allow");
    dflt(spec, "suspend", false);
    dflt(spec, "successfulJobsHistoryLimit", 3);
    dflt(spec, "failedJobsHistoryLimit", 1);
    // The Job spec inside is not defaulted until a Job is created from it; its pod template is.
    const jt = rec(spec, "jobTemplate");
    defaultTemplate(rec(jt, "spec"));
  },
  "/Pod": (o) => {
    const spec = rec(o, "spec");
    // Admission on create: the ServiceAccount plugin, Priority, DefaultTolerationSeconds (the token volume it
    // mounts has a generated name: see dropAllocated).
    dflt(spec, "serviceAccountName", "default");
    dflt(spec, "priority", 0);
    dflt(spec, "preemptionPolicy", "PreemptLowerPriority");
    const tolerations = list(spec, "tolerations");
    for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"])
      if (!tolerations.some((t) => t.key === key && t.effect === "NoExecute"))
        tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
    spec.tolerations = tolerations;
    defaultPodSpec(spec);
    dflt(spec, "enableServiceLinks", true);
    // SetDefaults_Pod: requests default to limits where only limits are set.
    for (const c of [...list(spec, "initContainers"), ...list(spec, "containers")]) {
      const r = rec(c, "resources");
      if (isRecord(r.limits)) {
        const req = rec(r, "requests");
        for (const [k, v] of Object.entries(r.limits)) dflt(req, k, v);
      }
    }
  },
  "/Service": (o) => {
    const spec = rec(o, "spec");
    dflt(spec, "type", "ClusterIP");
    const type = spec.type;
    dflt(spec, "sessionAffinity", "None");
    if (type !== "ExternalName") {
      if (spec.sessionAffinity === "ClientIP") {
        const cfg = rec(rec(spec, "sessionAffinityConfig"), "clientIP");
        dflt(cfg, "timeoutSeconds", 10800);
      }
      dflt(spec, "internalTrafficPolicy", "Cluster");
      const headless = spec.clusterIP === "None";
      if (!headless || isRecord(spec.selector)) {
        dflt(spec, "ipFamilyPolicy", "SingleStack");
        dflt(spec, "ipFamilies", ["IPv4"]);
      }
      if ((type === "LoadBalancer" || type === "NodePort") && !headless)
        dflt(spec, "externalTrafficPolicy", "Cluster");
      if (type === "LoadBalancer") dflt(spec, "allocateLoadBalancerNodePorts", true);
    }
    for (const p of list(spec, "ports")) {
      dflt(p, "protocol", "TCP");
      dflt(p, "targetPort", p.port);
    }
  },
  "/Secret": (o) => {
    dflt(o, "type", "Opaque");
    // stringData is write-only: the server merges it into data.
    if (isRecord(o.stringData)) {
      const data = rec(o, "data");
      for (const [k, v] of Object.entries(o.stringData))
        if (typeof v === "string") data[k] = Buffer.from(v, "utf8").toString("base64");
      delete o.stringData;
    }
  },
  "/PersistentVolumeClaim": (o) => {
    defaultPvcSpec(rec(o, "spec"));
    // The StorageObjectInUseProtection admission plugin.
    const md = rec(o, "metadata");
    const finalizers = Array.isArray(md.finalizers) ? md.finalizers : [];
    if (!finalizers.includes("kubernetes.io/pvc-protection"))
      md.finalizers = [...(finalizers as unknown[]), "kubernetes.io/pvc-protection"];
  },
  "/Namespace": (o) => {
    const md = rec(o, "metadata");
    if (typeof md.name === "string") dflt(rec(md, "labels"), "kubernetes.io/metadata.name", md.name);
    dflt(rec(o, "spec"), "finalizers", ["kubernetes"]);
  },
  "autoscaling/HorizontalPodAutoscaler": (o) => {
    const spec = rec(o, "spec");
    dflt(spec, "minReplicas", 1);
    if (o.apiVersion === "autoscaling/v2") {
      if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
        spec.metrics = [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
          },
        ];
      // SetDefaults_HorizontalPodAutoscalerBehavior: only for a behavior that is written.
      if (isRecord(spec.behavior)) {
        const behavior = spec.behavior;
        const up = rec(behavior, "scaleUp");
        dflt(up, "stabilizationWindowSeconds", 0);
        dflt(up, "selectPolicy", "Max");
        dflt(up, "policies", [
          { type: "Pods", value: 4, periodSeconds: 15 },
          { type: "Percent", value: 100, periodSeconds: 15 },
        ]);
        const down = rec(behavior, "scaleDown");
        dflt(down, "stabilizationWindowSeconds", 300);
        dflt(down, "selectPolicy", "Max");
        dflt(down, "policies", [{ type: "Percent", value: 100, periodSeconds: 15 }]);
      }
    } else dflt(spec, "targetCPUUtilizationPercentage", 80);
  },
  "networking.k8s.io/NetworkPolicy": (o) => {
    const spec = rec(o, "spec");
    if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0)
      spec.policyTypes = [
        "Ingress",
        ...(Array.isArray(spec.egress) && spec.egress.length > 0 ? ["Egress"] : []),
      ];
    for (const dir of ["ingress", "egress"])
      for (const rule of list(spec, dir)) for (const p of list(rule, "ports")) dflt(p, "protocol", "TCP");
  },
};

function defaultJobSpec(spec: Plain): void {
  if (spec.selector === undefined) dflt(spec, "manualSelector", false);
  dflt(spec, "completions", 1);
  dflt(spec, "parallelism", 1);
  dflt(spec, "backoffLimit", 6);
  dflt(spec, "completionMode", "NonIndexed");
  dflt(spec, "suspend", false);
  dflt(spec, "podReplacementPolicy", "TerminatingOrFailed");
  defaultTemplate(spec);
}

/** Where the schemas of custom resources come from (the validator's registry: the bundle and `--schemas`). */
export interface SchemaSource {
  lookup(apiVersion: string, kind: string): SchemaEntry | undefined;
}

/**
 * Structural-schema defaulting, as the API server does for custom resources: a property's `default` fills it in
 * where its parent object exists and the property does not (items of lists and values of maps alike).
 */
function schemaDefaults(
  value: unknown,
  schema: Schema | undefined,
  defs: Record<string, Schema>,
  depth = 0,
): void {
  if (!schema || depth > 64) return;
  const ref = schema.$ref;
  if (typeof ref === "string") {
    schemaDefaults(value, defs[ref.replace(/^#\/definitions\//, "")], defs, depth + 1);
    return;
  }
  if (Array.isArray(value)) {
    if (isRecord(schema.items)) for (const item of value) schemaDefaults(item, schema.items, defs, depth + 1);
    return;
  }
  if (!isRecord(value)) return;
  const props = isRecord(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  for (const [k, sub] of Object.entries(props)) {
    if (!isRecord(sub)) continue;
    if (value[k] === undefined && sub.default !== undefined) value[k] = structuredClone(sub.default);
    if (value[k] !== undefined) schemaDefaults(value[k], sub, defs, depth + 1);
  }
  if (isRecord(schema.additionalProperties))
    for (const [k, v] of Object.entries(value))
      if (!(k in props)) schemaDefaults(v, schema.additionalProperties, defs, depth + 1);
}

/**
 * A copy of `o` with the API server's defaults applied: the built-in defaulting functions, or for a custom
 * resource its schema's defaults (when `schemas` knows it). Other kinds are returned as they are.
 */
export function applyDefaults(o: KObject, schemas?: SchemaSource): KObject {
  const copy = structuredClone(o) as Plain;
  const group = o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf("/")) : "";
  const builtin = DEFAULTERS[`${group}/${o.kind}`];
  if (builtin) builtin(copy);
  else {
    const entry = schemas?.lookup(o.apiVersion, o.kind);
    if (entry?.crd) {
      const { metadata, apiVersion, kind, ...rest } = copy;
      schemaDefaults(rest, entry.root, entry.definitions);
      return { apiVersion, kind, metadata, ...rest } as KObject;
    }
  }
  return copy as KObject;
}

// --- canonical form ---------------------------------------------------------------------------------

/** Maps whose keys are data: their values are kept as written (an empty label value means something). */
const DATA_MAPS = new Set([
  "labels",
  "annotations",
  "data",
  "binaryData",
  "stringData",
  "matchLabels",
  "nodeSelector",
]);
/** Pointer structs for which `{}` means the same as absent. */
const EMPTY_MEANS_UNSET = new Set([
  "metadata",
  // A pod's is defaulted to {} (on both sides alike); a container's {} sets nothing.
  "securityContext",
  "seLinuxOptions",
  "windowsOptions",
  "capabilities",
  "sessionAffinityConfig",
  "behavior",
  "rollingUpdate",
]);
/** Non-pointer booleans the server omits when false: `false` means the same as absent. */
const FALSE_MEANS_UNSET = new Set([
  "hostNetwork",
  "hostPID",
  "hostIPC",
  "stdin",
  "stdinOnce",
  "tty",
  "readOnly",
  // Pointer booleans whose nil means false.
  "privileged",
  "readOnlyRootFilesystem",
  "runAsNonRoot",
  "shareProcessNamespace",
]);
/** Where a resource quantity may be. */
const QUANTITY_MAPS = new Set(["requests", "limits", "capacity", "hard", "allocatable"]);

const METADATA_ASSIGNED = [
  "uid",
  "resourceVersion",
  "creationTimestamp",
  "generation",
  "managedFields",
  "selfLink",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
];

function sortBy<T>(items: T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Lists whose order means nothing to Kubernetes, by the key they are sorted on. */
function sortList(key: string, items: unknown[]): unknown[] {
  if (!items.every(isRecord)) return items;
  const r = items;
  switch (key) {
    case "volumes":
    case "imagePullSecrets":
      return sortBy(r, (x) => String(x.name));
    case "volumeMounts":
      return sortBy(r, (x) => `${String(x.mountPath)}\u0000${String(x.name)}`);
    case "ports":
      // Container and Service ports alike: by number and protocol.
      return sortBy(r, (x) => `${String(x.containerPort ?? x.port).padStart(6, "0")}/${String(x.protocol)}`);
    default:
      return items;
  }
}

function canon(v: unknown, key: string, inData: boolean): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const items = v.map((x) => canon(x, "", inData)).filter((x) => x !== undefined);
    if (items.length === 0 && !inData) return undefined;
    return inData ? items : sortList(key, items);
  }
  if (isRecord(v)) {
    const data = inData || DATA_MAPS.has(key);
    const out: Plain = {};
    for (const k of Object.keys(v).sort()) {
      let x = canon(v[k], k, data);
      if (!data && QUANTITY_MAPS.has(key) && (typeof x === "string" || typeof x === "number")) {
        const q = parseQuantity(String(x));
        if (q) x = formatQuantity(q);
      }
      if (!data && x === false && FALSE_MEANS_UNSET.has(k)) continue;
      if (x !== undefined) out[k] = x;
    }
    if (!data && EMPTY_MEANS_UNSET.has(key) && Object.keys(out).length === 0) return undefined;
    if (DATA_MAPS.has(key) && !inData && Object.keys(out).length === 0) return undefined;
    return out;
  }
  if (typeof v === "string" && v === "" && !inData) return undefined;
  return v;
}

/** Fields the server assigns (identity, allocation) or reports (status): never part of a comparison. */
function stripAssigned(o: Plain): void {
  delete o.status;
  const md = o.metadata;
  if (isRecord(md)) for (const k of METADATA_ASSIGNED) delete md[k];
  if (o.kind === "Service" && isRecord(o.spec)) {
    const spec = o.spec;
    if (spec.clusterIP !== "None") {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else if (Array.isArray(spec.clusterIPs)) delete spec.clusterIPs;
  }
  if ((o.kind === "Job" || o.kind === "CronJob") && isRecord(o.spec)) {
    // A Job's selector and the controller-uid labels are generated per object.
    const spec = o.kind === "Job" ? o.spec : (o.spec.jobTemplate as Plain | undefined)?.spec;
    if (isRecord(spec) && spec.manualSelector !== true) {
      delete spec.selector;
      if (o.kind === "Job" && isRecord(md) && isRecord(md.labels))
        for (const k of Object.keys(md.labels))
          if (/(^|\/)controller-uid$|^job-name$|batch\.kubernetes\.io\/job-name$/.test(k))
            delete md.labels[k];
      const labels = (spec.template as Plain | undefined)?.metadata as Plain | undefined;
      if (isRecord(labels) && isRecord(labels.labels))
        for (const k of Object.keys(labels.labels))
          if (/(^|\/)controller-uid$|^job-name$|batch\.kubernetes\.io\/job-name$/.test(k))
            delete labels.labels[k];
    }
  }
}

function portKey(p: Plain): string {
  return `${typeof p.port === "number" ? p.port : ""}/${typeof p.protocol === "string" ? p.protocol : "TCP"}`;
}

/**
 * `returned` (what a server-side dry run of `written` answered) without what the server allocated rather than
 * defaulted: node ports and a health-check node port `written` does not pin.
 */
export function dropAllocated(returned: KObject, written: KObject): KObject {
  const copy = structuredClone(returned) as Plain;
  if (copy.kind === "Service" && isRecord(copy.spec)) {
    const spec = copy.spec;
    const writtenSpec = isRecord(written.spec) ? written.spec : {};
    const pinned = new Set(
      list(writtenSpec, "ports")
        .filter((p) => p.nodePort !== undefined)
        .map((p) => portKey(p)),
    );
    for (const p of list(spec, "ports")) if (!pinned.has(portKey(p))) delete p.nodePort;
    if (writtenSpec.healthCheckNodePort === undefined) delete spec.healthCheckNodePort;
  }
  if (copy.kind === "DaemonSet" && isRecord(copy.metadata) && isRecord(copy.metadata.annotations))
    delete copy.metadata.annotations["deprecated.daemonset.template.generation"];
  if (copy.kind === "Pod" && isRecord(copy.spec)) {
    // The projected service account token the ServiceAccount admission plugin mounts, under a generated name.
    const spec = copy.spec;
    const injected = new Set(
      list(spec, "volumes")
        .filter((v) => typeof v.name === "string" && v.name.startsWith("kube-api-access-"))
        .map((v) => v.name),
    );
    spec.volumes = list(spec, "volumes").filter((v) => !injected.has(v.name));
    for (const c of [...list(spec, "initContainers"), ...list(spec, "containers")])
      c.volumeMounts = list(c, "volumeMounts").filter((m) => !injected.has(m.name));
  }
  return copy as KObject;
}

/** The canonical form of an already-defaulted object (see the module comment). */
export function canonical(o: KObject): KObject {
  const copy = structuredClone(o) as Plain;
  stripAssigned(copy);
  return (canon(copy, "", false) ?? {}) as KObject;
}

/**
 * What the server would hold for `o` (defaults applied), in canonical form. `namespace` fills in where a
 * namespaced object names none (the release namespace, as `helm install` and `kubectl apply -n` do).
 */
export function normalize(
  o: KObject,
  options: { namespace?: string; clusterScoped?: boolean; schemas?: SchemaSource } = {},
): KObject {
  const copy = structuredClone(o);
  if (!options.clusterScoped && options.namespace !== undefined && !copy.metadata.namespace)
    copy.metadata.namespace = options.namespace;
  return canonical(applyDefaults(copy, options.schemas));
}
