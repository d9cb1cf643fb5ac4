/**
 * Reliability: resources, probes, replicas, PDBs, autoscalers, images.
 */
import * as z from "zod";
import type { Bundle, Subject, Template } from "../types.js";
import {
  asArr,
  asObj,
  asStr,
  containersOf,
  imageParts,
  kindOf,
  labelsOf,
  namespaceOf,
  podSpecOf,
  replicasOf,
  scalarText,
  SERVICE_WORKLOADS,
} from "../../objects.js";
import { compareQuantities, isQuantity, quantityHint } from "../../../core/quantity.js";
import { matchingPods } from "./graph.js";

/** Is this object meant for production? Context first, then labels, then the namespace name. */
export function isProduction(subject: Subject, bundle: Bundle): boolean {
  const tier = bundle.context.tier;
  if (tier !== undefined) return tier === "production";
  const labels = labelsOf(subject.object);
  for (const k of ["kintent.dev/tier", "tier", "environment", "env", "app.kubernetes.io/environment"]) {
    const v = labels[k];
    if (typeof v === "string") return /^prod(uction)?$/i.test(v);
  }
  const ns = namespaceOf(subject.object) ?? "";
  return /(^|-)prod(uction)?($|-)/.test(ns);
}

export const resources: Template<{ requests: string[]; limits: string[] }> = {
  key: "container-resources",
  description: "Requires resource requests and/or limits on containers, and requests not above limits.",
  kinds: ["DeploymentLike"],
  params: z.object({ requests: z.array(z.string()), limits: z.array(z.string()) }).strict(),
  messages: {
    missingRequest:
      "container `{{container}}` has no {{resource}} request: the scheduler cannot place it sensibly",
    missingLimit: "container `{{container}}` has no {{resource}} limit: one leak can starve its neighbours",
    requestAboveLimit:
      "container `{{container}}` requests more {{resource}} ({{request}}) than its limit ({{limit}}): the API server rejects this",
  },
  check({ object, params, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod, ["containers", "initContainers"])) {
      const res = asObj(c.container.resources);
      const req = asObj(res.requests);
      const lim = asObj(res.limits);
      for (const r of params.requests)
        if (req[r] === undefined)
          report({
            messageId: "missingRequest",
            data: { container: c.name, resource: r },
            path: `${c.path}/resources`,
          });
      for (const r of params.limits)
        if (lim[r] === undefined)
          report({
            messageId: "missingLimit",
            data: { container: c.name, resource: r },
            path: `${c.path}/resources`,
          });
      for (const r of Object.keys(req)) {
        if (lim[r] === undefined) continue;
        const cmp = compareQuantities(req[r], lim[r]);
        if (cmp !== undefined && cmp > 0) {
          report({
            messageId: "requestAboveLimit",
            data: {
              container: c.name,
              resource: r,
              request: scalarText(req[r]),
              limit: scalarText(lim[r]),
            },
            path: `${c.path}/resources/requests/${r}`,
          });
        }
      }
    }
  },
};

export const probes: Template<{ probe: "readinessProbe" | "livenessProbe" }> = {
  key: "probe",
  description: "Requires a readiness or liveness probe on long-running containers.",
  kinds: [...SERVICE_WORKLOADS, "Pod"],
  params: z.object({ probe: z.enum(["readinessProbe", "livenessProbe"]) }).strict(),
  messages: {
    missing: "container `{{container}}` has no {{probe}}: {{consequence}}",
  },
  check({ object, params, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod, ["containers"])) {
      if (c.container[params.probe] === undefined) {
        report({
          messageId: "missing",
          data: {
            container: c.name,
            probe: params.probe,
            consequence:
              params.probe === "readinessProbe"
                ? "traffic reaches it before it is ready"
                : "a hung process is never restarted",
          },
          path: c.path,
        });
      }
    }
  },
};

export const minReplicas: Template<{ min: number; productionOnly: boolean }> = {
  key: "minimum-replicas",
  description: "Requires at least `min` replicas (optionally only in production).",
  kinds: ["Deployment", "StatefulSet", "ReplicaSet", "Rollout"],
  params: z.object({ min: z.number().int().min(1), productionOnly: z.boolean() }).strict(),
  messages: {
    few: "{{kind}} runs {{replicas}} replica(s){{where}}: one node failure or rollout makes it unavailable",
  },
  check({ subject, object, bundle, params, report }) {
    if (params.productionOnly && !isProduction(subject, bundle)) return;
    if (hpaFor(subject, bundle)) return; // an autoscaler owns the count
    const r = replicasOf(object) ?? 1;
    if (r < params.min && r > 0)
      report({
        messageId: "few",
        data: { kind: kindOf(object), replicas: r, where: params.productionOnly ? " in production" : "" },
        path: replicasOf(object) === undefined ? "/spec" : "/spec/replicas",
      });
  },
};

