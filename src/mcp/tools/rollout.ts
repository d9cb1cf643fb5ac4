/**
 * The canary tools: `rollout_status` (where a rollout stands and what `rollout step` would do now — read-only),
 * `rollout_step` (one evaluation of the current step, then one intent change), `rollout_abort` and
 * `rollout_promote` (a person's decision as an intent change). Step, abort and promote deliver exactly as the
 * CLI does (src/cluster/rollout: openRollout → evaluateStep / manualDecision → deliver): as a pull request
 * (`propose`, always allowed unless the server is read-only) or as a commit on the working tree's branch
 * (`commit`: only on a server started with --allow-write, and for a step only where the environment says
 * `approval: start-only`). Nothing is ever written to a cluster: the cluster and Prometheus are read.
 */
import * as z from "zod";
import { kubeArgoReader } from "../../cluster/rollout/argo-objects.js";
import type { ArgoObjectsReader } from "../../cluster/rollout/argo-objects.js";
import { deliver, fastForward } from "../../cluster/rollout/deliver.js";
import type { Delivery } from "../../cluster/rollout/deliver.js";
import { manualDecision } from "../../cluster/rollout/manual.js";
import { formatStatus, rolloutStatus } from "../../cluster/rollout/status.js";
import { evaluateStep, openRollout } from "../../cluster/rollout/step.js";
import type { RolloutContext, StepDecision } from "../../cluster/rollout/step.js";
import { clip, intentPathInput, ToolFailure } from "../answer.js";
import {
  checkpoint,
  clusterReaderFor,
  defineTool,
  DELIVERS_THROUGH_GIT,
  READS_CLUSTER,
  resolveInRoot,
} from "../tool.js";
import type { ToolContext, ToolFactory } from "../tool.js";
import type { McpServerOptions } from "../options.js";

const common = {
  path: intentPathInput,
  env: z.string().min(1).max(253).describe("The environment whose canary this is"),
  app: z.string().max(253).optional().describe("The app, when the directory holds several"),
};
const syncInput = {
  skipSyncCheck: z
    .boolean()
    .optional()
    .describe(
      "Do not wait for Argo CD to report the weight's commit synced and healthy before measuring (CI, no cluster access). @default false",
    ),
  argocdNamespace: z
    .string()
    .max(253)
    .optional()
    .describe("Namespace of Argo CD's Applications. @default argocd"),
};
const modeInput = z
  .enum(["propose", "commit"])
  .optional()
  .describe(
    "propose: a pull request a person merges (the default); commit: a commit on the working tree's branch, pushed to its upstream — needs a server started with --allow-write, and for a step an environment with `approval: start-only`",
  );

const decisionSchema = z.object({
  outcome: z
    .enum(["advance", "promote", "rollback", "wait", "needs-person", "stopped", "abort"])
    .describe(
      "advance: the gate passed, the weight moves on; promote: the canary's image becomes stable; rollback: the gate failed, weight 0; wait: not ready to decide, nothing changes; needs-person: a person decides; stopped: nothing to step",
    ),
  reason: z.string().describe("One line: why"),
  from: z.number().optional().describe("The weight before"),
  to: z.number().optional().describe("The weight this decision sets"),
  evidence: z
    .array(z.string())
    .describe("The sync check, the soak, each query with its window and value vs threshold"),
  next: z.string().describe("What happens next"),
});

const deliveredSchema = z
  .object({
    mode: z.enum(["commit", "propose"]).describe("How the change was delivered"),
    commit: z.string().optional().describe("The commit made"),
    pushed: z.boolean().optional().describe("commit: pushed to the upstream"),
    branch: z.string().optional().describe("propose: the proposal branch"),
    pullRequest: z.string().optional().describe("propose: the pull request's URL"),
    status: z.string().optional().describe("propose: created, updated, unchanged or refused"),
    instructions: z.array(z.string()).describe("How to open or review it by hand (no forge, or it failed)"),
    intentDiff: z.string().describe("The intent change (cut past 4,000 characters)"),
  })
  .describe("The change delivered (absent when the decision changes nothing)");

