/**
 * What controllers report in status: claims the PV controller cannot bind, autoscalers without metrics,
 * disruption budgets that allow no eviction, Argo Rollouts canaries that aborted (with the AnalysisRun's
 * measured values), Argo CD Applications out of sync or degraded. Status shapes are the controllers' own
 * (argo-rollouts pkg/apis/rollouts/v1alpha1, argo-cd pkg/apis/application/v1alpha1).
 */
import type { LiveObject } from "../client.js";
import type { AnalyzerDefinition, Diagnosis, FieldEvidence } from "../diagnosis.js";
import { closestName, eventsOf, fingerprintOf, isRecord, refOfLive, str } from "../diagnosis.js";

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

const conditions = (o: LiveObject): Condition[] =>
  (o.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];

const pvcPending: AnalyzerDefinition = {
  id: "pvc-pending",
  title: "PersistentVolumeClaim stuck Pending",
  description:
    "A claim stays Pending: its StorageClass does not exist (says which one does), provisioning failed, or no volume matches — as the PV controller's events say. A claim waiting for its first consumer (WaitForFirstConsumer) is not reported.",
  remediation: "Name a StorageClass that exists (platform `storageClass`), or fix the provisioner.",
  kinds: ["PersistentVolumeClaim", "StorageClass", "Event"],
  staticCounterpart: "the built claim's storageClassName exists in the cluster",
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    const classesRead = !snapshot.skipped.some((s) => s.startsWith("StorageClass"));
    for (const pvc of snapshot.list("PersistentVolumeClaim")) {
      if ((pvc.status as { phase?: string } | undefined)?.phase !== "Pending") continue;
      const events = eventsOf(snapshot, pvc, (e) =>
        [
          "ProvisioningFailed",
          "FailedBinding",
          "WaitForFirstConsumer",
          "ExternalProvisioning",
          "Provisioning",
        ].includes(e.reason),
      );
      if (events[0]?.reason === "WaitForFirstConsumer") continue;
      const cls = str((pvc.spec as { storageClassName?: string } | undefined)?.storageClassName);
      const classMissing =
        cls !== undefined && cls !== "" && classesRead && !snapshot.find("StorageClass", undefined, cls);
      const failed = events.find((e) => e.reason === "ProvisioningFailed" || e.reason === "FailedBinding");
      if (!classMissing && !failed) continue;
      const candidate =
        classMissing && cls ? closestName(snapshot, "StorageClass", undefined, cls) : undefined;
      const variant = classMissing
        ? "storage-class-not-found"
        : failed?.reason === "ProvisioningFailed"
          ? "provisioning-failed"
          : "no-volume";
      out.push({
        analyzer: "pvc-pending",
        variant,
        severity: "error",
        object: refOfLive(pvc),
        objects: [refOfLive(pvc)],
        cause:
          variant === "storage-class-not-found"
            ? `The claim asks for StorageClass ${cls}, which does not exist${candidate ? ` (\`${candidate}\` does)` : ""}, so no volume is provisioned and its pods stay Pending.`
            : variant === "provisioning-failed"
              ? `Provisioning a volume for the claim failed: ${failed?.message ?? ""}.`
              : `No volume can be bound to the claim: ${failed?.message ?? ""}.`,
        fields: [
          { object: refOfLive(pvc), path: "status.phase", value: "Pending" },
          { object: refOfLive(pvc), path: "spec.storageClassName", value: cls ?? null },
        ],
        events,
        ...(classMissing && cls
          ? { didYouMean: { kind: "StorageClass", missing: cls, ...(candidate ? { candidate } : {}) } }
          : {}),
        facts: cls ? { storageClass: cls } : {},
        fingerprint: fingerprintOf(["pvc-pending", variant, pvc.metadata.namespace, pvc.metadata.name]),
      });
    }
    return out;
  },
};

const hpaMetrics: AnalyzerDefinition = {
  id: "hpa-metrics",
  title: "HorizontalPodAutoscaler cannot read its metrics",
  description:
    "An autoscaler reports ScalingActive=False (FailedGetResourceMetric, FailedGetExternalMetric, …) or AbleToScale=False: it cannot read the metrics it scales on (no metrics-server, missing requests, an adapter down), so it does not scale.",
  remediation:
    "Install metrics-server (or the metrics adapter), and give every container CPU/memory requests the target is expressed in.",
  kinds: ["HorizontalPodAutoscaler", "Event"],
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const hpa of snapshot.list("HorizontalPodAutoscaler")) {
      const bad = conditions(hpa).filter(
        (c) => (c.type === "ScalingActive" || c.type === "AbleToScale") && c.status === "False",
      );
      if (bad.length === 0) continue;
      const first = bad[0];
      const target = (
        hpa.spec as { scaleTargetRef?: { kind: string; name: string; apiVersion?: string } } | undefined
      )?.scaleTargetRef;
      out.push({
        analyzer: "hpa-metrics",
        variant: first?.reason ?? "unknown",
        severity: "warning",
        object: refOfLive(hpa),
        objects: [refOfLive(hpa)],
        ...(target
          ? {
              owner: {
                apiVersion: target.apiVersion ?? "apps/v1",
                kind: target.kind,
                name: target.name,
                ...(hpa.metadata.namespace ? { namespace: hpa.metadata.namespace } : {}),
              },
            }
          : {}),
        cause: `The autoscaler cannot scale ${target ? `${target.kind} ${target.name}` : "its target"}: ${first?.message ?? first?.reason ?? ""}.`,
        fields: bad.map((c): FieldEvidence => ({
          object: refOfLive(hpa),
          path: `status.conditions[${c.type}]`,
          value: c,
        })),
        events: eventsOf(snapshot, hpa, (e) => e.type === "Warning"),
        facts: {},
        fingerprint: fingerprintOf(["hpa-metrics", first?.reason, hpa.metadata.namespace, hpa.metadata.name]),
      });
    }
    return out;
  },
};

const pdbBlocking: AnalyzerDefinition = {
  id: "pdb-blocking",
  title: "PodDisruptionBudget allows no eviction",
  description:
    "A budget with pods allows zero disruptions: node drains and cluster upgrades hang on it. Either it is stricter than the replica count (minAvailable equal to the replicas, maxUnavailable 0: `misconfigured`), or too few of its pods are healthy (`unhealthy`).",
  remediation: "Run more replicas than minAvailable (or set maxUnavailable ≥ 1); make the pods healthy.",
  kinds: ["PodDisruptionBudget"],
  staticCounterpart: "pdb-blocks-evictions (validator)",
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const pdb of snapshot.list("PodDisruptionBudget")) {
      const st = (pdb.status ?? {}) as {
        disruptionsAllowed?: number;
        expectedPods?: number;
        currentHealthy?: number;
        desiredHealthy?: number;
        observedGeneration?: number;
      };
      if (
        st.observedGeneration === undefined ||
        (st.expectedPods ?? 0) === 0 ||
        (st.disruptionsAllowed ?? 0) > 0
      )
        continue;
      const unhealthy = (st.currentHealthy ?? 0) < (st.desiredHealthy ?? 0);
      const variant = unhealthy ? "unhealthy" : "misconfigured";
      const spec = (pdb.spec ?? {}) as { minAvailable?: number | string; maxUnavailable?: number | string };
      out.push({
        analyzer: "pdb-blocking",
        variant,
        severity: variant === "misconfigured" ? "error" : "warning",
        object: refOfLive(pdb),
        objects: [refOfLive(pdb)],
        cause:
          variant === "misconfigured"
            ? `The budget (${spec.minAvailable !== undefined ? `minAvailable ${spec.minAvailable}` : `maxUnavailable ${spec.maxUnavailable}`}) allows 0 disruptions with all ${st.currentHealthy ?? 0} pod(s) healthy, so every eviction — a node drain, an upgrade — is refused.`
            : `Only ${st.currentHealthy ?? 0} of the ${st.desiredHealthy ?? 0} pods the budget requires are healthy, so every eviction is refused until they recover.`,
        fields: [
          { object: refOfLive(pdb), path: "spec", value: spec },
          {
            object: refOfLive(pdb),
            path: "status",
            value: {
              disruptionsAllowed: st.disruptionsAllowed ?? 0,
              currentHealthy: st.currentHealthy,
              desiredHealthy: st.desiredHealthy,
              expectedPods: st.expectedPods,
            },
          },
        ],
        events: eventsOf(snapshot, pdb, (e) => e.type === "Warning"),
        facts: {},
        fingerprint: fingerprintOf(["pdb-blocking", variant, pdb.metadata.namespace, pdb.metadata.name]),
      });
    }
    return out;
  },
};

interface Measurement {
  phase?: string;
  value?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}
interface MetricResult {
  name: string;
  phase?: string;
  count?: number;
  successful?: number;
  failed?: number;
  inconclusive?: number;
  error?: number;
  message?: string;
  measurements?: Measurement[];
}

/** The AnalysisRun a Rollout names in its status, else its newest unsuccessful one. */
function analysisRunOf(
  snapshot: Parameters<AnalyzerDefinition["analyze"]>[0]["snapshot"],
  ro: LiveObject,
): LiveObject | undefined {
  const canary = (ro.status as { canary?: Record<string, { name?: string }> } | undefined)?.canary ?? {};
  for (const k of ["currentStepAnalysisRunStatus", "currentBackgroundAnalysisRunStatus"]) {
    const name = canary[k]?.name;
    const run = name ? snapshot.find("AnalysisRun", ro.metadata.namespace, name) : undefined;
    if (run) return run;
  }
  return snapshot
    .list("AnalysisRun", ro.metadata.namespace)
    .filter((r) =>
      r.metadata.ownerReferences?.some((o) => o.kind === "Rollout" && o.name === ro.metadata.name),
    )
    .filter((r) =>
      ["Failed", "Error", "Inconclusive"].includes(
        String((r.status as { phase?: string } | undefined)?.phase),
      ),
    )
    .sort((a, b) =>
      (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""),
    )[0];
}

const rolloutDegraded: AnalyzerDefinition = {
  id: "rollout-degraded",
  title: "Argo Rollouts canary aborted or degraded",
  description:
    "A Rollout is Degraded or aborted: its canary analysis failed (with the metric's measured values and limits from the AnalysisRun), its progress deadline passed, or its pods fail. A paused canary is intentional and not reported.",
  remediation:
    "Read the failed measurements: fix the canary or its gate, then deploy again (kintent proposes the last healthy revision as a rollback).",
  kinds: ["Rollout", "AnalysisRun", "Event"],
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const ro of snapshot.list("Rollout")) {
      const st = (ro.status ?? {}) as {
        phase?: string;
        message?: string;
        abort?: boolean;
        currentStepIndex?: number;
        canary?: { weights?: unknown };
      };
      const progressing = conditions(ro).find((c) => c.type === "Progressing");
      const aborted = st.abort === true || progressing?.reason === "RolloutAborted";
      const deadline = progressing?.reason === "ProgressDeadlineExceeded";
      if (!aborted && !deadline && st.phase !== "Degraded") continue;
      const run = analysisRunOf(snapshot, ro);
      const results = (
        (run?.status as { metricResults?: MetricResult[] } | undefined)?.metricResults ?? []
      ).filter((m) => m.phase && m.phase !== "Successful");
      const measured = results
        .map((m) => {
          const values = (m.measurements ?? []).map((x) => `${x.value ?? "?"} (${x.phase ?? "?"})`);
          return `${m.name}: ${values.join(", ") || "no measurement"}${m.failed !== undefined ? ` — ${m.failed} failed of ${m.count ?? values.length}` : ""}`;
        })
        .join("; ");
      const variant =
        aborted && run
          ? "analysis-failed"
          : aborted
            ? "aborted"
            : deadline
              ? "progress-deadline"
              : "degraded";
      const fields: FieldEvidence[] = [
        { object: refOfLive(ro), path: "status.phase", value: st.phase },
        ...(st.message ? [{ object: refOfLive(ro), path: "status.message", value: st.message }] : []),
        ...(st.currentStepIndex !== undefined
          ? [{ object: refOfLive(ro), path: "status.currentStepIndex", value: st.currentStepIndex }]
          : []),
        ...(st.canary?.weights
          ? [{ object: refOfLive(ro), path: "status.canary.weights", value: st.canary.weights }]
          : []),
        ...(progressing
          ? [{ object: refOfLive(ro), path: "status.conditions[Progressing]", value: progressing }]
          : []),
        ...(run
          ? [
              {
                object: refOfLive(run),
                path: "status.phase",
                value: (run.status as { phase?: string }).phase,
              },
            ]
          : []),
        ...results.map((m): FieldEvidence => ({
          object: refOfLive(run ?? ro),
          path: `status.metricResults[${m.name}]`,
          value: m,
        })),
      ];
      out.push({
        analyzer: "rollout-degraded",
        variant,
        severity: "error",
        object: refOfLive(ro),
        objects: [refOfLive(ro)],
        cause:
          variant === "analysis-failed"
            ? `The canary was aborted because its analysis ${run?.metadata.name ?? ""} failed${measured ? ` — measured ${measured}` : ""}; traffic went back to the stable version.`
            : variant === "aborted"
              ? `The canary was aborted${st.message ? `: ${st.message}` : ""}; traffic went back to the stable version.`
              : variant === "progress-deadline"
                ? `The rollout did not progress within its deadline: ${progressing?.message ?? ""}.`
                : `The rollout is Degraded: ${st.message ?? progressing?.message ?? ""}.`,
        fields,
        events: [
          ...eventsOf(snapshot, ro, (e) => e.type === "Warning"),
          ...(run ? eventsOf(snapshot, run, (e) => e.type === "Warning") : []),
        ],
        facts: { ...(run ? { analysisRun: run.metadata.name } : {}) },
        fingerprint: fingerprintOf([
          "rollout-degraded",
          variant,
          ro.metadata.namespace,
          ro.metadata.name,
          str(isRecord(ro.status) ? (ro.status as { currentPodHash?: string }).currentPodHash : undefined),
        ]),
      });
    }
    return out;
  },
};

const argocdApp: AnalyzerDefinition = {
  id: "argocd-app",
  title: "Argo CD Application out of sync, degraded or failing to sync",
  description:
    "The Argo CD Application that deploys into the namespace is OutOfSync, its health is Degraded or Missing, or its last sync operation failed; reports the sync revision, the operation's message and the resources that are not healthy.",
  remediation:
    "Read the operation's message and the unhealthy resources; fix the manifests in Git (kintent proposes fixes) or sync.",
  kinds: ["Application"],
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const app of snapshot.list("Application")) {
      const dest = (app.spec as { destination?: { namespace?: string } } | undefined)?.destination?.namespace;
      if (snapshot.namespaces && (!dest || !snapshot.namespaces.includes(dest))) continue;
      const st = (app.status ?? {}) as {
        sync?: { status?: string; revision?: string };
        health?: { status?: string; message?: string };
        operationState?: {
          phase?: string;
          message?: string;
          syncResult?: {
            revision?: string;
            resources?: {
              kind?: string;
              name?: string;
              namespace?: string;
              status?: string;
              message?: string;
            }[];
          };
        };
        resources?: {
          kind?: string;
          name?: string;
          namespace?: string;
          status?: string;
          health?: { status?: string; message?: string };
        }[];
        conditions?: { type?: string; message?: string }[];
      };
      const op = st.operationState;
      const opFailed = op?.phase === "Failed" || op?.phase === "Error";
      const outOfSync = st.sync?.status === "OutOfSync";
      const unhealthy = st.health?.status === "Degraded" || st.health?.status === "Missing";
      if (!opFailed && !outOfSync && !unhealthy) continue;
      const variant = opFailed
        ? "sync-failed"
        : unhealthy
          ? `health-${(st.health?.status ?? "").toLowerCase()}`
          : "out-of-sync";
      const bad = (st.resources ?? [])
        .filter((r) => (r.health?.status && r.health.status !== "Healthy") || r.status === "OutOfSync")
        .slice(0, 10);
      const failedResources = (op?.syncResult?.resources ?? [])
        .filter((r) => r.status === "SyncFailed")
        .slice(0, 10);
      out.push({
        analyzer: "argocd-app",
        variant,
        severity: unhealthy || opFailed ? "error" : "warning",
        object: refOfLive(app),
        objects: [refOfLive(app)],
        cause:
          variant === "sync-failed"
            ? `Argo CD's last sync of ${app.metadata.name} failed: ${op?.message ?? ""}.`
            : unhealthy
              ? `Argo CD reports ${app.metadata.name} ${st.health?.status}${st.health?.message ? `: ${st.health.message}` : ""}${bad.length > 0 ? ` (${bad.map((r) => `${r.kind} ${r.name}: ${r.health?.status ?? r.status}`).join(", ")})` : ""}.`
              : `The cluster differs from Git revision ${st.sync?.revision?.slice(0, 12) ?? "?"} for ${app.metadata.name}${bad.length > 0 ? ` (${bad.map((r) => `${r.kind} ${r.name}`).join(", ")})` : ""}: it is not synced.`,
        fields: [
          { object: refOfLive(app), path: "status.sync", value: st.sync },
          { object: refOfLive(app), path: "status.health", value: st.health },
          ...(op
            ? [
                {
                  object: refOfLive(app),
                  path: "status.operationState",
                  value: {
                    phase: op.phase,
                    message: op.message,
                    ...(failedResources.length > 0 ? { failedResources } : {}),
                  },
                },
              ]
            : []),
          ...(bad.length > 0
            ? [{ object: refOfLive(app), path: "status.resources (not healthy or out of sync)", value: bad }]
            : []),
          ...((st.conditions ?? []).length > 0
            ? [{ object: refOfLive(app), path: "status.conditions", value: st.conditions }]
            : []),
        ],
        events: eventsOf(snapshot, app, (e) => e.type === "Warning"),
        facts: { ...(st.sync?.revision ? { revision: st.sync.revision } : {}) },
        fingerprint: fingerprintOf([
          "argocd-app",
          variant,
          app.metadata.namespace,
          app.metadata.name,
          st.sync?.revision,
        ]),
      });
    }
    return out;
  },
};

export const CONTROLLER_ANALYZERS: readonly AnalyzerDefinition[] = [
  pvcPending,
  hpaMetrics,
  pdbBlocking,
  rolloutDegraded,
  argocdApp,
];
