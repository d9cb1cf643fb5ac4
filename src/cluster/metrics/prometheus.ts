/**
 * A Prometheus HTTP API client for instant queries (`GET /api/v1/query?query=…&time=…`), the one call a gate
 * needs. Written by hand on `fetch` because the semantics a gate depends on are in the response shape — an
 * empty vector is "no data", `"NaN"` is a value that is not a number, several series are ambiguous — and no
 * client library keeps those apart. Bounded: one request per measurement, a timeout, and at most
 * {@link MAX_RESPONSE_BYTES} read. Effects: HTTP to the platform's Prometheus.
 */

/** What one instant query returned. */
export type QueryResult =
  /** A number: the scalar, or the first sample of the vector (`series` says how many there were). */
  | { kind: "value"; value: number; series: number }
  /** An empty vector: nothing matched (no traffic, no such series). */
  | { kind: "empty" }
  /** The query could not be answered: Prometheus unreachable, an HTTP error, a PromQL error, a bad shape. */
  | { kind: "error"; message: string };

export interface PrometheusOptions {
  /** Per-request timeout. @default 10000 */
  timeoutMs?: number;
  /** Extra request headers (e.g. Authorization for a proxy in front of Prometheus). */
  headers?: Record<string, string>;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Largest response body read: a gate query returns one number, so anything bigger is a wrong query. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export class PrometheusClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly options: PrometheusOptions = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, "");
  }

  /** The URL of the query endpoint (for evidence). */
  get endpoint(): string {
    return `${this.base}/api/v1/query`;
  }

  /** Evaluate `promql` at `time` (an instant query). Never throws. */
  async query(promql: string, time: Date): Promise<QueryResult> {
    const url = new URL(this.endpoint);
    url.searchParams.set("query", promql);
    url.searchParams.set("time", (time.getTime() / 1000).toFixed(3));
    const doFetch = this.options.fetch ?? globalThis.fetch;
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    let text: string;
    let status: number;
    try {
      const res = await doFetch(url, {
        headers: { Accept: "application/json", ...(this.options.headers ?? {}) },
        signal,
      });
      status = res.status;
      text = await readBounded(res);
    } catch (e) {
      return { kind: "error", message: `${this.base} unreachable: ${(e as Error).message}` };
    }
    return parseQueryResponse(status, text);
  }
}

async function readBounded(res: Response): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface ApiResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: unknown };
}

/** Read an `/api/v1/query` response (exported for tests of the shapes Prometheus returns). */
export function parseQueryResponse(status: number, text: string): QueryResult {
  let body: ApiResponse;
  try {
    body = JSON.parse(text) as ApiResponse;
  } catch {
    return { kind: "error", message: `HTTP ${status}: not a Prometheus API response: ${text.slice(0, 200)}` };
  }
  if (body.status !== "success")
    return {
      kind: "error",
      message: `HTTP ${status}: ${body.errorType ?? "error"}: ${body.error ?? "unknown error"}`,
    };
  const type = body.data?.resultType;
  const result = body.data?.result;
  if (type === "scalar") return sampleValue(result, 1);
  if (type === "vector") {
    if (!Array.isArray(result)) return { kind: "error", message: "vector result is not a list" };
    if (result.length === 0) return { kind: "empty" };
    return sampleValue((result[0] as { value?: unknown }).value, result.length);
  }
  return {
    kind: "error",
    message: `the query returned a ${type ?? "missing"} result; a gate needs a single number (an instant vector or scalar)`,
  };
}

/** `[<unix time>, "<value>"]` → the value; Prometheus writes NaN and ±Inf as strings. */
function sampleValue(sample: unknown, series: number): QueryResult {
  if (!Array.isArray(sample) || typeof sample[1] !== "string")
    return { kind: "error", message: "sample is not [time, value]" };
  const raw = sample[1];
  const value = raw === "NaN" ? NaN : raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
  if (Number.isNaN(value) && raw !== "NaN") return { kind: "error", message: `not a number: ${raw}` };
  return { kind: "value", value, series };
}
