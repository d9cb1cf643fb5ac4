/**
 * The in-cluster evaluator for one app and environment (`kintent rollout manifests`): a CronJob (or a
 * Deployment) that clones the intent's repository and runs `kintent rollout run` — `--commit` where the
 * environment says `approval: start-only`, `--propose` (each step a pull request a person merges; the forge token
 * from the same Secret) where it says `every-step`, the default — bounded per run,
 * resumable from Git alone, so each run starts from a fresh clone and loses nothing when its pod goes away — and
 * the read-only RBAC it needs: get/list/watch on Argo CD Applications in Argo CD's namespace, nothing else.
 * Git credentials come from a Secret as an `http.extraHeader` (GIT_CONFIG_* variables: never on a command line).
 * Pure.
 */
import type { KObject } from "../../core/object.js";
import { VERSION } from "../../core/version.js";
import { LABELS } from "../../intent/defaults.js";
import { ARGOCD_NAMESPACE } from "../../render/argocd.js";

export interface EvaluatorOptions {
  app: string;
  env: string;
  /** The repository to clone (https URL). */
  repo: string;
  /** The branch the evaluator commits to. @default main */
  branch?: string;
  /** The intent directory inside the repository. @default "." */
  intentPath?: string;
  /** Namespace of the evaluator and of Argo CD's Applications. @default argocd */
  namespace?: string;
  /** Image with kintent and git. @default ghcr.io/kintent/kintent:<version> (deploy/rollout-evaluator) */
  image?: string;
  /** CronJob schedule; each run evaluates until `runFor` passes. @default every 5 minutes */
  schedule?: string;
  /** A long-running Deployment instead of a CronJob. */
  deployment?: boolean;
  /**
   * Secret holding `http-extra-header` (e.g. `Authorization: Basic …`) for git and, for `every-step`, the forge
   * token the pull requests are opened with (`forge-token`). @default kintent-rollout-git
   */
  gitSecret?: string;
  /** The environment's approval mode: how each step is delivered. @default every-step */
  approval?: "every-step" | "start-only";
}

export function evaluatorManifests(o: EvaluatorOptions): KObject[] {
  const ns = o.namespace ?? ARGOCD_NAMESPACE;
  const name = `kintent-rollout-${o.app}-${o.env}`.slice(0, 52).replace(/-+$/, "");
  const labels = {
    [LABELS.name]: "kintent-rollout",
    [LABELS.instance]: name,
    [LABELS.managedBy]: "kintent",
  };
  const meta = (n: string) => ({ name: n, namespace: ns, labels });
  const branch = o.branch ?? "main";
  const intentPath = o.intentPath ?? ".";
  const secret = o.gitSecret ?? "kintent-rollout-git";
  const runFor = o.deployment ? "1h" : "4m";
  // every-step: the evaluator proposes the next step (and stops until a person merges it); start-only: it commits.
  const propose = (o.approval ?? "every-step") === "every-step";
  const deliver = propose ? '--propose --base "$KINTENT_BRANCH"' : "--commit";
  const run = `kintent rollout run "$KINTENT_INTENT_PATH" --env "$KINTENT_ENV" --app "$KINTENT_APP" ${deliver} --for ${runFor} --argocd-namespace "$KINTENT_ARGOCD_NAMESPACE"`;
  const clone =
    'rm -rf /work/repo && git clone --quiet --branch "$KINTENT_BRANCH" "$KINTENT_REPO" /work/repo && cd /work/repo';
  // Exit 3 is "waiting" (the soak, the sync, too few measurements, or the run's time is up): a normal end for a
  // scheduled run, not a failed Job. Rolled back (1), a person decides (4) and errors (2) stay failures: the Job's
  // status is the alert.
  const once = `${run} || { rc=$?; [ "$rc" -eq 3 ] || exit "$rc"; }`;
  const script = o.deployment
    ? `while true; do (${clone} && ${once}); sleep 60; done`
    : `${clone} && ${once}`;
  const container = {
    name: "evaluator",
    image: o.image ?? `ghcr.io/kintent/kintent:${VERSION}`,
    command: ["/bin/sh", "-c", `set -e; ${script}`],
    env: [
      { name: "KINTENT_REPO", value: o.repo },
      { name: "KINTENT_BRANCH", value: branch },
      { name: "KINTENT_INTENT_PATH", value: intentPath },
      { name: "KINTENT_APP", value: o.app },
      { name: "KINTENT_ENV", value: o.env },
      { name: "KINTENT_ARGOCD_NAMESPACE", value: ns },
      { name: "HOME", value: "/work" },
      { name: "GIT_CONFIG_COUNT", value: "1" },
      { name: "GIT_CONFIG_KEY_0", value: "http.extraHeader" },
      {
        name: "GIT_CONFIG_VALUE_0",
        valueFrom: { secretKeyRef: { name: secret, key: "http-extra-header", optional: true } },
      },
      // The pull requests of every-step are opened with the forge's token (the variable each forge adapter reads).
      ...(propose
        ? ["GITHUB_TOKEN", "GITEA_TOKEN", "GITLAB_TOKEN"].map((v) => ({
            name: v,
            valueFrom: { secretKeyRef: { name: secret, key: "forge-token", optional: true } },
          }))
        : []),
      { name: "GIT_AUTHOR_NAME", value: "kintent rollout" },
      { name: "GIT_AUTHOR_EMAIL", value: "kintent@users.noreply.kintent.dev" },
      { name: "GIT_COMMITTER_NAME", value: "kintent rollout" },
      { name: "GIT_COMMITTER_EMAIL", value: "kintent@users.noreply.kintent.dev" },
    ],
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [
      { name: "work", mountPath: "/work" },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
  const podSpec = {
    serviceAccountName: name,
    automountServiceAccountToken: true, // reads Applications through the API (get/list/watch only)
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [container],
    volumes: [
      { name: "work", emptyDir: {} },
      { name: "tmp", emptyDir: {} },
    ],
  };
  const workload: KObject = o.deployment
    ? {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta(name),
        spec: {
          replicas: 1,
          strategy: { type: "Recreate" }, // never two evaluators of one rollout
          selector: { matchLabels: { [LABELS.instance]: name } },
          template: { metadata: { labels }, spec: podSpec },
        },
      }
    : {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: meta(name),
        spec: {
          schedule: o.schedule ?? "*/5 * * * *",
          concurrencyPolicy: "Forbid", // never two evaluators of one rollout
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            spec: {
              backoffLimit: 0,
              activeDeadlineSeconds: 290,
              template: { metadata: { labels }, spec: { ...podSpec, restartPolicy: "Never" } },
            },
          },
        },
      };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(name), automountServiceAccountToken: false },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta(name),
      rules: [{ apiGroups: ["argoproj.io"], resources: ["applications"], verbs: ["get", "list", "watch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(name),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
    },
    workload,
  ];
}
