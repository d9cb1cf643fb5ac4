/**
 * The cross-resource graph: the references between objects that people get wrong and ship.
 */
import * as z from "zod";
import type { Bundle, Subject, Template } from "../types.js";
import {
  annotationsOf,
  asArr,
  asObj,
  asStr,
  containersOf,
  isObj,
  kindOf,
  mapSelectorMatches,
  namespaceOf,
  podSpecOf,
  selectorMatches,
  POD_KINDS,
} from "../../objects.js";
import type { Obj } from "../../objects.js";
import { didYouMeanName } from "../../../core/suggest.js";

const none = z.object({}).strict();

/**
 * Pod label sets in a namespace, with the workload they belong to: each pod template's labels, plus the
 * labels Argo Rollouts adds (canaryMetadata/stableMetadata, blue-green metadata, experiment templates).
 */
type PodLabels = {
  subject: Subject;
  labels: Record<string, string>;
  spec: Obj;
  path: string;
  /** The template has labels but no pod spec: nothing to say about its containers. */
  specless?: true;
};

/**
 * Pod label sets in `ns` a selector matches, through a label index (a selector is checked only against pods
 * that carry one of its labels). `map` is a Service-style selector; otherwise a LabelSelector.
 */
export function matchingPods(
  bundle: Bundle,
  ns: string,
  selector: Obj,
  form: "map" | "labelSelector",
): PodLabels[] {
  const index = bundle.memo("pod-label-index", () => {
    const byNs = new Map<string, Map<string, PodLabels[]>>();
    for (const [n, pods] of podsByNamespace(bundle)) {
      const m = new Map<string, PodLabels[]>();
      for (const p of pods) {
        for (const [k, v] of Object.entries(p.labels)) {
          const key = `${k}\u0000${v}`;
          const list = m.get(key) ?? [];
          list.push(p);
          m.set(key, list);
        }
      }
      byNs.set(n, m);
    }
    return byNs;
  });
  const labels = form === "map" ? selector : asObj(selector.matchLabels);
  const entries = Object.entries(labels);
  let candidates: PodLabels[];
  if (entries.length === 0) {
    if (form === "map") return [];
    candidates = podsByNamespace(bundle).get(ns) ?? [];
  } else {
    const m = index.get(ns);
    if (!m) return [];
    candidates = entries
      .map(([k, v]) => m.get(`${k}\u0000${String(v as string)}`) ?? [])
      .reduce((a, b) => (b.length < a.length ? b : a));
  }
  return candidates.filter((p) =>
    form === "map" ? mapSelectorMatches(selector, p.labels) : selectorMatches(selector, p.labels),
  );
}

export function podsByNamespace(bundle: Bundle): Map<string, PodLabels[]> {
  return bundle.memo("pods-by-namespace", () => {
    const byNs = new Map<string, PodLabels[]>();
    const add = (ns: string, p: PodLabels) => {
      const list = byNs.get(ns) ?? [];
      list.push(p);
      byNs.set(ns, list);
    };
    for (const k of POD_KINDS) {
      for (const s of bundle.byKind(k)) {
        const ns = bundle.namespaceOf(s);
        const pod = podSpecOf(s.object);
        if (!pod) {
          // A template with labels but no pod spec is refused by the API server, and the schema stage says so;
          // its labels still say which Services, PDBs and policies are meant for it, so those are not reported
          // a second time as selecting nothing.
          const labels = templateLabelsOnly(s.object);
          if (labels) add(ns, { subject: s, labels, spec: {}, path: "", specless: true });
          continue;
        }
        add(ns, { subject: s, labels: pod.templateLabels, spec: pod.spec, path: pod.path });
        if (k !== "Rollout") continue;
        const strategy = asObj(asObj(s.object.spec).strategy);
        const canary = asObj(strategy.canary);
        const blueGreen = asObj(strategy.blueGreen);
        for (const extra of [
          canary.canaryMetadata,
          canary.stableMetadata,
          blueGreen.activeMetadata,
          blueGreen.previewMetadata,
        ]) {
          const labels = asObj(asObj(extra).labels) as Record<string, string>;
          if (Object.keys(labels).length > 0)
            add(ns, {
              subject: s,
              labels: { ...pod.templateLabels, ...labels },
              spec: pod.spec,
              path: pod.path,
            });
        }
        for (const step of asArr(canary.steps)) {
          for (const t of asArr(asObj(asObj(step).experiment).templates)) {
            const labels = asObj(asObj(asObj(t).metadata).labels) as Record<string, string>;
            if (Object.keys(labels).length > 0)
              add(ns, { subject: s, labels, spec: pod.spec, path: pod.path });
          }
        }
      }
    }
    return byNs;
  });
}

