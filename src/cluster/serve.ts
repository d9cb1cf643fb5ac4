/**
 * The health agent's own endpoints: `/healthz` (200 once every informer has listed, 503 before) and
 * `/metrics` (Prometheus text format, prom-client with its own registry: the agent's counters plus the
 * process's memory and CPU, so the bounded-memory claim can be watched in production).
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { WatchMetrics } from "./watch.js";

export interface AgentServer {
  metrics: WatchMetrics;
  registry: Registry;
  setReady(ready: boolean): void;
  listen(host: string, port: number): Promise<{ port: number }>;
  close(): Promise<void>;
}

export function agentServer(): AgentServer {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "kintent_watch_process_" });
  const diagnoses = new Counter({
    name: "kintent_watch_diagnoses_total",
    help: "Diagnoses seen per evaluation, by analyzer and severity.",
    labelNames: ["analyzer", "severity"],
    registers: [registry],
  });
  const active = new Gauge({
    name: "kintent_watch_active_failures",
    help: "Distinct failures active now.",
    registers: [registry],
  });
  const actions = new Counter({
    name: "kintent_watch_actions_total",
    help: "What the agent did: report, issue-opened, issue-updated, fix.",
    labelNames: ["action"],
    registers: [registry],
  });
  const objects = new Gauge({
    name: "kintent_watch_objects",
    help: "Objects held by the informers.",
    registers: [registry],
  });
  const resyncs = new Counter({
    name: "kintent_watch_resyncs_total",
    help: "Watches the server ended (each re-lists).",
    registers: [registry],
  });
  let ready = false;
  let server: Server | undefined;
  return {
    registry,
    metrics: {
      diagnoses: (analyzer, severity) => diagnoses.inc({ analyzer, severity }),
      active: (n) => active.set(n),
      action: (action) => actions.inc({ action }),
      objects: (n) => objects.set(n),
      resync: () => resyncs.inc(),
    },
    setReady(r) {
      ready = r;
    },
    async listen(host, port) {
      server = createServer((req, res) => {
        if (req.url === "/healthz") {
          res.writeHead(ready ? 200 : 503, { "content-type": "text/plain" });
          res.end(ready ? "ok\n" : "syncing\n");
          return;
        }
        if (req.url === "/metrics") {
          void registry.metrics().then((text) => {
            res.writeHead(200, { "content-type": registry.contentType });
            res.end(text);
          });
          return;
        }
        res.writeHead(404).end();
      });
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, host, () => resolve());
      });
      const addr = s.address();
      return { port: typeof addr === "object" && addr ? addr.port : port };
    },
    async close() {
      const s = server;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
