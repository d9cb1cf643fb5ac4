/**
 * The objects around the workload: Namespace, ServiceAccount, ConfigMap, Services, HPA, PDB, NetworkPolicy.
 */
import type { KObject } from "../core/object.js";
import { sortKeys } from "../intent/resolve.js";
import type { ResolvedApp } from "../intent/types.js";
import type { Emitter } from "./emitter.js";
import type { Track } from "./labels.js";
import { commonLabels, meta, selectorLabels } from "./labels.js";
import type { PodVariant } from "./workload.js";
import { fileKey } from "./workload.js";

export function namespace(app: ResolvedApp, e: Emitter, name: string, track?: Track): KObject {
  const sec = app.security.value;
  const restricted =
    sec.runAsNonRoot &&
    !sec.privileged &&
    !sec.allowPrivilegeEscalation &&
    sec.capabilitiesDrop.includes("ALL") &&
    sec.capabilitiesAdd.every((c) => c === "NET_BIND_SERVICE") &&
    sec.seccompProfile !== "Unconfined";
  const level = restricted ? "restricted" : "baseline";
  const m = meta(app, name, { namespace: null, ...(track ? { track } : {}) });
  const obj: KObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      ...m,
      labels: sortKeys({
        ...m.labels,
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
      }),
    },
  };
  e.add(obj, {
    from: "platform",
    reason: `the ${app.environment.name} environment creates its namespace (createNamespace: true)`,
  });
  e.why(
    obj,
    "/metadata/labels/pod-security.kubernetes.io~1enforce",
    `Pod Security admission enforces ${level}: ${restricted ? "the app meets the restricted profile, so the namespace refuses anything weaker" : "the app relaxes restricted settings, so the namespace enforces baseline"}`,
  );
  return obj;
}

export function serviceAccount(
  app: ResolvedApp,
  e: Emitter,
  ns?: string,
  track?: Track,
): KObject | undefined {
  const sa = app.serviceAccount;
  if (!sa.create || sa.name === undefined) return undefined;
  const token = app.security.value.serviceAccountToken;
  const obj: KObject = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: meta(app, sa.name, {
      ...(ns ? { namespace: ns } : {}),
      annotations: sa.annotations,
      ...(track ? { track } : {}),
    }),
    ...(token !== undefined ? { automountServiceAccountToken: token } : {}),
  };
  e.add(obj, "an identity of its own, so RBAC and cloud IAM can be granted to this app alone");
  if (token !== undefined)
    e.why(
      obj,
      "/automountServiceAccountToken",
      token ? "token mounted: the app calls the Kubernetes API" : "no token mounted by default",
    );
  return obj;
}

export function filesConfigMap(
  app: ResolvedApp,
  e: Emitter,
  variant: PodVariant,
  ns?: string,
): KObject | undefined {
  const inline = variant.files.filter((f) => f.kind === "inline");
  if (inline.length === 0) return undefined;
  const data: Record<string, string> = {};
  for (const f of inline) if (f.kind === "inline") data[fileKey(f.path)] = f.content;
  const obj: KObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(app, variant.filesConfigMap, {
      ...(ns ? { namespace: ns } : {}),
      ...(variant.track ? { track: variant.track } : {}),
    }),
    data: sortKeys(data),
  };
  e.add(obj, `files declared in the intent (${inline.map((f) => f.path).join(", ")}), mounted read-only`);
  return obj;
}

/**
 * The app's Service (or the canary/stable Services of a canary). The `primary` one — the Service named after
 * the app — carries the intent's `service` settings: type, headless, annotations, externalTrafficPolicy.
 */
