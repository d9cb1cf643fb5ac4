/**
 * What a failure analyzer produces — a diagnosis: the object and its owning workload, the evidence quoted
 * verbatim (status fields, and events newest first with counts and times), the cause in one sentence, and what
 * a dangling name probably meant — plus the helpers every analyzer shares (owners, events, did-you-mean).
 * Analyzers are data (id, title, description, remediation) plus a function over a snapshot, like the
 * validator's checks; docs/analyzers.md is generated from the same list.
 */
import type { ObjectRef } from "../core/finding.js";
import { describeObject } from "../core/object.js";
import { didYouMean } from "../core/suggest.js";
import type { LiveObject } from "./client.js";
import type { Snapshot } from "./snapshot.js";

/** A status field quoted from the live object. */
export interface FieldEvidence {
  object: ObjectRef;
  /** Readable path, e.g. `status.containerStatuses[app].state.waiting`. */
  path: string;
  value: unknown;
}

/** Events with the same type, reason and message about one object, aggregated like `kubectl describe`. */
export interface EventEvidence {
  object: ObjectRef;
  type: string;
  reason: string;
  message: string;
  count: number;
  firstTime?: string;
  lastTime?: string;
  /** Who reported it: `kubelet`, `default-scheduler`, `persistentvolume-controller`, … */
  source?: string;
}

/** A name that points at nothing, and the existing one it probably meant. */
export interface DidYouMean {
  kind: string;
  namespace?: string;
  missing: string;
  candidate?: string;
  /** A key inside an existing object (`couldn't find key`). */
  key?: { missing: string; candidate?: string; of: string };
}

export interface Diagnosis {
  /** The analyzer's id (stable; see `kintent diagnose --list`). */
  analyzer: string;
  /** Which case of the analyzer (`not-found`, `unauthorized`, …). */
  variant: string;
  severity: "error" | "warning";
  /** The object the evidence is about (the newest failing pod of a workload, the Service, the claim). */
  object: ObjectRef;
  /** The workload that owns it (Deployment, StatefulSet, Rollout, …), when there is one. */
  owner?: ObjectRef;
  /** Every object with this failure (pods of one workload are one diagnosis). */
  objects: ObjectRef[];
  container?: string;
  /** The cause, one sentence. */
  cause: string;
  fields: FieldEvidence[];
  /** Newest first. */
  events: EventEvidence[];
  didYouMean?: DidYouMean;
  /** Machine-readable details the fixes read (image, memory limit, missing name, node selector). */
  facts: Record<string, string | number | Record<string, string>>;
  /** Identity for de-duplication: the same failure of the same workload, whichever pod shows it. */
  fingerprint: string;
}

export interface AnalyzerContext {
  snapshot: Snapshot;
}

export interface AnalyzerDefinition {
  id: string;
  title: string;
  description: string;
  remediation: string;
  /** Kinds it reads. */
  kinds: readonly string[];
  /** The validator check (or build-time rule) that catches the same cause before deployment, when one does. */
  staticCounterpart?: string;
  analyze(ctx: AnalyzerContext): Diagnosis[];
}

export function refOfLive(o: LiveObject): ObjectRef {
  return {
    apiVersion: o.apiVersion ?? "",
    kind: o.kind ?? "",
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}

/** The controlling workload of an object: Pod → ReplicaSet → Deployment/Rollout, Pod → Job → CronJob, … */
export function ownerOf(snapshot: Snapshot, o: LiveObject): ObjectRef | undefined {
  let current = o;
  let owner: ObjectRef | undefined;
  for (let depth = 0; depth < 4; depth++) {
    const ref =
      current.metadata.ownerReferences?.find((r) => r.controller) ?? current.metadata.ownerReferences?.[0];
    if (!ref) break;
    owner = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      name: ref.name,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    };
    const next = snapshot.byUid(ref.uid) ?? snapshot.find(ref.kind, o.metadata.namespace, ref.name);
    if (!next) break;
    current = next;
  }
  // A ReplicaSet whose owner is unknown still names its Deployment by convention; keep the ReplicaSet then.
  return owner;
}