export function hpaFor(subject: Subject, bundle: Bundle): Subject | undefined {
  const byTarget = bundle.memo("hpa-by-target", () => {
    const m = new Map<string, Subject>();
    for (const h of bundle.byKind("HorizontalPodAutoscaler")) {
      const t = asObj(asObj(h.object.spec).scaleTargetRef);
      m.set(`${String(t.kind)}/${bundle.namespaceOf(h)}/${String(t.name)}`, h);
    }
    return m;
  });
  return byTarget.get(`${kindOf(subject.object)}/${bundle.namespaceOf(subject)}/${subject.ref.name}`);
}

/** Workloads some PodDisruptionBudget covers (computed once per bundle, from each PDB's side). */
function pdbCovered(bundle: Bundle): Set<Subject> {
  return bundle.memo("pdb-covered", () => {
    const covered = new Set<Subject>();
    for (const p of bundle.byKind("PodDisruptionBudget")) {
      for (const pod of matchingPods(
        bundle,
        bundle.namespaceOf(p),
        asObj(asObj(p.object.spec).selector),
        "labelSelector",
      ))
        covered.add(pod.subject);
    }
    return covered;
  });
}

export const needsPdb: Template<{ productionOnly: boolean }> = {
  key: "pdb-required",
  description: "Requires a PodDisruptionBudget for replicated workloads.",
  kinds: ["Deployment", "StatefulSet", "Rollout"],
  params: z.object({ productionOnly: z.boolean() }).strict(),
  messages: {
    none: "no PodDisruptionBudget covers this {{kind}}: a node drain may evict every replica at once",
  },
  check({ subject, object, bundle, params, report }) {
    if (params.productionOnly && !isProduction(subject, bundle)) return;
    const hpa = hpaFor(subject, bundle);
    const replicas = hpa
      ? ((asObj(hpa.object.spec).minReplicas as number | undefined) ?? 1)
      : (replicasOf(object) ?? 1);
    if (replicas < 2) return;
    if (!pdbCovered(bundle).has(subject))
      report({ messageId: "none", data: { kind: kindOf(object) }, path: "" });
  },
};

export const pdbBlocks: Template<Record<string, never>> = {
  key: "pdb-blocks-evictions",
  description: "Flags PodDisruptionBudgets that allow no voluntary disruption at all.",
  kinds: ["PodDisruptionBudget"],
  params: z.object({}).strict(),
  messages: {
    zero: "maxUnavailable {{value}} blocks every voluntary eviction: node drains and cluster upgrades hang",
    all: "minAvailable {{value}} equals the {{replicas}} replica(s) of {{target}}: node drains and cluster upgrades hang",
  },
  check({ subject, object, bundle, report }) {
    const spec = asObj(object.spec);
    const mu = spec.maxUnavailable;
    if (mu === 0 || mu === "0%") {
      report({ messageId: "zero", data: { value: String(mu) }, path: "/spec/maxUnavailable" });
      return;
    }
    const ma = spec.minAvailable;
    if (ma === "100%") {
      report({
        messageId: "all",
        data: { value: ma, replicas: "all", target: "its pods" },
        path: "/spec/minAvailable",
      });
      return;
    }
    if (typeof ma !== "number") return;
    const ns = bundle.namespaceOf(subject);
    const seen = new Set<Subject>();
    for (const p of matchingPods(bundle, ns, asObj(spec.selector), "labelSelector")) {
      const w = p.subject;
      if (seen.has(w) || !SERVICE_WORKLOADS.includes(kindOf(w.object))) continue;
      seen.add(w);
      // With an autoscaler, the count that matters is its floor: drains happen at night, when the HPA sits at
      // minReplicas (default 1), and minAvailable >= that floor blocks every eviction (kube-linter's
      // pdb-min-available reads it the same way).
      const hpa = hpaFor(w, bundle);
      const hpaMin = hpa ? asObj(hpa.object.spec).minReplicas : undefined;
      const replicas = hpa ? (typeof hpaMin === "number" ? hpaMin : 1) : (replicasOf(w.object) ?? 1);
      if (ma >= replicas)
        report({
          messageId: "all",
          data: { value: ma, replicas, target: `${kindOf(w.object)} ${w.ref.name}` },
          path: "/spec/minAvailable",
        });
    }
  },
};

export const hpaRange: Template<Record<string, never>> = {
  key: "hpa-range",
  description: "Flags autoscalers whose minReplicas exceeds maxReplicas.",
  kinds: ["HorizontalPodAutoscaler"],
  params: z.object({}).strict(),
  messages: { range: "minReplicas ({{min}}) is greater than maxReplicas ({{max}})" },
  check({ object, report }) {
    const s = asObj(object.spec);
    const min = typeof s.minReplicas === "number" ? s.minReplicas : 1;
    if (typeof s.maxReplicas === "number" && min > s.maxReplicas)
      report({ messageId: "range", data: { min, max: s.maxReplicas }, path: "/spec/minReplicas" });
  },
};