/** The pod template's labels of a workload whose template has no pod spec (not a Pod: its labels are its own). */
function templateLabelsOnly(o: Obj): Record<string, string> | undefined {
  const kind = kindOf(o);
  if (kind === "Pod") return undefined;
  let tmpl: unknown = asObj(o.spec);
  if (kind === "CronJob") tmpl = asObj(asObj(tmpl).jobTemplate).spec;
  const labels = asObj(asObj(asObj(asObj(tmpl).template).metadata).labels) as Record<string, string>;
  return Object.keys(labels).length > 0 ? labels : undefined;
}

function isExternal(
  bundle: Bundle,
  kind: "secrets" | "configMaps" | "services",
  name: string,
  ns: string,
): boolean {
  const list = bundle.context.external?.[kind] ?? [];
  return list.includes(name) || list.includes(`${ns}/${name}`) || list.includes("*");
}

function nameHint(bundle: Bundle, kind: string, name: string, ns: string): string {
  const names = bundle
    .byKind(kind)
    .filter((s) => bundle.namespaceOf(s) === ns)
    .map((s) => s.ref.name);
  const guess = didYouMeanName(name, names);
  return guess ? ` — did you mean \`${guess}\`?` : "";
}

export const serviceSelector: Template<Record<string, never>> = {
  key: "service-selector",
  description:
    "Flags Services whose selector matches no pods in the bundle, and targetPorts no matching container exposes.",
  kinds: ["Service"],
  params: none,
  messages: {
    noPods:
      "Service selector {{selector}} matches no pods in namespace {{namespace}}: it will have no endpoints",
    targetPort:
      "targetPort {{port}} is not exposed by any container of the pods this Service selects ({{pods}})",
  },
  check({ subject, object, bundle, report }) {
    const spec = asObj(object.spec);
    if (spec.type === "ExternalName") return;
    const selector = asObj(spec.selector);
    if (Object.keys(selector).length === 0) return; // manual Endpoints
    const ns = bundle.namespaceOf(subject);
    const matched = matchingPods(bundle, ns, selector, "map");
    if (matched.length === 0) {
      report({
        messageId: "noPods",
        data: { selector: JSON.stringify(selector), namespace: ns },
        path: "/spec/selector",
      });
      return;
    }
    if (matched.some((m) => m.specless)) return; // its containers are unknown (the schema stage reports it)
    asArr(spec.ports).forEach((p, i) => {
      const port = asObj(p);
      const target = port.targetPort ?? port.port;
      if (target === undefined) return;
      const exposed = matched.some((m) =>
        containersOf({ spec: m.spec, path: m.path, templateLabels: m.labels }, ["containers"]).some((c) =>
          asArr(c.container.ports).some((cp) => {
            const o = asObj(cp);
            return typeof target === "number" ? o.containerPort === target : o.name === target;
          }),
        ),
      );
      // A numeric targetPort may be served without being declared; only named ports must exist.
      if (
        !exposed &&
        (typeof target === "string" ||
          matched.every((m) =>
            containersOf({ spec: m.spec, path: m.path, templateLabels: m.labels }, ["containers"]).some(
              (c) => asArr(c.container.ports).length > 0,
            ),
          ))
      ) {
        report({
          messageId: "targetPort",
          data: {
            port:
              typeof target === "string" || typeof target === "number"
                ? String(target)
                : JSON.stringify(target),
            pods: matched.map((m) => `${kindOf(m.subject.object)} ${m.subject.ref.name}`).join(", "),
          },
          path: `/spec/ports/${i}/${port.targetPort !== undefined ? "targetPort" : "port"}`,
        });
      }
    });
  },
};

