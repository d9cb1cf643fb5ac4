import type { Command } from "commander";
import type { CommandContext } from "../context.js";

/**
 * `kintent cmp generate|discover`: the Argo CD Config Management Plugin (deploy/argocd-cmp). The sidecar runs
 * `bin/kintent.js`, which dispatches these two straight to src/cmp without loading the CLI; this registration
 * gives them help text and the same behaviour through the full CLI.
 */
export function registerCmp(program: Command, ctx: CommandContext): void {
  const cmp = program
    .command("cmp")
    .description(
      "Argo CD Config Management Plugin commands, run by the argocd-repo-server sidecar in the Application's source directory",
    );
  cmp
    .command("generate")
    .description(
      "print the validated manifests of the intent in the current directory (environment from ARGOCD_ENV_KINTENT_ENV or the `env` parameter); exit non-zero with a one-line reason on any error",
    )
    .action(async () => {
      const { cmpGenerate } = await import("../../cmp/generate.js");
      ctx.exitCode = await cmpGenerate(ctx.io);
    });
  cmp
    .command("discover")
    .description(
      "exit 0 and print the file name when the current directory holds kintent.yaml, claudernetes.yaml or claudernetes.md; exit 1 otherwise",
    )
    .action(async () => {
      const { cmpDiscover } = await import("../../cmp/generate.js");
      ctx.exitCode = await cmpDiscover(ctx.io);
    });
}
