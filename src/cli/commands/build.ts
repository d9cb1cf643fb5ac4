import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { writeYamlStream } from "../../render/yaml.js";
import { objectFiles, writeDirAtomic } from "../../render/files.js";
import type { Project } from "../../project/index.js";
import { openFromFlags, printProjectFindings, throwIntentErrors } from "../project.js";
import { checkFormatFlags, runFormat } from "./build-format.js";
import type { BuildFormat } from "./build-format.js";
import { parseJobs, runBuildAll } from "./build-all.js";
import { UsageError } from "../../core/errors.js";

interface BuildFlags {
  env?: string;
  out?: string;
  explain?: boolean;
  output: "yaml" | "json";
  platform?: string;
  app?: string;
  allowInvalid?: boolean;
  config?: string;
  format: BuildFormat;
  applicationset?: boolean;
  plugin?: boolean | string;
  repo?: string;
  revision?: string;
  all?: boolean;
  jobs?: number;
  cache: boolean;
}

export function registerBuild(program: Command, ctx: CommandContext): void {
  program
    .command("build")
    .description(
      "Compile an intent directory into Kubernetes manifests (YAML stream on stdout, or one file per object with --out)",
    )
    .argument("[dir]", "intent directory or file (with --all: the root of many)", ".")
    .option(
      "--all",
      "every intent directory under <dir> (a monorepo of apps sharing a platform), every environment, on worker threads; with --out, <out>/<app path>/<env>.yaml",
    )
    .option("-j, --jobs <n>", "with --all: apps built at once (default: one per core but one)", parseJobs)
    .option("--no-cache", "with --all: rebuild every app (default: unchanged apps come from the build cache)")
    .option("-e, --env <env>", "environment to build (required when the platform defines several)")
    .option(
      "-o, --out <dir>",
      "write one file per object into <dir>, atomically (the old directory survives any failure)",
    )
    .option("--explain", "annotate the YAML with `# why:` comments")
    .addOption(new Option("--output <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option("--app <name>", "only this app, when the directory holds several")
    .option("--allow-invalid", "write output even when the validator reports errors (they are still printed)")
    .addOption(
      new Option(
        "--format <format>",
        "manifests, or a rendering for every environment: a Helm chart, Kustomize base + overlays, Argo CD Applications",
      )
        .choices(["manifests", "helm", "kustomize", "argocd"])
        .default("manifests"),
    )
    .option(
      "--applicationset",
      "with --format argocd: one ApplicationSet (list generator) instead of an Application per environment",
    )
    .option(
      "--plugin [path]",
      "with --format argocd: serve the intent directory (path in the repository; default: found from Git) through the kintent Config Management Plugin",
    )
    .option("--repo <url>", "with --format argocd: repository URL (default: platform.spec.gitops.repo)")
    .option("--revision <rev>", "with --format argocd: Git revision (default: platform.spec.gitops.revision)")
    .option(
      "--config <file>",
      "validation settings and policies (default: .kintent.yaml from the intent directory up)",
    )
    .action(async (dir: string, flags: BuildFlags) => {
      if (flags.all) {
        for (const [flag, set] of [
          ["--format", flags.format !== "manifests"],
          ["--app", flags.app !== undefined],
          ["--applicationset", flags.applicationset],
          ["--plugin", flags.plugin !== undefined],
          ["--repo", flags.repo !== undefined],
          ["--revision", flags.revision !== undefined],
        ] as const)
          if (set) throw new UsageError(`--all builds manifests of every app; it does not take ${flag}`);
        ctx.exitCode = await runBuildAll(ctx, dir, flags);
        return;
      }
      if (flags.jobs !== undefined) throw new UsageError("--jobs goes with --all");
      checkFormatFlags(flags);
      const project = await openFromFlags(ctx, dir, flags);
      ctx.exitCode =
        flags.format === "manifests" ? runBuild(ctx, project, flags) : runFormat(ctx, project, dir, flags);
    });
}

function runBuild(ctx: CommandContext, project: Project, flags: BuildFlags): number {
  const { io } = ctx;
  const b = project.build(flags.env);
  if (b.errors.length > 0) {
    if (flags.output !== "json") throwIntentErrors(project, b.errors, b.warnings);
    io.stdout.write(JSON.stringify({ findings: [...b.errors, ...b.warnings] }, null, 2) + "\n");
    return ExitCode.Failure;
  }
  const findings = [...b.warnings, ...b.findings];
  const invalid = b.findings.some((f) => f.severity === "error");
  if (invalid && !flags.allowInvalid) {
    if (flags.output === "json") io.stdout.write(JSON.stringify({ findings }, null, 2) + "\n");
    else printProjectFindings(ctx, project, findings);
    io.stderr.write(
      "kintent: refusing to write manifests with error findings (use --allow-invalid to override)\n",
    );
    return ExitCode.Findings;
  }
  const decisions = flags.explain ? b.decisions : [];
  if (flags.out !== undefined) {
    writeDirAtomic(flags.out, objectFiles(b.objects, decisions));
    io.stderr.write(`kintent: wrote ${b.objects.length} object(s) for ${b.environment} to ${flags.out}\n`);
  } else if (flags.output === "json") {
    io.stdout.write(
      JSON.stringify(
        { environment: b.environment, objects: b.objects, decisions: b.decisions, findings },
        null,
        2,
      ) + "\n",
    );
  } else {
    writeYamlStream(b.objects, decisions, (chunk) => io.stdout.write(chunk));
  }
  if (flags.output !== "json") printProjectFindings(ctx, project, findings);
  return invalid ? ExitCode.Findings : ExitCode.Ok;
}
