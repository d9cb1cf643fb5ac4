/**
 * The metrics of a canary gate, as one list both evaluators read: the AnalysisTemplate kintent generates for
 * Argo Rollouts (src/compile/rollouts.ts) and kintent's own evaluator for weighted canaries
 * (src/cluster/metrics). Each metric is a PromQL query template, the threshold a measurement must meet to pass
 * and — for custom queries — the one that makes it fail (between the two it is inconclusive). Pure.
 */
import type { GateSpec, PlatformFacts, Threshold } from "./types.js";

/** How a metric's values read to people. */
export type MetricUnit = "ratio" | "seconds" | "count" | "number";

export interface GateMetric {
  /** `success-rate`, `latency-p99`, `error-count` or the custom query's name. */
  name: string;
  /** PromQL with `{{service}}`, `{{namespace}}` and `{{interval}}` placeholders. */
  query: string;
  pass: Threshold;
  /** Without it, a measurement that does not pass fails (Argo Rollouts' successCondition-only semantics). */
  fail?: Threshold;
  unit: MetricUnit;
}

/** The metrics of a gate, in a fixed order: success rate, latency, error count, then custom queries. */
export function gateMetrics(gate: GateSpec, metrics: NonNullable<PlatformFacts["metrics"]>): GateMetric[] {
  const out: GateMetric[] = [];
  if (gate.successRate)
    out.push({
      name: "success-rate",
      query: metrics.successRateQuery,
      pass: { op: gate.successRate.op, value: gate.successRate.value },
      unit: "ratio",
    });
  if (gate.p99)
    out.push({
      name: "latency-p99",
      query: metrics.latencyQuery,
      pass: { op: gate.p99.op, value: gate.p99.seconds },
      unit: "seconds",
    });
  if (gate.errorCount)
    out.push({
      name: "error-count",
      query: metrics.errorCountQuery,
      pass: { op: gate.errorCount.op, value: gate.errorCount.value },
      unit: "count",
    });
  for (const q of gate.queries)
    out.push({
      name: q.name,
      query: q.query,
      pass: q.pass,
      ...(q.fail ? { fail: q.fail } : {}),
      unit: "number",
    });
  return out;
}

/** Does `value` satisfy the threshold? NaN satisfies nothing. */
export function satisfies(value: number, t: Threshold): boolean {
  switch (t.op) {
    case ">=":
      return value >= t.value;
    case ">":
      return value > t.value;
    case "<=":
      return value <= t.value;
    case "<":
      return value < t.value;
    case "==":
      return value === t.value;
    case "!=":
      return !Number.isNaN(value) && value !== t.value;
  }
}

/** `>= 95%`, `< 500ms`, `<= 5`: a threshold in the metric's own unit. */
export function formatThreshold(t: Threshold, unit: MetricUnit): string {
  return `${t.op} ${formatValue(t.value, unit)}`;
}

/** A measured or threshold value in the metric's unit (ratios as %, seconds as ms below 1 s). */
export function formatValue(value: number, unit: MetricUnit): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  switch (unit) {
    case "ratio":
      return `${round(value * 100, 2)}%`;
    case "seconds":
      return value < 1 ? `${round(value * 1000, 1)}ms` : `${round(value, 3)}s`;
    case "count":
      return String(round(value, 2));
    case "number":
      return String(round(value, 6));
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** The opposite comparison: the failure condition of a metric that has only a pass threshold. */
export function negate(t: Threshold): Threshold {
  const op = ({ ">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "==" } as const)[t.op];
  return { op, value: t.value };
}

/** Substitute `{{service}}`, `{{namespace}}` and `{{interval}}` in a query template. */
export function fillQuery(
  template: string,
  values: { service: string; namespace: string; interval: string },
): string {
  return template
    .replace(/\{\{\s*service\s*\}\}/g, values.service)
    .replace(/\{\{\s*namespace\s*\}\}/g, values.namespace)
    .replace(/\{\{\s*interval\s*\}\}/g, values.interval);
}

/** `90s`, `2m`, `1h30m` → milliseconds (the schema's duration grammar); NaN for anything else. */
export function durationMs(d: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of d.matchAll(re)) {
    const n = parseFloat(m[1] as string);
    total += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[m[2] as "ms" | "s" | "m" | "h"];
    consumed += m[0].length;
  }
  return consumed === d.length && consumed > 0 ? total : NaN;
}
