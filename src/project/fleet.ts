/**
 * Fleets: every intent directory of a GitOps monorepo (many apps sharing a platform), every environment, on
 * every core. Each app is one engine run (`openProject` → `buildAll`), exactly what `kintent build` and
 * `kintent validate DIR` do for one app; apps are independent, so they run on worker threads, results come
 * back in app order (output never depends on scheduling), and unchanged apps are served by the build cache.
 *
 * The worker script is the compiled `fleet-worker.js` beside this module; run from sources (tests under
 * vitest) it does not exist and the jobs run in this thread — the same function either way.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { Finding } from "../core/finding.js";
import { isKintentError, UsageError } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import type { CheckDefinition } from "../validate/checks/types.js";
import { BUILTIN_CHECKS } from "../validate/checks/builtin.js";
import type { ValidationResult } from "../validate/index.js";
import { toYamlStream } from "../render/yaml.js";
import { BuildCache } from "./cache.js";
import { openProject } from "./project.js";
import type { OpenProjectOptions } from "./project.js";
import { InvalidInputError } from "./validation.js";
import { isIntentDir, SKIP_DIRS } from "../validate/load.js";

const MAX_WALK_DEPTH = 16;
const MAX_WALK_ENTRIES = 200_000;

/**
 * The intent directories under `root` (itself included), sorted. A walk stops at an intent directory (its
 * `extra/` is its own) and skips `.git`, `node_modules`, `dist` and `.kintent`; it is bounded in depth and
 * entries. Symlinked directories are not followed.
 */
export function findIntentDirs(root: string): string[] {
  const out: string[] = [];
  let seen = 0;
  const walk = (dir: string, depth: number) => {
    if (isIntentDir(dir)) {
      out.push(dir);
      return;
    }
    if (depth >= MAX_WALK_DEPTH) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (++seen > MAX_WALK_ENTRIES) return;
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) walk(join(dir, e.name), depth + 1);
    }
  };
  const abs = resolve(root);
  if (statSync(abs).isDirectory()) walk(abs, 0);
  return out.sort();
}

/** What one app's build produces, as plain data (it crosses threads and lives in the cache). */
export interface FleetEnvironment {
  environment: string;
  /** The YAML stream (`kintent build` output) when asked for. */
  yaml?: string;
  objects: number;
  /** Validator findings, paths relative to the intent directory. */
  findings: Finding[];
  summary: ValidationResult["summary"];
}

export interface FleetApp {
  /** The intent directory (absolute). */
  dir: string;
  environments: FleetEnvironment[];
  /** Intent errors (nothing built) and warnings, relative to the intent directory. */
  errors: Finding[];
  warnings: Finding[];
  /** Custom checks the app's configuration adds to the built-in ones. */
  customChecks: CheckDefinition[];
  /** Policies and rules that matched nothing in this app's run. */
  unmatchedPolicies: Finding[];
  /**
   * A usage error that stopped the app (an unreadable input, an invalid `.kintent.yaml`); `findings` and
   * `relativeTo` when it was an invalid-input error.
   */
  failure?: { message: string; findings: Finding[]; relativeTo?: string };
  /** Served from the build cache. */
  cached: boolean;
}

export interface FleetOptions {
  /** Only these environments (default: each app's every environment). */
  environments?: string[];
  /** How projects are opened (flags: config, policies, schemas, strict); paths resolved against `cwd`. */
  open?: Omit<OpenProjectOptions, "overlay" | "fileOrder" | "app">;
  /** Produce each environment's YAML stream; `explain` adds the `# why:` comments. */
  emit?: "none" | "yaml" | "explain";
  /** Worker threads (default: one per core but one; 1 runs in this thread). */
  workers?: number;
  /** The build cache directory, or undefined for none. */
  cacheDir?: string;
}

/** One job: everything a worker needs, as plain data. */
export interface FleetJob {
  dir: string;
  environments?: string[];
  open: Omit<OpenProjectOptions, "overlay" | "fileOrder" | "app">;
  emit: "none" | "yaml" | "explain";
  cacheDir?: string;
}

const BUILTIN_IDS = new Set(BUILTIN_CHECKS.map((c) => c.id));

