/** Traffic that goes nowhere: Services without ready endpoints, routes to Services that do not exist. */
import type { LiveObject } from "../client.js";
import type { AnalyzerDefinition, Diagnosis } from "../diagnosis.js";
import { closestName, eventsOf, fingerprintOf, isRecord, refOfLive } from "../diagnosis.js";
import type { Snapshot } from "../snapshot.js";

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Pods that match every selector term but one: what the selector was probably meant to select. */
function almostMatching(selector: Record<string, string>, pods: readonly LiveObject[]): string[] {
  const terms = Object.entries(selector);
  const out: string[] = [];
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    const misses = terms.filter(([k, v]) => labels[k] !== v);
    if (misses.length !== 1 || terms.length < 1) continue;
    const [k, v] = misses[0] ?? ["", ""];
    if (terms.length === 1 && labels[k] === undefined) continue; // shares nothing with the selector
    out.push(
      `${p.metadata.name} (${k}=${labels[k] === undefined ? "<unset>" : labels[k]}, selector wants ${k}=${v})`,
    );
  }
  return out.sort().slice(0, 5);
}

function readyEndpoints(snapshot: Snapshot, svc: LiveObject): number {
  let n = 0;
  for (const slice of snapshot.list("EndpointSlice", svc.metadata.namespace)) {
    if (slice.metadata.labels?.["kubernetes.io/service-name"] !== svc.metadata.name) continue;
    for (const e of (slice.endpoints ?? []) as { conditions?: { ready?: boolean } }[])
      if (e.conditions?.ready !== false) n++;
  }
  return n;
}

