/**
 * One source object against the import's build, both in the canonical form after defaulting
 * (src/importer/normalize.ts): the fields that differ, split into bookkeeping metadata (left out and listed),
 * kintent's defaults (default mode: a behavioural change with its reason) and the rest (what the intent could
 * not express: the object is carried).
 */
import { fieldChanges } from "../core/diff.js";
import type { FieldChange } from "../core/diff.js";
import { isBookkeepingAnnotation, isBookkeepingLabel } from "./infer.js";
import type { FieldNote } from "./types.js";
import { LABELS, RESOURCE_PROFILES, ROLLING_DEFAULTS } from "../intent/defaults.js";
import type { KObject } from "../core/object.js";

export interface Comparison {
  /** Differences that count. */
  real: FieldChange[];
  /** Bookkeeping metadata differences (paths), left out. */
  ignored: string[];
}

const LABEL_PATH =
  /^(?:spec\.(?:template|jobTemplate\.spec\.template)\.)?metadata\.(labels|annotations)\["?([^"\]]+)"?\]$|^(?:spec\.(?:template|jobTemplate\.spec\.template)\.)?metadata\.(labels|annotations)\.([\w.-]+)$/;

/**
 * Compare canonical forms. `placement` names label and annotation keys the build adds to carried objects
 * (organisation labels, part-of): an addition of one of those is left out too.
 */
export function compareObjects(
  source: KObject,
  built: KObject,
  placement: ReadonlySet<string> = new Set(),
): Comparison {
  const real: FieldChange[] = [];
  const ignored: string[] = [];
  for (const c of fieldChanges(source, built, "", source.kind === "Secret")) {
    const m = LABEL_PATH.exec(c.path);
    const what = m?.[1] ?? m?.[3];
    const key = m?.[2] ?? m?.[4];
    if (what && key) {
      const bookkeeping = what === "labels" ? isBookkeepingLabel(key) : isBookkeepingAnnotation(key);
      if (bookkeeping || (!("before" in c) && placement.has(key))) {
        ignored.push(c.path);
        continue;
      }
    }
    // A whole labels map appearing or going (all of it bookkeeping).
    if (/metadata\.(labels|annotations)$/.test(c.path)) {
      const map = (("before" in c ? c.before : c.after) ?? {}) as Record<string, unknown>;
      const isLabels = c.path.endsWith("labels");
      if (
        Object.keys(map).every(
          (k) =>
            (isLabels ? isBookkeepingLabel(k) : isBookkeepingAnnotation(k)) ||
            (!("before" in c) && placement.has(k)),
        )
      ) {
        ignored.push(c.path);
        continue;
      }
    }
    real.push(c);
  }
  return { real, ignored };
}

