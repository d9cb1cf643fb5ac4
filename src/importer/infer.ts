/**
 * From the objects of one app in one environment to what its intent says there: the App's fields, its
 * organisation labels, and the facts the platform holds (ingress flavour, TLS issuer, registry, pull secrets,
 * scheduling, storage class). The best guess — the build of the result is compared with the source afterwards
 * (src/importer/import.ts), and whatever does not come out the same is carried or reported; so a field is
 * written here only where the source differs from what kintent would do by itself.
 *
 * Modes: `exact` writes what it takes to reproduce the source (security profile none, the chart's history
 * limit, no ServiceAccount of kintent's own…); `default` keeps what the source states as the app's behaviour
 * (image, command, ports, probes, env, files, resources it sets, replicas, exposure) and leaves the rest to
 * kintent's defaults: restricted security (keeping the UIDs the image needs), its own ServiceAccount, no token
 * unless the chart grants its ServiceAccount RBAC, a writable /tmp besides the chart's writable paths.
 */
import type { KObject } from "../core/object.js";
import { objectKey } from "../core/object.js";
import { formatQuantity, parseQuantity } from "../core/quantity.js";
import { looksLikeSecret } from "../core/secrets.js";
import { splitImage } from "../core/image.js";
import {
  LABELS,
  PROBE_DEFAULTS,
  RESOURCE_PROFILES,
  ROLLING_DEFAULTS,
  SECURITY_DEFAULTS,
} from "../intent/defaults.js";
import type { ProfileName } from "../intent/defaults.js";
import { writableVolumeName } from "../intent/resolve.js";
import type { AppGroup } from "./group.js";
import { podLabelsOf } from "./group.js";
import type { ImportMode } from "./types.js";

type Plain = Record<string, unknown>;

function isRecord(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function get(o: unknown, ...path: (string | number)[]): unknown {
  let cur = o;
  for (const p of path) {
    if (typeof p === "number") {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[p];
    } else {
      if (!isRecord(cur)) return undefined;
      cur = cur[p];
    }
  }
  return cur;
}
function arr(v: unknown): Plain[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}
function strMap(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  return Object.fromEntries(
    Object.entries(v)
      .filter((e): e is [string, string | number | boolean] =>
        ["string", "number", "boolean"].includes(typeof e[1]),
      )
      .map(([k, x]) => [k, String(x)]),
  );
}
function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}
function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));
}
function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (isRecord(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortDeep(v[k])]),
    );
  return v;
}

/**
 * Labels that say who rendered or manages an object, or which environment of kintent's it belongs to — not what
 * the object is. They are left out of comparisons (and never become intent labels); the report lists them.
 */
export const BOOKKEEPING_LABELS = new Set([
  "helm.sh/chart",
  "app.kubernetes.io/managed-by",
  "app.kubernetes.io/version",
  "chart",
  "heritage",
  "release",
]);
export function isBookkeepingLabel(k: string): boolean {
  return BOOKKEEPING_LABELS.has(k) || k.startsWith("kintent.dev/");
}
/** Annotations of the same kind. */
export function isBookkeepingAnnotation(k: string): boolean {
  return (
    k.startsWith("kintent.dev/") ||
    k.startsWith("meta.helm.sh/") ||
    k === "kubectl.kubernetes.io/last-applied-configuration" ||
    k === "deployment.kubernetes.io/revision"
  );
}

/** The facts of one environment the Platform holds. */
export interface PlatformObservation {
  namespace?: string;
  ingress?: Plain;
  tls?: Plain;
  progressiveDelivery?: string;
  metrics?: Plain;
  registry?: string;
  imagePullSecrets?: string[];
  nodeSelector?: Record<string, string>;
  nodeAffinity?: Record<string, string[]>;
  tolerations?: Plain[];
  storageClass?: string;
}

/** What one app's intent says in one environment. */
export interface AppObservation {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** App spec fields (no `environments`, no `why`). */
  spec: Plain;
  why: Record<string, string>;
  platform: PlatformObservation;
  /** Env vars whose literal value looked like a credential: replaced by a reference, value not copied. */
  secretEnv: { name: string; secret: string; key: string }[];
}

export interface ObserveInput {
  group: AppGroup;
  /** Every source object of the environment, by identity (raw, as rendered). */
  objects: Map<string, KObject>;
  /** The same, with the API server's defaults applied. */
  defaulted: Map<string, KObject>;
  mode: ImportMode;
  /** Whether any object of the whole source grants RBAC to a ServiceAccount of this app. */
  rbacFor: (serviceAccount: string) => boolean;
}

const PROFILE_ORDER: ProfileName[] = ["small", "medium", "large", "xlarge"];

function quantityMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(strMap(v))) {
    const q = parseQuantity(x);
    out[k] = q ? formatQuantity(q) : x;
  }
  return out;
}

