import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { renderRunbook } from "../../render/runbook.js";
import { writeDirAtomic } from "../../render/files.js";
import { openFromFlags, printProjectFindings, throwIntentErrors } from "../project.js";

interface ExplainFlags {
  env?: string;
  out?: string;
  platform?: string;
  config?: string;
  app?: string;
  allowInvalid?: boolean;
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
    .option(
      "--config <file>",
      "validation settings and policies (default: .kintent.yaml from the intent directory up)",
    )
    .option("--app <name>", "only this app, when the directory holds several")
    .option(
      "--allow-invalid",
      "write the runbook even when the validator reports errors (they are still printed)",
    )
    .action(async (dir: string, flags: ExplainFlags) => {
      ctx.exitCode = await runExplain(ctx, dir, flags);
    });
}

/**
 * The runbook of what `kintent build` would deploy — the same engine, the same objects (extras included) and
 * the same refusal on error findings.
 */
async function runExplain(ctx: CommandContext, dir: string, flags: ExplainFlags): Promise<number> {
  const project = await openFromFlags(ctx, dir, flags);
  const all = project.buildAll(flags.env !== undefined ? [flags.env] : undefined);
  throwIntentErrors(project, all.errors, all.warnings);
  const pages = new Map<string, string>();
  for (const b of all.environments)
    for (const a of b.apps)
      pages.set(
        `${a.app.name}-${b.environment}.md`,
        renderRunbook({ app: a.app, result: a.result, sources: [...project.inputs] }),
      );
  const shown = [...all.warnings, ...all.findings];
  const invalid = all.findings.some((f) => f.severity === "error");
  if (invalid && !flags.allowInvalid) {
    printProjectFindings(ctx, project, shown);
    ctx.io.stderr.write(
      "kintent: refusing to write the runbook of manifests with error findings (use --allow-invalid to override)\n",
    );
    return ExitCode.Findings;
  }
  if (flags.out !== undefined) {
    writeDirAtomic(flags.out, pages);
    ctx.io.stderr.write(`kintent: wrote ${pages.size} runbook(s) to ${flags.out}\n`);
  } else {
    ctx.io.stdout.write([...pages.values()].join("\n---\n\n"));
  }
  printProjectFindings(ctx, project, shown);
  return invalid ? ExitCode.Findings : ExitCode.Ok;
}
