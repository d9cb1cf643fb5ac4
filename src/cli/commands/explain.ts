import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { loadIntent } from "../../intent/load.js";
import { environmentNames } from "../../intent/resolve.js";
import { buildEnvironment, pickEnvironment } from "../../compile/index.js";
import { renderRunbook } from "../../render/runbook.js";
import { writeDirAtomic, OutputDirError } from "../../render/files.js";
import { printFindings, wrapUsage } from "../output.js";
import type { Finding } from "../../core/finding.js";

interface ExplainFlags {
  env?: string;
  out?: string;
  platform?: string;
}

export function registerExplain(program: Command, ctx: CommandContext): void {
  program
    .command("explain")
    .description(
      "Write the runbook: what exists and why, platform notes, how to deploy, verify and roll back (markdown)",
    )
    .argument("[dir]", "intent directory or file", ".")
    .option("-e, --env <env>", "only this environment (default: every environment)")
    .option("-o, --out <dir>", "write one <app>-<env>.md per app and environment into <dir>, atomically")
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .action((dir: string, flags: ExplainFlags) => {
      ctx.exitCode = wrapUsage(ctx, () => runExplain(ctx, dir, flags));
    });
}

function runExplain(ctx: CommandContext, dir: string, flags: ExplainFlags): number {
  const loaded = loadIntent(dir, {
    cwd: ctx.io.cwd,
    ...(flags.platform ? { platformFile: flags.platform } : {}),
  });
  if (!loaded.intent) {
    printFindings(ctx, [...loaded.errors, ...loaded.warnings]);
    return ExitCode.Failure;
  }
  const intent = loaded.intent;
  const envs =
    flags.env !== undefined ? [pickEnvironment(intent, flags.env)] : environmentNames(intent.platform);
  const pages = new Map<string, string>();
  const errors: Finding[] = [];
  const warnings: Finding[] = [...loaded.warnings];
  const sources = intent.files.map((f) => f);
  for (const env of envs) {
    const b = buildEnvironment(intent, env);
    errors.push(...b.errors);
    warnings.push(...b.warnings);
    b.results.forEach((result, i) => {
      const app = b.apps[i];
      if (app) pages.set(`${app.name}-${env}.md`, renderRunbook({ app, result, sources }));
    });
  }
  if (errors.length > 0) {
    printFindings(ctx, [...errors, ...warnings]);
    return ExitCode.Failure;
  }
  if (flags.out !== undefined) {
    try {
      writeDirAtomic(flags.out, pages);
    } catch (e) {
      if (e instanceof OutputDirError) throw new UsageError(e.message);
      throw e;
    }
    ctx.io.stderr.write(`kintent: wrote ${pages.size} runbook(s) to ${flags.out}\n`);
  } else {
    ctx.io.stdout.write([...pages.values()].join("\n---\n\n"));
  }
  printFindings(ctx, warnings);
  return ExitCode.Ok;
}