/** A profile whose requests (or limits) are exactly these: `{profile, limits: {what differs}}` reads better. */
function partialProfile(
  requests: Record<string, string>,
  limits: Record<string, string>,
): { profile: ProfileName; requests?: Record<string, string>; limits?: Record<string, string> } | undefined {
  for (const p of PROFILE_ORDER) {
    const r = quantityMap(RESOURCE_PROFILES[p].requests);
    const l = quantityMap(RESOURCE_PROFILES[p].limits);
    const sameKeys = (a: Record<string, string>, b: Record<string, string>) =>
      equal(Object.keys(a).sort(), Object.keys(b).sort());
    if (!sameKeys(r, requests) || !sameKeys(l, limits)) continue;
    const diff = (have: Record<string, string>, base: Record<string, string>) =>
      Object.fromEntries(Object.entries(have).filter(([k, v]) => base[k] !== v));
    const dr = diff(requests, r);
    const dl = diff(limits, l);
    if (Object.keys(dr).length === 0 || Object.keys(dl).length === 0)
      return {
        profile: p,
        ...(Object.keys(dr).length > 0 ? { requests: dr } : {}),
        ...(Object.keys(dl).length > 0 ? { limits: dl } : {}),
      };
  }
  return undefined;
}

function profileOf(
  requests: Record<string, string>,
  limits: Record<string, string>,
): ProfileName | undefined {
  return PROFILE_ORDER.find(
    (p) =>
      equal(quantityMap(RESOURCE_PROFILES[p].requests), requests) &&
      equal(quantityMap(RESOURCE_PROFILES[p].limits), limits),
  );
}

/** Resources as written: a profile name, or the values with `false` where the default profile would add one. */
function resourcesOf(raw: unknown, mode: ImportMode): unknown {
  const req = quantityMap(get(raw, "requests"));
  const lim = quantityMap(get(raw, "limits"));
  const profile = profileOf(req, lim);
  if (profile) return profile === "small" ? undefined : profile;
  const partial = partialProfile(req, lim);
  if (partial) return partial;
  if (mode === "default") {
    if (Object.keys(req).length === 0 && Object.keys(lim).length === 0) return undefined;
    return {
      ...(Object.keys(req).length > 0 ? { requests: req } : {}),
      ...(Object.keys(lim).length > 0 ? { limits: lim } : {}),
    };
  }
  const side = (have: Record<string, string>, base: Record<string, string | undefined>): unknown => {
    if (Object.keys(have).length === 0) return false;
    const out: Record<string, string | false> = {};
    for (const k of [...new Set([...Object.keys(base), ...Object.keys(have)])].sort())
      out[k] = have[k] ?? false;
    return out;
  };
  return {
    requests: side(req, RESOURCE_PROFILES.small.requests as Record<string, string>),
    limits: side(lim, RESOURCE_PROFILES.small.limits as Record<string, string>),
  };
}

function seconds(n: number): string {
  return `${n}s`;
}

/** A probe as the intent writes it, relative to kintent's defaults for its kind. */
function probeOf(
  p: unknown,
  kind: "readiness" | "liveness" | "startup",
  firstPort: string | undefined,
): unknown {
  if (!isRecord(p)) return undefined;
  const timing: Plain = {};
  const delay = num(p.initialDelaySeconds) ?? 0;
  const defaultDelay = kind === "liveness" ? PROBE_DEFAULTS.livenessInitialDelaySeconds : 0;
  if (delay !== defaultDelay) timing.initialDelay = seconds(delay);
  const period = num(p.periodSeconds) ?? 10;
  if (period !== PROBE_DEFAULTS.periodSeconds) timing.period = seconds(period);
  const timeout = num(p.timeoutSeconds) ?? 1;
  if (timeout !== PROBE_DEFAULTS.timeoutSeconds) timing.timeout = seconds(timeout);
  const failure = num(p.failureThreshold) ?? 3;
  if (failure !== PROBE_DEFAULTS.failureThreshold) timing.failureThreshold = failure;
  if (isRecord(p.httpGet)) {
    const path = str(p.httpGet.path) ?? "/";
    const port = p.httpGet.port;
    const portPart = port === undefined || port === firstPort ? {} : { port };
    if (Object.keys(portPart).length === 0 && Object.keys(timing).length === 0 && path.startsWith("/"))
      return path;
    return { path: path.startsWith("/") ? path : `/${path}`, ...portPart, ...timing };
  }
  if (isRecord(p.tcpSocket)) return { tcp: p.tcpSocket.port, ...timing };
  if (isRecord(p.exec) && Array.isArray(p.exec.command))
    return { exec: p.exec.command.map(String), ...timing };
  return undefined;
}

const FIELD_PATHS = new Set([
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.podIP",
]);

/** The main container: the one named like the app, else the first. */
export function mainContainer(w: KObject): Plain | undefined {
  const cs = arr(get(w, "spec", "template", "spec", "containers"));
  return cs.find((c) => c.name === w.metadata.name) ?? cs[0];
}

function imageOf(c: Plain | undefined): string {
  return str(c?.image) ?? "";
}

