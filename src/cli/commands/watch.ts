import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { clusterIntent, clusterReader } from "../cluster.js";
import { redactPatterns } from "../ai-options.js";

interface WatchFlags {
  env?: string;
  kubeconfig?: string;
  context?: string;
  action?: "report" | "issue" | "fix" | "rollback";
  repo?: string;
  listen: string;
  platform?: string;
  config?: string;
  app?: string;
  redact: string[];
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerWatch(program: Command, ctx: CommandContext): void {
  program
    .command("watch")
    .description(
      "The health agent: watch the environment's namespaces (read-only informers), diagnose new failures, and act as the platform's `health` says — report, open/update one forge issue per distinct failure, or propose the fix as a pull request; serves /healthz and /metrics. Runs until stopped (SIGINT/SIGTERM)",
    )
    .argument("[dir]", "intent directory", ".")
    .option("-e, --env <env>", "the environment")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)")
    .option("--context <name>", "kubeconfig context (default: the environment's `context`)")
    .addOption(
      new Option("--action <action>", "override the platform's health.action").choices([
        "report",
        "issue",
        "fix",
        "rollback",
      ]),
    )
    .option(
      "--repo <url>",
      "forge repository for issues and pull requests (default: health.repo, else gitops.repo)",
    )
    .option("--listen <host:port>", "/healthz and /metrics", "127.0.0.1:9464")
    .option("--redact <regex>", "also redact matches of this pattern (repeatable)", collect, [])
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option("--config <file>", "validation configuration (default: .kintent.yaml here or in a parent)")
    .option("--app <name>", "the app, when the directory holds several")
    .action(async (dir: string, flags: WatchFlags) => {
      ctx.exitCode = await runWatch(ctx, dir, flags);
    });
}

async function runWatch(ctx: CommandContext, dir: string, flags: WatchFlags): Promise<number> {
  const { io } = ctx;
  const { project, env, build } = await clusterIntent(ctx, dir, flags);
  const penv = project.platform?.value.spec.environments[env];
  const action = flags.action ?? penv?.health?.action ?? "report";
  const m = /^(.*):(\d+)$/.exec(flags.listen);
  if (!m?.[1] || !m[2]) throw new UsageError(`--listen wants host:port, got \`${flags.listen}\``);
  const { namespacesOf } = await import("../../cluster/target.js");
  const namespaces = namespacesOf(build.objects);
  const { startWatch, issueTrackerFor } = await import("../../cluster/watch.js");
  const { agentServer } = await import("../../cluster/serve.js");
  const { Redactor } = await import("../../core/redact.js");
  const redactor = new Redactor({ patterns: redactPatterns(io.env, flags.redact) });
  const reader = await clusterReader(ctx, flags, { project, env });
  const repo = flags.repo ?? penv?.health?.repo ?? project.platform?.value.spec.gitops?.repo;
  if (action !== "report" && !repo)
    throw new UsageError(`health.action ${action} needs a repository: health.repo, gitops.repo or --repo`);
  const issues = action !== "report" && repo ? await issueTrackerFor(repo, io.env, redactor) : undefined;
  const server = agentServer();
  const { port } = await server.listen(m[1], Number(m[2]));
  io.stderr.write(
    `kintent: watching ${namespaces.join(", ")} (${reader.where}); action ${action}; /healthz and /metrics on ${m[1]}:${port}\n`,
  );
  const handle = startWatch({
    reader,
    namespaces,
    action,
    env,
    redactor,
    log: (line) => io.stdout.write(`${line}\n`),
    metrics: server.metrics,
    ...(issues ? { issues } : {}),
    ...(penv?.health?.labels ? { labels: penv.health.labels } : {}),
    ...((action === "fix" || action === "rollback") && repo
      ? {
          proposeFix: async (d, snapshot) => {
            const { planFixes, planRollback } = await import("../../cluster/fixes.js");
            const { proposeFix } = await import("../../cluster/propose-fix.js");
            const [fix] =
              action === "rollback"
                ? [planRollback(project, d, { cwd: io.cwd, env, snapshot })]
                : await planFixes(project, [d], { cwd: io.cwd, env, snapshot });
            if (fix?.status !== "ready") return undefined;
            const outcome = await proposeFix(d, fix, { project, env, cwd: io.cwd, repo, processEnv: io.env });
            return outcome.results.find((r) => r.pullRequest)?.pullRequest?.url;
          },
        }
      : {}),
  });
  await handle.synced;
  server.setReady(true);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  handle.stop();
  await server.close();
  return ExitCode.Ok;
}
