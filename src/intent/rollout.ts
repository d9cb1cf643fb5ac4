/**
 * The rollout one environment runs: the app's `spec.rollout` with the environment's
 * `spec.environments.<env>.rollout` merged over it field by field, so an override says only what differs
 * (`canary: {weight: 50}` in prod, and a later change of the app's canary image still reaches prod):
 *
 *   - `strategy`, `maxSurge`, `maxUnavailable`, `revisionHistoryLimit`: the environment's value replaces the app's;
 *   - `canary` merges key by key — a step list `canary: [..]` counts as `{steps: [..]}` on either side;
 *     `steps`, `image`, `weight`, `replicas`, `namespace` and `bridge` are replaced, `env`, `files`, `labels`
 *     and `responseHeaders` merge by name;
 *   - the gate (`gate`, or `canary.gate`, which wins at the same level) merges key by key;
 *   - `strategy: rolling` or `recreate` in the environment turns the app's canary and gate off there.
 *
 * The resolver and the editor (src/intent/edit) both read rollouts through this one rule. Each merged field
 * remembers the path it was written at, so findings and explanations point at that line. Pure.
 */
import type { WrittenCanary, WrittenGate, WrittenRollout } from "./schema.js";

type Path = (string | number)[];

/** A canary in its object form, without its gate (the merged gate is `MergedRollout.gate`). */
export type MergedCanary = Omit<WrittenCanary, "gate">;

export interface MergedRollout {
  strategy?: WrittenRollout["strategy"];
  maxSurge?: WrittenRollout["maxSurge"];
  maxUnavailable?: WrittenRollout["maxUnavailable"];
  revisionHistoryLimit?: WrittenRollout["revisionHistoryLimit"];
  /** Present when the app or the environment declares a canary (and the environment keeps it). */
  canary?: MergedCanary;
  gate?: WrittenGate;
  /** The environment overrides some rollout field. */
  fromEnvironment: boolean;
  /**
   * Where a field was written, e.g. `at("canary", "image")` → `["spec", "environments", "prod", "rollout",
   * "canary", "image"]`: the environment's path when it set the field, else the app's. A field nobody set
   * gives the nearest written parent; `at()` is the rollout block itself.
   */
  readonly at: (...field: string[]) => Path;
}

const SCALARS = ["strategy", "maxSurge", "maxUnavailable", "revisionHistoryLimit"] as const;
const CANARY_VALUES = ["steps", "image", "weight", "replicas", "namespace", "bridge"] as const;
const CANARY_MAPS = ["env", "files", "labels", "responseHeaders"] as const;
const GATE_FIELDS = [
  "successRate",
  "p99",
  "errorCount",
  "queries",
  "interval",
  "count",
  "failureLimit",
  "consecutiveErrorLimit",
  "inconclusiveLimit",
] as const;

/** Merge an environment's rollout over the app's (see the rule above). */
export function mergeRollout(
  app: WrittenRollout | undefined,
  env: WrittenRollout | undefined,
  envName: string,
): MergedRollout {
  const appBase: Path = ["spec", "rollout"];
  const envBase: Path = ["spec", "environments", envName, "rollout"];
  const where = new Map<string, Path>();
  const key = (field: readonly string[]) => field.join("\u0000");
  const out: Omit<MergedRollout, "at" | "fromEnvironment"> = {};
  const dropsAppCanary = env?.strategy !== undefined && env.strategy !== "canary";
  const levels: [WrittenRollout | undefined, Path, boolean][] = [
    [app, appBase, dropsAppCanary],
    [env, envBase, false],
  ];
  for (const [rollout, base, skipCanary] of levels) {
    if (!rollout) continue;
    for (const k of SCALARS) {
      if (rollout[k] === undefined) continue;
      Object.assign(out, { [k]: rollout[k] });
      where.set(key([k]), [...base, k]);
    }
    if (skipCanary) continue;
    const written = rollout.canary;
    const canaryBase = [...base, "canary"];
    if (written !== undefined) {
      const canary: MergedCanary = (out.canary ??= {});
      where.set(key(["canary"]), canaryBase);
      if (Array.isArray(written)) {
        canary.steps = written;
        where.set(key(["canary", "steps"]), canaryBase);
      } else {
        for (const k of CANARY_VALUES) {
          if (written[k] === undefined) continue;
          Object.assign(canary, { [k]: written[k] });
          where.set(key(["canary", k]), [...canaryBase, k]);
        }
        for (const k of CANARY_MAPS) {
          const entries = written[k];
          if (entries === undefined) continue;
          Object.assign(canary, { [k]: { ...(canary[k] ?? {}), ...entries } });
          where.set(key(["canary", k]), [...canaryBase, k]);
          for (const name of Object.keys(entries))
            where.set(key(["canary", k, name]), [...canaryBase, k, name]);
        }
      }
    }
    const inCanary = written !== undefined && !Array.isArray(written) && written.gate !== undefined;
    const gate = inCanary ? written.gate : rollout.gate;
    if (gate !== undefined) {
      const gateBase = inCanary ? [...canaryBase, "gate"] : [...base, "gate"];
      out.gate = { ...(out.gate ?? {}) };
      where.set(key(["gate"]), gateBase);
      for (const k of GATE_FIELDS) {
        if (gate[k] === undefined) continue;
        Object.assign(out.gate, { [k]: gate[k] });
        where.set(key(["gate", k]), [...gateBase, k]);
      }
    }
  }
  const fromEnvironment = env !== undefined && Object.keys(env).length > 0;
  return {
    ...out,
    fromEnvironment,
    at: (...field: string[]): Path => {
      for (let n = field.length; n > 0; n--) {
        const path = where.get(key(field.slice(0, n)));
        if (path) return path;
      }
      return fromEnvironment ? envBase : appBase;
    },
  };
}

/**
 * Who evaluates a canary gate on each engine: Argo Rollouts' controller reads its AnalysisTemplate; with
 * weighted routing kintent's evaluator (`kintent rollout step`/`run`) measures it and steps the weight in Git.
 */
export function gateEvaluator(engine: string): string {
  return engine === "argo-rollouts"
    ? "Argo Rollouts evaluates it through the generated AnalysisTemplate"
    : `with ${engine} kintent evaluates it: \`kintent rollout step\` measures the gate and commits or proposes the next weight`;
}