function toDecision(d: StepDecision, outcome?: "abort"): z.infer<typeof decisionSchema> {
  return {
    outcome: outcome ?? d.outcome,
    reason: d.reason,
    ...(d.from !== undefined ? { from: d.from } : {}),
    ...(d.to !== undefined ? { to: d.to } : {}),
    evidence: d.evidence.slice(0, 40).map((e) => clip(e, 1000)),
    next: d.next,
  };
}

function toDelivered(r: Delivery): z.infer<typeof deliveredSchema> {
  return {
    mode: r.mode,
    ...(r.commit !== undefined ? { commit: r.commit } : {}),
    ...(r.pushed !== undefined ? { pushed: r.pushed } : {}),
    ...(r.proposal?.branch !== undefined ? { branch: r.proposal.branch } : {}),
    ...(r.proposal?.pullRequest ? { pullRequest: r.proposal.pullRequest.url } : {}),
    ...(r.proposal ? { status: r.proposal.status } : {}),
    instructions: r.proposal?.instructions ?? [],
    intentDiff: clip(r.diff, 4000),
  };
}

function decisionText(
  d: z.infer<typeof decisionSchema>,
  app: string,
  env: string,
  r?: z.infer<typeof deliveredSchema>,
) {
  return [
    `${app}/${env}: ${d.outcome} — ${d.reason}`,
    ...d.evidence.map((e) => `  ${e}`),
    ...(r?.mode === "commit"
      ? [`committed ${r.commit?.slice(0, 12) ?? ""}${r.pushed ? " and pushed" : ""}`]
      : []),
    ...(r?.mode === "propose"
      ? [`proposal ${r.status ?? ""}${r.pullRequest ? `: ${r.pullRequest}` : ""}`]
      : []),
    ...(r?.instructions ?? []).map((i) => `  ${i}`),
    `next: ${d.next}`,
  ].join("\n");
}

/** The rollout at `args.path`; a commit delivery fast-forwards the branch first, as the CLI does. */
async function open(
  options: McpServerOptions,
  args: { path?: string | undefined; env: string; app?: string | undefined },
  mode?: "commit" | "propose",
): Promise<RolloutContext> {
  const { abs } = resolveInRoot(options.root, args.path);
  if (mode === "commit") await fastForward(abs, options.env);
  return await openRollout(abs, {
    cwd: options.root,
    env: args.env,
    processEnv: options.env,
    ...(args.app !== undefined ? { app: args.app } : {}),
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
  });
}

/** The Argo reader over the server's cluster settings (the environment's context unless one is configured). */
function argoReader(options: McpServerOptions, c: RolloutContext): ArgoObjectsReader {
  return kubeArgoReader(clusterReaderFor(options, c.project, c.env));
}

function deliverOptions(tc: ToolContext, options: McpServerOptions, mode: "commit" | "propose") {
  const p = options.propose ?? {};
  return {
    mode,
    cwd: options.root,
    processEnv: options.env,
    log: (line: string) => {
      options.log?.(tc.redactor.text(line));
      void tc.progress(clip(tc.redactor.text(line), 200));
    },
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
    ...(p.repo !== undefined ? { repo: p.repo } : {}),
    ...(p.base !== undefined ? { base: p.base } : {}),
    ...(p.intentPath !== undefined ? { intentPath: p.intentPath } : {}),
  };
}

function modeOf(options: McpServerOptions, mode: "propose" | "commit" | undefined): "propose" | "commit" {
  const m = mode ?? "propose";
  if (m === "commit" && options.allowWrite !== true)
    throw new ToolFailure(
      "mode: commit writes the working tree's branch — this server was not started with --allow-write; use mode propose (a pull request)",
    );
  return m;
}

