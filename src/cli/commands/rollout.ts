/**
 * `kintent rollout status|step|run|abort|promote|history|manifests`: canaries that step themselves through Git
 * (src/cluster/rollout). Exit codes of `step` and `run`: 0 a step was taken (or nothing to do), 1 the gate
 * failed and the canary was rolled back, 2 usage or tool failure, 3 waiting (nothing changed: sync, soak, too
 * few measurements, no data before the deadline), 4 a person decides (inconclusive gate, a `pause` step).
 */
import { relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { clusterReader } from "../cluster.js";
import type { Delivery } from "../../cluster/rollout/deliver.js";
import type { RolloutContext, StepDecision } from "../../cluster/rollout/step.js";

/** Exit codes of `kintent rollout step` and `run`, beyond the common 0/1/2. */
export const RolloutExit = { Stepped: 0, RolledBack: 1, Waiting: 3, NeedsPerson: 4 } as const;

interface CommonFlags {
  env: string;
  app?: string;
  platform?: string;
  kubeconfig?: string;
  context?: string;
  argocdNamespace?: string;
  skipSyncCheck?: boolean;
  output: "text" | "json";
}

interface StepFlags extends CommonFlags {
  commit?: boolean;
  propose?: boolean;
  push: boolean;
  repo?: string;
  base?: string;
  intentPath?: string;
}

interface RunFlags extends StepFlags {
  for: string;
  poll: string;
}

function common(cmd: Command): Command {
  return cmd
    .argument("[dir]", "intent directory or file", ".")
    .requiredOption("-e, --env <env>", "the environment")
    .option("--app <name>", "the app, when the directory holds several")
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option(
      "--kubeconfig <file>",
      "kubeconfig for the cluster (default: KUBECONFIG, ~/.kube/config, in-cluster)",
    )
    .option(
      "--context <name>",
      "kubeconfig context (default: the environment's `context`, else the current one)",
    )
    .option("--argocd-namespace <ns>", "namespace of Argo CD's Applications", "argocd")
    .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"));
}

function delivery(cmd: Command): Command {
  return cmd
    .option("--commit", "commit the change to the intent's branch and push it (approval: start-only)")
    .option("--propose", "open (or update) a pull request with the change (kintent propose)")
    .option("--no-push", "with --commit: commit only, do not push")
    .option("--skip-sync-check", "do not wait for Argo CD to sync the current weight (CI, no cluster access)")
    .option(
      "--repo <path-or-url>",
      "with --propose: the repository (default: platform.spec.gitops.repo, else the upstream)",
    )
    .option("--base <branch>", "with --propose: the branch to propose against")
    .option("--intent-path <path>", "with --propose: where the intent lives in that repository");
}

export function registerRollout(program: Command, ctx: CommandContext): void {
  const rollout = program
    .command("rollout")
    .description(
      "Canaries that step themselves through Git: status, gated steps (a commit or a pull request each, with the measurements), the evaluator loop, abort, promote, history",
    );

  common(
    rollout
      .command("status")
      .description(
        "the plan, where the rollout stands since which commit, the gate's measurements and what happens next",
      ),
  )
    .option("--skip-sync-check", "do not read the Argo CD Application")
    .action(async (dir: string, flags: CommonFlags) => {
      ctx.exitCode = await status(ctx, dir, flags);
    });

  delivery(
    common(
      rollout
        .command("step")
        .description(
          "one evaluation of the current step (sync check, soak, gate), then one intent change: the next weight, weight 0 on a failed gate, or promotion after the last step",
        ),
    ),
  ).action(async (dir: string, flags: StepFlags) => {
    ctx.exitCode = await step(ctx, dir, flags);
  });

  delivery(
    common(
      rollout
        .command("run")
        .description(
          "the evaluator loop: step until promoted, rolled back, a person is needed, or --for has passed; resumable from Git alone",
        ),
    ),
  )
    .option("--for <duration>", "stop after this long", "1h")
    .option("--poll <duration>", "pause between evaluations that change nothing", "30s")
    .action(async (dir: string, flags: RunFlags) => {
      ctx.exitCode = await run(ctx, dir, flags);
    });

  for (const kind of ["abort", "promote"] as const) {
    delivery(
      common(
        rollout
          .command(kind)
          .description(
            kind === "abort"
              ? "a person aborts: weighted canaries stop (all traffic to stable); argo-rollouts and none get the stable image back in Git"
              : "a person promotes: a weighted canary's image becomes stable; argo-rollouts finishes the rollout (steps [100%])",
          ),
      ),
    ).action(async (dir: string, flags: StepFlags) => {
      ctx.exitCode = await manual(ctx, dir, flags, kind);
    });
  }

  common(
    rollout
      .command("history")
      .description("the rollout's steps and decisions, from the Git history of the intent"),
  ).action(async (dir: string, flags: CommonFlags) => {
    ctx.exitCode = await history(ctx, dir, flags);
  });

  rollout
    .command("manifests")
    .description(
      "the in-cluster evaluator: a CronJob (or Deployment) running `kintent rollout run` from a fresh clone — `--propose` for approval: every-step, `--commit` for start-only — with read-only RBAC",
    )
    .argument("[dir]", "intent directory or file", ".")
    .requiredOption("-e, --env <env>", "the environment")
    .option("--app <name>", "the app, when the directory holds several")
    .option("--platform <file>", "platform file")
    .option("--repo <url>", "the repository to clone (default: platform.spec.gitops.repo)")
    .option("--branch <branch>", "the branch (default: platform.spec.gitops.revision)")
    .option(
      "--intent-path <path>",
      "the intent directory in the repository (default: its path in its repository)",
    )
    .option("--namespace <ns>", "namespace of the evaluator and of Argo CD's Applications", "argocd")
    .option("--image <image>", "an image with kintent and git (deploy/rollout-evaluator)")
    .option("--schedule <cron>", "CronJob schedule", "*/5 * * * *")
    .option("--deployment", "a long-running Deployment instead of a CronJob")
    .action(async (dir: string, flags: ManifestFlags) => {
      ctx.exitCode = await manifests(ctx, dir, flags);
    });
}

interface ManifestFlags {
  env: string;
  app?: string;
  platform?: string;
  repo?: string;
  branch?: string;
  intentPath?: string;
  namespace: string;
  image?: string;
  schedule: string;
  deployment?: boolean;
}

async function open(
  ctx: CommandContext,
  dir: string,
  flags: { env: string; app?: string; platform?: string },
) {
  const { openRollout } = await import("../../cluster/rollout/step.js");
  return openRollout(dir, {
    cwd: ctx.io.cwd,
    env: flags.env,
    processEnv: ctx.io.env,
    ...(flags.app !== undefined ? { app: flags.app } : {}),
    ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
  });
}

/** The Argo objects of the rollout's cluster: `--kubeconfig`, `--context`, else the environment's `context`. */
async function reader(ctx: CommandContext, flags: CommonFlags, c: RolloutContext, needed: boolean) {
  if (!needed) return undefined;
  const { kubeArgoReader } = await import("../../cluster/rollout/argo-objects.js");
  return kubeArgoReader(await clusterReader(ctx, flags, c));
}

function deliveryMode(flags: StepFlags): "commit" | "propose" {
  if (flags.commit && flags.propose) throw new UsageError("--commit and --propose exclude each other");
  if (!flags.commit && !flags.propose)
    throw new UsageError("say how the change is delivered: --commit (approval: start-only) or --propose");
  return flags.commit ? "commit" : "propose";
}

/** `2m`, `1h30m` → ms, or a usage error. */
async function duration(flag: string, value: string): Promise<number> {
  const { durationMs } = await import("../../intent/gate.js");
  const ms = durationMs(value);
  if (!Number.isFinite(ms) || ms <= 0)
    throw new UsageError(`${flag} ${value}: not a duration such as 30s, 2m or 1h`);
  return ms;
}

async function status(ctx: CommandContext, dir: string, flags: CommonFlags): Promise<number> {
  const c = await open(ctx, dir, flags);
  const { rolloutStatus, formatStatus } = await import("../../cluster/rollout/status.js");
  const engine = c.resolved.platform.engine;
  const needsCluster = engine === "argo-rollouts" || (!flags.skipSyncCheck && engine.endsWith("-weighted"));
  const s = await rolloutStatus(c, {
    now: new Date(),
    mode: "status",
    skipSyncCheck: flags.skipSyncCheck === true,
    argocdNamespace: flags.argocdNamespace ?? "argocd",
    ...(needsCluster ? { reader: await reader(ctx, flags, c, true) } : {}),
  } as Parameters<typeof rolloutStatus>[1]);
  ctx.io.stdout.write(flags.output === "json" ? `${JSON.stringify(s, null, 2)}\n` : formatStatus(s));
  return ExitCode.Ok;
}

function exitOf(outcome: string): number {
  switch (outcome) {
    case "rollback":
      return RolloutExit.RolledBack;
    case "wait":
      return RolloutExit.Waiting;
    case "needs-person":
      return RolloutExit.NeedsPerson;
    default:
      return RolloutExit.Stepped;
  }
}

/** The evaluator commits its own steps only where the environment says `approval: start-only`. */
function requireApproval(c: RolloutContext, mode: "commit" | "propose"): void {
  if (mode === "commit" && c.resolved.environment.approval === "every-step")
    throw new UsageError(
      `${c.env} has approval: every-step — each step is a pull request a person merges: use --propose (or set approval: start-only on the environment)`,
    );
}

async function step(ctx: CommandContext, dir: string, flags: StepFlags): Promise<number> {
  const mode = deliveryMode(flags);
  const { evaluateStep } = await import("../../cluster/rollout/step.js");
  const { deliver } = await import("../../cluster/rollout/deliver.js");
  await pull(ctx, dir, flags, mode);
  const c = await open(ctx, dir, flags);
  requireApproval(c, mode);
  const r = await reader(ctx, flags, c, flags.skipSyncCheck !== true);
  const d = await evaluateStep(c, {
    now: new Date(),
    mode,
    skipSyncCheck: flags.skipSyncCheck === true,
    argocdNamespace: flags.argocdNamespace ?? "argocd",
    ...(r ? { reader: r } : {}),
  });
  let result: Awaited<ReturnType<typeof deliver>> | undefined;
  if (d.ops.length > 0)
    result = await deliver(c, d, d.ops, d.decision ?? "pass", deliverOptions(ctx, flags, mode));
  report(ctx, flags, d, result);
  return exitOf(d.outcome);
}

async function run(ctx: CommandContext, dir: string, flags: RunFlags): Promise<number> {
  const mode = deliveryMode(flags);
  const forMs = await duration("--for", flags.for);
  const pollMs = await duration("--poll", flags.poll);
  const { evaluateStep } = await import("../../cluster/rollout/step.js");
  const { deliver } = await import("../../cluster/rollout/deliver.js");
  const { runLoop } = await import("../../cluster/rollout/run.js");
  let current = await open(ctx, dir, flags);
  requireApproval(current, mode);
  const r = await reader(ctx, flags, current, flags.skipSyncCheck !== true);
  const result = await runLoop({
    deadline: Date.now() + forMs,
    pollMs,
    stopAfterProposal: mode === "propose",
    log: (line) => ctx.io.stderr.write(`kintent: ${line}\n`),
    evaluate: async () => {
      await pull(ctx, dir, flags, mode);
      current = await open(ctx, dir, flags);
      return evaluateStep(current, {
        now: new Date(),
        mode,
        skipSyncCheck: flags.skipSyncCheck === true,
        argocdNamespace: flags.argocdNamespace ?? "argocd",
        ...(r ? { reader: r } : {}),
      });
    },
    deliver: async (d) => {
      const done = await deliver(current, d, d.ops, d.decision ?? "pass", deliverOptions(ctx, flags, mode));
      if (flags.output !== "json") report(ctx, flags, d, done); // JSON: one document at the end
      return done;
    },
  });
  if (flags.output === "json")
    ctx.io.stdout.write(
      `${JSON.stringify({ end: result.end, rounds: result.rounds, last: result.last, steps: result.deliveries.map((x) => ({ outcome: x.decision.outcome, from: x.decision.from, to: x.decision.to, commit: x.delivery.commit, pullRequest: x.delivery.proposal?.pullRequest?.url })) }, null, 2)}\n`,
    );
  else
    ctx.io.stdout.write(
      `rollout ${current.app}/${current.env}: ${result.end} after ${result.rounds} round(s) — ${result.last.reason}\n`,
    );
  switch (result.end) {
    case "rolled-back":
      return RolloutExit.RolledBack;
    case "deadline":
      return RolloutExit.Waiting;
    case "needs-person":
      return RolloutExit.NeedsPerson;
    default:
      return RolloutExit.Stepped;
  }
}

async function manual(
  ctx: CommandContext,
  dir: string,
  flags: StepFlags,
  kind: "promote" | "abort",
): Promise<number> {
  const mode = deliveryMode(flags);
  const { manualDecision } = await import("../../cluster/rollout/manual.js");
  const { deliver } = await import("../../cluster/rollout/deliver.js");
  await pull(ctx, dir, flags, mode);
  const c = await open(ctx, dir, flags);
  const m = manualDecision(c, kind);
  const result = await deliver(c, m.decision, m.ops, kind, deliverOptions(ctx, flags, mode), kind);
  report(ctx, flags, m.decision, result);
  return ExitCode.Ok;
}

async function history(ctx: CommandContext, dir: string, flags: CommonFlags): Promise<number> {
  const c = await open(ctx, dir, flags);
  const { rolloutHistory, formatHistory } = await import("../../cluster/rollout/status.js");
  const h = rolloutHistory(c);
  ctx.io.stdout.write(flags.output === "json" ? `${JSON.stringify(h, null, 2)}\n` : formatHistory(h));
  return ExitCode.Ok;
}

async function manifests(ctx: CommandContext, dir: string, flags: ManifestFlags): Promise<number> {
  const c = await open(ctx, dir, flags);
  const { evaluatorManifests } = await import("../../cluster/rollout/manifests.js");
  const { toYamlStream } = await import("../../render/yaml.js");
  const repo = flags.repo ?? c.resolved.platform.gitops.repo;
  if (!repo)
    throw new UsageError(
      "the evaluator clones the intent's repository: pass --repo or set platform.spec.gitops.repo",
    );
  const objects = evaluatorManifests({
    app: c.app,
    env: c.env,
    repo,
    branch: flags.branch ?? c.resolved.platform.gitops.revision,
    intentPath: flags.intentPath ?? (relative(c.repo.root, c.project.dir).split(sep).join("/") || "."),
    namespace: flags.namespace,
    schedule: flags.schedule,
    ...(flags.image !== undefined ? { image: flags.image } : {}),
    ...(flags.deployment ? { deployment: true } : {}),
    approval: c.resolved.environment.approval,
  });
  ctx.io.stdout.write(toYamlStream(objects));
  return ExitCode.Ok;
}

function deliverOptions(ctx: CommandContext, flags: StepFlags, mode: "commit" | "propose") {
  return {
    mode,
    cwd: ctx.io.cwd,
    processEnv: ctx.io.env,
    push: flags.push,
    log: (line: string) => ctx.io.stderr.write(`kintent: ${line}\n`),
    ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
    ...(flags.repo !== undefined ? { repo: flags.repo } : {}),
    ...(flags.base !== undefined ? { base: flags.base } : {}),
    ...(flags.intentPath !== undefined ? { intentPath: flags.intentPath } : {}),
  };
}

/** With --commit and an upstream: fast-forward first, so the evaluation starts from what Git says now. */
async function pull(
  ctx: CommandContext,
  dir: string,
  flags: StepFlags,
  mode: "commit" | "propose",
): Promise<void> {
  if (mode !== "commit" || flags.push === false) return;
  const { fastForward } = await import("../../cluster/rollout/deliver.js");
  await fastForward(resolve(ctx.io.cwd, dir), ctx.io.env);
}

function report(
  ctx: CommandContext,
  flags: CommonFlags,
  d: StepDecision,
  result: Delivery | undefined,
): void {
  const { io } = ctx;
  if (flags.output === "json") {
    io.stdout.write(
      `${JSON.stringify(
        {
          outcome: d.outcome,
          reason: d.reason,
          from: d.from,
          to: d.to,
          decision: d.decision,
          next: d.next,
          evidence: d.evidence,
          ...(result
            ? {
                delivered: {
                  mode: result.mode,
                  commit: result.commit,
                  pushed: result.pushed,
                  branch: result.proposal?.branch,
                  pullRequest: result.proposal?.pullRequest?.url,
                  status: result.proposal?.status,
                },
              }
            : {}),
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  io.stdout.write(`${d.app}/${d.env}: ${d.outcome} — ${d.reason}\n`);
  for (const l of d.evidence) io.stdout.write(`  ${l}\n`);
  if (result?.mode === "commit")
    io.stdout.write(`committed ${result.commit?.slice(0, 12) ?? ""}${result.pushed ? " and pushed" : ""}\n`);
  if (result?.proposal) {
    io.stdout.write(`${result.proposal.summary}\n`);
    if (result.proposal.pullRequest) io.stdout.write(`  ${result.proposal.pullRequest.url}\n`);
    for (const i of result.proposal.instructions) io.stdout.write(`  ${i}\n`);
  }
  io.stdout.write(`next: ${d.next}\n`);
}
