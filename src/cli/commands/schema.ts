import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { intentJsonSchema } from "../../intent/schema.js";
import { intentReferenceMarkdown } from "../../intent/reference.js";

export function registerSchema(program: Command, ctx: CommandContext): void {
  program
    .command("schema")
    .description(
      "Print the JSON Schema of intent files (App and Platform) for editors and CI, or the intent reference as markdown",
    )
    .addOption(
      new Option("--format <format>", "json (JSON Schema) or markdown (reference)")
        .choices(["json", "markdown"])
        .default("json"),
    )
    .action((flags: { format: "json" | "markdown" }) => {
      ctx.io.stdout.write(
        flags.format === "markdown"
          ? intentReferenceMarkdown()
          : JSON.stringify(intentJsonSchema(), null, 2) + "\n",
      );
      ctx.exitCode = ExitCode.Ok;
    });
}