interface BackendRef {
  name: string;
  namespace: string;
  port?: number | string;
  path: string;
  kind: "Service" | "TraefikService";
}

/** Check that a backend Service exists in the bundle and exposes the port. */
function checkServiceBackend(
  bundle: Bundle,
  ref: BackendRef,
  report: (d: { messageId: string; data: Record<string, string | number>; path: string }) => void,
): void {
  if (ref.kind === "TraefikService") {
    if (!bundle.find("TraefikService", ref.name, ref.namespace)) {
      report({
        messageId: "missing",
        data: {
          kind: "TraefikService",
          name: ref.name,
          namespace: ref.namespace,
          hint: nameHint(bundle, "TraefikService", ref.name, ref.namespace),
        },
        path: ref.path,
      });
    }
    return;
  }
  const svc = bundle.find("Service", ref.name, ref.namespace);
  if (!svc) {
    if (isExternal(bundle, "services", ref.name, ref.namespace)) return;
    report({
      messageId: "missing",
      data: {
        kind: "Service",
        name: ref.name,
        namespace: ref.namespace,
        hint: nameHint(bundle, "Service", ref.name, ref.namespace),
      },
      path: ref.path,
    });
    return;
  }
  if (ref.port === undefined) return;
  const ports = asArr(asObj(svc.object.spec).ports).map(asObj);
  const ok = ports.some((p) => (typeof ref.port === "number" ? p.port === ref.port : p.name === ref.port));
  if (!ok) {
    report({
      messageId: "port",
      data: {
        name: ref.name,
        port: String(ref.port),
        ports:
          ports
            .map((p) =>
              p.name ? `${String(p.name as string)}:${String(p.port as number)}` : String(p.port as number),
            )
            .join(", ") || "none",
      },
      path: ref.path,
    });
  }
}

const backendMessages = {
  missing: "backend {{kind}} `{{name}}` does not exist in namespace {{namespace}}{{hint}}",
  port: "backend Service `{{name}}` has no port {{port}} (it has {{ports}})",
};

export const ingressBackends: Template<Record<string, never>> = {
  key: "ingress-backends",
  description:
    "Flags Ingress, HTTPRoute and IngressRoute backends that do not exist or use a port the Service does not have.",
  kinds: ["Ingress", "HTTPRoute", "GRPCRoute", "IngressRoute", "TraefikService"],
  params: none,
  messages: backendMessages,
  check({ subject, object, bundle, report }) {
    const ns = bundle.namespaceOf(subject);
    const refs: BackendRef[] = [];
    const kind = kindOf(object);
    const spec = asObj(object.spec);
    if (kind === "Ingress") {
      // The removed v1beta1 Ingress APIs (extensions, networking.k8s.io) name the Service as
      // `serviceName`/`servicePort` and the default as `spec.backend`: the schema stage reports the removed
      // version, and the dangling reference is reported as well rather than hidden until the migration.
      const legacy = /^(extensions|networking\.k8s\.io)\/v1beta1$/.test(String(object.apiVersion));
      const svcRef = (b: unknown, path: string) => {
        const bo = asObj(b);
        const legacyName = legacy ? asStr(bo.serviceName) : undefined;
        if (legacyName) {
          const sp = bo.servicePort;
          refs.push({
            name: legacyName,
            namespace: ns,
            kind: "Service",
            path,
            ...(typeof sp === "number" || typeof sp === "string" ? { port: sp } : {}),
          });
          return;
        }
        const s = asObj(bo.service);
        const name = asStr(s.name);
        if (!name) return;
        const port = asObj(s.port);
        if (port.name === "use-annotation") return; // AWS Load Balancer Controller action, not a Service
        refs.push({
          name,
          namespace: ns,
          kind: "Service",
          path,
          ...(typeof port.number === "number"
            ? { port: port.number }
            : typeof port.name === "string"
              ? { port: port.name }
              : {}),
        });
      };
      if (spec.defaultBackend) svcRef(spec.defaultBackend, "/spec/defaultBackend");
      else if (legacy && spec.backend) svcRef(spec.backend, "/spec/backend");
      asArr(spec.rules).forEach((r, i) =>
        asArr(asObj(asObj(r).http).paths).forEach((p, j) =>
          svcRef(asObj(p).backend, `/spec/rules/${i}/http/paths/${j}/backend`),
        ),
      );
    } else if (kind === "HTTPRoute" || kind === "GRPCRoute") {
      asArr(spec.rules).forEach((r, i) =>
        asArr(asObj(r).backendRefs).forEach((b, j) => {
          const o = asObj(b);
          if ((o.kind ?? "Service") !== "Service" || (o.group ?? "") !== "") return;
          const name = asStr(o.name);
          if (name)
            refs.push({
              name,
              namespace: asStr(o.namespace) ?? ns,
              kind: "Service",
              path: `/spec/rules/${i}/backendRefs/${j}`,
              ...(typeof o.port === "number" ? { port: o.port } : {}),
            });
        }),
      );
    } else if (kind === "IngressRoute" || kind === "TraefikService") {
      for (const r of traefikServiceRefs(object)) {
        if (r.kind === "Middleware" || r.path === "/spec/mirroring") continue;
        refs.push({
          name: r.name,
          namespace: r.namespace ?? ns,
          kind: r.kind === "TraefikService" ? "TraefikService" : "Service",
          path: r.path,
          ...(r.port !== undefined ? { port: r.port } : {}),
        });
      }
    }
    for (const ref of refs) checkServiceBackend(bundle, ref, report);
  },
};

