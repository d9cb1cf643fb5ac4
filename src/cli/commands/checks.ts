import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { BUILTIN_CHECKS } from "../../validate/checks/builtin.js";
import { checksMarkdown } from "../../validate/checks/docs.js";

export function registerChecks(program: Command, ctx: CommandContext): void {
  const checks = program.command("checks").description("The validator's built-in checks");
  checks
    .command("list")
    .description("List the built-in checks (markdown renders docs/checks.md)")
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "markdown", "json"]).default("text"),
    )
    .action((flags: { format: "text" | "markdown" | "json" }) => {
      const { io } = ctx;
      if (flags.format === "markdown") io.stdout.write(checksMarkdown(BUILTIN_CHECKS));
      else if (flags.format === "json") io.stdout.write(JSON.stringify(BUILTIN_CHECKS, null, 2) + "\n");
      else {
        const w = Math.max(...BUILTIN_CHECKS.map((c) => c.id.length));
        for (const c of BUILTIN_CHECKS)
          io.stdout.write(
            `${c.id.padEnd(w)}  ${c.severity.padEnd(7)}  ${c.category.padEnd(11)}  ${c.description}\n`,
          );
      }
      ctx.exitCode = ExitCode.Ok;
    });
}
