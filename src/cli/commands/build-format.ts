/**
 * `kintent build --format helm|kustomize|argocd`: the renderings that span environments. Every environment is
 * compiled and validated before anything is written; error findings refuse the write (exit 1) unless
 * `--allow-invalid`.
 */
import type { KObject } from "../../core/object.js";
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { printFindings } from "../output.js";
import { loadIntent } from "../../intent/load.js";
import type { LoadedIntent } from "../../intent/load.js";
import { environmentNames } from "../../intent/resolve.js";
import { pickEnvironment } from "../../compile/index.js";
import { validationContext } from "../../build.js";
import { validateObjects } from "../../validate/index.js";
import type { ValidateOptions } from "../../validate/index.js";
import type { Finding } from "../../core/finding.js";
import { compileEnvironments } from "../../render/app-environments.js";
import type { AppEnvironments } from "../../render/app-environments.js";
import { renderHelmChart } from "../../render/helm-chart.js";
import { renderKustomize } from "../../render/kustomize.js";
import { ArgoSourceError, renderApplicationSet, renderApplications } from "../../render/argocd.js";
import type { ArgoOptions } from "../../render/argocd.js";
import { objectFiles, writeDirAtomic, OutputDirError } from "../../render/files.js";
import { toYamlStream } from "../../render/yaml.js";

export type BuildFormat = "manifests" | "helm" | "kustomize" | "argocd";

export interface FormatFlags {
  format: BuildFormat;
  env?: string;
  out?: string;
  explain?: boolean;
  output: "yaml" | "json";
  platform?: string;
  app?: string;
  allowInvalid?: boolean;
  applicationset?: boolean;
  plugin?: boolean | string;
  repo?: string;
  revision?: string;
}

/** Flags that only make sense with some formats; a usage error elsewhere. */
export function checkFormatFlags(flags: Omit<FormatFlags, "format"> & { format: BuildFormat }): void {
  const f = flags.format;
  if (f !== "argocd") {
    if (flags.applicationset) throw new UsageError("--applicationset goes with --format argocd");
    if (flags.plugin !== undefined) throw new UsageError("--plugin goes with --format argocd");
    if (flags.repo !== undefined || flags.revision !== undefined)
      throw new UsageError("--repo and --revision go with --format argocd");
  }
  if (f === "manifests") return;
  if ((f === "helm" || f === "kustomize") && flags.out === undefined)
    throw new UsageError(`--format ${f} writes a directory: add --out <dir>`);
  if (flags.output === "json") throw new UsageError(`--output json is not available with --format ${f}`);
  if (flags.explain)
    throw new UsageError(`--explain is not available with --format ${f} (its files carry the whys already)`);
}

/** The intent directory relative to the root of its Git work tree (for the plugin source path). */
function repoPath(dir: string, cwd: string): string {
  let abs = resolve(cwd, dir);
  if (existsSync(abs) && !statSync(abs).isDirectory()) abs = dirname(abs);
  let cur = abs;
  for (;;) {
    if (existsSync(join(cur, ".git"))) return relative(cur, abs).split("\\").join("/") || ".";
    const up = dirname(cur);
    if (up === cur)
      throw new UsageError(
        `${dir} is not inside a Git work tree: pass the intent directory's path in the repository with --plugin <path>`,
      );
    cur = up;
  }
}

function onlyApp(intent: LoadedIntent, app: string | undefined): LoadedIntent {
  if (app === undefined) return intent;
  const only = intent.apps.filter((a) => a.value.metadata.name === app);
  if (only.length === 0)
    throw new UsageError(
      `no app named \`${app}\` (found ${intent.apps.map((a) => a.value.metadata.name).join(", ")})`,
    );
  return { ...intent, apps: only };
}