/** The reason kintent's default explains a difference (default mode), or undefined when it does not. */
export function defaultReason(
  kind: string,
  c: FieldChange,
  built: KObject,
  context: { source: KObject; autoscaled: boolean },
): string | undefined {
  const p = c.path;
  const added = !("before" in c);
  if (p === "spec.replicas" && context.autoscaled)
    return "autoscaled: the HorizontalPodAutoscaler owns the replica count, so the workload carries none (a count in Git would fight it on every sync)";
  const mount = /volumeMounts\[([^\]]*)\]$/.exec(p)?.[1];
  if (mount !== undefined && isConfigVolume(context.source, mount))
    return "kintent mounts each file of a ConfigMap or Secret by itself (subPath, read-only): the rest of the image's directory stays visible, where a directory mount hides it; such a file does not change in place — roll the pods to pick up a new version";
  if (/securityContext/.test(p)) {
    const writable = writablePaths(built);
    return `restricted Pod Security by default: non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp — writable: ${writable.join(", ") || "nothing"} (the chart's emptyDirs and /tmp); if the image writes anywhere else, add it to security.writablePaths`;
  }
  if (/automountServiceAccountToken$/.test(p))
    return "no service account token by default: the app does not call the Kubernetes API (set security.serviceAccountToken if it does)";
  if (/\.serviceAccount(Name)?$/.test(p))
    return "an identity of its own, so RBAC and cloud IAM can be granted to this app alone";
  if (/(^|\.)revisionHistoryLimit$/.test(p))
    return `kintent keeps ${ROLLING_DEFAULTS.revisionHistoryLimit} old revisions: enough to roll back, few enough to keep the namespace tidy`;
  if (/^spec\.strategy(\.|$)/.test(p))
    return `rolling update: surge ${String(ROLLING_DEFAULTS.maxSurge)}, at most ${String(ROLLING_DEFAULTS.maxUnavailable)} unavailable — capacity never drops during a rollout`;
  if (/topologySpreadConstraints/.test(p))
    return "the tier spreads replicas across nodes and zones, so one failure does not take them all";
  if (/\.affinity$/.test(p) && kind !== "Service" && onlyPodAntiAffinity(c.before))
    return "the tier's topology spread replaces the chart's pod anti-affinity (the same intent: replicas on different nodes)";
  if (/volumes(\[writable-[^\]]*\])?$|volumeMounts(\[[^\]]*\])?$/.test(p) && mentionsWritable(c))
    return "a writable emptyDir where the root filesystem is read-only";
  if (/volumes(\[[^\]]*\])?$|volumeMounts(\[[^\]]*\])?$/.test(p) && mentionsConfig(c))
    return "kintent mounts each file of a ConfigMap or Secret by itself (subPath, read-only): the rest of the image's directory stays visible, where a directory mount hides it; such a file does not change in place — roll the pods to pick up a new version";
  if (/\.resources\.(limits|requests)/.test(p) && added)
    return `limits on every container: the ${"small"} profile (requests ${RESOURCE_PROFILES.small.requests.cpu}/${RESOURCE_PROFILES.small.requests.memory}, limits ${RESOURCE_PROFILES.small.limits.cpu}/${RESOURCE_PROFILES.small.limits.memory}) where the chart sets none — a leak cannot starve the node`;
  if (/\.resources$/.test(p) && added)
    return "limits on every container: the small profile where the chart sets none";
  if (kind === "PodDisruptionBudget" && /unhealthyPodEvictionPolicy|maxUnavailable|minAvailable/.test(p))
    return "maxUnavailable 1 with unhealthyPodEvictionPolicy AlwaysAllow: drains always make progress, and a broken rollout never blocks one";
  if (kind === "NetworkPolicy" && /^spec\./.test(p))
    return "default-deny ingress: only the ingress controller and the peers in network.allowFrom may connect (add your callers there)";
  if (kind === "Service" && /targetPort$/.test(p))
    return "the Service targets container ports by name, so a port number change in the pod never breaks it";
  if (/\.imagePullPolicy$/.test(p))
    return "IfNotPresent: tags are pinned, so a cached image is the right one";
  if (/\.selector(\.matchLabels)?$|\.selector\[/.test(p)) return undefined;
  if (/metadata\.labels/.test(p) && /app\.kubernetes\.io\/(name|instance)/.test(p))
    return `kintent labels every object with ${LABELS.name} and ${LABELS.instance}`;
  return undefined;
}

/** Paths the build's pods may write: emptyDir mounts. */
function writablePaths(o: KObject): string[] {
  const spec = (o.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
  const volumes = Array.isArray(spec?.volumes) ? (spec.volumes as Record<string, unknown>[]) : [];
  const empty = new Set(volumes.filter((v) => typeof v.emptyDir === "object").map((v) => v.name));
  const containers = Array.isArray(spec?.containers) ? (spec.containers as Record<string, unknown>[]) : [];
  const paths = containers.flatMap((c) =>
    (Array.isArray(c.volumeMounts) ? (c.volumeMounts as Record<string, unknown>[]) : [])
      .filter((m) => empty.has(m.name))
      .map((m) => String(m.mountPath)),
  );
  return [...new Set(paths)].sort();
}

function onlyPodAntiAffinity(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k === "podAntiAffinity");
}

/** Whether the source's pod has a ConfigMap or Secret volume of this name. */
function isConfigVolume(source: KObject, name: string): boolean {
  const spec = (source.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
  const volumes = Array.isArray(spec?.volumes) ? (spec.volumes as Record<string, unknown>[]) : [];
  const v = volumes.find((x) => x.name === name);
  return v !== undefined && (typeof v.configMap === "object" || typeof v.secret === "object");
}

function mentionsConfig(c: FieldChange): boolean {
  const text = JSON.stringify([c.before, c.after, c.path]);
  return /"configMap"|"secret"|\[cm-|\[secret-|"name":"(cm|secret)-/.test(text);
}

function mentionsWritable(c: FieldChange): boolean {
  const text = JSON.stringify([c.before, c.after, c.path]);
  return /writable-|emptyDir|\/tmp/.test(text);
}

/** Field notes for the report: what differs and why. */
export function notes(changes: readonly FieldChange[], why: (c: FieldChange) => string): FieldNote[] {
  return changes.map((c) => ({
    path: c.path,
    ...("before" in c ? { before: c.before } : {}),
    ...("after" in c ? { after: c.after } : {}),
    why: why(c),
  }));
}

/** `spec.template.spec.initContainers[…]` → `spec.template.spec.initContainers`: the field, for "what the intent lacks". */
export function fieldOf(path: string): string {
  return path
    .replace(/\[[^\]]*\]/g, "")
    .replace(/^spec\.template\.spec\./, "pod.")
    .replace(/^pod\.containers\./, "container.")
    .replace(/^pod\.initContainers.*/, "pod.initContainers")
    .split(".")
    .slice(0, 3)
    .join(".");
}
