/**
 * Grouping source objects into apps: each workload (Deployment, StatefulSet, Argo Rollouts Rollout) is an app,
 * and it takes the objects that serve it — the Services selecting its pods, the routes to those Services, its
 * autoscaler, disruption budget and network policy, the ServiceAccount, ConfigMaps and Secrets its pods use, the
 * Certificates of its routes, the analysis templates of its canary. Anything else goes to the app whose name
 * prefixes its own (`web-redis-config` → `web-redis`), else to the main app (the shortest name). One owner per
 * identity across every environment.
 */
import type { KObject } from "../core/object.js";
import { objectKey } from "../core/object.js";

export const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "Rollout"]);

export interface AppGroup {
  name: string;
  /** Identity of the workload. */
  workload: string;
  kind: string;
  /** Identities of every object of the app (the workload included). */
  members: Set<string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function strMap(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function get(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Labels of a workload's pods. */
export function podLabelsOf(w: KObject): Record<string, string> {
  return strMap(get(w, "spec", "template", "metadata", "labels"));
}

/** Whether a (non-empty) selector selects pods with these labels. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

/** ConfigMaps and Secrets a pod spec uses (volumes, env, envFrom, image pull secrets, projected sources). */
export function podReferences(spec: unknown): {
  configMaps: Set<string>;
  secrets: Set<string>;
  serviceAccount?: string;
} {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const v of arr(get(spec, "volumes"))) {
    const cm = get(v, "configMap", "name");
    if (typeof cm === "string") configMaps.add(cm);
    const s = get(v, "secret", "secretName");
    if (typeof s === "string") secrets.add(s);
    for (const src of arr(get(v, "projected", "sources"))) {
      const pcm = get(src, "configMap", "name");
      if (typeof pcm === "string") configMaps.add(pcm);
      const ps = get(src, "secret", "name");
      if (typeof ps === "string") secrets.add(ps);
    }
  }
  for (const c of [...arr(get(spec, "initContainers")), ...arr(get(spec, "containers"))]) {
    for (const e of arr(get(c, "env"))) {
      const cm = get(e, "valueFrom", "configMapKeyRef", "name");
      if (typeof cm === "string") configMaps.add(cm);
      const s = get(e, "valueFrom", "secretKeyRef", "name");
      if (typeof s === "string") secrets.add(s);
    }
    for (const e of arr(get(c, "envFrom"))) {
      const cm = get(e, "configMapRef", "name");
      if (typeof cm === "string") configMaps.add(cm);
      const s = get(e, "secretRef", "name");
      if (typeof s === "string") secrets.add(s);
    }
  }
  for (const p of arr(get(spec, "imagePullSecrets"))) {
    const n = get(p, "name");
    if (typeof n === "string") secrets.add(n);
  }
  const sa = get(spec, "serviceAccountName");
  return { configMaps, secrets, ...(typeof sa === "string" && sa !== "" ? { serviceAccount: sa } : {}) };
}

/** Service names a route sends traffic to. */
function routeServices(o: KObject): string[] {
  const out: string[] = [];
  if (o.kind === "Ingress") {
    const def = get(o, "spec", "defaultBackend", "service", "name");
    if (typeof def === "string") out.push(def);
    for (const r of arr(get(o, "spec", "rules")))
      for (const p of arr(get(r, "http", "paths"))) {
        const n = get(p, "backend", "service", "name");
        if (typeof n === "string") out.push(n);
      }
  } else if (o.kind === "HTTPRoute" || o.kind === "GRPCRoute") {
    for (const r of arr(get(o, "spec", "rules")))
      for (const b of arr(get(r, "backendRefs"))) {
        const n = get(b, "name");
        if (typeof n === "string") out.push(n);
      }
  } else if (o.kind === "IngressRoute") {
    for (const r of arr(get(o, "spec", "routes")))
      for (const s of arr(get(r, "services"))) {
        const n = get(s, "name");
        if (typeof n === "string") out.push(n);
      }
  } else if (o.kind === "TraefikService") {
    for (const s of arr(get(o, "spec", "weighted", "services"))) {
      const n = get(s, "name");
      if (typeof n === "string") out.push(n);
    }
  }
  return out;
}

/**
 * Group objects (the union over every environment, first occurrence wins) into apps. Returns no apps when there
 * is no workload.
 */
export function groupObjects(objects: readonly KObject[]): { apps: AppGroup[]; owner: Map<string, string> } {
  const byKey = new Map<string, KObject>();
  for (const o of objects) if (!byKey.has(objectKey(o))) byKey.set(objectKey(o), o);
  const all = [...byKey.values()];
  const workloads = all.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const owner = new Map<string, string>();
  const apps: AppGroup[] = workloads
    .map((w) => ({
      name: w.metadata.name,
      workload: objectKey(w),
      kind: w.kind,
      members: new Set([objectKey(w)]),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (apps.length === 0) return { apps, owner };
  for (const a of apps) owner.set(a.workload, a.name);
  const main = [...apps].sort(
    (a, b) => a.name.length - b.name.length || (a.name < b.name ? -1 : 1),
  )[0] as AppGroup;
  const ns = (o: KObject) => o.metadata.namespace ?? "";
  const claim = (o: KObject, app: string) => {
    const k = objectKey(o);
    if (owner.has(k)) return;
    owner.set(k, app);
    apps.find((a) => a.name === app)?.members.add(k);
  };
  const podsOf = new Map(workloads.map((w) => [w.metadata.name, { w, labels: podLabelsOf(w) }]));
  const selecting = (o: KObject, selector: Record<string, string>): string | undefined => {
    const hits = [...podsOf.values()].filter((p) => ns(p.w) === ns(o) && selects(selector, p.labels));
    if (hits.length === 0) return undefined;
    // Several workloads share the labels (a canary): the one named like the object, else the shortest name.
    const named = hits.find(
      (h) => o.metadata.name === h.w.metadata.name || o.metadata.name.startsWith(`${h.w.metadata.name}-`),
    );
    return (named ?? hits.sort((a, b) => a.w.metadata.name.length - b.w.metadata.name.length)[0])?.w.metadata
      .name;
  };
  // Services, PDBs, NetworkPolicies by selector; HPAs by target; pod references.
  for (const o of all) {
    if (o.kind === "Service") {
      const app = selecting(o, strMap(get(o, "spec", "selector")));
      if (app) claim(o, app);
    } else if (o.kind === "PodDisruptionBudget") {
      const app = selecting(o, strMap(get(o, "spec", "selector", "matchLabels")));
      if (app) claim(o, app);
    } else if (o.kind === "NetworkPolicy") {
      const app = selecting(o, strMap(get(o, "spec", "podSelector", "matchLabels")));
      if (app) claim(o, app);
    } else if (o.kind === "HorizontalPodAutoscaler") {
      const target = get(o, "spec", "scaleTargetRef", "name");
      if (typeof target === "string" && podsOf.has(target)) claim(o, target);
    }
  }
  for (const w of workloads) {
    const refs = podReferences(get(w, "spec", "template", "spec"));
    for (const o of all) {
      if (ns(o) !== ns(w)) continue;
      if (
        (o.kind === "ConfigMap" && refs.configMaps.has(o.metadata.name)) ||
        (o.kind === "Secret" && refs.secrets.has(o.metadata.name)) ||
        (o.kind === "ServiceAccount" && refs.serviceAccount === o.metadata.name)
      )
        claim(o, w.metadata.name);
    }
    if (w.kind === "Rollout")
      for (const step of [
        ...arr(get(w, "spec", "strategy", "canary", "analysis", "templates")),
        ...arr(get(w, "spec", "strategy", "canary", "steps")).flatMap((s) =>
          arr(get(s, "analysis", "templates")),
        ),
      ]) {
        const name = get(step, "templateName");
        const t = all.find((o) => o.kind === "AnalysisTemplate" && o.metadata.name === name);
        if (t) claim(t, w.metadata.name);
      }
  }
  // Routes (twice: a TraefikService is a route's backend), then Certificates and TLS Secrets of routes.
  for (let pass = 0; pass < 2; pass++)
    for (const o of all) {
      if (owner.has(objectKey(o))) continue;
      for (const svc of routeServices(o)) {
        const target = all.find(
          (x) =>
            (x.kind === "Service" || x.kind === "TraefikService") &&
            x.metadata.name === svc &&
            ns(x) === ns(o),
        );
        const app = target ? owner.get(objectKey(target)) : undefined;
        if (app) {
          claim(o, app);
          break;
        }
      }
    }
  for (const o of all) {
    if (o.kind !== "Ingress") continue;
    const app = owner.get(objectKey(o));
    if (!app) continue;
    for (const t of arr(get(o, "spec", "tls"))) {
      const secretName = get(t, "secretName");
      for (const x of all)
        if (
          (x.kind === "Secret" || x.kind === "Certificate") &&
          ns(x) === ns(o) &&
          (x.metadata.name === secretName || get(x, "spec", "secretName") === secretName)
        )
          claim(x, app);
    }
  }
  for (const o of all) {
    if (o.kind !== "Certificate" || owner.has(objectKey(o))) continue;
    const secretName = get(o, "spec", "secretName");
    const user = all.find(
      (x) =>
        owner.has(objectKey(x)) &&
        (routeTlsSecrets(x).includes(String(secretName)) ||
          podReferences(get(x, "spec", "template", "spec")).secrets.has(String(secretName))),
    );
    if (user) claim(o, owner.get(objectKey(user)) as string);
  }
  // The rest: by name prefix, else the main app.
  const byLength = [...apps].sort((a, b) => b.name.length - a.name.length);
  for (const o of all) {
    if (owner.has(objectKey(o))) continue;
    const n = o.metadata.name;
    const app = byLength.find((a) => n === a.name || n.startsWith(`${a.name}-`)) ?? main;
    claim(o, app.name);
  }
  return { apps, owner };
}

function routeTlsSecrets(o: KObject): string[] {
  if (o.kind === "Ingress")
    return arr(get(o, "spec", "tls"))
      .map((t) => get(t, "secretName"))
      .filter((x): x is string => typeof x === "string");
  if (o.kind === "IngressRoute") {
    const s = get(o, "spec", "tls", "secretName");
    return typeof s === "string" ? [s] : [];
  }
  return [];
}
