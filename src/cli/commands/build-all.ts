/**
 * `kintent build --all ROOT`: every intent directory under ROOT (a GitOps monorepo of apps sharing a
 * platform), every environment, on worker threads — one engine run per app (src/project/fleet.ts), one report.
 * With `--out DIR` each app's environments are written to `DIR/<app path>/<env>.yaml` (the `kintent build`
 * stream), atomically and only when nothing is invalid (as `kintent build`).
 */
import { existsSync, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { InvalidArgumentError } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { forDisplay, printFindings } from "../output.js";
import { UsageError } from "../../core/errors.js";
import type { Finding } from "../../core/finding.js";
import { buildFleet, cacheDirFromEnv, findIntentDirs } from "../../project/index.js";
import type { FleetApp } from "../../project/index.js";
import { writeDirAtomic } from "../../render/files.js";

export interface BuildAllFlags {
  env?: string;
  out?: string;
  explain?: boolean;
  output: "yaml" | "json";
  platform?: string;
  config?: string;
  allowInvalid?: boolean;
  jobs?: number;
  cache: boolean;
}

/** `--jobs N`: a positive integer. */
export function parseJobs(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new InvalidArgumentError("must be a whole number from 1 to 256");
  return n;
}

/**
 * An app's findings as a fleet report shows them: intent errors and warnings, then each environment's
 * validator findings marked `(app, env E)` — paths relative to the working directory.
 */
export function fleetFindings(ctx: CommandContext, app: FleetApp): Finding[] {
  const shown = relative(ctx.io.cwd, app.dir) || ".";
  const out = forDisplay(ctx, app, [...app.errors, ...app.warnings]);
  for (const b of app.environments)
    for (const f of forDisplay(ctx, app, b.findings))
      out.push({ ...f, message: `${f.message} (${shown}, env ${b.environment})` });
  return out;
}

/** The build cache the environment allows (`KINTENT_CACHE=off` disables it). */
export function cacheOption(env: NodeJS.ProcessEnv): { cacheDir?: string } {
  const dir = cacheDirFromEnv(env);
  return dir !== undefined ? { cacheDir: dir } : {};
}

export async function runBuildAll(ctx: CommandContext, root: string, flags: BuildAllFlags): Promise<number> {
  const { io } = ctx;
  const abs = resolve(io.cwd, root);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new UsageError(`--all: ${root} is not a directory`);
  const dirs = findIntentDirs(abs);
  if (dirs.length === 0)
    throw new UsageError(
      `--all: no intent directories under ${root} (directories holding kintent.yaml or score.yaml)`,
    );
  const apps = await buildFleet(dirs, {
    ...(flags.env !== undefined ? { environments: [flags.env] } : {}),
    open: {
      cwd: io.cwd,
      ...(flags.config !== undefined ? { configFile: flags.config } : {}),
      ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
    },
    emit: flags.out === undefined ? "none" : flags.explain ? "explain" : "yaml",
    ...(flags.jobs !== undefined ? { workers: flags.jobs } : {}),
    ...(flags.cache ? cacheOption(io.env) : {}),
  });

  const findings: Finding[] = [];
  const files = new Map<string, string>();
  let stopped = 0;
  let builds = 0;
  let objects = 0;
  let cached = 0;
  for (const app of apps) {
    const shown = relative(io.cwd, app.dir) || ".";
    if (app.cached) cached++;
    if (app.failure) {
      stopped++;
      findings.push({
        checkId: "input",
        messageId: "app-failed",
        severity: "error",
        message: `${shown}: ${app.failure.message}`,
      });
      findings.push(...forDisplay(ctx, { dir: app.failure.relativeTo ?? app.dir }, app.failure.findings));
      continue;
    }
    if (app.errors.length > 0) stopped++;
    findings.push(...fleetFindings(ctx, app));
    const prefix = relative(abs, app.dir).split(sep).join("/");
    for (const b of app.environments) {
      builds++;
      objects += b.objects;
      if (b.yaml !== undefined)
        files.set(`${prefix === "" ? "" : `${prefix}/`}${b.environment}.yaml`, b.yaml);
    }
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  if (flags.output === "json") {
    io.stdout.write(
      JSON.stringify(
        {
          apps: apps.map((a) => ({
            dir: relative(io.cwd, a.dir) || ".",
            environments: a.environments.map((b) => ({
              environment: b.environment,
              objects: b.objects,
              summary: b.summary,
            })),
            ...(a.failure ? { failure: a.failure.message } : {}),
          })),
          findings,
          summary: { apps: apps.length, builds, objects, errors, warnings },
        },
        null,
        2,
      ) + "\n",
    );
  } else printFindings(ctx, findings);

  io.stderr.write(
    `kintent: ${apps.length} app(s), ${builds} environment build(s), ${objects} object(s): ${errors} error(s), ${warnings} warning(s)` +
      `${cached > 0 ? `; ${cached} app(s) unchanged (build cache)` : ""}\n`,
  );
  // Invalid intents and apps that could not be opened are usage errors (2), as in `kintent build`.
  if (stopped > 0) {
    io.stderr.write(`kintent: ${stopped} app(s) could not be built; nothing written\n`);
    return ExitCode.Failure;
  }
  if (errors > 0 && !flags.allowInvalid) {
    if (flags.out !== undefined)
      io.stderr.write(
        "kintent: refusing to write manifests with error findings (use --allow-invalid to override)\n",
      );
    return ExitCode.Findings;
  }
  if (flags.out !== undefined) {
    writeDirAtomic(flags.out, files);
    io.stderr.write(`kintent: wrote ${files.size} file(s) to ${flags.out}\n`);
  }
  return errors > 0 ? ExitCode.Findings : ExitCode.Ok;
}
