/**
 * Argo CD Applications (one per app and environment) or one ApplicationSet per app with a list generator.
 * Pure: resolved intent in, objects out. The runbook reads {@link applicationFacts} so it names the same
 * Application, path and sync policy as the objects do.
 */
import { UsageError } from "../core/errors.js";
import type { KObject } from "../core/object.js";
import type { EnvironmentFacts, ResolvedApp } from "../intent/types.js";
import { LABELS } from "../intent/defaults.js";
import type { AppEnvironments } from "../compile/types.js";

/** Namespace Argo CD runs in and watches for Applications. @default "argocd" */
export const ARGOCD_NAMESPACE = "argocd";

/** Name of the kintent Config Management Plugin (deploy/argocd-cmp, issue #7). */
export const CMP_NAME = "kintent";

/** Env var the plugin reads to pick the environment (Argo CD passes it as ARGOCD_ENV_KINTENT_ENV). */
export const CMP_ENV_VAR = "KINTENT_ENV";

/**
 * Sync options on every Application.
 * - `CreateNamespace=true`: a new cluster or environment syncs on the first try instead of failing with
 *   "namespace not found"; Argo CD only creates a missing namespace and never modifies an existing one.
 *   Where the platform sets `createNamespace: true`, the manifests also carry the Namespace object with its
 *   Pod Security labels, which Argo CD applies on top.
 * - `PruneLast=true`: objects that disappeared from Git are deleted only after everything else is synced and
 *   healthy, so a renamed Service or ConfigMap never leaves the app without one mid-sync.
 */
export const SYNC_OPTIONS = ["CreateNamespace=true", "PruneLast=true"] as const;

/** Where Argo CD reads an Application's manifests. */
export type ArgoSourceMode = "git" | "plugin";

export interface ArgoOptions {
  /** Repository URL; @default platform.spec.gitops.repo */
  repo?: string;
  /** Git revision. @default platform.spec.gitops.revision (main) */
  revision?: string;
  /**
   * Serve manifests with the kintent Config Management Plugin from the intent directory at this path of the
   * repository, instead of reading rendered manifests at the GitOps path.
   */
  pluginPath?: string;
  /** Namespace of the Application objects. @default {@link ARGOCD_NAMESPACE} */
  namespace?: string;
}

/** The repository is unknown: neither the platform nor the caller names it. A usage error. */
export class ArgoSourceError extends UsageError {
  override name = "ArgoSourceError";
}

export interface ApplicationFacts {
  name: string;
  namespace: string;
  project: string;
  mode: ArgoSourceMode;
  /** Undefined only when the platform has no gitops.repo and none was given. */
  repoURL?: string;
  targetRevision: string;
  /** Path in the repository: the GitOps path (`apps/{app}/{env}`) or the intent directory (plugin). */
  path: string;
  destination: { server: string; namespace: string };
  sync: EnvironmentFacts["sync"];
  syncPolicy: Record<string, unknown>;
}

/** The GitOps path of an app in an environment: the platform's template with `{app}` and `{env}` filled in. */
export function gitopsPath(app: ResolvedApp): string {
  return app.platform.gitops.path.replaceAll("{app}", app.name).replaceAll("{env}", app.environment.name);
}

/** The Application name for an app in an environment: `<app>-<env>`. */
export function applicationName(app: string, env: string): string {
  return `${app}-${env}`;
}

/**
 * Sync policy of an environment: `auto` → automated with prune and selfHeal as the platform says
 * (`{auto: true, prune: false}` → selfHeal without prune); `manual` → no automated block.
 */
export function syncPolicy(sync: EnvironmentFacts["sync"]): Record<string, unknown> {
  return {
    ...(sync.auto ? { automated: { prune: sync.prune, selfHeal: sync.selfHeal } } : {}),
    syncOptions: [...SYNC_OPTIONS],
  };
}

export function applicationFacts(app: ResolvedApp, options: ArgoOptions = {}): ApplicationFacts {
  const env = app.environment;
  const repoURL = options.repo ?? app.platform.gitops.repo;
  const plugin = options.pluginPath !== undefined;
  return {
    name: applicationName(app.name, env.name),
    namespace: options.namespace ?? ARGOCD_NAMESPACE,
    project: env.project,
    mode: plugin ? "plugin" : "git",
    ...(repoURL !== undefined ? { repoURL } : {}),
    targetRevision: options.revision ?? app.platform.gitops.revision,
    path: plugin ? normalizeRepoPath(options.pluginPath ?? ".") : gitopsPath(app),
    destination: { server: env.cluster, namespace: env.namespace },
    sync: env.sync,
    syncPolicy: syncPolicy(env.sync),
  };
}

function normalizeRepoPath(p: string): string {
  const clean = p
    .replace(/\\/g, "/")
    .replace(/^\.\/+/, "")
    .replace(/\/+$/, "");
  return clean === "" ? "." : clean;
}

/**
 * What the Application deploys in this environment, as the platform and intent resolve it: image, pull
 * secrets, replicas, memory, node placement, storage class. Annotations, so a reviewer of the Argo CD
 * objects sees how environments differ without opening the manifests.
 */
