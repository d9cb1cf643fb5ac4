/**
 * Argo Rollouts: the Rollout (canary with traffic routing) and the AnalysisTemplate of its metric gate.
 */
import type { KObject } from "../core/object.js";
import type { ResolvedApp } from "../intent/types.js";
import type { Emitter } from "./emitter.js";
import { meta, podLabels, selectorLabels } from "./labels.js";
import { podTemplate } from "./workload.js";
import type { PodVariant } from "./workload.js";

export function analysisTemplate(app: ResolvedApp, e: Emitter): KObject | undefined {
  const gate = app.rollout.value.gate;
  const m = app.platform.metrics;
  if (!gate || !m) return undefined;
  const q = (s: string) =>
    s
      .replace(/\{\{\s*service\s*\}\}/g, "{{args.service}}")
      .replace(/\{\{\s*namespace\s*\}\}/g, "{{args.namespace}}");
  const metrics: Record<string, unknown>[] = [];
  const conds: string[] = [];
  if (gate.successRate) {
    metrics.push({
      name: "success-rate",
      interval: gate.interval,
      failureLimit: gate.failureLimit,
      successCondition: `result[0] ${gate.successRate.op} ${gate.successRate.value}`,
      provider: { prometheus: { address: m.prometheus, query: q(m.successRateQuery) } },
    });
    conds.push(`success rate ${gate.successRate.op} ${Math.round(gate.successRate.value * 1000) / 10}%`);
  }
  if (gate.p99) {
    metrics.push({
      name: "latency-p99",
      interval: gate.interval,
      failureLimit: gate.failureLimit,
      successCondition: `result[0] ${gate.p99.op} ${gate.p99.seconds}`,
      provider: { prometheus: { address: m.prometheus, query: q(m.latencyQuery) } },
    });
    conds.push(`p99 latency ${gate.p99.op} ${gate.p99.seconds * 1000}ms`);
  }
  const obj: KObject = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AnalysisTemplate",
    metadata: meta(app, `${app.name}-gate`),
    spec: { args: [{ name: "service" }, { name: "namespace" }], metrics },
  };
  e.add(
    obj,
    `the canary gate: ${conds.join(" and ")}, measured every ${gate.interval} from ${m.prometheus}; more than ${gate.failureLimit} failed measurement(s) aborts the rollout and sends all traffic back to stable` +
      (app.why.rollout ? ` — ${app.why.rollout}` : ""),
  );
  return obj;
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
