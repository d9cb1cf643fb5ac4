/**
 * `kintent rollout status` and `kintent rollout history`: where a rollout stands and how it got there.
 *
 *   - weighted canaries: the plan, the weight and the commit that set it (from Git), and what `rollout step`
 *     would do now — the sync check, the soak and the gate's measurements, read-only;
 *   - argo-rollouts: the plan from the intent, and from the cluster the Rollout's phase, step, canary weight and
 *     its AnalysisRuns with their latest measurements;
 *   - none: the image and the commit that set it.
 *
 * History is Git's: every commit of the App file that changed the environment's canary or image, with its
 * `Rollout-Step` / `Rollout-Decision` trailers when kintent made it.
 */
import type { KObject } from "../../core/object.js";
import { TRAILERS } from "../../gitops/message.js";
import type { ArgoObjectsReader } from "./argo-objects.js";
import type { CanaryState, RolloutCommit } from "./history.js";
import { formatPlan } from "./plan.js";
import { evaluateStep } from "./step.js";
import type { EvaluateOptions, RolloutContext, StepDecision } from "./step.js";

export interface AnalysisRunSummary {
  name: string;
  phase: string;
  message?: string;
  metrics: {
    name: string;
    phase: string;
    count: number;
    successful: number;
    failed: number;
    inconclusive: number;
    error: number;
    /** The latest measurements, newest last: value and phase. */
    latest: { value?: string; phase: string; finishedAt?: string }[];
  }[];
}

export interface ArgoRolloutSummary {
  found: boolean;
  phase?: string;
  message?: string;
  currentStepIndex?: number;
  steps?: number;
  canaryWeight?: number;
  stableRS?: string;
  currentPodHash?: string;
  aborted?: boolean;
  paused?: boolean;
  analysisRuns: AnalysisRunSummary[];
}

export interface RolloutStatus {
  app: string;
  env: string;
  engine: string;
  approval: string;
  plan: string;
  state: CanaryState;
  since?: { sha: string; time: string; subject: string; decision?: string };
  /** Weighted canaries: what `rollout step` would do now. */
  next?: StepDecision;
  /** argo-rollouts: the live Rollout. */
  argo?: ArgoRolloutSummary;
}

export async function rolloutStatus(
  ctx: RolloutContext,
  options: EvaluateOptions & { reader?: ArgoObjectsReader },
): Promise<RolloutStatus> {
  const { resolved, history } = ctx;
  const engine = resolved.platform.engine;
  const setBy = history.setBy;
  const out: RolloutStatus = {
    app: ctx.app,
    env: ctx.env,
    engine,
    approval: resolved.environment.approval,
    plan: formatPlan(ctx.plan, history.head.weight),
    state: history.head,
    ...(setBy
      ? {
          since: {
            sha: setBy.sha,
            time: setBy.time.toISOString(),
            subject: setBy.subject,
            ...(setBy.decision ? { decision: setBy.decision } : {}),
          },
        }
      : {}),
  };
  if (engine === "traefik-weighted" || engine === "gateway-weighted") {
    out.next = await evaluateStep(ctx, { ...options, mode: "status" });
  } else if (engine === "argo-rollouts") {
    if (!options.reader) out.argo = { found: false, analysisRuns: [] };
    else {
      const ns = resolved.environment.namespace;
      const rollout = await options.reader.rollout(ns, ctx.app);
      const runs = rollout ? await options.reader.analysisRuns(ns, ctx.app) : [];
      out.argo = summarizeRollout(rollout, runs);
    }
  }
  return out;
}

/** The Rollout's status fields people read (Argo Rollouts v1.10: status.phase, currentStepIndex, canary.weights). */
export function summarizeRollout(rollout: KObject | undefined, runs: readonly KObject[]): ArgoRolloutSummary {
  if (!rollout) return { found: false, analysisRuns: [] };
  const status = (rollout.status ?? {}) as {
    phase?: string;
    message?: string;
    currentStepIndex?: number;
    stableRS?: string;
    currentPodHash?: string;
    abort?: boolean;
    pauseConditions?: unknown[];
    canary?: { weights?: { canary?: { weight?: number } } };
  };
  const spec = (rollout.spec ?? {}) as { strategy?: { canary?: { steps?: unknown[] } }; paused?: boolean };
  return {
    found: true,
    ...(status.phase ? { phase: status.phase } : {}),
    ...(status.message ? { message: status.message } : {}),
    ...(status.currentStepIndex !== undefined ? { currentStepIndex: status.currentStepIndex } : {}),
    steps: spec.strategy?.canary?.steps?.length ?? 0,
    ...(status.canary?.weights?.canary?.weight !== undefined
      ? { canaryWeight: status.canary.weights.canary.weight }
      : {}),
    ...(status.stableRS ? { stableRS: status.stableRS } : {}),
    ...(status.currentPodHash ? { currentPodHash: status.currentPodHash } : {}),
    aborted: status.abort === true,
    paused: spec.paused === true || (status.pauseConditions?.length ?? 0) > 0,
    analysisRuns: runs.slice(0, 5).map(summarizeRun),
  };
}

