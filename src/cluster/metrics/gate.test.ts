import { describe, expect, it } from "vitest";
import type { GateMetric } from "../../intent/gate.js";
import { assessGate, assessMetric, classify, measureGate } from "./gate.js";
import type { Limits, Measurement, MeasurementPhase } from "./gate.js";
import { parseQueryResponse } from "./prometheus.js";
import type { QueryResult } from "./prometheus.js";

const SUCCESS: GateMetric = {
  name: "success-rate",
  query: "q",
  pass: { op: ">=", value: 0.95 },
  unit: "ratio",
};
/** A custom metric with both thresholds: between them a value is inconclusive. */
const BAND: GateMetric = {
  name: "band",
  query: "q",
  pass: { op: ">=", value: 0.95 },
  fail: { op: "<", value: 0.9 },
  unit: "number",
};

const v = (value: number): QueryResult => ({ kind: "value", value, series: 1 });
const EMPTY: QueryResult = { kind: "empty" };
const ERR: QueryResult = { kind: "error", message: "connection refused" };

describe("classify: one measurement (Argo Rollouts' EvaluateResult, plus no data)", () => {
  it.each<[string, QueryResult, GateMetric, MeasurementPhase]>([
    ["a value meeting pass", v(0.99), SUCCESS, "Successful"],
    ["the threshold itself", v(0.95), SUCCESS, "Successful"],
    ["below pass without a fail threshold", v(0.94), SUCCESS, "Failed"],
    ["between pass and fail", v(0.92), BAND, "Inconclusive"],
    ["meeting fail", v(0.5), BAND, "Failed"],
    ["an empty vector (nothing matched)", EMPTY, SUCCESS, "NoData"],
    ["NaN from 0/0 (no traffic)", v(NaN), SUCCESS, "NoData"],
    ["NaN with a band", v(NaN), BAND, "NoData"],
    ["+Inf (x/0)", v(Infinity), SUCCESS, "Successful"],
    ["a query error", ERR, SUCCESS, "Error"],
  ])("%s", (_name, result, metric, phase) => {
    expect(classify(result, metric).phase).toBe(phase);
  });

  it("fail wins when both thresholds hold (Argo Rollouts: failCondition first)", () => {
    const overlap: GateMetric = { ...BAND, pass: { op: ">=", value: 0.5 }, fail: { op: "<", value: 0.9 } };
    expect(classify(v(0.7), overlap).phase).toBe("Failed");
  });
});

const LIMITS: Limits = { failureLimit: 1, consecutiveErrorLimit: 2, inconclusiveLimit: 0 };
const m = (...phases: MeasurementPhase[]): Measurement[] =>
  phases.map((phase, i) => ({ at: `t${i}`, phase, ...(phase === "Error" ? {} : { value: 1 }) }));
const S = "Successful";
const F = "Failed";
const I = "Inconclusive";
const E = "Error";
const N = "NoData";

describe("assessMetric: Argo Rollouts' analysis semantics (failureLimit 1, consecutiveErrorLimit 2, inconclusiveLimit 0, count 4)", () => {
  it.each<[string, Measurement[], string, string]>([
    ["all successful", m(S, S, S, S), "Successful", "4 measurement(s): failed 0 ≤ failureLimit 1, errors 0"],
    ["one failure within failureLimit", m(S, F, S, S), "Successful", "failed 1 ≤ failureLimit 1"],
    ["two failures exceed failureLimit", m(S, F, S, F), "Failed", "failed (2) > failureLimit (1)"],
    ["two errors in a row are within the limit", m(S, E, E, S), "Successful", "errors 2"],
    [
      "three errors in a row exceed it",
      m(E, E, E, S),
      "Error",
      "consecutiveErrors (3) > consecutiveErrorLimit (2)",
    ],
    ["three errors, not in a row, do not", m(E, E, S, E), "Successful", "errors 3"],
    [
      "one inconclusive exceeds inconclusiveLimit 0",
      m(S, I, S, S),
      "Inconclusive",
      "inconclusive (1) > inconclusiveLimit (0)",
    ],
    ["inconclusive overrides failed (Argo's order)", m(F, F, I, S), "Inconclusive", "inconclusive (1)"],
    ["error overrides both", m(F, F, I, E, E, E), "Error", "consecutiveErrors (3)"],
    ["no data is its own phase", m(S, N, S, S), "NoData", "no data in 1 of 4 measurement(s)"],
    ["all no data", m(N, N, N, N), "NoData", "no data in 4 of 4"],
    ["a failure verdict beats no data", m(F, F, N, N), "Failed", "failed (2) > failureLimit (1)"],
    ["too few measurements", m(S, S), "NoData", "2 of 4 measurement(s) taken"],
  ])("%s", (_name, measurements, phase, reason) => {
    const a = assessMetric(SUCCESS, "q", measurements, LIMITS, 4);
    expect(a.phase).toBe(phase);
    expect(a.reason).toContain(reason);
  });
});

