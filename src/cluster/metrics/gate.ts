/**
 * kintent's gate evaluator for weighted canaries, with Argo Rollouts' analysis semantics (its
 * utils/evaluate/evaluate.go and analysis/analysis.go, v1.10), so a gate means the same under both engines:
 *
 *   - a measurement passes when the value meets `pass`; without a `fail` threshold every other value fails it;
 *     with one, a value meeting `fail` fails it (fail wins when both hold) and a value meeting neither is
 *     inconclusive;
 *   - a query error (Prometheus unreachable, a PromQL error) is an Error measurement;
 *   - a metric is Failed when failed > failureLimit, Inconclusive when inconclusive > inconclusiveLimit and
 *     Error when the errors in a row exceed consecutiveErrorLimit — checked in that order, the later winning,
 *     exactly like Argo Rollouts' assessMetricFailureInconclusiveOrError — and Successful after `count`
 *     measurements otherwise.
 *
 * One difference, on purpose: **no data** (an empty vector, or NaN from a division with no traffic) is a
 * measurement phase of its own, never a pass and never silently a failure. A metric with any no-data
 * measurement and no other verdict is NoData, and the platform's `noData: wait | fail` decides what that means
 * (src/cluster/rollout/step.ts). Argo Rollouts errors on `result[0]` of an empty vector and fails `NaN >= 0.95`.
 *
 * `assessMetric` and `assessGate` are pure (the table test drives them); `measureGate` queries Prometheus.
 */
import type { GateMetric } from "../../intent/gate.js";
import { fillQuery, formatThreshold, formatValue, satisfies } from "../../intent/gate.js";
import type { GateSpec } from "../../intent/types.js";
import type { PrometheusClient, QueryResult } from "./prometheus.js";

export type MeasurementPhase = "Successful" | "Failed" | "Inconclusive" | "Error" | "NoData";

export interface Measurement {
  /** When the query was evaluated (ISO 8601, UTC). */
  at: string;
  phase: MeasurementPhase;
  /** The number Prometheus returned (NaN included); absent for an empty result or an error. */
  value?: number;
  /** Why: the error, "empty result", "NaN", several series. */
  message?: string;
}

export type MetricPhase = "Successful" | "Failed" | "Inconclusive" | "Error" | "NoData";

export interface Limits {
  failureLimit: number;
  consecutiveErrorLimit: number;
  inconclusiveLimit: number;
}

export interface MetricAssessment {
  metric: GateMetric;
  /** The query as sent (placeholders filled in). */
  query: string;
  phase: MetricPhase;
  measurements: Measurement[];
  failed: number;
  inconclusive: number;
  errors: number;
  /** The longest run of errors in a row. */
  consecutiveErrors: number;
  noData: number;
  /** One line: why this phase. */
  reason: string;
}

/** What the gate says about the current step. */
export type GateVerdict = "pass" | "fail" | "inconclusive" | "no-data";

export interface GateAssessment {
  verdict: GateVerdict;
  metrics: MetricAssessment[];
  reason: string;
}

/** Classify one query result against a metric's thresholds (Argo Rollouts' EvaluateResult, plus no data). */
export function classify(result: QueryResult, metric: Pick<GateMetric, "pass" | "fail">): Measurement {
  const base = { at: "" };
  if (result.kind === "error") return { ...base, phase: "Error", message: result.message };
  if (result.kind === "empty") return { ...base, phase: "NoData", message: "empty result" };
  const value = result.value;
  const several = result.series > 1 ? { message: `${result.series} series; the first is used` } : {};
  if (Number.isNaN(value))
    return { ...base, phase: "NoData", value, message: "NaN (no traffic to divide by)" };
  const passes = satisfies(value, metric.pass);
  const fails = metric.fail ? satisfies(value, metric.fail) : !passes;
  const phase: MeasurementPhase = fails ? "Failed" : passes ? "Successful" : "Inconclusive";
  return { ...base, phase, value, ...several };
}