/** When an event last happened. */
export function eventTime(e: LiveObject): string {
  const series = e.series as { lastObservedTime?: string } | undefined;
  return (
    text(e.lastTimestamp) ??
    text(series?.lastObservedTime) ??
    text(e.eventTime) ??
    e.metadata.creationTimestamp ??
    ""
  );
}

/** A string field of a live object (anything else reads as undefined). */
export function text(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

/** Events about `o` aggregated by type, reason and message, newest first; `filter` narrows them. */
export function eventsOf(
  snapshot: Snapshot,
  o: LiveObject,
  filter: (e: { type: string; reason: string; message: string }) => boolean = () => true,
  max = 8,
): EventEvidence[] {
  const groups = new Map<string, EventEvidence>();
  for (const e of snapshot.eventsFor(o)) {
    const type = text(e.type) ?? "";
    const reason = text(e.reason) ?? "";
    const message = text(e.message) ?? text(e.note) ?? "";
    if (!filter({ type, reason, message })) continue;
    const k = `${type}\u0000${reason}\u0000${message}`;
    const last = eventTime(e);
    const first = text(e.firstTimestamp) ?? text(e.eventTime) ?? e.metadata.creationTimestamp ?? last;
    const count =
      typeof e.count === "number" ? e.count : ((e.series as { count?: number } | undefined)?.count ?? 1);
    const source = e.source as { component?: string } | undefined;
    const g = groups.get(k);
    if (!g) {
      groups.set(k, {
        object: refOfLive(o),
        type,
        reason,
        message,
        count,
        ...(first ? { firstTime: first } : {}),
        ...(last ? { lastTime: last } : {}),
        ...(source?.component || e.reportingComponent
          ? { source: String(source?.component || e.reportingComponent) }
          : {}),
      });
    } else {
      g.count += count;
      if (first && (!g.firstTime || first < g.firstTime)) g.firstTime = first;
      if (last && (!g.lastTime || last > g.lastTime)) g.lastTime = last;
    }
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        (b.lastTime ?? "").localeCompare(a.lastTime ?? "") ||
        a.reason.localeCompare(b.reason) ||
        a.message.localeCompare(b.message),
    )
    .slice(0, max);
}

/** The closest existing name of `kind` in the namespace. */
export function closestName(
  snapshot: Snapshot,
  kind: string,
  namespace: string | undefined,
  missing: string,
): string | undefined {
  const names = snapshot.list(kind, namespace).map((o) => o.metadata.name);
  return didYouMean(missing, names) ?? closestByTokens(missing, names);
}

/**
 * `nginx-canary-html` → `nginx-canary-config`: edit distance alone misses a different last word, so names
 * that share every dash-separated part but one (and the same count of parts) are candidates too.
 */
function closestByTokens(missing: string, names: readonly string[]): string | undefined {
  const parts = missing.split(/[-.]/);
  if (parts.length < 2) return undefined;
  const close = names.filter((n) => {
    const p = n.split(/[-.]/);
    if (p.length !== parts.length) return false;
    return p.filter((x, i) => x !== parts[i]).length === 1;
  });
  return close.length === 1 ? close[0] : undefined;
}

export function fingerprintOf(parts: readonly (string | undefined)[]): string {
  return parts.map((p) => p ?? "").join("|");
}

export function describeRef(ref: ObjectRef): string {
  return describeObject(ref);
}

/**
 * Group per-object diagnoses by fingerprint: one diagnosis per workload and failure, the evidence of the
 * object whose newest event (or name, for a stable order) comes last, every affected object listed.
 */
export function groupDiagnoses(list: readonly Diagnosis[]): Diagnosis[] {
  const byFp = new Map<string, Diagnosis[]>();
  for (const d of list) byFp.set(d.fingerprint, [...(byFp.get(d.fingerprint) ?? []), d]);
  const out: Diagnosis[] = [];
  for (const group of byFp.values()) {
    const newest = [...group].sort(
      (a, b) =>
        (b.events[0]?.lastTime ?? "").localeCompare(a.events[0]?.lastTime ?? "") ||
        a.object.name.localeCompare(b.object.name),
    )[0];
    if (!newest) continue;
    const objects = group.map((d) => d.object).sort((a, b) => a.name.localeCompare(b.name));
    out.push({ ...newest, objects });
  }
  return out;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