describe("assessGate: the worst metric decides", () => {
  const a = (...phases: MeasurementPhase[][]) =>
    assessGate(
      phases.map((p, i) => assessMetric({ ...SUCCESS, name: `m${i}` }, "q", m(...p), LIMITS, p.length)),
    );
  it.each<[string, MeasurementPhase[][], string]>([
    [
      "every metric passes",
      [
        [S, S],
        [S, S],
      ],
      "pass",
    ],
    [
      "one fails",
      [
        [S, S],
        [F, F],
      ],
      "fail",
    ],
    [
      "one errors",
      [
        [S, S],
        [E, E, E],
      ],
      "fail",
    ],
    [
      "one inconclusive, none failing",
      [
        [S, S],
        [I, S],
      ],
      "inconclusive",
    ],
    [
      "one without data",
      [
        [S, S],
        [N, N],
      ],
      "no-data",
    ],
    [
      "failing beats no data",
      [
        [F, F],
        [N, N],
      ],
      "fail",
    ],
    [
      "inconclusive beats no data",
      [
        [I, S],
        [N, N],
      ],
      "inconclusive",
    ],
  ])("%s → %s", (_name, phases, verdict) => {
    expect(a(...phases).verdict).toBe(verdict);
  });
});

describe("Prometheus responses", () => {
  it.each<[string, string, QueryResult["kind"], number | undefined]>([
    [
      "a vector sample",
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0.97"]}]}}',
      "value",
      0.97,
    ],
    [
      "NaN (0/0)",
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}',
      "value",
      NaN,
    ],
    [
      "an empty vector",
      '{"status":"success","data":{"resultType":"vector","result":[]}}',
      "empty",
      undefined,
    ],
    ["a scalar", '{"status":"success","data":{"resultType":"scalar","result":[1,"3"]}}', "value", 3],
    ["a PromQL error", '{"status":"error","errorType":"bad_data","error":"parse error"}', "error", undefined],
    ["a range matrix", '{"status":"success","data":{"resultType":"matrix","result":[]}}', "error", undefined],
    ["not JSON", "<html>", "error", undefined],
  ])("%s", (_name, body, kind, value) => {
    const r = parseQueryResponse(200, body);
    expect(r.kind).toBe(kind);
    if (value !== undefined && r.kind === "value") expect(r.value).toEqual(value);
  });
});

describe("measureGate", () => {
  it("queries each metric at each time with the placeholders filled, and keeps the evidence", async () => {
    const seen: [string, number][] = [];
    const values = [0.99, NaN, 0.97];
    const client = {
      query: (q: string, t: Date): Promise<QueryResult> => {
        seen.push([q, t.getTime()]);
        return Promise.resolve(v(values[seen.length - 1] ?? 0));
      },
    };
    const times = [new Date(1000), new Date(11_000), new Date(21_000)];
    const g = await measureGate(
      client,
      {
        queries: [],
        interval: "10s",
        count: 3,
        failureLimit: 0,
        consecutiveErrorLimit: 4,
        inconclusiveLimit: 0,
      },
      [{ ...SUCCESS, query: 'rate(x{service="{{service}}",namespace="{{ namespace }}"}[{{interval}}])' }],
      { service: "web-canary", namespace: "shop", times },
    );
    expect(seen).toEqual([
      ['rate(x{service="web-canary",namespace="shop"}[10s])', 1000],
      ['rate(x{service="web-canary",namespace="shop"}[10s])', 11_000],
      ['rate(x{service="web-canary",namespace="shop"}[10s])', 21_000],
    ]);
    expect(g.verdict).toBe("no-data");
    expect(g.metrics[0]?.measurements.map((x) => [x.at, x.phase])).toEqual([
      ["1970-01-01T00:00:01.000Z", "Successful"],
      ["1970-01-01T00:00:11.000Z", "NoData"],
      ["1970-01-01T00:00:21.000Z", "Successful"],
    ]);
  });
});
