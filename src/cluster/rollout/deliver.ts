/**
 * Delivering a rollout decision as one intent change, through Git only:
 *
 *   - `commit`: the operations are applied to the intent file in its working tree by the one applier
 *     (`applyOpsToDir`, which compiles and validates every environment and writes only a valid result), the
 *     file alone is committed with the evidence and the `Rollout-Step` / `Rollout-Decision` trailers, and the
 *     commit is pushed to the branch's upstream when there is one. For environments with `approval: start-only`.
 *   - `propose`: the same change, made in a temporary copy of the intent, goes through `kintent propose`
 *     (src/gitops/propose.ts): a branch, the rendered manifests and the intent, a pull request whose body
 *     carries the evidence. For `approval: every-step`, and always allowed.
 *
 * Effects: writes the intent file (commit), runs git, and for proposals talks to the forge.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UsageError } from "../../core/errors.js";
import { VERSION } from "../../core/version.js";
import { applyOpsToDir } from "../../ai/apply.js";
import type { ApplyOpsResult } from "../../ai/apply.js";
import { GitError } from "../../gitops/errors.js";
import { Git } from "../../gitops/git.js";
import { targetOf, TRAILERS } from "../../gitops/message.js";
import type { ProposeResult } from "../../gitops/propose.js";
import type { IntentOp } from "../../intent/edit/index.js";
import type { RolloutContext, StepDecision } from "./step.js";

export type DeliveryMode = "commit" | "propose";

export interface DeliverOptions {
  mode: DeliveryMode;
  cwd: string;
  platformFile?: string;
  /** Environment for git and forge tokens. @default process.env */
  processEnv?: NodeJS.ProcessEnv;
  /** commit: push to the upstream when the branch has one. @default true */
  push?: boolean;
  /** propose: the repository. @default platform.spec.gitops.repo, else the intent repository's upstream */
  repo?: string;
  /** propose: the base branch. @default platform.spec.gitops.revision */
  base?: string;
  /** propose: where the intent lives in that repository. @default its path in its own repository */
  intentPath?: string;
  log?: (line: string) => void;
}

export interface Delivery {
  mode: DeliveryMode;
  /** The intent diff. */
  diff: string;
  /** commit: the new commit. */
  commit?: string;
  /** commit: pushed to the upstream. */
  pushed?: boolean;
  /** propose: what `kintent propose` did. */
  proposal?: ProposeResult;
  message: string;
}

/** A change kintent refuses to make (approval mode, a dirty file, an invalid result): exit 2. */
export class DeliveryRefusedError extends UsageError {
  override name = "DeliveryRefusedError";
}

/** The subject line: `rollout prod: 10% → 50% (gate passed)`. */
export function subjectOf(d: StepDecision, kind?: "promote" | "abort"): string {
  const verdict =
    kind === "abort"
      ? "aborted"
      : kind === "promote"
        ? "promoted by hand"
        : d.outcome === "promote"
          ? "gate passed, promoted"
          : d.outcome === "rollback"
            ? "gate failed, rolled back"
            : d.gate
              ? "gate passed"
              : d.reason.split(":")[0];
  const to = d.outcome === "promote" || kind === "promote" ? "stable" : `${d.to ?? "?"}%`;
  return `rollout ${d.env}: ${d.from ?? 0}% → ${to} (${verdict})`;
}

/** The message body: the reason and the evidence (sync, soak, each query, window, value vs threshold). */
export function bodyOf(d: StepDecision): string {
  const lines = [d.reason, ""];
  if (d.evidence.length > 0) lines.push("```text", ...d.evidence, "```", "");
  lines.push(`Next: ${d.next}`);
  return lines.join("\n");
}

/** `Rollout-Step` and `Rollout-Decision` for a decision. */
export function rolloutTrailers(d: StepDecision, decision: string): (readonly [string, string])[] {
  const to =
    d.outcome === "promote" || decision === "promote" ? "100%" : d.to !== undefined ? `${d.to}%` : "-";
  return [
    [TRAILERS.rolloutStep, `${d.app}/${d.env} ${d.from !== undefined ? `${d.from}%` : "-"} -> ${to}`],
    [TRAILERS.rolloutDecision, decision],
  ];
}

