/**
 * The pod template and the workload that runs it: Deployment, StatefulSet, or Argo Rollouts Rollout.
 */
import type { KObject } from "../core/object.js";
import { createHash } from "node:crypto";
import { ANNOTATIONS, ROLLING_DEFAULTS } from "../intent/defaults.js";
import { sortKeys } from "../intent/resolve.js";
import type { EnvVar, FileSpec, ProbeSpec, ResolvedApp } from "../intent/types.js";
import type { Emitter } from "./emitter.js";
import type { Track } from "./labels.js";
import { meta, podLabels, selectorLabels } from "./labels.js";
import { escapeSegment } from "../core/json-pointer.js";

export interface PodVariant {
  track?: Track;
  image: string;
  env: EnvVar[];
  files: FileSpec[];
  /** Name of the ConfigMap holding inline files. */
  filesConfigMap: string;
}

export function stableVariant(app: ResolvedApp, weighted: boolean): PodVariant {
  return {
    ...(weighted ? { track: "stable" as const } : {}),
    image: app.image.value,
    env: app.env,
    files: app.files,
    filesConfigMap: `${app.name}-files`,
  };
}

/** Key of an inline file in the files ConfigMap: the path with `/` → `-`, e.g. `etc-app-config.yaml`. */
export function fileKey(path: string): string {
  return path.replace(/^\/+/, "").replace(/[^-._a-zA-Z0-9]+/g, "-");
}

/** Hash of inline file contents; a change rolls the pods. */
export function filesHash(files: FileSpec[]): string | undefined {
  const inline = files.filter((f) => f.kind === "inline");
  if (inline.length === 0) return undefined;
  const h = createHash("sha256");
  for (const f of inline) h.update(`${f.path}\u0000${f.content}\u0000${f.mode ?? ""}\u0000`);
  return h.digest("hex").slice(0, 16);
}

function probe(p: ProbeSpec): Record<string, unknown> {
  const timing = {
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    ...(p.periodSeconds !== undefined ? { periodSeconds: p.periodSeconds } : {}),
    ...(p.timeoutSeconds !== undefined ? { timeoutSeconds: p.timeoutSeconds } : {}),
    ...(p.failureThreshold !== undefined ? { failureThreshold: p.failureThreshold } : {}),
  };
  if (p.kind === "http") return { httpGet: { path: p.path, port: p.port }, ...timing };
  if (p.kind === "tcp") return { tcpSocket: { port: p.port }, ...timing };
  return { exec: { command: p.command }, ...timing };
}

function envVar(e: EnvVar): Record<string, unknown> {
  if ("value" in e) return { name: e.name, value: e.value };
  if ("secret" in e)
    return {
      name: e.name,
      valueFrom: {
        secretKeyRef: {
          name: e.secret,
          key: e.key,
          ...(e.optional !== undefined ? { optional: e.optional } : {}),
        },
      },
    };
  if ("config" in e)
    return {
      name: e.name,
      valueFrom: {
        configMapKeyRef: {
          name: e.config,
          key: e.key,
          ...(e.optional !== undefined ? { optional: e.optional } : {}),
        },
      },
    };
  return { name: e.name, valueFrom: { fieldRef: { fieldPath: e.field } } };
}