export const hpaReplicasConflict: Template<Record<string, never>> = {
  key: "hpa-replicas-conflict",
  description: "Flags workloads that set replicas while an autoscaler owns the count (GitOps drift).",
  kinds: ["Deployment", "StatefulSet", "Rollout", "ReplicaSet"],
  params: z.object({}).strict(),
  messages: {
    conflict:
      "replicas is set while HorizontalPodAutoscaler {{hpa}} scales this {{kind}}: every sync resets the count and Argo CD reports drift",
  },
  check({ subject, object, bundle, report }) {
    if (replicasOf(object) === undefined) return;
    const hpa = hpaFor(subject, bundle);
    if (!hpa) return;
    report({
      messageId: "conflict",
      data: { hpa: hpa.ref.name, kind: kindOf(object) },
      path: "/spec/replicas",
      fix: {
        description: "remove spec.replicas (the autoscaler owns it)",
        op: "remove",
        path: "/spec/replicas",
      },
    });
  },
};

export const imageTag: Template<Record<string, never>> = {
  key: "image-tag",
  description: "Requires images to be pinned to a tag other than latest, or a digest.",
  kinds: ["DeploymentLike"],
  params: z.object({}).strict(),
  messages: {
    latest:
      "container `{{container}}` uses image `{{image}}` with the `latest` tag: what runs depends on when the node pulled",
    untagged: "container `{{container}}` uses image `{{image}}` without a tag (implicitly `latest`)",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      const image = asStr(c.container.image);
      if (!image) continue;
      const p = imageParts(image);
      if (p.digest) continue;
      if (!p.tag)
        report({ messageId: "untagged", data: { container: c.name, image }, path: `${c.path}/image` });
      else if (p.tag === "latest")
        report({ messageId: "latest", data: { container: c.name, image }, path: `${c.path}/image` });
    }
  },
};

export const imagePullPolicy: Template<Record<string, never>> = {
  key: "image-pull-policy",
  description:
    "Mutable tags (latest, none) need imagePullPolicy: Always; IfNotPresent with them runs stale images.",
  kinds: ["DeploymentLike"],
  params: z.object({}).strict(),
  messages: {
    stale:
      "container `{{container}}` pulls `{{image}}` with imagePullPolicy {{policy}}: nodes keep running whatever they pulled first",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      const image = asStr(c.container.image);
      const policy = asStr(c.container.imagePullPolicy);
      if (!image || policy === undefined || policy === "Always") continue;
      const p = imageParts(image);
      if (!p.digest && (!p.tag || p.tag === "latest"))
        report({
          messageId: "stale",
          data: { container: c.name, image, policy },
          path: `${c.path}/imagePullPolicy`,
        });
    }
  },
};

export const duplicateEnv: Template<Record<string, never>> = {
  key: "duplicate-env",
  description: "Flags environment variables defined twice in a container (the last one silently wins).",
  kinds: ["DeploymentLike"],
  params: z.object({}).strict(),
  messages: {
    duplicate:
      "container `{{container}}` defines {{name}} more than once; only the last definition takes effect",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      const env = asArr(c.container.env);
      const last = new Map<string, number>();
      env.forEach((e, i) => last.set(asStr(asObj(e).name) ?? "", i));
      env.forEach((e, i) => {
        const name = asStr(asObj(e).name) ?? "";
        if (last.get(name) !== i) {
          report({
            messageId: "duplicate",
            data: { container: c.name, name },
            path: `${c.path}/env/${i}`,
            fix: {
              description: `remove the earlier ${name} (the last one is in effect)`,
              op: "remove",
              path: `${c.path}/env/${i}`,
            },
          });
        }
      });
    }
  },
};

export const quantities: Template<Record<string, never>> = {
  key: "quantities",
  description: "Flags resource quantities the API server cannot parse (1GB, 512mb, 0.5Gi CPU).",
  kinds: ["DeploymentLike"],
  params: z.object({}).strict(),
  messages: { bad: "`{{value}}` is not a Kubernetes quantity{{hint}}" },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      const res = asObj(c.container.resources);
      for (const kind of ["requests", "limits"]) {
        for (const [k, v] of Object.entries(asObj(res[kind]))) {
          if (!isQuantity(v)) {
            const s = scalarText(v);
            const hint = quantityHint(s);
            report({ messageId: "bad", data: { value: s, hint }, path: `${c.path}/resources/${kind}/${k}` });
          }
        }
      }
    }
  },
};
