import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { clusterIntent, clusterReader } from "../cluster.js";

interface StatusFlags {
  env?: string;
  kubeconfig?: string;
  context?: string;
  output: "text" | "json";
  platform?: string;
  config?: string;
  app?: string;
}

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command("status")
    .description(
      "What the intent deploys versus what is live (read-only): each object present, missing or drifted (only the fields kintent sets), rollout progress, Argo Rollouts phase/step/weights/analysis, the Argo CD Application's sync revision and health",
    )
    .argument("[dir]", "intent directory", ".")
    .option("-e, --env <env>", "the environment (and its kubeconfig context, platform `context`)")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)")
    .option(
      "--context <name>",
      "kubeconfig context (default: the environment's `context`, else the current one)",
    )
    .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option("--config <file>", "validation configuration (default: .kintent.yaml here or in a parent)")
    .option("--app <name>", "the app, when the directory holds several")
    .action(async (dir: string, flags: StatusFlags) => {
      const { io } = ctx;
      const { project, env, build } = await clusterIntent(ctx, dir, flags);
      const { readStatus, formatStatus, statusOk } = await import("../../cluster/status.js");
      const reader = await clusterReader(ctx, flags, { project, env });
      const report = await readStatus(reader, env, build.objects);
      io.stdout.write(
        flags.output === "json" ? JSON.stringify(report, null, 2) + "\n" : formatStatus(report),
      );
      ctx.exitCode = statusOk(report) ? ExitCode.Ok : ExitCode.Findings;
    });
}
