/**
 * Per-environment observations → one App per app (what every environment shares in `spec`, what differs under
 * `spec.environments.<env>`) and one Platform (each environment's namespace, registry, pull secrets, scheduling,
 * storage class; the ingress flavour, TLS issuer and progressive delivery every environment shares).
 * Only fields an environment may override are split per environment; any other field takes the first
 * environment's value, and the comparison afterwards carries whatever another environment does differently.
 */
import { IN_CLUSTER_URL, TIER_PRESETS } from "../intent/defaults.js";
import type { Tier } from "../intent/defaults.js";
import type { AppObservation, PlatformObservation } from "./infer.js";
import { imageRegistry } from "./infer.js";

type Plain = Record<string, unknown>;

function isRecord(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
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
function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));
}

/** Fields `spec.environments.<env>` may set (src/intent/schema.ts appEnvironmentOverride). */
const OVERRIDABLE = [
  "image",
  "command",
  "args",
  "replicas",
  "autoscaling",
  "resources",
  "tier",
  "env",
  "expose",
  "rollout",
] as const;

/** The order fields are written in, for a file that reads top-down. */
export const SPEC_ORDER = [
  "image",
  "containerName",
  "command",
  "args",
  "tier",
  "replicas",
  "autoscaling",
  "port",
  "ports",
  "probe",
  "probes",
  "resources",
  "env",
  "envFrom",
  "files",
  "storage",
  "expose",
  "security",
  "serviceAccount",
  "selector",
  "podAnnotations",
  "terminationGracePeriod",
  "rollout",
  "network",
  "environments",
  "why",
];

export interface MergedApp {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Plain;
  /** Fields that differ between environments where an environment cannot say so (the first one's is used). */
  unsplittable: { field: string; environments: string[] }[];
}

/** Default values that stand for "absent" when an environment drops a field the first one sets. */
function absentValue(field: string): unknown {
  if (field === "autoscaling" || field === "expose") return false;
  if (field === "command" || field === "args") return [];
  return undefined;
}

export function mergeApp(
  name: string,
  byEnv: ReadonlyMap<string, AppObservation>,
  envs: readonly string[],
  registries: ReadonlyMap<string, string | undefined>,
): MergedApp {
  const present = envs.filter((e) => byEnv.has(e));
  const base = byEnv.get(present[0] ?? "") as AppObservation;
  const spec: Plain = { ...base.spec };
  const environments: Record<string, Plain> = {};
  const unsplittable: MergedApp["unsplittable"] = [];
  const baseImage = imageRegistry(typeof base.spec.image === "string" ? base.spec.image : "");
  for (const env of present.slice(1)) {
    const o = byEnv.get(env) as AppObservation;
    const override: Plain = {};
    for (const field of OVERRIDABLE) {
      const a = base.spec[field];
      const b = o.spec[field];
      if (equal(a, b)) continue;
      if (field === "image" && typeof b === "string") {
        // A registry the platform sets for this environment rewrites the image already.
        const reg = registries.get(env);
        const x = imageRegistry(b);
        if (reg !== undefined && x.rest === baseImage.rest && x.registry === reg) continue;
      }
      if (field === "env" && isRecord(a) && isRecord(b)) {
        const diff = Object.fromEntries(Object.entries(b).filter(([k, v]) => !equal(a[k], v)));
        const missing = Object.keys(a).filter((k) => !(k in b));
        if (missing.length > 0) unsplittable.push({ field: `env.${missing.join(",")}`, environments: [env] });
        if (Object.keys(diff).length > 0) override.env = diff;
        continue;
      }
      if (field === "rollout" && isRecord(a) && isRecord(b)) {
        const diff: Plain = {};
        for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
          if (!equal(a[k], b[k]))
            diff[k] =
              b[k] ??
              (k === "maxSurge"
                ? "25%"
                : k === "maxUnavailable"
                  ? 0
                  : k === "revisionHistoryLimit"
                    ? 5
                    : undefined);
        for (const k of Object.keys(diff)) if (diff[k] === undefined) delete diff[k];
        if (Object.keys(diff).length > 0) override.rollout = diff;
        continue;
      }
      if (field === "replicas" && b === undefined) continue; // autoscaled here: autoscaling says so
      const value = b === undefined ? absentValue(field) : b;
      if (value !== undefined) override[field] = value;
      else unsplittable.push({ field, environments: [env] });
    }
    if (override.autoscaling === false && o.spec.replicas !== undefined) override.replicas = o.spec.replicas;
    for (const [key, what] of [
      ["labels", o.labels],
      ["annotations", o.annotations],
    ] as const) {
      const baseMap = key === "labels" ? base.labels : base.annotations;
      const diff = Object.fromEntries(Object.entries(what).filter(([k, v]) => baseMap[k] !== v));
      if (Object.keys(diff).length > 0) override[key] = diff;
    }
    for (const field of Object.keys({ ...base.spec, ...o.spec })) {
      if ((OVERRIDABLE as readonly string[]).includes(field)) continue;
      if (!equal(base.spec[field], o.spec[field])) {
        const u = unsplittable.find((x) => x.field === field);
        if (u) u.environments.push(env);
        else unsplittable.push({ field, environments: [env] });
      }
    }
    if (Object.keys(override).length > 0) environments[env] = override;
  }
  // The tier's preset says the replica count already (when no environment changes the tier).
  const preset = typeof spec.tier === "string" ? TIER_PRESETS[spec.tier as Tier]?.replicas : undefined;
  if (
    preset !== undefined &&
    spec.replicas === preset &&
    Object.values(environments).every((e) => e.tier === undefined)
  )
    delete spec.replicas;
  if (Object.keys(environments).length > 0) spec.environments = environments;
  const why = Object.assign({}, ...present.map((e) => byEnv.get(e)?.why ?? {})) as Record<string, string>;
  if (Object.keys(why).length > 0) spec.why = why;
  const ordered: Plain = {};
  for (const k of SPEC_ORDER) if (spec[k] !== undefined) ordered[k] = spec[k];
  for (const k of Object.keys(spec)) if (!(k in ordered) && spec[k] !== undefined) ordered[k] = spec[k];
  return { name, labels: base.labels, annotations: base.annotations, spec: ordered, unsplittable };
}

