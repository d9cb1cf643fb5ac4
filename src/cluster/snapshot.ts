/**
 * A snapshot of what the analyzers read: every kind of kinds.ts in the namespaces asked for, one list request
 * per kind and namespace (one per kind with every namespace), then indexed in memory. Analyzers never call the
 * API themselves, so a diagnosis costs a constant number of requests however many pods and events there are.
 * The same snapshot is built from plain objects in tests and from the watch agent's informer stores.
 */
import type { ClusterReader, LiveObject } from "./client.js";
import { RESOURCES } from "./kinds.js";

export interface Snapshot {
  /** The namespaces read (undefined: every namespace). */
  readonly namespaces: readonly string[] | undefined;
  /** Kinds skipped, with the reason (not served, not granted). */
  readonly skipped: readonly string[];
  list(kind: string, namespace?: string): readonly LiveObject[];
  find(kind: string, namespace: string | undefined, name: string): LiveObject | undefined;
  byUid(uid: string): LiveObject | undefined;
  /** Events about one object (by uid when it has one, else by kind/namespace/name). */
  eventsFor(o: LiveObject): readonly LiveObject[];
  /** When the snapshot was read (ISO time). */
  readonly readAt: string;
}

/** Drop what no analyzer reads and memory should not hold: managed fields, ConfigMap values (keys are kept). */
export function trimObject(o: LiveObject): LiveObject {
  const { managedFields: _managed, ...metadata } = o.metadata;
  const out: LiveObject = { ...o, metadata };
  if (o.kind === "ConfigMap") {
    const keys = (m: unknown) =>
      m && typeof m === "object" ? Object.fromEntries(Object.keys(m).map((k) => [k, ""])) : undefined;
    const data = keys(o.data);
    const binary = keys(o.binaryData);
    delete out.data;
    delete out.binaryData;
    if (data) out.data = data;
    if (binary) out.binaryData = binary;
  }
  if (o.kind === "Pod") {
    const ann = o.metadata.annotations;
    if (ann?.["kubectl.kubernetes.io/last-applied-configuration"] !== undefined) {
      const { "kubectl.kubernetes.io/last-applied-configuration": _last, ...rest } = ann;
      out.metadata = { ...metadata, annotations: rest };
    }
  }
  return out;
}

const key = (kind: string, ns: string | undefined, name: string) => `${kind}|${ns ?? ""}|${name}`;

interface InvolvedObject {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

/** A snapshot over objects already read (tests, the watch agent). */
export function snapshotOf(
  objects: Iterable<LiveObject>,
  options: { namespaces?: readonly string[]; skipped?: readonly string[]; readAt?: string } = {},
): Snapshot {
  const byKind = new Map<string, LiveObject[]>();
  const byKey = new Map<string, LiveObject>();
  const uids = new Map<string, LiveObject>();
  const eventsByUid = new Map<string, LiveObject[]>();
  const eventsByKey = new Map<string, LiveObject[]>();
  for (const o of objects) {
    const kind = o.kind ?? "";
    const list = byKind.get(kind) ?? [];
    list.push(o);
    byKind.set(kind, list);
    byKey.set(key(kind, o.metadata.namespace, o.metadata.name), o);
    if (o.metadata.uid) uids.set(o.metadata.uid, o);
    if (kind === "Event") {
      const inv = (o.involvedObject ?? o.regarding ?? {}) as InvolvedObject;
      if (inv.uid) eventsByUid.set(inv.uid, [...(eventsByUid.get(inv.uid) ?? []), o]);
      const k = key(inv.kind ?? "", inv.namespace ?? o.metadata.namespace, inv.name ?? "");
      eventsByKey.set(k, [...(eventsByKey.get(k) ?? []), o]);
    }
  }
  for (const list of byKind.values())
    list.sort(
      (a, b) =>
        (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
  return {
    namespaces: options.namespaces,
    skipped: options.skipped ?? [],
    readAt: options.readAt ?? new Date().toISOString(),
    list: (kind, namespace) =>
      (byKind.get(kind) ?? []).filter((o) => namespace === undefined || o.metadata.namespace === namespace),
    find: (kind, namespace, name) => byKey.get(key(kind, namespace, name)),
    byUid: (uid) => uids.get(uid),
    eventsFor(o) {
      const byU = o.metadata.uid ? eventsByUid.get(o.metadata.uid) : undefined;
      // Events recorded without a uid (or for an earlier incarnation) are matched by name too.
      const byN = eventsByKey.get(key(o.kind ?? "", o.metadata.namespace, o.metadata.name)) ?? [];
      if (!byU) return byN;
      const seen = new Set(byU);
      return [
        ...byU,
        ...byN.filter((e) => {
          const uid = ((e.involvedObject ?? e.regarding ?? {}) as InvolvedObject).uid;
          return !seen.has(e) && (uid === undefined || uid === "" || uid === o.metadata.uid);
        }),
      ];
    },
  };
}

export interface ReadOptions {
  /** Namespaces to read; undefined reads every namespace (one request per kind). */
  namespaces?: readonly string[];
  /** Kinds to read. @default every kind of kinds.ts */
  kinds?: readonly string[];
}

/** Read the snapshot: one list request per kind and namespace, in parallel. */
export async function readSnapshot(reader: ClusterReader, options: ReadOptions = {}): Promise<Snapshot> {
  const kinds = RESOURCES.filter((r) => !options.kinds || options.kinds.includes(r.kind));
  const namespaces = options.namespaces ? [...new Set(options.namespaces)].sort() : undefined;
  const jobs: { kind: string; namespace: string | undefined }[] = [];
  for (const r of kinds) {
    // Argo CD Applications live in Argo CD's namespace, not the app's: read them everywhere and match them by
    // destination. Cluster-scoped kinds are read once.
    if (!r.namespaced || r.kind === "Application" || namespaces === undefined)
      jobs.push({ kind: r.kind, namespace: undefined });
    else for (const ns of namespaces) jobs.push({ kind: r.kind, namespace: ns });
  }
  const results = await Promise.all(
    jobs.map(async (j) => ({ j, r: await reader.list(j.kind, j.namespace) })),
  );
  const objects: LiveObject[] = [];
  const skipped = new Set<string>();
  for (const { r } of results) {
    if ("skipped" in r) skipped.add(r.skipped);
    for (const o of r.items) objects.push(trimObject(o));
  }
  return snapshotOf(objects, {
    ...(namespaces ? { namespaces } : {}),
    skipped: [...skipped].sort(),
  });
}
