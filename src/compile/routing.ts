/**
 * Exposure: the platform's ingress flavour (Ingress, Gateway API HTTPRoute, Traefik v3 IngressRoute),
 * certificates, HTTP→HTTPS redirects, and weighted backends for canaries.
 */
import { InvalidInputError } from "../core/errors.js";
import type { KObject } from "../core/object.js";
import type { ResolvedApp } from "../intent/types.js";
import type { Emitter } from "./emitter.js";
import { meta } from "./labels.js";

/** One backend of the route. `weight` undefined = not weighted (or managed by a controller). */
export interface Backend {
  name: string;
  namespace?: string;
  port: number;
  kind?: "Service" | "TraefikService";
  weight?: number;
  /** Traefik: Middlewares applied to this backend only (a weighted service entry). */
  middlewares?: string[];
  /** Gateway API: response headers set on this backend's responses only (a backendRef filter). */
  responseHeaders?: Record<string, string>;
}

export interface RoutePlan {
  /** What the main route sends traffic to. */
  backends: Backend[];
  /** Why the backends are what they are. */
  why: string;
  /** Response headers are set per backend (a weighted canary answers with its own), not on the route. */
  headersOnBackends?: boolean;
}

/** The Traefik Middleware that sets response headers (`headers.customResponseHeaders`). */
export function headersMiddleware(
  app: ResolvedApp,
  e: Emitter,
  name: string,
  headers: Record<string, string>,
  why: string,
  track?: "stable" | "canary",
): KObject {
  const obj: KObject = {
    apiVersion: "traefik.io/v1alpha1",
    kind: "Middleware",
    metadata: meta(app, name, track ? { track } : {}),
    spec: { headers: { customResponseHeaders: headers } },
  };
  e.add(obj, why);
  return obj;
}

function headerList(headers: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}

function responseHeaderFilter(headers: Record<string, string>): Record<string, unknown> {
  return { type: "ResponseHeaderModifier", responseHeaderModifier: { set: headerList(headers) } };
}

/**
 * A value inside a Traefik rule's backquotes. Traefik's rule language has no escape for a backquote, so a value
 * that could end the literal (a backquote, a quote, a space, a control character) is refused — the intent schema
 * refuses it first with a location; this is the last line, so no input can inject rule syntax.
 */
export function ruleLiteral(value: string, what: string): string {
  if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]+$/.test(value))
    throw new InvalidInputError(
      `${what} ${JSON.stringify(value).slice(0, 80)} cannot go into a Traefik rule`,
      [],
    );
  return value;
}

function pathPrefix(path: string): string {
  return path === "/" ? "" : ` && PathPrefix(\`${ruleLiteral(path, "path")}\`)`;
}

export function certificate(app: ResolvedApp, e: Emitter, why: string): KObject | undefined {
  const x = app.expose?.value;
  const tls = app.platform.tls;
  if (!x?.tls || !tls) return undefined;
  const obj: KObject = {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata: meta(app, x.tlsSecret),
    spec: {
      secretName: x.tlsSecret,
      issuerRef: { name: tls.issuer, kind: tls.kind, group: tls.group },
      dnsNames: [x.host],
    },
  };
  e.add(obj, why);
  return obj;
}

