import { Command, CommanderError } from "commander";
import type { CliIO } from "./io.js";
import { ExitCode } from "./io.js";
import { InvalidInputError, isKintentError } from "../core/errors.js";
import { forDisplay, printFindings } from "./output.js";
import type { CommandContext } from "./context.js";
import { commandsFor } from "./commands/index.js";
import { VERSION } from "../core/version.js";

/**
 * kintent's CLI entry point: argv → exit code. Never calls process.exit; all output goes through `io`.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const ctx: CommandContext = { io, exitCode: ExitCode.Ok };
  const program = new Command("kintent")
    .description(
      "Intent files in; validated, explained Kubernetes manifests, Helm charts, Kustomize overlays and Argo CD apps out.",
    )
    .version(VERSION, "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of await commandsFor(argv)) register(program, ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other parse error is a usage error.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Failure;
    }
    // Usage and tool failures (any named kintent error) print their message, never a stack: exit 2. An
    // invalid intent or configuration prints its located findings first.
    if (err instanceof InvalidInputError) {
      const base = err.relativeTo;
      printFindings(ctx, base ? forDisplay(ctx, { dir: base }, err.findings) : err.findings);
    }
    if (isKintentError(err)) {
      if (err.message !== "") io.stderr.write(`kintent: ${err.message}\n`);
      return ExitCode.Failure;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    io.stderr.write(`kintent: internal error: ${e.message}\n`);
    if (io.env.KINTENT_DEBUG) io.stderr.write(`${e.stack ?? ""}\n`);
    return ExitCode.Failure;
  }
  return ctx.exitCode;
}