export async function deliver(
  ctx: RolloutContext,
  d: StepDecision,
  ops: readonly IntentOp[],
  decision: string,
  options: DeliverOptions,
  kind?: "promote" | "abort",
): Promise<Delivery> {
  const approval = ctx.resolved.environment.approval;
  // A person running abort or promote is the approval; the evaluator's own steps follow the environment's mode.
  if (options.mode === "commit" && approval === "every-step" && kind === undefined)
    throw new DeliveryRefusedError(
      `${ctx.env} has approval: every-step — each step is a pull request a person merges: use --propose (or set approval: start-only on the environment)`,
    );
  const subject = subjectOf(d, kind);
  const body = bodyOf(d);
  const trailers = rolloutTrailers(d, decision);
  return options.mode === "commit"
    ? await commitChange(ctx, ops, subject, body, trailers, options)
    : await proposeChange(ctx, ops, subject, body, trailers, options);
}

function refuseResult(r: ApplyOpsResult): never {
  const problems = [
    ...r.errors.map((e) => e.message),
    ...r.intentErrors.map((f) => f.message),
    ...(r.preview?.envs ?? []).flatMap((e) => e.errors.map((f) => `${e.env}: ${f.message}`)),
  ];
  throw new DeliveryRefusedError(
    `the change does not apply cleanly (${r.status}): ${problems.slice(0, 5).join("; ") || "no detail"}`,
  );
}

async function commitChange(
  ctx: RolloutContext,
  ops: readonly IntentOp[],
  subject: string,
  body: string,
  trailers: (readonly [string, string])[],
  options: DeliverOptions,
): Promise<Delivery> {
  const git = ctx.repo.git;
  const dirty = await git.out(["status", "--porcelain", "--", ctx.repo.file]);
  if (dirty !== "")
    throw new DeliveryRefusedError(
      `${ctx.repo.file} has uncommitted changes: commit or stash them first (kintent commits only its own change)`,
    );
  const r = await applyOpsToDir(ctx.project.dir, ops, {
    cwd: options.cwd,
    app: ctx.app,
    envs: [ctx.env],
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
  });
  if (r.status !== "written") refuseResult(r);
  const message = [
    `chore(${ctx.app}): ${subject}`,
    "",
    body,
    "",
    `${TRAILERS.target}: ${targetOf(ctx.app, [ctx.env])}`,
    `${TRAILERS.version}: ${VERSION}`,
    ...trailers.map(([k, v]) => `${k}: ${v}`),
    "",
  ].join("\n");
  await git.run(["add", "--", ctx.repo.file]);
  await git.run(["commit", "-q", "-F", "-", "--", ctx.repo.file], {
    input: message,
    env: await identity(git),
  });
  const commit = await git.out(["rev-parse", "HEAD"]);
  let pushed = false;
  const upstream = await git.run(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"], {
    allowFailure: true,
  });
  if (options.push !== false && upstream.code === 0) {
    options.log?.(`pushing ${commit.slice(0, 12)} to ${upstream.stdout.trim()}`);
    const p = await git.run(["push", "--quiet"], { allowFailure: true });
    if (p.code !== 0) {
      // Someone pushed meanwhile: take the commit back (only this file changed) and let the next run decide again.
      await git.run(["reset", "-q", "--keep", "HEAD~1"], { allowFailure: true });
      throw new GitError(
        `push to ${upstream.stdout.trim()} failed, the step was taken back: ${p.stderr.trim().split("\n").slice(-2).join(" | ")} — pull and run again`,
        ["push"],
        p.code,
        p.stderr,
      );
    }
    pushed = true;
  }
  return { mode: "commit", diff: r.diff, commit, pushed, message };
}