function summarizeRun(run: KObject): AnalysisRunSummary {
  const status = (run.status ?? {}) as {
    phase?: string;
    message?: string;
    metricResults?: {
      name?: string;
      phase?: string;
      count?: number;
      successful?: number;
      failed?: number;
      inconclusive?: number;
      error?: number;
      measurements?: { value?: string; phase?: string; finishedAt?: string }[];
    }[];
  };
  return {
    name: run.metadata.name,
    phase: status.phase ?? "Pending",
    ...(status.message ? { message: status.message } : {}),
    metrics: (status.metricResults ?? []).map((m) => ({
      name: m.name ?? "",
      phase: m.phase ?? "",
      count: m.count ?? 0,
      successful: m.successful ?? 0,
      failed: m.failed ?? 0,
      inconclusive: m.inconclusive ?? 0,
      error: m.error ?? 0,
      latest: (m.measurements ?? []).slice(-3).map((x) => ({
        ...(x.value !== undefined ? { value: x.value } : {}),
        phase: x.phase ?? "",
        ...(x.finishedAt ? { finishedAt: x.finishedAt } : {}),
      })),
    })),
  };
}

/** Text for people. */
export function formatStatus(s: RolloutStatus): string {
  const lines = [`${s.app} in ${s.env}: ${s.engine}, approval ${s.approval}`];
  if (s.plan) lines.push(`plan:    ${s.plan}`);
  if (s.state.image !== undefined)
    lines.push(`canary:  ${s.state.image} at ${s.state.weight ?? 0}%; stable ${s.state.stableImage ?? "?"}`);
  else lines.push(`image:   ${s.state.stableImage ?? "?"} (no canary in Git)`);
  if (s.since)
    lines.push(
      `since:   ${s.since.time} (${s.since.sha.slice(0, 12)} ${s.since.subject}${s.since.decision ? `; ${TRAILERS.rolloutDecision}: ${s.since.decision}` : ""})`,
    );
  if (s.next) {
    lines.push(`next:    ${s.next.outcome} — ${s.next.reason}`, `         ${s.next.next}`);
    if (s.next.evidence.length > 0) lines.push("", ...s.next.evidence.map((l) => `  ${l}`));
  }
  if (s.argo) {
    const a = s.argo;
    if (!a.found) lines.push("rollout: not found in the cluster");
    else {
      lines.push(
        `rollout: ${a.phase ?? "?"}${a.message ? ` (${a.message})` : ""}; step ${a.currentStepIndex ?? "?"} of ${a.steps ?? "?"}; canary weight ${a.canaryWeight ?? "?"}%${a.aborted ? "; aborted" : ""}${a.paused ? "; paused" : ""}`,
      );
      for (const r of a.analysisRuns) {
        lines.push(`  analysis ${r.name}: ${r.phase}${r.message ? ` (${r.message})` : ""}`);
        for (const m of r.metrics)
          lines.push(
            `    ${m.name}: ${m.phase}, ${m.count} measured (${m.successful} ok, ${m.failed} failed, ${m.inconclusive} inconclusive, ${m.error} errors); latest ${m.latest.map((x) => `${x.value ?? "—"} ${x.phase}`).join(", ") || "none"}`,
          );
      }
    }
  }
  return lines.join("\n") + "\n";
}

export interface HistoryEntry {
  sha: string;
  time: string;
  subject: string;
  /** What changed: `weight 10% → 50%`, `canary started`, `image a → b`, … */
  change: string;
  step?: string;
  decision?: string;
  /** A person's commit (no kintent trailers). */
  byHand: boolean;
}

/** Commits that changed the environment's canary or image, newest first, with kintent's trailers. */
export function rolloutHistory(ctx: RolloutContext): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  const target = `${ctx.app}/${ctx.env} `;
  const commits: RolloutCommit[] = ctx.history.commits;
  commits.forEach((c, i) => {
    const before = commits[i + 1]?.state ?? {};
    const change = describeChange(before, c.state);
    const ours = c.step?.startsWith(target) === true;
    if (!change && !ours) return;
    out.push({
      sha: c.sha,
      time: c.time.toISOString(),
      subject: c.subject,
      change: change ?? "no change to the canary",
      ...(ours && c.step ? { step: c.step } : {}),
      ...(ours && c.decision ? { decision: c.decision } : {}),
      byHand: !ours,
    });
  });
  return out;
}

function describeChange(a: CanaryState, b: CanaryState): string | undefined {
  const parts: string[] = [];
  if (a.image === undefined && b.image !== undefined)
    parts.push(`canary ${b.image} started at ${b.weight ?? 0}%`);
  else if (a.image !== undefined && b.image === undefined) parts.push(`canary ${a.image} stopped`);
  else if (a.image !== b.image) parts.push(`canary image ${a.image ?? ""} → ${b.image ?? ""}`);
  else if (a.weight !== b.weight) parts.push(`weight ${a.weight ?? 0}% → ${b.weight ?? 0}%`);
  if (a.stableImage !== b.stableImage && a.stableImage !== undefined)
    parts.push(`stable image ${a.stableImage} → ${b.stableImage ?? ""}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

export function formatHistory(entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return "no rollout changes in Git\n";
  return (
    entries
      .map(
        (e) =>
          `${e.time}  ${e.sha.slice(0, 12)}  ${e.change}${e.decision ? `  [${e.decision}]` : e.byHand ? "  [by hand]" : ""}\n    ${e.subject}`,
      )
      .join("\n") + "\n"
  );
}