export const rolloutStatusTool: ToolFactory = (options: McpServerOptions) =>
  options.cluster === undefined
    ? undefined
    : defineTool({
        name: "rollout_status",
        title: "Rollout status",
        description:
          "Where the canary of one app in one environment stands, as `kintent rollout status`: the plan, the current " +
          "weight and the commit that set it, and what `rollout_step` would do now — for weighted canaries the sync " +
          "check (Argo CD reports that commit synced and healthy), the soak time and the gate's measurements from " +
          "Prometheus; for argo-rollouts the Rollout's phase, step, canary weight and AnalysisRuns from the cluster. " +
          "Reads Git, the cluster and Prometheus; writes nothing.",
        input: z.strictObject({ ...common, ...syncInput }),
        output: z.object({
          app: z.string().describe("The app"),
          env: z.string().describe("The environment"),
          engine: z.string().describe("traefik-weighted, gateway-weighted, argo-rollouts or none"),
          approval: z
            .string()
            .describe("every-step: each step a pull request; start-only: the evaluator commits steps"),
          plan: z.string().describe("The steps, the current one marked"),
          canary: z
            .object({
              image: z.string().optional().describe("The canary image"),
              weight: z.number().optional().describe("Its weight, 0–100"),
              stableImage: z.string().optional().describe("The stable image"),
            })
            .describe("What the intent says now"),
          since: z
            .object({
              sha: z.string().describe("The commit that set the current weight"),
              time: z.string().describe("When (RFC 3339)"),
              subject: z.string().describe("Its subject"),
            })
            .optional()
            .describe("The commit that set the current weight"),
          next: decisionSchema.optional().describe("Weighted canaries: what rollout_step would decide now"),
          argo: z
            .object({
              found: z.boolean().describe("Whether the Rollout exists"),
              phase: z.string().optional().describe("Its phase"),
              currentStepIndex: z.number().optional().describe("Its step"),
              canaryWeight: z.number().optional().describe("Its canary weight"),
              analysisRuns: z
                .array(z.object({ name: z.string(), phase: z.string(), message: z.string().optional() }))
                .describe("Its AnalysisRuns, newest first (at most 10)"),
            })
            .optional()
            .describe("argo-rollouts: the live Rollout"),
        }),
        annotations: READS_CLUSTER,
        writes: false,
        async run(args, tc) {
          const ctx = await open(tc.options, args);
          await checkpoint(tc.signal);
          const engine = ctx.resolved.platform.engine;
          const needsCluster =
            engine === "argo-rollouts" || (args.skipSyncCheck !== true && engine.endsWith("-weighted"));
          const s = await rolloutStatus(ctx, {
            now: new Date(),
            mode: "status",
            skipSyncCheck: args.skipSyncCheck === true,
            argocdNamespace: args.argocdNamespace ?? "argocd",
            ...(needsCluster ? { reader: argoReader(tc.options, ctx) } : {}),
          });
          const output = {
            app: s.app,
            env: s.env,
            engine: s.engine,
            approval: s.approval,
            plan: s.plan,
            canary: {
              ...(s.state.image !== undefined ? { image: s.state.image } : {}),
              ...(s.state.weight !== undefined ? { weight: s.state.weight } : {}),
              ...(s.state.stableImage !== undefined ? { stableImage: s.state.stableImage } : {}),
            },
            ...(s.since ? { since: { sha: s.since.sha, time: s.since.time, subject: s.since.subject } } : {}),
            ...(s.next ? { next: toDecision(s.next) } : {}),
            ...(s.argo
              ? {
                  argo: {
                    found: s.argo.found,
                    ...(s.argo.phase !== undefined ? { phase: s.argo.phase } : {}),
                    ...(s.argo.currentStepIndex !== undefined
                      ? { currentStepIndex: s.argo.currentStepIndex }
                      : {}),
                    ...(s.argo.canaryWeight !== undefined ? { canaryWeight: s.argo.canaryWeight } : {}),
                    analysisRuns: s.argo.analysisRuns.slice(0, 10).map((r) => ({
                      name: r.name,
                      phase: r.phase,
                      ...(r.message !== undefined ? { message: clip(r.message, 1000) } : {}),
                    })),
                  },
                }
              : {}),
          };
          return { output, text: formatStatus(s) };
        },
      });