export function observeApp(input: ObserveInput): AppObservation {
  const { group, objects, defaulted, mode } = input;
  const w = objects.get(group.workload) as KObject;
  const wd = defaulted.get(group.workload) ?? w;
  const name = group.name;
  const members = [...group.members].map((k) => objects.get(k)).filter((o): o is KObject => o !== undefined);
  const pod = get(w, "spec", "template", "spec");
  const podD = get(wd, "spec", "template", "spec");
  const c = mainContainer(w) ?? {};
  const cD = mainContainer(wd) ?? {};
  const spec: Plain = {};
  const why: Record<string, string> = {};
  const platform: PlatformObservation = {};
  const secretEnv: AppObservation["secretEnv"] = [];
  const ns = w.metadata.namespace;
  if (ns) platform.namespace = ns;

  // --- labels, selector -------------------------------------------------------------------------
  const selector = strMap(get(w, "spec", "selector", "matchLabels"));
  const kintentSelector = { [LABELS.instance]: name, [LABELS.name]: name };
  if (!equal(selector, kintentSelector)) spec.selector = selector;
  const labelSets = members.map((o) => strMap(o.metadata.labels));
  labelSets.push(podLabelsOf(w));
  const labels: Record<string, string> = {};
  const first = labelSets[0] ?? {};
  for (const [k, v] of Object.entries(first)) {
    if (isBookkeepingLabel(k) || k in selector || k === LABELS.name || k === LABELS.instance) continue;
    if (labelSets.every((s) => s[k] === v)) labels[k] = v;
  }
  const annotationSets = members.map((o) => strMap(o.metadata.annotations));
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotationSets[0] ?? {}))
    if (!isBookkeepingAnnotation(k) && !k.startsWith("helm.sh/") && annotationSets.every((s) => s[k] === v))
      annotations[k] = v;

  // --- tier ---------------------------------------------------------------------------------------
  const tierLabel = strMap(w.metadata.labels)[LABELS.tier];
  const hpa = members.find((o) => o.kind === "HorizontalPodAutoscaler");
  const hasPdb = members.some((o) => o.kind === "PodDisruptionBudget");
  const replicas = num(get(wd, "spec", "replicas")) ?? 1;
  const tier =
    tierLabel ??
    (mode === "exact"
      ? "dev"
      : replicas > 1 || hasPdb || (num(get(hpa, "spec", "maxReplicas")) ?? 0) > 1
        ? "production"
        : "dev");
  spec.tier = tier;
  if (!tierLabel && mode === "exact")
    why.tier =
      "tier dev: kintent adds no PodDisruptionBudget, topology spread or NetworkPolicy of its own — the source's are kept as they are (--exact)";

  // --- container ----------------------------------------------------------------------------------
  if (str(c.name) && c.name !== name) spec.containerName = c.name;
  spec.image = imageOf(c);
  if (Array.isArray(c.command)) spec.command = c.command.map(String);
  if (Array.isArray(c.args)) spec.args = c.args.map(String);

  // Ports: the container's, with the main Service's port for each (or service: false).
  const services = members.filter((o) => o.kind === "Service");
  const mainService = services.find((s) => s.metadata.name === name);
  const svcPorts = arr(get(mainService, "spec", "ports"));
  const cports = arr(c.ports);
  const ports = cports.map((p, i) => {
    const pname = str(p.name);
    const port = num(p.containerPort) ?? 0;
    const sp = svcPorts.find(
      (s) =>
        (pname !== undefined && s.targetPort === pname) ||
        s.targetPort === port ||
        (s.targetPort === undefined && s.port === port),
    );
    const out: Plain = {};
    if (pname !== undefined && pname !== (i === 0 ? "http" : `port-${port}`)) out.name = pname;
    else if (pname === undefined) out.name = i === 0 ? "http" : `port-${port}`;
    out.port = port;
    if (sp && num(sp.port) !== port) out.servicePort = sp.port;
    if (str(p.protocol) && p.protocol !== "TCP") out.protocol = p.protocol;
    if (!sp) out.service = false;
    if (pname === (i === 0 ? "http" : `port-${port}`)) delete out.name;
    return out;
  });
  const only = ports[0];
  if (ports.length === 1 && only && Object.keys(only).length === 1 && cports[0]?.name === "http")
    spec.port = only.port;
  else if (ports.length > 0) spec.ports = ports;
  const firstPort = str(cports[0]?.name) ?? (cports.length > 0 ? "http" : undefined);

  // Probes.
  const readiness = probeOf(c.readinessProbe, "readiness", firstPort);
  const liveness = probeOf(c.livenessProbe, "liveness", firstPort);
  const startup = probeOf(c.startupProbe, "startup", firstPort);
  // `probe: X` is readiness X with readiness defaults and liveness X with liveness defaults.
  const sameProbe = readiness !== undefined && startup === undefined && equal(readiness, liveness);
  if (sameProbe) spec.probe = readiness;
  else if (readiness !== undefined || liveness !== undefined || startup !== undefined)
    spec.probes = {
      ...(readiness !== undefined ? { readiness } : {}),
      ...(liveness !== undefined ? { liveness } : {}),
      ...(startup !== undefined ? { startup } : {}),
    };

  const resources = resourcesOf(c.resources, mode);
  if (resources !== undefined) spec.resources = resources;

  // Env: literals, references; a literal that looks like a credential becomes a reference (never copied).
  const env: Plain = {};
  for (const e of arr(c.env)) {
    const n = str(e.name);
    if (n === undefined || n in env) continue;
    const from = e.valueFrom;
    if (isRecord(from)) {
      if (isRecord(from.secretKeyRef))
        env[n] = {
          secret: from.secretKeyRef.name,
          key: from.secretKeyRef.key,
          ...(typeof from.secretKeyRef.optional === "boolean"
            ? { optional: from.secretKeyRef.optional }
            : {}),
        };
      else if (isRecord(from.configMapKeyRef))
        env[n] = {
          config: from.configMapKeyRef.name,
          key: from.configMapKeyRef.key,
          ...(typeof from.configMapKeyRef.optional === "boolean"
            ? { optional: from.configMapKeyRef.optional }
            : {}),
        };
      else if (isRecord(from.fieldRef) && FIELD_PATHS.has(String(from.fieldRef.fieldPath)))
        env[n] = { field: from.fieldRef.fieldPath };
      continue;
    }
    const value =
      typeof e.value === "string" || typeof e.value === "number" || typeof e.value === "boolean"
        ? String(e.value)
        : "";
    if (looksLikeSecret(n, value)) {
      const ref = { name: n, secret: `${name}-env`, key: n };
      secretEnv.push(ref);
      env[n] = { secret: ref.secret, key: ref.key };
      continue;
    }
    env[n] = value;
  }
  if (Object.keys(env).length > 0) spec.env = env;
  const envFrom = arr(c.envFrom).flatMap((e): Plain[] => {
    const prefix = str(e.prefix) ? { prefix: e.prefix } : {};
    if (isRecord(e.configMapRef) && str(e.configMapRef.name))
      return [{ config: e.configMapRef.name, ...prefix }];
    if (isRecord(e.secretRef) && str(e.secretRef.name)) return [{ secret: e.secretRef.name, ...prefix }];
    return [];
  });
  if (envFrom.length > 0) spec.envFrom = envFrom;

  // Volumes: emptyDirs → writable paths, ConfigMap/Secret keys → files, claim templates → storage.
  const volumes = new Map(arr(get(pod, "volumes")).map((v) => [String(v.name), v]));
  const writable: Plain[] = [];
  const files: Plain = {};
  const storage: Plain[] = [];
  const claimTemplates = new Map(
    arr(get(w, "spec", "volumeClaimTemplates")).map((t) => [String(get(t, "metadata", "name")), t]),
  );
  for (const m of arr(c.volumeMounts)) {
    const path = str(m.mountPath);
    const vname = str(m.name);
    if (!path || !vname) continue;
    const v = volumes.get(vname);
    const subPath = str(m.subPath);
    if (v && isRecord(v.emptyDir)) {
      writable.push({
        path,
        ...(vname !== writableVolumeName(path) ? { volume: vname } : {}),
        ...(subPath ? { subPath } : {}),
      });
      continue;
    }
    const claim = claimTemplates.get(vname);
    if (claim) {
      const size = get(claim, "spec", "resources", "requests", "storage");
      const modes = get(claim, "spec", "accessModes");
      const sc = str(get(claim, "spec", "storageClassName"));
      storage.push({
        name: vname,
        path,
        size: typeof size === "number" ? String(size) : (str(size) ?? "1Gi"),
        ...(Array.isArray(modes) && modes[0] !== undefined && modes[0] !== "ReadWriteOnce"
          ? { accessMode: modes[0] }
          : {}),
        ...(sc ? { storageClass: sc } : {}),
      });
      continue;
    }
    const cm = v && isRecord(v.configMap) ? str(v.configMap.name) : undefined;
    const secret = v && isRecord(v.secret) ? str(v.secret.secretName) : undefined;
    const sourceName = cm ?? secret;
    if (!v || !sourceName) continue;
    const ref = (key: string) => (cm ? { configMap: cm, key } : { secret: secret as string, key });
    // kintent's own files ConfigMap (`<app>-files`, rendered with the app): its content, inline.
    if (cm === `${name}-files` && subPath) {
      const source = [...objects.values()].find(
        (o) => o.kind === "ConfigMap" && o.metadata.name === cm && o.metadata.namespace === ns,
      );
      const content = get(source, "data", subPath);
      const mode = num(arr(get(v, "configMap", "items")).find((i) => i.key === subPath)?.mode);
      if (typeof content === "string") {
        files[path] = mode === undefined ? content : { content, mode };
        continue;
      }
    }
    if (subPath) {
      files[path] = ref(subPath);
      continue;
    }
    // A directory mount: one file per key (the volume's items, else the keys of the object the source renders).
    const items = arr(get(v, cm ? "configMap" : "secret", "items"));
    const keys: [string, string][] = items.length
      ? items.map((i) => [String(i.key), String(i.path ?? i.key)])
      : Object.keys({
          ...strMap(
            get(
              [...objects.values()].find(
                (o) =>
                  o.kind === (cm ? "ConfigMap" : "Secret") &&
                  o.metadata.name === sourceName &&
                  o.metadata.namespace === ns,
              ),
              "data",
            ),
          ),
        }).map((k) => [k, k]);
    for (const [key, file] of keys) files[`${path.replace(/\/+$/, "")}/${file}`] = ref(key);
  }
  if (Object.keys(files).length > 0) spec.files = files;
  if (storage.length > 0) spec.storage = storage;

  // Security.
  const podSc = isRecord(get(pod, "securityContext")) ? (get(pod, "securityContext") as Plain) : {};
  const cSc = isRecord(c.securityContext) ? c.securityContext : {};
  const automount = get(pod, "automountServiceAccountToken");
  const sa = str(get(pod, "serviceAccountName")) ?? str(get(pod, "serviceAccount")) ?? "";
  const saObject = members.find((o) => o.kind === "ServiceAccount" && o.metadata.name === sa);
  spec.security = securityOf({ podSc, cSc, automount, writable, mode, saName: sa, rbac: input.rbacFor(sa) });
  if (Object.keys(spec.security as Plain).length === 0) delete spec.security;
  else if ((spec.security as Plain).profile === "none")
    why.security =
      "--exact: the source's own security settings, nothing more — kintent's restricted defaults are not applied (import without --exact to adopt them)";

  // ServiceAccount.
  if (saObject) {
    const saAnnotations = Object.fromEntries(
      Object.entries(strMap(saObject.metadata.annotations)).filter(
        ([k]) => !isBookkeepingAnnotation(k) && !(k in annotations),
      ),
    );
    const out: Plain = {};
    if (sa !== name) out.name = sa;
    if (Object.keys(saAnnotations).length > 0) out.annotations = saAnnotations;
    if (Object.keys(out).length > 0) spec.serviceAccount = out;
  } else if (sa === "" || sa === "default") {
    if (mode === "exact")
      spec.serviceAccount = { create: false, ...(sa === "default" ? { name: "default" } : {}) };
  } else spec.serviceAccount = { create: false, name: sa };

  // Pod annotations and grace period.
  const podAnnotations = Object.fromEntries(
    Object.entries(strMap(get(w, "spec", "template", "metadata", "annotations"))).filter(
      ([k]) => k !== "kintent.dev/config-hash",
    ),
  );
  if (Object.keys(podAnnotations).length > 0) spec.podAnnotations = podAnnotations;
  const grace = num(get(podD, "terminationGracePeriodSeconds"));
  if (grace !== undefined && grace !== 30) spec.terminationGracePeriod = seconds(grace);

  // Replicas, autoscaling.
  if (hpa) {
    const metrics = arr(get(hpa, "spec", "metrics"));
    const util = (resource: string) =>
      num(
        get(
          metrics.find(
            (m) =>
              get(m, "resource", "name") === resource &&
              get(m, "resource", "target", "type") === "Utilization",
          ),
          "resource",
          "target",
          "averageUtilization",
        ),
      );
    const cpu = util("cpu");
    const memory = util("memory");
    spec.autoscaling = {
      min: num(get(hpa, "spec", "minReplicas")) ?? 1,
      max: num(get(hpa, "spec", "maxReplicas")) ?? 1,
      ...(cpu !== undefined && !(cpu === 80 && memory === undefined) ? { cpu: `${cpu}%` } : {}),
      ...(memory !== undefined ? { memory: `${memory}%` } : {}),
    };
  } else spec.replicas = replicas;

  // Rollout.
  const rollout: Plain = {};
  const explicit = (p: string[]) => mode === "exact" || get(w, ...p) !== undefined;
  if (w.kind === "Deployment") {
    const strategy = get(wd, "spec", "strategy");
    if (get(strategy, "type") === "Recreate") rollout.strategy = "recreate";
    else {
      const surge = get(strategy, "rollingUpdate", "maxSurge");
      const unavailable = get(strategy, "rollingUpdate", "maxUnavailable");
      if (
        surge !== undefined &&
        !equal(surge, ROLLING_DEFAULTS.maxSurge) &&
        explicit(["spec", "strategy", "rollingUpdate", "maxSurge"])
      )
        rollout.maxSurge = surge;
      if (
        unavailable !== undefined &&
        !equal(unavailable, ROLLING_DEFAULTS.maxUnavailable) &&
        explicit(["spec", "strategy", "rollingUpdate", "maxUnavailable"])
      )
        rollout.maxUnavailable = unavailable;
    }
  }
  const history = num(get(wd, "spec", "revisionHistoryLimit"));
  if (
    history !== undefined &&
    history !== ROLLING_DEFAULTS.revisionHistoryLimit &&
    explicit(["spec", "revisionHistoryLimit"])
  )
    rollout.revisionHistoryLimit = history;
  if (w.kind === "Rollout") {
    const steps = arr(get(w, "spec", "strategy", "canary", "steps")).flatMap((s) => {
      if (num(s.setWeight) !== undefined) return [`${String(s.setWeight)}%`];
      if (isRecord(s.pause))
        return [
          str(s.pause.duration) ??
            (num(s.pause.duration) !== undefined ? `${String(s.pause.duration)}s` : "pause"),
        ];
      return [];
    });
    rollout.canary = steps.length > 0 ? steps : { steps: ["100%"] };
    const gate = gateOf(w, objects);
    if (gate) {
      rollout.gate = gate.gate;
      platform.metrics = gate.metrics;
    }
    platform.progressiveDelivery = "argo-rollouts";
  }
  if (Object.keys(rollout).length > 0) spec.rollout = rollout;

  // Exposure and the platform's ingress.
  const exposure = exposeOf(name, members, mainService, platform);
  if (exposure) spec.expose = exposure;
  const np = members.find((o) => o.kind === "NetworkPolicy");
  if ((tier === "production" || tier === "staging") && !np && tierLabel) spec.network = { policy: false };
  if (np && tierLabel) {
    const network = networkOf(np, name, cports, platform);
    if (network) spec.network = network;
  }

  // Scheduling, pull secrets, registry facts: the platform's, per environment.
  const pullSecrets = arr(get(pod, "imagePullSecrets"))
    .map((p) => str(p.name))
    .filter((x): x is string => x !== undefined);
  if (pullSecrets.length > 0) platform.imagePullSecrets = pullSecrets.sort();
  const nodeSelector = strMap(get(pod, "nodeSelector"));
  if (Object.keys(nodeSelector).length > 0) platform.nodeSelector = nodeSelector;
  const terms = arr(
    get(
      pod,
      "affinity",
      "nodeAffinity",
      "requiredDuringSchedulingIgnoredDuringExecution",
      "nodeSelectorTerms",
    ),
  );
  if (terms.length === 1) {
    const exprs = arr(terms[0]?.matchExpressions);
    if (exprs.length > 0 && exprs.every((e) => e.operator === "In" && Array.isArray(e.values)))
      platform.nodeAffinity = Object.fromEntries(
        exprs.map((e) => [String(e.key), (e.values as unknown[]).map(String)]),
      );
  }
  const tolerations = arr(get(pod, "tolerations"));
  if (tolerations.length > 0) platform.tolerations = tolerations;
  const sc = storage.map((s) => s.storageClass).find((x) => x !== undefined);
  if (typeof sc === "string" && storage.every((s) => s.storageClass === sc)) {
    platform.storageClass = sc;
    for (const s of storage) delete s.storageClass;
  }
  void cD;

  return { name, labels, annotations, spec, why, platform, secretEnv };
}

