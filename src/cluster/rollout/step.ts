/**
 * One evaluation of a weighted canary's current step — the decision `kintent rollout step` delivers as one
 * intent change, `kintent rollout status` shows as "what happens next", and `kintent rollout run` repeats:
 *
 *   1. where it stands, from Git (src/cluster/rollout/history.ts): the canary's image and weight and the
 *      commit that set them; a canary rolled back by kintent (weight 0 with `Rollout-Decision: fail`) stays
 *      stopped until a person aborts or promotes it;
 *   2. the sync check (sync.ts): the Application deployed that commit, is Healthy and reconciled since;
 *   3. the soak: the timed pauses after the current weight in the plan, counted from the sync;
 *   4. the gate (src/cluster/metrics): `count` measurements `interval` apart, all taken after the sync landed,
 *      read back from Prometheus with instant queries at those times;
 *   5. the outcome: pass → the next weight (or promotion after the last), fail → weight 0 (the canary keeps
 *      running for debugging), no data → the platform's `noData` (wait until `noDataDeadline`, or fail),
 *      inconclusive or a `pause` step → a person decides, anything not ready yet → wait.
 *
 * Deterministic given Git, the cluster's answers, Prometheus' answers and `now`.
 */
import { resolve } from "node:path";
import { InvalidInputError, UsageError } from "../../core/errors.js";
import type { Finding } from "../../core/finding.js";
import type { KObject } from "../../core/object.js";
import type { IntentOp } from "../../intent/edit/index.js";
import { durationMs, formatThreshold, gateMetrics } from "../../intent/gate.js";
import { mergeRollout } from "../../intent/rollout.js";
import type { ResolvedApp } from "../../intent/types.js";
import { openProject } from "../../project/index.js";
import type { Project } from "../../project/index.js";
import { ARGOCD_NAMESPACE, applicationName } from "../../render/argocd.js";
import { evidenceLines, measureGate } from "../metrics/gate.js";
import type { GateAssessment } from "../metrics/gate.js";
import { PrometheusClient } from "../metrics/prometheus.js";
import type { ArgoObjectsReader } from "./argo-objects.js";
import { canaryHistory, intentRepo } from "./history.js";
import type { CanaryHistory, IntentRepo } from "./history.js";
import { formatDuration, formatPlan, positionOf, rolloutPlan } from "./plan.js";
import type { PlanStep } from "./plan.js";
import { checkSync } from "./sync.js";
import type { SyncCheck } from "./sync.js";

/** The intent does not load or build: its findings (file:line:column) say why. A usage error. */
export class RolloutIntentError extends InvalidInputError {
  override name = "RolloutIntentError";
  constructor(dir: string, findings: readonly Finding[]) {
    super(`the intent has ${findings.length} error(s)`, findings, dir);
  }
}

/** Everything about one app's rollout in one environment. */
export interface RolloutContext {
  project: Project;
  app: string;
  env: string;
  resolved: ResolvedApp;
  /** The App file (absolute). */
  file: string;
  repo: IntentRepo;
  history: CanaryHistory;
  plan: PlanStep[];
  /** The environment the operations name (undefined: the app's own rollout block, for a one-environment app). */
  opEnv: string | undefined;
  /** Image changes name the environment (it overrides the image, or the app runs in several). */
  imageEnv: boolean;
}

export interface OpenRolloutOptions {
  cwd: string;
  env: string;
  app?: string;
  platformFile?: string;
  /** Environment for git. @default process.env */
  processEnv?: NodeJS.ProcessEnv;
}

