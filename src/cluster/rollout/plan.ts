/**
 * The plan of a weighted canary: its steps (`rollout.canary.steps`, e.g. `[20%, 2m, 50%, 2m, 100%]`) read as
 * weights, each with the soak time that follows it (the timed pauses up to the next weight) and whether a
 * person must approve the move past it (a `pause` without a duration). Where a weight stands in the plan and
 * what comes next. Pure.
 */
import { durationMs } from "../../intent/gate.js";
import type { CanaryStep } from "../../intent/types.js";

export interface PlanStep {
  /** Share of traffic to the canary, 0–100. */
  weight: number;
  /** How long the weight must hold (after its sync landed) before the gate decides, in ms. */
  soakMs: number;
  /** The soak as written (`2m`, `1m30s`), or undefined for none. */
  soak?: string;
  /** A `pause` follows: a person approves the move to the next weight. */
  pauseForPerson: boolean;
}

/** The weights of the plan with their soak times. Weights that do not go up are kept as written. */
export function rolloutPlan(steps: readonly CanaryStep[]): PlanStep[] {
  const out: PlanStep[] = [];
  const soaks: string[][] = [];
  for (const s of steps) {
    if ("setWeight" in s) {
      out.push({ weight: s.setWeight, soakMs: 0, pauseForPerson: false });
      soaks.push([]);
      continue;
    }
    const last = out[out.length - 1];
    if (!last) continue; // a pause before the first weight holds nothing back
    if (s.pause === "indefinite") last.pauseForPerson = true;
    else {
      last.soakMs += durationMs(s.pause);
      soaks[soaks.length - 1]?.push(s.pause);
    }
  }
  out.forEach((p, i) => {
    const written = soaks[i] ?? [];
    if (written.length > 0) p.soak = written.join(" + ");
  });
  return out;
}

export interface PlanPosition {
  /** Index of the step the weight is at (or has passed), or -1 before the first. */
  index: number;
  /** The step the current weight is, when it is exactly one of the plan's. */
  current?: PlanStep;
  /** The next weight, or undefined when the current weight is the plan's last (next is promotion). */
  next?: PlanStep;
}

/** Where `weight` stands: the last step at or below it, and the first step above it. */
export function positionOf(plan: readonly PlanStep[], weight: number): PlanPosition {
  let index = -1;
  plan.forEach((p, i) => {
    if (p.weight <= weight) index = i;
  });
  const current = plan[index]?.weight === weight ? plan[index] : undefined;
  const next = plan.find((p, i) => i > index && p.weight > weight);
  return { index, ...(current ? { current } : {}), ...(next ? { next } : {}) };
}

/** `10% → 50% → 100%`, with soaks and pauses: `20% (2m) → 50% (2m) → 100%`. */
export function formatPlan(plan: readonly PlanStep[], at?: number): string {
  return plan
    .map((p) => {
      const extra = [p.soak, p.pauseForPerson ? "pause" : undefined].filter(Boolean).join(", ");
      const text = `${p.weight}%${extra ? ` (${extra})` : ""}`;
      return p.weight === at ? `[${text}]` : text;
    })
    .join(" → ");
}

/** Milliseconds as `1m30s`, `45s`, `2h5m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "0s";
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return [h ? `${h}h` : "", m ? `${m}m` : "", sec || (!h && !m) ? `${sec}s` : ""].join("");
}