function securityOf(x: {
  podSc: Plain;
  cSc: Plain;
  automount: unknown;
  writable: Plain[];
  mode: ImportMode;
  saName: string;
  rbac: boolean;
}): Plain {
  const { podSc, cSc, automount, writable, mode } = x;
  const d = SECURITY_DEFAULTS;
  const defaultWritable = [{ path: "/tmp" }];
  const caps = isRecord(cSc.capabilities) ? cSc.capabilities : {};
  const add = Array.isArray(caps.add) ? caps.add.map(String).sort() : [];
  const drop = Array.isArray(caps.drop) ? caps.drop.map(String).sort() : [];
  const uid = num(podSc.runAsUser) ?? num(cSc.runAsUser);
  const gid = num(podSc.runAsGroup) ?? num(cSc.runAsGroup);
  const fsGroup = num(podSc.fsGroup);
  const seccomp = str(get(podSc, "seccompProfile", "type")) ?? str(get(cSc, "seccompProfile", "type"));
  const writableOut = equal(writable, defaultWritable) ? undefined : writable;

  // The source is kintent's restricted shape (its own output, or a chart that writes the same).
  const restrictedShape =
    equal(Object.keys(podSc).sort(), [
      "fsGroup",
      "runAsGroup",
      "runAsNonRoot",
      "runAsUser",
      "seccompProfile",
    ]) &&
    podSc.runAsNonRoot === true &&
    seccomp === "RuntimeDefault" &&
    equal(Object.keys(cSc).sort(), [
      "allowPrivilegeEscalation",
      "capabilities",
      "readOnlyRootFilesystem",
      "runAsNonRoot",
    ]) &&
    cSc.allowPrivilegeEscalation === false &&
    cSc.readOnlyRootFilesystem === true &&
    cSc.runAsNonRoot === true &&
    equal(drop, ["ALL"]) &&
    automount === false;
  if (restrictedShape || mode === "default") {
    const out: Plain = {};
    if (uid !== undefined && uid > 0 && uid !== d.runAsUser) out.runAsUser = uid;
    if (gid !== undefined && gid > 0 && gid !== d.runAsGroup) out.runAsGroup = gid;
    if (fsGroup !== undefined && fsGroup > 0 && fsGroup !== d.fsGroup) out.fsGroup = fsGroup;
    const keepAdd = mode === "default" ? add.filter((a) => a === "NET_BIND_SERVICE") : add;
    if (keepAdd.length > 0) out.capabilities = { add: keepAdd };
    if (mode === "default") {
      const paths = writable.some((w) => w.path === "/tmp") ? writable : [...writable, { path: "/tmp" }];
      const sorted = [...paths].sort((a, b) => (String(a.path) < String(b.path) ? -1 : 1));
      if (!equal(sorted, defaultWritable))
        out.writablePaths = sorted.map((w) => (Object.keys(w).length === 1 ? w.path : w));
      if (x.rbac) out.serviceAccountToken = true;
    } else if (writableOut)
      out.writablePaths = writableOut.map((w) => (Object.keys(w).length === 1 ? w.path : w));
    return out;
  }
  // Exact, and not kintent's shape: only what the source sets.
  const out: Plain = { profile: "none" };
  const nonRoot = podSc.runAsNonRoot ?? cSc.runAsNonRoot;
  if (typeof nonRoot === "boolean") out.runAsNonRoot = nonRoot;
  if (uid !== undefined) out.runAsUser = uid;
  if (gid !== undefined) out.runAsGroup = gid;
  if (fsGroup !== undefined) out.fsGroup = fsGroup;
  if (typeof cSc.readOnlyRootFilesystem === "boolean")
    out.readOnlyRootFilesystem = cSc.readOnlyRootFilesystem;
  if (typeof cSc.allowPrivilegeEscalation === "boolean")
    out.allowPrivilegeEscalation = cSc.allowPrivilegeEscalation;
  if (typeof cSc.privileged === "boolean") out.privileged = cSc.privileged;
  if (add.length > 0 || drop.length > 0)
    out.capabilities = { ...(add.length > 0 ? { add } : {}), ...(drop.length > 0 ? { drop } : {}) };
  if (seccomp === "RuntimeDefault" || seccomp === "Localhost" || seccomp === "Unconfined")
    out.seccompProfile = seccomp;
  if (typeof automount === "boolean") out.serviceAccountToken = automount;
  if (writable.length > 0)
    out.writablePaths = writable.map((w) => (Object.keys(w).length === 1 ? w.path : w));
  return out;
}