export function traefikRoutes(app: ResolvedApp, e: Emitter, plan: RoutePlan): KObject[] {
  const x = app.expose?.value;
  if (!x || !app.expose) return [];
  const out: KObject[] = [];
  const ep = app.platform.ingress.entryPoints;
  const services = plan.backends.map((b) => ({
    name: b.name,
    ...(b.kind === "TraefikService" ? { kind: "TraefikService" } : { port: b.port }),
    ...(b.namespace ? { namespace: b.namespace } : {}),
  }));
  const headers = x.responseHeaders;
  const routeHeaders = !plan.headersOnBackends && Object.keys(headers).length > 0;
  const match = `Host(\`${ruleLiteral(x.host, "host")}\`)${pathPrefix(x.path)}`;
  const cert = certificate(
    app,
    e,
    "cert-manager's ingress-shim watches only Ingress and Gateway objects, never a Traefik IngressRoute: the Certificate is written explicitly and the route points at its Secret",
  );
  if (cert) out.push(cert);
  if (x.redirectHttp) {
    const mw: KObject = {
      apiVersion: "traefik.io/v1alpha1",
      kind: "Middleware",
      metadata: meta(app, `${app.name}-https-redirect`),
      spec: { redirectScheme: { scheme: "https", permanent: true } },
    };
    e.add(mw, "redirects plain HTTP to HTTPS with a permanent (301) redirect");
    out.push(mw);
    const http: KObject = {
      apiVersion: "traefik.io/v1alpha1",
      kind: "IngressRoute",
      metadata: meta(app, `${app.name}-http`),
      spec: {
        entryPoints: [ep.web],
        routes: [{ kind: "Rule", match, middlewares: [{ name: `${app.name}-https-redirect` }], services }],
      },
    };
    e.add(
      http,
      `HTTP on entry point ${ep.web} only redirects to HTTPS (Traefik requires services on a route; the middleware answers first)`,
    );
    out.push(http);
  }
  if (routeHeaders)
    out.push(
      headersMiddleware(
        app,
        e,
        `${app.name}-headers`,
        headers,
        `sets the response headers ${Object.keys(headers).join(", ")} on every response (expose.responseHeaders)`,
      ),
    );
  const route: KObject = {
    apiVersion: "traefik.io/v1alpha1",
    kind: "IngressRoute",
    metadata: meta(app, app.name),
    spec: {
      entryPoints: [x.tls ? ep.websecure : ep.web],
      routes: [
        {
          kind: "Rule",
          match,
          ...(routeHeaders ? { middlewares: [{ name: `${app.name}-headers` }] } : {}),
          services,
        },
      ],
      ...(x.tls ? { tls: { secretName: x.tlsSecret } } : {}),
    },
  };
  e.add(route, app.expose.origin);
  e.why(route, "/spec/routes/0/services", plan.why);
  if (routeHeaders)
    e.why(
      route,
      "/spec/routes/0/middlewares",
      `response headers ${fmtHeaders(headers)} (expose.responseHeaders)`,
    );
  if (x.tls)
    e.why(
      route,
      "/spec/tls",
      `TLS from Secret ${x.tlsSecret}, issued by cert-manager through the Certificate of the same name`,
    );
  out.push(route);
  return out;
}

export function ingressRoute(app: ResolvedApp, e: Emitter, plan: RoutePlan): KObject[] {
  const x = app.expose?.value;
  if (!x || !app.expose) return [];
  const ing = app.platform.ingress;
  const tls = app.platform.tls;
  const backend = plan.backends[0];
  if (!backend) return [];
  const annotations: Record<string, string> = {};
  if (x.tls && tls) {
    if (tls.kind === "ClusterIssuer") annotations["cert-manager.io/cluster-issuer"] = tls.issuer;
    else annotations["cert-manager.io/issuer"] = tls.issuer;
    if (tls.group !== "cert-manager.io") annotations["cert-manager.io/issuer-group"] = tls.group;
  }
  const obj: KObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: meta(app, app.name, { annotations }),
    spec: {
      ...(ing.className ? { ingressClassName: ing.className } : {}),
      ...(x.tls ? { tls: [{ hosts: [x.host], secretName: x.tlsSecret }] } : {}),
      rules: [
        {
          host: x.host,
          http: {
            paths: [
              {
                path: x.path,
                pathType: "Prefix",
                backend: { service: { name: backend.name, port: { number: backend.port } } },
              },
            ],
          },
        },
      ],
    },
  };
  e.add(obj, app.expose.origin);
  if (x.tls && tls) {
    e.why(
      obj,
      "/metadata/annotations",
      `cert-manager's ingress-shim issues the certificate into Secret ${x.tlsSecret} from ${tls.kind} ${tls.issuer}`,
    );
  }
  if (x.redirectHttp) {
    e.why(
      obj,
      "/spec/tls",
      ing.className === "nginx"
        ? "ingress-nginx redirects HTTP to HTTPS by default once TLS is set (ssl-redirect)"
        : "HTTP→HTTPS redirect is up to the ingress controller once TLS is set; check its default",
    );
  }
  e.why(obj, "/spec/rules/0/http/paths/0/backend", plan.why);
  if (ing.className) e.why(obj, "/spec/ingressClassName", `the platform's ingress class ${ing.className}`);
  return [obj];
}

