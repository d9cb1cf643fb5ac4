/**
 * `kintent status`: what the intent deploys in one environment against what is live. Per object: present,
 * missing, or drifted — comparing only the fields kintent sets, so server defaults, other controllers' labels
 * and status are never drift (the fields are diffed by core/diff.ts, quantities compared by value). Per
 * workload, the rollout's progress; per Argo Rollouts Rollout, its phase, step, weights and AnalysisRun results;
 * and the Argo CD Application that deploys the environment, with its sync revision and health.
 */
import type { FieldChange } from "../core/diff.js";
import { fieldChanges } from "../core/diff.js";
import type { ObjectRef } from "../core/finding.js";
import type { KObject } from "../core/object.js";
import { describeObject, objectKey } from "../core/object.js";
import { parseQuantity, compareQuantity } from "../core/quantity.js";
import type { ClusterReader, LiveObject } from "./client.js";
import { RESOURCES } from "./kinds.js";
import { snapshotOf } from "./snapshot.js";
import type { Snapshot } from "./snapshot.js";
import { trimObject } from "./snapshot.js";

export interface ObjectStatus {
  object: ObjectRef;
  state: "present" | "missing" | "drifted" | "unknown";
  /** Fields kintent sets whose live value differs (`after` is the live value; absent when the field is gone). */
  drift: FieldChange[];
  /** Why the state is unknown (the kind is not served or not readable). */
  reason?: string;
}

export interface RolloutProgress {
  object: ObjectRef;
  summary: string;
  healthy: boolean;
  details: Record<string, unknown>;
}

export interface ApplicationStatus {
  object: ObjectRef;
  sync?: string;
  revision?: string;
  health?: string;
  operation?: string;
  message?: string;
}

export interface StatusReport {
  env: string;
  cluster: string;
  readAt: string;
  objects: ObjectStatus[];
  rollouts: RolloutProgress[];
  applications: ApplicationStatus[];
  apiCalls: { list: number; total: number };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
}

function named(list: readonly unknown[]): Map<string, unknown> | undefined {
  const m = new Map<string, unknown>();
  for (const item of list) {
    if (!isRecord(item)) return undefined;
    const name = item.name ?? item.key ?? item.mountPath;
    if (typeof name !== "string" || m.has(name)) return undefined;
    m.set(name, item);
  }
  return m;
}

/**
 * The live object cut to the shape of the built one: only the fields kintent sets (named lists matched by
 * name), quantities that are equal by value shown as written, so the diff below sees only real differences.
 */
export function projectLive(built: unknown, live: unknown): unknown {
  if (isRecord(built)) {
    if (!isRecord(live)) return live;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(built)) {
      if (k in live) out[k] = projectLive(built[k], live[k]);
      // The API server omits empty lists and maps (`ingress: []` reads back as nothing): not drift.
      else if (isEmpty(built[k])) out[k] = built[k];
    }
    return out;
  }
  if (Array.isArray(built)) {
    if (!Array.isArray(live)) return live;
    const nb = named(built);
    const nl = named(live);
    if (nb && nl) {
      // Items another controller adds (an injected sidecar) are not kintent's; items kintent sets are matched.
      const out: unknown[] = [];
      for (const [name, b] of nb) if (nl.has(name)) out.push(projectLive(b, nl.get(name)));
      return out;
    }
    if (built.length === live.length) return built.map((b, i) => projectLive(b, live[i]));
    return live;
  }
  if (typeof built === "string" && (typeof live === "string" || typeof live === "number")) {
    const a = parseQuantity(built);
    const b = parseQuantity(String(live));
    if (a && b && compareQuantity(a, b) === 0) return built;
  }
  if (typeof built === "number" && typeof live === "string" && String(built) === live) return built;
  return live;
}

/** The fields kintent sets that differ live. */
export function driftOf(built: KObject, live: LiveObject): FieldChange[] {
  const { status: _s, metadata, ...rest } = built as KObject & { status?: unknown };
  const want = {
    ...rest,
    metadata: {
      ...(metadata.labels ? { labels: metadata.labels } : {}),
      ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
    },
  };
  const { status: _ls, ...liveRest } = live;
  return fieldChanges(want, projectLive(want, liveRest));
}