function gateOf(w: KObject, objects: Map<string, KObject>): { gate: Plain; metrics: Plain } | undefined {
  const name = str(get(w, "spec", "strategy", "canary", "analysis", "templates", 0, "templateName"));
  if (!name) return undefined;
  const t = [...objects.values()].find(
    (o) =>
      o.kind === "AnalysisTemplate" &&
      o.metadata.name === name &&
      o.metadata.namespace === w.metadata.namespace,
  );
  if (!t) return undefined;
  const gate: Plain = {};
  let address: string | undefined;
  for (const m of arr(get(t, "spec", "metrics"))) {
    const cond = /^result\[0\]\s*(>=|>|<=|<)\s*([\d.]+)$/.exec(str(m.successCondition) ?? "");
    address ??= str(get(m, "provider", "prometheus", "address"));
    if (!cond) continue;
    if (m.name === "success-rate")
      gate.successRate = `${cond[1]} ${String(Math.round(Number(cond[2]) * 1000) / 10)}%`;
    if (m.name === "latency-p99") gate.p99 = `${cond[1]} ${String(Math.round(Number(cond[2]) * 1000))}ms`;
    if (str(m.interval) && m.interval !== "1m") gate.interval = m.interval;
    if (num(m.failureLimit) !== undefined && m.failureLimit !== 1) gate.failureLimit = m.failureLimit;
  }
  if (!address || Object.keys(gate).length === 0) return undefined;
  return { gate, metrics: { prometheus: address } };
}

