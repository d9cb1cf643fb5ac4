import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { parse as parseYaml } from "yaml";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { forDisplay, printFindings } from "../output.js";
import { readStdin } from "../read-stdin.js";
import { applyOpsToDir } from "../../ai/apply.js";
import type { ApplyOpsResult } from "../../ai/apply.js";
import { OPERATIONS, parseOps } from "../../intent/edit/index.js";
import type { OpRequest, VerbOptions } from "../../intent/edit/index.js";
import { opProblem } from "../../ai/answer.js";
import { formatChanges, summarizeChanges } from "../../core/diff.js";
import { Redactor } from "../../core/redact.js";
import { findingsOfEnvironments, redactPatterns, wrapUsageAsync } from "../ai-options.js";

interface CommonFlags {
  dir: string;
  env?: string;
  app?: string;
  platform?: string;
  config?: string;
  dryRun?: boolean;
  why?: string;
  output: "text" | "json";
}

export function registerSet(program: Command, ctx: CommandContext): void {
  const set = program
    .command("set")
    .description(
      "Change an intent file in place (comments and formatting kept): prints the intent diff and the manifest diff of every environment, validates, and writes only a valid result",
    );

  // One verb per registry entry that has one (src/intent/edit/registry.ts), named after its operation.
  for (const definition of OPERATIONS) {
    const { verb } = definition;
    if (!verb) continue;
    const name = definition.schema.shape.op.value;
    let cmd = set.command(`${name}${verb.args ? ` ${verb.args}` : ""}`).description(verb.description);
    for (const o of verb.options ?? []) {
      const option = new Option(o.flags, o.description);
      cmd = cmd.addOption(o.choices ? option.choices(o.choices) : option);
    }
    const whyKey = verb.ownsWhy ? undefined : (definition.why ?? "app");
    common(cmd).action(async (...raw: unknown[]) => {
      const command = raw[raw.length - 1] as Command;
      const o = command.opts<VerbOptions>();
      const positional = raw.slice(0, -2).flat() as string[];
      ctx.exitCode = await wrapUsageAsync(async () => {
        const ops = verb.build(positional, o, {
          readFile: (file) => readFileSync(resolve(ctx.io.cwd, file), "utf8"),
        });
        return run(ctx, ops, o as unknown as CommonFlags, whyKey);
      });
    });
  }

  common(
    set
      .command("ops")
      .argument(
        "<file>",
        "a JSON or YAML list of operations (`-` for stdin): the schema `kintent ask` models answer with",
      )
      .description("apply a list of intent operations"),
  ).action(async (file: string, flags: CommonFlags) => {
    ctx.exitCode = await wrapUsageAsync(async () => {
      const text = file === "-" ? await readStdin(ctx.io.stdin) : readText(resolve(ctx.io.cwd, file));
      let value: unknown;
      try {
        value = parseYaml(text);
      } catch (e) {
        throw new UsageError(`${file}: not valid JSON or YAML: ${(e as Error).message.split("\n")[0] ?? ""}`);
      }
      const parsed = parseOps(value);
      if (parsed.errors.length > 0)
        throw new UsageError(`${file}: ${parsed.errors.map(opProblem).join("; ")}`);
      return run(ctx, parsed.ops, flags, "app");
    });
  });
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

function common(cmd: Command): Command {
  return cmd
    .option("-C, --dir <dir>", "intent directory or file", ".")
    .option("-e, --env <env>", "change only this environment (an override under spec.environments)")
    .option("--app <name>", "the app, when the directory holds several")
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option("--config <file>", "validation configuration (default: .kintent.yaml here or in a parent)")
    .option("--dry-run", "show the diffs and findings; write nothing")
    .option("-m, --why <text>", "record why (spec.why)")
    .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"));
}

/**
 * Apply a verb's operations (plus a `why` operation under `whyKey` for `--why`, unless the verb reads it
 * itself) and report. Every operation is parsed by its schema first: a wrong argument is a usage error.
 */
async function run(
  ctx: CommandContext,
  ops: readonly OpRequest[],
  flags: CommonFlags,
  whyKey: string | undefined,
): Promise<number> {
  const { io } = ctx;
  const all: OpRequest[] = [...ops];
  if (flags.why !== undefined && whyKey !== undefined) all.push({ op: "why", key: whyKey, text: flags.why });
  const parsed = parseOps(all);
  if (parsed.errors.length > 0) throw new UsageError(parsed.errors.map(opProblem).join("; "));
  const result: ApplyOpsResult = await applyOpsToDir(flags.dir, parsed.ops, {
    cwd: io.cwd,
    ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
    ...(flags.app !== undefined ? { app: flags.app } : {}),
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.config !== undefined ? { configFile: flags.config } : {}),
  });
  return report(ctx, result, flags);
}

/** Print a result: diffs on stdout, findings and status on stderr. Returns the exit code. */
export function report(ctx: CommandContext, r: ApplyOpsResult, flags: { output: "text" | "json" }): number {
  const { io } = ctx;
  const code =
    r.status === "failed" ? ExitCode.Failure : r.status === "invalid" ? ExitCode.Findings : ExitCode.Ok;
  // Diffs leave through the one redactor like every other output (Secret data is masked by the differ already;
  // this catches credentials in other objects, e.g. an extra/ ConfigMap, and the project's KINTENT_REDACT patterns).
  const redactor = new Redactor({ patterns: redactPatterns(io.env) });
  if (flags.output === "json") {
    io.stdout.write(
      JSON.stringify(
        redactor.value({
          status: r.status,
          file: r.file,
          app: r.app,
          applied: r.applied,
          errors: r.errors.map(opProblem),
          diff: r.diff,
          environments: (r.preview?.envs ?? []).map((e) => ({
            env: e.env,
            changes: e.changes,
            findings: e.findings,
          })),
          findings: r.intentErrors,
        }),
        null,
        2,
      ) + "\n",
    );
    return code;
  }
  if (r.errors.length > 0) {
    for (const e of r.errors) io.stderr.write(`kintent: ${opProblem(e)}\n`);
    return code;
  }
  if (r.intentErrors.length > 0) {
    printFindings(ctx, forDisplay(ctx, { dir: r.dir }, r.intentErrors));
    io.stderr.write("kintent: the change makes the intent invalid; nothing written\n");
    return code;
  }
  if (r.status === "unchanged") {
    io.stderr.write(`kintent: ${r.file ?? "the intent"} already says that; nothing to change\n`);
    return code;
  }
  io.stdout.write(redactor.text(r.diff));
  for (const e of r.preview?.envs ?? []) {
    io.stdout.write(`\n# manifests, environment ${e.env}: ${summarizeChanges(e.changes)}\n`);
    io.stdout.write(redactor.text(formatChanges(e.changes, "  ")));
  }
  printFindings(ctx, forDisplay(ctx, { dir: r.dir }, findingsOfEnvironments(r.preview?.envs ?? [])));
  if (r.status === "invalid") io.stderr.write("kintent: refusing to write: the result has error findings\n");
  else if (r.status === "dry-run") io.stderr.write(`kintent: dry run; ${r.file ?? ""} not written\n`);
  else io.stderr.write(`kintent: wrote ${r.file ?? ""}\n`);
  return code;
}