function rolloutOf(snapshot: Snapshot, o: LiveObject): RolloutProgress | undefined {
  const st = (o.status ?? {}) as Record<string, unknown>;
  const spec = (o.spec ?? {}) as { replicas?: number; strategy?: { canary?: { steps?: unknown[] } } };
  const ref: ObjectRef = {
    apiVersion: o.apiVersion ?? "",
    kind: o.kind ?? "",
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
  const want = spec.replicas ?? 1;
  const n = (k: string) => (typeof st[k] === "number" ? st[k] : 0);
  if (o.kind === "Deployment" || o.kind === "StatefulSet") {
    const current = (st.observedGeneration as number | undefined) === o.metadata.generation;
    const healthy =
      current &&
      n("updatedReplicas") === want &&
      n(o.kind === "Deployment" ? "availableReplicas" : "readyReplicas") === want;
    return {
      object: ref,
      healthy,
      summary: `${n("updatedReplicas")}/${want} updated, ${n("readyReplicas")} ready${o.kind === "Deployment" ? `, ${n("availableReplicas")} available` : ""}${current ? "" : " (not yet observed)"}`,
      details: {
        replicas: want,
        updatedReplicas: n("updatedReplicas"),
        readyReplicas: n("readyReplicas"),
        availableReplicas: n("availableReplicas"),
      },
    };
  }
  if (o.kind === "Rollout") {
    const steps = spec.strategy?.canary?.steps?.length ?? 0;
    const canary = (st.canary ?? {}) as {
      weights?: { canary?: { weight?: number }; stable?: { weight?: number } };
      currentStepAnalysisRunStatus?: { name?: string; status?: string };
    };
    const runName = canary.currentStepAnalysisRunStatus?.name;
    const runs = snapshot
      .list("AnalysisRun", o.metadata.namespace)
      .filter(
        (r) =>
          r.metadata.name === runName ||
          r.metadata.ownerReferences?.some((x) => x.kind === "Rollout" && x.name === o.metadata.name),
      )
      .sort((a, b) => (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""));
    const run = runs[0];
    const results = (
      (
        run?.status as
          | { metricResults?: { name: string; phase?: string; measurements?: { value?: string }[] }[] }
          | undefined
      )?.metricResults ?? []
    ).map(
      (m) =>
        `${m.name} ${m.phase ?? "?"}${m.measurements?.length ? ` (last ${m.measurements[m.measurements.length - 1]?.value ?? "?"})` : ""}`,
    );
    const phase = typeof st.phase === "string" ? st.phase : "Unknown";
    const weights = canary.weights
      ? `canary ${canary.weights.canary?.weight ?? 0}% / stable ${canary.weights.stable?.weight ?? 100}%`
      : "";
    return {
      object: ref,
      healthy: phase === "Healthy",
      summary: [
        phase,
        steps > 0 ? `step ${typeof st.currentStepIndex === "number" ? st.currentStepIndex : 0}/${steps}` : "",
        weights,
        run
          ? `analysis ${run.metadata.name} ${String((run.status as { phase?: string } | undefined)?.phase ?? "?")}${results.length ? `: ${results.join(", ")}` : ""}`
          : "",
      ]
        .filter(Boolean)
        .join(", "),
      details: {
        phase,
        currentStepIndex: st.currentStepIndex,
        steps,
        weights: canary.weights,
        analysisRun: run?.metadata.name,
        message: st.message,
      },
    };
  }
  return undefined;
}

/** Read what the intent builds, and compare. `objects` are the built objects of one environment. */
export async function readStatus(
  reader: ClusterReader,
  env: string,
  objects: readonly KObject[],
): Promise<StatusReport> {
  const namespaces = [
    ...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined)),
  ].sort();
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of objects) kinds.set(`${o.apiVersion}|${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  for (const extra of ["AnalysisRun"]) {
    const r = RESOURCES.find((x) => x.kind === extra);
    if (r) kinds.set(`${r.apiVersion}|${r.kind}`, { apiVersion: r.apiVersion, kind: r.kind });
  }
  const jobs: Promise<{ kind: string; result: Awaited<ReturnType<ClusterReader["listAny"]>> }>[] = [];
  for (const k of kinds.values()) {
    const cluster = k.kind === "Namespace";
    for (const ns of cluster ? [undefined] : namespaces)
      jobs.push(reader.listAny(k.apiVersion, k.kind, ns).then((result) => ({ kind: k.kind, result })));
  }
  jobs.push(reader.list("Application").then((result) => ({ kind: "Application", result })));
  const results = await Promise.all(jobs);
  const skipped = new Map<string, string>();
  const live: LiveObject[] = [];
  for (const { kind, result } of results) {
    if ("skipped" in result) skipped.set(kind, result.skipped);
    live.push(...result.items.map(trimObject));
  }
  const snapshot = snapshotOf(live, { namespaces });
  const byKey = new Map(
    live.map((o) => [
      objectKey({
        apiVersion: o.apiVersion ?? "",
        kind: o.kind ?? "",
        name: o.metadata.name,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      }),
      o,
    ]),
  );
  const statuses: ObjectStatus[] = [];
  const rollouts: RolloutProgress[] = [];
  for (const o of objects) {
    const ref: ObjectRef = {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    };
    const why = skipped.get(o.kind);
    if (why) {
      statuses.push({ object: ref, state: "unknown", drift: [], reason: why });
      continue;
    }
    const l = byKey.get(objectKey(ref));
    if (!l) {
      statuses.push({ object: ref, state: "missing", drift: [] });
      continue;
    }
    const drift = o.kind === "Secret" ? [] : driftOf(o, l);
    statuses.push({ object: ref, state: drift.length > 0 ? "drifted" : "present", drift });
    const progress = rolloutOf(snapshot, l);
    if (progress) rollouts.push(progress);
  }
  const applications = snapshot
    .list("Application")
    .filter((a) =>
      namespaces.includes(
        String((a.spec as { destination?: { namespace?: string } } | undefined)?.destination?.namespace),
      ),
    )
    .map((a): ApplicationStatus => {
      const st = (a.status ?? {}) as {
        sync?: { status?: string; revision?: string };
        health?: { status?: string; message?: string };
        operationState?: { phase?: string; message?: string };
      };
      return {
        object: {
          apiVersion: a.apiVersion ?? "",
          kind: "Application",
          name: a.metadata.name,
          ...(a.metadata.namespace ? { namespace: a.metadata.namespace } : {}),
        },
        ...(st.sync?.status ? { sync: st.sync.status } : {}),
        ...(st.sync?.revision ? { revision: st.sync.revision } : {}),
        ...(st.health?.status ? { health: st.health.status } : {}),
        ...(st.operationState?.phase ? { operation: st.operationState.phase } : {}),
        ...(st.operationState?.message || st.health?.message
          ? { message: st.operationState?.message ?? st.health?.message ?? "" }
          : {}),
      };
    });
  return {
    env,
    cluster: reader.where,
    readAt: snapshot.readAt,
    objects: statuses,
    rollouts,
    applications,
    apiCalls: { list: reader.listCalls, total: reader.calls.length },
  };
}

/** One drifted field: `spec.replicas: intent 2, live 5`. */
export function driftLine(f: FieldChange): string {
  return `${f.path}: intent ${show(f.before)}, live ${show(f.after)}`;
}

function show(v: unknown): string {
  if (v === undefined) return "∅";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

export function formatStatus(r: StatusReport): string {
  const count = (s: ObjectStatus["state"]) => r.objects.filter((o) => o.state === s).length;
  const out = [
    `${r.env}: ${count("present")} present, ${count("drifted")} drifted, ${count("missing")} missing${count("unknown") ? `, ${count("unknown")} unknown` : ""} (${r.cluster})`,
  ];
  const mark = { present: "✓", drifted: "~", missing: "✗", unknown: "?" } as const;
  for (const o of r.objects) {
    out.push(
      `  ${mark[o.state]} ${describeObject(o.object)}${o.state === "present" ? "" : ` ${o.state}${o.reason ? `: ${o.reason}` : ""}`}`,
    );
    for (const f of o.drift) out.push(`      ${driftLine(f)}`);
  }
  if (r.rollouts.length > 0) {
    out.push("rollouts:");
    for (const p of r.rollouts)
      out.push(`  ${p.healthy ? "✓" : "…"} ${describeObject(p.object)}: ${p.summary}`);
  }
  if (r.applications.length > 0) {
    out.push("Argo CD:");
    for (const a of r.applications)
      out.push(
        `  ${describeObject(a.object)}: ${a.sync ?? "?"} at ${a.revision?.slice(0, 12) ?? "?"}, health ${a.health ?? "?"}${a.operation ? `, last sync ${a.operation}` : ""}${a.message ? ` — ${a.message}` : ""}`,
      );
  }
  return out.join("\n") + "\n";
}

/** Whether the environment is as the intent says: everything present, nothing drifted, rollouts healthy, Argo CD synced and healthy. */
export function statusOk(r: StatusReport): boolean {
  return (
    r.objects.every((o) => o.state === "present" || o.state === "unknown") &&
    r.rollouts.every((p) => p.healthy) &&
    r.applications.every((a) => (a.sync ?? "Synced") === "Synced" && (a.health ?? "Healthy") === "Healthy")
  );
}
