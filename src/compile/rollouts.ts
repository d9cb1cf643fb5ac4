/**
 * Argo Rollouts: the Rollout (canary with traffic routing) and the AnalysisTemplate of its metric gate.
 */
import type { KObject } from "../core/object.js";
import { GATE_DEFAULTS } from "../intent/defaults.js";
import { durationMs, fillQuery, formatThreshold, gateMetrics, negate } from "../intent/gate.js";
import type { ResolvedApp, Threshold } from "../intent/types.js";
import type { Emitter } from "./emitter.js";
import { meta, podLabels, selectorLabels } from "./labels.js";
import { podTemplate } from "./workload.js";
import type { PodVariant } from "./workload.js";

export function analysisTemplate(app: ResolvedApp, e: Emitter): KObject | undefined {
  const gate = app.rollout.value.gate;
  const m = app.platform.metrics;
  if (!gate || !m) return undefined;
  const q = (s: string) =>
    fillQuery(s, { service: "{{args.service}}", namespace: "{{args.namespace}}", interval: gate.interval });
  const wait = m.noData === "wait";
  // No data (an empty vector, or NaN from 0/0) never passes. `fail`: it fails the measurement (the success
  // condition alone is false). `wait`: it satisfies neither condition, so Argo Rollouts records the measurement
  // as Inconclusive; the limit below tolerates one deadline's worth of them before the analysis turns
  // Inconclusive and the Rollout pauses for a person (Argo Rollouts cannot fail at a deadline by itself).
  const waitFor = wait ? Math.ceil(durationMs(m.noDataDeadline) / durationMs(gate.interval)) : 0;
  const metrics: Record<string, unknown>[] = gateMetrics(gate, m).map((metric) => {
    const fail = metric.fail ?? (wait ? negate(metric.pass) : undefined);
    return {
      name: metric.name,
      interval: gate.interval,
      failureLimit: gate.failureLimit,
      ...(gate.consecutiveErrorLimit !== GATE_DEFAULTS.consecutiveErrorLimit
        ? { consecutiveErrorLimit: gate.consecutiveErrorLimit }
        : {}),
      ...(gate.inconclusiveLimit + waitFor > 0
        ? { inconclusiveLimit: gate.inconclusiveLimit + waitFor }
        : {}),
      successCondition: condition(metric.pass),
      ...(fail
        ? {
            failureCondition: wait
              ? condition(fail)
              : `len(result) == 0 || isNaN(result[0]) || result[0] ${fail.op} ${fail.value}`,
          }
        : {}),
      provider: { prometheus: { address: m.prometheus, query: q(metric.query) } },
    };
  });
  const conds = gateMetrics(gate, m).map((g) => `${g.name} ${formatThreshold(g.pass, g.unit)}`);
  const obj: KObject = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AnalysisTemplate",
    metadata: meta(app, `${app.name}-gate`),
    spec: { args: [{ name: "service" }, { name: "namespace" }], metrics },
  };
  e.add(
    obj,
    `the canary gate: ${conds.join(" and ")}, measured every ${gate.interval} from ${m.prometheus}; more than ${gate.failureLimit} failed measurement(s) aborts the rollout and sends all traffic back to stable; ` +
      (wait
        ? `no data (no traffic) is inconclusive, and after ${m.noDataDeadline} of it the rollout pauses for a person`
        : "no data (no traffic) fails a measurement") +
      (app.why.rollout ? ` — ${app.why.rollout}` : ""),
  );
  e.why(
    obj,
    "/spec/metrics",
    "each condition first checks that the query returned a number (`len(result) > 0 && !isNaN(result[0])`): without traffic Prometheus returns an empty vector or NaN, and `result[0]` of an empty vector is an evaluation error in Argo Rollouts",
  );
  return obj;
}

/** An Argo Rollouts condition that holds only for a real number meeting the threshold. */
function condition(t: Threshold): string {
  return `len(result) > 0 && !isNaN(result[0]) && result[0] ${t.op} ${t.value}`;
}

export interface RolloutRouting {
  trafficRouting?: Record<string, unknown>;
  why: string;
}

export function rollout(
  app: ResolvedApp,
  e: Emitter,
  variant: PodVariant,
  routing: RolloutRouting,
  gate: KObject | undefined,
): KObject {
  const r = app.rollout.value;
  const obj: KObject = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: meta(app, app.name, { labels: podLabels(app) }),
    spec: {},
  };
  const steps = r.steps.map((s) =>
    "setWeight" in s
      ? { setWeight: s.setWeight }
      : s.pause === "indefinite"
        ? { pause: {} }
        : { pause: { duration: s.pause } },
  );
  const template = podTemplate(app, variant, e, obj, "/spec/template");
  obj.spec = {
    ...(app.autoscaling ? {} : { replicas: app.replicas.value }),
    revisionHistoryLimit: app.rollout.value.revisionHistoryLimit,
    selector: { matchLabels: selectorLabels(app) },
    template,
    strategy: {
      canary: {
        canaryService: `${app.name}-canary`,
        stableService: `${app.name}-stable`,
        ...(routing.trafficRouting ? { trafficRouting: routing.trafficRouting } : {}),
        ...(gate
          ? {
              analysis: {
                templates: [{ templateName: gate.metadata.name }],
                startingStep: 1,
                args: [
                  { name: "service", value: `${app.name}-canary` },
                  { name: "namespace", value: app.environment.namespace },
                ],
              },
            }
          : {}),
        ...(steps.length > 0 ? { steps } : {}),
      },
    },
  };
  e.add(
    obj,
    `Argo Rollouts runs ${app.name} so new versions go out as a canary instead of all at once` +
      (app.why.app ? ` — ${app.why.app}` : ""),
  );
  if (!app.autoscaling) e.why(obj, "/spec/replicas", app.replicas.origin);
  e.why(
    obj,
    "/spec/strategy/canary/steps",
    app.why.rollout
      ? { ...app.rollout.origin, reason: `${app.rollout.origin.reason} — ${app.why.rollout}` }
      : app.rollout.origin,
  );
  e.why(
    obj,
    "/spec/strategy/canary/canaryService",
    "the controller points this Service at canary pods only, so routing and metrics can tell them apart",
  );
  if (routing.trafficRouting) e.why(obj, "/spec/strategy/canary/trafficRouting", routing.why);
  else e.why(obj, "/spec/strategy/canary", routing.why);
  if (gate)
    e.why(
      obj,
      "/spec/strategy/canary/analysis",
      "background analysis from the first step: a failing gate aborts and rolls back",
    );
  e.why(
    obj,
    "/spec/selector",
    "selects pods by name and instance only: selectors are immutable, so they never carry the version",
  );
  return obj;
}