const serviceNoEndpoints: AnalyzerDefinition = {
  id: "service-no-endpoints",
  title: "Service has no ready endpoints",
  description:
    "A Service with a selector has no ready endpoint: its selector matches no pod (and says which pods almost match, differing in one label), or the pods it matches are all unready (their own diagnoses say why).",
  remediation: "Fix the selector or the pod labels so they agree, or make the matched pods ready.",
  kinds: ["Service", "EndpointSlice", "Pod"],
  staticCounterpart: "service-selector (validator)",
  analyze({ snapshot }) {
    if (snapshot.skipped.some((s) => s.startsWith("EndpointSlice"))) return [];
    const out: Diagnosis[] = [];
    for (const svc of snapshot.list("Service")) {
      const spec = (svc.spec ?? {}) as { selector?: Record<string, string>; type?: string };
      if (!spec.selector || Object.keys(spec.selector).length === 0 || spec.type === "ExternalName") continue;
      if (readyEndpoints(snapshot, svc) > 0) continue;
      const pods = snapshot
        .list("Pod", svc.metadata.namespace)
        .filter((p) => (p.status as { phase?: string } | undefined)?.phase !== "Succeeded");
      const matched = pods.filter((p) => matches(spec.selector ?? {}, p.metadata.labels));
      const near = matched.length === 0 ? almostMatching(spec.selector, pods) : [];
      const sel = Object.entries(spec.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      const variant = matched.length === 0 ? "no-pods" : "pods-not-ready";
      out.push({
        analyzer: "service-no-endpoints",
        variant,
        // Unready pods are diagnosed themselves; the Service is the consequence.
        severity: variant === "no-pods" ? "error" : "warning",
        object: refOfLive(svc),
        objects: [refOfLive(svc)],
        cause:
          variant === "no-pods"
            ? `The selector ${sel} matches no pod in ${svc.metadata.namespace}, so the Service sends traffic nowhere${near.length > 0 ? `; almost matching: ${near.join("; ")}` : ""}.`
            : `The selector ${sel} matches ${matched.length} pod(s), none of them ready, so the Service sends traffic nowhere (see their diagnoses).`,
        fields: [
          { object: refOfLive(svc), path: "spec.selector", value: spec.selector },
          { object: refOfLive(svc), path: "endpoints (ready, from EndpointSlices)", value: 0 },
        ],
        events: eventsOf(snapshot, svc),
        facts: {
          selector: spec.selector,
          ...(near.length > 0 ? { almost: near.join("; ") } : {}),
          matched: matched.length,
        },
        fingerprint: fingerprintOf([
          "service-no-endpoints",
          variant,
          svc.metadata.namespace,
          svc.metadata.name,
        ]),
      });
    }
    return out;
  },
};

interface Backend {
  path: string;
  kind: string;
  name: string;
  namespace: string;
}

function backendsOf(o: LiveObject): Backend[] {
  const ns = o.metadata.namespace ?? "";
  const spec = isRecord(o.spec) ? o.spec : {};
  const out: Backend[] = [];
  if (o.kind === "Ingress") {
    const def = (spec.defaultBackend as { service?: { name?: string } } | undefined)?.service?.name;
    if (def)
      out.push({ path: "spec.defaultBackend.service.name", kind: "Service", name: def, namespace: ns });
    ((spec.rules ?? []) as { http?: { paths?: { backend?: { service?: { name?: string } } }[] } }[]).forEach(
      (r, i) =>
        (r.http?.paths ?? []).forEach((p, j) => {
          const name = p.backend?.service?.name;
          if (name)
            out.push({
              path: `spec.rules[${i}].http.paths[${j}].backend.service.name`,
              kind: "Service",
              name,
              namespace: ns,
            });
        }),
    );
  } else if (o.kind === "HTTPRoute") {
    (
      (spec.rules ?? []) as {
        backendRefs?: { name?: string; namespace?: string; kind?: string; group?: string }[];
      }[]
    ).forEach((r, i) =>
      (r.backendRefs ?? []).forEach((b, j) => {
        if (b.name && (b.kind ?? "Service") === "Service" && (b.group ?? "") === "")
          out.push({
            path: `spec.rules[${i}].backendRefs[${j}].name`,
            kind: "Service",
            name: b.name,
            namespace: b.namespace ?? ns,
          });
      }),
    );
  } else if (o.kind === "IngressRoute") {
    ((spec.routes ?? []) as { services?: { name?: string; namespace?: string; kind?: string }[] }[]).forEach(
      (r, i) =>
        (r.services ?? []).forEach((s, j) => {
          if (s.name)
            out.push({
              path: `spec.routes[${i}].services[${j}].name`,
              kind: s.kind === "TraefikService" ? "TraefikService" : "Service",
              name: s.name,
              namespace: s.namespace ?? ns,
            });
        }),
    );
  } else if (o.kind === "TraefikService") {
    const weighted =
      (spec.weighted as { services?: { name?: string; namespace?: string; kind?: string }[] } | undefined)
        ?.services ?? [];
    weighted.forEach((s, j) => {
      if (s.name)
        out.push({
          path: `spec.weighted.services[${j}].name`,
          kind: s.kind === "TraefikService" ? "TraefikService" : "Service",
          name: s.name,
          namespace: s.namespace ?? ns,
        });
    });
  }
  return out;
}

const routeBackends: AnalyzerDefinition = {
  id: "route-backends",
  title: "Route points at a Service that does not exist",
  description:
    "An Ingress, Gateway API HTTPRoute, Traefik IngressRoute or TraefikService sends traffic to a Service (or TraefikService) that does not exist in its namespace; says which existing name was probably meant.",
  remediation: "Point the route at the Service that exists, or create the Service.",
  kinds: ["Ingress", "HTTPRoute", "IngressRoute", "TraefikService", "Service"],
  staticCounterpart: "route-backends (validator)",
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    const namespaces = snapshot.namespaces;
    for (const kind of ["Ingress", "HTTPRoute", "IngressRoute", "TraefikService"]) {
      for (const route of snapshot.list(kind)) {
        for (const b of backendsOf(route)) {
          // A backend in a namespace that was not read cannot be judged.
          if (namespaces && !namespaces.includes(b.namespace)) continue;
          if (snapshot.find(b.kind, b.namespace, b.name)) continue;
          const candidate = closestName(snapshot, b.kind, b.namespace, b.name);
          out.push({
            analyzer: "route-backends",
            variant: `missing-${b.kind.toLowerCase()}`,
            severity: "error",
            object: refOfLive(route),
            objects: [refOfLive(route)],
            cause: `${kind} ${route.metadata.name} sends traffic to ${b.kind} ${b.namespace}/${b.name}, which does not exist${candidate ? ` (\`${candidate}\` does)` : ""}.`,
            fields: [{ object: refOfLive(route), path: b.path, value: b.name }],
            events: eventsOf(snapshot, route),
            didYouMean: {
              kind: b.kind,
              namespace: b.namespace,
              missing: b.name,
              ...(candidate ? { candidate } : {}),
            },
            facts: { kind: b.kind, missing: b.name },
            fingerprint: fingerprintOf([
              "route-backends",
              kind,
              route.metadata.namespace,
              route.metadata.name,
              b.kind,
              b.name,
            ]),
          });
        }
      }
    }
    return out;
  },
};

export const NETWORK_ANALYZERS: readonly AnalyzerDefinition[] = [serviceNoEndpoints, routeBackends];