function volumeNameFor(prefix: string, name: string): string {
  const base = `${prefix}-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return base.length <= 63
    ? base
    : `${base.slice(0, 54)}-${createHash("sha256").update(base).digest("hex").slice(0, 8)}`;
}

/** The pod template; records decisions against `owner` at `base` (the template's JSON Pointer). */
export function podTemplate(
  app: ResolvedApp,
  variant: PodVariant,
  e: Emitter,
  owner: KObject,
  base: string,
): Record<string, unknown> {
  const sec = app.security.value;
  const volumes: Record<string, unknown>[] = [];
  const mounts: Record<string, unknown>[] = [];
  // Writable paths: one emptyDir per volume name (paths naming the same volume share it, each at its subPath).
  for (const w of sec.writablePaths) {
    if (!volumes.some((v) => v.name === w.volume)) volumes.push({ name: w.volume, emptyDir: {} });
    mounts.push({
      name: w.volume,
      mountPath: w.path,
      ...(w.subPath !== undefined ? { subPath: w.subPath } : {}),
    });
  }
  // Files: one volume per source, one subPath mount per file (mounting a directory would hide the image's own files).
  const inline = variant.files.filter((f) => f.kind === "inline");
  if (inline.length > 0) {
    volumes.push({
      name: "files",
      configMap: {
        name: variant.filesConfigMap,
        items: inline.map((f) => ({
          key: fileKey(f.path),
          path: fileKey(f.path),
          ...(f.kind === "inline" && f.mode !== undefined ? { mode: f.mode } : {}),
        })),
      },
    });
    for (const f of inline)
      mounts.push({ name: "files", mountPath: f.path, subPath: fileKey(f.path), readOnly: true });
  }
  const bySource = new Map<string, { kind: "configMap" | "secret"; name: string; files: FileSpec[] }>();
  for (const f of variant.files) {
    if (f.kind === "inline") continue;
    const k = `${f.kind}/${f.name}`;
    const entry = bySource.get(k) ?? { kind: f.kind, name: f.name, files: [] };
    entry.files.push(f);
    bySource.set(k, entry);
  }
  for (const src of [...bySource.values()].sort((a, b) =>
    `${a.kind}/${a.name}` < `${b.kind}/${b.name}` ? -1 : 1,
  )) {
    const vname = volumeNameFor(src.kind === "configMap" ? "cm" : "secret", src.name);
    const keys = [...new Set(src.files.map((f) => (f.kind === "inline" ? "" : f.key)))].sort();
    const items = keys.map((key) => ({ key, path: key }));
    volumes.push(
      src.kind === "configMap"
        ? { name: vname, configMap: { name: src.name, items } }
        : { name: vname, secret: { secretName: src.name, items } },
    );
    for (const f of src.files)
      if (f.kind !== "inline")
        mounts.push({ name: vname, mountPath: f.path, subPath: f.key, readOnly: true });
  }
  for (const s of app.storage) {
    mounts.push({ name: s.name, mountPath: s.path });
    // In an environment that says `emptyDir`, the volume lives with the pod instead of in a claim.
    if (s.emptyDir) volumes.push({ name: s.name, emptyDir: { sizeLimit: s.size } });
  }

  const r = app.resources.value;
  const resources = {
    ...(Object.keys(r.requests).length > 0 ? { requests: r.requests } : {}),
    ...(Object.keys(r.limits).length > 0 ? { limits: r.limits } : {}),
  };
  const containerSecurity = {
    ...(sec.allowPrivilegeEscalation !== undefined
      ? { allowPrivilegeEscalation: sec.allowPrivilegeEscalation }
      : {}),
    ...(sec.privileged
      ? { privileged: true }
      : sec.profile === "none" && sec.privileged === false
        ? { privileged: false }
        : {}),
    ...(sec.readOnlyRootFilesystem !== undefined
      ? { readOnlyRootFilesystem: sec.readOnlyRootFilesystem }
      : {}),
    ...(sec.runAsNonRoot !== undefined ? { runAsNonRoot: sec.runAsNonRoot } : {}),
    ...(sec.capabilitiesAdd.length > 0 || sec.capabilitiesDrop.length > 0 || sec.profile === "restricted"
      ? {
          capabilities: {
            ...(sec.capabilitiesAdd.length > 0 ? { add: sec.capabilitiesAdd } : {}),
            ...(sec.capabilitiesDrop.length > 0 ? { drop: sec.capabilitiesDrop } : {}),
          },
        }
      : {}),
  };
  const podSecurity = {
    ...(sec.runAsNonRoot !== undefined ? { runAsNonRoot: sec.runAsNonRoot } : {}),
    ...(sec.runAsUser !== undefined ? { runAsUser: sec.runAsUser } : {}),
    ...(sec.runAsGroup !== undefined ? { runAsGroup: sec.runAsGroup } : {}),
    ...(sec.fsGroup !== undefined ? { fsGroup: sec.fsGroup } : {}),
    ...(sec.seccompProfile !== undefined ? { seccompProfile: { type: sec.seccompProfile } } : {}),
  };
  const container: Record<string, unknown> = {
    name: app.containerName,
    image: variant.image,
    imagePullPolicy: "IfNotPresent",
    ...(app.command ? { command: app.command } : {}),
    ...(app.args ? { args: app.args } : {}),
    ...(app.ports.length > 0
      ? { ports: app.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) }
      : {}),
    ...(variant.env.length > 0 ? { env: variant.env.map(envVar) } : {}),
    ...(app.envFrom.length > 0
      ? {
          envFrom: app.envFrom.map((f) =>
            "secret" in f
              ? { ...(f.prefix ? { prefix: f.prefix } : {}), secretRef: { name: f.secret } }
              : { ...(f.prefix ? { prefix: f.prefix } : {}), configMapRef: { name: f.config } },
          ),
        }
      : {}),
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    ...(app.probes.startup ? { startupProbe: probe(app.probes.startup.value) } : {}),
    ...(app.probes.readiness ? { readinessProbe: probe(app.probes.readiness.value) } : {}),
    ...(app.probes.liveness ? { livenessProbe: probe(app.probes.liveness.value) } : {}),
    ...(Object.keys(containerSecurity).length > 0 ? { securityContext: containerSecurity } : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
  };

  const sched = app.scheduling.value;
  const affinityTerms = Object.entries(sched.nodeAffinity).map(([key, values]) => ({
    key,
    operator: "In",
    values,
  }));
  const selector = selectorLabels(app, variant.track === "canary" ? "canary" : "stable");
  const spreads: Record<string, unknown>[] = [];
  if (app.spread.value && variant.track !== "canary") {
    const isProd = app.tier.value === "production";
    const matchLabelKeys = owner.kind === "Deployment" ? { matchLabelKeys: ["pod-template-hash"] } : {};
    spreads.push({
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: isProd ? "DoNotSchedule" : "ScheduleAnyway",
      labelSelector: { matchLabels: selector },
      ...matchLabelKeys,
    });
    spreads.push({
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: selector },
      ...matchLabelKeys,
    });
  }
  const hash = filesHash(variant.files);
  const podAnnotations = sortKeys({
    ...app.podAnnotations,
    ...(hash ? { [ANNOTATIONS.configHash]: hash } : {}),
  });
  const podSpec: Record<string, unknown> = {
    ...(app.serviceAccount.name !== undefined ? { serviceAccountName: app.serviceAccount.name } : {}),
    ...(sec.serviceAccountToken !== undefined
      ? { automountServiceAccountToken: sec.serviceAccountToken }
      : {}),
    ...(Object.keys(podSecurity).length > 0 ? { securityContext: podSecurity } : {}),
    ...(app.imagePullSecrets.value.length > 0
      ? { imagePullSecrets: app.imagePullSecrets.value.map((name) => ({ name })) }
      : {}),
    ...(Object.keys(sched.nodeSelector).length > 0 ? { nodeSelector: sched.nodeSelector } : {}),
    ...(affinityTerms.length > 0
      ? {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: affinityTerms }],
              },
            },
          },
        }
      : {}),
    ...(sched.tolerations.length > 0 ? { tolerations: sched.tolerations } : {}),
    ...(spreads.length > 0 ? { topologySpreadConstraints: spreads } : {}),
    terminationGracePeriodSeconds: app.terminationGracePeriodSeconds,
    containers: [container],
    ...(volumes.length > 0 ? { volumes } : {}),
  };

  // Decisions, against the owner object.
  const c0 = `${base}/spec/containers/0`;
  e.why(owner, `${c0}/image`, app.image.origin);
  const registry = variant.track === "canary" ? undefined : app.registryAuth;
  if (registry) e.why(owner, `${c0}/image`, registry.origin);
  if (app.commandOrigin) e.why(owner, `${c0}/command`, app.commandOrigin);
  if (app.argsOrigin) e.why(owner, `${c0}/args`, app.argsOrigin);
  if (Object.keys(resources).length > 0) e.why(owner, `${c0}/resources`, app.resources.origin);
  if (app.probes.readiness) e.why(owner, `${c0}/readinessProbe`, app.probes.readiness.origin);
  if (app.probes.liveness) e.why(owner, `${c0}/livenessProbe`, app.probes.liveness.origin);
  if (app.probes.startup) e.why(owner, `${c0}/startupProbe`, app.probes.startup.origin);
  if (Object.keys(containerSecurity).length > 0) e.why(owner, `${c0}/securityContext`, app.security.origin);
  e.why(owner, `${c0}/imagePullPolicy`, "IfNotPresent: tags are pinned, so a cached image is the right one");
  if (sec.serviceAccountToken !== undefined)
    e.why(
      owner,
      `${base}/spec/automountServiceAccountToken`,
      sec.serviceAccountToken
        ? { ...app.security.origin, reason: "the app talks to the Kubernetes API, so its token is mounted" }
        : "the app does not call the Kubernetes API: no token to steal",
    );
  if (Object.keys(podSecurity).length > 0)
    e.why(
      owner,
      `${base}/spec/securityContext`,
      sec.profile === "none"
        ? app.security.origin
        : sec.runAsUser !== undefined
          ? `run as UID ${sec.runAsUser}, never root; seccomp ${sec.seccompProfile ?? "unset"}`
          : "never root",
    );
  if (app.imagePullSecrets.value.length > 0)
    e.why(owner, `${base}/spec/imagePullSecrets`, app.imagePullSecrets.origin);
  if (
    Object.keys(sched.nodeSelector).length > 0 ||
    affinityTerms.length > 0 ||
    sched.tolerations.length > 0
  ) {
    const field =
      affinityTerms.length > 0
        ? "affinity"
        : Object.keys(sched.nodeSelector).length > 0
          ? "nodeSelector"
          : "tolerations";
    e.why(owner, `${base}/spec/${field}`, app.scheduling.origin);
  }
  if (spreads.length > 0) e.why(owner, `${base}/spec/topologySpreadConstraints`, app.spread.origin);
  if (sec.writablePaths.length > 0)
    e.why(
      owner,
      `${base}/spec/volumes`,
      sec.readOnlyRootFilesystem
        ? `writable emptyDir at ${sec.writablePaths.map((w) => w.path).join(", ")}: the root filesystem is read-only`
        : `writable emptyDir at ${sec.writablePaths.map((w) => w.path).join(", ")}`,
    );
  for (const s of app.storage)
    if (s.emptyDir)
      e.why(
        owner,
        `${base}/spec/volumes/${volumes.findIndex((v) => v.name === s.name && "emptyDir" in v)}`,
        s.origin,
      );
  if (hash)
    e.why(
      owner,
      `${base}/metadata/annotations/${escapeSegment(ANNOTATIONS.configHash)}`,
      "hash of the mounted files: changing a file rolls the pods",
    );
  for (const ev of variant.env) {
    if ("secret" in ev) {
      const i = variant.env.indexOf(ev);
      e.why(
        owner,
        `${c0}/env/${i}`,
        `${ev.name} comes from Secret ${ev.secret} (key ${ev.key}); its value never passes through kintent`,
      );
    }
  }
  const w = app.why;
  if (w.env) e.why(owner, `${c0}/env`, { from: "app", reason: w.env });
  if (w.resources) e.why(owner, `${c0}/resources`, { from: "app", reason: w.resources });
  if (w.security) e.why(owner, `${c0}/securityContext`, { from: "app", reason: w.security });
  if (w.image) e.why(owner, `${c0}/image`, { from: "app", reason: w.image });
  if (w.command && app.command) e.why(owner, `${c0}/command`, { from: "app", reason: w.command });
  if (w.args && app.args) e.why(owner, `${c0}/args`, { from: "app", reason: w.args });
  if (w.probe || w.probes)
    e.why(owner, `${c0}/livenessProbe`, { from: "app", reason: (w.probe ?? w.probes) as string });
  for (const [k, v] of Object.entries(w)) {
    const m = /^env\.(.+)$/.exec(k);
    if (m) {
      const i = variant.env.findIndex((x) => x.name === m[1]);
      if (i >= 0) e.why(owner, `${c0}/env/${i}`, { from: "app", reason: v });
    }
  }

  return {
    metadata: {
      labels: podLabels(app, variant.track),
      ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
    },
    spec: podSpec,
  };
}

/** Deployment (stable or weighted canary), StatefulSet when the app has storage. */
export function deployment(
  app: ResolvedApp,
  e: Emitter,
  variant: PodVariant,
  options: { namespace?: string; replicas?: number; name?: string } = {},
): KObject {
  const track = variant.track;
  const name = options.name ?? app.name;
  const stateful = app.storage.length > 0;
  const claims = app.storage.filter((s) => !s.emptyDir);
  const obj: KObject = {
    apiVersion: "apps/v1",
    kind: stateful ? "StatefulSet" : "Deployment",
    metadata: meta(app, name, {
      ...(options.namespace ? { namespace: options.namespace } : {}),
      labels: podLabels(app, track),
    }),
    spec: {},
  };
  const replicas = options.replicas ?? (app.autoscaling ? undefined : app.replicas.value);
  const rollout = app.rollout.value;
  const template = podTemplate(app, variant, e, obj, "/spec/template");
  const spec: Record<string, unknown> = {
    ...(replicas !== undefined ? { replicas } : {}),
    ...(stateful ? { serviceName: app.service.value.headless ? app.name : `${app.name}-headless` } : {}),
    revisionHistoryLimit: app.rollout.value.revisionHistoryLimit,
    selector: { matchLabels: selectorLabels(app, track === "canary" ? "canary" : "stable") },
    ...(stateful
      ? { updateStrategy: { type: "RollingUpdate" } }
      : {
          strategy:
            rollout.strategy === "recreate"
              ? { type: "Recreate" }
              : {
                  type: "RollingUpdate",
                  rollingUpdate: { maxSurge: rollout.maxSurge, maxUnavailable: rollout.maxUnavailable },
                },
        }),
    template,
    ...(claims.length > 0
      ? {
          volumeClaimTemplates: claims.map((s) => ({
            metadata: { name: s.name },
            spec: {
              accessModes: [s.accessMode],
              ...(s.storageClass ? { storageClassName: s.storageClass } : {}),
              resources: { requests: { storage: s.size } },
            },
          })),
        }
      : {}),
  };
  obj.spec = spec;
  const why =
    track === "canary"
      ? `the live canary: ${variant.image}, ${options.replicas ?? 1} replica(s), receiving traffic by weight`
      : stateful
        ? "StatefulSet: the app declares persistent storage, so each replica keeps its own volume"
        : app.why.app
          ? { from: "app" as const, reason: app.why.app }
          : `runs ${app.name} (${app.tier.value} tier)`;
  e.add(obj, why);
  if (replicas !== undefined)
    e.why(
      obj,
      "/spec/replicas",
      track === "canary" ? "canary replicas as the intent says" : app.replicas.origin,
    );
  if (!stateful && track !== "canary") e.why(obj, "/spec/strategy", app.rollout.origin);
  claims.forEach((s, i) => e.why(obj, `/spec/volumeClaimTemplates/${i}`, s.origin));
  e.why(
    obj,
    "/spec/selector",
    app.selector
      ? "the selector the intent sets (selectors are immutable: an adopted workload keeps its own)"
      : "selects pods by name and instance only: selectors are immutable, so they never carry the version",
  );
  const history = app.rollout.value.revisionHistoryLimit;
  e.why(
    obj,
    "/spec/revisionHistoryLimit",
    history === ROLLING_DEFAULTS.revisionHistoryLimit
      ? "keep 5 old ReplicaSets: enough to roll back, few enough to keep the namespace tidy"
      : { ...app.rollout.origin, reason: `keep ${history} old revisions, as the intent says` },
  );
  return obj;
}