/** ConfigMaps and Secrets a pod spec references, with where. */
function podRefs(
  spec: Obj,
  base: string,
): { kind: "ConfigMap" | "Secret"; name: string; optional: boolean; path: string; via: string }[] {
  const out: { kind: "ConfigMap" | "Secret"; name: string; optional: boolean; path: string; via: string }[] =
    [];
  for (const k of ["containers", "initContainers", "ephemeralContainers"]) {
    asArr(spec[k]).forEach((c, ci) => {
      const co = asObj(c);
      asArr(co.env).forEach((e, ei) => {
        const vf = asObj(asObj(e).valueFrom);
        const cm = asObj(vf.configMapKeyRef);
        const sk = asObj(vf.secretKeyRef);
        if (asStr(cm.name))
          out.push({
            kind: "ConfigMap",
            name: cm.name as string,
            optional: cm.optional === true,
            path: `${base}/${k}/${ci}/env/${ei}/valueFrom/configMapKeyRef/name`,
            via: "env",
          });
        if (asStr(sk.name))
          out.push({
            kind: "Secret",
            name: sk.name as string,
            optional: sk.optional === true,
            path: `${base}/${k}/${ci}/env/${ei}/valueFrom/secretKeyRef/name`,
            via: "env",
          });
      });
      asArr(co.envFrom).forEach((e, ei) => {
        const cm = asObj(asObj(e).configMapRef);
        const sr = asObj(asObj(e).secretRef);
        if (asStr(cm.name))
          out.push({
            kind: "ConfigMap",
            name: cm.name as string,
            optional: cm.optional === true,
            path: `${base}/${k}/${ci}/envFrom/${ei}/configMapRef/name`,
            via: "envFrom",
          });
        if (asStr(sr.name))
          out.push({
            kind: "Secret",
            name: sr.name as string,
            optional: sr.optional === true,
            path: `${base}/${k}/${ci}/envFrom/${ei}/secretRef/name`,
            via: "envFrom",
          });
      });
    });
  }
  asArr(spec.volumes).forEach((v, vi) => {
    const vo = asObj(v);
    const cm = asObj(vo.configMap);
    const sec = asObj(vo.secret);
    if (asStr(cm.name))
      out.push({
        kind: "ConfigMap",
        name: cm.name as string,
        optional: cm.optional === true,
        path: `${base}/volumes/${vi}/configMap/name`,
        via: "volume",
      });
    if (asStr(sec.secretName))
      out.push({
        kind: "Secret",
        name: sec.secretName as string,
        optional: sec.optional === true,
        path: `${base}/volumes/${vi}/secret/secretName`,
        via: "volume",
      });
    asArr(asObj(vo.projected).sources).forEach((s, si) => {
      const pc = asObj(asObj(s).configMap);
      const ps = asObj(asObj(s).secret);
      if (asStr(pc.name))
        out.push({
          kind: "ConfigMap",
          name: pc.name as string,
          optional: pc.optional === true,
          path: `${base}/volumes/${vi}/projected/sources/${si}/configMap/name`,
          via: "volume",
        });
      if (asStr(ps.name))
        out.push({
          kind: "Secret",
          name: ps.name as string,
          optional: ps.optional === true,
          path: `${base}/volumes/${vi}/projected/sources/${si}/secret/name`,
          via: "volume",
        });
    });
  });
  asArr(spec.imagePullSecrets).forEach((s, i) => {
    const n = asStr(asObj(s).name);
    if (n)
      out.push({
        kind: "Secret",
        name: n,
        optional: false,
        path: `${base}/imagePullSecrets/${i}/name`,
        via: "imagePullSecrets",
      });
  });
  return out;
}

