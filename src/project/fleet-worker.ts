/** A fleet worker thread (src/project/fleet.ts): builds the apps it is sent, one at a time. */
import { parentPort } from "node:worker_threads";
import { BuildCache } from "./cache.js";
import { runFleetJob } from "./fleet.js";
import type { FleetJob } from "./fleet.js";

parentPort?.on("message", (m: { i: number; job: FleetJob } | { end: true }) => {
  if ("end" in m) {
    // Background cache writes first, then let the thread end.
    void BuildCache.flushAll().finally(() => parentPort?.close());
    return;
  }
  runFleetJob(m.job).then(
    (app) => parentPort?.postMessage({ i: m.i, app }),
    (e: unknown) => parentPort?.postMessage({ i: m.i, error: e instanceof Error ? e.message : String(e) }),
  );
});