/** The one route to the app's Service, as `expose` (and the platform's ingress flavour and TLS issuer). */
function exposeOf(
  name: string,
  members: KObject[],
  mainService: KObject | undefined,
  platform: PlatformObservation,
): Plain | undefined {
  if (!mainService) return undefined;
  const svcPorts = arr(get(mainService, "spec", "ports"));
  const portOf = (n: unknown): unknown => {
    const i = svcPorts.findIndex((p) => p.port === n || p.name === n);
    if (i < 0) return undefined;
    return i === 0 ? null : (svcPorts[i]?.name ?? svcPorts[i]?.port);
  };
  const ingresses = members.filter((o) => o.kind === "Ingress");
  if (ingresses.length === 1) {
    const ing = ingresses[0] as KObject;
    const rules = arr(get(ing, "spec", "rules"));
    const paths = arr(get(rules[0], "http", "paths"));
    const host = str(rules[0]?.host);
    const backend = get(paths[0], "backend", "service");
    if (rules.length !== 1 || paths.length !== 1 || !host || get(backend, "name") !== name) return undefined;
    const port = portOf(get(backend, "port", "number") ?? get(backend, "port", "name"));
    const tlsEntry = arr(get(ing, "spec", "tls")).find(
      (t) => Array.isArray(t.hosts) && t.hosts.includes(host),
    );
    const tls = tlsEntry !== undefined;
    const tlsSecret = str(tlsEntry?.secretName);
    const className = str(get(ing, "spec", "ingressClassName"));
    platform.ingress = { kind: "ingress", ...(className ? { className } : {}) };
    const a = strMap(ing.metadata.annotations);
    const issuer = a["cert-manager.io/cluster-issuer"] ?? a["cert-manager.io/issuer"];
    if (issuer)
      platform.tls = {
        issuer,
        ...(a["cert-manager.io/issuer"] ? { kind: "Issuer" } : {}),
        ...(a["cert-manager.io/issuer-group"] ? { group: a["cert-manager.io/issuer-group"] } : {}),
      };
    const path = str(paths[0]?.path) ?? "/";
    return {
      host,
      ...(path !== "/" ? { path } : {}),
      ...(port !== undefined && port !== null ? { port } : {}),
      ...(tls !== (platform.tls !== undefined) ? { tls } : {}),
      ...(tlsSecret && tlsSecret !== `${name}-tls` ? { tlsSecret } : {}),
    };
  }
  const routes = members.filter((o) => o.kind === "IngressRoute" || o.kind === "HTTPRoute");
  const main = routes.find((r) => r.metadata.name === name);
  if (!main) return undefined;
  const certificate = members.find((o) => o.kind === "Certificate");
  if (certificate) {
    const ref = get(certificate, "spec", "issuerRef");
    platform.tls = {
      issuer: str(get(ref, "name")) ?? "",
      ...(get(ref, "kind") === "Issuer" ? { kind: "Issuer" } : {}),
      ...(str(get(ref, "group")) && get(ref, "group") !== "cert-manager.io"
        ? { group: get(ref, "group") }
        : {}),
    };
  }
  if (main.kind === "IngressRoute") {
    const match = str(get(main, "spec", "routes", 0, "match")) ?? "";
    const host = /Host\(`([^`]+)`\)/.exec(match)?.[1];
    const path = /PathPrefix\(`([^`]+)`\)/.exec(match)?.[1];
    if (!host) return undefined;
    const tls = isRecord(get(main, "spec", "tls"));
    const entry = arr(get(main, "spec", "entryPoints"))[0];
    void entry;
    const eps = get(main, "spec", "entryPoints");
    const redirect = routes.some((r) => r.metadata.name === `${name}-http`);
    const ep = Array.isArray(eps) ? String(eps[0]) : undefined;
    const entryPoints: Plain = {};
    if (tls && ep && ep !== "websecure") entryPoints.websecure = ep;
    if (!tls && ep && ep !== "web") entryPoints.web = ep;
    platform.ingress = { kind: "traefik", ...(Object.keys(entryPoints).length > 0 ? { entryPoints } : {}) };
    const port = portOf(get(main, "spec", "routes", 0, "services", 0, "port"));
    const secret = str(get(main, "spec", "tls", "secretName"));
    return {
      host,
      ...(path ? { path } : {}),
      ...(port !== undefined && port !== null ? { port } : {}),
      ...(tls !== (platform.tls !== undefined) ? { tls } : {}),
      ...(tls && !redirect ? { redirectHttp: false } : {}),
      ...(secret && secret !== `${name}-tls` ? { tlsSecret: secret } : {}),
    };
  }
  const hostnames = get(main, "spec", "hostnames");
  const host = Array.isArray(hostnames) ? str(hostnames[0]) : undefined;
  if (!host) return undefined;
  const parent = get(main, "spec", "parentRefs", 0);
  platform.ingress = {
    kind: "gateway",
    gateway: {
      name: str(get(parent, "name")) ?? "",
      ...(str(get(parent, "namespace")) ? { namespace: get(parent, "namespace") } : {}),
      ...(str(get(parent, "sectionName")) ? { sectionName: get(parent, "sectionName") } : {}),
    },
  };
  const path = str(get(main, "spec", "rules", 0, "matches", 0, "path", "value"));
  const redirect = routes.find((r) => r.metadata.name === `${name}-https-redirect`);
  if (redirect) {
    const section = str(get(redirect, "spec", "parentRefs", 0, "sectionName"));
    if (section) (platform.ingress.gateway as Plain).httpSectionName = section;
  }
  const certSecret = str(get(certificate, "spec", "secretName"));
  return {
    host,
    ...(path && path !== "/" ? { path } : {}),
    ...(certSecret && certSecret !== `${name}-tls` ? { tlsSecret: certSecret } : {}),
    ...(certificate === undefined && platform.tls !== undefined ? { tls: false } : {}),
    ...(certificate && !redirect ? { redirectHttp: false } : {}),
  };
}

