/**
 * `kintent rollout abort` and `promote`: a person's decision, as one intent change for every delivery mode.
 *
 *   - weighted canaries: abort stops the canary (all traffic to stable, the canary's image and weight gone);
 *     promote makes the canary's image the stable image (the registry's canary-abort / canary-promote);
 *   - argo-rollouts: abort puts the stable image back in Git — the image the environment ran before the last
 *     image change, read from the history — which Argo CD syncs, and the controller rolls back to the stable
 *     ReplicaSet; promote sets the environment's steps to `[100%]`, the one Git change that makes the
 *     controller finish the rollout (a changed step list restarts it at the first step: 100%); restore the
 *     steps afterwards (`kintent set rollout-steps --env …`);
 *   - none: abort puts the previous image back; there is nothing to promote.
 *
 * Pure given the rollout context (Git history, resolved intent).
 */
import { UsageError } from "../../core/errors.js";
import type { IntentOp } from "../../intent/edit/index.js";
import type { RolloutContext, StepDecision } from "./step.js";

export interface ManualDecision {
  decision: StepDecision;
  ops: IntentOp[];
  kind: "promote" | "abort";
}

export function manualDecision(ctx: RolloutContext, kind: "promote" | "abort"): ManualDecision {
  const { resolved, history, app, env } = ctx;
  const engine = resolved.platform.engine;
  const head = history.head;
  const envOf = ctx.opEnv ? { env: ctx.opEnv } : {};
  const base: StepDecision = {
    outcome: kind === "promote" ? "promote" : "rollback",
    decision: kind === "promote" ? "pass" : "fail",
    reason: "",
    app,
    env,
    ops: [],
    evidence: [],
    next: "",
    ...(history.setBy ? { since: { sha: history.setBy.sha, time: history.setBy.time } } : {}),
  };
  if (engine === "traefik-weighted" || engine === "gateway-weighted") {
    if (head.image === undefined) throw new UsageError(`no canary is running in ${env}: nothing to ${kind}`);
    const from = head.weight ?? 0;
    const decision: StepDecision =
      kind === "promote"
        ? {
            ...base,
            from,
            to: 100,
            reason: `promoted by a person at ${from}%: ${head.image} becomes the stable image`,
            next: "the canary stops; the stable Deployment runs the new image",
          }
        : {
            ...base,
            from,
            to: 0,
            reason: `aborted by a person at ${from}%: all traffic back to ${head.stableImage ?? "stable"}`,
            next: "the canary's Deployment and routing are removed",
          };
    decision.evidence = [`Canary: ${head.image} at ${from}%`, `Stable: ${head.stableImage ?? "?"}`];
    const ops: IntentOp[] = [{ op: kind === "promote" ? "canary-promote" : "canary-abort", ...envOf }];
    return { decision: { ...decision, ops }, ops, kind };
  }
  if (kind === "promote") {
    if (engine === "none")
      throw new UsageError(
        `${app} in ${env} rolls out without a canary (progressiveDelivery: none): nothing to promote`,
      );
    const ops: IntentOp[] = [{ op: "rollout-steps", steps: ["100%"], env }];
    return {
      decision: {
        ...base,
        ops,
        reason: `promoted by a person: the steps in ${env} become [100%], so Argo Rollouts finishes the rollout`,
        evidence: [`Steps before: ${(head.steps ?? []).join(", ") || "the app's"}`],
        next: `restore the steps for the next rollout: kintent set rollout-steps … --env ${env}`,
      },
      ops,
      kind,
    };
  }
  // abort for argo-rollouts and none: the image the environment ran before the last image change.
  const current = head.stableImage;
  const previous = history.commits.find(
    (c) => c.state.stableImage !== undefined && c.state.stableImage !== current,
  );
  if (!current || !previous?.state.stableImage)
    throw new UsageError(
      `cannot tell the stable image of ${app} in ${env} from Git: no earlier commit ran another image (set it with kintent set image)`,
    );
  const ops: IntentOp[] = [
    { op: "image", image: previous.state.stableImage, ...(ctx.imageEnv ? { env } : {}) },
  ];
  return {
    decision: {
      ...base,
      ops,
      reason: `aborted by a person: the stable image ${previous.state.stableImage} (from ${previous.sha.slice(0, 12)}) goes back in Git`,
      evidence: [
        `Image now: ${current}`,
        `Stable image: ${previous.state.stableImage} as of ${previous.sha.slice(0, 12)} (${previous.subject})`,
      ],
      next:
        engine === "argo-rollouts"
          ? "Argo CD syncs the stable image; Argo Rollouts aborts the canary and scales the stable ReplicaSet back up"
          : "Argo CD syncs the previous image as a rolling update",
    },
    ops,
    kind,
  };
}