export function httpRoutes(app: ResolvedApp, e: Emitter, plan: RoutePlan): KObject[] {
  const x = app.expose?.value;
  const gw = app.platform.ingress.gateway;
  if (!x || !app.expose || !gw) return [];
  const out: KObject[] = [];
  const parent = (section?: string) => ({
    group: "gateway.networking.k8s.io",
    kind: "Gateway",
    name: gw.name,
    ...(gw.namespace ? { namespace: gw.namespace } : {}),
    ...(section ? { sectionName: section } : {}),
  });
  const backendRefs = plan.backends.map((b) => ({
    group: "",
    kind: "Service",
    name: b.name,
    ...(b.namespace ? { namespace: b.namespace } : {}),
    port: b.port,
    ...(b.weight !== undefined ? { weight: b.weight } : {}),
    ...(b.responseHeaders && Object.keys(b.responseHeaders).length > 0
      ? { filters: [responseHeaderFilter(b.responseHeaders)] }
      : {}),
  }));
  const headers = x.responseHeaders;
  const routeHeaders = !plan.headersOnBackends && Object.keys(headers).length > 0;
  const route: KObject = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: meta(app, app.name),
    spec: {
      parentRefs: [parent(gw.sectionName)],
      hostnames: [x.host],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: x.path } }],
          ...(routeHeaders ? { filters: [responseHeaderFilter(headers)] } : {}),
          backendRefs,
        },
      ],
    },
  };
  e.add(route, app.expose.origin);
  e.why(
    route,
    "/spec/parentRefs",
    `attached to the platform's Gateway ${gw.namespace ? `${gw.namespace}/` : ""}${gw.name}${x.tls ? ", whose listener terminates TLS" : ""}`,
  );
  e.why(route, "/spec/rules/0/backendRefs", plan.why);
  if (routeHeaders)
    e.why(route, "/spec/rules/0/filters", `response headers ${fmtHeaders(headers)} (expose.responseHeaders)`);
  out.push(route);
  if (x.redirectHttp && gw.httpSectionName) {
    const redirect: KObject = {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: meta(app, `${app.name}-https-redirect`),
      spec: {
        parentRefs: [parent(gw.httpSectionName)],
        hostnames: [x.host],
        rules: [
          { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
        ],
      },
    };
    e.add(redirect, `HTTP listener ${gw.httpSectionName} answers with a 301 to HTTPS`);
    out.push(redirect);
  }
  return out;
}

/** ReferenceGrant letting HTTPRoutes in the app namespace reference Services in `ns`. */
export function referenceGrant(app: ResolvedApp, e: Emitter, ns: string): KObject {
  const obj: KObject = {
    apiVersion: "gateway.networking.k8s.io/v1beta1",
    kind: "ReferenceGrant",
    metadata: meta(app, `${app.name}-from-${app.environment.namespace}`.slice(0, 63), {
      namespace: ns,
      track: "canary",
    }),
    spec: {
      from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: app.environment.namespace }],
      to: [{ group: "", kind: "Service", name: `${app.name}-canary` }],
    },
  };
  e.add(
    obj,
    `a route in ${app.environment.namespace} may only send traffic to a Service in ${ns} with a ReferenceGrant there (otherwise ResolvedRefs=False, RefNotPermitted)`,
  );
  return obj;
}

export function traefikWeighted(app: ResolvedApp, e: Emitter, backends: Backend[], why: string): KObject {
  const obj: KObject = {
    apiVersion: "traefik.io/v1alpha1",
    kind: "TraefikService",
    metadata: meta(app, `${app.name}-wrr`),
    spec: {
      weighted: {
        services: backends.map((b) => ({
          name: b.name,
          ...(b.namespace ? { namespace: b.namespace } : {}),
          port: b.port,
          ...(b.weight !== undefined ? { weight: b.weight } : {}),
          ...(b.middlewares && b.middlewares.length > 0
            ? { middlewares: b.middlewares.map((name) => ({ name })) }
            : {}),
        })),
      },
    },
  };
  e.add(obj, why);
  return obj;
}

function fmtHeaders(h: Record<string, string>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
}
