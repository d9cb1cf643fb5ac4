/**
 * `kintent rollout run`: the evaluator loop. Each round re-reads everything — Git (after a fast-forward pull
 * when the branch has an upstream), the Application, Prometheus — evaluates the current step and delivers at
 * most one change, so the loop keeps no state of its own: stop it anywhere, rebuild the cluster, start it
 * again, and it resumes where Git says the rollout is. It ends when the canary is promoted, rolled back, needs a
 * person, or at the deadline; bounded in time and in rounds.
 */
import type { Delivery } from "./deliver.js";
import type { StepDecision } from "./step.js";

export type RunEnd = "promoted" | "rolled-back" | "needs-person" | "stopped" | "deadline" | "proposed";

export interface RunResult {
  end: RunEnd;
  /** The last decision. */
  last: StepDecision;
  /** The changes delivered, in order. */
  deliveries: { decision: StepDecision; delivery: Delivery }[];
  rounds: number;
}

export interface RunLoopOptions {
  /** Evaluate the current step (re-reading Git and the cluster). */
  evaluate: () => Promise<StepDecision>;
  /** Deliver one decision's change. */
  deliver: (d: StepDecision) => Promise<Delivery>;
  /** Wall-clock deadline (ms since the epoch). */
  deadline: number;
  /** Pause between rounds that changed nothing. */
  pollMs: number;
  /** At most this many rounds. @default 10000 */
  maxRounds?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
  /** With proposals a person merges each step: stop after proposing instead of waiting for the merge. */
  stopAfterProposal?: boolean;
}

export async function runLoop(options: RunLoopOptions): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxRounds = options.maxRounds ?? 10_000;
  const deliveries: RunResult["deliveries"] = [];
  let last: StepDecision | undefined;
  let rounds = 0;
  while (rounds < maxRounds) {
    rounds++;
    last = await options.evaluate();
    options.log?.(`${last.outcome}: ${last.reason}`);
    if (last.outcome === "stopped") return { end: "stopped", last, deliveries, rounds };
    if (last.outcome === "needs-person") return { end: "needs-person", last, deliveries, rounds };
    if (last.ops.length > 0) {
      const delivery = await options.deliver(last);
      deliveries.push({ decision: last, delivery });
      if (last.outcome === "rollback") return { end: "rolled-back", last, deliveries, rounds };
      if (last.outcome === "promote") return { end: "promoted", last, deliveries, rounds };
      if (delivery.mode === "propose" && options.stopAfterProposal)
        return { end: "proposed", last, deliveries, rounds };
    }
    const wait = Math.min(options.pollMs, options.deadline - now());
    if (wait <= 0) break;
    await sleep(wait);
  }
  if (!last) throw new Error("unreachable: the loop ran no round");
  return { end: "deadline", last, deliveries, rounds };
}
