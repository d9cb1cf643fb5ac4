/**
 * The cluster reader: a kubeconfig (file, `$KUBECONFIG`, in-cluster service account or ~/.kube/config) and a
 * context, and three verbs — list, get, watch. There is no method that writes: kintent changes clusters only
 * through Git. Every request is counted (`calls`), so tests and the benchmark can prove one list per kind and
 * namespace, whatever the number of pods.
 *
 * Requests go through `KubeConfig.applyToHTTPSOptions` (client-node's authentication: tokens, client
 * certificates, exec plugins, OIDC) and return the API server's JSON as is: evidence is quoted verbatim, so it
 * must not pass through client-node's typed models (they turn timestamps into Date objects). Watches use
 * client-node's `Watch`.
 */
import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { RequestOptions } from "node:https";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig, Watch } from "@kubernetes/client-node";
import { ToolError, UsageError } from "../core/errors.js";
import { collectionPath, resourceKind } from "./kinds.js";
import type { ResourceKind } from "./kinds.js";

/** A live object as the API server returns it. */
export interface LiveObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    creationTimestamp?: string;
    generation?: number;
    resourceVersion?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** One request (a 429 retried after Retry-After is still one request, with its retries counted). */
export interface ApiCall {
  verb: "list" | "get" | "watch";
  path: string;
  status: number;
  retries?: number;
}

export interface ConnectOptions {
  /** A kubeconfig file. @default $KUBECONFIG, the in-cluster service account, ~/.kube/config */
  kubeconfig?: string;
  /** A context of the kubeconfig. @default its current context */
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Per-request timeout. @default 30000 */
  timeoutMs?: number;
}

/** The result of listing one kind: its items, or why it was skipped. */
export type ListResult =
  | { items: LiveObject[]; resourceVersion: string }
  | { skipped: string; items: LiveObject[]; resourceVersion: "" };

const IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** Load the kubeconfig kintent should use, and select the context. */
export function loadKubeConfig(options: ConnectOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const kc = new KubeConfig();
  const explicit = options.kubeconfig ?? env.KUBECONFIG?.split(":").find((f) => f !== "");
  try {
    if (explicit !== undefined) {
      if (!existsSync(explicit)) throw new UsageError(`no kubeconfig at ${explicit}`);
      kc.loadFromFile(explicit);
    } else if (env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) {
      kc.loadFromCluster();
    } else {
      const home = join(env.HOME ?? homedir(), ".kube", "config");
      if (!existsSync(home))
        throw new UsageError(
          "no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or run inside a cluster with a service account",
        );
      kc.loadFromFile(home);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read the kubeconfig: ${(e as Error).message}`);
  }
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context))
      throw new UsageError(
        `the kubeconfig has no context \`${options.context}\` (it has: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(", ")})`,
      );
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster())
    throw new UsageError(
      "the kubeconfig names no current cluster: choose a context with --context (or platform environment `context`)",
    );
  return kc;
}

/** Read-only access to one cluster. */
export class ClusterReader {
  /** Every request made, in order. */
  readonly calls: ApiCall[] = [];
  private readonly timeoutMs: number;