/** kintent's NetworkPolicy read back: declared peers and egress; the ingress controller's namespace is the platform's. */
function networkOf(
  np: KObject,
  name: string,
  cports: Plain[],
  platform: PlatformObservation,
): Plain | undefined {
  const out: Plain = {};
  const allowFrom: Plain[] = [];
  const portNames = (ports: Plain[]) =>
    ports.map((p) => {
      const match = cports.find((c) => c.containerPort === p.port);
      return str(match?.name) ?? p.port;
    });
  for (const rule of arr(get(np, "spec", "ingress"))) {
    const from = arr(rule.from)[0] ?? {};
    const nsName = str(get(from, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"));
    const podLabels = strMap(get(from, "podSelector", "matchLabels"));
    const ports = arr(rule.ports);
    const isController =
      isRecord(platform.ingress) &&
      nsName !== undefined &&
      Object.keys(podLabels).length === 0 &&
      ports.length === 1 &&
      allowFrom.length === 0 &&
      out.controller === undefined;
    if (isController && platform.ingress) {
      platform.ingress.controllerNamespace = nsName;
      out.controller = true;
      continue;
    }
    if (equal(from, { namespaceSelector: {} })) continue;
    const app = podLabels[LABELS.name];
    const rest = Object.fromEntries(Object.entries(podLabels).filter(([k]) => k !== LABELS.name));
    const all = cports.map((c) => str(c.name) ?? c.containerPort);
    const named = portNames(ports);
    allowFrom.push({
      ...(app ? { app } : {}),
      ...(nsName ? { namespace: nsName } : {}),
      ...(Object.keys(rest).length > 0 ? { podLabels: rest } : {}),
      ...(equal(named, all) ? {} : { ports: named }),
    });
  }
  delete out.controller;
  if (allowFrom.length > 0) out.allowFrom = allowFrom;
  const types = get(np, "spec", "policyTypes");
  const egress = get(np, "spec", "egress");
  if (Array.isArray(types) && types.includes("Egress"))
    out.egress = Array.isArray(egress) && egress.length > 0 ? "dns-only" : "none";
  void name;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The registry part of an image (`ghcr.io/acme`), for telling environments that differ only there. */
export function imageRegistry(image: string): { registry?: string; rest: string } {
  const p = splitImage(image);
  return {
    ...(p.registry ? { registry: p.registry } : {}),
    rest: `${p.repository}${p.tag ? `:${p.tag}` : ""}${p.digest ? `@${p.digest}` : ""}`,
  };
}

/** Identities of the objects an app's intent makes kintent generate, given what was observed (to tell replace from add). */
export function keyOf(o: KObject): string {
  return objectKey(o);
}