export function deploymentSummary(app: ResolvedApp): Record<string, string> {
  const out: Record<string, string> = {};
  const p = SUMMARY_PREFIX;
  out[`${p}/image`] = app.image.value;
  if (app.imagePullSecrets.value.length > 0)
    out[`${p}/image-pull-secrets`] = app.imagePullSecrets.value.join(",");
  out[`${p}/replicas`] = app.autoscaling
    ? `${app.autoscaling.value.min}-${app.autoscaling.value.max}`
    : String(app.replicas.value);
  const r = app.resources.value;
  if (r.requests.memory !== undefined || r.limits.memory !== undefined)
    out[`${p}/memory`] = `${r.requests.memory ?? "-"}/${r.limits.memory ?? "-"}`;
  const s = app.scheduling.value;
  const affinity = Object.entries(s.nodeAffinity).map(([k, v]) => `${k}=${v.join("|")}`);
  if (affinity.length > 0) out[`${p}/node-affinity`] = affinity.join(",");
  const selector = Object.entries(s.nodeSelector).map(([k, v]) => `${k}=${v}`);
  if (selector.length > 0) out[`${p}/node-selector`] = selector.join(",");
  const classes = [...new Set(app.storage.map((x) => x.storageClass).filter((c) => c !== undefined))];
  if (classes.length > 0) out[`${p}/storage-class`] = classes.join(",");
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Prefix of the summary annotations. */
export const SUMMARY_PREFIX = "summary.kintent.dev";

function labels(app: string, env?: string): Record<string, string> {
  return {
    [LABELS.managedBy]: "kintent",
    [LABELS.name]: app,
    ...(env !== undefined ? { [LABELS.environment]: env } : {}),
  };
}

function requireRepo(facts: ApplicationFacts, app: string): string {
  if (facts.repoURL === undefined)
    throw new ArgoSourceError(
      `${app}: no GitOps repository — set platform.spec.gitops.repo, or pass --repo <url>`,
    );
  return facts.repoURL;
}

function source(facts: ApplicationFacts, repoURL: string, env: string): Record<string, unknown> {
  return {
    repoURL,
    targetRevision: facts.targetRevision,
    path: facts.path,
    ...(facts.mode === "plugin"
      ? { plugin: { name: CMP_NAME, env: [{ name: CMP_ENV_VAR, value: env }] } }
      : {}),
  };
}

/** One Application per environment of one app. */
export function renderApplication(app: ResolvedApp, options: ArgoOptions = {}): KObject {
  const facts = applicationFacts(app, options);
  const repoURL = requireRepo(facts, app.name);
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: facts.name,
      namespace: facts.namespace,
      labels: labels(app.name, app.environment.name),
      annotations: deploymentSummary(app),
    },
    spec: {
      project: facts.project,
      source: source(facts, repoURL, app.environment.name),
      destination: facts.destination,
      syncPolicy: facts.syncPolicy,
    },
  };
}

/** Applications for every app and environment, apps by name, environments in platform order. */
export function renderApplications(apps: readonly AppEnvironments[], options: ArgoOptions = {}): KObject[] {
  return apps.flatMap((a) => a.environments.map((e) => renderApplication(e.app, options)));
}

/**
 * The templatePatch that adds `automated` only where the environment syncs automatically: a template field
 * cannot be left out conditionally, and Argo CD reads an empty `automated: {}` as "automated".
 */
export const TEMPLATE_PATCH = [
  "{{- if .automated }}",
  "spec:",
  "  syncPolicy:",
  "    automated:",
  "      prune: {{ .prune }}",
  "      selfHeal: {{ .selfHeal }}",
  "{{- end }}",
  "metadata:",
  "  annotations: {{ toJson .summary }}",
  "",
].join("\n");

/**
 * One ApplicationSet per app: a list generator with one element per environment (cluster, namespace,
 * project, path, sync policy, deployment summary) and a Go template that yields exactly the Applications
 * {@link renderApplication} writes. Deleting the ApplicationSet keeps the workloads
 * (`preserveResourcesOnDeletion`): removing a generator file must never take production down.
 */
export function renderApplicationSet(app: AppEnvironments, options: ArgoOptions = {}): KObject {
  const first = app.environments[0];
  if (!first) throw new Error(`${app.name}: no environments to render`);
  const base = applicationFacts(first.app, options);
  const repoURL = requireRepo(base, app.name);
  const elements = app.environments.map((e) => {
    const f = applicationFacts(e.app, options);
    requireRepo(f, app.name);
    return {
      env: e.env,
      cluster: f.destination.server,
      namespace: f.destination.namespace,
      project: f.project,
      path: f.path,
      automated: f.sync.auto,
      prune: f.sync.prune,
      selfHeal: f.sync.selfHeal,
      summary: deploymentSummary(e.app),
    };
  });
  const plugin = base.mode === "plugin";
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: app.name, namespace: base.namespace, labels: labels(app.name) },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [{ list: { elements } }],
      syncPolicy: { preserveResourcesOnDeletion: true },
      template: {
        metadata: {
          name: `${app.name}-{{.env}}`,
          namespace: base.namespace,
          labels: labels(app.name, "{{.env}}"),
        },
        spec: {
          project: "{{.project}}",
          source: {
            repoURL,
            targetRevision: base.targetRevision,
            path: plugin ? base.path : "{{.path}}",
            ...(plugin
              ? { plugin: { name: CMP_NAME, env: [{ name: CMP_ENV_VAR, value: "{{.env}}" }] } }
              : {}),
          },
          destination: { server: "{{.cluster}}", namespace: "{{.namespace}}" },
          syncPolicy: { syncOptions: [...SYNC_OPTIONS] },
        },
      },
      templatePatch: TEMPLATE_PATCH,
    },
  };
}
