/**
 * The compiler: (App, Platform, environment) → ordered Kubernetes objects + the reason for each decision.
 * Pure: no I/O, no clock, no randomness. Same input → same output.
 */
import type { KObject } from "../core/object.js";
import type { ResolvedApp } from "../intent/types.js";
import type { Finding } from "../core/finding.js";
import { Emitter } from "./emitter.js";
import type { CompileResult } from "./types.js";
import { canonicalize, sortObjects } from "./order.js";
import { deployment, stableVariant } from "./workload.js";
import type { PodVariant } from "./workload.js";
import {
  externalNameBridge,
  filesConfigMap,
  hpa,
  namespace,
  networkPolicy,
  pdb,
  service,
  serviceAccount,
} from "./supporting.js";
import {
  headersMiddleware,
  httpRoutes,
  ingressRoute,
  referenceGrant,
  traefikRoutes,
  traefikWeighted,
} from "./routing.js";
import type { Backend, RoutePlan } from "./routing.js";
import { analysisTemplate, rollout } from "./rollouts.js";
import type { RolloutRouting } from "./rollouts.js";

export interface CompileOutput {
  result: CompileResult;
  warnings: Finding[];
}

export function compile(app: ResolvedApp): CompileOutput {
  const e = new Emitter();
  const warnings: Finding[] = [];
  const warn = (message: string, messageId: string) =>
    warnings.push({
      checkId: "compile",
      messageId,
      severity: "warning",
      message: `${app.name} (${app.environment.name}): ${message}`,
    });

  const env = app.environment;
  const engine = app.platform.engine;
  const r = app.rollout.value;
  const canary = r.strategy === "canary";
  const argo = canary && engine === "argo-rollouts";
  const weighted =
    canary && (engine === "traefik-weighted" || engine === "gateway-weighted") ? r.weighted : undefined;
  const ingressKind = app.platform.ingress.kind;
  const exposed = app.expose?.value;
  const port = exposed?.servicePort ?? app.ports.find((p) => p.onService)?.servicePort ?? 0;

  if (env.createNamespace) namespace(app, e, env.namespace);
  serviceAccount(app, e);

  const stable = stableVariant(app, weighted !== undefined);
  filesConfigMap(app, e, stable);

  // --- workload and its Services --------------------------------------------------------------
  let workload: KObject;
  let plan: RoutePlan = { backends: [{ name: app.name, port }], why: `sends traffic to Service ${app.name}` };
  if (argo) {
    service(app, e, { primary: true });
    service(app, e, {
      name: `${app.name}-stable`,
      why: "the stable Service of the canary: Argo Rollouts pins it to the stable ReplicaSet",
    });
    service(app, e, {
      name: `${app.name}-canary`,
      why: "the canary Service: Argo Rollouts pins it to the canary ReplicaSet",
    });
    let routing: RolloutRouting;
    if (exposed && ingressKind === "traefik") {
      routing = {
        trafficRouting: { traefik: { weightedTraefikServiceName: `${app.name}-wrr` } },
        why: "Argo Rollouts shifts traffic by rewriting the weights of the TraefikService",
      };
      traefikWeighted(
        app,
        e,
        [
          { name: `${app.name}-stable`, port },
          { name: `${app.name}-canary`, port },
        ],
        "weighted service Argo Rollouts steers; weights are left out on purpose — the controller owns them, and Argo CD would see drift otherwise. Traefik v3 uses the traefik.io API group: run argo-rollouts ≥ 1.10 or pass --traefik-api-group=traefik.io",
      );
      plan = {
        backends: [{ name: `${app.name}-wrr`, port, kind: "TraefikService" }],
        why: `routes to TraefikService ${app.name}-wrr, whose weights Argo Rollouts controls`,
      };
    } else if (exposed && ingressKind === "gateway") {
      routing = {
        trafficRouting: {
          plugins: { "argoproj-labs/gatewayAPI": { httpRoute: app.name, namespace: env.namespace } },
        },
        why: "Gateway API traffic splitting is an Argo Rollouts plugin: argoproj-labs/gatewayAPI must be registered in the argo-rollouts-config ConfigMap",
      };
      plan = {
        backends: [
          { name: `${app.name}-stable`, port },
          { name: `${app.name}-canary`, port },
        ],
        why: "stable and canary backends; the gatewayAPI plugin sets their weights during the rollout",
      };
    } else if (exposed && ingressKind === "ingress" && app.platform.ingress.className === "nginx") {
      routing = {
        trafficRouting: { nginx: { stableIngress: app.name } },
        why: "ingress-nginx canary: the controller clones the Ingress and sets canary-weight annotations",
      };
      plan = {
        backends: [{ name: `${app.name}-stable`, port }],
        why: `routes to the stable Service; Argo Rollouts adds a canary Ingress beside it`,
      };
    } else {
      routing = {
        why: "no traffic router for this ingress: the canary weight is approximated by the ratio of canary to stable pods",
      };
      if (exposed)
        warn(
          "canary without traffic routing: weights are approximated by pod counts (Argo Rollouts routes traffic for ingress-nginx, Traefik and Gateway API)",
          "canary-no-router",
        );
    }
    const gate = analysisTemplate(app, e);
    workload = rollout(app, e, stable, routing, gate);
  } else {
    workload = deployment(app, e, stable);
    service(app, e, weighted ? { track: "stable", primary: true } : { primary: true });
    if (app.storage.length > 0 && !app.service.value.headless) {
      service(app, e, {
        name: `${app.name}-headless`,
        headless: true,
        why: "headless Service: gives each StatefulSet pod a stable DNS name",
      });
    }
  }

  if (weighted) {
    const ns = weighted.namespace;
    const crossNs = ns !== env.namespace;
    const variant: PodVariant = {
      track: "canary",
      image: weighted.image,
      env: weighted.env,
      files: weighted.files,
      filesConfigMap: `${app.name}-canary-files`,
    };
    if (crossNs && env.createNamespace) namespace(app, e, ns, "canary");
    if (crossNs) serviceAccount(app, e, ns, "canary");
    filesConfigMap(app, e, variant, ns);
    deployment(app, e, variant, { namespace: ns, replicas: weighted.replicas, name: `${app.name}-canary` });
    service(app, e, {
      name: `${app.name}-canary`,
      namespace: ns,
      track: "canary",
      selectorTrack: "canary",
      why: `the canary's Service${crossNs ? ` in its own namespace ${ns}` : ""}`,
    });
    if (app.network.value.policy) networkPolicy(app, e, { namespace: ns, track: "canary" });
    pdb(app, e, { namespace: ns, replicas: weighted.replicas });
    const stableShare = 100 - weighted.weight;
    let canaryBackend: Backend;
    if (!crossNs) canaryBackend = { name: `${app.name}-canary`, port, weight: weighted.weight };
    else if (engine === "gateway-weighted") {
      referenceGrant(app, e, ns);
      canaryBackend = { name: `${app.name}-canary`, namespace: ns, port, weight: weighted.weight };
    } else if (app.platform.ingress.allowCrossNamespace) {
      canaryBackend = { name: `${app.name}-canary`, namespace: ns, port, weight: weighted.weight };
    } else {
      externalNameBridge(app, e, weighted.bridge, { name: `${app.name}-canary`, namespace: ns });
      canaryBackend = { name: weighted.bridge, port, weight: weighted.weight };
    }
    const stableBackend: Backend = { name: app.name, port, weight: stableShare };
    // Each track answers with its own response headers (X-Track: stable / canary): set per backend.
    const stableHeaders = exposed?.responseHeaders ?? {};
    const canaryHeaders = weighted.responseHeaders;
    const sameHeaders = JSON.stringify(stableHeaders) === JSON.stringify(canaryHeaders);
    if (engine === "traefik-weighted") {
      if (Object.keys(stableHeaders).length > 0) {
        headersMiddleware(
          app,
          e,
          `${app.name}-headers`,
          stableHeaders,
          `sets the response headers ${Object.keys(stableHeaders).join(", ")} on ${sameHeaders ? "every response" : "the stable version's responses"} (expose.responseHeaders)`,
        );
        stableBackend.middlewares = [`${app.name}-headers`];
      }
      if (Object.keys(canaryHeaders).length > 0) {
        if (!sameHeaders)
          headersMiddleware(
            app,
            e,
            `${app.name}-canary-headers`,
            canaryHeaders,
            `sets the response headers ${Object.keys(canaryHeaders).join(", ")} on the canary's responses (rollout.canary.responseHeaders), so clients and dashboards can tell the versions apart`,
            "canary",
          );
        canaryBackend.middlewares = [sameHeaders ? `${app.name}-headers` : `${app.name}-canary-headers`];
      }
    } else {
      if (Object.keys(stableHeaders).length > 0) stableBackend.responseHeaders = stableHeaders;
      if (Object.keys(canaryHeaders).length > 0) canaryBackend.responseHeaders = canaryHeaders;
    }
    const backends: Backend[] = [stableBackend, canaryBackend];
    const why = `${stableShare}/${weighted.weight}: ${stableShare}% of requests to stable ${app.image.value}, ${weighted.weight}% to canary ${weighted.image}. Step the canary by changing \`rollout.canary.weight\` in Git; roll back by setting it to 0`;
    if (engine === "traefik-weighted") {
      const ts = traefikWeighted(app, e, backends, why);
      e.why(ts, "/spec/weighted/services", app.rollout.origin);
      plan = {
        backends: [{ name: `${app.name}-wrr`, port, kind: "TraefikService" }],
        why: `routes to the weighted TraefikService ${app.name}-wrr`,
        headersOnBackends: true,
      };
    } else {
      plan = { backends, why, headersOnBackends: true };
    }
  } else if (canary && !argo && (engine === "traefik-weighted" || engine === "gateway-weighted")) {
    // Weighted engine with no canary running: everything to stable.
    plan = {
      backends: [{ name: app.name, port, ...(engine === "gateway-weighted" ? { weight: 100 } : {}) }],
      why: "no canary is running: all traffic to stable",
    };
  }

  // --- exposure ---------------------------------------------------------------------------------
  if (exposed) {
    if (ingressKind === "traefik") traefikRoutes(app, e, plan);
    else if (ingressKind === "gateway") httpRoutes(app, e, plan);
    else if (ingressKind === "ingress") ingressRoute(app, e, plan);
  }

  hpa(app, e, workload);
  pdb(app, e);
  const np = networkPolicy(app, e);
  if (np.warning) warn(np.warning, "network-policy-open");

  const objects = sortObjects(e.objects.map(canonicalize));
  return {
    result: { app: app.name, environment: env.name, objects, decisions: e.decisions },
    warnings,
  };
}
