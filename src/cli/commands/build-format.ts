/**
 * `kintent build --format helm|kustomize|argocd`: the renderings that span environments. Every environment is
 * built by the engine (extras, the team's policies and checks included) and validated before anything is
 * written; error findings refuse the write (exit 1) unless `--allow-invalid`.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { KObject } from "../../core/object.js";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { renderHelmChart } from "../../render/helm-chart.js";
import { renderKustomize } from "../../render/kustomize.js";
import { renderApplicationSet, renderApplications } from "../../render/argocd.js";
import type { ArgoOptions } from "../../render/argocd.js";
import { objectFiles, writeDirAtomic } from "../../render/files.js";
import { toYamlStream } from "../../render/yaml.js";
import type { Project } from "../../project/index.js";
import { printProjectFindings, throwIntentErrors } from "../project.js";

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

export function runFormat(ctx: CommandContext, project: Project, dir: string, flags: FormatFlags): number {
  const { io } = ctx;
  const all = project.buildAll(flags.env !== undefined ? [flags.env] : undefined);
  throwIntentErrors(project, all.errors, all.warnings);
  const envs = all.environments.map((e) => e.environment);
  const apps = all.apps;
  const sources = project.inputs;
  const findings = [...all.findings];

  let files: Map<string, string> | undefined;
  let objects: KObject[] = [];
  let summary: string;
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
    findings.push(...project.validate(objects.map((object) => ({ object }))).findings);
    summary = `${objects.length} Argo CD ${flags.applicationset ? "ApplicationSet" : "Application"}(s)`;
    if (flags.out !== undefined) files = objectFiles(objects);
  }

  const shown = [...all.warnings, ...findings];
  const invalid = findings.some((f) => f.severity === "error");
  if (invalid && !flags.allowInvalid) {
    printProjectFindings(ctx, project, shown);
    io.stderr.write(
      `kintent: refusing to write ${summary} with error findings (use --allow-invalid to override)\n`,
    );
    return ExitCode.Findings;
  }
  if (flags.out !== undefined && files) {
    writeDirAtomic(flags.out, files);
    io.stderr.write(`kintent: wrote ${summary} to ${flags.out}\n`);
  } else {
    io.stdout.write(toYamlStream(objects));
  }
  printProjectFindings(ctx, project, shown);
  return invalid ? ExitCode.Findings : ExitCode.Ok;
}