/** Builds one app (or serves it from the cache). Never throws: a usage error is the app's `failure`. */
export async function runFleetJob(job: FleetJob): Promise<FleetApp> {
  const cwd = job.open.cwd ?? process.cwd();
  const abs = (p: string) => resolve(cwd, p);
  const open = {
    ...job.open,
    cwd,
    ...(job.open.configFile !== undefined ? { configFile: abs(job.open.configFile) } : {}),
    ...(job.open.platformFile !== undefined ? { platformFile: abs(job.open.platformFile) } : {}),
    ...(job.open.policies ? { policies: job.open.policies.map(abs) } : {}),
    ...(job.open.schemas ? { schemas: job.open.schemas.map(abs) } : {}),
  };
  const cache = job.cacheDir !== undefined ? BuildCache.at(job.cacheDir) : undefined;
  const call = {
    fleet: 1,
    environments: job.environments ?? null,
    emit: job.emit,
    open: { ...open, cwd: null },
  };
  const key = cache?.key(job.dir, call);
  if (cache && key !== undefined) {
    const hit = cache.get<Omit<FleetApp, "cached">>(key);
    if (hit) return { ...hit, cached: true };
  }
  let app: Omit<FleetApp, "cached">;
  try {
    const project = await openProject(job.dir, open);
    const all = project.buildAll(job.environments);
    app = {
      dir: project.dir,
      environments: all.environments.map((b) => ({
        environment: b.environment,
        ...(job.emit !== "none" && b.errors.length === 0
          ? { yaml: toYamlStream(b.objects, job.emit === "explain" ? b.decisions : []) }
          : {}),
        objects: b.summary.total,
        findings: b.findings,
        summary: b.summary,
      })),
      errors: all.errors,
      warnings: all.warnings,
      customChecks: project.validation.checks.filter((c) => !BUILTIN_IDS.has(c.id)),
      unmatchedPolicies: project.validation.unmatchedPolicies(),
    };
    if (cache && key !== undefined && all.errors.length === 0)
      cache.putLater(
        key,
        [...project.validation.inputs, ...(open.platformFile ? [open.platformFile] : [])],
        app,
      );
  } catch (e) {
    if (!isKintentError(e)) throw e;
    app = {
      dir: job.dir,
      environments: [],
      errors: [],
      warnings: [],
      customChecks: [],
      unmatchedPolicies: [],
      failure: {
        message: (e as Error).message,
        findings: e instanceof InvalidInputError ? [...e.findings] : [],
        // The engine's paths are relative to the intent directory unless the error says otherwise.
        ...(e instanceof InvalidInputError ? { relativeTo: e.relativeTo ?? job.dir } : {}),
      },
    };
  }
  return { ...app, cached: false };
}

/**
 * The worker script: tsc's `dist/project/fleet-worker.js` of this installation (also when this code runs
 * from the CLI bundle). Run from sources (`.ts`, under vitest) there is none — dist/ may be stale — and the
 * jobs run in this thread.
 */
function workerScript(): string | undefined {
  if (import.meta.url.endsWith(".ts")) return undefined;
  const p = join(packageRoot(), "dist", "project", "fleet-worker.js");
  return existsSync(p) ? p : undefined;
}

/** The error an app's failure was, to rethrow where one failing app stops the command. */
export function failureError(failure: NonNullable<FleetApp["failure"]>): Error {
  return failure.findings.length > 0 || failure.relativeTo !== undefined
    ? new InvalidInputError(failure.message, failure.findings, failure.relativeTo)
    : new UsageError(failure.message);
}

/** Builds every app of `dirs` (absolute intent directories); results in the order of `dirs`. */
export async function buildFleet(dirs: readonly string[], options: FleetOptions = {}): Promise<FleetApp[]> {
  const jobs: FleetJob[] = dirs.map((dir) => ({
    dir,
    ...(options.environments ? { environments: options.environments } : {}),
    open: options.open ?? {},
    emit: options.emit ?? "none",
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
  }));
  // Default: a worker per core but one (this thread writes the output). On 2 cores that is this thread
  // alone: measured on the bench fleet, two workers there finish no sooner (bench/README "Fleets").
  const wanted = Math.max(1, Math.min(options.workers ?? availableParallelism() - 1, jobs.length));
  const results: FleetApp[] = new Array<FleetApp>(jobs.length);
  const script = workerScript();
  if (wanted === 1 || script === undefined) {
    for (let i = 0; i < jobs.length; i++) results[i] = await runFleetJob(jobs[i] as FleetJob);
    await BuildCache.flushAll();
    return results;
  }
  let next = 0;
  await new Promise<void>((resolvePool, reject) => {
    let running = 0;
    let failed = false;
    const workers: Worker[] = [];
    const stopAll = () => {
      for (const w of workers) void w.terminate();
    };
    const feed = (w: Worker) => {
      if (failed) return;
      if (next >= jobs.length) {
        // The worker finishes its cache writes and exits; the pool ends when every worker has.
        w.once("exit", () => {
          if (--running === 0) resolvePool();
        });
        w.postMessage({ end: true });
        return;
      }
      const i = next++;
      w.postMessage({ i, job: jobs[i] });
    };
    for (let k = 0; k < wanted; k++) {
      const w = new Worker(script);
      workers.push(w);
      running++;
      w.on("message", (m: { i: number; app?: FleetApp; error?: string }) => {
        if (m.app === undefined) {
          failed = true;
          stopAll();
          reject(new Error(`internal error building ${jobs[m.i]?.dir ?? "?"}: ${m.error ?? "unknown"}`));
          return;
        }
        results[m.i] = m.app;
        feed(w);
      });
      w.on("error", (e) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(e);
      });
      feed(w);
    }
  });
  return results;
}