export const missingReferences: Template<{ kind: "ConfigMap" | "Secret" }> = {
  key: "missing-reference",
  description:
    "Flags ConfigMaps or Secrets a pod references that are neither in the bundle nor declared external.",
  kinds: ["DeploymentLike"],
  params: z.object({ kind: z.enum(["ConfigMap", "Secret"]) }).strict(),
  messages: {
    missing: "{{kind}} `{{name}}` ({{via}}) is not in the bundle{{hint}}: {{consequence}}",
  },
  check({ subject, object, bundle, params, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    const ns = bundle.namespaceOf(subject);
    for (const r of podRefs(pod.spec, pod.path)) {
      if (r.kind !== params.kind || r.optional) continue;
      if (bundle.find(r.kind, r.name, ns)) continue;
      if (isExternal(bundle, r.kind === "Secret" ? "secrets" : "configMaps", r.name, ns)) continue;
      // A Secret that a cert-manager Certificate in the bundle will create exists in practice.
      if (
        r.kind === "Secret" &&
        bundle
          .byKind("Certificate")
          .some((c) => bundle.namespaceOf(c) === ns && asObj(c.object.spec).secretName === r.name)
      )
        continue;
      const consequence =
        r.via === "imagePullSecrets"
          ? "pulls from a private registry fail"
          : r.via === "volume"
            ? "pods stay in ContainerCreating until it exists"
            : "containers fail to start (CreateContainerConfigError)";
      report({
        messageId: "missing",
        data: {
          kind: r.kind,
          name: r.name,
          via: r.via,
          hint: nameHint(bundle, r.kind, r.name, ns),
          consequence,
        },
        path: r.path,
      });
    }
  },
};

export const targetsSomething: Template<Record<string, never>> = {
  key: "targets-exist",
  description: "Flags HPAs, PDBs and NetworkPolicies that target nothing in the bundle.",
  kinds: ["HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"],
  params: none,
  messages: {
    hpa: "scaleTargetRef {{kind}} `{{name}}` does not exist in namespace {{namespace}}{{hint}}",
    selector: "{{what}} selector matches no pods in namespace {{namespace}}: it has no effect",
  },
  check({ subject, object, bundle, report }) {
    const ns = bundle.namespaceOf(subject);
    const kind = kindOf(object);
    const spec = asObj(object.spec);
    if (kind === "HorizontalPodAutoscaler") {
      const t = asObj(spec.scaleTargetRef);
      const tk = asStr(t.kind);
      const tn = asStr(t.name);
      if (tk && tn && !bundle.find(tk, tn, ns))
        report({
          messageId: "hpa",
          data: { kind: tk, name: tn, namespace: ns, hint: nameHint(bundle, tk, tn, ns) },
          path: "/spec/scaleTargetRef/name",
        });
      return;
    }
    const selector = asObj(kind === "NetworkPolicy" ? spec.podSelector : spec.selector);
    if (kind === "NetworkPolicy" && Object.keys(selector).length === 0) return; // selects every pod in the namespace
    if (matchingPods(bundle, ns, selector, "labelSelector").length === 0) {
      report({
        messageId: "selector",
        data: { what: kind === "NetworkPolicy" ? "podSelector" : "PodDisruptionBudget", namespace: ns },
        path: kind === "NetworkPolicy" ? "/spec/podSelector" : "/spec/selector",
      });
    }
  },
};

interface TraefikRef {
  name: string;
  namespace?: string;
  path: string;
  kind?: string;
  port?: number | string;
}

/** The services (and namespaced middlewares) an IngressRoute or TraefikService refers to. */
function traefikServiceRefs(object: Obj): TraefikRef[] {
  const spec = asObj(object.spec);
  const out: TraefikRef[] = [];
  const push = (v: unknown, path: string, kind?: string) => {
    const o = asObj(v);
    if (!asStr(o.name)) return;
    out.push({
      name: o.name as string,
      path,
      ...(asStr(o.namespace) ? { namespace: o.namespace as string } : {}),
      ...(kind ? { kind } : asStr(o.kind) ? { kind: o.kind as string } : {}),
      ...(typeof o.port === "number" || typeof o.port === "string" ? { port: o.port } : {}),
    });
  };
  if (kindOf(object) === "TraefikService") {
    asArr(asObj(spec.weighted).services).forEach((s, j) => push(s, `/spec/weighted/services/${j}`));
    push(spec.mirroring, "/spec/mirroring");
  } else {
    asArr(spec.routes).forEach((r, i) => {
      asArr(asObj(r).services).forEach((s, j) => push(s, `/spec/routes/${i}/services/${j}`));
      asArr(asObj(r).middlewares).forEach((m, j) => {
        if (asStr(asObj(m).namespace)) push(m, `/spec/routes/${i}/middlewares/${j}`, "Middleware");
      });
    });
  }
  return out;
}

export const traefikProviderFlags: Template<Record<string, never>> = {
  key: "traefik-provider-flags",
  description:
    "Flags Traefik references that need non-default provider flags: cross-namespace (allowCrossNamespace) and ExternalName Services (allowExternalNameServices).",
  kinds: ["IngressRoute", "TraefikService"],
  params: none,
  messages: {
    crossNamespace:
      "{{kind}} `{{name}}` is in namespace {{target}}, not {{namespace}}: Traefik v3 ignores cross-namespace references unless providers.kubernetesCRD.allowCrossNamespace=true (it fails silently) — bridge with an ExternalName Service in {{namespace}} or enable the flag",
    externalName:
      "Service `{{name}}` is an ExternalName Service: Traefik v3 ignores it unless providers.kubernetesCRD.allowExternalNameServices=true",
  },
  check({ subject, object, bundle, report }) {
    const ns = bundle.namespaceOf(subject);
    const flags = bundle.context.traefik ?? {};
    for (const r of traefikServiceRefs(object)) {
      const target = r.namespace ?? ns;
      if (target !== ns && flags.allowCrossNamespace !== true) {
        report({
          messageId: "crossNamespace",
          data: { kind: r.kind ?? "Service", name: r.name, target, namespace: ns },
          path: `${r.path}/namespace`,
        });
      }
      if ((r.kind ?? "Service") === "Service") {
        const svc = bundle.find("Service", r.name, target);
        if (
          svc &&
          asObj(svc.object.spec).type === "ExternalName" &&
          flags.allowExternalNameServices !== true
        ) {
          report({ messageId: "externalName", data: { name: r.name }, path: r.path });
        }
      }
    }
  },
};

export const certManagerOnIngressRoute: Template<Record<string, never>> = {
  key: "cert-manager-ingressroute",
  description:
    "cert-manager's ingress-shim ignores Traefik IngressRoutes: annotations do nothing and the TLS Secret needs a Certificate.",
  kinds: ["IngressRoute"],
  params: none,
  messages: {
    annotation:
      "annotation {{annotation}} is ignored on an IngressRoute (cert-manager's ingress-shim watches only Ingress and Gateway): write a Certificate for the host",
    noCertificate:
      "TLS Secret `{{secret}}` is not produced by any Certificate in the bundle and is not declared external: the route serves Traefik's default certificate",
  },
  check({ subject, object, bundle, report }) {
    const ann = annotationsOf(object);
    for (const k of Object.keys(ann)) {
      if (k.startsWith("cert-manager.io/")) {
        report({
          messageId: "annotation",
          data: { annotation: k },
          path: `/metadata/annotations/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`,
          fix: {
            description: `remove the ignored annotation ${k}`,
            op: "remove",
            path: `/metadata/annotations/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`,
          },
        });
      }
    }
    const secret = asStr(asObj(asObj(object.spec).tls).secretName);
    if (!secret) return;
    const ns = bundle.namespaceOf(subject);
    const produced = bundle
      .byKind("Certificate")
      .some((c) => bundle.namespaceOf(c) === ns && asObj(c.object.spec).secretName === secret);
    if (!produced && !bundle.find("Secret", secret, ns) && !isExternal(bundle, "secrets", secret, ns)) {
      report({ messageId: "noCertificate", data: { secret }, path: "/spec/tls/secretName" });
    }
  },
};

export const rolloutServices: Template<Record<string, never>> = {
  key: "rollout-services",
  description:
    "Argo Rollouts canaries need distinct canary and stable Services that exist, and a TraefikService when routing through Traefik.",
  kinds: ["Rollout"],
  params: none,
  messages: {
    same: "canaryService and stableService are both `{{name}}`: Argo Rollouts needs two Services",
    missing: "{{field}} `{{name}}` does not exist in namespace {{namespace}}{{hint}}",
    required: "trafficRouting needs both canaryService and stableService",
    wrr: "trafficRouting.traefik.weightedTraefikServiceName `{{name}}` does not exist in namespace {{namespace}}",
  },
  check({ subject, object, bundle, report }) {
    const canary = asObj(asObj(asObj(object.spec).strategy).canary);
    if (!isObj(asObj(object.spec).strategy) || Object.keys(canary).length === 0) return;
    const ns = bundle.namespaceOf(subject);
    const c = asStr(canary.canaryService);
    const s = asStr(canary.stableService);
    const routing = asObj(canary.trafficRouting);
    // Istio subset-level routing (a DestinationRule) splits by subsets, not Services.
    const subsetRouting = isObj(asObj(routing.istio).destinationRule);
    if (Object.keys(routing).length > 0 && !subsetRouting && (!c || !s))
      report({ messageId: "required", path: "/spec/strategy/canary" });
    if (c && s && c === s)
      report({ messageId: "same", data: { name: c }, path: "/spec/strategy/canary/stableService" });
    for (const [field, name] of [
      ["canaryService", c],
      ["stableService", s],
    ] as const) {
      if (name && !bundle.find("Service", name, ns))
        report({
          messageId: "missing",
          data: { field, name, namespace: ns, hint: nameHint(bundle, "Service", name, ns) },
          path: `/spec/strategy/canary/${field}`,
        });
    }
    const wrr = asStr(asObj(routing.traefik).weightedTraefikServiceName);
    if (wrr && !bundle.find("TraefikService", wrr, ns))
      report({
        messageId: "wrr",
        data: { name: wrr, namespace: ns },
        path: "/spec/strategy/canary/trafficRouting/traefik/weightedTraefikServiceName",
      });
  },
};

export const argoDestination: Template<Record<string, never>> = {
  key: "argocd-destination",
  description:
    "An Argo CD Application's destination namespace must agree with the namespaces of the resources it deploys (those in the bundle under its source path).",
  kinds: ["Application"],
  params: none,
  messages: {
    mismatch:
      "destination namespace {{destination}} disagrees with {{kind}} `{{name}}` in namespace {{namespace}} ({{file}})",
  },
  check({ subject, object, bundle, report }) {
    const spec = asObj(object.spec);
    const dest = asStr(asObj(spec.destination).namespace);
    const path = asStr(asObj(spec.source).path);
    if (!dest || !path) return;
    const needle = `/${path.replace(/^\.?\/+|\/+$/g, "")}/`;
    for (const s of bundle.subjects) {
      if (s === subject || !s.source) continue;
      const file = `/${s.source.file}`;
      if (!file.includes(needle)) continue;
      const ns = namespaceOf(s.object);
      if (ns && ns !== dest) {
        report({
          messageId: "mismatch",
          data: {
            destination: dest,
            kind: kindOf(s.object),
            name: s.ref.name,
            namespace: ns,
            file: s.source.file,
          },
          path: "/spec/destination/namespace",
        });
        return;
      }
    }
  },
};
