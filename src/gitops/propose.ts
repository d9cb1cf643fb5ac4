/**
 * `kintent propose`: the only way kintent's output reaches a cluster. Renders the app into the GitOps layout,
 * validates it (refusing on error findings), commits it on a branch `kintent/<app>/<short hash of the change>`
 * in a temporary clone, pushes the branch and opens — or updates — the pull request. Never merges, never
 * force-pushes a branch that carries someone else's commits, never resolves a conflict by guessing, and never
 * touches the caller's working tree: all work happens in a temporary clone that is always removed.
 */
import type { KObject } from "../core/object.js";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { formatMarkdown } from "../report/markdown.js";
import type { Finding } from "../core/finding.js";
import { LABELS } from "../intent/defaults.js";
import { OUTPUT_MARKER } from "../render/files.js";
import { objectToYaml } from "../render/yaml.js";
import { VERSION } from "../core/version.js";
import { diffScopes } from "../core/diff.js";
import type { ObjectChange } from "../core/diff.js";
import { ForgeError, GitError, ProposeConflictError, ProposeSetupError } from "./errors.js";
import { createForge } from "./forge/index.js";
import type { Forge, PullRequest } from "./forge/index.js";
import { Git } from "./git.js";
import { safeRepoPath } from "./layout.js";
import type { EnvironmentTarget } from "./layout.js";
import type { LoadedIntent } from "../intent/load.js";
import { commitMessage, proposalTitle, pullRequestBody, targetOf, TRAILERS } from "./message.js";
import { prepare } from "./prepare.js";
import type { PreparedApp, PrepareOptions } from "./prepare.js";
import { Redactor } from "../core/redact.js";
import {
  apiBaseUrl,
  basicAuthUser,
  detectForge,
  FORGE_KINDS,
  parseRemoteUrl,
  tokenFor,
  TOKEN_ENV_VARS,
  webBaseUrl,
} from "./remote.js";
import type { ForgeKind, RemoteInfo } from "./remote.js";

export interface ProposeOptions extends PrepareOptions {
  /** The GitOps repository: a local path (bare or not) or a Git URL. @default platform.spec.gitops.repo */
  repo?: string;
  /** Why the change is made: the commit body and the pull request's "Why". */
  message?: string;
  /** Branch the pull request targets. @default platform.spec.gitops.revision (main) */
  base?: string;
  /** Forge behind the remote. @default detected from the URL, then KINTENT_FORGE; `none` only pushes */
  forge?: ForgeKind | "none";
  /** Web root of the forge when it is not the remote's scheme://host[:port] (e.g. served under a sub-path). */
  forgeUrl?: string;
  /** Environment for tokens (GITHUB_TOKEN, GITEA_TOKEN, GITLAB_TOKEN) and git. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Who proposed the change when it did not come from a person at a keyboard (the AI layer sets e.g.
   * `kintent ask (anthropic:claude-sonnet-5-5)`): written as the `Proposed-By` trailer and into the PR body.
   */
  proposedBy?: string;
  /** More commit trailers after kintent's own (e.g. `Rollout-Step`, `Rollout-Decision` from `kintent rollout`). */
  trailers?: readonly (readonly [string, string])[];
  /** Commit author. @default the git configuration, else `kintent <kintent@users.noreply.kintent.dev>` */
  author?: { name: string; email: string };
  /** Additional repository-relative files to commit with the manifests (e.g. the intent change itself). */
  extraFiles?: ReadonlyMap<string, string>;
  /**
   * Commit the intent with the manifests, at this repository-relative directory (when the GitOps repository
   * also holds the intents): the intent files, their platform file and any `kintent.lock` / claudernetes files.
   */
  intentPath?: string;
  /** Progress lines (for stderr). Never receives a secret. */
  log?: (line: string) => void;
  /** Where the temporary clone goes. @default os.tmpdir() */
  tmpDir?: string;
  /** Timeout of each git command. @default 120000 */
  gitTimeoutMs?: number;
}