  constructor(
    readonly kubeConfig: KubeConfig,
    options: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** `https://host:port (context name)`, for messages. */
  get where(): string {
    return `${this.kubeConfig.getCurrentCluster()?.server ?? "?"} (context ${this.kubeConfig.getCurrentContext()})`;
  }

  /** Number of list requests made. */
  get listCalls(): number {
    return this.calls.filter((c) => c.verb === "list").length;
  }

  /**
   * One list request for `kind` in `namespace` (undefined: every namespace, or a cluster-scoped kind). An
   * optional kind the server does not serve (404) or the role does not grant (403) is skipped, not an error.
   */
  async list(kind: string, namespace?: string): Promise<ListResult> {
    const r = resourceKind(kind);
    // resourceVersion=0: served from the API server's watch cache, as client-go's reflectors list — no etcd
    // range read of every pod and event; a snapshot a moment old is what a diagnosis wants anyway.
    const path = `${collectionPath(r, namespace)}?resourceVersion=0`;
    const res = await this.request("list", path, r.metadataOnly ? METADATA_LIST : undefined);
    if (res.status === 200) {
      const body = res.body as { items?: LiveObject[]; metadata?: { resourceVersion?: string } };
      const items = (body.items ?? []).map((o) => ({ apiVersion: r.apiVersion, kind: r.kind, ...o }));
      return { items, resourceVersion: body.metadata?.resourceVersion ?? "" };
    }
    return this.skipOrThrow(r, namespace, res);
  }

  private readonly discovered = new Map<string, Map<string, { plural: string; namespaced: boolean }>>();

  /**
   * List any kind (what an intent builds: ServiceAccounts, NetworkPolicies, Certificates, …), found through
   * discovery (one request per group-version, cached). A kind the server does not serve or the role does not
   * grant is skipped with the reason.
   */
  async listAny(apiVersion: string, kind: string, namespace: string | undefined): Promise<ListResult> {
    let kinds = this.discovered.get(apiVersion);
    if (!kinds) {
      kinds = new Map();
      const res = await this.request(
        "get",
        apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`,
      );
      if (res.status === 200)
        for (const r of (res.body as { resources?: { name: string; kind: string; namespaced: boolean }[] })
          .resources ?? [])
          if (!r.name.includes("/")) kinds.set(r.kind, { plural: r.name, namespaced: r.namespaced });
      this.discovered.set(apiVersion, kinds);
    }
    const info = kinds.get(kind);
    if (!info)
      return {
        skipped: `${kind} (${apiVersion}): not served by this cluster`,
        items: [],
        resourceVersion: "",
      };
    const r: ResourceKind = {
      kind,
      apiVersion,
      plural: info.plural,
      namespaced: info.namespaced,
      why: "",
      optional: true,
    };
    // A consistent read (from etcd): `kintent status` compares against what was just applied.
    const res = await this.request("list", collectionPath(r, namespace));
    if (res.status === 200) {
      const body = res.body as { items?: LiveObject[]; metadata?: { resourceVersion?: string } };
      return {
        items: (body.items ?? []).map((o) => ({ apiVersion, kind, ...o })),
        resourceVersion: body.metadata?.resourceVersion ?? "",
      };
    }
    return this.skipOrThrow(r, namespace, res);
  }

  /** One object, or undefined when it does not exist. */
  async get(kind: string, namespace: string | undefined, name: string): Promise<LiveObject | undefined> {
    const r = resourceKind(kind);
    const path = `${collectionPath(r, namespace)}/${encodeURIComponent(name)}`;
    const res = await this.request("get", path);
    if (res.status === 200) return { apiVersion: r.apiVersion, kind: r.kind, ...(res.body as LiveObject) };
    if (res.status === 404) return undefined;
    this.skipOrThrow({ ...r, optional: false }, namespace, res);
    return undefined;
  }

  /**
   * Watch `kind` from `resourceVersion`; `onEvent` gets each ADDED/MODIFIED/DELETED/BOOKMARK object. Resolves
   * with a function that stops the watch; `onDone` is called when the server ends it (the caller re-lists).
   */
  async watch(
    kind: string,
    namespace: string | undefined,
    resourceVersion: string,
    onEvent: (type: string, object: LiveObject) => void,
    onDone: (err: unknown) => void,
  ): Promise<() => void> {
    const r = resourceKind(kind);
    const path = collectionPath(r, namespace);
    this.calls.push({ verb: "watch", path, status: 200 });
    const controller = await new Watch(this.kubeConfig).watch(
      path,
      { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 },
      (type: string, object: LiveObject) =>
        onEvent(type, { apiVersion: r.apiVersion, kind: r.kind, ...object }),
      onDone,
    );
    return () => controller.abort();
  }

  private skipOrThrow(r: ResourceKind, namespace: string | undefined, res: Response): ListResult {
    const where = namespace === undefined ? "" : ` in ${namespace}`;
    if (r.optional && res.status === 404)
      return { skipped: `${r.kind}: not served by this cluster`, items: [], resourceVersion: "" };
    if (r.optional && res.status === 403)
      return {
        skipped: `${r.kind}: not granted to this identity (deploy/cluster-reader grants it)`,
        items: [],
        resourceVersion: "",
      };
    if (res.status === 401) throw new ToolError(`${this.where} refused the credentials (401 Unauthorized)`);
    if (res.status === 403)
      throw new ToolError(
        `${this.where}: not allowed to list ${r.plural}${where}: ${statusMessage(res.body)} — grant the read-only role in deploy/cluster-reader/`,
      );
    throw new ToolError(
      `${this.where}: listing ${r.plural}${where} answered ${res.status}: ${statusMessage(res.body)}`,
    );
  }

  /** One GET; 429 (too many requests, storage initializing) is retried after Retry-After, like client-go. */
  private async request(verb: ApiCall["verb"], path: string, accept?: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.requestOnce(path, accept);
      if (res.status !== 429 || attempt >= 5) {
        this.calls.push({ verb, path, status: res.status, ...(attempt > 0 ? { retries: attempt } : {}) });
        return res;
      }
      await new Promise((r) => setTimeout(r, Math.min(10, res.retryAfter ?? 1) * 1000));
    }
  }

  private async requestOnce(path: string, accept?: string): Promise<Response> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new UsageError("the kubeconfig names no current cluster");
    const url = new URL(cluster.server.replace(/\/+$/, "") + path);
    const options: RequestOptions = { method: "GET", headers: { Accept: accept ?? "application/json" } };
    try {
      await this.kubeConfig.applyToHTTPSOptions(options);
    } catch (e) {
      throw new ToolError(`${this.where}: cannot authenticate: ${(e as Error).message}`);
    }
    const send = url.protocol === "http:" ? httpRequest : httpsRequest;
    const res = await new Promise<Response>((resolve, reject) => {
      const req = send(url, options, (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("error", reject);
        r.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = text === "" ? undefined : JSON.parse(text);
          } catch {
            // not JSON; keep the text for the message
          }
          const retry = Number(r.headers["retry-after"]);
          resolve({
            status: r.statusCode ?? 0,
            body,
            ...(Number.isFinite(retry) ? { retryAfter: retry } : {}),
          });
        });
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on("error", reject);
      req.end();
    }).catch((e: unknown) => {
      const err = e as NodeJS.ErrnoException;
      throw new ToolError(
        `cannot reach the cluster at ${this.where}: ${err.code ? `${err.code} ` : ""}${err.message}`,
      );
    });
    return res;
  }
}

interface Response {
  status: number;
  body: unknown;
  retryAfter?: number;
}

/** Names and labels only: what a role without `get secrets` data needs is never fetched. */
const METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

function statusMessage(body: unknown): string {
  if (body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string")
    return (body as { message: string }).message;
  return typeof body === "string" ? body.slice(0, 200) : "";
}

/** Connect: load the kubeconfig and select the context (nothing is requested yet). */
export function connect(options: ConnectOptions = {}): ClusterReader {
  return new ClusterReader(
    loadKubeConfig(options),
    options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {},
  );
}
