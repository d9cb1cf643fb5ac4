/**
 * A rollout's state and history, from Git alone: what the intent file says at each commit (the canary image
 * and weight the environment runs, through the resolver's merge rule, and the stable image), which commit set
 * the current weight (the one Argo CD must have synced before a step is measured), and the steps kintent took
 * (its `Rollout-Step` / `Rollout-Decision` trailers). Nothing is kept anywhere else, so a rebuilt cluster or a
 * restarted evaluator resumes exactly where Git says it is. Bounded: at most `limit` commits of one file are
 * read. Effects: `git log` and `git show` in the intent's repository.
 */
import { realpathSync } from "node:fs";
import { dirname, relative, sep } from "node:path";
import { parseAllDocuments } from "yaml";
import { UsageError } from "../../core/errors.js";
import { Git } from "../../gitops/git.js";
import { TRAILERS } from "../../gitops/message.js";
import { mergeRollout } from "../../intent/rollout.js";
import type { WrittenRollout } from "../../intent/schema.js";

/** What one environment's canary is at one commit. */
export interface CanaryState {
  /** The canary image (weighted routing), when a canary is running. */
  image?: string;
  /** Its weight: 0–100; 0 when a canary image is set without a weight. */
  weight?: number;
  /** The stable image the environment runs (`spec.environments.<env>.image` or `spec.image`). */
  stableImage?: string;
  /** The canary steps, as written. */
  steps?: readonly (string | number)[];
}

export interface RolloutCommit {
  sha: string;
  /** Committer time. */
  time: Date;
  subject: string;
  state: CanaryState;
  /** `Rollout-Step` trailer, e.g. `web/prod 10% -> 50%`. */
  step?: string;
  /** `Rollout-Decision` trailer: pass, fail, promote, abort. */
  decision?: string;
}

export interface CanaryHistory {
  /** The state at HEAD (the last commit of the file). */
  head: CanaryState;
  /** The commit that set the current weight and image: the oldest of the newest run of commits in that state. */
  setBy?: RolloutCommit;
  /** Commits of the file, newest first (at most the limit). */
  commits: RolloutCommit[];
  /** The history was cut at the limit while still in the current state. */
  truncated: boolean;
}

/** The intent's Git repository: its top level and the App file's path in it. */
export interface IntentRepo {
  git: Git;
  root: string;
  /** Path of the App file relative to `root`, with `/`. */
  file: string;
}

/** Thrown when the intent is not in a Git repository (the rollout commands need its history). */
export class NotInGitError extends UsageError {
  override name = "NotInGitError";
}

/** The Git repository holding `file` (absolute), or a NotInGitError. */
export async function intentRepo(file: string, env: NodeJS.ProcessEnv = process.env): Promise<IntentRepo> {
  const dir = dirname(file);
  const git = new Git({ cwd: dir, env });
  const top = await git.run(["rev-parse", "--show-toplevel"], { allowFailure: true });
  if (top.code !== 0)
    throw new NotInGitError(
      `${dir} is not in a Git repository: kintent rollout reads the rollout's state from Git (the commits of the intent)`,
    );
  const root = top.stdout.trim();
  const rel = relative(realpathSync(root), realpathSync(file)).split(sep).join("/");
  return { git: git.at(root), root, file: rel };
}

const FIELD = "%x1f";
const RECORD = "%x1e";

/** Read the App file's commits and the canary state at each, newest first. */
export async function canaryHistory(
  repo: IntentRepo,
  app: string,
  env: string,
  limit = 200,
): Promise<CanaryHistory> {
  const format = [
    "%H",
    "%ct",
    "%s",
    `%(trailers:key=${TRAILERS.rolloutStep},valueonly,separator=%x2C)`,
    `%(trailers:key=${TRAILERS.rolloutDecision},valueonly,separator=%x2C)`,
  ].join(FIELD);
  const log = await repo.git.run(
    ["log", `--format=${format}${RECORD}`, "-n", String(limit), "HEAD", "--", repo.file],
    { allowFailure: true },
  );
  const commits: RolloutCommit[] = [];
  if (log.code === 0) {
    for (const record of log.stdout.split("\x1e")) {
      const [sha, ct, subject, step, decision] = record.replace(/^\n/, "").split("\x1f");
      if (!sha || !ct) continue;
      const text = await repo.git.run(["show", `${sha}:${repo.file}`], { allowFailure: true });
      commits.push({
        sha,
        time: new Date(Number(ct) * 1000),
        subject: subject ?? "",
        state: text.code === 0 ? canaryStateOf(text.stdout, app, env) : {},
        ...(step?.trim() ? { step: step.trim() } : {}),
        ...(decision?.trim() ? { decision: decision.trim() } : {}),
      });
    }
  }
  const head = commits[0]?.state ?? {};
  let setBy: RolloutCommit | undefined;
  let ended = false;
  for (const c of commits) {
    if (!sameCanary(c.state, head)) {
      ended = true;
      break;
    }
    setBy = c;
  }
  return {
    head,
    ...(setBy ? { setBy } : {}),
    commits,
    truncated: !ended && commits.length >= limit,
  };
}

function sameCanary(a: CanaryState, b: CanaryState): boolean {
  return a.image === b.image && a.weight === b.weight;
}

/** The canary an environment runs according to one version of the App file (unparseable → empty). */
export function canaryStateOf(text: string, app: string, env: string): CanaryState {
  let spec: Record<string, unknown> | undefined;
  try {
    for (const doc of parseAllDocuments(text)) {
      if (!("toJS" in doc)) continue;
      const o = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown }; spec?: unknown } | null;
      if (o?.kind === "App" && o.metadata?.name === app && o.spec && typeof o.spec === "object") {
        spec = o.spec as Record<string, unknown>;
        break;
      }
    }
  } catch {
    return {};
  }
  if (!spec) return {};
  const envs = asRecord(spec.environments);
  const override = asRecord(envs?.[env]);
  const merged = mergeRollout(asRecord(spec.rollout), asRecord(override?.rollout), env);
  const stable = typeof override?.image === "string" ? override.image : spec.image;
  const canary = merged.canary;
  return {
    ...(typeof canary?.image === "string" ? { image: canary.image, weight: canary.weight ?? 0 } : {}),
    ...(typeof stable === "string" ? { stableImage: stable } : {}),
    ...(canary?.steps ? { steps: canary.steps } : {}),
  };
}

function asRecord(v: unknown): (Record<string, unknown> & WrittenRollout) | undefined {
  // A map read from Git is handed to the merge as it is; fields of the wrong shape are ignored there.
  return v && typeof v === "object" && !Array.isArray(v)
    ? (v as Record<string, unknown> & WrittenRollout)
    : undefined;
}

/** `web/prod 10% -> 50%` → its parts (undefined for another shape). */
export function parseStepTrailer(
  value: string,
): { target: string; from: number | undefined; to: number | undefined } | undefined {
  const m = /^(\S+\/\S+)\s+(?:(\d+)%|-)\s*->\s*(?:(\d+)%|-)/.exec(value);
  if (!m) return undefined;
  return {
    target: m[1] as string,
    from: m[2] !== undefined ? Number(m[2]) : undefined,
    to: m[3] !== undefined ? Number(m[3]) : undefined,
  };
}