export interface MergedPlatform {
  spec: Plain;
  /** The registry the platform sets per environment (for image comparisons). */
  registries: Map<string, string | undefined>;
}

/**
 * The Platform: environments with their namespace and what the apps' pods agree on there; ingress, TLS,
 * progressive delivery and metrics from the first app and environment that says.
 */
export function mergePlatform(
  envs: readonly string[],
  namespaces: ReadonlyMap<string, string>,
  apps: readonly ReadonlyMap<string, AppObservation>[],
): MergedPlatform {
  const spec: Plain = {};
  const environments: Record<string, Plain> = {};
  const registries = new Map<string, string | undefined>();
  const all = (env: string): PlatformObservation[] =>
    apps.map((a) => a.get(env)?.platform).filter((p): p is PlatformObservation => p !== undefined);
  const firstEnv = envs[0] ?? "";
  for (const env of envs) {
    const obs = all(env);
    const e: Plain = { cluster: IN_CLUSTER_URL, namespace: namespaces.get(env) ?? "default" };
    const agreed = <K extends keyof PlatformObservation>(k: K): PlatformObservation[K] | undefined => {
      const values = obs.map((o) => o[k]);
      const v = values[0];
      return v !== undefined && values.every((x) => equal(x, v)) ? v : undefined;
    };
    // A registry: every app's image differs from the first environment's by its registry only.
    if (env !== firstEnv) {
      const pairs = apps
        .map((a) => [a.get(firstEnv)?.spec.image, a.get(env)?.spec.image])
        .filter((p): p is [string, string] => typeof p[0] === "string" && typeof p[1] === "string");
      const regs = pairs.map(([x, y]) => {
        const a = imageRegistry(x);
        const b = imageRegistry(y);
        return a.rest === b.rest && a.registry !== b.registry ? b.registry : null;
      });
      const r = regs[0];
      if (pairs.length > 0 && r !== null && r !== undefined && regs.every((x) => x === r)) {
        e.registry = r;
        registries.set(env, r);
      }
    }
    const pull = agreed("imagePullSecrets");
    if (pull && pull.length === 1) e.pullSecret = pull[0];
    else if (pull) e.imagePullSecrets = pull;
    const nodeSelector = agreed("nodeSelector");
    if (nodeSelector) e.nodeSelector = nodeSelector;
    const nodeAffinity = agreed("nodeAffinity");
    if (nodeAffinity)
      e.nodeAffinity = Object.fromEntries(
        Object.entries(nodeAffinity).map(([k, v]) => [k, v.length === 1 ? v[0] : v]),
      );
    const tolerations = agreed("tolerations");
    if (tolerations) e.tolerations = tolerations;
    const storageClass = agreed("storageClass");
    if (storageClass) e.storageClass = storageClass;
    environments[env] = e;
    for (const o of obs) {
      // The ingress flavour: what any environment says (the controller's namespace shows only where a policy names it).
      if (o.ingress) spec.ingress = { ...o.ingress, ...(isRecord(spec.ingress) ? spec.ingress : {}) };
      if (o.tls && spec.tls === undefined) spec.tls = o.tls;
      if (o.progressiveDelivery && spec.progressiveDelivery === undefined)
        spec.progressiveDelivery = o.progressiveDelivery;
      if (o.metrics && spec.metrics === undefined) spec.metrics = o.metrics;
    }
  }
  spec.environments = environments;
  return { spec, registries };
}