/** A metric's phase from its measurements, oldest first (Argo Rollouts' assessMetricStatus). */
export function assessMetric(
  metric: GateMetric,
  query: string,
  measurements: readonly Measurement[],
  limits: Limits,
  count: number,
): MetricAssessment {
  let failed = 0;
  let inconclusive = 0;
  let errors = 0;
  let noData = 0;
  let run = 0;
  let consecutiveErrors = 0;
  for (const m of measurements) {
    if (m.phase === "Error") {
      errors++;
      run++;
      consecutiveErrors = Math.max(consecutiveErrors, run);
      continue;
    }
    run = 0;
    if (m.phase === "Failed") failed++;
    else if (m.phase === "Inconclusive") inconclusive++;
    else if (m.phase === "NoData") noData++;
  }
  let phase: MetricPhase | undefined;
  let reason = "";
  // Same checks in the same order as Argo Rollouts: a later verdict overrides an earlier one.
  if (failed > limits.failureLimit) {
    phase = "Failed";
    reason = `failed (${failed}) > failureLimit (${limits.failureLimit})`;
  }
  if (inconclusive > limits.inconclusiveLimit) {
    phase = "Inconclusive";
    reason = `inconclusive (${inconclusive}) > inconclusiveLimit (${limits.inconclusiveLimit})`;
  }
  if (consecutiveErrors > limits.consecutiveErrorLimit) {
    phase = "Error";
    reason = `consecutiveErrors (${consecutiveErrors}) > consecutiveErrorLimit (${limits.consecutiveErrorLimit})`;
  }
  if (phase === undefined) {
    if (noData > 0) {
      phase = "NoData";
      reason = `no data in ${noData} of ${measurements.length} measurement(s)`;
    } else if (measurements.length < count) {
      phase = "NoData";
      reason = `${measurements.length} of ${count} measurement(s) taken`;
    } else {
      // Like Argo Rollouts: errors within consecutiveErrorLimit count towards `count`.
      phase = "Successful";
      reason = `${measurements.length} measurement(s): failed ${failed} ≤ failureLimit ${limits.failureLimit}, errors ${errors}`;
    }
  }
  return {
    metric,
    query,
    phase,
    measurements: [...measurements],
    failed,
    inconclusive,
    errors,
    consecutiveErrors,
    noData,
    reason,
  };
}

/** The gate's verdict from its metrics: any Failed or Error fails it, then Inconclusive, then NoData. */
export function assessGate(metrics: readonly MetricAssessment[]): GateAssessment {
  const by = (p: MetricPhase) => metrics.filter((m) => m.phase === p);
  const names = (ms: MetricAssessment[]) => ms.map((m) => `${m.metric.name}: ${m.reason}`).join("; ");
  const failing = [...by("Failed"), ...by("Error")];
  if (failing.length > 0) return { verdict: "fail", metrics: [...metrics], reason: names(failing) };
  if (by("Inconclusive").length > 0)
    return { verdict: "inconclusive", metrics: [...metrics], reason: names(by("Inconclusive")) };
  if (by("NoData").length > 0)
    return { verdict: "no-data", metrics: [...metrics], reason: names(by("NoData")) };
  return {
    verdict: "pass",
    metrics: [...metrics],
    reason: metrics.length === 0 ? "no metrics" : "every metric passed",
  };
}

export interface MeasureOptions {
  /** The canary's Service and namespace, substituted into the queries. */
  service: string;
  namespace: string;
  /** When each measurement is taken, oldest first. */
  times: readonly Date[];
}

/**
 * Take every metric's measurements — instant queries at `times`, the points `interval` apart that Argo Rollouts
 * would have measured during the soak, read back from Prometheus' history — and assess the gate.
 */
export async function measureGate(
  client: Pick<PrometheusClient, "query">,
  gate: GateSpec,
  metrics: readonly GateMetric[],
  options: MeasureOptions,
): Promise<GateAssessment> {
  const limits: Limits = {
    failureLimit: gate.failureLimit,
    consecutiveErrorLimit: gate.consecutiveErrorLimit,
    inconclusiveLimit: gate.inconclusiveLimit,
  };
  const assessed: MetricAssessment[] = [];
  for (const metric of metrics) {
    const query = fillQuery(metric.query, {
      service: options.service,
      namespace: options.namespace,
      interval: gate.interval,
    });
    const measurements: Measurement[] = [];
    for (const t of options.times) {
      const m = classify(await client.query(query, t), metric);
      measurements.push({ ...m, at: t.toISOString() });
    }
    assessed.push(assessMetric(metric, query, measurements, limits, options.times.length));
  }
  return assessGate(assessed);
}

/** The evidence of one assessment as text lines (commit messages, PR bodies, `rollout status`). */
export function evidenceLines(g: GateAssessment): string[] {
  const out: string[] = [];
  for (const m of g.metrics) {
    out.push(`${m.metric.name} ${thresholds(m.metric)}: ${m.phase} — ${m.reason}`);
    out.push(`  query: ${m.query}`);
    for (const x of m.measurements) {
      const value = x.value === undefined ? "—" : formatValue(x.value, m.metric.unit);
      out.push(`  ${x.at}  ${value.padEnd(10)} ${x.phase}${x.message ? ` (${x.message})` : ""}`);
    }
  }
  return out;
}

function thresholds(metric: GateMetric): string {
  const pass = formatThreshold(metric.pass, metric.unit);
  return metric.fail ? `pass ${pass}, fail ${formatThreshold(metric.fail, metric.unit)}` : pass;
}
