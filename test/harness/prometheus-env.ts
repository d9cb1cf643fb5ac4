import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Counter, Histogram, Registry } from "prom-client";
import { freePort, removeDir, startProcess, startReaper, tailLog, waitUntil } from "./process.js";
import type { ManagedProcess } from "./process.js";

/**
 * A real Prometheus (Debian's `prometheus` package, found on PATH or at KINTENT_PROMETHEUS) on a random
 * loopback port with a temporary TSDB, scraping the given targets every second. Always call `stop()`; a
 * watchdog also cleans up if the test process dies.
 */
export interface PrometheusEnv {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly dir: string;
  readonly log: string;
  /** Wait until Prometheus has scraped every target successfully at least once. */
  waitForTargets(timeoutMs?: number): Promise<void>;
  /** An instant query through the HTTP API, for test assertions. */
  query(promql: string): Promise<unknown>;
  stop(): Promise<void>;
}

export interface ScrapeTarget {
  /** host:port of a /metrics endpoint. */
  address: string;
  /** Labels added to every series of the target (e.g. `{namespace, service}` the gate queries select on). */
  labels?: Record<string, string>;
}

/** The Prometheus binary, or undefined when it is not installed (`apt-get install prometheus`). */
export function findPrometheus(): string | undefined {
  const candidates = [process.env.KINTENT_PROMETHEUS, "/usr/bin/prometheus"].filter(
    (c): c is string => typeof c === "string" && c !== "",
  );
  for (const c of candidates) {
    try {
      execFileSync(c, ["--version"], { stdio: "ignore", timeout: 10_000 });
      return c;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export async function startPrometheus(targets: readonly ScrapeTarget[]): Promise<PrometheusEnv> {
  const bin = findPrometheus();
  if (!bin)
    throw new Error(
      "prometheus is not installed: apt-get install prometheus (Debian), or set KINTENT_PROMETHEUS to its binary",
    );
  const dir = mkdtempSync(join(tmpdir(), "kintent-prom-"));
  const processes: ManagedProcess[] = [];
  const reaper = startReaper({ groups: () => processes.map((p) => p.pid), dir });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const p of processes) await p.stop(5_000);
    reaper.dismiss();
    removeDir(dir);
  };
  try {
    const port = await freePort();
    const config = [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: app",
      "    static_configs:",
      ...targets.flatMap((t) => [
        `      - targets: [${JSON.stringify(t.address)}]`,
        `        labels: ${JSON.stringify(t.labels ?? {})}`,
      ]),
    ].join("\n");
    writeFileSync(join(dir, "prometheus.yml"), `${config}\n`);
    const log = join(dir, "prometheus.log");
    const p = startProcess({
      name: "prometheus",
      command: bin,
      logFile: log,
      args: [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--storage.tsdb.retention.time=1h",
        "--log.level=warn",
      ],
    });
    processes.push(p);
    reaper.update();
    const url = `http://127.0.0.1:${port}`;
    let died: string | undefined;
    void p.exited.then((code) => (died = `prometheus exited (${code})`));
    await waitUntil(
      "prometheus /-/ready",
      async () => ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 200, fatal: () => died, onTimeout: () => tailLog(log) },
    );
    const query = async (promql: string): Promise<unknown> => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      return await res.json();
    };
    return {
      url,
      dir,
      log,
      query,
      async waitForTargets(timeoutMs = 30_000) {
        await waitUntil(
          "every scrape target up",
          async () => {
            const r = (await query("up")) as { data?: { result?: { value: [number, string] }[] } };
            const up = r.data?.result ?? [];
            return up.length === targets.length && up.every((x) => x.value[1] === "1") ? true : undefined;
          },
          { timeoutMs, intervalMs: 250, onTimeout: () => tailLog(log) },
        );
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A small HTTP service instrumented with prom-client the way an app exporting RED metrics is:
 * `http_requests_total{code}` and `http_request_duration_seconds` (a histogram). `GET /work` answers 500 with
 * probability `errorRate` and takes `latencyMs`; `GET /metrics` is what Prometheus scrapes. `drive(rps)` sends
 * real requests to it at a bounded rate until `quiet()`; the test sets the success rate and latency it wants.
 */
export interface MetricsApp {
  /** host:port */
  readonly address: string;
  errorRate: number;
  latencyMs: number;
  /** Send `rps` requests a second to /work (loopback only) until quiet() or stop(). */
  drive(rps: number): void;
  /** Stop sending traffic (the next rate() windows go to zero). */
  quiet(): void;
  /** Requests answered so far, by status code. */
  served(): Record<string, number>;
  stop(): Promise<void>;
}

export async function startMetricsApp(): Promise<MetricsApp> {
  const registry = new Registry();
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by status code",
    labelNames: ["code"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // Both codes exist from the start (at 0), as in apps that initialise their label values: an error ratio is then
  // 0 / n with traffic and 0 / 0 = NaN without, instead of an empty result before the first error.
  requests.labels("200").inc(0);
  requests.labels("500").inc(0);
  const counts: Record<string, number> = {};
  const state = { errorRate: 0, latencyMs: 5 };
  const server: Server = createServer((req, res) => {
    if (req.url === "/metrics") {
      void registry.metrics().then((text) => {
        res.writeHead(200, { "Content-Type": registry.contentType });
        res.end(text);
      });
      return;
    }
    const started = process.hrtime.bigint();
    const code = Math.random() < state.errorRate ? 500 : 200;
    setTimeout(() => {
      res.writeHead(code);
      res.end(code === 200 ? "ok" : "error");
      requests.inc({ code: String(code) });
      duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      counts[code] = (counts[code] ?? 0) + 1;
    }, state.latencyMs);
  });
  const port = await freePort();
  await new Promise<void>((resolveListen) => server.listen(port, "127.0.0.1", resolveListen));
  let timer: NodeJS.Timeout | undefined;
  const quiet = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    address: `127.0.0.1:${port}`,
    get errorRate() {
      return state.errorRate;
    },
    set errorRate(v: number) {
      state.errorRate = v;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(v: number) {
      state.latencyMs = v;
    },
    drive(rps: number) {
      quiet();
      const every = Math.max(10, Math.round(1000 / Math.min(rps, 100))); // at most 100 rps, loopback only
      timer = setInterval(() => {
        void fetch(`http://127.0.0.1:${port}/work`)
          .then((r) => r.text())
          .catch(() => undefined);
      }, every);
    },
    quiet,
    served: () => ({ ...counts }),
    async stop() {
      quiet();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