export function service(
  app: ResolvedApp,
  e: Emitter,
  options: {
    name?: string;
    namespace?: string;
    track?: Track;
    selectorTrack?: Track;
    why?: string;
    headless?: boolean;
    primary?: boolean;
  } = {},
): KObject | undefined {
  const ports = app.ports.filter((p) => p.onService);
  if (ports.length === 0) return undefined;
  const name = options.name ?? app.name;
  const svc = app.service.value;
  const own = options.primary === true;
  const written = own && app.service.origin.from !== "default";
  const type = own ? svc.type : "ClusterIP";
  const headless = own ? svc.headless : options.headless === true;
  const obj: KObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(app, name, {
      ...(options.namespace ? { namespace: options.namespace } : {}),
      ...(options.track ? { track: options.track } : {}),
      ...(own && Object.keys(svc.annotations).length > 0 ? { annotations: svc.annotations } : {}),
    }),
    spec: {
      type,
      // The StatefulSet's own `-headless` Service publishes pods before they are ready (peer discovery);
      // a headless primary Service carries client traffic, so it lists ready pods only.
      ...(headless ? { clusterIP: "None", ...(own ? {} : { publishNotReadyAddresses: true }) } : {}),
      ...(own && svc.externalTrafficPolicy ? { externalTrafficPolicy: svc.externalTrafficPolicy } : {}),
      selector: selectorLabels(app, options.selectorTrack ?? "stable"),
      ports: ports.map((p) => ({
        name: p.name,
        port: p.servicePort,
        targetPort: p.name,
        protocol: p.protocol,
      })),
    },
  };
  e.add(
    obj,
    options.why ??
      (own && headless
        ? `a stable DNS name for the pods of ${app.name}, answered with their own addresses`
        : `a stable name and virtual IP for the pods of ${app.name}`),
  );
  if (written) {
    e.why(obj, "/spec/type", app.service.origin);
    if (app.why.service) e.why(obj, "/spec/type", { from: "app", reason: app.why.service });
    if (Object.keys(svc.annotations).length > 0)
      e.why(obj, "/metadata/annotations", {
        ...app.service.origin,
        reason: `annotations for the Service's controller (${Object.keys(svc.annotations).join(", ")}) as the intent says`,
      });
  }
  e.why(
    obj,
    "/spec/ports",
    "targets container ports by name, so a port number change in the pod never breaks the Service",
  );
  return obj;
}

/** An ExternalName Service in the route's namespace that points at a Service in another namespace. */
export function externalNameBridge(
  app: ResolvedApp,
  e: Emitter,
  name: string,
  target: { name: string; namespace: string },
): KObject {
  const obj: KObject = {
    apiVersion: "v1",
    kind: "Service",
    // Part of the stable app's routing, in its namespace (the stable app's name and instance, so it belongs with
    // the other objects there); the canary's track, version and labels.
    metadata: meta(app, name, {
      labels: sortKeys({ ...commonLabels(app, "canary"), ...selectorLabels(app, "stable") }),
    }),
    spec: {
      type: "ExternalName",
      externalName: `${target.name}.${target.namespace}.svc.cluster.local`,
      ports: app.ports
        .filter((p) => p.onService)
        .map((p) => ({ name: p.name, port: p.servicePort, protocol: p.protocol })),
    },
  };
  e.add(
    obj,
    `bridge to ${target.name} in namespace ${target.namespace}: Traefik v3 blocks cross-namespace references by default (allowCrossNamespace=false); an ExternalName Service in the route's namespace is allowed because the platform sets allowExternalNameServices`,
  );
  return obj;
}

export function hpa(app: ResolvedApp, e: Emitter, target: KObject): KObject | undefined {
  const a = app.autoscaling?.value;
  if (!a || !app.autoscaling) return undefined;
  const metrics: Record<string, unknown>[] = [];
  if (a.cpu !== undefined)
    metrics.push({
      type: "Resource",
      resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.cpu } },
    });
  if (a.memory !== undefined)
    metrics.push({
      type: "Resource",
      resource: { name: "memory", target: { type: "Utilization", averageUtilization: a.memory } },
    });
  const obj: KObject = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta(app, app.name),
    spec: {
      scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.metadata.name },
      minReplicas: a.min,
      maxReplicas: a.max,
      metrics,
    },
  };
  e.add(obj, app.autoscaling.origin);
  if (app.why.autoscaling) e.why(obj, "/spec", { from: "app", reason: app.why.autoscaling });
  return obj;
}

export function pdb(
  app: ResolvedApp,
  e: Emitter,
  canary?: { namespace: string; replicas: number },
): KObject | undefined {
  if (!app.pdb.value) return undefined;
  if (canary && canary.replicas < 2) return undefined;
  const track: Track = canary ? "canary" : "stable";
  const obj: KObject = {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(
      app,
      canary ? `${app.name}-canary` : app.name,
      canary ? { namespace: canary.namespace, track } : {},
    ),
    spec: {
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: "AlwaysAllow",
      selector: { matchLabels: selectorLabels(app, track) },
    },
  };
  e.add(
    obj,
    canary
      ? "the canary takes a share of live traffic: keep all but one of its pods through a drain, or that share would hit a Service with no endpoints"
      : app.pdb.origin,
  );
  e.why(
    obj,
    "/spec/maxUnavailable",
    "maxUnavailable 1 (not minAvailable): drains always make progress, whatever the replica count",
  );
  e.why(
    obj,
    "/spec/unhealthyPodEvictionPolicy",
    "AlwaysAllow: pods that are not ready (crash-looping, misconfigured) may always be evicted, so a broken rollout never blocks a node drain",
  );
  return obj;
}

