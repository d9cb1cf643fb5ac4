/**
 * A bounded, seeded fuzz campaign: cases run in a child process (test/fuzz/worker.ts) that reports each case;
 * a case that reports nothing within `timeoutMs` is a hang — the child is killed and the campaign goes on
 * after it. Used by `npm test` (test/fuzz/fuzz.test.ts) and, with a larger budget, `npm run bench -- fuzz`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { generateCase } from "./generate.js";
import type { FuzzCase } from "./generate.js";
import type { Problem } from "./run-case.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");

export interface CampaignOptions {
  seed: number;
  cases: number;
  /** Per-case budget before the case counts as a hang. */
  timeoutMs: number;
  /** Parallel workers. @default 1 */
  workers?: number;
}

export interface Failure {
  index: number;
  kind: FuzzCase["kind"];
  problems: Problem[];
}

export interface CampaignResult {
  cases: number;
  failures: Failure[];
  ms: number;
  byKind: Record<string, number>;
}

function runRange(
  seed: number,
  from: number,
  to: number,
  timeoutMs: number,
  failures: Failure[],
): Promise<void> {
  return new Promise((resolveRange, reject) => {
    const work = mkdtempSync(join(tmpdir(), "kintent-fuzz-"));
    let next = from;
    const start = (at: number) => {
      if (at >= to) {
        rmSync(work, { recursive: true, force: true });
        resolveRange();
        return;
      }
      next = at;
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          join(HERE, "worker.ts"),
          String(seed),
          String(at),
          String(to),
          join(work, "case"),
        ],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let buf = "";
      let stderr = "";
      let timer = setTimeout(() => hang(), timeoutMs * 4); // the first case pays for module loading
      const hang = () => {
        failures.push({
          index: next,
          kind: generateCase(seed, next).kind,
          problems: [{ what: "hang", detail: `no answer within ${timeoutMs} ms` }],
        });
        child.kill("SIGKILL");
      };
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString("utf8");
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const r = JSON.parse(line) as { i: number; problems: Problem[] };
          if (r.problems.length > 0)
            failures.push({ index: r.i, kind: generateCase(seed, r.i).kind, problems: r.problems });
          next = r.i + 1;
          clearTimeout(timer);
          timer = setTimeout(hang, timeoutMs);
        }
      });
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (signal === "SIGKILL")
          start(next + 1); // after a hang: the case after it
        else if (code !== 0 && next < to) {
          // The worker died on its own (an uncaught error, out of memory): that case is a failure.
          failures.push({
            index: next,
            kind: generateCase(seed, next).kind,
            problems: [{ what: "internal-error", detail: `worker exited ${code}: ${stderr.slice(-400)}` }],
          });
          start(next + 1);
        } else start(to);
      });
    };
    start(from);
  });
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const failures: Failure[] = [];
  const workers = Math.max(1, options.workers ?? 1);
  const per = Math.ceil(options.cases / workers);
  await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      runRange(options.seed, w * per, Math.min(options.cases, (w + 1) * per), options.timeoutMs, failures),
    ),
  );
  const byKind: Record<string, number> = {};
  for (let i = 0; i < options.cases; i++) {
    const k = generateCase(options.seed, i).kind;
    byKind[k] = (byKind[k] ?? 0) + 1;
  }
  failures.sort((a, b) => a.index - b.index);
  return { cases: options.cases, failures, ms: Date.now() - started, byKind };
}
