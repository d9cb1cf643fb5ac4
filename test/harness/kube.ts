import { request } from "node:https";
import type { RequestOptions } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import { KubeConfig } from "@kubernetes/client-node";

/** What every test environment hands to a test. */
export interface KubeEnv {
  readonly kind: "api" | "cluster";
  /** A kubeconfig file for kubectl, helm and friends (admin credentials). */
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** @kubernetes/client-node configuration for the same credentials. */
  readonly kubeConfig: KubeConfig;
  /** gitVersion reported by the API server, e.g. "v1.36.3". */
  readonly kubernetesVersion: string;
  /** Stops every process of the environment and removes its temporary directory. Idempotent. */
  stop(): Promise<void>;
}

export interface KubeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
  text: string;
}

export interface KubeRequestOptions {
  method?: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

/** One raw request to the API server with the kubeconfig's credentials; never throws on HTTP errors. */
export async function kubeRequest(
  kc: KubeConfig,
  path: string,
  options: KubeRequestOptions = {},
): Promise<KubeResponse> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  const url = new URL(path, cluster.server);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  const httpsOptions: RequestOptions = {
    method: options.method ?? "GET",
    headers: {
      Accept: "application/json",
      ...(payload === undefined
        ? {}
        : {
            "Content-Type": options.contentType ?? "application/json",
            "Content-Length": Buffer.byteLength(payload),
          }),
    },
  };
  await kc.applyToHTTPSOptions(httpsOptions);
  return await new Promise<KubeResponse>((resolveResponse, reject) => {
    const req = request(url, httpsOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = text === "" ? undefined : JSON.parse(text);
        } catch {
          // not JSON (e.g. /readyz); keep the text
        }
        resolveResponse({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
      res.on("error", reject);
    });
    req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy(new Error(`request timed out: ${path}`)));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Builds a client-node KubeConfig for a server and bearer token or client certificate. */
export function makeKubeConfig(options: {
  server: string;
  caData?: string;
  token?: string;
  clientCertData?: string;
  clientKeyData?: string;
  name?: string;
}): KubeConfig {
  const name = options.name ?? "kintent-test";
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: options.server,
        ...(options.caData ? { caData: options.caData } : { skipTLSVerify: true }),
      },
    ],
    users: [
      {
        name: "admin",
        ...(options.token ? { token: options.token } : {}),
        ...(options.clientCertData ? { certData: options.clientCertData } : {}),
        ...(options.clientKeyData ? { keyData: options.clientKeyData } : {}),
      },
    ],
    contexts: [{ name, cluster: name, user: "admin", namespace: "default" }],
    currentContext: name,
  });
  return kc;
}

/** A Kubernetes object as tests hand it over: plain JSON with apiVersion, kind and metadata. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; generateName?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

const discoveryCache = new WeakMap<KubeConfig, Map<string, Map<string, ResourceInfo>>>();

async function discoverGroupVersion(kc: KubeConfig, apiVersion: string): Promise<Map<string, ResourceInfo>> {
  const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const res = await kubeRequest(kc, path);
  const kinds = new Map<string, ResourceInfo>();
  if (res.status !== 200) return kinds;
  const list = res.body as { resources?: { name: string; kind: string; namespaced: boolean }[] };
  for (const r of list.resources ?? []) {
    if (r.name.includes("/")) continue; // subresources
    kinds.set(r.kind, { plural: r.name, namespaced: r.namespaced });
  }
  return kinds;
}

/** Maps apiVersion + kind to its REST resource, through discovery (cached; refreshed once on a miss). */
export async function resolveResource(
  kc: KubeConfig,
  apiVersion: string,
  kind: string,
): Promise<ResourceInfo | undefined> {
  let byGv = discoveryCache.get(kc);
  if (!byGv) {
    byGv = new Map();
    discoveryCache.set(kc, byGv);
  }
  let kinds = byGv.get(apiVersion);
  if (!kinds?.has(kind)) {
    kinds = await discoverGroupVersion(kc, apiVersion);
    byGv.set(apiVersion, kinds);
  }
  return kinds.get(kind);
}

/** The REST path of an object (or of its collection when `name` is omitted). */
export function resourcePath(
  apiVersion: string,
  info: ResourceInfo,
  namespace: string | undefined,
  name?: string,
): string {
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? "default")}` : "";
  return `${base}${ns}/${info.plural}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
}

/** A Kubernetes Status cause as the server reports it. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The server's verdict on one object. */
export interface DryRunResult {
  object: { apiVersion: string; kind: string; namespace?: string; name: string };
  /** True when the server accepted the object. */
  ok: boolean;
  /** HTTP status (200/201 when accepted, 0 when the kind is not served at all). */
  status: number;
  /** The server's message for a rejection, verbatim. */
  message?: string;
  /** Status reason, e.g. "BadRequest", "Invalid", "NotFound". */
  reason?: string;
  causes: StatusCause[];
  /** `Warning:` headers the server sent (deprecations, ignored fields). */
  warnings: string[];
  /** The object as the server would store it (defaults applied), when it accepted it. */
  returned?: KubeObject;
}

export interface DryRunOptions {
  /**
   * "apply" = server-side apply (like `kubectl apply --server-side --dry-run=server`), "create" = POST.
   * @default "apply"
   */
  mode?: "apply" | "create";
  /** Create (for real) the namespaces the objects live in, with a default ServiceAccount. @default true */
  createNamespaces?: boolean;
  /** @default "kintent-test" */
  fieldManager?: string;
}

