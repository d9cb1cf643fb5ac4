import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { intentJsonSchema } from "../../intent/schema.js";

export function registerSchema(program: Command, ctx: CommandContext): void {
  program
    .command("schema")
    .description("Print the JSON Schema of intent files (App and Platform), for editors and CI")
    .action(() => {
      ctx.io.stdout.write(JSON.stringify(intentJsonSchema(), null, 2) + "\n");
      ctx.exitCode = ExitCode.Ok;
    });
}