async function proposeChange(
  ctx: RolloutContext,
  ops: readonly IntentOp[],
  subject: string,
  body: string,
  trailers: (readonly [string, string])[],
  options: DeliverOptions,
): Promise<Delivery> {
  const env = options.processEnv ?? process.env;
  const dir = ctx.project.dir;
  const platformFile = ctx.project.platform ? resolve(dir, ctx.project.platform.source.file) : undefined;
  const repo = options.repo ?? ctx.resolved.platform.gitops.repo ?? (await upstreamUrl(ctx));
  if (!repo)
    throw new DeliveryRefusedError(
      "--propose needs a repository: --repo, platform.spec.gitops.repo, or an upstream for the intent's branch",
    );
  const intentPath = options.intentPath ?? (relative(ctx.repo.root, dir).split(sep).join("/") || undefined);
  // The change is made in a copy (with the platform file where the loader finds it): the working tree is untouched.
  const root = platformFile && !inside(platformFile, dir) ? common(dir, dirname(platformFile)) : dir;
  const stage = mkdtempSync(join(env.TMPDIR ?? tmpdir(), "kintent-rollout-"));
  try {
    const staged = join(stage, relative(root, dir));
    cpSync(dir, staged, {
      recursive: true,
      filter: (src) => !/(^|\/)(\.git|\.kintent|node_modules)(\/|$)/.test(relative(dir, src)),
    });
    if (platformFile && !inside(platformFile, dir))
      cpSync(platformFile, join(stage, relative(root, platformFile)));
    const r = await applyOpsToDir(staged, ops, {
      cwd: stage,
      app: ctx.app,
      envs: [ctx.env],
    });
    if (r.status !== "written") refuseResult(r);
    const { propose } = await import("../../gitops/propose.js");
    const message = `${subject}\n\n${body}`;
    const outcome = await propose({
      dir: staged,
      cwd: stage,
      repo,
      env,
      envs: [ctx.env],
      app: ctx.app,
      tmpDir: env.TMPDIR ?? tmpdir(),
      message,
      proposedBy: "kintent rollout",
      trailers,
      ...(intentPath !== undefined ? { intentPath } : {}),
      ...(options.base !== undefined ? { base: options.base } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    if (outcome.intentErrors.length > 0)
      throw new DeliveryRefusedError(
        `the proposal does not build: ${outcome.intentErrors.map((f) => f.message).join("; ")}`,
      );
    const proposal = outcome.results[0];
    if (!proposal) throw new DeliveryRefusedError("nothing was proposed");
    return { mode: "propose", diff: r.diff, proposal, message };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

async function upstreamUrl(ctx: RolloutContext): Promise<string | undefined> {
  const git = ctx.repo.git;
  const remote = await git.run(
    ["config", "--get", `branch.${await git.out(["branch", "--show-current"])}.remote`],
    {
      allowFailure: true,
    },
  );
  const name = remote.stdout.trim() || "origin";
  const url = await git.run(["remote", "get-url", name], { allowFailure: true });
  const u = url.stdout.trim();
  if (url.code !== 0 || !u) return undefined;
  return isAbsolute(u) || /^[a-z]+:\/\//.test(u) || /^[^/]+@[^:]+:/.test(u) ? u : resolve(ctx.repo.root, u);
}

async function identity(git: RolloutContext["repo"]["git"]): Promise<NodeJS.ProcessEnv> {
  const name = (await git.run(["config", "user.name"], { allowFailure: true })).stdout.trim();
  const email = (await git.run(["config", "user.email"], { allowFailure: true })).stdout.trim();
  const who =
    name && email ? { name, email } : { name: "kintent", email: "kintent@users.noreply.kintent.dev" };
  return {
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
  };
}

function inside(file: string, dir: string): boolean {
  const rel = relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

function common(a: string, b: string): string {
  const x = a.split(sep);
  const y = b.split(sep);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join(sep) || sep;
}

/**
 * Before a commit delivery, where the branch has an upstream: fast-forward to it, so the evaluation starts from
 * what Git says now. A branch that diverged is refused (exit 2): a person reconciles it.
 */
export async function fastForward(dir: string, processEnv: NodeJS.ProcessEnv): Promise<void> {
  const git = new Git({ cwd: dir, env: processEnv });
  const up = await git.run(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"], {
    allowFailure: true,
  });
  if (up.code !== 0) return;
  const r = await git.run(["pull", "--quiet", "--ff-only"], { allowFailure: true });
  if (r.code !== 0)
    throw new DeliveryRefusedError(
      `cannot fast-forward to ${up.stdout.trim()}: ${r.stderr.trim().split("\n").slice(-1)[0] ?? ""} — the branch has diverged; reconcile it first`,
    );
}