function parseWarnings(headers: IncomingHttpHeaders): string[] {
  const raw = headers.warning as string | string[] | undefined;
  if (raw === undefined) return [];
  const values = Array.isArray(raw) ? raw : [raw];
  // RFC 7234 warn-code warn-agent "warn-text"
  return values.map((v) => /^\d{3} \S+ "(.*)"$/.exec(v)?.[1]?.replaceAll('\\"', '"') ?? v);
}

/** Ensures a namespace (and its default ServiceAccount, which admission requires for Pods) exists. */
export async function ensureNamespace(kc: KubeConfig, namespace: string): Promise<void> {
  const ns = await kubeRequest(kc, "/api/v1/namespaces", {
    method: "POST",
    body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
  });
  if (ns.status !== 201 && ns.status !== 409) {
    throw new Error(`creating namespace ${namespace}: HTTP ${ns.status} ${ns.text}`);
  }
  const sa = await kubeRequest(kc, `/api/v1/namespaces/${namespace}/serviceaccounts`, {
    method: "POST",
    body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace } },
  });
  if (sa.status !== 201 && sa.status !== 409) {
    throw new Error(`creating serviceaccount ${namespace}/default: HTTP ${sa.status} ${sa.text}`);
  }
}

/**
 * Submits objects with server-side dry run (`dryRun=All`) and strict field validation
 * (`fieldValidation=Strict`), one request per object, and returns the server's verdict for each, in order.
 * Nothing is persisted except the namespaces the objects need (see {@link DryRunOptions.createNamespaces}).
 */
export async function dryRunApply(
  env: Pick<KubeEnv, "kubeConfig">,
  objects: readonly KubeObject[],
  options: DryRunOptions = {},
): Promise<DryRunResult[]> {
  const kc = env.kubeConfig;
  const mode = options.mode ?? "apply";
  const fieldManager = options.fieldManager ?? "kintent-test";
  const infos = await Promise.all(objects.map((o) => resolveResource(kc, o.apiVersion, o.kind)));
  if (options.createNamespaces ?? true) {
    const namespaces = new Set<string>();
    objects.forEach((o, i) => {
      if (infos[i]?.namespaced) namespaces.add(o.metadata?.namespace ?? "default");
    });
    for (const ns of [...namespaces].sort()) await ensureNamespace(kc, ns);
  }
  const results: DryRunResult[] = [];
  for (const [i, object] of objects.entries()) {
    const info = infos[i];
    const name = object.metadata?.name ?? object.metadata?.generateName ?? "";
    const namespace = info?.namespaced ? (object.metadata?.namespace ?? "default") : undefined;
    const id = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name,
      ...(namespace === undefined ? {} : { namespace }),
    };
    if (!info) {
      results.push({
        object: id,
        ok: false,
        status: 0,
        reason: "NotServed",
        message: `the server does not serve ${object.kind} in ${object.apiVersion}`,
        causes: [],
        warnings: [],
      });
      continue;
    }
    const query = { dryRun: "All", fieldValidation: "Strict", fieldManager };
    const res =
      mode === "apply"
        ? await kubeRequest(
            kc,
            resourcePath(object.apiVersion, info, namespace, object.metadata?.name ?? ""),
            {
              method: "PATCH",
              query: { ...query, force: true },
              body: object,
              contentType: "application/apply-patch+yaml",
            },
          )
        : await kubeRequest(kc, resourcePath(object.apiVersion, info, namespace), {
            method: "POST",
            query,
            body: object,
          });
    const ok = res.status >= 200 && res.status < 300;
    const status = (ok ? {} : res.body) as {
      message?: string;
      reason?: string;
      details?: { causes?: StatusCause[] };
    };
    results.push({
      object: id,
      ok,
      status: res.status,
      ...(ok
        ? {}
        : { message: status.message ?? res.text, ...(status.reason ? { reason: status.reason } : {}) }),
      causes: status.details?.causes ?? [],
      warnings: parseWarnings(res.headers),
      ...(ok && typeof res.body === "object" && res.body !== null
        ? { returned: res.body as KubeObject }
        : {}),
    });
  }
  return results;
}

/** Server-side applies objects for real (for the cluster environment); throws with the server's message. */
export async function applyObjects(
  env: Pick<KubeEnv, "kubeConfig">,
  objects: readonly KubeObject[],
  fieldManager = "kintent-test",
): Promise<void> {
  const kc = env.kubeConfig;
  for (const object of objects) {
    const info = await resolveResource(kc, object.apiVersion, object.kind);
    if (!info) throw new Error(`the server does not serve ${object.kind} in ${object.apiVersion}`);
    const namespace = info.namespaced ? (object.metadata?.namespace ?? "default") : undefined;
    if (namespace !== undefined) await ensureNamespace(kc, namespace);
    const res = await kubeRequest(
      kc,
      resourcePath(object.apiVersion, info, namespace, object.metadata?.name ?? ""),
      {
        method: "PATCH",
        query: { fieldManager, force: true, fieldValidation: "Strict" },
        body: object,
        contentType: "application/apply-patch+yaml",
      },
    );
    if (res.status < 200 || res.status >= 300) {
      const message = (res.body as { message?: string } | undefined)?.message ?? res.text;
      throw new Error(
        `applying ${object.kind} ${namespace ?? ""}/${object.metadata?.name ?? ""}: ${message}`,
      );
    }
  }
}

/** The server's gitVersion from /version. */
export async function serverVersion(kc: KubeConfig): Promise<string> {
  const res = await kubeRequest(kc, "/version");
  const body = res.body as { gitVersion?: string };
  if (res.status !== 200 || !body.gitVersion) throw new Error(`GET /version: HTTP ${res.status} ${res.text}`);
  return body.gitVersion;
}