/** Load the intent and its Git history for one app and environment. Usage errors for wrong names. */
export async function openRollout(dir: string, options: OpenRolloutOptions): Promise<RolloutContext> {
  const project = await openProject(dir, {
    cwd: options.cwd,
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
  });
  if (project.errors.length > 0 || !project.intent) throw new RolloutIntentError(project.dir, project.errors);
  if (!project.environments.includes(options.env))
    throw new UsageError(
      `no environment \`${options.env}\` (the platform defines ${project.environments.join(", ") || "none"})`,
    );
  const apps = project.intent.apps.filter((a) => a.format === "kintent");
  const loaded =
    options.app !== undefined
      ? apps.find((a) => a.value.metadata.name === options.app)
      : apps.length === 1
        ? apps[0]
        : undefined;
  if (!loaded)
    throw new UsageError(
      options.app !== undefined
        ? `no app named \`${options.app}\``
        : `the directory holds several apps (${apps.map((a) => a.value.metadata.name).join(", ")}): choose one with --app`,
    );
  const app = loaded.value.metadata.name;
  const build = project.build(options.env, { validate: false });
  if (build.errors.length > 0) throw new RolloutIntentError(project.dir, build.errors);
  const resolved = build.apps.find((a) => a.app.name === app)?.app;
  if (!resolved) throw new UsageError(`app ${app} is not built for ${options.env}`);
  const file = resolve(project.dir, loaded.source.file);
  const repo = await intentRepo(file, options.processEnv ?? process.env).catch((e: Error) => {
    throw new UsageError(e.message);
  });
  const history = await canaryHistory(repo, app, options.env);
  const spec = loaded.value.spec;
  const merged = mergeRollout(spec.rollout, spec.environments?.[options.env]?.rollout, options.env);
  const weightAt = merged.at("canary", "weight");
  const opEnv = weightAt[1] === "environments" || project.environments.length > 1 ? options.env : undefined;
  return {
    project,
    app,
    env: options.env,
    resolved,
    file,
    repo,
    history,
    plan: rolloutPlan(resolved.rollout.value.steps),
    opEnv,
    imageEnv: spec.environments?.[options.env]?.image !== undefined || project.environments.length > 1,
  };
}

export type StepOutcome =
  /** The gate passed: the weight moves to the next step. */
  | "advance"
  /** The last step passed: the canary's image becomes stable. */
  | "promote"
  /** The gate failed: weight 0, the canary keeps running. */
  | "rollback"
  /** Not ready to decide (sync, soak, too few measurements, no data before the deadline): nothing changes. */
  | "wait"
  /** A person decides: an inconclusive gate, or a `pause` step with `--commit`. */
  | "needs-person"
  /** Nothing to step: no canary, or rolled back already. */
  | "stopped";

export interface StepDecision {
  outcome: StepOutcome;
  /** One line: why. */
  reason: string;
  app: string;
  env: string;
  /** Current weight (undefined without a canary). */
  from?: number;
  /** The weight this decision sets (advance, rollback), or 100 for promotion. */
  to?: number;
  /** The intent operations to deliver (empty unless the outcome changes something). */
  ops: IntentOp[];
  /** `Rollout-Decision` trailer: pass, fail. */
  decision?: "pass" | "fail";
  /** The commit that set the current weight. */
  since?: { sha: string; time: Date; decision?: string };
  sync?: SyncCheck;
  /** When the soak started (the sync landed, or the weight commit with --skip-sync-check) and how long it is. */
  soak?: { start: Date; ms: number; elapsedMs: number };
  gate?: GateAssessment;
  /** Evidence for the commit message or pull request: sync, soak, each query, window, value vs threshold. */
  evidence: string[];
  /** What happens next, for people. */
  next: string;
}

export interface EvaluateOptions {
  now: Date;
  /** Deliver as a commit (`start-only` platforms) or a proposal: a `pause` step needs a person with commit. */
  mode: "commit" | "propose" | "status";
  skipSyncCheck: boolean;
  /** Reads the Application (unless skipSyncCheck). */
  reader?: ArgoObjectsReader;
  /** Namespace of Argo CD's Applications. @default argocd */
  argocdNamespace?: string;
  /** Prometheus client factory. @default the HTTP client on the platform's URL */
  prometheus?: (url: string) => Pick<PrometheusClient, "query">;
}