export type ProposeStatus = "refused" | "unchanged" | "created" | "updated";

export interface ProposeResult {
  status: ProposeStatus;
  app: string;
  envs: string[];
  base: string;
  /** Validation findings on what would be proposed (plus intent warnings). */
  findings: Finding[];
  /** Object changes the pull request makes against the base branch. */
  changes: ObjectChange[];
  branch?: string;
  commit?: string;
  pushed: boolean;
  pullRequest?: PullRequest;
  pullRequestAction?: "created" | "updated" | "unchanged" | "none";
  /** How to open or review the change by hand (no forge, no token, or the forge failed). */
  instructions: string[];
  /** The push succeeded but the forge did not answer: re-running finishes the pull request. */
  forgeError?: string;
  /** One line for people. */
  summary: string;
  /** Things to know that did not stop the proposal. */
  notes: string[];
}

export interface ProposeOutcome {
  /** The intent directory (paths in findings are relative to it). */
  dir: string;
  /** Intent errors: nothing was compiled. */
  intentErrors: Finding[];
  warnings: Finding[];
  results: ProposeResult[];
}

/** Propose every app of the intent (or `options.app`), one branch and pull request each. */
export async function propose(options: ProposeOptions): Promise<ProposeOutcome> {
  const prepared = await prepare(options);
  if (prepared.intentErrors.length > 0)
    return {
      dir: prepared.project.dir,
      intentErrors: prepared.intentErrors,
      warnings: prepared.warnings,
      results: [],
    };
  const results: ProposeResult[] = [];
  const platform = prepared.project.platform?.value.spec;
  const platformBase = platform?.gitops?.revision;
  const repo = options.repo ?? platform?.gitops?.repo;
  if (repo === undefined)
    throw new ProposeSetupError(
      "no GitOps repository: pass --repo <path or URL>, or set platform.spec.gitops.repo",
    );
  const extraFiles = new Map(
    [...(options.extraFiles ?? [])].map(([p, c]) => [safeRepoPath(p, "extra file"), c] as const),
  );
  if (options.intentPath !== undefined && prepared.project.intent) {
    for (const [p, content] of intentFiles(prepared.project.intent, options.intentPath))
      extraFiles.set(p, content);
  }
  for (const app of prepared.apps) {
    results.push(
      await proposeApp(app, prepared.intentHash, {
        ...options,
        repo,
        base: options.base ?? platformBase ?? "main",
        ...(extraFiles.size > 0 ? { extraFiles } : {}),
      }),
    );
  }
  return { dir: prepared.project.dir, intentErrors: [], warnings: prepared.warnings, results };
}

/** Files that travel with the intent (read by the loader, or by the plugin and `kintent ask`). */
const INTENT_COMPANIONS = ["kintent.lock", "claudernetes.yaml", "claudernetes.yml", "claudernetes.md"];

/** The intent's files at `intentPath` in the repository (repository-relative path → content). */
function intentFiles(intent: LoadedIntent, intentPath: string): Map<string, string> {
  const out = new Map<string, string>();
  const base = safeRepoPath(intentPath, "--with-intent path");
  const files = new Map(intent.contents);
  for (const c of INTENT_COMPANIONS)
    if (!files.has(c) && existsSync(join(intent.dir, c)))
      files.set(c, readFileSync(join(intent.dir, c), "utf8"));
  for (const rel of [...files.keys()].sort()) {
    const target = safeRepoPath(posix.join(base, rel), `intent file ${rel} under --with-intent`);
    out.set(target, files.get(rel) ?? "");
  }
  return out;
}

interface Session {
  git: Git;
  root: string;
  remote: RemoteInfo;
  base: string;
  baseSha: string;
  forge?: Forge;
  forgeKind?: ForgeKind;
  webUrl?: string;
  repoPath?: string;
  redactor: Redactor;
  log: (line: string) => void;
}

const DEFAULT_AUTHOR = { name: "kintent", email: "kintent@users.noreply.kintent.dev" };

