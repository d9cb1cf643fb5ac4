import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { allObjects, buildIntent } from "../../build.js";
import { toYamlStream } from "../../render/yaml.js";
import { objectFiles, writeDirAtomic, OutputDirError } from "../../render/files.js";
import { printFindings, wrapUsage } from "../output.js";
import { resolve } from "node:path";
import { projectValidation } from "../../validate/project.js";
import type { ValidateOptions } from "../../validate/index.js";
import { checkFormatFlags, runFormat } from "./build-format.js";
import type { BuildFormat } from "./build-format.js";

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
}

export function registerBuild(program: Command, ctx: CommandContext): void {
  program
    .command("build")
    .description(
      "Compile an intent directory into Kubernetes manifests (YAML stream on stdout, or one file per object with --out)",
    )
    .argument("[dir]", "intent directory or file", ".")
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
      const project = await projectValidation(
        resolve(ctx.io.cwd, dir),
        ctx.io.cwd,
        flags.config && resolve(ctx.io.cwd, flags.config),
      );
      if (project.errors.length > 0) {
        printFindings(ctx, project.errors);
        ctx.exitCode = ExitCode.Failure;
        return;
      }
      ctx.exitCode = wrapUsage(ctx, () => {
        checkFormatFlags(flags);
        return flags.format === "manifests"
          ? runBuild(ctx, dir, flags, project.options)
          : runFormat(ctx, dir, flags, project.options);
      });
    });
}

function runBuild(
  ctx: CommandContext,
  dir: string,
  flags: BuildFlags,
  project: Omit<ValidateOptions, "context">,
): number {
  const { io } = ctx;
  const b = buildIntent(dir, {
    cwd: io.cwd,
    validateOptions: project,
    ...(flags.env !== undefined ? { env: flags.env } : {}),
    ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
    ...(flags.app !== undefined ? { app: flags.app } : {}),
  });
  const findings = [...b.errors, ...b.warnings];
  if (b.errors.length > 0 || !b.build) {
    if (flags.output === "json") io.stdout.write(JSON.stringify({ findings }, null, 2) + "\n");
    else printFindings(ctx, findings);
    return ExitCode.Failure;
  }
  const invalid = b.validation.some((f) => f.severity === "error");
  if (invalid && !flags.allowInvalid) {
    if (flags.output === "json")
      io.stdout.write(JSON.stringify({ findings: [...findings, ...b.validation] }, null, 2) + "\n");
    else printFindings(ctx, [...b.warnings, ...b.validation]);
    io.stderr.write(
      "kintent: refusing to write manifests with error findings (use --allow-invalid to override)\n",
    );
    return ExitCode.Findings;
  }
  const objects = allObjects(b.build);
  const decisions = flags.explain ? b.build.results.flatMap((r) => r.decisions) : [];
  if (flags.out !== undefined) {
    try {
      writeDirAtomic(flags.out, objectFiles(objects, decisions));
    } catch (e) {
      if (e instanceof OutputDirError) throw new UsageError(e.message);
      throw e;
    }
    io.stderr.write(`kintent: wrote ${objects.length} object(s) for ${b.environment} to ${flags.out}\n`);
  } else if (flags.output === "json") {
    io.stdout.write(
      JSON.stringify(
        {
          environment: b.environment,
          objects,
          decisions: b.build.results.flatMap((r) => r.decisions),
          findings,
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    io.stdout.write(toYamlStream(objects, decisions));
  }
  if (flags.output !== "json") printFindings(ctx, [...b.warnings, ...b.validation]);
  return invalid ? ExitCode.Findings : ExitCode.Ok;
}