function validateEnvironments(
  apps: readonly AppEnvironments[],
  project: Omit<ValidateOptions, "context">,
): Finding[] {
  const findings: Finding[] = [];
  for (const a of apps)
    for (const e of a.environments) {
      const r = validateObjects(
        e.result.objects.map((object) => ({ object })),
        { ...project, context: validationContext(e.app) },
      );
      findings.push(...r.findings);
    }
  return findings;
}

function write(out: string, files: ReadonlyMap<string, string>): void {
  try {
    writeDirAtomic(out, files);
  } catch (e) {
    if (e instanceof OutputDirError) throw new UsageError(e.message);
    throw e;
  }
}

export function runFormat(
  ctx: CommandContext,
  dir: string,
  flags: FormatFlags,
  project: Omit<ValidateOptions, "context"> = {},
): number {
  const { io } = ctx;
  checkFormatFlags(flags);
  const loaded = loadIntent(dir, {
    cwd: io.cwd,
    ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
  });
  if (!loaded.intent) {
    printFindings(ctx, [...loaded.errors, ...loaded.warnings]);
    return ExitCode.Failure;
  }
  const intent = onlyApp(loaded.intent, flags.app);
  const envs =
    flags.env !== undefined ? [pickEnvironment(intent, flags.env)] : environmentNames(intent.platform);
  const compiled = compileEnvironments(
    intent,
    envs,
    loaded.intent.apps.map((a) => a.value.metadata.name),
  );
  const warnings = [...loaded.warnings, ...compiled.warnings];
  if (compiled.errors.length > 0) {
    printFindings(ctx, [...compiled.errors, ...warnings]);
    return ExitCode.Failure;
  }
  const apps = compiled.apps;
  const sources = intent.files;
  const findings = validateEnvironments(apps, project);

  let files: Map<string, string> | undefined;
  let objects: KObject[] = [];
  let summary: string;
  try {
    if (flags.format === "helm") {
      files = new Map();
      const versions: string[] = [];
      for (const a of apps) {
        const chart = renderHelmChart({ app: a, sources });
        const prefix = apps.length > 1 ? `${a.name}/` : "";
        for (const [p, c] of chart.files) files.set(`${prefix}${p}`, c);
        versions.push(`${chart.name} ${chart.version}`);
      }
      summary = `Helm chart ${versions.join(", ")} (${envs.join(", ")})`;
    } else if (flags.format === "kustomize") {
      files = renderKustomize({ apps, environments: envs, sources });
      summary = `Kustomize base and overlays (${envs.join(", ")})`;
    } else {
      const options: ArgoOptions = {
        ...(flags.repo !== undefined ? { repo: flags.repo } : {}),
        ...(flags.revision !== undefined ? { revision: flags.revision } : {}),
        ...(flags.plugin !== undefined
          ? { pluginPath: typeof flags.plugin === "string" ? flags.plugin : repoPath(dir, io.cwd) }
          : {}),
      };
      objects = flags.applicationset
        ? apps.map((a) => renderApplicationSet(a, options))
        : renderApplications(apps, options);
      findings.push(...validateObjects(objects.map((object) => ({ object }))).findings);
      summary = `${objects.length} Argo CD ${flags.applicationset ? "ApplicationSet" : "Application"}(s)`;
      if (flags.out !== undefined) files = objectFiles(objects);
    }
  } catch (e) {
    if (e instanceof ArgoSourceError) throw new UsageError(e.message);
    throw e;
  }

  const invalid = findings.some((f) => f.severity === "error");
  if (invalid && !flags.allowInvalid) {
    printFindings(ctx, [...warnings, ...findings]);
    io.stderr.write(
      `kintent: refusing to write ${summary} with error findings (use --allow-invalid to override)\n`,
    );
    return ExitCode.Findings;
  }
  if (flags.out !== undefined && files) {
    write(flags.out, files);
    io.stderr.write(`kintent: wrote ${summary} to ${flags.out}\n`);
  } else {
    io.stdout.write(toYamlStream(objects));
  }
  printFindings(ctx, [...warnings, ...findings]);
  return invalid ? ExitCode.Findings : ExitCode.Ok;
}