async function proposeApp(
  app: PreparedApp,
  intentHash: string,
  options: ProposeOptions & { base: string; repo: string },
): Promise<ProposeResult> {
  const env = options.env ?? process.env;
  const redactor = new Redactor({ known: TOKEN_ENV_VARS.map((k) => env[k]) });
  const log = (line: string) => options.log?.(redactor.redact(line));
  const result: ProposeResult = {
    status: "refused",
    app: app.app,
    envs: app.envs,
    base: options.base,
    findings: app.findings,
    changes: [],
    pushed: false,
    instructions: [],
    summary: "",
    notes: [...app.layout.warnings],
  };
  const errors = app.findings.filter((f) => f.severity === "error");
  if (errors.length > 0) {
    result.summary = `refusing to propose ${targetOf(app.app, app.envs)}: ${errors.length} error finding(s) in the rendered manifests`;
    return result;
  }

  const remote = resolveRemote(options.repo, options.cwd);
  const forgeKind = chooseForge(remote, options, env);
  const token = forgeKind ? tokenFor(forgeKind, env) : undefined;
  const webUrl = forgeKind ? (options.forgeUrl ?? webBaseUrl(remote))?.replace(/\/+$/, "") : undefined;
  const config: Record<string, string> = {};
  if (token && forgeKind && (remote.scheme === "http" || remote.scheme === "https")) {
    const basic = Buffer.from(`${basicAuthUser(forgeKind)}:${token}`).toString("base64");
    config[`http.${remote.scheme}://${remote.hostPort}/.extraHeader`] = `Authorization: Basic ${basic}`;
  }

  const work = mkdtempSync(join(options.tmpDir ?? tmpdir(), "kintent-propose-"));
  try {
    const root = join(work, "repo");
    const git = new Git({
      cwd: work,
      env,
      config,
      redactor,
      ...(options.gitTimeoutMs !== undefined ? { timeoutMs: options.gitTimeoutMs } : {}),
    });
    log(`cloning ${remote.display} (${options.base})`);
    const cloned = await git.run(
      ["clone", "--quiet", "--no-tags", "--single-branch", "--branch", options.base, "--", remote.url, root],
      { allowFailure: true },
    );
    if (cloned.code !== 0) {
      const why = redactor.redact(cloned.stderr.trim().split("\n").filter(Boolean).slice(-2).join(" | "));
      if (/Remote branch .* not found|couldn't find remote ref/i.test(cloned.stderr))
        throw new ProposeSetupError(
          `${remote.display} has no branch \`${options.base}\` to propose against — create it (one initial commit is enough) or pass --base`,
        );
      throw new GitError(`cannot clone ${remote.display}: ${why}`, ["clone"], cloned.code, why);
    }
    const g = git.at(root);
    const session: Session = {
      git: g,
      root,
      remote,
      base: options.base,
      baseSha: await g.out(["rev-parse", "HEAD"]),
      redactor,
      log,
      ...(forgeKind ? { forgeKind } : {}),
      ...(webUrl ? { webUrl } : {}),
    };
    if (forgeKind && webUrl) {
      const repoPath = forgeRepoPath(remote, webUrl);
      session.repoPath = repoPath;
      if (token) {
        session.forge = await createForge(
          forgeKind,
          { apiUrl: apiBaseUrl(forgeKind, webUrl), webUrl, repoPath, token, userAgent: `kintent/${VERSION}` },
          redactor,
        );
      } else {
        result.notes.push(
          `no ${forgeKind === "github" ? "GITHUB_TOKEN" : forgeKind === "gitlab" ? "GITLAB_TOKEN" : "GITEA_TOKEN"} in the environment: the branch is pushed, open the ${forgeKind === "gitlab" ? "merge" : "pull"} request by hand`,
        );
      }
    }
    return await proposeInClone(session, app, intentHash, options, result);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function resolveRemote(repo: string, cwd: string): RemoteInfo {
  const url = parseRemoteUrl(repo);
  if (url) return url;
  const abs = resolve(cwd, repo);
  if (!existsSync(abs))
    throw new ProposeSetupError(
      `--repo ${repo}: no such directory, and not a Git URL (https://, ssh://, git@host:path)`,
    );
  return { url: abs, display: abs, local: true };
}

function chooseForge(
  remote: RemoteInfo,
  options: ProposeOptions,
  env: NodeJS.ProcessEnv,
): ForgeKind | undefined {
  // KINTENT_FORGE describes the user's remotes; a local path has no forge, whatever it says.
  const fromEnv = remote.local || !env.KINTENT_FORGE ? undefined : (env.KINTENT_FORGE as ForgeKind | "none");
  const configured = options.forge ?? fromEnv;
  if (configured === "none") return undefined;
  if (configured !== undefined) {
    if (!FORGE_KINDS.includes(configured))
      throw new ProposeSetupError(
        `unknown forge \`${String(configured)}\` (known: ${FORGE_KINDS.join(", ")}, none)`,
      );
    if (remote.local)
      throw new ProposeSetupError(`--forge ${configured} needs the repository's URL, not a local path`);
    return configured;
  }
  return detectForge(remote);
}

/** `owner/name` on the forge: the remote's path without the forge's own sub-path. */
function forgeRepoPath(remote: RemoteInfo, webUrl: string): string {
  let p = remote.path ?? "";
  const prefix = new URL(webUrl).pathname.replace(/^\/+|\/+$/g, "");
  if (prefix && p.startsWith(`${prefix}/`)) p = p.slice(prefix.length + 1);
  if (!p.includes("/"))
    throw new ProposeSetupError(`cannot tell owner and repository from ${remote.display}`);
  return p;
}

interface Candidate {
  branch: string;
  sha: string;
  time: number;
  pullRequest?: PullRequest;
}

async function proposeInClone(
  s: Session,
  app: PreparedApp,
  intentHash: string,
  options: ProposeOptions & { base: string },
  result: ProposeResult,
): Promise<ProposeResult> {
  const { git } = s;
  const target = targetOf(app.app, app.envs);
  const paths = managedPaths(app, options.extraFiles);

  // What the base branch holds now, and whether the proposal would change it at all.
  const beforeBase = readScopes(s.root, app.layout.targets);
  const changes = diffScopes(beforeBase, renderedScopes(app.layout.targets));
  result.changes = changes;
  writeProposal(s.root, app, options.extraFiles);
  await git.run(["add", "-A", "--", ...paths]);
  const sameAsBase = await git.ok(["diff", "--cached", "--quiet", "--", ...paths]);
  await git.run(["reset", "-q", "--hard", s.baseSha]);

  const candidates = await openProposals(s, app.app, target);
  const existing = candidates[0];
  if (candidates.length > 1)
    result.notes.push(
      `several open proposals for ${target}: updating ${existing?.branch}; also open: ${candidates
        .slice(1)
        .map((c) => c.branch)
        .join(", ")}`,
    );

  if (sameAsBase) {
    result.status = "unchanged";
    result.pullRequestAction = "none";
    result.summary = `nothing to propose for ${target}: ${s.base} already holds exactly these manifests`;
    if (existing)
      result.notes.push(
        `the open proposal ${existing.branch}${existing.pullRequest ? ` (#${existing.pullRequest.number})` : ""} is now obsolete: close it and delete the branch`,
      );
    return result;
  }

  const proposal = { app: app.app, envs: app.envs, intentHash, version: VERSION } as const;
  const textBase = {
    ...proposal,
    ...(options.message !== undefined ? { why: options.message } : {}),
    ...(options.proposedBy !== undefined ? { proposedBy: options.proposedBy } : {}),
    ...(options.trailers !== undefined ? { trailers: options.trailers } : {}),
  };
  // The one redactor over everything that leaves for the forge (the why, the changes, the report).
  const title = s.redactor.redact(proposalTitle(textBase));
  const body = s.redactor.redact(
    pullRequestBody({
      ...textBase,
      changes,
      base: s.base,
      validationReport: formatMarkdown(app.report),
    }),
  );

  let branch: string;
  let lease: string | undefined;
  let parentChanges: ObjectChange[];
  if (existing) {
    branch = existing.branch;
    s.log(`found the open proposal ${branch}`);
    const prepared = await checkoutExisting(s, existing, app, options.extraFiles);
    lease = prepared.lease;
    parentChanges = prepared.parentChanges;
    if (prepared.unchanged) {
      result.status = "unchanged";
      result.branch = branch;
      result.commit = existing.sha;
      result.summary = `${target} is already proposed on ${branch}: nothing changed`;
      if (prepared.conflict) result.notes.push(prepared.conflict);
      return await finishPullRequest(s, result, branch, title, body, false);
    }
  } else {
    branch = await freeBranchName(s, `kintent/${app.app}/${app.changeHash.slice(0, 8)}`);
    s.log(`creating ${branch}`);
    await git.run(["checkout", "-q", "-b", branch, s.baseSha]);
    writeProposal(s.root, app, options.extraFiles);
    parentChanges = changes;
  }

  await git.run(["add", "-A", "--", ...paths]);
  const message = commitMessage({ ...textBase, changes: parentChanges });
  // The user's git configuration applies (commit signing, hooks): the proposal is their commit.
  await git.run(["commit", "-q", "-F", "-"], {
    input: message,
    env: await identityEnv(git, options.author),
  });
  const commit = await git.out(["rev-parse", "HEAD"]);
  s.log(`pushing ${branch}${lease ? " (rebased onto " + s.base + ", with lease)" : ""}`);
  const pushArgs = ["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`];
  if (lease) pushArgs.splice(1, 0, `--force-with-lease=refs/heads/${branch}:${lease}`);
  await git.run(pushArgs);
  result.pushed = true;
  result.branch = branch;
  result.commit = commit;
  result.status = existing ? "updated" : "created";
  result.summary = existing
    ? `updated ${branch} with the new rendering of ${target}`
    : `proposed ${target} on ${branch}`;
  return await finishPullRequest(s, result, branch, title, body, true);
}

/** Repository-relative paths the proposal owns (for `git add` and `git diff`). */
function managedPaths(app: PreparedApp, extra: ReadonlyMap<string, string> | undefined): string[] {
  const paths = new Set<string>();
  for (const t of app.layout.targets) {
    paths.add(t.dir);
    if (t.application) paths.add(t.application.path);
  }
  for (const p of extra?.keys() ?? []) paths.add(p);
  return [...paths].sort();
}

/** Objects per scope (target directory or Application file) as the worktree holds them now. */
function readScopes(root: string, targets: readonly EnvironmentTarget[]): Map<string, KObject[]> {
  const out = new Map<string, KObject[]>();
  for (const t of targets) {
    const dir = join(root, t.dir);
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      const objects = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .flatMap((f) => parseObjects(readFileSync(join(dir, f), "utf8")));
      out.set(t.dir, objects);
    }
    if (t.application && existsSync(join(root, t.application.path)))
      out.set(t.application.path, parseObjects(readFileSync(join(root, t.application.path), "utf8")));
  }
  return out;
}

function renderedScopes(targets: readonly EnvironmentTarget[]): Map<string, KObject[]> {
  const out = new Map<string, KObject[]>();
  for (const t of targets) {
    out.set(t.dir, t.objects);
    if (t.application) out.set(t.application.path, [t.application.object]);
  }
  return out;
}

function parseObjects(text: string): KObject[] {
  return parseAllDocuments(text)
    .flatMap((d) => ("toJS" in d ? [d.toJS() as unknown] : []))
    .filter(
      (o): o is KObject =>
        typeof o === "object" &&
        o !== null &&
        typeof (o as KObject).kind === "string" &&
        typeof (o as KObject).metadata?.name === "string",
    );
}

/** Write the layout into the worktree, replacing kintent's directories wholesale; refuse to replace others' files. */
function writeProposal(root: string, app: PreparedApp, extra: ReadonlyMap<string, string> | undefined): void {
  for (const t of app.layout.targets) {
    const dir = join(root, t.dir);
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory())
        throw new ProposeConflictError(
          `${t.dir} exists in the repository and is not a directory`,
          "move it, or point platform.spec.gitops.path elsewhere",
        );
      const entries = readdirSync(dir);
      if (entries.length > 0 && !entries.includes(OUTPUT_MARKER))
        throw new ProposeConflictError(
          `${t.dir} holds files kintent did not write (no ${OUTPUT_MARKER}); refusing to replace them`,
          "move those files elsewhere in a commit of their own, or point platform.spec.gitops.path at a directory kintent owns",
          entries.map((e) => `${t.dir}/${e}`),
        );
      rmSync(dir, { recursive: true, force: true });
    }
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of t.files) writeFileSync(join(dir, name), content);
    if (t.application) {
      const file = join(root, t.application.path);
      if (existsSync(file)) {
        const [current] = parseObjects(readFileSync(file, "utf8"));
        if (current?.metadata.labels?.[LABELS.managedBy] !== "kintent")
          throw new ProposeConflictError(
            `${t.application.path} exists and is not an Application kintent wrote`,
            "move it, or choose another directory with --applications-dir",
            [t.application.path],
          );
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, objectToYaml(t.application.object)); // the bytes layoutFiles() hashed
    }
  }
  for (const [p, content] of extra ?? []) {
    const file = join(root, p);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/**
 * Open proposals for this app and target on the remote: branches `kintent/<app>/*` whose latest kintent commit
 * carries `Kintent-Target: <target>`, not merged into the base, and — with a forge — whose pull request is not
 * closed or merged. Newest first.
 */
async function openProposals(s: Session, app: string, target: string): Promise<Candidate[]> {
  const { git } = s;
  const prefix = `refs/heads/kintent/${app}/`;
  const listed = await git.out(["ls-remote", "--heads", "origin", `${prefix}*`]);
  const heads = listed
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t"))
    .filter((p): p is [string, string] => p.length === 2 && (p[1] ?? "").startsWith(prefix))
    .map(([sha, ref]) => ({ sha, branch: ref.slice("refs/heads/".length) }));
  if (heads.length === 0) return [];
  await git.run([
    "fetch",
    "--quiet",
    "--no-tags",
    "origin",
    ...heads.map((h) => `+refs/heads/${h.branch}:refs/remotes/origin/${h.branch}`),
  ]);
  const out: Candidate[] = [];
  for (const h of heads) {
    if (await git.ok(["merge-base", "--is-ancestor", h.sha, s.baseSha])) continue; // merged
    const targets = await git.out([
      "log",
      `--format=%(trailers:key=${TRAILERS.target},valueonly,separator=%x2C)`,
      `${s.baseSha}..${h.sha}`,
    ]);
    const latest = targets.split("\n").find((l) => l.trim() !== "");
    if (latest?.trim() !== target) continue;
    const time = Number(await git.out(["log", "-1", "--format=%ct", h.sha]));
    const c: Candidate = { branch: h.branch, sha: h.sha, time };
    if (s.forge) {
      const pr = await s.forge.findPullRequest(h.branch, s.base);
      if (pr && pr.state !== "open") continue; // closed or merged by a human: leave it alone
      if (pr) c.pullRequest = pr;
    }
    out.push(c);
  }
  return out.sort((a, b) => b.time - a.time || (a.branch < b.branch ? -1 : 1));
}

/** A branch name not taken on the remote (a merged or rejected proposal of the same content keeps its name). */
async function freeBranchName(s: Session, wanted: string): Promise<string> {
  for (const name of [wanted, `${wanted}-${s.baseSha.slice(0, 7)}`]) {
    const taken = await s.git.out(["ls-remote", "--heads", "origin", `refs/heads/${name}`]);
    if (taken === "") return name;
  }
  throw new ProposeConflictError(
    `branches ${wanted} and ${wanted}-${s.baseSha.slice(0, 7)} already exist on ${s.remote.display}`,
    "delete the stale branches, then run kintent propose again",
  );
}

interface ExistingCheckout {
  unchanged: boolean;
  /** The remote sha to lease against when the branch was rebased (only ever our own commits). */
  lease?: string;
  parentChanges: ObjectChange[];
  /** A warning when an unchanged branch no longer merges cleanly. */
  conflict?: string;
}

/**
 * Put the worktree on the existing proposal branch with the new rendering written. When the base moved on and
 * the branch holds only kintent's commits, rebase it (a conflict is reported, never resolved); when someone
 * else committed to it, never rewrite it — add a commit on top, after checking it still merges cleanly.
 */
async function checkoutExisting(
  s: Session,
  c: Candidate,
  app: PreparedApp,
  extra: ReadonlyMap<string, string> | undefined,
): Promise<ExistingCheckout> {
  const { git } = s;
  const paths = managedPaths(app, extra);
  await git.run(["checkout", "-q", "-B", c.branch, c.sha]);
  writeProposal(s.root, app, extra);
  await git.run(["add", "-A", "--", ...paths]);
  const unchanged = await git.ok(["diff", "--cached", "--quiet", "--", ...paths]);
  await git.run(["reset", "-q", "--hard", c.sha]);
  const mergeBase = await git.out(["merge-base", s.baseSha, c.sha]);
  const baseMoved = mergeBase !== s.baseSha;
  if (unchanged) {
    const conflicts = baseMoved ? await mergeConflicts(s, c.sha) : [];
    return {
      unchanged: true,
      parentChanges: [],
      ...(conflicts.length > 0
        ? { conflict: conflictMessage(s, c, conflicts).message + " " + conflictMessage(s, c, conflicts).hint }
        : {}),
    };
  }
  let lease: string | undefined;
  if (baseMoved) {
    const foreign = await foreignCommits(s, mergeBase, c.sha);
    if (foreign.length === 0) {
      const rebased = await git.run(["rebase", "-q", "--no-autosquash", s.baseSha], {
        allowFailure: true,
        env: await identityEnv(git, undefined),
      });
      if (rebased.code !== 0) {
        const files = (await git.out(["diff", "--name-only", "--diff-filter=U"])).split("\n").filter(Boolean);
        await git.run(["rebase", "--abort"], { allowFailure: true });
        const m = conflictMessage(s, c, files);
        throw new ProposeConflictError(m.message, m.hint, files);
      }
      lease = c.sha;
    } else {
      const files = await mergeConflicts(s, c.sha);
      if (files.length > 0) {
        const m = conflictMessage(s, c, files);
        throw new ProposeConflictError(m.message, m.hint, files);
      }
    }
  }
  const parentScopes = readScopes(s.root, app.layout.targets);
  writeProposal(s.root, app, extra);
  return {
    unchanged: false,
    ...(lease !== undefined ? { lease } : {}),
    parentChanges: diffScopes(parentScopes, renderedScopes(app.layout.targets)),
  };
}

/** Commits between the merge base and the branch tip that kintent did not make (no Intent-Hash trailer). */
async function foreignCommits(s: Session, from: string, to: string): Promise<string[]> {
  const lines = await s.git.out([
    "log",
    `--format=%H %(trailers:key=${TRAILERS.intentHash},valueonly,separator=%x2C)`,
    `${from}..${to}`,
  ]);
  return lines
    .split("\n")
    .filter(Boolean)
    .filter((l) => l.trim().split(" ").length < 2)
    .map((l) => l.trim());
}

/** Files that conflict when merging `sha` into the base (git merge-tree, no worktree touched). */
async function mergeConflicts(s: Session, sha: string): Promise<string[]> {
  const r = await s.git.run(["merge-tree", "--write-tree", "--name-only", "--no-messages", s.baseSha, sha], {
    allowFailure: true,
  });
  if (r.code === 0) return [];
  if (r.code !== 1)
    throw new GitError(
      `git merge-tree failed (exit ${r.code})`,
      ["merge-tree"],
      r.code,
      s.redactor.redact(r.stderr),
    );
  return r.stdout.split("\n").slice(1).filter(Boolean);
}

function conflictMessage(
  s: Session,
  c: Candidate,
  files: readonly string[],
): { message: string; hint: string } {
  const pr = c.pullRequest ? ` (#${c.pullRequest.number})` : "";
  return {
    message: `${c.branch}${pr} conflicts with ${s.base} in ${files.join(", ") || "some files"}: ${s.base} changed them since the proposal was made, and kintent does not resolve conflicts by guessing.`,
    hint:
      `Either keep ${s.base}'s change — express it in the intent (the manifests are generated from it), close the pull request, ` +
      `delete the branch (git push ${s.remote.display} --delete ${c.branch}) and run kintent propose again — ` +
      `or rebase ${c.branch} onto ${s.base} by hand, resolve, push, and run kintent propose again.`,
  };
}

/** Author/committer for kintent's commits when the caller or git's configuration does not give one. */
async function identityEnv(
  git: Git,
  author: { name: string; email: string } | undefined,
): Promise<NodeJS.ProcessEnv> {
  let who = author;
  if (!who) {
    const name = (await git.run(["config", "user.name"], { allowFailure: true })).stdout.trim();
    const email = (await git.run(["config", "user.email"], { allowFailure: true })).stdout.trim();
    who = name && email ? { name, email } : DEFAULT_AUTHOR;
  }
  return {
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
  };
}

/** Open or update the pull request; without a forge (or when it fails), say how to do it by hand. */
async function finishPullRequest(
  s: Session,
  result: ProposeResult,
  branch: string,
  title: string,
  body: string,
  pushed: boolean,
): Promise<ProposeResult> {
  result.instructions = compareInstructions(s, branch);
  if (!s.forge) {
    result.pullRequestAction = "none";
    if (pushed) s.log(`pushed ${branch}; no forge to open a pull request on`);
    return result;
  }
  s.log(`opening or updating the ${s.forge.noun} ${branch} → ${s.base}`);
  try {
    const pr = await s.forge.findPullRequest(branch, s.base);
    if (pr && pr.state === "open") {
      if (pr.title === title && pr.body.trimEnd() === body.trimEnd()) {
        result.pullRequest = pr;
        result.pullRequestAction = "unchanged";
      } else {
        result.pullRequest = await s.forge.updatePullRequest(pr.number, { title, body });
        result.pullRequestAction = "updated";
      }
    } else {
      result.pullRequest = await s.forge.createPullRequest({ head: branch, base: s.base, title, body });
      result.pullRequestAction = "created";
      if (result.status === "unchanged") result.summary += `; opened the missing ${s.forge.noun}`;
    }
    result.instructions = [];
  } catch (e) {
    if (!(e instanceof ForgeError)) throw e;
    result.forgeError = s.redactor.redact(e.message);
  }
  return result;
}

/** How to open (or review) the pull request by hand. */
function compareInstructions(s: Session, branch: string): string[] {
  const out: string[] = [];
  if (s.webUrl && s.repoPath) {
    const web = `${s.webUrl}/${s.repoPath}`;
    const enc = encodeURIComponent;
    if (s.forgeKind === "github") out.push(`open: ${web}/compare/${enc(s.base)}...${enc(branch)}?expand=1`);
    else if (s.forgeKind === "gitea") out.push(`open: ${web}/compare/${enc(s.base)}...${enc(branch)}`);
    else if (s.forgeKind === "gitlab")
      out.push(
        `open: ${web}/-/merge_requests/new?merge_request%5Bsource_branch%5D=${enc(branch)}&merge_request%5Btarget_branch%5D=${enc(s.base)}`,
      );
  }
  if (s.remote.local) out.push(`review: git -C ${s.remote.display} diff ${s.base}...${branch}`);
  else out.push(`review: git fetch ${s.remote.display} ${branch} && git diff ${s.base}...FETCH_HEAD`);
  return out;
}