export const rolloutStepTool: ToolFactory = (options: McpServerOptions) =>
  options.cluster === undefined
    ? undefined
    : defineTool({
        name: "rollout_step",
        title: "Step the canary",
        description:
          "One step of a weighted canary (traefik-weighted, gateway-weighted), as `kintent rollout step`: wait until " +
          "Argo CD reports the weight's commit synced and healthy and the soak time passed, evaluate the gate on " +
          "Prometheus (no data is a third outcome, never a pass), then make one intent change — the next weight, " +
          "promotion, or all traffic back to stable — delivered as a pull request (mode propose, the default) or a " +
          "commit (mode commit: --allow-write servers, environments with approval: start-only). The commit message " +
          "or pull request carries the evidence and the Rollout-Step / Rollout-Decision trailers. Outcome wait changes " +
          "nothing. Never writes to a cluster.",
        input: z.strictObject({ ...common, mode: modeInput, ...syncInput }),
        output: z.object({ decision: decisionSchema, delivered: deliveredSchema.optional() }),
        // A rollback moves all traffic back to stable; a commit pushes to the branch Argo CD syncs.
        annotations: DELIVERS_THROUGH_GIT,
        writes: true,
        async run(args, tc) {
          const mode = modeOf(options, args.mode);
          const ctx = await open(options, args, mode);
          if (mode === "commit" && ctx.resolved.environment.approval === "every-step")
            throw new ToolFailure(
              `${ctx.env} has approval: every-step — each step is a pull request a person merges: use mode propose`,
            );
          await tc.progress("evaluating the current step");
          const d = await evaluateStep(ctx, {
            now: new Date(),
            mode,
            skipSyncCheck: args.skipSyncCheck === true,
            argocdNamespace: args.argocdNamespace ?? "argocd",
            ...(args.skipSyncCheck !== true ? { reader: argoReader(options, ctx) } : {}),
          });
          await checkpoint(tc.signal);
          const result =
            d.ops.length > 0
              ? toDelivered(
                  await deliver(ctx, d, d.ops, d.decision ?? "pass", deliverOptions(tc, options, mode)),
                )
              : undefined;
          const decision = toDecision(d);
          return {
            output: { decision, ...(result ? { delivered: result } : {}) },
            text: decisionText(decision, ctx.app, ctx.env, result),
          };
        },
      });

function manualTool(kind: "abort" | "promote"): ToolFactory {
  return (options: McpServerOptions) =>
    options.cluster === undefined
      ? undefined
      : defineTool({
          name: `rollout_${kind}`,
          title: kind === "abort" ? "Abort the canary" : "Promote the canary",
          description:
            (kind === "abort"
              ? "Abort the canary of one app in one environment, as `kintent rollout abort`: for weighted canaries all " +
                "traffic back to stable (the canary's Deployment and routing removed); for argo-rollouts and none the " +
                "image the environment ran before the last image change goes back in Git. "
              : "Promote the canary of one app in one environment, as `kintent rollout promote`: for weighted canaries " +
                "its image becomes the stable image; for argo-rollouts the environment's steps become [100%]. ") +
            "A person's decision, delivered as an intent change: a pull request (mode propose, the default) or a " +
            "commit (mode commit, --allow-write servers). Never writes to a cluster.",
          input: z.strictObject({ ...common, mode: modeInput }),
          output: z.object({ decision: decisionSchema, delivered: deliveredSchema }),
          annotations: DELIVERS_THROUGH_GIT,
          writes: true,
          async run(args, tc) {
            const mode = modeOf(options, args.mode);
            const ctx = await open(options, args, mode);
            const m = manualDecision(ctx, kind);
            await checkpoint(tc.signal);
            const result = toDelivered(
              await deliver(ctx, m.decision, m.ops, kind, deliverOptions(tc, options, mode), kind),
            );
            const decision = toDecision(m.decision, kind === "abort" ? "abort" : undefined);
            return {
              output: { decision, delivered: result },
              text: decisionText(decision, ctx.app, ctx.env, result),
            };
          },
        });
}

export const rolloutAbortTool = manualTool("abort");
export const rolloutPromoteTool = manualTool("promote");