/** Decide what the current step of a weighted canary needs. */
export async function evaluateStep(ctx: RolloutContext, options: EvaluateOptions): Promise<StepDecision> {
  const { resolved, history, plan, env, app } = ctx;
  const engine = resolved.platform.engine;
  const base = { app, env, ops: [] as IntentOp[], evidence: [] as string[] };
  if (engine !== "traefik-weighted" && engine !== "gateway-weighted")
    throw new UsageError(
      `kintent rollout step steps weighted canaries (traefik-weighted, gateway-weighted); ${app} in ${env} uses ${engine}` +
        (engine === "argo-rollouts"
          ? ": the Argo Rollouts controller steps it (kintent rollout status shows where it is)"
          : ""),
    );
  const head = history.head;
  const setBy = history.setBy;
  const since = setBy
    ? { since: { sha: setBy.sha, time: setBy.time, ...(setBy.decision ? { decision: setBy.decision } : {}) } }
    : {};
  if (head.image === undefined || head.weight === undefined)
    return {
      ...base,
      ...since,
      outcome: "stopped",
      reason: `no canary is running in ${env}`,
      next: `start one: kintent set canary-image <image> and kintent set canary-weight <percent>, committed to Git`,
    };
  const from = head.weight;
  const withFrom = { ...base, ...since, from };
  if (from === 0 && (setBy?.decision === "fail" || setBy?.decision === "abort"))
    return {
      ...withFrom,
      outcome: "stopped",
      reason: `rolled back to weight 0 by ${setBy.sha.slice(0, 12)} (${setBy.subject})`,
      next: "the canary keeps running without traffic for debugging: kintent rollout abort removes it, kintent rollout promote makes it stable",
    };
  // A person who took the same canary's traffic to 0 by hand stopped it too: the evaluator never restarts it.
  const before = setBy ? history.commits[history.commits.indexOf(setBy) + 1]?.state : undefined;
  if (from === 0 && setBy && before?.image === head.image && (before?.weight ?? 0) > 0)
    return {
      ...withFrom,
      outcome: "stopped",
      reason: `the weight was taken from ${before?.weight ?? 0}% to 0 by ${setBy.sha.slice(0, 12)} (${setBy.subject})`,
      next: "kintent rollout abort removes the canary, kintent rollout promote makes it stable; set a weight to step it again",
    };
  if (plan.length === 0)
    return {
      ...withFrom,
      outcome: "needs-person",
      reason: "the canary has no steps (rollout.canary.steps) to take",
      next: "set the steps (kintent set rollout-steps 10% 50% 100%) or move the weight by hand",
    };
  if (!setBy) throw new UsageError(`cannot tell from Git which commit set the weight of ${app} in ${env}`);
  const position = positionOf(plan, from);
  const current: PlanStep = position.current ?? { weight: from, soakMs: 0, pauseForPerson: false };
  const evidence: string[] = [`Plan: ${formatPlan(plan, from)}`];
  evidence.push(`Current: ${from}% since ${setBy.sha.slice(0, 12)} at ${setBy.time.toISOString()}`);

  // 2. the sync check
  let sync: SyncCheck | undefined;
  let soakStart: Date;
  if (options.skipSyncCheck) {
    soakStart = setBy.time;
    evidence.push(`Sync: not checked (--skip-sync-check); the soak counts from the commit`);
  } else {
    if (!options.reader) throw new UsageError("the sync check needs cluster access (or --skip-sync-check)");
    const ns = options.argocdNamespace ?? ARGOCD_NAMESPACE;
    const name = applicationName(app, env);
    const application: KObject | undefined = await options.reader.application(ns, name);
    sync = await checkSync(application, `${ns}/${name}`, setBy.sha, async (a, d) => {
      if (!(await ctx.repo.git.ok(["cat-file", "-e", `${d}^{commit}`]))) return undefined;
      return ctx.repo.git.ok(["merge-base", "--is-ancestor", a, d]);
    });
    evidence.push(`Sync: ${sync.reason}`);
    if (!sync.ok || !sync.landedAt)
      return {
        ...withFrom,
        sync,
        evidence,
        outcome: "wait",
        reason: sync.reason,
        next: "nothing is measured before the weight is deployed: run again after Argo CD has synced",
      };
    soakStart = sync.landedAt;
  }
  const elapsedMs = options.now.getTime() - soakStart.getTime();
  const soak = { start: soakStart, ms: current.soakMs, elapsedMs };
  const withSync = { ...withFrom, ...(sync ? { sync } : {}), soak, evidence };

  // 3. the soak
  if (elapsedMs < current.soakMs) {
    evidence.push(`Soak: ${formatDuration(elapsedMs)} of ${current.soak ?? formatDuration(current.soakMs)}`);
    return {
      ...withSync,
      outcome: "wait",
      reason: `soaking: ${formatDuration(elapsedMs)} of ${current.soak ?? formatDuration(current.soakMs)} at ${from}%`,
      next: `run again after ${new Date(soakStart.getTime() + current.soakMs).toISOString()}`,
    };
  }
  if (current.soakMs > 0) evidence.push(`Soak: ${formatDuration(elapsedMs)} ≥ ${current.soak ?? ""}`);
  if (current.pauseForPerson && from > 0 && options.mode === "commit")
    return {
      ...withSync,
      outcome: "needs-person",
      reason: `the plan pauses after ${from}% for a person`,
      next: "propose the next step for approval (kintent rollout step --propose) or promote/abort",
    };

  // 4. the gate
  const target = position.next;
  const advance = (reason: string, gate?: GateAssessment): StepDecision =>
    target
      ? {
          ...withSync,
          ...(gate ? { gate } : {}),
          outcome: "advance",
          decision: "pass",
          to: target.weight,
          reason,
          ops: [{ op: "canary-weight", weight: target.weight, ...(ctx.opEnv ? { env: ctx.opEnv } : {}) }],
          next: `Argo CD syncs ${target.weight}%; then the sync check, ${target.soak ? `a ${target.soak} soak, ` : ""}and the gate again`,
        }
      : {
          ...withSync,
          ...(gate ? { gate } : {}),
          outcome: "promote",
          decision: "pass",
          to: 100,
          reason,
          ops: [{ op: "canary-promote", ...(ctx.opEnv ? { env: ctx.opEnv } : {}) }],
          next: `the canary's image ${head.image} becomes the stable image; the canary stops`,
        };
  const rollback = (reason: string, gate?: GateAssessment): StepDecision => ({
    ...withSync,
    ...(gate ? { gate } : {}),
    outcome: "rollback",
    decision: "fail",
    to: 0,
    reason,
    ops: [{ op: "canary-weight", weight: 0, ...(ctx.opEnv ? { env: ctx.opEnv } : {}) }],
    next: "all traffic back to stable; the canary keeps running at 0% for debugging (kintent rollout abort removes it)",
  });
  const gate = resolved.rollout.value.gate;
  const metricsConfig = resolved.platform.metrics;
  if (from === 0) return advance(`starting the canary at ${target?.weight ?? 100}%`);
  if (!gate || !metricsConfig) {
    evidence.push("Gate: none (the step is timed only)");
    return advance(`no gate: ${current.soakMs > 0 ? "the soak passed" : "nothing to wait for"}`);
  }
  const interval = durationMs(gate.interval);
  const times = Array.from(
    { length: gate.count },
    (_, i) => new Date(options.now.getTime() - (gate.count - 1 - i) * interval),
  );
  const metrics = gateMetrics(gate, metricsConfig);
  const gateHeader = `Gate: ${gate.count} measurement(s) ${gate.interval} apart from ${metricsConfig.prometheus}/api/v1/query (failureLimit ${gate.failureLimit}, consecutiveErrorLimit ${gate.consecutiveErrorLimit}, inconclusiveLimit ${gate.inconclusiveLimit}; noData ${metricsConfig.noData}, deadline ${metricsConfig.noDataDeadline})`;
  evidence.push(gateHeader);
  const first = times[0] as Date;
  if (first.getTime() < soakStart.getTime()) {
    const ready = new Date(soakStart.getTime() + (gate.count - 1) * interval);
    return {
      ...withSync,
      outcome: "wait",
      reason: `the gate needs ${gate.count} measurement(s) ${gate.interval} apart after the weight landed (${soakStart.toISOString()}): ready at ${ready.toISOString()}`,
      next: `run again after ${ready.toISOString()}`,
    };
  }
  const client = (options.prometheus ?? ((url: string) => new PrometheusClient(url)))(
    metricsConfig.prometheus,
  );
  const assessed = await measureGate(client, gate, metrics, {
    service: `${app}-canary`,
    namespace: resolved.rollout.value.weighted?.namespace ?? resolved.environment.namespace,
    times,
  });
  evidence.push(...evidenceLines(assessed));
  const thresholds = metrics.map((m) => `${m.name} ${formatThreshold(m.pass, m.unit)}`).join(", ");
  switch (assessed.verdict) {
    case "pass":
      return advance(`gate passed (${thresholds})`, assessed);
    case "fail":
      return rollback(`gate failed: ${assessed.reason}`, assessed);
    case "inconclusive":
      return {
        ...withSync,
        gate: assessed,
        outcome: "needs-person",
        reason: `gate inconclusive: ${assessed.reason}`,
        next: "a person decides: kintent rollout step --propose, promote or abort",
      };
    case "no-data": {
      const deadlineMs = durationMs(metricsConfig.noDataDeadline);
      const deadline = new Date(soakStart.getTime() + deadlineMs);
      if (metricsConfig.noData === "fail")
        return rollback(`no data, and the platform's noData is fail: ${assessed.reason}`, assessed);
      if (options.now.getTime() >= deadline.getTime()) {
        evidence.push(
          `No data since ${soakStart.toISOString()}: the deadline ${deadline.toISOString()} passed`,
        );
        return rollback(
          `no data until the deadline (${metricsConfig.noDataDeadline} after the weight landed, ${deadline.toISOString()}): ${assessed.reason}`,
          assessed,
        );
      }
      return {
        ...withSync,
        gate: assessed,
        outcome: "wait",
        reason: `no data (${assessed.reason}); noData: wait until ${deadline.toISOString()}`,
        next: `nothing changes while there is no data; at ${deadline.toISOString()} the gate fails`,
      };
    }
  }
}