export function networkPolicy(
  app: ResolvedApp,
  e: Emitter,
  options: { namespace?: string; track?: Track } = {},
): { policy?: KObject; warning?: string } {
  const n = app.network.value;
  if (!n.policy) return {};
  const ing = app.platform.ingress;
  const rules: Record<string, unknown>[] = [];
  const reasons: string[] = [];
  let warning: string | undefined;
  const portRef = (p: string | number) => {
    const port = app.ports.find((x) => x.name === p || x.port === p || x.servicePort === p);
    return { port: port?.port ?? p, protocol: port?.protocol ?? "TCP" };
  };
  if (app.expose) {
    const port = app.ports.find((p) => p.name === app.expose?.value.portName);
    const ports = port ? [{ port: port.port, protocol: port.protocol }] : [];
    if (ing.controllerNamespace) {
      rules.push({
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ing.controllerNamespace } },
            ...(ing.controllerPodLabels ? { podSelector: { matchLabels: ing.controllerPodLabels } } : {}),
          },
        ],
        ports,
      });
      reasons.push(
        `the ingress controller in namespace ${ing.controllerNamespace} may reach port ${port?.name ?? "?"}`,
      );
    } else {
      rules.push({ from: [{ namespaceSelector: {} }], ports });
      reasons.push(
        `any namespace may reach port ${port?.name ?? "?"} (the platform does not say where its ingress controller runs)`,
      );
      warning =
        "NetworkPolicy allows the exposed port from every namespace: set platform.spec.ingress.controllerNamespace to allow only the ingress controller";
    }
  }
  const svc = app.service.value;
  if (options.track !== "canary" && svc.type !== "ClusterIP" && app.ports.length > 0) {
    rules.push({ ports: app.ports.map((p) => ({ port: p.port, protocol: p.protocol })) });
    reasons.push(
      `the Service is a ${svc.type}: clients outside the cluster reach ${app.ports.map((p) => p.name).join(", ")} from any address`,
    );
  }
  for (const peer of n.allowFrom) {
    const from: Record<string, unknown> = {};
    if (peer.namespace)
      from.namespaceSelector = { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } };
    const labels = { ...(peer.app ? { "app.kubernetes.io/name": peer.app } : {}), ...(peer.podLabels ?? {}) };
    if (Object.keys(labels).length > 0) from.podSelector = { matchLabels: sortKeys(labels) };
    const ports = (peer.ports ?? app.ports.map((p) => p.name)).map(portRef);
    rules.push({ from: [from], ...(ports.length > 0 ? { ports } : {}) });
    reasons.push(
      `${peer.app ? `app ${peer.app}` : "pods"}${peer.namespace ? ` in ${peer.namespace}` : ""} may connect`,
    );
  }
  const policyTypes = ["Ingress", ...(n.egress !== "all" ? ["Egress"] : [])];
  const egress =
    n.egress === "dns-only"
      ? [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { port: 53, protocol: "UDP" },
              { port: 53, protocol: "TCP" },
            ],
          },
        ]
      : undefined;
  const obj: KObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(app, options.track === "canary" ? `${app.name}-canary` : app.name, {
      ...(options.namespace ? { namespace: options.namespace } : {}),
      ...(options.track ? { track: options.track } : {}),
    }),
    spec: {
      podSelector: { matchLabels: selectorLabels(app, options.track ?? "stable") },
      policyTypes,
      ingress: rules,
      ...(egress ? { egress } : n.egress === "none" ? { egress: [] } : {}),
    },
  };
  e.add(obj, app.network.origin);
  e.why(
    obj,
    "/spec/ingress",
    reasons.length > 0
      ? `deny all other inbound traffic; ${reasons.join("; ")}`
      : "deny all inbound traffic: nothing is declared to call this app",
  );
  if (n.egress !== "all")
    e.why(
      obj,
      "/spec/egress",
      n.egress === "dns-only" ? "egress limited to cluster DNS" : "no egress at all",
    );
  return warning ? { policy: obj, warning } : { policy: obj };
}
